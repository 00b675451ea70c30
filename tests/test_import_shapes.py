"""Review files in the shapes officers really send (issue 8), through the real store.

Every good file is imported with :func:`povmap.importing.import_file` into a fresh store
and read back with :func:`povmap.importing.values_document`; every bad file is rejected
naming the row or unit and the problem, and leaves the store byte-for-byte unchanged.
Expected numbers are typed by hand below, not computed from the fixtures.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from povcore.config import Settings, settings
from povmap.importing import import_file, values_document
from tests.fixtures_workbooks import (
    Table,
    legacy_table,
    three_row_names,
    write_csv,
    write_ods,
    write_xls,
    write_xlsx,
)
from tests.fixtures_workbooks import build_workbook as build_simple

# --------------------------------------------------------------------------- Bù Đăng 2024

TITLE_BU_DANG: list[list[object]] = [
    ["UBND HUYỆN BÙ ĐĂNG", None, None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    [None, None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"],
    [],
    ["KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024"],
]
HEADER_MERGED: list[list[object]] = [
    ["STT", "Đơn vị (xã, thị trấn)", "Tổng số hộ dân cư trên địa bàn", "Hộ nghèo", None, None,
     None, "Hộ cận nghèo", None, "Ghi chú"],
    [None, None, None, "Số hộ nghèo cuối năm", "Tỷ lệ (%)",
     "Hộ nghèo thuộc nhóm A (có lao động)", "Hộ nghèo thuộc nhóm B (không có lao động)",
     "Số hộ", "Tỷ lệ (%)", None],
]
MERGES = ["A1:A2", "B1:B2", "C1:C2", "D1:G1", "H1:I1", "J1:J2"]
NUMBERING: list[object] = ["(1)", "(2)", "(3)", "(4)", "(5)=(4)/(3)", "(6)", "(7)", "(8)",
                           "(9)=(8)/(3)", "(10)"]
ROWS_BU_DANG: list[list[object]] = [
    [None, "Tổng cộng", 7700, 134, 1.74, 69, 65, 170, 2.21, None],
    [1, "Thị trấn Đức Phong", 3000, 30, 1.0, 10, 20, 45, 1.5, None],
    [2, "Xã Đak Nhau", 1500, 60, 4.0, 40, 20, 70, 4.67, "xã biên giới"],
    [3, "Phú Sơn", 1200, 24, 2.0, 14, 10, 30, 2.5, None],
    [4, "Bình Minh", 2000, 20, 1.0, 5, 15, 25, 1.25, None],
]
FOOTER_BU_DANG: list[list[object]] = [
    [None, None, None, None, None, None, "Bù Đăng, ngày 26 tháng 12 năm 2024"],
    [None, "NGƯỜI LẬP BIỂU", None, None, None, None, "CHỦ TỊCH"],
    [],
    [None, "Nguyễn Văn An", None, None, None, None, "Trần Thị Bình"],
]
# Typed by hand: the four Bù Đăng units (2024 codes) and their counts.
EXPECT_BU_DANG = {
    "total_households": {"25396": 3000.0, "25399": 1500.0, "25400": 1200.0, "25404": 2000.0},
    "poor": {"25396": 30.0, "25399": 60.0, "25400": 24.0, "25404": 20.0},
    "poor_a": {"25396": 10.0, "25399": 40.0, "25400": 14.0, "25404": 5.0},
    "poor_b": {"25396": 20.0, "25399": 20.0, "25400": 10.0, "25404": 15.0},
    "near_poor": {"25396": 45.0, "25399": 70.0, "25400": 30.0, "25404": 25.0},
}


def bu_dang(**changes: Any) -> Table:
    """The Bù Đăng district report of the issue, with some parts replaced."""
    base: dict[str, Any] = {"title": TITLE_BU_DANG, "header": HEADER_MERGED, "merges": MERGES,
                            "numbering": NUMBERING, "rows": ROWS_BU_DANG,
                            "footer": FOOTER_BU_DANG, "name": "Bù Đăng"}
    base.update(changes)
    return Table(**base)


# --------------------------------------------------------------------------- helpers


def cfg_for(tmp_path: Path) -> Settings:
    return settings({"POVMAP_DATA_DIR": str(tmp_path / "data"),
                     "POVMAP_GEODATA": str(tmp_path / "nogeo")})


def imported(tmp_path: Path, path: Path, expected: dict[str, dict[str, float]], year: int,
             version: str, **kwargs: Any) -> dict[str, Any]:
    cfg = cfg_for(tmp_path)
    doc = import_file(path, cfg=cfg, **kwargs)
    assert doc["status"] == "imported", doc.get("errors")
    for key, values in expected.items():
        got = values_document(year, key, version, cfg=cfg)
        assert got["values"] == values, key
        assert got["demo"] is False
    return doc


# --------------------------------------------------------------------------- good files


def good_merged(d: Path) -> Path:
    return write_xlsx(d / "bu_dang_2024.xlsx", bu_dang())


def good_centred(d: Path) -> Path:
    header = [list(HEADER_MERGED[0]), list(HEADER_MERGED[1])]
    return write_xlsx(d / "centred.xlsx", bu_dang(header=header, merges=[],
                                                  centred=["D1:G1", "H1:I1"]))


def good_single_row_long_phrases(d: Path) -> Path:
    header: list[list[object]] = [[
        "TT", "Tên xã, thị trấn", "Tổng số hộ dân cư trên địa bàn", "Số hộ nghèo cuối năm",
        "Hộ nghèo thuộc nhóm A (có lao động)", "Hộ nghèo thuộc nhóm B (không có lao động)",
        "Số hộ cận nghèo cuối năm 2024"]]
    rows = [[r[0], r[1], r[2], r[3], r[5], r[6], r[7]] for r in ROWS_BU_DANG]
    return write_xlsx(d / "one_row.xlsx", bu_dang(header=header, merges=[], numbering=None,
                                                  rows=rows))


def good_result_group_three_rows(d: Path) -> Path:
    header: list[list[object]] = [
        ["STT", "Đơn vị", "Kết quả rà soát cuối năm 2024", None, None, None, None],
        [None, None, "Tổng số hộ", "Theo chuẩn nghèo của tỉnh", None, None, "Hộ cận nghèo"],
        [None, None, None, "Số hộ nghèo", "Trong đó", None, None],
        [None, None, None, None, "Nhóm A", "Nhóm B", None],
    ]
    merges = ["A1:A4", "B1:B4", "C1:G1", "C2:C4", "D2:F2", "D3:D4", "E3:F3", "G2:G4"]
    rows = [[r[0], r[1], r[2], r[3], r[5], r[6], r[7]] for r in ROWS_BU_DANG]
    return write_xlsx(d / "group.xlsx", bu_dang(header=header, merges=merges, numbering=None,
                                                rows=rows))


def good_numbering_formula(d: Path) -> Path:
    numbering: list[object] = ["A", "B", 1, "2=3+4", "5", 3, 4, "(8)=(4)-(5)+(6)+(7)", 9, 10]
    return write_xlsx(d / "numbering.xlsx", bu_dang(numbering=numbering))


def good_hidden_draft(d: Path) -> Path:
    draft = bu_dang(name="Nháp", hidden=True,
                    rows=[[1, "Thị trấn Đức Phong", 9999, 99, 1.0, 50, 49, 1, 0.01, None]])
    return write_xlsx(d / "draft.xlsx", draft, bu_dang())


def good_hidden_lookup(d: Path) -> Path:
    lookup = Table(header=[["Mã", "Tên"]], rows=[[25396, "Thị trấn Đức Phong"],
                                                [25400, "Xã Phú Sơn"]],
                   name="DanhMuc", hidden=True)
    return write_xlsx(d / "lookup.xlsx", bu_dang(), lookup)


def good_summary_and_sheets(d: Path) -> Path:
    sheets = [bu_dang(name="Tổng hợp")]
    for row in ROWS_BU_DANG[1:]:
        sheets.append(bu_dang(name=str(row[1])[:30], rows=[row], footer=[]))
    return write_xlsx(d / "per_commune.xlsx", *sheets)


TAN_PHU_2024 = [
    [1, "Thị trấn Tân Phú", 4000, 40, 1.0, 10, 30, 80, 2.0, None],
    [2, "Phú Sơn", 2000, 60, 3.0, 15, 45, 70, 3.5, None],
    [3, "Thanh Sơn", 3000, 30, 1.0, 20, 10, 60, 2.0, None],
]
EXPECT_TAN_PHU = {"poor": {"26116": 40.0, "26146": 60.0, "26143": 30.0},
                  "near_poor": {"26116": 80.0, "26146": 70.0, "26143": 60.0}}


def good_sheet_names_district(d: Path) -> Path:
    title: list[list[object]] = [["BÁO CÁO KẾT QUẢ RÀ SOÁT NĂM 2024"]]
    return write_xlsx(d / "sheet_name.xlsx", bu_dang(title=title, rows=TAN_PHU_2024,
                                                     footer=[], name="Tân Phú"))


def good_title_names_district(d: Path) -> Path:
    title: list[list[object]] = [["UBND HUYỆN TÂN PHÚ"], ["KẾT QUẢ RÀ SOÁT HỘ NGHÈO NĂM 2024"]]
    return write_xlsx(d / "title.xlsx", bu_dang(title=title, rows=TAN_PHU_2024, footer=[],
                                                name="Sheet1"))


def good_other_rows_district(d: Path) -> Path:
    title: list[list[object]] = [["KẾT QUẢ RÀ SOÁT NĂM 2023"]]
    rows: list[list[object]] = [
        [1, "Thị trấn Định Quán", 3000, 21, 0.7, 6, 15, 30, 1.0, None],
        [2, "Xã Phú Vinh", 2500, 50, 2.0, 20, 30, 40, 1.6, None],
        [3, "Xã Thanh Sơn", 2000, 49, 2.45, 9, 40, 20, 1.0, None],
    ]
    return write_xlsx(d / "dinh_quan.xlsx", bu_dang(title=title, rows=rows, footer=[],
                                                    name="Sheet1"))


def good_spelling_variants(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG]
    rows[2][1] = "Xã Đăk Nhau"
    title: list[list[object]] = [["UBND HUYỆN BÙ ĐĂNG"], ["KẾT QUẢ RÀ SOÁT NĂM 2024"]]
    return write_xlsx(d / "spelling.xlsx", bu_dang(title=title, rows=rows))


def good_dak_lua_2021(d: Path) -> Path:
    title: list[list[object]] = [["UBND HUYỆN TÂN PHÚ"], ["KẾT QUẢ RÀ SOÁT NĂM 2022"]]
    rows: list[list[object]] = [[1, "Xã Đắk Lua", 2500, 50, 2.0, 20, 30, 40, 1.6, None],
                                [2, "Xã Phú Lập", 2000, 60, 3.0, 15, 45, 70, 3.5, None]]
    return write_xlsx(d / "dak_lua.xlsx", bu_dang(title=title, rows=rows, footer=[]))


def good_ods(d: Path) -> Path:
    header = [list(HEADER_MERGED[0]), list(HEADER_MERGED[1])]
    return write_ods(d / "bu_dang.ods", bu_dang(header=header, merges=[]))


def good_xls(d: Path) -> Path:
    draft = bu_dang(name="Nháp", hidden=True, rows=[[1, "Xã Đak Nhau", 9, 9, 100, 9, 0, 0, 0]])
    return write_xls(d / "bu_dang.xls", draft, bu_dang())


def good_xls_tcvn3(d: Path) -> Path:
    return write_xls(d / "bu_dang_vntime.xls", legacy_table(bu_dang(), "TCVN3"))


def good_csv_bom_semicolon(d: Path) -> Path:
    return write_csv(d / "bu_dang.csv", bu_dang(), encoding="utf-8-sig", sep=";",
                     decimal_comma=True)


def good_csv_1258(d: Path) -> Path:
    return write_csv(d / "bu_dang_1258.csv", bu_dang(), encoding="cp1258", sep=",")


def good_tcvn3_sheet_name_district(d: Path) -> Path:
    title: list[list[object]] = [["BÁO CÁO KẾT QUẢ RÀ SOÁT NĂM 2024"]]
    table = legacy_table(bu_dang(title=title, rows=TAN_PHU_2024, footer=[]), "TCVN3")
    table.name = "T©n Phó"  # the sheet tab typed in TCVN3 too: "Tân Phú"
    return write_xlsx(d / "vntime_tan_phu.xlsx", table)


def good_csv_tcvn3_bytes(d: Path) -> Path:
    path = d / "vntime.csv"
    write_csv(path, legacy_table(bu_dang(), "TCVN3"))  # UTF-8 first, re-saved as ANSI:
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    return path


def good_share_of_poor(d: Path) -> Path:
    header: list[list[object]] = [["Đơn vị", "Tổng số hộ", "Hộ nghèo", "Hộ nghèo A",
                                   "Tỷ lệ hộ nghèo A (%)"]]
    rows: list[list[object]] = [["Thị trấn Đức Phong", 3000, 30, 10, 33.33],  # % of the poor
                                ["Xã Đak Nhau", 1500, 60, 40, 2.67]]  # % of all households
    return write_xlsx(d / "share.xlsx", Table(title=[["Năm 2024"]], header=header, rows=rows))


def good_tcvn3(d: Path) -> Path:
    return write_xlsx(d / "tcvn3.xlsx", legacy_table(bu_dang(), "TCVN3"))


def good_vni(d: Path) -> Path:
    return write_xlsx(d / "vni.xlsx", legacy_table(bu_dang(), "VNI"))


def good_dashes_and_empty(d: Path) -> Path:
    rows: list[list[object]] = [
        [1, "Thị trấn Đức Phong", 3000, 30, 1.0, 10, 20, 45, 1.5, None],
        [2, "Xã Thọ Sơn", 1000, "-", "-", None, None, 12, 1.2, None],
        [3, "Xã Bom Bo", 1500, 15, 1.0, 15, "-", 20, 1.33, None],
        [4, "Xã Đăng Hà", 800, 8, 1.0, None, 8, "–", None, None],
    ]
    return write_xlsx(d / "dashes.xlsx", bu_dang(rows=rows, footer=[]))


def good_formulas(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG]
    rows[0][2:9] = ["=SUM(C10:C13)", "=SUM(D10:D13)", "=ROUND(D9/C9*100,2)", "=SUM(F10:F13)",
                    "=SUM(G10:G13)", "=SUM(H10:H13)", "=ROUND(H9/C9*100,2)"]
    for i, r in enumerate(rows[1:], start=10):
        r[3] = f"=F{i}+G{i}"
        r[4] = f"=ROUND(D{i}/C{i}*100,2)"
    return write_xlsx(d / "formulas.xlsx", bu_dang(rows=rows))


def good_text_numbers(d: Path) -> Path:
    rows: list[list[object]] = [
        [1, "Thị trấn Đức Phong", "3.000", "30", "1,00", "10", "20", "45", "1,5", None],
        [2, "Xã Đak Nhau", "1 500", "60", "4,0", "40", "20", "70", "4,67", None],
    ]
    return write_xlsx(d / "text_numbers.xlsx", bu_dang(rows=rows, footer=[]))


def good_fraction_rates(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG]
    for r in rows:
        r[4] = round(float(str(r[4])) / 100, 6)
        r[8] = round(float(str(r[8])) / 100, 6)
    return write_xlsx(d / "fractions.xlsx", bu_dang(rows=rows))


def good_unrelated_columns(d: Path) -> Path:
    header = [[*list(HEADER_MERGED[0]), "Số khẩu", "Số nhân khẩu nghèo"],
              [*list(HEADER_MERGED[1]), None, None]]
    rows = [[*list(r), 9000, 120] for r in ROWS_BU_DANG]
    return write_xlsx(d / "unrelated.xlsx", bu_dang(header=header, rows=rows,
                                                    merges=[*MERGES, "K1:K2", "L1:L2"],
                                                    numbering=None))


def good_end_2020(d: Path) -> Path:
    title: list[list[object]] = [["UBND HUYỆN TÂN PHÚ"],
                                 ["KẾT QUẢ RÀ SOÁT HỘ NGHÈO CUỐI NĂM 2020"]]
    rows: list[list[object]] = [[1, "Xã Núi Tượng", 1800, 36, 2.0, 6, 30, 50, 2.78, None],
                                [2, "Xã Phú Trung", 1000, 20, 2.0, 10, 10, 25, 2.5, None]]
    return write_xlsx(d / "baseline_2020.xlsx", bu_dang(title=title, rows=rows, footer=[]))


def good_rate_formula_uncomputable(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG]
    for i, r in enumerate(rows, start=9):
        r[4] = f'=IF(C{i}=0,"",D{i}/C{i}*100)'  # rates are only checked: skipped
    return write_xlsx(d / "if_rates.xlsx", bu_dang(rows=rows))


def good_xlsm(d: Path) -> Path:
    return write_xlsx(d / "bu_dang.xlsm", bu_dang())


def good_codes_only(d: Path) -> Path:
    header: list[list[object]] = [["Mã ĐVHC", "Tổng số hộ", "Số hộ nghèo", "HN A", "HN B"]]
    rows: list[list[object]] = [["Tổng", 5000, 90, 50, 40],
                                [25396, 3000, 30, 10, 20], ["25399", 2000, 60, 40, 20]]
    title: list[list[object]] = [["Kết quả rà soát năm 2024"]]
    return write_xlsx(d / "codes.xlsx", Table(title=title, header=header, rows=rows))


def good_urban_rural_groups(d: Path) -> Path:
    rows: list[list[object]] = [
        ["I", "Thành thị", 3000, 30, 1.0, 10, 20, 45, 1.5, None],
        [1, "Thị trấn Đức Phong", 3000, 30, 1.0, 10, 20, 45, 1.5, None],
        ["II", "Nông thôn", 1500, 60, 4.0, 40, 20, 70, 4.67, None],
        [1, "Xã Đak Nhau", 1500, 60, 4.0, 40, 20, 70, 4.67, None],
        [None, "Cộng", 4500, 90, 2.0, 50, 40, 115, 2.56, None],
    ]
    return write_xlsx(d / "groups.xlsx", bu_dang(rows=rows))


def good_district_and_commune_columns(d: Path) -> Path:
    header: list[list[object]] = [["STT", "Huyện", "Xã", "Tổng số hộ", "Hộ nghèo", "Hộ cận nghèo"]]
    rows: list[list[object]] = [[1, "Tân Phú", "Thanh Sơn", 3000, 30, 60],
                                [2, "Tân Phú", "Phú Lập", 2000, 60, 70],
                                [3, "Định Quán", "Thanh Sơn", 2000, 49, 20]]
    return write_xlsx(d / "two_cols.xlsx", Table(title=[["RÀ SOÁT NĂM 2023"]], header=header,
                                                 rows=rows))


def good_former_name_2026(d: Path) -> Path:
    header: list[list[object]] = [["Đơn vị", "Tổng số hộ", "Hộ nghèo", "Hộ cận nghèo"]]
    rows: list[list[object]] = [["Xã Trảng Bom", 30000, 60, 90], ["Phường Biên Hoà", 40000, 8, 20]]
    return write_xlsx(d / "y2026.xlsx", Table(title=[["Kết quả rà soát năm 2026"]],
                                              header=header, rows=rows))


def good_deprivations(d: Path) -> Path:
    header: list[list[object]] = [
        ["TT", "Đơn vị", "Số hộ nghèo", "Số hộ nghèo thiếu hụt các dịch vụ xã hội cơ bản",
         None, None],
        [None, None, None, "Việc làm", "Bảo hiểm y tế", "Nước sinh hoạt"]]
    rows: list[list[object]] = [[1, "Thị trấn Đức Phong", 30, 12, 5, 3],
                                [2, "Xã Đak Nhau", 60, 25, 10, 30]]
    return write_xlsx(d / "deprived.xlsx", Table(
        title=[["KẾT QUẢ RÀ SOÁT NĂM 2024"]], header=header, rows=rows,
        merges=["A1:A2", "B1:B2", "C1:C2", "D1:F1"]))


def good_two_year_groups(d: Path) -> Path:
    header: list[list[object]] = [
        ["STT", "Đơn vị", 2023, None, 2024, None],  # years typed as numbers
        [None, None, "Hộ nghèo", "Hộ cận nghèo", "Hộ nghèo", "Hộ cận nghèo"]]
    rows: list[list[object]] = [[1, "Thị trấn Đức Phong", 41, 50, 30, 45],
                                [2, "Xã Đak Nhau", 77, 80, 60, 70]]
    return write_xlsx(d / "two_years.xlsx", Table(
        title=[["SO SÁNH KẾT QUẢ RÀ SOÁT HỘ NGHÈO NĂM 2024 VỚI NĂM 2023"]], header=header,
        rows=rows, merges=["A1:A2", "B1:B2", "C1:D1", "E1:F1"]))


def good_two_tables_two_sheets(d: Path) -> Path:
    header: list[list[object]] = [
        ["TT", "Đơn vị", "Số hộ nghèo thiếu hụt", None],
        [None, None, "Thiếu BHYT", "Nước sinh hoạt"]]
    rows: list[list[object]] = [[1, "Thị trấn Đức Phong", 5, 3], [2, "Xã Đak Nhau", 10, 30]]
    deprived = Table(title=[["Biểu 2: THIẾU HỤT DỊCH VỤ XÃ HỘI CƠ BẢN NĂM 2024"]],
                     header=header, rows=rows, merges=["A1:A2", "B1:B2", "C1:D1"],
                     name="Biểu 2")
    return write_xlsx(d / "two_tables.xlsx", bu_dang(name="Biểu 1"), deprived)


def good_bare_district_rows(d: Path) -> Path:
    header: list[list[object]] = [["STT", "Địa bàn", "Tổng số hộ", "Số hộ nghèo"]]
    rows: list[list[object]] = [
        ["I", "Tân Phú", 6000, 70],  # the district (its rows add up to it)
        [1, "Tân Phú", 4000, 40],  # its town, written bare
        [2, "Thanh Sơn", 2000, 30],
        ["II", "Định Quán", 2000, 49],
        [1, "Thanh Sơn", 2000, 49]]
    return write_xlsx(d / "bare.xlsx", Table(title=[["Rà soát năm 2023"]], header=header,
                                             rows=rows))


def good_two_tables_stacked(d: Path) -> Path:
    near: list[list[object]] = [
        [], [None, "Biểu 2: HỘ CẬN NGHÈO"], [],
        ["STT", "Đơn vị", "Số hộ cận nghèo", "Ghi chú"],
        [1, "Thị trấn Đức Phong", 45, None], [2, "Xã Đak Nhau", 70, None]]
    header = [["STT", "Đơn vị", "Tổng số hộ", "Hộ nghèo", "Nhóm A", "Nhóm B"]]
    rows: list[list[object]] = [[1, "Thị trấn Đức Phong", 3000, 30, 10, 20],
                                [2, "Xã Đak Nhau", 1500, 60, 40, 20], *near]
    return write_xlsx(d / "stacked.xlsx", Table(
        title=[["Biểu 1: KẾT QUẢ RÀ SOÁT HỘ NGHÈO NĂM 2024"]], header=header, rows=rows))


def good_text_row_inside(d: Path) -> Path:
    rows = [list(ROWS_BU_DANG[1]), [], [None, "Số liệu bổ sung sau"], *ROWS_BU_DANG[2:]]
    return write_xlsx(d / "inside.xlsx", bu_dang(rows=rows))


def good_commune_report_by_hamlet(d: Path) -> Path:
    title: list[list[object]] = [["UBND HUYỆN BÙ ĐĂNG"], ["UBND XÃ PHÚ SƠN"],
                                 ["KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2024"]]
    header: list[list[object]] = [["STT", "Tên ấp", "Tổng số hộ", "Hộ nghèo", "Hộ nghèo A",
                                   "Hộ nghèo B", "Hộ cận nghèo"]]
    rows: list[list[object]] = [[1, "Ấp 1", 400, 8, 5, 3, 10], [2, "Ấp 2", 500, 10, 6, 4, 12],
                                [3, "Ấp Phú Thịnh", 300, 6, 3, 3, 8],
                                [None, "Tổng cộng", 1200, 24, 14, 10, 30]]
    footer: list[list[object]] = [[None, "NGƯỜI LẬP BIỂU", None, None, "CHỦ TỊCH UBND XÃ"]]
    return write_xlsx(d / "phu_son.xlsx", Table(title=title, header=header, rows=rows,
                                                footer=footer))


def good_annex_table_below(d: Path) -> Path:
    annex: list[list[object]] = [
        [], [None, "PHỤ LỤC: SỐ ẤP CỦA CÁC XÃ"], [],
        ["STT", "Đơn vị", "Số ấp", "Diện tích (km2)"],
        [1, "Thị trấn Đức Phong", 8, 12.5], [2, "Xã Đak Nhau", 6, 40.1]]
    return write_xlsx(d / "annex.xlsx", bu_dang(footer=[*FOOTER_BU_DANG, *annex]))


def good_title_with_other_bare_year(d: Path) -> Path:
    """A subtitle naming the unit list's year: "năm 2024" in the title wins."""
    title = [*TITLE_BU_DANG, ["(Theo danh mục đơn vị hành chính 2021, số liệu đến 31/12)"]]
    return write_xlsx(d / "bare_year.xlsx", bu_dang(title=title))


