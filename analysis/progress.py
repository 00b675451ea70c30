"""Progress against the plan's targets, per unit and per territory (pure functions).

Decisions (tested in ``tests/test_progress.py``):

* **Baseline** — the target's ``baseline_year`` (end-2020 for 2021–2025, end-2025 for
  2026–2030) when the data hold it, else the first phase year present, with a note
  that says so (the path then runs over fewer years: same target, steeper path).
* **Latest** — the last year after the baseline, up to the phase end, with a value. A
  missing year in between is simply skipped (the path is read at the latest year).
* **Status** — ``met`` when the latest value is at or below the phase-end target;
  otherwise ``missed`` when the latest year is the phase's last year; otherwise
  ``on_track`` when the latest value is at or below the value due on the path in
  that year, ``behind`` when above (an increase is ``behind``); ``insufficient_data``
  without a baseline or without any value after it.
* **Baseline 0** — nothing to reduce: ``met`` while the unit stays at 0; any poor-A
  household later makes it ``behind`` (``missed`` at the phase end). The reduction in
  percent is undefined (null).
* **Territory** — a figure (baseline or any year) is the sum over *every* unit of the
  territory on the units the year was collected on; if any unit lacks a value the
  figure is not given and the missing units are named.
* **Geography** — ``as-collected``: units of the baseline's boundary version (for
  2021–2025 the 2021 communes; a commune merged on 1 Nov 2024 has no later value on
  that version, so it is judged at its last year on it). ``current``: every year
  re-aggregated to today's 95 units through the crosswalk (counts apportioned by
  weight and summed; a unit with any missing contributor has no value).
* **Projection** — the least-squares line through the values from the baseline to the
  latest year, read at the phase end (never below 0); needs two values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from analysis.mapdata import (
    CURRENT_VERSION,
    Crosswalks,
    collected_version,
    indicator_values,
    unit_counts,
)
from analysis.targets import (
    Target,
    band,
    due_value,
    end_value,
    path_words,
    phase_targets,
)
from povcore.errors import PovmapError
from povcore.i18n import format_number
from povcore.indicators import get_indicator
from povcore.units import registry

STATUSES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "met": ("đạt", "met"),
    "on_track": ("đúng tiến độ", "on track"),
    "behind": ("chậm", "behind"),
    "missed": ("không đạt", "missed"),
    "insufficient_data": ("chưa đủ số liệu", "insufficient data"),
})
STATUS_COLOURS: Mapping[str, str] = MappingProxyType({
    "met": "#1a9850", "on_track": "#91cf60", "behind": "#fc8d59", "missed": "#d73027",
    "insufficient_data": "#9e9ac8",
})
GEOGRAPHIES = ("as-collected", "current")
_EPS = 1e-9


def status_label(status: str, lang: str = "vi") -> str:
    """Label of a status key.

    >>> status_label("on_track"), status_label("missed", "en")
    ('đúng tiến độ', 'missed')
    """
    try:
        vi, en = STATUSES[status]
    except KeyError:
        raise PovmapError(f"Unknown status '{status}'. Valid: {', '.join(STATUSES)}.") from None
    return en if lang == "en" else vi


@dataclass(frozen=True)
class Progress:
    """Progress of one series (a unit or a territory) against one target."""

    status: str
    baseline_year: int
    baseline: float
    latest_year: int | None
    latest: float
    reduction_pct: float
    due_now: float
    target_end: float
    required_per_year: float
    required_per_year_pct: float
    projection: float


def _nan(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _status(target: Target, baseline: float, latest: float, latest_year: int,
            due: float, end: float) -> str:
    ended = latest_year >= target.last_year
    if target.kind == "reduction" and baseline <= 0:
        if latest <= _EPS:
            return "met"
        return "missed" if ended else "behind"
    if latest <= end + _EPS * max(1.0, abs(end)):
        return "met"
    if ended:
        return "missed"
    return "on_track" if latest <= due + _EPS * max(1.0, abs(due)) else "behind"


def _projection(points: Sequence[tuple[int, float]], last_year: int) -> float:
    if len(points) < 2:
        return math.nan
    xs = np.array([p[0] for p in points], dtype=float)
    ys = np.array([p[1] for p in points], dtype=float)
    slope, intercept = np.polyfit(xs, ys, 1)
    return max(float(slope * last_year + intercept), 0.0)


def _required(target: Target, baseline: float, latest: float, latest_year: int,
              end: float) -> tuple[float, float]:
    """Yearly cut still needed from the latest year to the phase end (and in percent)."""
    years_left = target.last_year - latest_year
    if years_left <= 0:
        return math.nan, math.nan
    per_year = max(latest - end, 0.0) / years_left
    if target.kind == "rate_points":
        return per_year, math.nan
    if target.path == "compound":
        pct = (1.0 - (end / latest) ** (1.0 / years_left)) * 100.0 if latest > 0 else 0.0
        return per_year, max(pct, 0.0)
    return per_year, per_year / baseline * 100.0 if baseline > 0 else math.nan


def assess(target: Target, series: Mapping[int, float], base_year: int) -> Progress:
    """Progress of one series of end-of-year values against ``target``.

    Parameters
    ----------
    target : Target
    series : mapping
        Year → value (NaN or absent = no value).
    base_year : int
        The baseline year actually used.

    Examples
    --------
    >>> from analysis.targets import Target
    >>> t = Target("k", "2021-2025", reduction_pct=80.0)
    >>> p = assess(t, {2020: 50.0, 2025: 10.0}, 2020)
    >>> p.status, p.reduction_pct
    ('met', 80.0)
    """
    baseline = series.get(base_year, math.nan)
    end = end_value(target, baseline, base_year) if not _nan(baseline) else math.nan
    later = sorted((y, float(v)) for y, v in series.items()
                   if base_year < y <= target.last_year and not _nan(v))
    if _nan(baseline) or not later:
        latest_year, latest = (later[-1] if later else (None, math.nan))
        return Progress("insufficient_data", base_year, float(baseline), latest_year, latest,
                        math.nan, math.nan, end, math.nan, math.nan, math.nan)
    latest_year, latest = later[-1]
    due = due_value(target, baseline, base_year, latest_year)
    reduction = (baseline - latest) / baseline * 100.0 if baseline > 0 else math.nan
    per_year, per_year_pct = _required(target, baseline, latest, latest_year, end)
    return Progress(
        status=_status(target, baseline, latest, latest_year, due, end),
        baseline_year=base_year, baseline=float(baseline), latest_year=latest_year,
        latest=latest, reduction_pct=reduction, due_now=due, target_end=end,
        required_per_year=per_year, required_per_year_pct=per_year_pct,
        projection=_projection([(base_year, float(baseline)), *later], target.last_year))


# ---------------------------------------------------------------- baseline year

def baseline_choice(obs: pd.DataFrame, target: Target) -> tuple[int | None, str, str]:
    """Baseline year for ``target`` in ``obs`` and a note when it is not the nominal one.

    >>> obs = pd.DataFrame({"year": [2021, 2022], "indicator": "poor_a"})
    >>> year, vi, en = baseline_choice(obs, Target("k", "2021-2025", reduction_pct=80.0))
    >>> year, en[:45]
    (2021, 'No end-2020 review in the data: baseline is e')
    """
    ind = get_indicator(target.indicator)
    key = ind.numerator or ind.key
    years = {int(y) for y in obs.loc[obs["indicator"] == key, "year"].unique()}
    if target.baseline_year in years:
        return target.baseline_year, "", ""
    inside = sorted(y for y in years if target.first_year <= y <= target.last_year)
    if not inside:
        return None, (f"Chưa có số liệu cuối năm {target.baseline_year} hay năm nào của giai "
                      f"đoạn {target.phase} để làm số gốc."), (
                      f"No end-{target.baseline_year} review nor any {target.phase} year "
                      "in the data to serve as baseline.")
    y = inside[0]
    span = target.last_year - y
    return y, (f"Chưa có số liệu cuối năm {target.baseline_year}: số gốc là cuối năm {y}, "
               f"mục tiêu giữ nguyên nên phải đạt trong {span} năm thay vì "
               f"{target.last_year - target.baseline_year} năm."), (
               f"No end-{target.baseline_year} review in the data: baseline is end-{y}; "
               f"the target is unchanged, so it must be reached in {span} years instead of "
               f"{target.last_year - target.baseline_year}.")


# ---------------------------------------------------------------- units and territories

def territory_codes(spec: str, version: str, province: str = "75") -> list[str]:
    """Commune codes of ``version`` in the territory ``spec``.

    ``all``; ``former_province:CODE`` (the province a unit belonged to before 1 Jul
    2025, column ``former_province`` of the registry); ``units:CODE,CODE``.

    >>> len(territory_codes("former_province:75", "2021"))
    170
    >>> len(territory_codes("former_province:70", "2021")), len(territory_codes("all", "2025"))
    (111, 95)
    """
    units = registry(province).units(version, "commune")
    if spec == "all":
        return units["code"].astype(str).tolist()
    if spec.startswith("former_province:"):
        code = spec.split(":", 1)[1]
        return units.loc[units["former_province"] == code, "code"].astype(str).tolist()
    if spec.startswith("units:"):
        wanted = [c.strip() for c in spec.split(":", 1)[1].split(",") if c.strip()]
        known = set(units["code"].astype(str))
        return [c for c in wanted if c in known]
    raise PovmapError(f"Unknown territory '{spec}'. Valid: all, former_province:CODE, "
                      "units:CODE,CODE.")


def _needed(indicator: str) -> list[str]:
    ind = get_indicator(indicator)
    return [k for k in (ind.numerator, ind.denominator) if k] or [ind.key]


def _year_counts(obs: pd.DataFrame, year: int, version: str, indicator: str,
                 crosswalks: Crosswalks | None, province: str) -> pd.DataFrame:
    counts = unit_counts(obs, year, version, "commune", crosswalks, province).counts
    return counts.reindex(columns=_needed(indicator)).astype(float)


def unit_matrix(obs: pd.DataFrame, version: str, years: Sequence[int], indicator: str,
                crosswalks: Crosswalks | None = None, province: str = "75") -> pd.DataFrame:
    """Values of ``indicator`` on the communes of ``version`` (rows) for ``years`` (columns).

    Years collected on an older version are re-aggregated through the crosswalk; years
    collected on a newer version cannot be carried back and stay NaN.
    """
    cols = {y: indicator_values(_year_counts(obs, y, version, indicator, crosswalks,
                                             province), indicator) for y in years}
    frame = pd.DataFrame(cols)
    frame.index = frame.index.astype(str)
    return frame


@dataclass(frozen=True)
class TerritoryYear:
    """A territory's figure for one year, or the units that keep it from existing."""

    year: int
    version: str
    value: float
    n_units: int
    missing: tuple[str, ...]


