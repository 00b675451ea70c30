"""Filter, rank and allocate a budget across today's units (pure).

Planners ask "which communes have poor-A rates above 5 %, lie in a flood zone or a
special-use forest and are ethnic-minority communes — and how should 20 billion đồng be
shared among them?" (Kế hoạch 60/KH-UBND: "bố trí nguồn lực", "phân bổ kinh phí").

* :func:`criteria_frame` gathers one row per unit of the 2025 version: poverty counts
  and rates of a year (re-aggregated through the crosswalk when collected earlier),
  ethnic-minority area classes carried from the version they were decided on, zone
  statistics, and optionally a progress *status* (a Series unit_code → status) with
  its numeric form ``status_behind`` (1 = chậm or không đạt) for the index and the
  allocator.
* :func:`progress_statuses` gives that Series: the progress engine
  (:mod:`analysis.progress`) on today's units (``current`` geography) for the phase
  that contains the data year, on the reviews up to that year.
* A :class:`Filter` is an AND of groups, each group an OR of :class:`Condition` s.
* :func:`priority_index` is a weighted sum of criteria normalised to 0–1 over the
  units ranked (min–max; a criterion where lower is worse is reversed; a missing value
  counts 0); weights are data (``analysis/data/priority_weights.toml``).
* :func:`allocate` shares an integer budget in đồng in proportion to points
  ``Σ coefficient × value`` (coefficients: ``analysis/data/allocation_criteria.toml``),
  within a minimum and maximum per unit, rounded by largest remainder so the parts sum
  exactly to the budget.
"""

from __future__ import annotations

import math
import operator
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from analysis.mapdata import Crosswalks, crosswalk_weights, indicator_values, unit_counts
from analysis.progress import STATUSES, phase_progress
from analysis.targets import PHASES, Target, phase_of_year
from analysis.zones import ZoneStats
from loaders.zones import ZONE_TYPES
from povcore.errors import Issue, PovmapError
from povcore.indicators import AREA_CLASS_KEYS
from povcore.labels import Labelled
from povcore.names import fold
from povcore.units import registry

__all__ = [
    "CRITERIA",
    "Allocation",
    "Condition",
    "Criterion",
    "Filter",
    "Ranking",
    "StatusSource",
    "allocate",
    "area_classes",
    "criteria_frame",
    "default_allocation",
    "default_weights",
    "parse_allocation",
    "parse_filter",
    "parse_weights",
    "priority_index",
    "progress_statuses",
    "status_key",
]

TARGET_VERSION = "2025"


@dataclass(frozen=True)
class Criterion(Labelled):
    """One per-unit criterion offered by the filter, the index and the allocator."""

    kind: str  # "number", "share" (0–1), "flag" (0/1), "text"