def good_sections(d: Path) -> Path:
    return build_simple(d / "sections.xlsx", three_row_names())


BU_DANG_POOR = {"poor": EXPECT_BU_DANG["poor"], "poor_a": EXPECT_BU_DANG["poor_a"],
                "near_poor": EXPECT_BU_DANG["near_poor"]}

GOOD: dict[str, tuple[Callable[[Path], Path], int, str, dict[str, dict[str, float]]]] = {
    "merged_numbering_signature": (good_merged, 2024, "2024", EXPECT_BU_DANG),
    "centred_group_titles": (good_centred, 2024, "2024", EXPECT_BU_DANG),
    "single_row_long_phrases": (good_single_row_long_phrases, 2024, "2024", EXPECT_BU_DANG),
    "result_group_four_rows": (good_result_group_three_rows, 2024, "2024", EXPECT_BU_DANG),
    "numbering_with_formula_text": (good_numbering_formula, 2024, "2024", EXPECT_BU_DANG),
    "hidden_draft_sheet": (good_hidden_draft, 2024, "2024", EXPECT_BU_DANG),
    "hidden_lookup_sheet": (good_hidden_lookup, 2024, "2024", EXPECT_BU_DANG),
    "summary_and_commune_sheets": (good_summary_and_sheets, 2024, "2024", EXPECT_BU_DANG),
    "district_from_sheet_name": (good_sheet_names_district, 2024, "2024", EXPECT_TAN_PHU),
    "district_from_title": (good_title_names_district, 2024, "2024", EXPECT_TAN_PHU),
    "title_year_over_bare_year": (good_title_with_other_bare_year, 2024, "2024", EXPECT_BU_DANG),
    "district_from_other_rows": (good_other_rows_district, 2023, "2021", {
        "poor": {"26206": 21.0, "26215": 50.0, "26209": 49.0}}),
    "spelling_dak_dak": (good_spelling_variants, 2024, "2024", BU_DANG_POOR),
    "spelling_dak_lua_2021": (good_dak_lua_2021, 2022, "2021", {
        "poor": {"26119": 50.0, "26134": 60.0}}),
    "ods": (good_ods, 2024, "2024", EXPECT_BU_DANG),
    "xls_with_hidden_sheet": (good_xls, 2024, "2024", EXPECT_BU_DANG),
    "xls_typed_in_tcvn3": (good_xls_tcvn3, 2024, "2024", EXPECT_BU_DANG),
    "csv_utf8_bom_semicolon": (good_csv_bom_semicolon, 2024, "2024", EXPECT_BU_DANG),
    "csv_windows_1258": (good_csv_1258, 2024, "2024", EXPECT_BU_DANG),
    "tcvn3_font": (good_tcvn3, 2024, "2024", EXPECT_BU_DANG),
    "csv_ansi_tcvn3": (good_csv_tcvn3_bytes, 2024, "2024", EXPECT_BU_DANG),
    "tcvn3_sheet_name_gives_district": (good_tcvn3_sheet_name_district, 2024, "2024",
                                        EXPECT_TAN_PHU),
    "rate_as_share_of_poor": (good_share_of_poor, 2024, "2024", {
        "poor_a": {"25396": 10.0, "25399": 40.0}}),
    "vni_font": (good_vni, 2024, "2024", EXPECT_BU_DANG),
    "dashes_and_determined_empty": (good_dashes_and_empty, 2024, "2024", {
        "poor": {"25396": 30.0, "25402": 0.0, "25405": 15.0, "25426": 8.0},
        "poor_a": {"25396": 10.0, "25402": 0.0, "25405": 15.0, "25426": 0.0},
        "poor_b": {"25396": 20.0, "25402": 0.0, "25405": 0.0, "25426": 8.0},
        "near_poor": {"25396": 45.0, "25402": 12.0, "25405": 20.0, "25426": 0.0}}),
    "formulas_without_cached_values": (good_formulas, 2024, "2024", EXPECT_BU_DANG),
    "numbers_as_text": (good_text_numbers, 2024, "2024", {
        "total_households": {"25396": 3000.0, "25399": 1500.0},
        "poor_b": {"25396": 20.0, "25399": 20.0}}),
    "rates_as_fractions": (good_fraction_rates, 2024, "2024", EXPECT_BU_DANG),
    "unrelated_columns_listed": (good_unrelated_columns, 2024, "2024", EXPECT_BU_DANG),
    "end_2020_on_2021_boundaries": (good_end_2020, 2020, "2021", {
        "poor": {"26128": 36.0, "26146": 20.0}, "poor_a": {"26128": 6.0, "26146": 10.0}}),
    "xlsm": (good_xlsm, 2024, "2024", EXPECT_BU_DANG),
    "rate_formulas_not_computable": (good_rate_formula_uncomputable, 2024, "2024",
                                     EXPECT_BU_DANG),
    "codes_only_total_first": (good_codes_only, 2024, "2024", {
        "poor": {"25396": 30.0, "25399": 60.0}, "poor_b": {"25396": 20.0, "25399": 20.0}}),
    "urban_rural_groups": (good_urban_rural_groups, 2024, "2024", {
        "poor": {"25396": 30.0, "25399": 60.0}}),
    "district_and_commune_columns": (good_district_and_commune_columns, 2023, "2021", {
        "poor": {"26143": 30.0, "26134": 60.0, "26209": 49.0}}),
    "name_before_2026_rename": (good_former_name_2026, 2026, "2025", {
        "poor": {"26248": 60.0, "26068": 8.0}}),
    "deprivation_group": (good_deprivations, 2024, "2024", {
        "deprived_employment": {"25396": 12.0, "25399": 25.0},
        "deprived_water": {"25396": 3.0, "25399": 30.0}}),
    "year_groups_side_by_side": (good_two_year_groups, 2024, "2024", {
        "poor": {"25396": 30.0, "25399": 60.0}, "near_poor": {"25396": 45.0, "25399": 70.0}}),
    "second_table_on_another_sheet": (good_two_tables_two_sheets, 2024, "2024", {
        **EXPECT_BU_DANG, "deprived_health_insurance": {"25396": 5.0, "25399": 10.0},
        "deprived_water": {"25396": 3.0, "25399": 30.0}}),
    "bare_district_names_as_rows": (good_bare_district_rows, 2023, "2021", {
        "poor": {"26116": 40.0, "26143": 30.0, "26209": 49.0}}),
    "two_tables_stacked_in_one_sheet": (good_two_tables_stacked, 2024, "2024", {
        "poor_a": {"25396": 10.0, "25399": 40.0},
        "near_poor": {"25396": 45.0, "25399": 70.0}}),
    "text_row_inside_the_table": (good_text_row_inside, 2024, "2024", EXPECT_BU_DANG),
    "commune_report_by_hamlet": (good_commune_report_by_hamlet, 2024, "2024", {
        "total_households": {"25400": 1200.0}, "poor_a": {"25400": 14.0},
        "near_poor": {"25400": 30.0}}),
    "annex_table_about_something_else": (good_annex_table_below, 2024, "2024",
                                         EXPECT_BU_DANG),
    "district_sections_no_diacritics": (good_sections, 2022, "2021", {
        "poor": {"26116": 40.0, "26143": 60.0, "26206": 20.0, "26209": 50.0}}),
}