def territory_value(obs: pd.DataFrame, year: int, spec: str, indicator: str,
                    version: str | None = None, crosswalks: Crosswalks | None = None,
                    province: str = "75") -> TerritoryYear:
    """Territory figure of ``year``: every unit's value summed, or None and who is missing.

    ``version`` None: the units the year was collected on. Rates are summed numerators
    over summed denominators.
    """
    v = version or collected_version(obs, year)
    codes = territory_codes(spec, v, province)
    counts = _year_counts(obs, year, v, indicator, crosswalks, province).reindex(codes)
    missing = tuple(sorted(counts.index[counts.isna().any(axis=1)].astype(str)))
    if missing or not codes:
        return TerritoryYear(year, v, math.nan, len(codes), missing)
    total = indicator_values(counts.sum().to_frame().T, indicator)
    return TerritoryYear(year, v, float(total.iloc[0]), len(codes), ())


@dataclass(frozen=True, eq=False)
class TerritoryProgress:
    """Progress of one target on its whole territory.

    ``years``: one :class:`TerritoryYear` per year from the baseline to the phase end
    that has data. ``missing``: units lacking a value in the baseline or latest year.
    """

    target: Target
    progress: Progress
    years: tuple[TerritoryYear, ...]
    missing: tuple[str, ...]
    n_units: int


