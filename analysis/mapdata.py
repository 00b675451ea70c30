"""Values of one indicator on a map's units, collected or re-aggregated.

Everything starts from the long ``obs`` frame (the store's ``observations`` table:
unit_code, boundary_version, year, indicator, value) which holds **counts** only.
Rates are always derived here from counts that were first summed (districts) or
apportioned through a crosswalk (older boundaries → newer ones), never averaged.

Two geographies are offered (registry :data:`GEOGRAPHIES`):

* ``collected`` — the units on which the year's review was collected;
* ``current`` — today's 95 units: counts of the collected version are apportioned
  by crosswalk weight (``crosswalks[(from_version, "2025")]``) and summed.

A re-aggregated unit is only given a value when every old unit feeding it has one:
a partial sum would silently under-count, so it becomes NaN (no data) instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from povcore.errors import PovmapError
from povcore.indicators import get_indicator
from povcore.labels import Labelled
from povcore.units import VERSIONS, registry, review_version

Crosswalks = Mapping[tuple[str, str], pd.DataFrame]
CURRENT_VERSION = list(VERSIONS)[-1]


@dataclass(frozen=True)
class Geography(Labelled):
    """One way of drawing a year's data: on its own units or on today's."""


GEOGRAPHIES: Mapping[str, Geography] = MappingProxyType({
    "collected": Geography("collected", "Theo đơn vị thu thập số liệu",
                           "On the units the data were collected on"),
    "current": Geography("current", "Quy đổi về 95 xã, phường hiện nay",
                         "Re-aggregated to today's 95 units"),
})


def get_geography(key: str) -> Geography:
    """Front door of the geography registry.

    >>> get_geography("current").key
    'current'
    >>> get_geography("today")
    Traceback (most recent call last):
    ...
    povcore.errors.PovmapError: Unknown geography 'today'. Valid: collected, current.
    """
    try:
        return GEOGRAPHIES[key]
    except KeyError:
        raise PovmapError(f"Unknown geography '{key}'. Valid: {', '.join(GEOGRAPHIES)}.") from None


# ---------------------------------------------------------------- years and versions

def available_years(obs: pd.DataFrame) -> list[int]:
    """Years present in ``obs``, ascending.

    >>> available_years(pd.DataFrame({"year": [2024, 2021, 2024]}))
    [2021, 2024]
    """
    return sorted(int(y) for y in obs["year"].unique())


def years_by_version(obs: pd.DataFrame) -> dict[str, list[int]]:
    """Years present in ``obs`` per boundary version they were collected on.

    >>> years_by_version(pd.DataFrame({"boundary_version": ["2021", "2024", "2021"],
    ...                                "year": [2022, 2024, 2021]}))
    {'2021': [2021, 2022], '2024': [2024]}
    """
    out: dict[str, list[int]] = {}
    pairs = obs[["boundary_version", "year"]].drop_duplicates()
    for version, year in zip(pairs["boundary_version"], pairs["year"], strict=True):
        out.setdefault(str(version), []).append(int(year))
    return {v: sorted(ys) for v, ys in sorted(out.items())}


def _versions_of_year(obs: pd.DataFrame, year: int) -> list[str]:
    return sorted(str(v) for v in obs.loc[obs["year"] == year, "boundary_version"].unique())


def collected_version(obs: pd.DataFrame, year: int) -> str:
    """Boundary version the end-of-``year`` data were collected on.

    The version of the year's rows in ``obs`` (the review version when several are
    present); without rows, the version in force on 31 December of ``year``.

    >>> collected_version(pd.DataFrame(columns=["year", "boundary_version"]), 2024)
    '2024'
    """
    present = _versions_of_year(obs, year)
    if not present:
        return review_version(year).key
    if len(present) > 1:
        review = review_version(year).key
        if review in present:
            return review
    return present[-1]


def _source_version(obs: pd.DataFrame, year: int, target: str) -> str | None:
    """Version whose rows feed ``target``: itself, else the newest older one present."""
    present = _versions_of_year(obs, year)
    if target in present:
        return target
    older = [v for v in present if v < target]
    return older[-1] if older else None


# ---------------------------------------------------------------- crosswalk weights

def crosswalk_weights(crosswalks: Crosswalks | None, from_version: str,
                      to_version: str) -> pd.DataFrame:
    """Weights old_code → new_code for ``from_version`` → ``to_version``.

    Uses ``crosswalks[(from, to)]`` or chains two steps through an intermediate
    version (weights multiply).

    >>> w = pd.DataFrame({"old_code": ["a"], "new_code": ["b"], "weight": [1.0]})
    >>> crosswalk_weights({("2021", "2024"): w}, "2021", "2024") is w
    True
    >>> crosswalk_weights({}, "2024", "2025")
    Traceback (most recent call last):
    ...
    povcore.errors.PovmapError: No crosswalk 2024→2025 was given (have: none). Build it with geodata.crosswalk.build_crosswalk('2024', '2025').weights.
    """  # noqa: E501
    given = dict(crosswalks or {})
    if (from_version, to_version) in given:
        return given[(from_version, to_version)]
    for (a, mid), first in given.items():
        if a == from_version and (mid, to_version) in given:
            second = given[(mid, to_version)]
            m = first.merge(second, left_on="new_code", right_on="old_code",
                            suffixes=("", "_2"))
            m = m.assign(weight=m["weight"] * m["weight_2"])
            return (m[["old_code", "new_code_2", "weight"]]
                    .rename(columns={"new_code_2": "new_code"})
                    .groupby(["old_code", "new_code"], as_index=False)
                    .agg(weight=("weight", "sum")))
    have = ", ".join(f"{a}→{b}" for a, b in given) or "none"
    raise PovmapError(
        f"No crosswalk {from_version}→{to_version} was given (have: {have}). Build it with "
        f"geodata.crosswalk.build_crosswalk('{from_version}', '{to_version}').weights.")


def _strict_sum(frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """Group sum that is NaN when any member is NaN (a partial sum would under-count)."""
    sums = frame.groupby(key.to_numpy()).sum()
    missing = frame.isna().groupby(key.to_numpy()).any()
    return sums.mask(missing)


def apportion(counts: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Counts of old units (index = old code) apportioned to new units and summed.

    Each old count is multiplied by the weight of each (old, new) pair; a new unit
    is NaN when any old unit feeding it is NaN.

    >>> counts = pd.DataFrame({"poor": [100.0, 20.0]}, index=["o1", "o2"])
    >>> w = pd.DataFrame({"old_code": ["o1", "o1", "o2"], "new_code": ["n1", "n2", "n2"],
    ...                   "weight": [0.75, 0.25, 1.0]})
    >>> apportion(counts, w)["poor"].to_dict()
    {'n1': 75.0, 'n2': 45.0}
    """
    w = weights[weights["old_code"].astype(str).isin(counts.index)]
    part = counts.loc[w["old_code"].astype(str).tolist()].mul(w["weight"].to_numpy(), axis=0)
    return _strict_sum(part.reset_index(drop=True),
                       w["new_code"].astype(str).reset_index(drop=True))


