from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from loaders.values import ParsedImport, read_values
from povmap.demo import DEMO_LABEL, write_demo_workbooks

ANCHORS_2020 = {"poor": 3718, "poor_a": 209, "poor_b": 3509, "near_poor": 3422,
                "poor_national": 1710, "near_poor_national": 1259, "poor_em_head": 358}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[int, ParsedImport]:
    files = write_demo_workbooks(tmp_path_factory.mktemp("demo"))
    assert [(f.year, f.boundary_version) for f in files] == [
        (2021, "2021"), (2022, "2021"), (2023, "2021"), (2024, "2024"), (2025, "2025"),
        (2026, "2025")]
    return {f.year: read_values(f.path) for f in files}


def totals(parsed: ParsedImport, old_dong_nai: bool | None = None) -> pd.Series:
    v = parsed.values
    if old_dong_nai is not None:
        v = v[(v["unit_code"] >= "25900") == old_dong_nai]
    return v.groupby("indicator")["value"].sum()


def test_every_demo_parses_without_issues(demo: dict[int, ParsedImport]) -> None:
    for parsed in demo.values():
        assert parsed.report.issues == []


@pytest.mark.parametrize(("year", "n"), [(2021, 281), (2022, 281), (2023, 281), (2024, 270),
                                         (2025, 95), (2026, 95)])
def test_unit_counts(demo: dict[int, ParsedImport], year: int, n: int) -> None:
    assert demo[year].values["unit_code"].nunique() == n
    assert demo[year].n_rows == n
    assert set(demo[year].values["year"]) == {year}


def test_2021_close_to_2020_anchors(demo: dict[int, ParsedImport]) -> None:
    dn = totals(demo[2021], old_dong_nai=True)
    for key, anchor in ANCHORS_2020.items():
        assert 0.7 * anchor <= dn[key] <= 1.3 * anchor, key
    assert 800_000 <= dn["total_households"] <= 1_000_000
    bp = totals(demo[2021], old_dong_nai=False)
    assert 250_000 <= bp["total_households"] <= 320_000
    assert bp["poor"] / bp["total_households"] > 3 * dn["poor"] / dn["total_households"]


def test_internal_consistency(demo: dict[int, ParsedImport]) -> None:
    for parsed in demo.values():
        wide = parsed.values.pivot_table(index="unit_code", columns="indicator",
                                         values="value")
        assert (wide["poor_a"] + wide["poor_b"] == wide["poor"]).all()
        assert (wide["poor"] <= wide["total_households"]).all()
        assert (parsed.values["value"] % 1 == 0).all()


def test_poor_a_declines_and_totals_move_smoothly(demo: dict[int, ParsedImport]) -> None:
    years = sorted(demo)
    poor_a = [totals(demo[y])["poor_a"] for y in years]
    households = [totals(demo[y])["total_households"] for y in years]
    for before, after in itertools.pairwise(poor_a):
        assert 0.75 * before <= after <= 0.95 * before
    for before, after in itertools.pairwise(households):
        assert before < after < 1.03 * before


def test_poorer_districts(demo: dict[int, ParsedImport]) -> None:
    v = demo[2021].values
    def rate(prefix_codes: set[str]) -> float:
        from povcore.units import registry
        units = registry("75").units("2021", "commune")
        codes = set(units[units["parent_code"].isin(prefix_codes)]["code"])
        s = v[v["unit_code"].isin(codes)].groupby("indicator")["value"].sum()
        return float(s["poor"] / s["total_households"])
    assert rate({"734"}) > 2 * rate({"731"})
    assert rate({"736"}) > 2 * rate({"731"})
    assert rate({"692", "693"}) > rate({"734"})


def test_label_and_determinism(tmp_path: Path, demo: dict[int, ParsedImport]) -> None:
    a = write_demo_workbooks(tmp_path / "a")
    b = write_demo_workbooks(tmp_path / "b")
    for fa, fb in zip(a, b, strict=True):
        assert fa.path.read_bytes() == fb.path.read_bytes()
    pd.testing.assert_frame_equal(read_values(a[0].path).values, demo[2021].values)
    ws = load_workbook(a[4].path).active
    assert ws is not None
    assert "DỮ LIỆU MINH HỌA" in str(ws["A1"].value)
    assert DEMO_LABEL in str(ws["A2"].value)
    other = write_demo_workbooks(tmp_path / "c", seed=7)
    assert read_values(other[0].path).values["value"].sum() != demo[2021].values["value"].sum()


def _unit_rows(path: Path) -> dict[str, tuple[int, int, int]]:
    """Code → (total households, poor, poor A) read straight from a 2025-version workbook."""
    ws = load_workbook(path, read_only=True).active
    assert ws is not None
    return {str(r[1]): (int(r[3]), int(r[4]), int(r[6]))  # B code, D total, E poor, G poor A
            for r in ws.iter_rows(values_only=True)
            if isinstance(r[1], str) and r[1].isdigit() and len(r[1]) == 5}


POCKETS_2026 = {"25222", "25225", "25294", "25309", "25399", "25420"}


def test_ethnic_minority_border_pockets_are_poor_a_above_5_percent(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    files = {f.year: f.path for f in write_demo_workbooks(tmp_path_factory.mktemp("pockets"))}
    for year, low, high in ((2025, 6.0, 7.0), (2026, 5.4, 6.3)):
        rows = _unit_rows(files[year])
        assert len(rows) == 95
        rate_a = {c: 100 * a / t for c, (t, _p, a) in rows.items()}
        assert {c for c, r in rate_a.items() if r >= 5} == POCKETS_2026, year
        assert all(low <= rate_a[c] <= high for c in POCKETS_2026), year
        # old Đồng Nai stays very low (end-2020 anchor 209 poor-A households of ~900,000)
        assert max(r for c, r in rate_a.items() if c >= "25900") < 0.1
    rows = _unit_rows(files[2026])
    for code in POCKETS_2026:
        total, poor, poor_a = rows[code]
        assert 7.0 <= 100 * poor / total <= 8.5, code
        assert poor_a > poor / 2, code  # poor A the larger part of the poor there
