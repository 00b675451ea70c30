"""Filter, priority index and budget allocation; demo agreement of CLI and XLSX."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from analysis.priority import (
    AllocationRule,
    Condition,
    Filter,
    Weight,
    allocate,
    default_allocation,
    default_weights,
    parse_filter,
    parse_weights,
    priority_index,
)
from povcore.errors import PovmapError


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "name": ["Xã A", "Xã B", "Xã C", "Xã D"],
        "poor_a_rate": [6.0, 4.0, 9.0, 5.0],
        "share_flood": [0.3, 0.0, 0.0, 0.0],
        "share_special_use_forest": [0.0, 0.6, 0.2, 0.0],
        "em_commune": [1.0, 1.0, 0.0, 1.0],
        "poor_a": [60.0, 40.0, 90.0, 10.0],
        "status": ["chậm", "đạt", None, "chậm"],
    }, index=pd.Index(["1", "2", "3", "4"], name="unit_code"))


# --------------------------------------------------------------------------- filter


def test_filter_and_of_ors() -> None:
    flt = parse_filter(["poor_a_rate>=5", "share_flood>0 | share_special_use_forest>0",
                        "em_commune==1"])
    assert list(flt.mask(_frame())[lambda m: m].index) == ["1"]
    assert flt.text() == ("poor_a_rate>=5 AND (share_flood>0 OR share_special_use_forest>0) "
                          "AND em_commune==1")
    assert Filter.from_list(flt.to_list()) == flt


def test_filter_or_only_and_text_status() -> None:
    flt = parse_filter(["poor_a_rate>8 | status==Chậm"])
    assert list(flt.mask(_frame())[lambda m: m].index) == ["1", "3", "4"]
    assert list(Filter().mask(_frame())) == [True] * 4


def test_status_condition_takes_keys_and_labels_in_both_languages() -> None:
    for text in ("status==behind", "status==chậm", "status==CHAM", "status=Chậm"):
        flt = parse_filter([text])
        assert flt.text() == "status==behind"
        assert list(flt.mask(_frame())[lambda m: m].index) == ["1", "4"]
    assert list(parse_filter(["status!=on track"]).mask(_frame())) == [True, True, False, True]
    with pytest.raises(PovmapError) as err:
        parse_filter(["status==slow"])
    assert "behind (chậm)" in err.value.describe()
    with pytest.raises(PovmapError, match="== hoặc !="):
        parse_filter(["status>=behind"])


def test_criteria_frame_carries_status_and_its_flag() -> None:
    from analysis.priority import criteria_frame

    obs = pd.DataFrame(columns=["unit_code", "boundary_version", "year", "indicator", "value"])
    statuses = pd.Series({"25222": "behind", "25225": "met", "26134": "missed",
                          "25217": "insufficient_data"})
    frame = criteria_frame(obs.astype({"year": int, "value": float}), 2026, None,
                           statuses=statuses)
    assert len(frame) == 95
    assert frame.loc[["25222", "25225", "26134", "25217"], "status"].tolist() == [
        "behind", "met", "missed", "insufficient_data"]
    flags = frame["status_behind"]
    assert flags.loc[["25222", "25225", "26134"]].tolist() == [1.0, 0.0, 1.0]
    assert flags.isna().sum() == 92  # no status, or insufficient data: no flag
    assert parse_filter(["status_behind==1"]).mask(frame).sum() == 2


def test_phase_of_the_data_year() -> None:
    from analysis.priority import phase_of_year

    assert [phase_of_year(y) for y in (2020, 2021, 2025, 2026, 2030, 2031)] == [
        None, "2021-2025", "2021-2025", "2026-2030", "2026-2030", None]


def test_missing_value_never_matches() -> None:
    f = _frame().assign(poor_a_rate=[None, 4.0, 9.0, 5.0])
    assert list(Filter(((Condition("poor_a_rate", "<", 100.0),),)).mask(f)) == [
        False, True, True, True]


def test_bad_condition_names_valid_keys() -> None:
    with pytest.raises(PovmapError, match="share_special_use_forest"):
        parse_filter(["forest>0"])
    with pytest.raises(PovmapError, match=r"e\.g\. poor_a_rate>=5"):
        parse_filter(["poor_a_rate about 5"])


# --------------------------------------------------------------------------- ranking


def test_ranking_changes_as_documented_when_a_weight_changes() -> None:
    f = _frame()
    only_rate = {"poor_a_rate": Weight("poor_a_rate", 1.0)}
    # Rate only: 9 > 6 > 5 > 4 → C, A, D, B.
    assert priority_index(f, only_rate).rank.to_dict() == {"1": 2, "2": 4, "3": 1, "4": 3}
    # Add forest with weight 1: B = (0 + 1)/2 = 0.5, C = (1 + 1/3)/2 = 0.667, A = (0.4 + 0)/2.
    both = {**only_rate, "share_special_use_forest": Weight("share_special_use_forest", 1.0)}
    r = priority_index(f, both)
    assert r.score.round(4).to_dict() == {"1": 0.2, "2": 0.5, "3": 0.6667, "4": 0.1}
    assert r.rank.to_dict() == {"1": 3, "2": 2, "3": 1, "4": 4}
    # Forest weight 3: B = 3/4 = 0.75 overtakes C = (1 + 1)/4 = 0.5.
    heavy = {**both, "share_special_use_forest": Weight("share_special_use_forest", 3.0)}
    assert priority_index(f, heavy).rank.to_dict() == {"1": 3, "2": 1, "3": 2, "4": 4}


def test_reverse_weight_and_constant_criterion() -> None:
    f = _frame().assign(flat=1.0)
    r = priority_index(f, {"poor_a_rate": Weight("poor_a_rate", 1.0, reverse=True)})
    assert r.rank.to_dict() == {"1": 3, "2": 1, "3": 4, "4": 2}
    with pytest.raises(PovmapError, match="at least one weight"):
        priority_index(f, {"poor_a_rate": Weight("poor_a_rate", 0.0)})


def test_defaults_are_documented_data() -> None:
    weights = default_weights()
    assert weights["poor_a_rate"].weight == 4.0
    rule = default_allocation()
    assert rule.coefficients["poor_a"] == 1.0
    assert (rule.min_per_unit, rule.max_per_unit) == (0, None)
    with pytest.raises(PovmapError, match="weight"):
        parse_weights('[[criteria]]\nkey = "poor_a_rate"\nweight = -1\n')


# --------------------------------------------------------------------------- allocation


def test_allocation_example_with_bounds() -> None:
    f = _frame()
    rule = AllocationRule({"poor_a": 1.0}, min_per_unit=100, max_per_unit=400)
    amounts = allocate(1000, f, rule).amount
    # Points 60, 40, 90, 10; λ = 5: A 300, B 200, C 450 → capped at 400, D 50 → raised to 100.
    assert amounts.to_dict() == {"1": 300, "2": 200, "3": 400, "4": 100}


def test_largest_remainder_rounding() -> None:
    f = pd.DataFrame({"poor_a": [1.0, 1.0, 1.0]}, index=["a", "b", "c"])
    assert allocate(100, f, AllocationRule({"poor_a": 1.0})).amount.to_dict() == {
        "a": 34, "b": 33, "c": 33}
    g = pd.DataFrame({"poor_a": [2.0, 3.0, 5.0]}, index=["a", "b", "c"])
    # 1.4, 2.1, 3.5 → floors 1, 2, 3 (6); the 7th đồng goes to the largest remainder (c).
    assert allocate(7, g, AllocationRule({"poor_a": 1.0})).amount.to_dict() == {
        "a": 1, "b": 2, "c": 4}


def test_allocation_rejects_impossible_bounds() -> None:
    f = _frame()
    with pytest.raises(PovmapError, match="minimum"):
        allocate(300, f, AllocationRule({"poor_a": 1.0}, min_per_unit=100))
    with pytest.raises(PovmapError, match="maximum"):
        allocate(1000, f, AllocationRule({"poor_a": 1.0}, max_per_unit=200))
    with pytest.raises(PovmapError, match="no unit"):
        allocate(1000, f.iloc[:0], AllocationRule({"poor_a": 1.0}))


@st.composite
def _cases(draw: st.DrawFn) -> tuple[list[float], int, int, int | None]:
    points = draw(st.lists(st.one_of(st.just(0.0), st.floats(0, 1e6)), min_size=1,
                           max_size=30))
    n = len(points)
    lo = draw(st.integers(0, 10**9))
    hi = draw(st.one_of(st.none(), st.integers(lo, lo + 10**10)))
    top = n * hi if hi is not None else n * lo + 10**12
    budget = draw(st.integers(n * lo, top))
    return points, budget, lo, hi


# No overflow on the way either (points near the smallest float once gave inf · 0 = nan).
@pytest.mark.filterwarnings("error::RuntimeWarning")
@settings(max_examples=300, deadline=None)
@given(case=_cases())
def test_allocation_sums_exactly_and_respects_bounds(
        case: tuple[list[float], int, int, int | None]) -> None:
    points, budget, lo, hi = case
    frame = pd.DataFrame({"poor_a": points}, index=[str(i) for i in range(len(points))])
    amounts = allocate(budget, frame, AllocationRule({"poor_a": 1.0}, lo, hi)).amount
    assert all(isinstance(v, int) for v in amounts.tolist())
    assert sum(amounts.tolist()) == budget
    assert amounts.min() >= lo
    if hi is not None:
        assert amounts.max() <= hi
    # More points never means less money (proportionality within bounds, ±1 đồng rounding).
    order = sorted(range(len(points)), key=lambda i: points[i])
    ordered = [int(amounts.iloc[i]) for i in order]
    assert all(b >= a - 1 for a, b in itertools.pairwise(ordered))


# --------------------------------------------------------------------------- demo, CLI, XLSX

# The plan's example (issue #11): poor-A rate ≥ 5 %, in a flood zone or a special-use
# forest, ethnic-minority commune.
DEMO_WHERE = ["poor_a_rate>=5", "share_flood>0|share_special_use_forest>0", "em_commune==1"]
# End-2026 demo workbook (demo_ra_soat_2026.xlsx, read by hand): poor-A households and
# total households of the six units with a poor-A rate of 5 % or more.
DEMO_POOR_A_2026 = {"25222": (80, 1405),   # Bù Gia Mập 5.69 %, in Bù Gia Mập park
                    "25225": (177, 2854),  # Đăk Ơ 6.20 %, in Bù Gia Mập park
                    "25294": (246, 4195),  # Lộc Thành 5.86 %, no zone
                    "25309": (288, 4946),  # Hưng Phước 5.82 %, no zone
                    "25399": (164, 3002),  # Đak Nhau 5.46 %, no zone
                    "25420": (394, 7245)}  # Phước Sơn 5.44 %, in Cát Tiên's Bình Phước part


def _povmap(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from povmap.cli import main; main()", *args],
                          env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory, shared_geodata: Path) -> dict[str, str]:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root),
           "POVMAP_DATA_DIR": str(tmp_path_factory.mktemp("demo")),
           "POVMAP_GEODATA": str(shared_geodata)}
    proc = _povmap(env, "demo", "--json")
    assert proc.returncode == 0, proc.stderr
    return env


def test_demo_filter_cli_and_xlsx_agree(demo_env: dict[str, str], tmp_path: Path) -> None:
    wheres = [a for w in DEMO_WHERE for a in ("--where", w)]
    xlsx = tmp_path / "phan_bo.xlsx"
    proc = _povmap(demo_env, "allocate", "--budget", "20000000000", *wheres, "--xlsx",
                   str(xlsx), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    codes = [u["unit_code"] for u in doc["units"]]
    assert sorted(codes) == ["25222", "25225", "25420"]
    assert doc["budget"] == 20_000_000_000
    assert sum(u["amount_vnd"] for u in doc["units"]) == 20_000_000_000
    assert all(isinstance(u["amount_vnd"], int) for u in doc["units"])
    assert doc["label"] == "Dữ liệu minh họa"

    ranked = json.loads(_povmap(demo_env, "rank", *wheres, "--json").stdout)
    assert [u["unit_code"] for u in ranked["units"]] == codes

    wb = load_workbook(xlsx)
    rows = list(wb["Kết quả"].iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "Hạng / Rank"))
    body = [r for r in rows[header + 1:] if r[1]]
    assert [r[1] for r in body] == codes
    assert [r[4] for r in body] == [u["amount_vnd"] for u in doc["units"]]
    settings_sheet = {r[0]: r[1] for r in wb["Thiết lập"].iter_rows(values_only=True) if r}
    assert settings_sheet["Bộ lọc / Filter"] == doc["filter"]
    assert settings_sheet["Ngân sách (đồng) / Budget (đồng)"] == 20_000_000_000
    assert settings_sheet["Ngày dữ liệu (lần nhập cuối) / Data date (last import)"] == \
        doc["data_date"]


def test_readme_example_question_has_its_answer_on_the_demo(demo_env: dict[str, str]) -> None:
    for code, (poor_a, total) in DEMO_POOR_A_2026.items():
        for key, expected in (("poor_a", poor_a), ("total_households", total)):
            doc = json.loads(_povmap(demo_env, "values", "--year", "2026", "--indicator", key,
                                     "--json").stdout)
            assert doc["values"][code] == expected, (code, key)
    poor_a_only = json.loads(_povmap(demo_env, "rank", "--where", "poor_a_rate>=5",
                                     "--json").stdout)
    assert sorted(u["unit_code"] for u in poor_a_only["units"]) == sorted(DEMO_POOR_A_2026)

    wheres = [a for w in DEMO_WHERE for a in ("--where", w)]
    ranked = json.loads(_povmap(demo_env, "rank", *wheres, "--json").stdout)
    assert ranked["year"] == 2026
    assert ranked["filter"] == ("poor_a_rate>=5 AND (share_flood>0 OR "
                                "share_special_use_forest>0) AND em_commune==1")
    assert sorted(u["unit_code"] for u in ranked["units"]) == ["25222", "25225", "25420"]
    proc = _povmap(demo_env, "allocate", "--budget", "20000000000", *wheres, "--json")
    assert proc.returncode == 0, proc.stderr
    allocated = json.loads(proc.stdout)
    amounts = {u["unit_code"]: u["amount_vnd"] for u in allocated["units"]}
    assert sorted(amounts) == ["25222", "25225", "25420"]
    assert sum(amounts.values()) == 20_000_000_000
    assert all(isinstance(a, int) and a > 0 for a in amounts.values())


def test_demo_status_filter_is_the_progress_engines_behind_list(
        demo_env: dict[str, str], tmp_path: Path) -> None:
    progress = json.loads(_povmap(demo_env, "progress", "--phase", "2026-2030",
                                  "--geography", "current", "--json").stdout)
    behind = sorted(u["unit_code"] for u in progress["units"] if u["status"] == "behind")
    assert 0 < len(behind) < 95
    xlsx = tmp_path / "cham.xlsx"
    proc = _povmap(demo_env, "allocate", "--budget", "1000000000", "--where", "status==behind",
                   "--xlsx", str(xlsx), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert sorted(u["unit_code"] for u in doc["units"]) == behind
    assert {u["status"] for u in doc["units"]} == {"behind"}
    assert doc["statuses"] == {"phase": "2026-2030", "geography": "current", "as_of": 2026,
                               "baseline_year": 2025, "note": None}
    vi = json.loads(_povmap(demo_env, "rank", "--where", "status==chậm", "--json").stdout)
    assert [u["unit_code"] for u in vi["units"]] == [u["unit_code"] for u in doc["units"]]

    rows = [r for r in load_workbook(xlsx)["Kết quả"].iter_rows(values_only=True)
            if r and isinstance(r[0], int)]
    assert sorted(r[1] for r in rows) == behind
    assert {r[5] for r in rows} == {"chậm (behind)"}
    settings_sheet = {r[0]: r[1] for r in load_workbook(xlsx)["Thiết lập"].iter_rows(
        values_only=True) if r}
    assert settings_sheet["Trạng thái tiến độ / Progress statuses"].startswith(
        "giai đoạn / phase 2026-2030")

    # an earlier data year: the phase containing it, on the reviews up to that year
    old = json.loads(_povmap(demo_env, "rank", "--year", "2023", "--where",
                             "status==on_track|status==behind", "--json").stdout)
    assert old["statuses"]["phase"] == "2021-2025"
    assert old["statuses"]["as_of"] == 2023
    assert old["units"]
    assert {u["status"] for u in old["units"]} <= {"on_track", "behind"}


def test_demo_zone_stats_cached_and_em_classes_carried(demo_env: dict[str, str]) -> None:
    first = json.loads(_povmap(demo_env, "zones", "stats", "--json").stdout)
    second = json.loads(_povmap(demo_env, "zones", "stats", "--json").stdout)
    assert second["cached"] is True
    assert first["units"] == second["units"]
    forest = {u["unit_code"]: u["share"] for u in first["units"]
              if u["zone_type"] == "special_use_forest"}
    assert forest["26134"] > 0.5  # Tà Lài inside Cát Tiên
    assert forest["25222"] > 0.3  # Bù Gia Mập
    # Phước Sơn: Cát Tiên's Bình Phước part, ≈ 4,469 ha of the unit's 386.9 km² ≈ 0.116
    assert 0.09 < forest["25420"] < 0.14
    assert all(0 <= u["share"] <= 1 for u in first["units"])
    again = json.loads(_povmap(demo_env, "demo", "--json").stdout)
    assert {z["status"] for z in again["zones"]["zones"]} == {"unchanged"}
    assert again["zones"]["area_classes"]["status"] == "unchanged"


# --------------------------------------------------------------------------- EM classes


def test_area_classes_carried_to_todays_units_through_the_crosswalk() -> None:
    from analysis.priority import area_classes

    rows = [("o1", "ethnic_region", 3.0), ("o1", "border_commune", 1.0),
            ("o1", "extremely_difficult_villages", 4.0), ("o1", "mountainous", 1.0),
            ("o1", "em_households", 60.0), ("o1", "total_households", 100.0),
            ("o2", "ethnic_region", 0.0), ("o2", "border_commune", 0.0),
            ("o2", "extremely_difficult_villages", 0.0), ("o2", "mountainous", 0.0),
            ("o2", "em_households", 5.0), ("o2", "total_households", 300.0),
            ("o3", "ethnic_region", 1.0), ("o3", "border_commune", 0.0),
            ("o3", "extremely_difficult_villages", 2.0), ("o3", "mountainous", 0.0),
            ("o3", "em_households", 10.0), ("o3", "total_households", 100.0)]
    # Three real 2021 communes stand for o1, o2, o3 (the registry must know them).
    o1, o2, o3 = "26119", "26122", "26125"
    codes = {"o1": o1, "o2": o2, "o3": o3}
    obs = pd.DataFrame([(codes[c], k, v) for c, k, v in rows],
                       columns=["unit_code", "indicator", "value"]).assign(
        boundary_version="2021", year=2021)
    # o1 and o2 merge into Đak Lua (26119); o3 is split 50/50 between Đak Lua and Tà Lài.
    weights = pd.DataFrame({"old_code": [o1, o2, o3, o3],
                            "new_code": ["26119", "26119", "26119", "26134"],
                            "weight": [1.0, 1.0, 0.5, 0.5]})
    out = area_classes(obs, {("2021", "2025"): weights})
    dak_lua, ta_lai = out.loc["26119"], out.loc["26134"]
    assert (dak_lua["ethnic_region"], dak_lua["border_commune"], dak_lua["em_commune"]) == (
        3.0, 1.0, 1.0)
    assert dak_lua["em_area_share"] == pytest.approx(1.5 / 2.5)  # o1 + half of o3 in a region
    assert dak_lua["extremely_difficult_villages"] == pytest.approx(5.0)
    assert dak_lua["em_households_rate"] == pytest.approx(70 / 450 * 100)
    assert (ta_lai["ethnic_region"], ta_lai["em_area_share"]) == (1.0, 1.0)
    assert pd.isna(out.loc["26068", "ethnic_region"])  # Biên Hòa: no data, not "no region"