def _criteria() -> dict[str, Criterion]:
    rows: list[tuple[str, str, str, str]] = [
        ("poor_a_rate", "Tỷ lệ hộ nghèo A (%)", "Poor-A rate (%)", "number"),
        ("poor_rate", "Tỷ lệ hộ nghèo (%)", "Poverty rate (%)", "number"),
        ("near_poor_rate", "Tỷ lệ hộ cận nghèo (%)", "Near-poor rate (%)", "number"),
        ("poor_a", "Số hộ nghèo A", "Poor-A households", "number"),
        ("poor", "Số hộ nghèo", "Poor households", "number"),
        ("near_poor", "Số hộ cận nghèo", "Near-poor households", "number"),
        ("total_households", "Tổng số hộ", "Total households", "number"),
        ("em_households_rate", "Tỷ lệ hộ DTTS (%)", "Ethnic-minority households (%)", "number"),
        ("em_commune", "Xã vùng DTTS&MN (1 = có)", "Ethnic-minority area commune (1 = yes)",
         "flag"),
        ("em_area_share", "Phần diện tích/đơn vị cũ thuộc vùng DTTS&MN (0–1)",
         "Share of former units in an ethnic-minority area (0–1)", "share"),
        ("ethnic_region", "Khu vực DTTS&MN (1–3)", "Ethnic-minority region (1–3)", "number"),
        ("extremely_difficult_villages", "Số thôn ĐBKK", "Extremely difficult villages",
         "number"),
        ("border_commune", "Xã biên giới (1 = có)", "Border commune (1 = yes)", "flag"),
        ("mountainous", "Xã miền núi (1 = có)", "Mountainous (1 = yes)", "flag"),
        ("households_in_zones", "Số hộ trong vùng nguy cơ/rừng đặc dụng",
         "Households inside zones", "number"),
        ("relocate_in_zones", "Số hộ cần di dời", "Households to relocate", "number"),
    ]
    for key, zt in ZONE_TYPES.items():
        rows.append((f"share_{key}", f"Tỷ lệ diện tích trong vùng: {zt.label_vi} (0–1)",
                     f"Area share inside zones: {zt.label_en} (0–1)", "share"))
        rows.append((f"households_{key}", f"Số hộ trong vùng: {zt.label_vi}",
                     f"Households inside: {zt.label_en}", "number"))
    rows.append(("status_behind", "Chậm tiến độ hoặc không đạt (1 = có)",
                 "Behind or missed the target (1 = yes)", "flag"))
    rows.append(("status", "Trạng thái tiến độ", "Progress status", "text"))
    return {k: Criterion(k, vi, en, kind) for k, vi, en, kind in rows}


#: Registry of criteria (front door: :func:`get_criterion`).
CRITERIA: dict[str, Criterion] = _criteria()


def get_criterion(key: str) -> Criterion:
    """Front door of :data:`CRITERIA`; an unknown key lists the valid ones."""
    try:
        return CRITERIA[key]
    except KeyError:
        raise PovmapError(f"Tiêu chí không hợp lệ / unknown criterion '{key}'. Hợp lệ / "
                          f"valid: {', '.join(CRITERIA)}") from None


# ---------------------------------------------------------------- ethnic-minority classes


def _latest_class_rows(obs: pd.DataFrame) -> pd.DataFrame:
    rows = obs[obs["indicator"].isin([*AREA_CLASS_KEYS, "em_households"])]
    if rows.empty:
        return rows
    latest = rows[rows["indicator"].isin(AREA_CLASS_KEYS)]
    year = int((latest if len(latest) else rows)["year"].max())
    return rows[rows["year"] == year]


