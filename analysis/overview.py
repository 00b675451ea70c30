"""Province overview: totals, changes, plan progress and the units to watch.

The plan (Kế hoạch 60/KH-UBND, 2022) aims to reduce poor-A households (hộ nghèo A,
with labour capacity) by 80 % over 2021–2025 and 85 % over 2026–2030 from each
phase's baseline, 10–20 % a year. Those targets are data (:data:`PLAN_TARGETS`),
passed as a parameter so that an amended plan needs no code change. Progress is
judged against the linear path from the baseline to the phase target.

Province totals are sums over the communes of the version the year was collected
on, so no unit is counted twice (district rows, if any, are not added again). A
province figure is only given when **every** commune has the value: summing the few
units present would pass a partial count off as the province's, so the figure is
missing instead and :func:`missing_units` names the units that keep it from existing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from analysis.mapdata import (
    CURRENT_VERSION,
    Crosswalks,
    MapValues,
    available_years,
    collected_version,
    unit_counts,
)
from povcore.errors import PovmapError
from povcore.indicators import get_indicator
from povcore.labels import Labelled
from povcore.units import registry


@dataclass(frozen=True)
class PhaseTarget:
    """Reduction target of one plan phase, in percent of the baseline.

    ``baseline_year``: the year whose end-of-year values are the baseline (end-2020
    for 2021–2025); when absent from the data, the first phase year present is used.
    """

    first_year: int
    last_year: int
    reduction_pct: float
    baseline_year: int
    annual_min_pct: float = 10.0
    annual_max_pct: float = 20.0
    indicator: str = "poor_a"

    @property
    def label(self) -> str:
        """E.g. ``"2021–2025"``."""
        return f"{self.first_year}–{self.last_year}"


PLAN_TARGETS: Mapping[str, PhaseTarget] = MappingProxyType({
    "2021-2025": PhaseTarget(2021, 2025, 80.0, 2020),
    "2026-2030": PhaseTarget(2026, 2030, 85.0, 2025),
})

SUMMARY_COUNTS = ("poor", "poor_a", "poor_b", "near_poor", "total_households")
SUMMARY_KEYS = (*SUMMARY_COUNTS, *(f"{k}_rate" for k in SUMMARY_COUNTS[:-1]))


def phase_of(year: int, targets: Mapping[str, PhaseTarget] = PLAN_TARGETS
             ) -> PhaseTarget | None:
    """The phase containing ``year``, or None.

    >>> phase_of(2025).label, phase_of(2026).reduction_pct, phase_of(2020)
    ('2021–2025', 85.0, None)
    """
    for phase in targets.values():
        if phase.first_year <= year <= phase.last_year:
            return phase
    return None


def baseline_year(obs: pd.DataFrame, phase: PhaseTarget) -> int | None:
    """Baseline year of ``phase`` in ``obs``: its nominal one, else its first year present.

    >>> obs = pd.DataFrame({"year": [2021, 2022], "indicator": "poor_a"})
    >>> baseline_year(obs, PLAN_TARGETS["2021-2025"])
    2021
    """
    years = set(available_years(obs[obs["indicator"] == phase.indicator]))
    if phase.baseline_year in years:
        return phase.baseline_year
    inside = sorted(y for y in years if phase.first_year <= y <= phase.last_year)
    return inside[0] if inside else None


def required_reduction_pct(phase: PhaseTarget, base_year: int, year: int) -> float:
    """Reduction due by ``year`` on the linear path from ``base_year`` to the target.

    >>> required_reduction_pct(PLAN_TARGETS["2021-2025"], 2020, 2023)
    48.0
    """
    span = phase.last_year - base_year
    if span <= 0:
        return phase.reduction_pct
    elapsed = min(max(year - base_year, 0), span)
    return phase.reduction_pct * elapsed / span


def reduction_pct(baseline: float, current: float) -> float:
    """Reduction from ``baseline`` to ``current`` in percent (NaN if baseline ≤ 0).

    >>> reduction_pct(200, 50)
    75.0
    """
    if not baseline > 0 or math.isnan(current):
        return math.nan
    return (baseline - current) / baseline * 100.0


# ---------------------------------------------------------------- province summary

@dataclass(frozen=True)
class PlanProgress:
    """Poor-A reduction of the province against the phase target.

    ``on_track`` is None when it cannot be judged yet (no baseline value, or the
    year is the baseline itself). ``annual_reduction_pct`` is the average yearly
    reduction (compound), to compare with the plan's 10–20 % a year.
    """

    phase: str
    target_pct: float
    baseline_year: int
    baseline: float
    current: float
    reduction_pct: float
    required_pct: float
    on_track: bool | None
    annual_reduction_pct: float
    annual_min_pct: float
    annual_max_pct: float


@dataclass(frozen=True, eq=False)
class ProvinceSummary:
    """Province totals of a year and their changes.

    ``table``: index = :data:`SUMMARY_KEYS` (counts and rates), columns value,
    previous, change, change_pct, baseline, change_vs_baseline,
    change_vs_baseline_pct. Rate changes are in percentage points (``change``) and
    relative percent (``change_pct``).
    """

    year: int
    version: str
    previous_year: int | None
    baseline_year: int | None
    table: pd.DataFrame
    progress: PlanProgress | None
    units_with_data: int
    units_total: int
    unmatched: tuple[str, ...]
    missing: tuple[str, ...] = ()
    baseline_missing: tuple[str, ...] = ()

    def value(self, key: str) -> float:
        """Total of ``key`` in :attr:`year`."""
        return float(self.table["value"][key])


def _rate(counts: pd.DataFrame, key: str) -> float:
    both = counts[[key, "total_households"]]
    if both.isna().any().any():
        return math.nan
    den = float(both["total_households"].sum())
    return float(both[key].sum()) / den * 100.0 if den > 0 else math.nan


def missing_units(obs: pd.DataFrame, year: int | None, keys: Sequence[str] = ("poor_a",),
                  province: str = "75") -> tuple[str, ...]:
    """Communes of the year's collected version lacking any of ``keys`` that year.

    Keys nobody reported that year are not asked for (the figure is simply absent).

    >>> obs = pd.DataFrame({"unit_code": ["26080"], "boundary_version": "2024",
    ...                     "year": 2024, "indicator": ["poor_a"], "value": [1.0]})
    >>> len(missing_units(obs, 2024)), missing_units(obs, 2024)[:2]
    (269, ('25195', '25198'))
    """
    if year is None:
        return ()
    uc = unit_counts(obs, year, collected_version(obs, year), "commune", None, province)
    present = [k for k in keys if k in uc.counts.columns and uc.counts[k].notna().any()]
    if not present:
        return ()
    lacking = uc.counts[present].isna().any(axis=1)
    return tuple(sorted(str(c) for c in uc.counts.index[lacking]))


def province_totals(obs: pd.DataFrame, year: int | None, province: str = "75") -> pd.Series:
    """Totals of :data:`SUMMARY_KEYS` over the communes the year was collected on.

    A count is NaN unless every commune has it (see :func:`missing_units`); a rate
    is the summed numerator over the summed denominator, both complete.

    >>> codes = registry().units("2025", "commune")["code"]
    >>> obs = pd.DataFrame({"unit_code": list(codes) * 2, "boundary_version": "2025",
    ...                     "year": 2025, "indicator": ["poor"] * 95 + ["total_households"] * 95,
    ...                     "value": [1.0] * 95 + [40.0] * 95})
    >>> float(province_totals(obs, 2025)["poor_rate"])
    2.5
    >>> math.isnan(province_totals(obs.iloc[1:], 2025)["poor"])
    True
    """
    if year is None:
        return pd.Series(math.nan, index=list(SUMMARY_KEYS), dtype=float)
    uc = unit_counts(obs, year, collected_version(obs, year), "commune", None, province)
    counts = uc.counts.reindex(columns=list(SUMMARY_COUNTS)).astype(float)
    out = {k: float(counts[k].sum(min_count=len(counts))) for k in SUMMARY_COUNTS}
    out.update({f"{k}_rate": _rate(counts, k) for k in SUMMARY_COUNTS[:-1]})
    return pd.Series(out, dtype=float).reindex(list(SUMMARY_KEYS))


def _pct(change: pd.Series, base: pd.Series) -> pd.Series:
    return change / base.where(base != 0) * 100.0


def _progress(phase: PhaseTarget | None, base_year: int | None, base: float,
              current: float, year: int) -> PlanProgress | None:
    if phase is None or base_year is None:
        return None
    elapsed = year - base_year
    reduction = reduction_pct(base, current)
    required = required_reduction_pct(phase, base_year, year)
    judged = elapsed > 0 and not (math.isnan(base) or math.isnan(current))
    on_track = None if not judged else (
        current <= 0 if base <= 0 else reduction >= required - 1e-9)
    annual = (math.nan if not (judged and base > 0 and current >= 0)
              else (1.0 - (current / base) ** (1.0 / elapsed)) * 100.0)
    return PlanProgress(phase.label, phase.reduction_pct, base_year, base, current,
                        reduction, required, on_track, annual, phase.annual_min_pct,
                        phase.annual_max_pct)


def _require_year(obs: pd.DataFrame, year: int) -> list[int]:
    years = available_years(obs)
    if year not in years:
        shown = ", ".join(map(str, years)) or "none"
        raise PovmapError(f"No data for {year}. Years with data: {shown}.")
    return years


def province_trend(obs: pd.DataFrame, keys: Sequence[str] = ("poor_a", "poor_b", "near_poor"),
                   province: str = "75") -> pd.DataFrame:
    """Province totals of ``keys`` for every year in ``obs`` (index = year).

    A year with some communes missing has no province figure (NaN).

    >>> codes = registry().units("2024", "commune")["code"].tolist()
    >>> obs = pd.DataFrame({"unit_code": codes + ["26080"], "boundary_version": "2024",
    ...                     "year": [2024] * 270 + [2025], "indicator": "poor_a",
    ...                     "value": [3.0] * 270 + [1.0]})
    >>> province_trend(obs, ["poor_a"]).to_dict()
    {'poor_a': {2024: 810.0, 2025: nan}}
    """
    years = sorted(int(y) for y in obs["year"].unique())
    return pd.DataFrame({y: province_totals(obs, y, province)[list(keys)] for y in years}).T


def province_summary(obs: pd.DataFrame, year: int, crosswalks: Crosswalks | None = None,
                     province: str = "75",
                     targets: Mapping[str, PhaseTarget] = PLAN_TARGETS) -> ProvinceSummary:
    """Province totals of ``year``, changes and plan progress for poor-A households.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long counts: unit_code, boundary_version, year, indicator, value.
    year : int
        Year to summarise (must be in ``obs``).
    crosswalks : mapping, optional
        Not needed for province totals: every old unit's weights sum to 1, so
        apportioning cannot change a province sum. Accepted for a signature shared
        with :func:`on_track_units`.
    province : str, default "75"
    targets : mapping, default :data:`PLAN_TARGETS`
        Phase targets (data, editable).

    Returns
    -------
    ProvinceSummary

    Examples
    --------
    >>> codes = registry().units("2021", "commune")["code"].tolist()
    >>> obs = pd.DataFrame({"unit_code": codes * 2, "boundary_version": "2021",
    ...                     "year": [2020] * 281 + [2022] * 281, "indicator": "poor_a",
    ...                     "value": [200.0] + [0.0] * 280 + [80.0] + [0.0] * 280})
    >>> p = province_summary(obs, 2022).progress
    >>> p.reduction_pct, p.required_pct, p.on_track
    (60.0, 32.0, True)
    """
    years = _require_year(obs, year)
    previous_year = year - 1 if year - 1 in years else None
    phase = phase_of(year, targets)
    base_year = baseline_year(obs, phase) if phase is not None else None
    current = province_totals(obs, year, province)
    previous = province_totals(obs, previous_year, province)
    base = province_totals(obs, base_year, province)
    table = pd.DataFrame({"value": current, "previous": previous})
    table["change"] = current - previous
    table["change_pct"] = _pct(table["change"], previous)
    table["baseline"] = base
    table["change_vs_baseline"] = current - base
    table["change_vs_baseline_pct"] = _pct(table["change_vs_baseline"], base)
    version = collected_version(obs, year)
    uc = unit_counts(obs, year, version, "commune", None, province)
    return ProvinceSummary(
        year=year, version=version, previous_year=previous_year, baseline_year=base_year,
        table=table, progress=_progress(phase, base_year, float(base["poor_a"]),
                                        float(current["poor_a"]), year),
        units_with_data=int(uc.counts.notna().any(axis=1).sum()),
        units_total=len(uc.counts), unmatched=uc.unmatched,
        missing=missing_units(obs, year, ("poor_a",), province),
        baseline_missing=missing_units(obs, base_year, ("poor_a",), province))


# ---------------------------------------------------------------- rankings

@dataclass(frozen=True)
class Ranking(Labelled):
    """One way to order units in a top-n list."""


RANKINGS: Mapping[str, Ranking] = MappingProxyType({
    "value": Ranking("value", "Theo giá trị chỉ tiêu", "By indicator value"),
    "count": Ranking("count", "Theo số hộ", "By number of households"),
    "change": Ranking("change", "Theo mức tăng so với năm trước", "By change since last year"),
})


def _ranking_key(mv: MapValues, by: str) -> pd.Series:
    if by not in RANKINGS:
        raise PovmapError(f"Unknown ranking '{by}'. Valid: {', '.join(RANKINGS)}.")
    if by == "change":
        return mv.change
    if by == "count":
        return _count_of(mv)
    return mv.values


def _count_of(mv: MapValues) -> pd.Series:
    ind = get_indicator(mv.indicator)
    key = ind.numerator or ind.key
    return mv.counts[key]


def top_units(mv: MapValues, n: int = 10, by: str = "value") -> pd.DataFrame:
    """The ``n`` worst units of a map (rank 1 = worst), units without data left out.

    ``by``: ``"value"`` (the indicator), ``"count"`` (households: the rate's
    numerator) or ``"change"`` (worst change since last year). Ties share a rank.

    Returns
    -------
    pandas.DataFrame
        Columns rank, code, name, value, count, change.
    """
    key = _ranking_key(mv, by)
    ascending = not get_indicator(mv.indicator).higher_is_worse
    names = registry(mv.province).units(mv.version).set_index("code")["name"]
    frame = pd.DataFrame({"code": mv.values.index.astype(str), "key": key.to_numpy(),
                          "value": mv.values.to_numpy(), "count": _count_of(mv).to_numpy(),
                          "change": mv.change.to_numpy()}).dropna(subset=["key"])
    frame["rank"] = frame["key"].rank(method="min", ascending=ascending).astype(int)
    frame["name"] = frame["code"].map(names)
    frame = frame.sort_values(["rank", "code"]).head(n)
    return frame[["rank", "code", "name", "value", "count", "change"]].reset_index(drop=True)


# ---------------------------------------------------------------- units on track

def _unit_on_track(base: pd.Series, cur: pd.Series, required: float,
                   judged: bool) -> pd.Series:
    known = base.notna() & cur.notna() & judged
    reduction = (base - cur) / base.where(base > 0) * 100.0
    flag = np.where(base > 0, reduction >= required - 1e-9, cur <= 0)
    return pd.Series(pd.array(flag, dtype="boolean"), index=base.index).where(known, pd.NA)


def on_track_units(obs: pd.DataFrame, year: int, crosswalks: Crosswalks | None = None,
                   province: str = "75",
                   targets: Mapping[str, PhaseTarget] = PLAN_TARGETS) -> pd.DataFrame:
    """Poor-A reduction of every current (2025) unit against its phase target.

    Baseline and current counts are re-aggregated to today's units through the
    crosswalks when collected on older boundaries.

    Returns
    -------
    pandas.DataFrame
        One row per current unit: code, name, baseline_year, baseline, current,
        reduction_pct, required_pct, on_track (nullable boolean: NA when the unit
        has no baseline or current value, or the year is the baseline year).
    """
    _require_year(obs, year)
    phase = phase_of(year, targets)
    if phase is None:
        valid = ", ".join(p.label for p in targets.values())
        raise PovmapError(f"Year {year} is outside the plan phases ({valid}).")
    base_year = baseline_year(obs, phase)
    if base_year is None:
        raise PovmapError(f"No {phase.indicator} data to set the {phase.label} baseline.")
    base = unit_counts(obs, base_year, CURRENT_VERSION, "commune", crosswalks, province)
    cur = unit_counts(obs, year, CURRENT_VERSION, "commune", crosswalks, province)
    b = base.counts.reindex(columns=[phase.indicator])[phase.indicator].astype(float)
    c = cur.counts.reindex(columns=[phase.indicator])[phase.indicator].astype(float)
    required = required_reduction_pct(phase, base_year, year)
    names = registry(province).units(CURRENT_VERSION).set_index("code")["name"]
    return pd.DataFrame({
        "code": b.index.astype(str), "name": names.reindex(b.index).to_numpy(),
        "baseline_year": base_year,
        "baseline": b.to_numpy(), "current": c.to_numpy(),
        "reduction_pct": ((b - c) / b.where(b > 0) * 100.0).to_numpy(),
        "required_pct": required,
        "on_track": _unit_on_track(b, c, required, year > base_year).to_numpy(),
    })
