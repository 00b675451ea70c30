"""Property: any table written through the usual phrasings, layouts and encodings imports
to exactly the numbers written (read back from the store with ``values_document``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from povcore.config import settings as povmap_settings
from povmap.importing import import_file, values_document
from tests.fixtures_workbooks import (
    Table,
    legacy_table,
    write_csv,
    write_ods,
    write_xls,
    write_xlsx,
)

# 2024 units whose names are unique in the province (code → name as officers write it).
UNITS = {"25396": "Thị trấn Đức Phong", "25399": "Xã Đak Nhau", "25402": "Xã Thọ Sơn",
         "25405": "Xã Bom Bo", "25411": "Xã Đoàn Kết", "25417": "Xã Đức Liễu",
         "26134": "Xã Phú Lập", "26131": "Xã Tà Lài", "26164": "Xã Trà Cổ",
         "26122": "Xã Nam Cát Tiên"}
PHRASES = {
    "total_households": ["Tổng số hộ", "Tổng số hộ dân cư trên địa bàn", "Số hộ dân cư",
                         "TỔNG SỐ HỘ (hộ)"],
    "poor": ["Số hộ nghèo", "Hộ nghèo", "Số hộ nghèo cuối năm", "HN"],
    "poor_a": ["Hộ nghèo A", "Hộ nghèo thuộc nhóm A (có lao động)", "HN nhóm A",
               "Hộ nghèo có khả năng lao động"],
    "poor_b": ["Hộ nghèo B", "Hộ nghèo thuộc nhóm B (không có lao động)", "HN nhóm B",
               "Hộ nghèo không có khả năng lao động"],
    "near_poor": ["Hộ cận nghèo", "Số hộ cận nghèo", "HCN", "Số hộ cận nghèo cuối năm 2024"],
}
GROUPED = {"poor": "Tổng số", "poor_a": "Nhóm A", "poor_b": "Nhóm B"}
FORMATS = ["xlsx", "xls", "csv", "csv1258", "ods", "tcvn3", "vni"]


@st.composite
def tables(draw: st.DrawFn) -> tuple[Table, str, dict[str, dict[str, float]]]:
    codes = draw(st.lists(st.sampled_from(sorted(UNITS)), min_size=1, max_size=6, unique=True))
    keys = ["total_households", "poor", "poor_a", "poor_b", "near_poor"]
    order = draw(st.permutations(keys))
    grouped = draw(st.booleans())
    values: dict[str, dict[str, float]] = {k: {} for k in keys}
    for code in codes:
        a, b = draw(st.integers(0, 60)), draw(st.integers(0, 60))
        values["poor_a"][code], values["poor_b"][code] = float(a), float(b)
        values["poor"][code] = float(a + b)
        values["near_poor"][code] = float(draw(st.integers(0, 200)))
        values["total_households"][code] = float(draw(st.integers(a + b + 300, 9000)))
    if grouped:
        order = [k for k in order if k not in GROUPED] + ["poor", "poor_a", "poor_b"]
    phrase = {k: draw(st.sampled_from(PHRASES[k])) for k in keys}
    top: list[object] = ["STT", "Tên đơn vị"]
    sub: list[object] = [None, None]
    for k in order:
        if grouped and k in GROUPED:
            top.append("Hộ nghèo" if k == "poor" else None)
            sub.append(GROUPED[k])
        else:
            top.append(phrase[k])
            sub.append(None)
    header = [top, sub] if grouped else [top]
    rows: list[list[object]] = [[i + 1, UNITS[c], *(int(values[k][c]) for k in order)]
                                for i, c in enumerate(codes)]
    numbering = list(range(1, len(top) + 1)) if draw(st.booleans()) else None
    footer = [[None, "NGƯỜI LẬP BIỂU", None, "CHỦ TỊCH"]] if draw(st.booleans()) else []
    start = 2 + len(order) - 3  # first column of the poor group (0-based)
    letters = "ABCDEFGHIJ"
    centred = [f"{letters[start]}1:{letters[start + 2]}1"] if grouped else []
    table = Table(title=[["KẾT QUẢ RÀ SOÁT HỘ NGHÈO NĂM 2024"]], header=header,
                  centred=centred, numbering=numbering, rows=rows, footer=footer)
    return table, draw(st.sampled_from(FORMATS)), values


def _write(d: Path, table: Table, fmt: str) -> Path:
    if fmt == "csv":
        return write_csv(d / "t.csv", table)
    if fmt == "csv1258":
        return write_csv(d / "t.csv", table, encoding="cp1258", sep=";")
    if fmt == "ods":
        return write_ods(d / "t.ods", table)
    if fmt == "xls":
        return write_xls(d / "t.xls", table)
    if fmt in ("tcvn3", "vni"):
        return write_xlsx(d / "t.xlsx", legacy_table(table, fmt.upper()))
    return write_xlsx(d / "t.xlsx", table)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables())
def test_written_numbers_come_back(case: tuple[Table, str, dict[str, dict[str, float]]]) -> None:
    table, fmt, values = case
    with tempfile.TemporaryDirectory() as name:
        d = Path(name)
        cfg = povmap_settings({"POVMAP_DATA_DIR": str(d / "data"),
                               "POVMAP_GEODATA": str(d / "nogeo")})
        doc = import_file(_write(d, table, fmt), cfg=cfg)
        assert doc["status"] == "imported", (fmt, doc.get("errors"))
        for key, expected in values.items():
            assert values_document(2024, key, "2024", cfg=cfg)["values"] == expected, key