def area_classes(obs: pd.DataFrame, crosswalks: Crosswalks | None,
                 province: str = "75") -> pd.DataFrame:
    """Ethnic-minority area classes of the latest year, on today's units.

    Classes are dated data on the unit version they were decided on (Decision
    861/QĐ-TTg of 2021: version 2021). A 2025 unit takes the highest region and a
    flag set when *any* former unit feeding it had it, with ``em_area_share`` the
    crosswalk-weighted share of its former units that were in a region; villages are
    summed by weight.

    Returns
    -------
    pandas.DataFrame
        Index unit_code (2025); columns ethnic_region, extremely_difficult_villages,
        border_commune, mountainous, em_commune, em_area_share and
        em_households_rate (of the classes' year; NaN: no data).
    """
    codes = registry(province).units(TARGET_VERSION, "commune")["code"].astype(str)
    out = pd.DataFrame(index=pd.Index(codes, name="unit_code"), dtype=float,
                       columns=[*AREA_CLASS_KEYS, "em_commune", "em_area_share",
                                "em_households_rate"])
    rows = _latest_class_rows(obs)
    rows = rows[rows["indicator"].isin(AREA_CLASS_KEYS)]
    if rows.empty:
        return out
    version = str(rows["boundary_version"].astype(str).max())
    rows = rows[rows["boundary_version"].astype(str) == version]
    wide = rows.pivot_table(index="unit_code", columns="indicator", values="value",
                            aggfunc="max").reindex(columns=list(AREA_CLASS_KEYS))
    wide.index = wide.index.astype(str)
    if version == TARGET_VERSION:
        weights = pd.DataFrame({"old_code": wide.index, "new_code": wide.index, "weight": 1.0})
    else:
        weights = crosswalk_weights(crosswalks, version, TARGET_VERSION)
    m = weights.assign(old_code=weights["old_code"].astype(str),
                       new_code=weights["new_code"].astype(str)).merge(
        wide, left_on="old_code", right_index=True, how="inner")
    grouped = m.groupby("new_code")
    carried = grouped[["ethnic_region", "border_commune", "mountainous"]].max()
    villages = (m["extremely_difficult_villages"] * m["weight"]).groupby(m["new_code"]).sum()
    in_region = (m["ethnic_region"].fillna(0) > 0).astype(float) * m["weight"]
    share = in_region.groupby(m["new_code"]).sum() / m["weight"].groupby(m["new_code"]).sum()
    out.loc[carried.index.intersection(out.index), carried.columns] = carried
    out["extremely_difficult_villages"] = villages.round(2).reindex(out.index)
    out["em_area_share"] = share.reindex(out.index)
    out["em_commune"] = (out["ethnic_region"] > 0).astype(float).where(
        out["ethnic_region"].notna())
    year = int(rows["year"].max())
    counts = unit_counts(obs, year, TARGET_VERSION, "commune", crosswalks, province).counts
    out["em_households_rate"] = indicator_values(counts, "em_households_rate").reindex(out.index)
    return out


# ---------------------------------------------------------------- criteria frame


def _poverty(obs: pd.DataFrame, year: int, crosswalks: Crosswalks | None,
             province: str) -> pd.DataFrame:
    counts = unit_counts(obs, year, TARGET_VERSION, "commune", crosswalks, province).counts
    keys = ("poor_a_rate", "poor_rate", "near_poor_rate", "em_households_rate", "poor_a",
            "poor", "near_poor", "total_households")
    return pd.DataFrame({k: indicator_values(counts, k) for k in keys}, index=counts.index)


def criteria_frame(obs: pd.DataFrame, year: int, crosswalks: Crosswalks | None,
                   zone_stats: ZoneStats | None = None, statuses: pd.Series | None = None,
                   province: str = "75") -> pd.DataFrame:
    """One row per unit of today's version with every criterion of :data:`CRITERIA`.

    Parameters
    ----------
    obs : pandas.DataFrame
        The store's long observations (unit_code, boundary_version, year, indicator,
        value).
    year : int
        Review year of the poverty criteria.
    crosswalks : mapping, optional
        ``{(from, to): weights}``; needed when the year or the area classes were
        collected on an older version.
    zone_stats : ZoneStats, optional
        Zone statistics on the 2025 units; without them zone criteria are 0.
    statuses : pandas.Series, optional
        Progress status per unit code (issue #10); the ``status`` column is empty
        without it.
    province : str
        Province registry.

    Returns
    -------
    pandas.DataFrame
        Index unit_code; ``name`` and every criterion key as a column.
    """
    units = registry(province).units(TARGET_VERSION, "commune")
    index = pd.Index(units["code"].astype(str), name="unit_code")
    frame = pd.DataFrame({"name": units["name"].astype(str).to_numpy()}, index=index)
    poverty = _poverty(obs, year, crosswalks, province).reindex(index)
    classes = area_classes(obs, crosswalks, province).reindex(index)
    poverty["em_households_rate"] = poverty["em_households_rate"].combine_first(
        classes.pop("em_households_rate"))
    frame = frame.join(poverty).join(classes)
    wide = (zone_stats.wide(index) if zone_stats is not None
            else pd.DataFrame(index=index))
    for key in CRITERIA:
        if key.startswith(("share_", "households_")) or key in (
                "households_in_zones", "relocate_in_zones"):
            frame[key] = wide.get(key, 0.0)
    status = (statuses.map(status_key).reindex(index) if statuses is not None
              else pd.Series(None, index=index, dtype="object"))
    frame["status"] = status
    frame["status_behind"] = status.isin(BEHIND).astype(float).where(status.isin(JUDGED))
    return frame