@pytest.mark.parametrize("case", sorted(GOOD))
def test_good_file_imports_exactly(tmp_path: Path, case: str) -> None:
    build, year, version, expected = GOOD[case]
    path = build(tmp_path)
    doc = imported(tmp_path, path, expected, year, version)
    assert doc["years"] == [year]
    assert doc["boundary_versions"] == [version]


def test_report_names_what_was_recognised(tmp_path: Path) -> None:
    doc = import_file(good_hidden_draft(tmp_path), dry_run=True, cfg=cfg_for(tmp_path))
    structure = doc["structure"]
    assert structure["hidden_sheets"] == ["Nháp"]
    [sheet] = structure["sheets"]
    assert (sheet["sheet"], sheet["unit_column"], sheet["unit_header"]) == (
        "Bù Đăng", "B", "Đơn vị (xã, thị trấn)")
    assert {(i["column"], i["indicator"]) for i in sheet["indicators"]} == {
        ("C", "total_households"), ("D", "poor"), ("E", "poor_rate"), ("F", "poor_a"),
        ("G", "poor_b"), ("H", "near_poor"), ("I", "near_poor_rate")}
    assert {"column": "F", "header": "Hộ nghèo > Hộ nghèo thuộc nhóm A (có lao động)",
            "indicator": "poor_a"} in sheet["indicators"]
    assert sheet["ignored_columns"] == [{"column": "A", "header": "STT",
                                         "reason": "không cần / not needed"},
                                        {"column": "J", "header": "Ghi chú",
                                         "reason": "không cần / not needed"}]
    assert sheet["rows_read"] == 4
    skipped = {s["row"]: s["reason"] for s in sheet["rows_skipped"]}
    assert skipped[8] == "dòng đánh số cột / column numbering row"
    assert skipped[9].startswith("dòng tổng / total row")


