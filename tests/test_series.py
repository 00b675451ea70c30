"""Unit time series across boundary versions, side-panel table, hierarchy."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.series import children, parent, unit_series, unit_table
from geodata.crosswalk import build_crosswalk
from povcore.errors import PovmapError
from tests.frames import Row, make_obs, weights


def counts(code: str, version: str, year: int, poor: float, total: float) -> list[Row]:
    return [(code, version, year, "poor", poor), (code, version, year, "total_households", total)]


# Old communes around Xuân Hòa (26446, 2025); 26449 split 0.75 / 0.25 in 2025.
CROSSWALKS = {
    ("2021", "2024"): weights([("26443", "26443", 1.0), ("26446", "26446", 1.0),
                               ("26449", "26449", 1.0)]),
    ("2024", "2025"): weights([("26449", "26359", 0.75), ("26449", "26446", 0.25),
                               ("26443", "26446", 1.0), ("26446", "26446", 1.0)]),
}


def xuan_hoa_obs() -> pd.DataFrame:
    rows: list[Row] = []
    for version, year, scale in (("2021", 2022, 2.0), ("2021", 2023, 1.5), ("2024", 2024, 1.0)):
        rows += counts("26449", version, year, 40.0 * scale, 1000.0)
        rows += counts("26443", version, year, 20.0 * scale, 400.0)
        rows += counts("26446", version, year, 0.0, 100.0)
    rows += counts("26446", "2025", 2025, 12.0, 800.0)
    return make_obs(rows)


def test_2025_unit_series_reaggregates_older_years() -> None:
    s = unit_series(xuan_hoa_obs(), "26446", "2025", "poor", CROSSWALKS)
    assert s["year"].tolist() == [2022, 2023, 2024, 2025]
    # 2024: 0.25 × 40 + 20 + 0 = 30; 2022: 0.25 × 80 + 40 + 0 = 60
    assert s["value"].tolist() == pytest.approx([60.0, 45.0, 30.0, 12.0])
    assert s["source_version"].tolist() == ["2021", "2021", "2024", "2025"]
    assert s["method"].tolist() == ["quy đổi qua bảng chuyển đổi"] * 3 + ["thu thập"]


def test_2025_unit_rate_series_recomputed_not_averaged() -> None:
    s = unit_series(xuan_hoa_obs(), "26446", "2025", "poor_rate", CROSSWALKS)
    # 2024: 30 poor / (250 + 400 + 100) households; averaging 4 %, 5 %, 0 % gives 3 %
    assert s.loc[s["year"] == 2024, "value"].item() == pytest.approx(4.0)
    assert s.loc[s["year"] == 2025, "value"].item() == pytest.approx(1.5)


def test_2024_unit_series_includes_2021_years_not_2025() -> None:
    obs = make_obs([*counts("26071", "2021", 2023, 3.0, 100.0),
                    *counts("26074", "2021", 2023, 4.0, 200.0),
                    *counts("26080", "2021", 2023, 5.0, 300.0),
                    *counts("26080", "2024", 2024, 6.0, 610.0),
                    *counts("26080", "2025", 2025, 1.0, 100.0)])
    cws = {("2021", "2024"): build_crosswalk("2021", "2024").weights}
    s = unit_series(obs, "26080", "2024", "poor_rate", cws)
    assert s["year"].tolist() == [2023, 2024]
    # (3 + 4 + 5) / (100 + 200 + 300): 2.0 %, not the mean of 3, 2 and 1.67 %
    assert s["value"].tolist() == pytest.approx([2.0, 6.0 / 610.0 * 100])
    assert s["method"].tolist() == ["quy đổi qua bảng chuyển đổi", "thu thập"]


def test_2021_unit_series_only_its_own_version() -> None:
    obs = make_obs([*counts("26071", "2021", 2022, 3.0, 100.0),
                    *counts("26071", "2021", 2023, 2.0, 100.0),
                    *counts("26080", "2024", 2024, 6.0, 610.0)])
    s = unit_series(obs, "26071", "2021", "poor")
    assert s["year"].tolist() == [2022, 2023]
    assert s["value"].tolist() == [3.0, 2.0]
    assert set(s["source_version"]) == {"2021"}


def test_series_year_without_the_unit_is_nan() -> None:
    obs = make_obs([*counts("26071", "2021", 2022, 3.0, 100.0),
                    *counts("26074", "2021", 2023, 2.0, 100.0)])
    s = unit_series(obs, "26071", "2021", "poor")
    assert s["year"].tolist() == [2022, 2023]
    assert s["value"].iloc[0] == 3.0
    assert math.isnan(s["value"].iloc[1])


def test_series_of_a_district() -> None:
    kids = children("732", "2021")["code"].tolist()
    obs = make_obs([(c, "2021", 2022, "poor", 1.0) for c in kids])
    s = unit_series(obs, "732", "2021", "poor")
    assert s["value"].tolist() == [float(len(kids))]


def test_series_unknown_code() -> None:
    with pytest.raises(PovmapError, match="'12345' is not a unit of boundary version 2025"):
        unit_series(xuan_hoa_obs(), "12345", "2025", "poor", CROSSWALKS)


def test_unit_table_every_indicator() -> None:
    obs = make_obs([*counts("26080", "2024", 2024, 6.0, 300.0),
                    ("26080", "2024", 2024, "poor_a", 3.0)])
    t = unit_table(obs, "26080", "2024", 2024).set_index("key")
    assert len(t) == 51  # 45 poverty indicators + 6 ethnic-minority area keys (issue 11)
    assert t.loc["poor", "value"] == 6.0
    assert t.loc["poor_rate", "value"] == pytest.approx(2.0)
    assert t.loc["poor_a_rate", "value"] == pytest.approx(1.0)
    assert t.loc["poor_rate", "unit"] == "%"
    assert t.loc["poor", "unit"] == "hộ"
    assert t.loc["poor_a", "label_vi"] == "Hộ nghèo A (có lao động)"
    assert math.isnan(t.loc["near_poor", "value"])


def test_unit_table_reaggregated() -> None:
    t = unit_table(xuan_hoa_obs(), "26446", "2025", 2024, CROSSWALKS).set_index("key")
    assert t.loc["poor", "value"] == pytest.approx(30.0)
    assert t.loc["total_households", "value"] == pytest.approx(750.0)


def test_children_and_parent() -> None:
    kids_2021 = set(children("732", "2021")["code"])
    kids_2024 = set(children("732", "2024")["code"])
    assert {"26071", "26074", "26080"} <= kids_2021
    assert kids_2021 - kids_2024 == {"26071", "26074"}  # merged into 26080 in Nov 2024
    assert len(kids_2024) == 13
    p = parent("26071", "2021")
    assert p is not None
    assert (p["code"], p["level"]) == ("732", "district")
    assert parent("26446", "2025") is None
    assert parent("732", "2021") is None
    assert children("26446", "2025").empty
