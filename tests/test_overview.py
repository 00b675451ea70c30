"""Province summary, plan progress, top units and units on track."""

from __future__ import annotations

import math
from types import MappingProxyType

import pandas as pd
import pytest

from analysis.mapdata import map_values
from analysis.overview import (
    PLAN_TARGETS,
    PhaseTarget,
    on_track_units,
    province_summary,
    province_totals,
    required_reduction_pct,
    top_units,
)
from povcore.errors import PovmapError
from povcore.units import registry
from tests.frames import Row, make_obs


def unit(code: str, version: str, year: int, **values: float) -> list[Row]:
    return [(code, version, year, k, v) for k, v in values.items()]


def complete(rows: list[Row]) -> list[Row]:
    """``rows`` plus 0 for every other commune of the version, for each key of each year.

    Province figures need every commune (a partial sum is not the province's), so the
    fixtures report the communes they do not care about as 0.
    """
    out = list(rows)
    groups: dict[tuple[str, int], set[str]] = {}
    have: set[tuple[str, str, int, str]] = set()
    for code, version, year, key, _v in rows:
        groups.setdefault((version, year), set()).add(key)
        have.add((code, version, year, key))
    for (version, year), keys in groups.items():
        for code in registry().units(version, "commune")["code"]:
            out += [(code, version, year, k, 0.0) for k in sorted(keys)
                    if (code, version, year, k) not in have]
    return out


def province_obs() -> pd.DataFrame:
    rows: list[Row] = []
    # end-2020 baseline (collected on the 2021 communes), poor_a 600 + 400 = 1000
    rows += unit("26071", "2021", 2020, poor_a=600.0, poor=700.0, total_households=1000.0)
    rows += unit("26080", "2021", 2020, poor_a=400.0, poor=500.0, total_households=3000.0)
    rows += unit("26071", "2021", 2023, poor_a=300.0, poor=350.0, total_households=1000.0)
    rows += unit("26080", "2021", 2023, poor_a=200.0, poor=250.0, total_households=3000.0)
    # 2024 on the Nov-2024 communes (26071 merged into 26080)
    rows += unit("26080", "2024", 2024, poor_a=400.0, poor=480.0, poor_b=80.0,
                 near_poor=90.0, total_households=4000.0)
    rows = complete(rows)
    # a district row must not be added to the commune sums
    rows += unit("732", "2024", 2024, poor_a=400.0)
    return make_obs(rows)


def test_province_totals_sum_communes_and_recompute_rates() -> None:
    t = province_totals(province_obs(), 2023)
    assert t["poor_a"] == 500.0
    assert t["total_households"] == 4000.0
    # 500 / 4000; averaging the commune rates (30 %, 6.7 %) would give 18.3 %
    assert t["poor_a_rate"] == pytest.approx(12.5)
    assert math.isnan(t["near_poor"])


def test_province_totals_do_not_double_count_district_rows() -> None:
    assert province_totals(province_obs(), 2024)["poor_a"] == 400.0


def test_summary_changes_and_baseline() -> None:
    s = province_summary(province_obs(), 2024)
    assert (s.year, s.version, s.previous_year, s.baseline_year) == (2024, "2024", 2023, 2020)
    assert s.value("poor_a") == 400.0
    row = s.table.loc["poor_a"]
    assert (row["previous"], row["change"], row["change_pct"]) == (500.0, -100.0, -20.0)
    assert (row["baseline"], row["change_vs_baseline"]) == (1000.0, -600.0)
    assert row["change_vs_baseline_pct"] == pytest.approx(-60.0)
    assert s.table.loc["poor_a_rate", "change"] == pytest.approx(10.0 - 12.5)
    assert s.units_total == 270
    assert s.units_with_data == 270
    assert (s.missing, s.baseline_missing) == ((), ())


def test_province_figure_needs_every_commune_and_names_the_missing() -> None:
    obs = province_obs()
    obs = obs[~((obs["year"] == 2023) & (obs["unit_code"].isin(["26071", "26113"])))]
    assert math.isnan(province_totals(obs, 2023)["poor_a"])
    assert math.isnan(province_totals(obs, 2023)["poor_a_rate"])
    s = province_summary(obs, 2024)
    assert math.isnan(s.table.loc["poor_a", "previous"])
    assert s.table.loc["poor_a", "value"] == 400.0
    # one imported 2020 row is not the province's baseline
    one = make_obs([*unit("26071", "2021", 2020, poor_a=3.0),
                    *complete(unit("26080", "2024", 2024, poor_a=400.0))])
    s = province_summary(one, 2024)
    assert math.isnan(s.table.loc["poor_a", "baseline"])
    assert len(s.baseline_missing) == 280
    assert "26080" in s.baseline_missing
    assert s.progress is not None
    assert s.progress.on_track is None


def test_progress_against_linear_path() -> None:
    p = province_summary(province_obs(), 2024).progress
    assert p is not None
    assert (p.phase, p.target_pct, p.baseline_year) == ("2021–2025", 80.0, 2020)
    assert p.reduction_pct == pytest.approx(60.0)
    assert p.required_pct == pytest.approx(64.0)  # 80 % × 4/5 years
    assert p.on_track is False
    assert p.annual_reduction_pct == pytest.approx((1 - 0.4 ** 0.25) * 100)
    on = province_summary(province_obs(), 2023).progress
    assert on is not None
    assert on.required_pct == pytest.approx(48.0)
    assert on.on_track is True  # 50 % ≥ 48 %