def indicator_values(counts: pd.DataFrame, indicator: str) -> pd.Series:
    """One indicator from a wide frame of counts (columns = count keys).

    A count is taken as is; a rate is ``numerator / denominator × 100`` of the
    (already summed or apportioned) counts, NaN where the denominator is 0 or missing.

    >>> c = pd.DataFrame({"poor": [3.0, 1.0], "total_households": [100.0, 0.0]},
    ...                  index=["a", "b"])
    >>> indicator_values(c, "poor_rate").tolist()
    [3.0, nan]
    """
    ind = get_indicator(indicator)
    nan = pd.Series(float("nan"), index=counts.index, dtype=float)
    if ind.numerator is None or ind.denominator is None:
        return counts[ind.key].astype(float) if ind.key in counts else nan.rename(ind.key)
    if ind.numerator not in counts or ind.denominator not in counts:
        return nan.rename(ind.key)
    den = counts[ind.denominator].astype(float)
    rate = counts[ind.numerator].astype(float) / den.where(den > 0) * 100.0
    return rate.rename(ind.key)


# ---------------------------------------------------------------- counts on a version

@dataclass(frozen=True, eq=False)
class UnitCounts:
    """Counts of one year on the units of one version and level.

    ``counts``: index = every unit code of ``version``/``level`` in the registry,
    columns = count keys found, NaN = no data. ``source_version`` is the version
    the year was collected on (None: no usable data); ``unmatched`` the codes with
    data unknown to the registry of ``source_version``; ``not_in_crosswalk`` the
    known codes with data that the crosswalk does not place.
    """

    year: int
    version: str
    level: str
    source_version: str | None
    counts: pd.DataFrame
    unmatched: tuple[str, ...]
    not_in_crosswalk: tuple[str, ...]

    @property
    def reaggregated(self) -> bool:
        """Whether the counts went through a crosswalk."""
        return self.source_version is not None and self.source_version != self.version


def _wide(rows: pd.DataFrame, codes: pd.Index) -> pd.DataFrame:
    wide = rows.pivot_table(index="unit_code", columns="indicator", values="value",
                            aggfunc="sum")
    wide.columns = [str(c) for c in wide.columns]
    return wide.reindex(codes)


def _unit_codes(version: str, level: str, province: str) -> pd.Index:
    units = registry(province).units(version, level)  # type: ignore[arg-type]
    return pd.Index(units["code"].astype(str), name="unit_code")