def test_summary_imports_once_and_copies_are_named(tmp_path: Path) -> None:
    doc = import_file(good_summary_and_sheets(tmp_path), dry_run=True, cfg=cfg_for(tmp_path))
    assert doc["units"] == 4
    assert doc["values"] == 20
    status = {s["sheet"]: s["status"] for s in doc["structure"]["sheets"]}
    assert status["Tổng hợp"] == "read"
    assert status["Phú Sơn"] == "trùng sheet 'Tổng hợp' / repeats sheet 'Tổng hợp'"
    assert status["Xã Đak Nhau"] == "trùng sheet 'Tổng hợp' / repeats sheet 'Tổng hợp'"


def test_csv_encoding_and_separator_reported(tmp_path: Path) -> None:
    doc = import_file(good_csv_1258(tmp_path), dry_run=True, cfg=cfg_for(tmp_path))
    assert doc["structure"]["csv"] == {"encoding": "windows-1258", "separator": ","}
    doc = import_file(good_tcvn3(tmp_path), dry_run=True, cfg=cfg_for(tmp_path))
    assert doc["structure"]["sheets"][0]["encoding"] == "TCVN3"


def test_demo_flag_only_for_demo_imports(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path)
    demo = write_xlsx(tmp_path / "demo.xlsx", bu_dang())
    assert import_file(demo, cfg=cfg, is_demo=True)["status"] == "imported"
    doc = values_document(2024, "poor", "2024", cfg=cfg)
    assert (doc["demo"], doc["label"]) == (True, "Dữ liệu minh họa")
    assert values_document(2023, "poor", "2021", cfg=cfg)["demo"] is False  # nothing there
    real = write_xlsx(tmp_path / "real.xlsx", bu_dang(rows=ROWS_BU_DANG[:2], footer=[]))
    assert import_file(real, cfg=cfg)["status"] == "imported"
    doc = values_document(2024, "poor", "2024", cfg=cfg)
    assert (doc["demo"], doc["label"]) == (False, None)