# ---------------------------------------------------------------- progress statuses

#: Statuses that count as lagging (``status_behind`` = 1) and every judged status.
BEHIND = ("behind", "missed")
JUDGED = ("met", "on_track", "behind", "missed")
_STATUS_WORDS: dict[str, str] = {fold(w): key for key, (vi, en) in STATUSES.items()
                                 for w in (key, vi, en)}


def status_key(value: object) -> str | None:
    """Status key of a key or a label in either language, diacritics optional.

    >>> status_key("Chậm"), status_key("cham"), status_key("on track"), status_key("x")
    ('behind', 'behind', 'on_track', None)
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return _STATUS_WORDS.get(fold(str(value)))


@dataclass(frozen=True)
class StatusSource:
    """Where a planning frame's statuses come from (written into every export)."""

    phase: str | None
    as_of: int
    baseline_year: int | None = None
    geography: str = "current"
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"phase": self.phase, "geography": self.geography, "as_of": self.as_of,
                "baseline_year": self.baseline_year, "note": self.note or None}


def progress_statuses(obs: pd.DataFrame, targets: Sequence[Target], year: int,
                      crosswalks: Crosswalks | None,
                      province: str = "75") -> tuple[pd.Series, StatusSource]:
    """Progress status of every unit of today, as of the review of ``year``.

    The progress engine (:func:`analysis.progress.phase_progress`) runs for the phase
    that contains ``year`` on the ``current`` geography (today's units through the
    crosswalk) on the reviews up to ``year``; with the latest year of the data this is
    exactly ``povmap progress --phase P --geography current``. A year outside both
    phases, or a phase without an enabled target, gives no statuses and a note.

    Returns
    -------
    tuple
        Series unit_code → status key (units outside the target's territory absent)
        and its :class:`StatusSource`.
    """
    empty = pd.Series(dtype="object", name="status")
    phase = phase_of_year(year)
    if phase is None:
        return empty, StatusSource(None, year, note=(
            f"Năm {year} không thuộc giai đoạn nào của kế hoạch ({', '.join(PHASES)}): không "
            f"có trạng thái tiến độ / year {year} is outside the plan's phases: no statuses"))
    if not any(t.enabled and t.phase == phase for t in targets):
        return empty, StatusSource(phase, year, note=(
            f"Giai đoạn {phase} chưa có chỉ tiêu nào được bật / no enabled target for {phase}"))
    pp = phase_progress(obs[obs["year"].astype(int) <= year], targets, phase, "current",
                        crosswalks, province)
    units = pp.units.drop_duplicates("unit_code")
    series = pd.Series(units["status"].astype(str).to_numpy(),
                       index=units["unit_code"].astype(str).to_numpy(), name="status")
    return series, StatusSource(phase, year, pp.baseline_year,
                                note=pp.baseline_note_vi)


# ---------------------------------------------------------------- filter

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
    "==": operator.eq, "!=": operator.ne,
}
_OP_ALIASES = {"≥": ">=", "≤": "<=", "=": "==", "≠": "!="}
_CONDITION_RE = re.compile(r"^\s*([a-z_0-9]+)\s*(>=|<=|==|!=|>|<|=|≥|≤|≠)\s*(.+?)\s*$")


def _status_value(op: str, value: float | str) -> str:
    """Status key of a condition's value; labels in either language are accepted."""
    valid = ", ".join(f"{k} ({vi})" for k, (vi, _en) in STATUSES.items())
    key = status_key(value)
    if op not in ("==", "!=") or key is None:
        raise PovmapError(
            f"Điều kiện trạng thái không hợp lệ / invalid status condition 'status{op}{value}'",
            [Issue("Trạng thái chỉ so sánh bằng == hoặc != với một trạng thái / a status is "
                   "compared with == or != to one status", value=value,
                   hint=f"vd. / e.g. status==behind hoặc / or status==chậm; hợp lệ / valid: "
                        f"{valid}")])
    return key