def _to_districts(communes: pd.DataFrame, version: str, province: str) -> pd.DataFrame:
    units = registry(province).units(version, "commune").set_index("code")
    parents = units["parent_code"].reindex(communes.index).astype(str)
    return _strict_sum(communes, parents).reindex(_unit_codes(version, "district", province))


def unit_counts(obs: pd.DataFrame, year: int, version: str, level: str = "commune",
                crosswalks: Crosswalks | None = None, province: str = "75") -> UnitCounts:
    """Counts of ``year`` on the units of ``version``/``level``.

    Rows collected on ``version`` are used as they are; rows collected on an older
    version are apportioned through the crosswalk; districts sum their communes.
    Only commune rows of ``obs`` are read: district rows, if a file carried them,
    would double count and are not added (codes unknown to the registry are
    returned in ``unmatched``).
    """
    targets = _unit_codes(version, level, province)  # validates version and level
    source = _source_version(obs, year, version)
    if source is None:
        return UnitCounts(year, version, level, None, pd.DataFrame(index=targets), (), ())
    rows = obs[(obs["year"] == year) & (obs["boundary_version"].astype(str) == source)]
    rows = rows.assign(unit_code=rows["unit_code"].astype(str))
    known = set(registry(province).units(source)["code"].astype(str).tolist())
    unmatched = tuple(sorted(set(rows["unit_code"].unique().tolist()) - known))
    counts = _wide(rows, _unit_codes(source, "commune", province))
    lost: tuple[str, ...] = ()
    if source != version:
        weights = crosswalk_weights(crosswalks, source, version)
        with_data = counts.index[counts.notna().any(axis=1)]
        lost = tuple(sorted(set(with_data) - set(weights["old_code"].astype(str))))
        counts = apportion(counts, weights).reindex(_unit_codes(version, "commune", province))
    if level == "district":
        counts = _to_districts(counts, version, province)
    return UnitCounts(year, version, level, source, counts.reindex(targets), unmatched, lost)


# ---------------------------------------------------------------- map values

@dataclass(frozen=True, eq=False)
class MapValues:
    """One indicator and year on a map's units, with last year's and the ranks.

    ``values``, ``previous``, ``change`` and ``rank`` share one index: every unit of
    ``version``/``level`` in the registry (units without data are NaN). ``counts``
    holds the counts behind ``values`` (for a rate: numerator and denominator).
    ``rank`` 1 is the worst unit; ties share the smallest rank.
    """

    version: str
    level: str
    geography: str
    indicator: str
    year: int
    source_version: str | None
    values: pd.Series
    previous: pd.Series
    change: pd.Series
    rank: pd.Series
    counts: pd.DataFrame
    method_vi: str
    method_en: str
    unmatched: tuple[str, ...]
    not_in_crosswalk: tuple[str, ...]
    province: str = "75"


_VERSION_TEXT = {"2021": ("ranh giới 2021", "2021 boundaries"),
                 "2024": ("ranh giới 11/2024", "November 2024 boundaries"),
                 "2025": ("ranh giới từ 01/7/2025", "boundaries from 1 July 2025")}


def _version_text(version: str) -> tuple[str, str]:
    bv = VERSIONS[version]
    return _VERSION_TEXT.get(version, (bv.label_vi, bv.label_en))


def _unit_noun(version: str, level: str) -> tuple[str, str]:
    if level == "district":
        return "đơn vị cấp huyện", "district-level units"
    if version == CURRENT_VERSION:
        return "xã, phường", "communes and wards"
    return "xã", "communes"


def _method(uc: UnitCounts, n_units: int) -> tuple[str, str]:
    noun_vi, noun_en = _unit_noun(uc.version, uc.level)
    ver_vi, ver_en = _version_text(uc.version)
    if uc.source_version is None:
        return (f"Không có số liệu năm {uc.year} cho {n_units} {noun_vi} của {ver_vi}",
                f"No {uc.year} data for the {n_units} {noun_en} of the {ver_en}")
    if not uc.reaggregated:
        vi = f"Số liệu theo {n_units} {noun_vi} của {ver_vi} (đơn vị thu thập)"
        en = f"Data for the {n_units} {noun_en} of the {ver_en} (units of collection)"
    else:
        src_vi, src_en = _version_text(uc.source_version)
        where_vi = "hiện nay" if uc.version == CURRENT_VERSION else f"của {ver_vi}"
        where_en = "today's" if uc.version == CURRENT_VERSION else f"the {ver_en}'s"
        vi = (f"Quy đổi về {n_units} {noun_vi} {where_vi} theo bảng chuyển đổi: số hộ phân "
              "bổ theo trọng số, tỷ lệ tính lại từ số hộ đã phân bổ "
              f"(số liệu thu thập theo {src_vi})")
        en = (f"Re-aggregated to {where_en} {n_units} {noun_en} through the crosswalk: "
              "household counts apportioned by weight, rates recomputed from the "
              f"apportioned counts (data collected on the {src_en})")
    if uc.level == "district":
        vi += "; số hộ cấp huyện là tổng các xã, tỷ lệ tính lại từ tổng số hộ"
        en += "; district counts are sums of their communes, rates recomputed from the sums"
    return vi, en