# --------------------------------------------------------------------------- bad files


def bad_code_name_swapped(d: Path) -> Path:
    header: list[list[object]] = [["Mã xã", "Tên xã", "Tổng số hộ", "Số hộ nghèo"]]
    rows: list[list[object]] = [[25396, "Xã Đak Nhau", 3000, 30],
                                [25399, "Thị trấn Đức Phong", 1500, 60]]
    return write_xlsx(d / "swapped.xlsx", Table(title=[["Rà soát năm 2024"]], header=header,
                                                rows=rows))


def bad_rate(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG]
    rows[3][4] = 3.5  # Phú Sơn: 24 / 1200 = 2.0 %
    return write_xlsx(d / "rate.xlsx", bu_dang(rows=rows))


def bad_a_plus_b(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG]
    rows[2][5] = 41
    return write_xlsx(d / "a_b.xlsx", bu_dang(rows=rows))


def bad_poor_over_total(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG]
    rows[4][2:5] = [15, 20, 133.33]
    return write_xlsx(d / "over.xlsx", bu_dang(rows=rows))


def bad_negative(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG]
    rows[1][7:9] = [-45, None]
    return write_xlsx(d / "negative.xlsx", bu_dang(rows=rows))


def bad_duplicate(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG] + [list(ROWS_BU_DANG[1])]
    return write_xlsx(d / "dup.xlsx", bu_dang(rows=rows))