@dataclass(frozen=True)
class Condition:
    """``column op value``, e.g. ``poor_a_rate >= 5``; a missing value never matches."""

    column: str
    op: str
    value: float | str

    def __post_init__(self) -> None:
        get_criterion(self.column)
        if self.op not in _OPS:
            raise PovmapError(f"Phép so sánh không hợp lệ / unknown operator '{self.op}'. "
                              f"Hợp lệ / valid: {', '.join(_OPS)}")
        if self.column == "status":
            object.__setattr__(self, "value", _status_value(self.op, self.value))

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """Rows of ``frame`` meeting the condition."""
        column = frame[self.column] if self.column in frame else pd.Series(
            np.nan, index=frame.index)
        if self.column == "status":
            column = column.map(status_key)
            result = _OPS[self.op](column, self.value)
        elif isinstance(self.value, str):
            result = _OPS[self.op](column.astype("string").str.casefold(),
                                   self.value.casefold())
        else:
            result = _OPS[self.op](pd.to_numeric(column, errors="coerce"), self.value)
        return pd.Series(result, index=frame.index).fillna(False).astype(bool) & column.notna()

    def text(self) -> str:
        """Canonical text, e.g. ``poor_a_rate>=5``."""
        value = f"{self.value:g}" if isinstance(self.value, float) else self.value
        return f"{self.column}{self.op}{value}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"column": self.column, "op": self.op, "value": self.value}


@dataclass(frozen=True)
class Filter:
    """AND of groups; each group is an OR of conditions. No group: every unit."""

    groups: tuple[tuple[Condition, ...], ...] = ()

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """Rows of ``frame`` passing the filter."""
        out = pd.Series(True, index=frame.index)
        for group in self.groups:
            any_ = pd.Series(False, index=frame.index)
            for condition in group:
                any_ |= condition.mask(frame)
            out &= any_
        return out

    def text(self) -> str:
        """Readable form: ``a>=5 AND (b>0 OR c>0)``."""
        parts = [" OR ".join(c.text() for c in g) for g in self.groups]
        return " AND ".join(f"({p})" if len(g) > 1 else p
                            for p, g in zip(parts, self.groups, strict=True)) or "—"

    def to_list(self) -> list[list[dict[str, Any]]]:
        """JSON-ready form (scenario documents)."""
        return [[c.to_dict() for c in g] for g in self.groups]

    @classmethod
    def from_list(cls, groups: Sequence[Sequence[Mapping[str, Any]]]) -> Filter:
        """Inverse of :meth:`to_list`."""
        return cls(tuple(tuple(Condition(str(c["column"]), str(c["op"]), c["value"])
                               for c in g) for g in groups if g))


def _condition(text: str) -> Condition:
    match = _CONDITION_RE.match(text)
    if match is None:
        raise PovmapError(
            f"Điều kiện không hiểu được / cannot read condition '{text}'",
            [Issue("Viết dạng tiêu_chí phép_so_sánh giá_trị / write criterion operator value",
                   hint="vd. / e.g. poor_a_rate>=5, share_flood>0, status==chậm",
                   value=text)])
    column, op, raw = match.groups()
    op = _OP_ALIASES.get(op, op)
    try:
        value: float | str = float(raw.replace(",", "."))
    except ValueError:
        value = raw.strip("'\"")
    return Condition(column, op, value)


def parse_filter(wheres: Sequence[str]) -> Filter:
    """Filter from texts: each text is an AND group, ``|`` separates OR alternatives.

    >>> f = parse_filter(["poor_a_rate>=5", "share_flood>0 | share_special_use_forest>0"])
    >>> f.text()
    'poor_a_rate>=5 AND (share_flood>0 OR share_special_use_forest>0)'
    """
    return Filter(tuple(tuple(_condition(part) for part in w.split("|") if part.strip())
                        for w in wheres if w.strip()))