def _previous(obs: pd.DataFrame, year: int, version: str, level: str,
              crosswalks: Crosswalks | None, province: str) -> tuple[UnitCounts, str, str]:
    try:
        prev = unit_counts(obs, year - 1, version, level, crosswalks, province)
    except PovmapError as err:
        codes = _unit_codes(version, level, province)
        empty = UnitCounts(year - 1, version, level, None, pd.DataFrame(index=codes), (), ())
        return (empty, f". Không so sánh được với năm {year - 1}: chưa có bảng chuyển đổi.",
                f". No comparison with {year - 1}: {err.summary}")
    if prev.reaggregated and prev.source_version is not None:
        src_vi, src_en = _version_text(prev.source_version)
        return (prev, f". Năm {year - 1} quy đổi từ {src_vi} theo bảng chuyển đổi.",
                f". {year - 1} re-aggregated from the {src_en} through the crosswalk.")
    return prev, ".", "."


def _target(obs: pd.DataFrame, year: int, geography: str) -> str:
    if get_geography(geography).key == "current":
        return CURRENT_VERSION
    return collected_version(obs, year)


def rank_worst_first(values: pd.Series, indicator: str) -> pd.Series:
    """Rank 1 = worst (highest if higher is worse); ties share the smallest rank.

    >>> rank_worst_first(pd.Series([5.0, 9.0, 5.0, None]), "poor").tolist()
    [2.0, 1.0, 2.0, nan]
    """
    ascending = not get_indicator(indicator).higher_is_worse
    return values.rank(method="min", ascending=ascending, na_option="keep")


def _counts_for(counts: pd.DataFrame, indicator: str) -> pd.DataFrame:
    ind = get_indicator(indicator)
    keys = [k for k in (ind.numerator, ind.denominator) if k] or [ind.key]
    return counts.reindex(columns=keys)


def map_values(obs: pd.DataFrame, indicator: str, year: int, geography: str,
               level: str = "commune", crosswalks: Crosswalks | None = None,
               province: str = "75") -> MapValues:
    """Values of ``indicator`` in ``year`` on the units of ``geography``.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long counts: unit_code, boundary_version, year, indicator, value.
    indicator : str
        A key of :data:`povcore.indicators.INDICATORS` (a count or a ``*_rate``).
    year : int
        Year of the review (end of year).
    geography : str
        ``"collected"`` or ``"current"`` (see :data:`GEOGRAPHIES`).
    level : str, default "commune"
        ``"commune"``, or ``"district"`` for versions that have districts.
    crosswalks : mapping, optional
        ``{(from_version, to_version): weights}`` with old_code, new_code, weight;
        needed whenever counts must be re-aggregated (also for last year's values).
    province : str, default "75"
        GSO code of the province registry.

    Returns
    -------
    MapValues

    Examples
    --------
    >>> obs = pd.DataFrame({"unit_code": ["26080", "26080"], "boundary_version": "2024",
    ...                     "year": 2024, "indicator": ["poor", "total_households"],
    ...                     "value": [5.0, 200.0]})
    >>> mv = map_values(obs, "poor_rate", 2024, "collected")
    >>> float(mv.values["26080"]), int(mv.values.isna().sum()), mv.method_vi[:35]
    (2.5, 269, 'Số liệu theo 270 xã của ranh giới 1')
    """
    get_indicator(indicator)
    version = _target(obs, year, geography)
    uc = unit_counts(obs, year, version, level, crosswalks, province)
    prev, prev_vi, prev_en = _previous(obs, year, version, level, crosswalks, province)
    values = indicator_values(uc.counts, indicator)
    previous = indicator_values(prev.counts, indicator).reindex(values.index)
    vi, en = _method(uc, len(values))
    return MapValues(
        version=version, level=level, geography=geography, indicator=indicator, year=year,
        source_version=uc.source_version, values=values, previous=previous,
        change=values - previous, rank=rank_worst_first(values, indicator),
        counts=_counts_for(uc.counts, indicator), method_vi=vi + prev_vi,
        method_en=en + prev_en,
        unmatched=tuple(sorted(set(uc.unmatched) | set(prev.unmatched))),
        not_in_crosswalk=tuple(sorted(set(uc.not_in_crosswalk) | set(prev.not_in_crosswalk))),
        province=province)