def bad_other_province(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG]
    rows[3][1] = "Phường Chánh Nghĩa"  # Thủ Dầu Một, Bình Dương
    return write_xlsx(d / "province.xlsx", bu_dang(rows=rows))


def bad_other_version(d: Path) -> Path:
    header: list[list[object]] = [["Đơn vị", "Tổng số hộ", "Hộ nghèo"]]
    rows: list[list[object]] = [["Xã Trảng Bom", 30000, 60], ["Xã Hiếu Liêm", 900, 9]]
    return write_xlsx(d / "hieu_liem.xlsx", Table(title=[["Kết quả rà soát năm 2025"]],
                                                  header=header, rows=rows))


def bad_unmapped_concept(d: Path) -> Path:
    header = [[*list(HEADER_MERGED[0]), "Hộ thoát cận nghèo"],
              [*list(HEADER_MERGED[1]), None]]
    rows = [[*list(r), 3] for r in ROWS_BU_DANG]
    return write_xlsx(d / "concept.xlsx", bu_dang(header=header, rows=rows, numbering=None,
                                                  merges=[*MERGES, "K1:K2"]))


def bad_empty_cell(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG]
    rows[2][7:9] = [None, None]  # near-poor of Đak Nhau left empty: not determined
    return write_xlsx(d / "empty.xlsx", bu_dang(rows=rows))