# ---------------------------------------------------------------- weights and defaults


@dataclass(frozen=True)
class Weight:
    """Weight of one criterion in the priority index; ``reverse``: lower is worse."""

    key: str
    weight: float
    reverse: bool = False


def _toml(text: str, what: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PovmapError(f"{what}: TOML không hợp lệ / invalid TOML ({err})") from err


def _number(entry: Mapping[str, Any], name: str, what: str) -> float:
    value = entry.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0 \
            or not math.isfinite(value):
        raise PovmapError(f"{what}: '{entry.get('key')}' cần {name} là số ≥ 0 / needs "
                          f"{name} as a number ≥ 0 (có / got {value!r})")
    return float(value)


def parse_weights(text: str, what: str = "weights") -> dict[str, Weight]:
    """Weights from TOML text (format of ``analysis/data/priority_weights.toml``)."""
    doc = _toml(text, what)
    out: dict[str, Weight] = {}
    for entry in doc.get("criteria", []):
        key = str(entry.get("key"))
        get_criterion(key)
        out[key] = Weight(key, _number(entry, "weight", what), bool(entry.get("reverse", False)))
    if not out or not any(w.weight > 0 for w in out.values()):
        raise PovmapError(f"{what}: cần ít nhất một trọng số > 0 / at least one weight must "
                          "be > 0")
    return out


def _resource(name: str) -> str:
    return resources.files("analysis").joinpath("data", name).read_text(encoding="utf-8")


def default_weights() -> dict[str, Weight]:
    """Documented default weights (``analysis/data/priority_weights.toml``)."""
    return parse_weights(_resource("priority_weights.toml"), "priority_weights.toml")


@dataclass(frozen=True)
class AllocationRule:
    """Coefficients per criterion and bounds per unit (đồng)."""

    coefficients: dict[str, float]
    min_per_unit: int = 0
    max_per_unit: int | None = None
    base_points: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"coefficients": self.coefficients, "min_per_unit": self.min_per_unit,
                "max_per_unit": self.max_per_unit, "base_points": self.base_points}


def parse_allocation(text: str, what: str = "criteria") -> AllocationRule:
    """Allocation rule from TOML text (format of ``analysis/data/allocation_criteria.toml``)."""
    doc = _toml(text, what)
    coefficients: dict[str, float] = {}
    for entry in doc.get("criteria", []):
        key = str(entry.get("key"))
        get_criterion(key)
        coefficients[key] = _number(entry, "coefficient", what)
    bounds = doc.get("bounds", {})
    max_value = bounds.get("max_per_unit")
    return AllocationRule(coefficients, int(bounds.get("min_per_unit", 0)),
                          int(max_value) if max_value else None,
                          float(doc.get("base_points", 0.0)))


def default_allocation() -> AllocationRule:
    """Documented default allocation rule (``analysis/data/allocation_criteria.toml``)."""
    return parse_allocation(_resource("allocation_criteria.toml"), "allocation_criteria.toml")


# ---------------------------------------------------------------- priority index


