"""Factories that build small review workbooks in code (no binary fixtures committed).

Unit codes and names are real units of the 2021 boundary version of Đồng Nai:
Huyện Tân Phú (734) and Huyện Định Quán (736) both have a "Xã Thanh Sơn"
(26143 and 26209), so a names-only workbook needs its district rows to tell them apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

Row = Sequence[object]

# Tân Phú (734) units used in the fixtures: code → name.
TAN_PHU = {"26116": "Thị trấn Tân Phú", "26134": "Xã Phú Lập", "26143": "Xã Thanh Sơn"}
DINH_QUAN = {"26206": "Thị trấn Định Quán", "26209": "Xã Thanh Sơn"}


@dataclass
class SheetSpec:
    """One sheet: title lines, header rows with merges, data rows."""

    title: list[str] = field(default_factory=list)
    header: list[list[object]] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    name: str = "Mẫu 7.1"
    blank_after_title: bool = True


def build_workbook(path: Path, *sheets: SheetSpec) -> Path:
    """Write ``sheets`` to ``path``; header merges are given relative to the header top.

    Merge ranges use Excel letters with row numbers counted from the first header row
    (``"E1:H1"`` merges E–H on the first header row).
    """
    wb = Workbook()
    first = True
    for spec in sheets:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        first = False
        ws.title = spec.name
        for i, line in enumerate(spec.title, start=1):
            ws.cell(i, 1, line)
        top = len(spec.title) + (2 if spec.blank_after_title and spec.title else 1)
        for i, row in enumerate(spec.header):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(top + i, j, value)
        for rng in spec.merges:
            ws.merge_cells(_shift(rng, top - 1))
        for i, row in enumerate(spec.rows, start=top + len(spec.header)):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(i, j, value)
    wb.save(path)
    return path


def _shift(rng: str, by: int) -> str:
    def one(ref: str) -> str:
        letters = "".join(ch for ch in ref if ch.isalpha())
        return f"{letters}{int(ref[len(letters):]) + by}"

    a, b = rng.split(":")
    return f"{one(a)}:{one(b)}"


def first_data_row(spec: SheetSpec) -> int:
    """Excel row number of ``spec.rows[0]``."""
    top = len(spec.title) + (2 if spec.blank_after_title and spec.title else 1)
    return top + len(spec.header)


# --------------------------------------------------------------------------- layouts

TWO_ROW_HEADER: list[list[object]] = [
    ["STT", "Mã xã", "Tên đơn vị", "Tổng số hộ", "Hộ nghèo", None, None, None,
     "Hộ cận nghèo", None, "Ghi chú"],
    [None, None, None, None, "Tổng số", "Tỷ lệ (%)", "Hộ nghèo A", "Hộ nghèo B", "Số hộ",
     "Tỷ lệ (%)", None],
]
TWO_ROW_MERGES = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:H1", "I1:J1", "K1:K2"]

# Names only, diacritics stripped, three header rows, abbreviations.
THREE_ROW_HEADER: list[list[object]] = [
    ["TT", "Don vi", "Tong so ho", "HN", None, None, None, "Bien dong trong nam", None,
     None, "So ho ngheo thieu hut cac chi so DVXHCB", None],
    [None, None, None, "So ho", "Ty le (%)", "Trong do", None, "Thoat ngheo", "Tai ngheo",
     "Phat sinh moi", "Viec lam", "BHYT"],
    [None, None, None, None, None, "HN A", "HN B", None, None, None, None, None],
]
THREE_ROW_MERGES = ["A1:A3", "B1:B3", "C1:C3", "D1:G1", "D2:D3", "E2:E3", "F2:G2", "H1:J1",
                    "H2:H3", "I2:I3", "J2:J3", "K1:L1", "K2:K3", "L2:L3"]


def two_row_codes(title_year: int | None = 2023) -> SheetSpec:
    """Codes present, two merged header rows, a total row that adds up."""
    title = ["ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI",
             f"KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {title_year}" if title_year
             else "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO",
             "(Kèm theo Thông tư số 07/2021/TT-BLĐTBXH ngày 18 tháng 7 năm 2021)"]
    rows: list[Row] = [
        [None, None, "Tổng cộng", 9000, 150, 1.67, 30, 120, 200, 2.22],
        [1, 26116, "Thị trấn Tân Phú", 4000, 40, 1.0, 10, 30, 80, 2.0],
        [2, "26134", "Xã Phú Lập", 2000, 60, 3.0, 15, 45, 70, 3.5],
        [3, 26143.0, "Xã Thanh Sơn", "3.000", "50", "1,67", 5, 45, "50", "1,67", "ghi chú"],
    ]
    return SheetSpec(title=title, header=TWO_ROW_HEADER, merges=TWO_ROW_MERGES, rows=rows)


def three_row_names(subtotal_tan_phu_poor: int = 100) -> SheetSpec:
    """Names without diacritics, district sections with subtotals (one can be wrong)."""
    title = ["KET QUA RA SOAT HO NGHEO NAM 2022"]
    rows: list[Row] = [
        ["I", "Huyen Tan Phu", 6000, subtotal_tan_phu_poor, 1.67, 25, 75, 12, 1, 3, 40, 30],
        [1, "Thi tran Tan Phu", 4000, 40, 1.0, 10, 30, 5, 0, 1, 15, 10],
        [2, "Thanh Son", 2000, 60, 3.0, 15, 45, 7, 1, 2, 25, 20],
        ["II", "Huyen Dinh Quan", 5000, 70, 1.4, 20, 50, 9, 2, 4, 30, 35],
        [1, "TT. Dinh Quan", 3000, 20, 0.67, 5, 15, 4, 1, 2, 10, 15],
        [2, "xa thanh son", 2000, 50, 2.5, 15, 35, 5, 1, 2, 20, 20],
        ["", "Tong cong", 11000, 170, 1.55, 45, 125, 21, 3, 7, 70, 65],
    ]
    return SheetSpec(title=title, header=THREE_ROW_HEADER, merges=THREE_ROW_MERGES,
                     rows=rows, name="Sheet1")


def district_only() -> SheetSpec:
    """A district workbook: two Định Quán communes only, total row last, footer below."""
    header: list[list[object]] = [["STT", "Mã đơn vị", "Địa bàn", "Tổng số hộ", "Hộ nghèo",
                                   None],
                                  [None, None, None, None, "SL", "TL (%)"]]
    rows: list[Row] = [
        [1, "26206", "Thị trấn Định Quán", 3000, 21, 0.7],
        [2, "26209", "Xã Thanh Sơn", 2000, 49, 2.45],
        [None, None, "Cộng", 5000, 70, 1.4],
        [],
        [None, None, "Người lập biểu", None, "Thủ trưởng đơn vị"],
    ]
    return SheetSpec(title=["Huyện Định Quán — kết quả rà soát năm 2023"], header=header,
                     merges=["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1"], rows=rows)


def simple(rows: list[Row], title: str = "Rà soát năm 2023",
           extra_header: Sequence[str] = ()) -> SheetSpec:
    """Single header row: Mã xã, Tên, Tổng số hộ, Hộ nghèo, HN A, HN B, Tỷ lệ HN (%)."""
    header: list[list[object]] = [["Mã xã", "Tên đơn vị", "Tổng số hộ", "Số hộ nghèo",
                                   "Hộ nghèo A", "Hộ nghèo B", "Tỷ lệ hộ nghèo (%)",
                                   *extra_header]]
    return SheetSpec(title=[title], header=header, rows=rows)