def bad_formula(d: Path) -> Path:
    rows = [list(r) for r in ROWS_BU_DANG]
    rows[3][3] = "=VLOOKUP(B11,DanhMuc!A:B,2,0)"
    return write_xlsx(d / "vlookup.xlsx", bu_dang(rows=rows))


def bad_ambiguous(d: Path) -> Path:
    header: list[list[object]] = [["Đơn vị", "Tổng số hộ", "Hộ nghèo"]]
    rows: list[list[object]] = [["Thanh Sơn", 3000, 30], ["Xã Phú Lập", 2000, 60],
                                ["Thị trấn Định Quán", 3000, 21]]
    return write_xlsx(d / "ambiguous.xlsx", Table(title=[["Rà soát năm 2023"]],
                                                  header=header, rows=rows))


def bad_sheets_disagree(d: Path) -> Path:
    copy = list(ROWS_BU_DANG[1])
    copy[7] = 46
    return write_xlsx(d / "disagree.xlsx", bu_dang(name="Tổng hợp"),
                      bu_dang(name="Đức Phong", rows=[copy], footer=[]))


def bad_rows_after_signature(d: Path) -> Path:
    footer = [*FOOTER_BU_DANG, [], [5, "Xã Thọ Sơn", 900, 9, 1.0, 4, 5, 10, 1.11, None]]
    return write_xlsx(d / "after.xlsx", bu_dang(footer=footer))