@dataclass(frozen=True, eq=False)
class Ranking:
    """Priority index of the units ranked: ``score`` (0–1), ``rank`` (1 = first).

    ``normalised`` holds each criterion scaled 0–1 over the units ranked.
    """

    score: pd.Series
    rank: pd.Series
    normalised: pd.DataFrame
    weights: dict[str, Weight] = field(default_factory=dict)

    def table(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Units in rank order with name, score, rank and the weighted criteria."""
        cols = ["name", *[k for k in self.weights if k in frame]]
        out = frame.loc[self.score.index, cols].assign(score=self.score, rank=self.rank)
        return out.sort_values(["rank", "name"])


def _normalise(values: pd.Series, reverse: bool) -> pd.Series:
    x = pd.to_numeric(values, errors="coerce").astype(float)
    lo, hi = x.min(), x.max()
    if not np.isfinite(lo) or hi == lo:
        scaled = pd.Series(0.0, index=x.index).where(x.notna())
    else:
        scaled = (x - lo) / (hi - lo)
    if reverse:
        scaled = 1.0 - scaled
    return scaled.fillna(0.0)


def priority_index(frame: pd.DataFrame, weights: Mapping[str, Weight]) -> Ranking:
    """Weighted sum of criteria normalised 0–1 over the rows of ``frame``.

    ``score = Σ w_k · n_k / Σ w_k`` where ``n_k`` is criterion k scaled min–max to
    0–1 over the units ranked (reversed when lower is worse; a missing value counts
    0, a constant criterion 0). Rank 1 is the highest score; ties share a rank.

    >>> f = pd.DataFrame({"name": ["a", "b"], "poor_a_rate": [1.0, 3.0],
    ...                   "share_flood": [0.8, 0.0]}, index=["1", "2"])
    >>> w = {"poor_a_rate": Weight("poor_a_rate", 1.0), "share_flood": Weight("share_flood", 3.0)}
    >>> priority_index(f, w).rank.to_dict()
    {'1': 1, '2': 2}
    >>> w["share_flood"] = Weight("share_flood", 0.5)
    >>> priority_index(f, w).rank.to_dict()
    {'1': 2, '2': 1}
    """
    used = {k: w for k, w in weights.items() if w.weight > 0}
    if not used:
        raise PovmapError("Cần ít nhất một trọng số > 0 / at least one weight must be > 0")
    normalised = pd.DataFrame(
        {k: _normalise(frame[k] if k in frame else pd.Series(np.nan, index=frame.index),
                       w.reverse) for k, w in used.items()}, index=frame.index)
    total = sum(w.weight for w in used.values())
    score = sum((normalised[k] * w.weight for k, w in used.items()),
                start=pd.Series(0.0, index=frame.index)) / total
    score = score.round(12)
    rank = score.rank(ascending=False, method="min").astype(int)
    return Ranking(score.rename("score"), rank.rename("rank"), normalised, dict(used))


# ---------------------------------------------------------------- allocation


@dataclass(frozen=True, eq=False)
class Allocation:
    """Budget shared over units: integer ``amount`` (đồng) summing to ``budget``."""

    budget: int
    points: pd.Series
    amount: pd.Series
    rule: AllocationRule


def _bounded(points: np.ndarray, budget: float, lo: float, hi: float) -> np.ndarray:
    """Real shares ``clip(λ·p, lo, hi)`` summing to ``budget`` (λ by bisection)."""
    if points.sum() <= 0:
        points = np.ones_like(points)
    # Same shares on a 0–1 scale; points below 1e-12 of the largest count as none (they
    # could only be reached with a λ that overflows), so λ·p stays finite.
    points = points / points.max()
    points = np.where(points < 1e-12, 0.0, points)
    positive = points > 0

    def total(lam: float, p: np.ndarray) -> float:
        return float(np.clip(lam * p, lo, hi).sum())

    reach = float(np.where(positive, hi, lo).sum())
    if budget > reach:  # zero-point units take the rest equally
        extra = _bounded(np.ones(int((~positive).sum())), budget - float(hi * positive.sum()),
                         lo, hi)
        out = np.full(len(points), hi, dtype=float)
        out[~positive] = extra
        return out
    low, high = 0.0, 1.0
    while total(high, points) < budget:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2
        if total(mid, points) < budget:
            low = mid
        else:
            high = mid
    return np.asarray(np.clip(high * points, lo, hi), dtype=float)


def _round_largest_remainder(real: np.ndarray, budget: int, lo: int, hi: int) -> np.ndarray:
    base = np.clip(np.floor(real + 1e-9).astype(np.int64), lo, hi)
    fraction = real - base
    remainder = budget - int(base.sum())
    order = np.argsort(-fraction, kind="stable")
    while remainder > 0:
        for i in order:
            if remainder == 0:
                break
            if base[i] < hi:
                base[i] += 1
                remainder -= 1
    order = np.argsort(fraction, kind="stable")
    while remainder < 0:
        for i in order:
            if remainder == 0:
                break
            if base[i] > lo:
                base[i] -= 1
                remainder += 1
    return base


def _check_budget(budget: int, n: int, lo: int, hi: int | None) -> None:
    if n == 0:
        raise PovmapError("Không có đơn vị nào để phân bổ / no unit to allocate to",
                          [Issue("Bộ lọc không chọn đơn vị nào / the filter selected no unit",
                                 hint="Nới điều kiện lọc / relax the filter")])
    if budget < 0 or lo < 0 or (hi is not None and hi < lo):
        raise PovmapError(f"Ngân sách {budget}, tối thiểu {lo}, tối đa {hi}: cần 0 ≤ tối thiểu ≤ "
                          f"tối đa / need budget ≥ 0 and 0 ≤ min ≤ max")
    if budget < n * lo:
        raise PovmapError(f"Ngân sách {budget:,} đ nhỏ hơn {n} đơn vị × tối thiểu {lo:,} đ / "
                          f"budget below {n} units × minimum", [Issue(
                              "Giảm mức tối thiểu hoặc số đơn vị / lower the minimum or "
                              "select fewer units", value=budget)])
    if hi is not None and budget > n * hi:
        raise PovmapError(f"Ngân sách {budget:,} đ lớn hơn {n} đơn vị × tối đa {hi:,} đ / "
                          f"budget above {n} units × maximum", [Issue(
                              "Tăng mức tối đa hoặc chọn thêm đơn vị / raise the maximum or "
                              "select more units", value=budget)])


def allocation_points(frame: pd.DataFrame, rule: AllocationRule) -> pd.Series:
    """Points per unit: ``base + Σ coefficient × value`` (missing values count 0)."""
    points = pd.Series(rule.base_points, index=frame.index, dtype=float)
    for key, coefficient in rule.coefficients.items():
        values = pd.to_numeric(frame[key], errors="coerce") if key in frame else 0.0
        points = points + coefficient * pd.Series(values, index=frame.index).fillna(0.0)
    return points.clip(lower=0.0).rename("points")


def allocate(budget: int, frame: pd.DataFrame, rule: AllocationRule) -> Allocation:
    """Share ``budget`` đồng over the rows of ``frame`` in proportion to points.

    Each unit gets ``clip(λ × points, min, max)`` with λ chosen so the shares sum to
    the budget; the shares are rounded down to whole đồng and the remaining đồng go
    one by one to the largest fractional parts (largest-remainder method), never
    beyond the maximum. When every unit has 0 points the budget is shared equally.

    >>> f = pd.DataFrame({"poor_a": [1.0, 2.0, 0.0]}, index=["a", "b", "c"])
    >>> r = AllocationRule({"poor_a": 1.0})
    >>> allocate(100, f, r).amount.to_dict()
    {'a': 33, 'b': 67, 'c': 0}
    >>> allocate(100, f, AllocationRule({"poor_a": 1.0}, min_per_unit=10)).amount.to_dict()
    {'a': 30, 'b': 60, 'c': 10}
    """
    budget = int(budget)
    lo, hi = int(rule.min_per_unit), rule.max_per_unit
    _check_budget(budget, len(frame), lo, hi)
    points = allocation_points(frame, rule)
    upper = float(hi) if hi is not None else float(budget)
    real = _bounded(points.to_numpy(dtype=float), float(budget), float(lo), upper)
    amounts = _round_largest_remainder(real, budget, lo, hi if hi is not None else budget)
    return Allocation(budget, points, pd.Series(amounts, index=frame.index, name="amount_vnd"),
                      rule)
