"""Progress engine: hand-computed cases (analysis.progress, analysis.targets)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from analysis.progress import (
    assess,
    baseline_choice,
    completion_table,
    headline,
    path_frame,
    phase_progress,
    status_counts,
    territory_codes,
    territory_value,
)
from analysis.targets import Target, default_targets, due_value
from geodata.crosswalk import build_crosswalk
from povcore.units import registry
from povstore.store import Store

ROOT = Path(__file__).resolve().parents[1]

P1 = Target("p1", "2021-2025", reduction_pct=80.0, baseline_year=2020,
            territory="former_province:75", label_vi="p1")
P2 = Target("p2", "2026-2030", reduction_pct=85.0, baseline_year=2025, label_vi="p2")
COMPOUND = "compound"


def _obs(rows: list[tuple[str, str, int, float]], indicator: str = "poor_a") -> pd.DataFrame:
    return pd.DataFrame({"unit_code": [r[0] for r in rows],
                         "boundary_version": [r[1] for r in rows],
                         "year": [r[2] for r in rows], "indicator": indicator,
                         "value": [r[3] for r in rows]})


DN_2021 = registry().units("2021", "commune").query("former_province == '75'")["code"].tolist()


# ---------------------------------------------------------------- the cases

@pytest.mark.parametrize("path", ["linear", COMPOUND])
def test_50_to_10_over_the_phase_is_met(path: str) -> None:
    p = assess(replace(P1, path=path), {2020: 50.0, 2025: 10.0}, 2020)
    assert (p.status, p.reduction_pct, p.target_end) == ("met", 80.0, pytest.approx(10.0))


@pytest.mark.parametrize("path", ["linear", COMPOUND])
def test_40_to_36_one_year_into_85_pct_phase_is_behind(path: str) -> None:
    p = assess(replace(P2, path=path), {2025: 40.0, 2026: 36.0}, 2025)
    assert p.status == "behind"
    assert p.reduction_pct == pytest.approx(10.0)
    # linear: 40 × (1 − 0.85/5) = 33.2; compound: 40 × 0.15^(1/5) = 27.37
    assert p.due_now == pytest.approx(33.2 if path == "linear" else 27.370, abs=1e-3)


@pytest.mark.parametrize("path", ["linear", COMPOUND])
def test_60_to_40_one_year_into_85_pct_phase_is_on_track(path: str) -> None:
    p = assess(replace(P2, path=path), {2025: 60.0, 2026: 40.0}, 2025)
    assert p.status == "on_track"
    # linear: 60 × 0.83 = 49.8; compound: 60 × 0.6843 = 41.06
    assert p.due_now == pytest.approx(49.8 if path == "linear" else 41.055, abs=1e-3)
    # phase end 60 × 0.15 = 9; (40 − 9) households over the 4 years left → 7.75 a year
    assert p.target_end == pytest.approx(9.0)
    assert p.required_per_year == pytest.approx(7.75)


def test_linear_path_is_16_pct_of_baseline_a_year() -> None:
    assert [due_value(P1, 1000.0, 2020, y) for y in range(2020, 2026)] == pytest.approx(
        [1000, 840, 680, 520, 360, 200])


# ---------------------------------------------------------------- decided edge cases

def test_baseline_zero_stays_met_while_zero_and_behind_when_poor_appear() -> None:
    assert assess(P1, {2020: 0.0, 2023: 0.0}, 2020).status == "met"
    p = assess(P1, {2020: 0.0, 2023: 3.0}, 2020)
    assert (p.status, math.isnan(p.reduction_pct)) == ("behind", True)
    assert assess(P1, {2020: 0.0, 2025: 3.0}, 2020).status == "missed"


def test_an_increase_is_behind_with_negative_reduction() -> None:
    p = assess(P1, {2020: 10.0, 2022: 12.0}, 2020)
    assert (p.status, p.reduction_pct) == ("behind", pytest.approx(-20.0))


def test_missing_year_is_skipped_and_the_path_read_at_the_latest_year() -> None:
    p = assess(P1, {2020: 100.0, 2021: math.nan, 2023: 55.0}, 2020)
    # due at 2023: 100 × (1 − 0.16 × 3) = 52 < 55 → behind; trend −15 a year → 25 in 2025
    assert (p.latest_year, p.due_now, p.status) == (2023, pytest.approx(52.0), "behind")
    assert p.projection == pytest.approx(25.0)


def test_phase_end_not_reached_is_missed() -> None:
    assert assess(P1, {2020: 100.0, 2025: 30.0}, 2020).status == "missed"


def test_no_baseline_or_nothing_after_it_is_insufficient() -> None:
    assert assess(P1, {2023: 5.0}, 2020).status == "insufficient_data"
    assert assess(P1, {2020: 5.0}, 2020).status == "insufficient_data"


def test_baseline_falls_back_to_first_phase_year_with_a_note() -> None:
    obs = _obs([("26098", "2021", 2021, 5.0), ("26098", "2021", 2022, 4.0)])
    year, vi, en = baseline_choice(obs, P1)
    assert year == 2021
    assert "cuối năm 2020" in vi
    assert "4 năm thay vì 5 năm" in vi
    assert "end-2020" in en


# ---------------------------------------------------------------- territories

def test_phase_one_territory_is_the_170_communes_of_old_dong_nai() -> None:
    assert len(territory_codes("former_province:75", "2021")) == 170
    assert len(territory_codes("former_province:70", "2021")) == 111
    assert territory_codes("units:26098, 99999", "2021") == ["26098"]


def test_partial_territory_gives_no_figure_and_names_the_missing_units() -> None:
    missing = {"26098", "26119"}
    rows = [(c, "2021", 2020, 10.0) for c in DN_2021]
    rows += [(c, "2021", 2023, 5.0) for c in DN_2021 if c not in missing]
    obs = _obs(rows)
    partial = territory_value(obs, 2023, "former_province:75", "poor_a")
    assert (math.isnan(partial.value), partial.missing) == (True, ("26098", "26119"))
    whole = territory_value(obs, 2020, "former_province:75", "poor_a")
    assert (whole.value, whole.n_units) == (1700.0, 170)
    pp = phase_progress(obs, [P1], "2021-2025")
    tp = pp.territories[0]
    assert tp.progress.status == "insufficient_data"
    assert tp.missing == ("26098", "26119")
    assert "thiếu 2 đơn vị: 26098, 26119" in headline(tp)
    # units are still judged one by one
    assert status_counts(pp.units) == {"met": 0, "on_track": 168, "behind": 0, "missed": 0,
                                       "insufficient_data": 2}


def test_complete_territory_headline_and_chart_path() -> None:
    rows = [(c, "2021", 2020, 10.0) for c in DN_2021]
    rows += [(c, "2021", 2023, 3.7) for c in DN_2021]
    pp = phase_progress(_obs(rows), [P1], "2021-2025")
    tp = pp.territories[0]
    assert (tp.progress.baseline, tp.progress.latest) == (1700.0, pytest.approx(629.0))
    assert tp.progress.status == "on_track"  # due at 2023: 1700 × 0.52 = 884
    assert headline(tp) == ("Giảm 63 % hộ nghèo A so với cuối năm 2020 — mục tiêu 80 % "
                            "(đọc theo đường thẳng)")
    chart = path_frame(tp)
    assert chart.loc[2022, "target"] == pytest.approx(1700 * 0.68)
    assert (chart.loc[2022, "band_fast"], chart.loc[2022, "band_slow"]) == (
        pytest.approx(1700 * 0.6), pytest.approx(1700 * 0.8))


def test_old_binh_phuoc_target_set_judges_its_own_communes() -> None:
    bp = replace(P1, key="bp", territory="former_province:70", reduction_pct=50.0)
    codes = territory_codes("former_province:70", "2021")
    rows = [(c, "2021", 2020, 10.0) for c in DN_2021 + codes]
    rows += [(c, "2021", 2025, 5.0) for c in DN_2021 + codes]
    pp = phase_progress(_obs(rows), [P1, bp], "2021-2025")
    by_target = pp.units.groupby("target")["status"].agg(lambda s: sorted(set(s)))
    assert by_target.to_dict() == {"bp": ["met"], "p1": ["missed"]}
    assert [t.target.key for t in pp.territories] == ["p1", "bp"]


def test_unit_specific_target_overrides_the_default() -> None:
    special = replace(P1, key="p1-26098", unit_code="26098", reduction_pct=40.0)
    rows = [(c, "2021", 2020, 10.0) for c in DN_2021]
    rows += [(c, "2021", 2025, 6.0) for c in DN_2021]
    units = phase_progress(_obs(rows), [P1, special], "2021-2025").units.set_index("unit_code")
    assert units.loc["26098", ["target", "status"]].tolist() == ["p1-26098", "met"]
    assert units.loc["26119", ["target", "status"]].tolist() == ["p1", "missed"]


# ---------------------------------------------------------------- crosswalk

def test_phase_one_carried_to_current_units_equals_hand_apportioned_sums() -> None:
    # 2025 unit 26098 ← old 26092 + 26098; unit 26119 ← old 26119. Split 26092 75/25.
    w = build_crosswalk("2021", "2025").weights
    w = w[w["old_code"] != "26092"]
    w = pd.concat([w, pd.DataFrame({"old_code": ["26092", "26092"],
                                    "new_code": ["26098", "26119"], "weight": [0.75, 0.25],
                                    "method": "test"})], ignore_index=True)
    base = {"26092": 40.0, "26098": 20.0, "26119": 8.0}
    rows = [(c, "2021", 2020, base.get(c, 1.0)) for c in DN_2021]
    rows += [(c, "2025", 2025, 0.0) for c in territory_codes("former_province:75", "2025")]
    obs = _obs(rows)
    obs.loc[(obs["year"] == 2025) & (obs["unit_code"] == "26098"), "value"] = 10.0
    obs.loc[(obs["year"] == 2025) & (obs["unit_code"] == "26119"), "value"] = 18.0
    pp = phase_progress(obs, [P1], "2021-2025", "current", {("2021", "2025"): w})
    units = pp.units.set_index("unit_code")
    assert (pp.version, len(units)) == ("2025", 55)
    assert units.loc["26098", "baseline"] == pytest.approx(0.75 * 40 + 20)  # 50
    assert units.loc["26119", "baseline"] == pytest.approx(0.25 * 40 + 8)  # 18
    assert units.loc["26098", "status"] == "met"  # 50 → 10
    assert units.loc["26119", "status"] == "missed"  # 18 → 18
    assert pp.territories[0].progress.baseline == pytest.approx(40 + 20 + 8 + 167)
    assert "trọng số" in pp.method_vi


def test_as_collected_merged_unit_is_judged_at_its_last_year_on_its_version() -> None:
    rows = [(c, "2021", 2020, 10.0) for c in DN_2021]
    rows += [(c, "2021", 2023, 5.0) for c in DN_2021]
    rows += [(c, "2024", 2024, 1.0) for c in registry().units("2024", "commune")
             .query("former_province == '75'")["code"]]
    pp = phase_progress(_obs(rows), [P1], "2021-2025")
    units = pp.units.set_index("unit_code")
    assert units.loc["26098", ["latest_year", "status"]].tolist() == [2023, "on_track"]
    # the territory reads its latest year on the units of that year (159 communes)
    tp = pp.territories[0]
    assert (tp.progress.latest_year, tp.progress.latest, tp.n_units) == (2024, 159.0, 159)


# ---------------------------------------------------------------- completion table

def test_completion_table_per_unit_and_year_with_rank() -> None:
    rows = [(c, "2021", 2020, 0.0) for c in DN_2021]
    rows += [(c, "2021", 2021, 0.0) for c in DN_2021]
    obs = _obs(rows)
    obs.loc[obs["unit_code"] == "26098", "value"] = [100.0, 84.0]  # due 84 → 100 %
    obs.loc[obs["unit_code"] == "26119", "value"] = [50.0, 46.0]  # due 42 → 50 %
    table = completion_table(phase_progress(obs, [P1], "2021-2025"), [P1])
    got = table.set_index("unit_code").loc[["26098", "26119"]]
    assert got["due"].tolist() == pytest.approx([84.0, 42.0])
    assert got["completion_pct"].tolist() == pytest.approx([100.0, 50.0])
    assert got["rank"].tolist() == [1, 2]
    assert got["status"].tolist() == ["on_track", "behind"]
    # baseline 0: nothing was due, completion undefined
    assert table.set_index("unit_code")["completion_pct"].isna().sum() == 168


def test_preloaded_targets_cite_the_plan() -> None:
    targets = {t.key: t for t in default_targets()}
    dn = targets["dn-2021-2025"]
    assert (dn.reduction_pct, dn.annual_min_pct, dn.annual_max_pct, dn.territory, dn.path) == (
        80.0, 10.0, 20.0, "former_province:75", "linear")
    assert targets["dn-2026-2030"].reduction_pct == 85.0
    assert "60/KH-UBND" in dn.source
    assert not targets["bp-2021-2025"].enabled
    assert "24/2021/QH15" in targets["nq24-2021-2025"].source


# ---------------------------------------------------------------- CLI on the demo data

def _povmap(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POVMAP_DATA_DIR": str(data_dir),
           "POVMAP_GEODATA": str(data_dir / "no-geodata-here")}
    return subprocess.run([sys.executable, "-c", "from povmap.cli import main; main()", *args],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
                          check=False)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the demo data (``povmap demo``)."""
    data = tmp_path_factory.mktemp("progress") / "data"
    done = _povmap(data, "demo")
    assert done.returncode == 0, done.stderr
    return data


