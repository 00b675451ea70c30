"""One unit through the years, and its side-panel table.

A unit of a newer boundary version gets the years collected on older versions
re-aggregated to it through the crosswalk (counts apportioned by weight, rates
recomputed from the apportioned counts). Older units never receive newer data:
a crosswalk only runs forward.
"""

from __future__ import annotations

import pandas as pd

from analysis.mapdata import Crosswalks, available_years, indicator_values, unit_counts
from povcore.indicators import INDICATORS, get_indicator
from povcore.units import registry

COLLECTED = ("thu thập", "collected")
REAGGREGATED = ("quy đổi qua bảng chuyển đổi", "re-aggregated through the crosswalk")
SERIES_COLUMNS = ["year", "value", "source_version", "method", "method_en"]


def unit_level(code: str, version: str, province: str = "75") -> str:
    """Level ("district" or "commune") of unit ``code`` in ``version``.

    >>> unit_level("732", "2021"), unit_level("26080", "2024")
    ('district', 'commune')
    """
    return str(registry(province).unit(version, code)["level"])


def unit_series(obs: pd.DataFrame, code: str, version: str, indicator: str,
                crosswalks: Crosswalks | None = None, province: str = "75") -> pd.DataFrame:
    """Values of ``indicator`` for unit ``code`` of ``version``, one row per year.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long counts: unit_code, boundary_version, year, indicator, value.
    code, version : str
        The unit and its boundary version (a district works for 2021 and 2024).
    indicator : str
        A count or a ``*_rate`` key.
    crosswalks : mapping, optional
        ``{(from, to): weights}``, needed for years collected on older versions.
    province : str, default "75"

    Returns
    -------
    pandas.DataFrame
        Columns year, value, source_version, method ("thu thập" or "quy đổi qua
        bảng chuyển đổi") and method_en. Years only on newer versions are left out;
        a year whose data do not cover the unit has value NaN.

    Examples
    --------
    >>> obs = pd.DataFrame({"unit_code": "26080", "boundary_version": ["2021", "2024"],
    ...                     "year": [2023, 2024], "indicator": "poor", "value": [7.0, 5.0]})
    >>> unit_series(obs, "26080", "2021", "poor")[["year", "value", "method"]]
       year  value    method
    0  2023    7.0  thu thập
    """
    get_indicator(indicator)
    level = unit_level(code, version, province)
    rows = []
    for year in available_years(obs):
        uc = unit_counts(obs, year, version, level, crosswalks, province)
        if uc.source_version is None:
            continue
        method = REAGGREGATED if uc.reaggregated else COLLECTED
        value = float(indicator_values(uc.counts, indicator).get(code, float("nan")))
        rows.append((year, value, uc.source_version, *method))
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


def unit_table(obs: pd.DataFrame, code: str, version: str, year: int,
               crosswalks: Crosswalks | None = None, province: str = "75") -> pd.DataFrame:
    """Every indicator of unit ``code`` in ``year`` (the map's side panel).

    Counts collected on an older version are re-aggregated (``crosswalks`` needed);
    rates are recomputed from the unit's counts.

    Returns
    -------
    pandas.DataFrame
        One row per indicator: key, label_vi, label_en, value, unit, unit_en.

    Examples
    --------
    >>> obs = pd.DataFrame({"unit_code": "26080", "boundary_version": "2024", "year": 2024,
    ...                     "indicator": ["poor", "total_households"], "value": [5.0, 200.0]})
    >>> t = unit_table(obs, "26080", "2024", 2024).set_index("key")
    >>> float(t.loc["poor_rate", "value"]), t.loc["poor_rate", "unit"], len(t)
    (2.5, '%', 51)
    """
    uc = unit_counts(obs, year, version, unit_level(code, version, province), crosswalks,
                     province)
    one = uc.counts.loc[[code]]
    rows = [(ind.key, ind.label_vi, ind.label_en,
             float(indicator_values(one, ind.key).iloc[0]), ind.unit_vi, ind.unit_en)
            for ind in INDICATORS.values()]
    return pd.DataFrame(rows, columns=["key", "label_vi", "label_en", "value", "unit",
                                       "unit_en"])


_UNIT_COLUMNS = ["code", "name", "type", "level", "parent_code"]


def children(code: str, version: str, province: str = "75") -> pd.DataFrame:
    """Units of ``version`` whose parent is ``code`` (a district's communes).

    >>> children("732", "2024")["code"].head(3).tolist()  # TP Long Khánh
    ['26077', '26080', '26083']
    >>> len(children("26080", "2024"))
    0
    """
    units = registry(province).units(version)
    kids = units[units["parent_code"].astype(str) == str(code)]
    return kids[_UNIT_COLUMNS].sort_values("code").reset_index(drop=True)


def parent(code: str, version: str, province: str = "75") -> pd.Series | None:
    """The unit containing ``code`` in ``version`` (its district), or None.

    Units of 2025 have no parent unit (the district level was abolished).

    >>> parent("26080", "2024")["name"]
    'Thành phố Long Khánh'
    >>> parent("26080", "2025") is None
    True
    """
    reg = registry(province)
    parent_code = str(reg.unit(version, code)["parent_code"])
    units = reg.units(version)
    hit = units[units["code"].astype(str) == parent_code]
    return None if hit.empty else hit[_UNIT_COLUMNS].iloc[0]