# (builder, --year, expected (row, column or unit, words in the message))
BAD: dict[str, tuple[Callable[[Path], Path], int | None, tuple[int | None, str, str]]] = {
    "code_and_name_disagree": (bad_code_name_swapped, None, (4, "25396", "disagree")),
    "rate_contradicts_counts": (bad_rate, None, (12, "E", "differs from")),
    "title_year_differs": (good_merged, 2023, (1, "", "--year 2024")),
    "a_plus_b_not_poor": (bad_a_plus_b, None, (11, "25399", "poor A + B")),
    "poor_over_total": (bad_poor_over_total, None, (13, "25404", "exceeds total")),
    "negative_count": (bad_negative, None, (10, "H", "negative")),
    "duplicated_unit": (bad_duplicate, None, (14, "25396", "duplicate")),
    "unit_of_another_province": (bad_other_province, None, (12, "B", "Chánh Nghĩa")),
    "unit_of_another_version": (bad_other_version, None, (5, "A", "Hiếu Liêm")),
    "unmapped_poverty_column": (bad_unmapped_concept, None, (None, "K", "Hộ thoát cận")),
    "empty_count_cell": (bad_empty_cell, None, (11, "H", "empty cell")),
    "formula_not_computed": (bad_formula, None, (12, "D", "open and save")),
    "still_ambiguous_name": (bad_ambiguous, None, (4, "A", "26143")),
    "sheets_disagree": (bad_sheets_disagree, None, (None, "25396", "disagree")),
    "unit_rows_after_signature": (bad_rows_after_signature, None, (20, "B", "below the end")),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_rejected_naming_row_and_problem(tmp_path: Path, case: str) -> None:
    cfg = cfg_for(tmp_path)
    good = write_xlsx(tmp_path / "good.xlsx", bu_dang(rows=ROWS_BU_DANG[1:2], footer=[]))
    assert import_file(good, cfg=cfg)["status"] == "imported"
    before = cfg.store_path.read_bytes()
    build, year, (row, where, words) = BAD[case]
    path = build(tmp_path)
    doc = import_file(path, year=year, cfg=cfg)
    assert doc["status"] == "rejected"
    assert cfg.store_path.read_bytes() == before
    hits = [e for e in doc["errors"] if words in e["message"] + e["hint"]]
    assert hits, doc["errors"]
    err = hits[0]
    if row is not None:
        assert err["row"] == row
    if where and where.isdigit():
        assert where in (err.get("code") or "") + err["message"]
    elif where:
        assert err["column"] == where


def test_ambiguous_name_names_both_candidates(tmp_path: Path) -> None:
    doc = import_file(bad_ambiguous(tmp_path), cfg=cfg_for(tmp_path))
    [err] = doc["errors"]
    assert "26143" in err["message"]
    assert "26209" in err["message"]
    assert "Thanh Sơn" in err["value"]