def test_targets_are_a_parameter() -> None:
    lenient = MappingProxyType({"2021-2025": PhaseTarget(2021, 2025, 50.0, 2020)})
    p = province_summary(province_obs(), 2024, targets=lenient).progress
    assert p is not None
    assert p.required_pct == pytest.approx(40.0)
    assert p.on_track is True


def test_baseline_falls_back_to_first_phase_year() -> None:
    obs = province_obs()
    obs = obs[obs["year"] != 2020]
    s = province_summary(obs, 2024)
    assert s.baseline_year == 2023
    assert s.progress is not None
    assert s.progress.required_pct == pytest.approx(80.0 * 1 / 2)
    assert s.progress.reduction_pct == pytest.approx(20.0)
    at_baseline = province_summary(obs, 2023).progress
    assert at_baseline is not None
    assert at_baseline.on_track is None  # nothing to judge in the baseline year


def test_second_phase_baseline_is_end_2025() -> None:
    obs = make_obs(complete([*unit("26446", "2025", 2025, poor_a=200.0),
                             *unit("26446", "2025", 2027, poor_a=120.0)]))
    s = province_summary(obs, 2027)
    assert s.baseline_year == 2025
    assert s.previous_year is None
    assert s.progress is not None
    assert (s.progress.phase, s.progress.target_pct) == ("2026–2030", 85.0)
    assert s.progress.required_pct == pytest.approx(34.0)
    assert s.progress.reduction_pct == pytest.approx(40.0)
    assert s.progress.on_track is True
    assert required_reduction_pct(PLAN_TARGETS["2026-2030"], 2025, 2031) == 85.0


def test_summary_year_without_data() -> None:
    with pytest.raises(PovmapError, match=r"No data for 2022\. Years with data: 2020, 2023, 2024"):
        province_summary(province_obs(), 2022)


# ---------------------------------------------------------------- top units

def _rates_obs() -> pd.DataFrame:
    rows: list[Row] = []
    for code, poor, total in (("26449", 10.0, 100.0), ("26359", 40.0, 1000.0),
                              ("26356", 4.0, 100.0), ("26443", 1.0, 10.0)):
        rows += unit(code, "2024", 2024, poor=poor, total_households=total)
    return make_obs(rows)


def test_top_units_by_value_with_ties() -> None:
    mv = map_values(_rates_obs(), "poor_rate", 2024, "collected")
    top = top_units(mv, n=3)
    assert top["code"].tolist() == ["26443", "26449", "26356"]
    assert top["rank"].tolist() == [1, 1, 3]
    assert top["name"].notna().all()
    assert top["value"].tolist() == pytest.approx([10.0, 10.0, 4.0])


def test_top_units_by_count() -> None:
    mv = map_values(_rates_obs(), "poor_rate", 2024, "collected")
    top = top_units(mv, n=10, by="count")
    assert top["code"].tolist() == ["26359", "26449", "26356", "26443"]  # no-data units out
    assert top["count"].tolist() == [40.0, 10.0, 4.0, 1.0]


def test_top_units_unknown_ranking() -> None:
    mv = map_values(_rates_obs(), "poor", 2024, "collected")
    with pytest.raises(PovmapError, match="Valid: value, count, change"):
        top_units(mv, by="size")


# ---------------------------------------------------------------- units on track

def test_on_track_units_on_current_units() -> None:
    cws = {("2021", "2025"): pd.DataFrame({
        "old_code": ["26449", "26449", "26443", "26356"],
        "new_code": ["26359", "26446", "26446", "26359"],
        "weight": [0.75, 0.25, 1.0, 1.0]})}
    rows: list[Row] = []
    rows += unit("26449", "2021", 2020, poor_a=100.0)
    rows += unit("26443", "2021", 2020, poor_a=50.0)
    rows += unit("26356", "2021", 2020, poor_a=25.0)
    rows += unit("26359", "2025", 2025, poor_a=10.0)  # baseline 75 + 25 = 100 → 90 %
    rows += unit("26446", "2025", 2025, poor_a=30.0)  # baseline 25 + 50 = 75 → 60 %
    t = on_track_units(make_obs(rows), 2025, cws).set_index("code")
    assert len(t) == 95
    assert t.loc["26359", "baseline"] == pytest.approx(100.0)
    assert t.loc["26446", "baseline"] == pytest.approx(75.0)
    assert t.loc["26359", "reduction_pct"] == pytest.approx(90.0)
    assert t.loc["26446", "reduction_pct"] == pytest.approx(60.0)
    assert t.loc["26359", "required_pct"] == pytest.approx(80.0)
    assert bool(t.loc["26359", "on_track"]) is True
    assert bool(t.loc["26446", "on_track"]) is False
    assert pd.isna(t.loc["26248", "on_track"])
    assert t.loc["26446", "name"] == "Xã Xuân Hòa"
    assert (t["baseline_year"] == 2020).all()


def test_on_track_units_outside_phases() -> None:
    obs = make_obs(unit("26071", "2021", 2020, poor_a=1.0))
    with pytest.raises(PovmapError, match="outside the plan phases"):
        on_track_units(obs, 2020, None)
