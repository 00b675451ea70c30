"""Map values: collected and re-aggregated geographies, previous year, ranks."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.mapdata import (
    apportion,
    available_years,
    crosswalk_weights,
    indicator_values,
    map_values,
    unit_counts,
    years_by_version,
)
from analysis.series import children
from geodata.crosswalk import build_crosswalk
from povcore.errors import PovmapError
from tests.frames import Row, make_obs, weights

# 2024 → 2025 around Xuân Đông (26359) and Xuân Hòa (26446): old 26449 is split.
CW_2024_2025 = weights([
    ("26449", "26359", 0.75), ("26449", "26446", 0.25),
    ("26356", "26359", 1.0), ("26359", "26359", 1.0),
    ("26443", "26446", 1.0), ("26446", "26446", 1.0),
])


def obs_2024() -> list[Row]:
    data = {  # code: (poor, total households)
        "26449": (100.0, 1000.0), "26359": (10.0, 1000.0), "26356": (5.0, 250.0),
        "26443": (20.0, 400.0), "26446": (0.0, 100.0),
    }
    rows: list[Row] = []
    for code, (poor, total) in data.items():
        rows += [(code, "2024", 2024, "poor", poor),
                 (code, "2024", 2024, "total_households", total)]
    return rows


# ---------------------------------------------------------------- building blocks

def test_apportion_splits_by_weight() -> None:
    counts = pd.DataFrame({"poor": [100.0]}, index=["26449"])
    out = apportion(counts, CW_2024_2025)
    assert out["poor"].to_dict() == {"26359": 75.0, "26446": 25.0}


def test_apportion_nan_when_a_contributor_has_no_data() -> None:
    counts = pd.DataFrame({"poor": [100.0, math.nan, 1.0, 2.0, 3.0]},
                          index=["26449", "26356", "26359", "26443", "26446"])
    out = apportion(counts, CW_2024_2025)["poor"]
    assert math.isnan(out["26359"])
    assert out["26446"] == 25.0 + 2.0 + 3.0


def test_indicator_values_rate_from_counts() -> None:
    counts = pd.DataFrame({"poor_a": [2.0, 1.0, 4.0], "total_households": [50.0, 0.0, None]},
                          index=["a", "b", "c"])
    rate = indicator_values(counts, "poor_a_rate")
    assert rate["a"] == 4.0
    assert math.isnan(rate["b"])
    assert math.isnan(rate["c"])
    assert indicator_values(counts, "near_poor").isna().all()


def test_crosswalk_weights_chain_two_steps() -> None:
    first = weights([("26071", "26080", 1.0), ("26080", "26080", 1.0)])
    second = weights([("26080", "A", 0.6), ("26080", "B", 0.4)])
    w = crosswalk_weights({("2021", "2024"): first, ("2024", "2025"): second},
                          "2021", "2025")
    got = {(o, n): x for o, n, x in zip(w["old_code"], w["new_code"], w["weight"],
                                         strict=True)}
    assert got == pytest.approx({("26071", "A"): 0.6, ("26071", "B"): 0.4,
                                 ("26080", "A"): 0.6, ("26080", "B"): 0.4})


def test_missing_crosswalk_says_how_to_build_it() -> None:
    with pytest.raises(PovmapError, match=r"No crosswalk 2024→2025 .*build_crosswalk"):
        crosswalk_weights(None, "2024", "2025")


def test_years_helpers() -> None:
    obs = make_obs([*obs_2024(), ("26080", "2021", 2022, "poor", 1.0),
                    ("26080", "2021", 2021, "poor", 1.0)])
    assert available_years(obs) == [2021, 2022, 2024]
    assert years_by_version(obs) == {"2021": [2021, 2022], "2024": [2024]}


# ---------------------------------------------------------------- collected

def test_collected_2024_all_units_present_no_data_nan() -> None:
    mv = map_values(make_obs(obs_2024()), "poor_rate", 2024, "collected")
    assert (mv.version, mv.level, mv.source_version) == ("2024", "commune", "2024")
    assert len(mv.values) == 270
    assert mv.values["26449"] == pytest.approx(10.0)
    assert mv.values["26356"] == pytest.approx(2.0)
    assert mv.values.notna().sum() == 5
    assert math.isnan(mv.values["26080"])
    assert mv.method_vi.startswith("Số liệu theo 270 xã của ranh giới 11/2024 (đơn vị thu thập)")
    assert "units of collection" in mv.method_en
    assert list(mv.counts.columns) == ["poor", "total_households"]


def test_ranks_worst_first_with_ties() -> None:
    obs = make_obs([("26449", "2024", 2024, "poor", 10.0), ("26359", "2024", 2024, "poor", 30.0),
                    ("26356", "2024", 2024, "poor", 30.0), ("26443", "2024", 2024, "poor", 5.0)])
    mv = map_values(obs, "poor", 2024, "collected")
    assert mv.rank[["26359", "26356", "26449", "26443"]].tolist() == [1.0, 1.0, 3.0, 4.0]
    assert math.isnan(mv.rank["26446"])


def test_rank_lowest_first_when_higher_is_better() -> None:
    obs = make_obs([("26449", "2024", 2024, "escaped", 10.0),
                    ("26359", "2024", 2024, "escaped", 3.0)])
    mv = map_values(obs, "escaped", 2024, "collected")
    assert mv.rank[["26359", "26449"]].tolist() == [1.0, 2.0]


def test_unmatched_codes_are_reported() -> None:
    obs = make_obs([*obs_2024(), ("99999", "2024", 2024, "poor", 7.0)])
    mv = map_values(obs, "poor", 2024, "collected")
    assert mv.unmatched == ("99999",)
    assert "99999" not in mv.values.index
    assert mv.values["26449"] == 100.0


def _district_obs(version: str, year: int) -> list[Row]:
    # District 732 (TP Long Khánh): one commune 50 % poor, the others 0 %.
    codes = children("732", version)["code"].tolist()
    rows: list[Row] = [(codes[0], version, year, "poor", 50.0),
                       (codes[0], version, year, "total_households", 100.0)]
    for code in codes[1:]:
        rows += [(code, version, year, "poor", 0.0),
                 (code, version, year, "total_households", 900.0)]
    return rows


def test_district_rate_recomputed_from_summed_counts() -> None:
    obs = make_obs(_district_obs("2021", 2022))
    mv = map_values(obs, "poor_rate", 2022, "collected", level="district")
    n = 15  # communes of district 732 in 2021
    assert len(mv.values) == 22
    assert mv.values["732"] == pytest.approx(50.0 / (100.0 + 900.0 * (n - 1)) * 100)
    assert mv.values["732"] != pytest.approx(50.0 / n)  # what averaging rates would give
    assert mv.values.notna().sum() == 1
    assert "tổng các xã" in mv.method_vi


def test_district_missing_commune_gives_no_data() -> None:
    obs = make_obs(_district_obs("2024", 2024)[2:])  # first commune missing
    mv = map_values(obs, "poor", 2024, "collected", level="district")
    assert math.isnan(mv.values["732"])


def test_no_district_level_in_2025() -> None:
    obs = make_obs([("26359", "2025", 2025, "poor", 1.0)])
    with pytest.raises(PovmapError, match=r"no level 'district'\. Valid: commune"):
        map_values(obs, "poor", 2025, "collected", level="district")


def test_unknown_geography() -> None:
    with pytest.raises(PovmapError, match="Valid: collected, current"):
        map_values(make_obs(obs_2024()), "poor", 2024, "today")


def test_unknown_indicator() -> None:
    with pytest.raises(PovmapError, match="Unknown indicator 'poverty'"):
        map_values(make_obs(obs_2024()), "poverty", 2024, "collected")


# ---------------------------------------------------------------- current (2025 units)

def test_current_apportions_counts_and_recomputes_rates() -> None:
    cws = {("2024", "2025"): CW_2024_2025}
    obs = make_obs(obs_2024())
    counts = map_values(obs, "poor", 2024, "current", crosswalks=cws)
    assert counts.values["26359"] == pytest.approx(75.0 + 10.0 + 5.0)
    assert counts.values["26446"] == pytest.approx(25.0 + 20.0 + 0.0)
    rates = map_values(obs, "poor_rate", 2024, "current", crosswalks=cws)
    assert (rates.version, rates.source_version) == ("2025", "2024")
    assert len(rates.values) == 95
    assert rates.values.notna().sum() == 2
    # 90 / (750 + 1000 + 250); averaging the old rates (10, 1, 2 %) would give 4.33
    assert rates.values["26359"] == pytest.approx(4.5)
    assert rates.values["26446"] == pytest.approx(6.0)  # averaging: 5.0
    assert rates.counts.loc["26446", "total_households"] == pytest.approx(750.0)
    assert rates.method_vi.startswith(
        "Quy đổi về 95 xã, phường hiện nay theo bảng chuyển đổi: số hộ phân bổ theo trọng "
        "số, tỷ lệ tính lại từ số hộ đã phân bổ")
    assert "ranh giới 11/2024" in rates.method_vi


def test_current_without_crosswalk_raises() -> None:
    with pytest.raises(PovmapError, match="build_crosswalk"):
        map_values(make_obs(obs_2024()), "poor", 2024, "current")


def test_codes_missing_from_crosswalk_are_reported() -> None:
    obs = make_obs([*obs_2024(), ("26080", "2024", 2024, "poor", 3.0)])
    mv = map_values(obs, "poor", 2024, "current", crosswalks={("2024", "2025"): CW_2024_2025})
    assert mv.not_in_crosswalk == ("26080",)


def test_current_uses_2021_data_through_real_crosswalk() -> None:
    obs = make_obs([("26071", "2021", 2022, "poor", 3.0), ("26074", "2021", 2022, "poor", 4.0),
                    ("26080", "2021", 2022, "poor", 5.0)])
    cw = build_crosswalk("2021", "2024").weights
    uc = unit_counts(obs, 2022, "2024", crosswalks={("2021", "2024"): cw})
    assert uc.counts.loc["26080", "poor"] == 12.0
    assert uc.reaggregated
    assert uc.source_version == "2021"


# ---------------------------------------------------------------- previous year

def test_previous_year_reaggregated_across_2024_2025() -> None:
    rows = [*obs_2024(),
            ("26359", "2025", 2025, "poor", 60.0), ("26359", "2025", 2025, "total_households",
                                                   2000.0),
            ("26446", "2025", 2025, "poor", 30.0), ("26446", "2025", 2025, "total_households",
                                                   800.0)]
    cws = {("2024", "2025"): CW_2024_2025}
    mv = map_values(make_obs(rows), "poor", 2025, "collected", crosswalks=cws)
    assert (mv.version, mv.source_version) == ("2025", "2025")
    assert mv.values["26359"] == 60.0
    assert mv.previous["26359"] == pytest.approx(90.0)
    assert mv.change["26359"] == pytest.approx(-30.0)
    assert mv.previous["26446"] == pytest.approx(45.0)
    assert mv.change["26446"] == pytest.approx(-15.0)
    assert math.isnan(mv.change["26248"])
    assert "Năm 2024 quy đổi từ ranh giới 11/2024 theo bảng chuyển đổi" in mv.method_vi
    rates = map_values(make_obs(rows), "poor_rate", 2025, "collected", crosswalks=cws)
    assert rates.previous["26359"] == pytest.approx(4.5)
    assert rates.change["26359"] == pytest.approx(3.0 - 4.5)


def test_previous_year_without_crosswalk_is_no_data_with_note() -> None:
    rows = [*obs_2024(), ("26359", "2025", 2025, "poor", 60.0)]
    mv = map_values(make_obs(rows), "poor", 2025, "collected")
    assert mv.values["26359"] == 60.0
    assert mv.previous.isna().all()
    assert "Không so sánh được với năm 2024" in mv.method_vi


def test_previous_year_same_version() -> None:
    rows = [("26080", "2021", 2022, "poor", 8.0), ("26080", "2021", 2023, "poor", 6.0)]
    mv = map_values(make_obs(rows), "poor", 2023, "collected")
    assert mv.previous["26080"] == 8.0
    assert mv.change["26080"] == -2.0
    assert mv.method_vi.endswith("(đơn vị thu thập).")