@dataclass(frozen=True, eq=False)
class PhaseProgress:
    """Everything the progress page, the CLI and the completion table show for a phase.

    ``units``: one row per unit of the phase's territories: unit_code, name, target,
    baseline_year, baseline, latest_year, latest, reduction_pct, due_now, target_end,
    required_per_year, required_per_year_pct, projection, status.
    """

    phase: str
    geography: str
    version: str
    baseline_year: int | None
    baseline_note_vi: str
    baseline_note_en: str
    units: pd.DataFrame
    territories: tuple[TerritoryProgress, ...]
    method_vi: str
    method_en: str
    series: Mapping[str, pd.DataFrame] = field(default_factory=dict)


def _years_in(obs: pd.DataFrame, target: Target, base_year: int) -> list[int]:
    key = _needed(target.indicator)[0]
    years = {int(y) for y in obs.loc[obs["indicator"] == key, "year"].unique()}
    return sorted(y for y in years if base_year <= y <= target.last_year)


def _territory(obs: pd.DataFrame, target: Target, base_year: int, years: Sequence[int],
               version: str | None, crosswalks: Crosswalks | None,
               province: str) -> TerritoryProgress:
    rows = tuple(territory_value(obs, y, target.territory, target.indicator, version,
                                 crosswalks, province) for y in years)
    by_year = {r.year: r for r in rows}
    base = by_year.get(base_year)
    latest = rows[-1] if len(rows) > 1 else None
    missing = tuple(sorted({*(base.missing if base else ()),
                            *(latest.missing if latest else ())}))
    if latest is not None and latest.missing:
        series = {base_year: base.value if base else math.nan}  # no figure from a partial set
    else:
        series = {r.year: r.value for r in rows}
    n_units = latest.n_units if latest else (base.n_units if base else 0)
    return TerritoryProgress(target, assess(target, series, base_year), rows, missing, n_units)