def test_cli_progress_lists_every_unit_of_the_territory_and_the_total(demo_dir: Path) -> None:
    done = _povmap(demo_dir, "progress", "--phase", "2021-2025", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    codes = [u["unit_code"] for u in doc["units"]]
    assert sorted(codes) == sorted(DN_2021)
    assert all(u["status"] in {"met", "on_track", "behind", "missed", "insufficient_data"}
               for u in doc["units"])
    assert {"unit_code", "baseline", "latest", "reduction_pct", "status"} <= set(doc["units"][0])
    # the demo has no end-2020 review: the baseline is end-2021, and it says so
    assert doc["baseline_year"] == 2021
    assert "cuối năm 2020" in doc["baseline_note"]["vi"]
    total = doc["territory"]
    obs = Store(demo_dir / "povmap.gpkg").read_sql(
        "SELECT unit_code, value FROM observations WHERE year=2021 AND indicator='poor_a' "
        "AND boundary_version='2021'").set_index("unit_code")["value"]
    assert total["baseline"] == pytest.approx(float(obs.reindex(DN_2021).sum()))
    assert total["missing_units"] == []
    assert total["latest_year"] == 2025
    assert doc["demo"] is True


def test_cli_progress_one_unit_current_geography_and_phase_two(demo_dir: Path) -> None:
    done = _povmap(demo_dir, "progress", "--phase", "2026-2030", "--geography", "current",
                   "--unit", "26098", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert [u["unit_code"] for u in doc["units"]] == ["26098"]
    assert doc["territory"]["n_units"] == 95
    bad = _povmap(demo_dir, "progress", "--phase", "2021-2025", "--unit", "25195")
    assert bad.returncode == 2
    assert "không thuộc địa bàn" in bad.stderr


def test_further_rate_target_is_territory_wide_and_in_points() -> None:
    nq24 = Target("nq24", "2021-2025", kind="rate_points", indicator="poor_national_rate",
                  points_per_year=1.0, baseline_year=2020, territory="all")
    all_2021 = registry().units("2021", "commune")["code"].tolist()
    rows = [(c, "2021", 2020, 10.0) for c in DN_2021]
    rows += [(c, "2021", 2022, 6.0) for c in DN_2021]
    obs = _obs(rows)
    rates = pd.concat([
        _obs([(c, "2021", y, v) for c in all_2021 for y, v in ((2020, 6.0), (2022, 3.0))],
             "poor_national"),
        _obs([(c, "2021", y, 100.0) for c in all_2021 for y in (2020, 2022)],
             "total_households")])
    pp = phase_progress(pd.concat([obs, rates]), [P1, nq24], "2021-2025")
    assert len(pp.units) == 170  # the rate target adds no unit rows
    tp = pp.territories[1]
    # 6 % → 3 %: down 3 points in 2 years, due 6 − 2 × 1 = 4 → on track
    assert (tp.progress.baseline, tp.progress.latest) == (6.0, 3.0)
    assert (tp.progress.due_now, tp.progress.status) == (4.0, "on_track")
    assert headline(tp) == ("Tỷ lệ hộ nghèo (chuẩn quốc gia) giảm 3,00 điểm % so với cuối "
                            "năm 2020 — mục tiêu 1 điểm %/năm")
