"""Year-end report workbook: totals, print layout, and export → import round trip."""

from __future__ import annotations

import random
import shutil

import openpyxl
import pandas as pd
import pytest
from export_factories import ARTEFACTS, provenance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from povcore.config import settings as povmap_settings
from povcore.errors import PovmapError
from povcore.units import registry, review_version
from povexport.report import COUNT_KEYS, columns, report_bytes, report_table
from povmap.importing import import_file
from povstore.queries import observations as read_observations
from povstore.store import Store

FIRST_ROW = 12  # title rows 1–7, header rows 8–10, numbering row 11


def random_obs(year: int, version: str, seed: int, missing: int = 2) -> pd.DataFrame:
    """Plausible counts for every unit of ``version`` but ``missing`` of them."""
    rng = random.Random(seed)
    codes = sorted(registry("75").units(version, "commune")["code"].astype(str))
    absent = set(rng.sample(codes, missing))
    rows = []
    for code in codes:
        if code in absent:
            continue
        total = rng.randint(200, 6000)
        a, b = rng.randint(0, total // 40), rng.randint(0, total // 40)
        values = {"total_households": total, "poor": a + b, "poor_a": a, "poor_b": b,
                  "near_poor": rng.randint(0, total // 30),
                  "poor_em_head": rng.randint(0, a + b), "escaped": rng.randint(0, 30),
                  "fell_back": rng.randint(0, 3), "newly_poor": rng.randint(0, 9)}
        rows += [(code, version, year, k, float(v)) for k, v in values.items()]
    return pd.DataFrame(rows, columns=["unit_code", "boundary_version", "year", "indicator",
                                       "value"])


def _sheet(obs, year, version=None, demo=False, crosswalks=None):
    table = report_table(obs, year, version, crosswalks)
    data = report_bytes(table, provenance(demo=demo, version=table.version))
    path = ARTEFACTS / f"report_{year}_{table.version}.xlsx"
    ARTEFACTS.mkdir(exist_ok=True)
    path.write_bytes(data)
    return openpyxl.load_workbook(path).active, table, path


def _rows(ws):
    """(row number, STT, code, name, values by column letter) for every table row."""
    out = []
    for r in range(FIRST_ROW, ws.max_row + 1):
        stt, code, name = (ws.cell(r, c).value for c in (1, 2, 3))
        if name is None or str(name).startswith("Ghi chú"):
            break
        out.append((r, stt, code, name))
    return out


def test_total_row_equals_the_sum_of_unit_rows():
    from geodata.crosswalk import build_crosswalk

    obs = pd.concat([random_obs(2023, "2021", seed=6), random_obs(2024, "2024", seed=7)])
    ws, table, _ = _sheet(obs, 2024, crosswalks={("2021", "2024"): build_crosswalk(
        "2021", "2024").weights})
    assert "quy đổi" in table.previous_note
    rows = _rows(ws)
    total_row, units = rows[0], [r for r in rows if str(r[1]).isdigit()]
    assert (total_row[2], total_row[3]) == ("75", "TỔNG CỘNG TOÀN TỈNH")
    assert len(units) == 270
    cols = columns(2024)
    for j, col in enumerate(cols, start=4):
        if col.rate:
            continue
        parts = [ws.cell(r, j).value for r, *_ in units if ws.cell(r, j).value is not None]
        assert len(parts) >= 260, col.key
        assert ws.cell(total_row[0], j).value == pytest.approx(sum(parts), abs=1e-6), col.key
    poor, total = (ws.cell(total_row[0], 4 + [c.key for c in cols].index(k)).value
                   for k in ("poor", "total_households"))
    assert ws.cell(total_row[0], 6).value == pytest.approx(poor / total * 100)


def test_district_rows_are_the_sum_of_their_communes():
    ws, _table, _ = _sheet(random_obs(2022, "2021", seed=3), 2022)
    rows = _rows(ws)
    sections = [i for i, r in enumerate(rows) if r[1] and not str(r[1]).isdigit()]
    assert len(sections) == 22  # every district of 2021, numbered I … XXII
    assert rows[sections[-1]][1] == "XXII"
    for start, end in zip(sections, [*sections[1:], len(rows)], strict=True):
        r0 = rows[start][0]
        members = [r for r, *_ in rows[start + 1:end]]
        parts = [ws.cell(r, 5).value for r in members if ws.cell(r, 5).value is not None]
        assert ws.cell(r0, 5).value == sum(parts)


def test_layout_is_ready_to_print():
    ws, _table, path = _sheet(random_obs(2025, "2025", seed=1), 2025, demo=True)
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4 in the OOXML paper-size table
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$8:$11"
    assert ws["A4"].value == "BÁO CÁO KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO CUỐI NĂM 2025"
    assert ws["A6"].value.startswith("DỮ LIỆU MINH HỌA")
    assert ws["A1"].value == "UBND THÀNH PHỐ ĐỒNG NAI"
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "E8:H8" in merged  # "Hộ nghèo (chuẩn tỉnh)" over 4 columns
    assert "G9:H9" in merged  # "Trong đó" over A and B
    assert ws["E8"].value == "Hộ nghèo (chuẩn tỉnh)"
    assert [ws.cell(11, c).value for c in (1, 2, 15)] == ["(1)", "(2)", "(15)"]
    groups = [r for r in _rows(ws) if r[1] in ("I", "II")]
    assert [g[3] for g in groups] == ["Thành thị", "Nông thôn"]
    texts = [ws.cell(r, c).value for r in range(1, ws.max_row + 1) for c in (2, 8)]
    assert "NGƯỜI LẬP BIỂU" in texts
    assert "THỦ TRƯỞNG ĐƠN VỊ" in texts
    assert "Đồng Nai, ngày 27 tháng 11 năm 2026" in texts
    shutil.copy(path, ARTEFACTS / "report_demo_2025.xlsx")


def test_unknown_year_or_version_is_an_error_naming_what_exists():
    obs = random_obs(2025, "2025", seed=1)
    with pytest.raises(PovmapError, match="Năm có số liệu / years with data: 2025"):
        report_table(obs, 2024)
    with pytest.raises(PovmapError, match="Có / available: 2025"):
        report_table(obs, 2025, "2024")


def _imported(tmp, report_path, year, version):
    cfg = povmap_settings({"POVMAP_DATA_DIR": str(tmp / "fresh"),
                           "POVMAP_GEODATA": str(tmp / "none")})
    explicit = None if version == review_version(year).key else version
    doc = import_file(report_path, None, explicit, cfg=cfg)
    assert doc["status"] == "imported", doc.get("errors")
    return read_observations(Store(cfg.store_path)), doc


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from([(2022, "2021"), (2023, "2024"), (2024, "2024"), (2025, "2025"),
                             (2026, "2025")]),
       seed=st.integers(0, 10_000), missing=st.integers(0, 3))
def test_export_then_import_gives_back_every_value(tmp_path_factory, case, seed, missing):
    year, version = case
    obs = random_obs(year, version, seed, missing)
    table = report_table(obs, year, version)
    path = tmp_path_factory.mktemp("rt") / f"bao_cao_{year}.xlsx"
    path.write_bytes(report_bytes(table, provenance(version=version)))
    back, doc = _imported(path.parent, path, year, version)
    assert doc["years"] == [year]
    assert doc["boundary_versions"] == [version]
    key = ["unit_code", "boundary_version", "year", "indicator"]
    want = obs.sort_values(key).reset_index(drop=True)
    got = back.sort_values(key).reset_index(drop=True)
    assert len(got) == len(want) == (len(table.units) - missing) * len(COUNT_KEYS)
    pd.testing.assert_frame_equal(got[[*key, "value"]], want[[*key, "value"]],
                                  check_dtype=False)
    warnings = [w["message"] for w in doc["warnings"]]
    unreported = [w for w in warnings if "không có số liệu nào" in w]
    assert len(unreported) == missing, warnings
    assert all("Tăng (+), giảm (−)" in w for w in warnings if w not in unreported), warnings