def _unit_rows(target: Target, matrix: pd.DataFrame, codes: Sequence[str],
               base_year: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for code in codes:
        series = matrix.loc[code].to_dict() if code in matrix.index else {}
        p = assess(target, {int(str(k)): float(v) for k, v in series.items()}, base_year)
        out.append({"unit_code": code, "target": target.key, **p.__dict__})
    return out


def _method(geography: str, version: str, base_year: int) -> tuple[str, str]:
    if geography == "current":
        return ("Mọi năm quy đổi về 95 xã, phường hiện nay theo bảng chuyển đổi: số hộ của "
                "đơn vị cũ phân bổ theo trọng số rồi cộng; đơn vị thiếu số liệu của một đơn vị "
                "cũ góp vào thì để trống.",
                "Every year re-aggregated to today's 95 units through the crosswalk: old "
                "units' households apportioned by weight and summed; a unit missing any "
                "contributing old unit has no value.")
    return (f"Theo đơn vị thu thập số liệu năm gốc {base_year} (ranh giới {version}); năm "
            "thu thập theo ranh giới mới hơn không quy ngược được nên đơn vị được đánh giá ở "
            "năm cuối có số liệu; tổng địa bàn mỗi năm cộng mọi đơn vị của năm đó.",
            f"On the units of the baseline year {base_year} (boundaries {version}); years "
            "collected on newer boundaries cannot be carried back, so units are judged at "
            "their last year with data; each year's territory total sums all its units.")


def phase_progress(obs: pd.DataFrame, targets: Sequence[Target], phase: str,
                   geography: str = "as-collected", crosswalks: Crosswalks | None = None,
                   province: str = "75") -> PhaseProgress:
    """Progress of every enabled target of ``phase``, per unit and per territory.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long counts: unit_code, boundary_version, year, indicator, value.
    targets : sequence of Target
        All targets (disabled ones and other phases are ignored); a target with a
        ``unit_code`` overrides the territory target for that unit.
    phase : str
        ``"2021-2025"`` or ``"2026-2030"``.
    geography : str
        ``"as-collected"`` or ``"current"`` (module docstring).
    crosswalks : mapping, optional
        Needed for ``current`` (and for older-version years).

    Returns
    -------
    PhaseProgress
    """
    if geography not in GEOGRAPHIES:
        raise PovmapError(f"Unknown geography '{geography}'. Valid: {', '.join(GEOGRAPHIES)}.")
    general, overrides = phase_targets(targets, phase)
    general = [t for t in general if t.kind == "reduction"] + [
        t for t in general if t.kind != "reduction"]
    if not general:
        raise PovmapError(f"No enabled target for phase {phase}. Enable one with "
                          "`povmap targets set KEY --enabled true`.")
    main = general[0]
    base_year, note_vi, note_en = baseline_choice(obs, main)
    if base_year is None:
        empty = pd.DataFrame(columns=["unit_code", "name", "status"])
        return PhaseProgress(phase, geography, CURRENT_VERSION, None, note_vi, note_en, empty,
                             (), note_vi, note_en)
    version = (CURRENT_VERSION if geography == "current"
               else collected_version(obs, base_year))
    years = _years_in(obs, main, base_year)
    rows: list[dict[str, object]] = []
    territories: list[TerritoryProgress] = []
    seen: set[str] = set()
    matrices: dict[str, pd.DataFrame] = {}
    for target in general:
        # household targets share the units out; further (rate) targets are territory-wide
        if target.kind == "reduction":
            matrix = matrices.setdefault(target.indicator, unit_matrix(
                obs, version, years, target.indicator, crosswalks, province))
            codes = [c for c in territory_codes(target.territory, version, province)
                     if c not in seen]
            seen.update(codes)
            plain = [c for c in codes if c not in overrides]
            rows += _unit_rows(target, matrix, plain, base_year)
            for code in (c for c in codes if c in overrides):
                rows += _unit_rows(overrides[code], matrix, [code], base_year)
        territories.append(_territory(obs, target, base_year, years,
                                      version if geography == "current" else None,
                                      crosswalks, province))
    units = pd.DataFrame(rows)
    names = registry(province).units(version, "commune").set_index("code")["name"]
    units.insert(1, "name", units["unit_code"].map(names))
    vi, en = _method(geography, version, base_year)
    return PhaseProgress(phase, geography, version, base_year, note_vi, note_en, units,
                         tuple(territories), vi, en, matrices)


# ---------------------------------------------------------------- words and tables

def headline(tp: TerritoryProgress, lang: str = "vi") -> str:
    """The territory's headline, e.g. "Giảm 63 % hộ nghèo A so với cuối năm 2020 — …".

    >>> from analysis.targets import Target
    >>> t = Target("k", "2021-2025", reduction_pct=80.0, label_vi="x")
    >>> tp = TerritoryProgress(t, assess(t, {2020: 100.0, 2023: 37.0}, 2020), (), (), 170)
    >>> headline(tp)
    'Giảm 63 % hộ nghèo A so với cuối năm 2020 — mục tiêu 80 % (đọc theo đường thẳng)'
    """
    p, t = tp.progress, tp.target
    ind = get_indicator(t.indicator)
    noun = ind.label(lang)
    noun = noun.split(" (")[0]
    noun = noun[0].lower() + noun[1:] if lang == "vi" else noun
    reading = path_words(t, lang).split(":")[0]
    if p.status == "insufficient_data":
        miss = ", ".join(tp.missing[:8]) + (" …" if len(tp.missing) > 8 else "")
        if lang == "vi":
            return (f"Chưa đủ số liệu để tính tiến độ {noun}"
                    + (f" — thiếu {len(tp.missing)} đơn vị: {miss}" if tp.missing else ""))
        return (f"Not enough data for {noun} progress"
                + (f" — {len(tp.missing)} units missing: {miss}" if tp.missing else ""))
    if t.kind == "rate_points":
        pts = format_number(p.baseline - p.latest, lang, 2)
        if lang == "vi":
            return (f"{ind.label('vi')} giảm {pts} điểm % so với cuối năm {p.baseline_year} — "
                    f"mục tiêu {t.points_per_year:g} điểm %/năm")
        return (f"{ind.label('en')} down {pts} points since end-{p.baseline_year} — target "
                f"{t.points_per_year:g} points a year")
    pct = "—" if _nan(p.reduction_pct) else f"{p.reduction_pct:.0f}"
    if lang == "vi":
        return (f"Giảm {pct} % {noun} so với cuối năm {p.baseline_year} — mục tiêu "
                f"{t.reduction_pct:g} % ({reading})")
    return (f"{noun} down {pct} % since end-{p.baseline_year} — target "
            f"{t.reduction_pct:g} % ({reading})")


def path_frame(tp: TerritoryProgress) -> pd.DataFrame:
    """Chart data: per year the actual territory value, the value due and the band.

    Columns actual, target, band_fast, band_slow (index = year, baseline to phase end).
    """
    t, p = tp.target, tp.progress
    years = list(range(p.baseline_year, t.last_year + 1))
    actual = {r.year: r.value for r in tp.years}
    b = p.baseline
    rows = {y: {"actual": actual.get(y, math.nan),
                "target": due_value(t, b, p.baseline_year, y) if not _nan(b) else math.nan,
                "band_fast": band(t, b, p.baseline_year, y)[0] if not _nan(b) else math.nan,
                "band_slow": band(t, b, p.baseline_year, y)[1] if not _nan(b) else math.nan}
            for y in years}
    return pd.DataFrame.from_dict(rows, orient="index")


def completion_table(pp: PhaseProgress, targets: Sequence[Target]) -> pd.DataFrame:
    """Heads' completion table ("Mức độ hoàn thành chỉ tiêu giảm nghèo").

    One row per unit and year after the baseline with a value: due (value on the
    path), achieved (the actual value), completion_pct = achieved cut / due cut × 100
    (null when nothing was due: baseline 0), status at that year and rank within the
    year (1 = highest completion; ties share a rank).
    """
    by_key = {t.key: t for t in targets}
    rows: list[dict[str, object]] = []
    if pp.baseline_year is None:
        return pd.DataFrame(columns=["year", "unit_code", "name", "baseline", "due",
                                     "achieved", "completion_pct", "status", "rank"])
    base_year = pp.baseline_year
    for rec in pp.units.to_dict("records"):
        target = by_key[str(rec["target"])]
        matrix = pp.series.get(target.indicator)
        if matrix is None or rec["unit_code"] not in matrix.index:
            continue
        series = {int(k): float(v) for k, v in matrix.loc[rec["unit_code"]].items()}
        base = series.get(base_year, math.nan)
        for year in sorted(y for y, v in series.items() if y > base_year and not _nan(v)):
            p = assess(target, {y: v for y, v in series.items() if y <= year}, base_year)
            due_cut = base - p.due_now
            done = (base - p.latest) / due_cut * 100.0 if due_cut > 0 else math.nan
            rows.append({"year": year, "unit_code": rec["unit_code"], "name": rec["name"],
                         "baseline": base, "due": p.due_now, "achieved": p.latest,
                         "completion_pct": done, "status": p.status})
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["rank"] = table.groupby("year")["completion_pct"].rank(
        method="min", ascending=False).astype("Int64")
    return table.sort_values(["year", "rank", "unit_code"]).reset_index(drop=True)


def status_counts(units: pd.DataFrame) -> dict[str, int]:
    """Number of units per status, every status present (0 when none).

    >>> status_counts(pd.DataFrame({"status": ["met", "met", "behind"]}))["met"]
    2
    """
    c = units["status"].value_counts() if len(units) else pd.Series(dtype=int)
    return {s: int(c.get(s, 0)) for s in STATUSES}
