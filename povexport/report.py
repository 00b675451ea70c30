"""The year-end report workbook (XLSX), due every 11 December (Kế hoạch 60/KH-UBND).

One row per unit of the boundary version the year was collected on: total households,
poor households (provincial standard) and their rate, poor A and B, near-poor and their
rate, poor households with an ethnic-minority head, and the changes during the year
(escaped, fell back, newly poor, and the net change since the end of the previous year).
A province total row comes first; units are grouped by district (2021 and 2024
versions) or into thành thị / nông thôn (phường / xã, from 2025), each group with its
subtotal.

It is printed as is (title rows, three merged header rows, a numbering row, a signature
block, A4 landscape, header rows repeated on every page) and laid out like the review
workbooks the importer reads (``loaders.workbook``): importing an exported report gives
back the same counts. Cells hold values, not formulas (the importer reads values), and
the net change column is derived from two years, so the importer skips it with a warning.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from analysis.mapdata import Crosswalks, unit_counts
from povcore.errors import PovmapError
from povcore.units import get_version, registry
from povexport.provenance import Provenance, version_phrase
from povexport.sheetheader import write_merged_header

COUNT_KEYS: tuple[str, ...] = ("total_households", "poor", "poor_a", "poor_b", "near_poor",
                               "poor_em_head", "escaped", "fell_back", "newly_poor")


@dataclass(frozen=True)
class Column:
    """One value column: its header path (top to bottom) and what it holds."""

    path: tuple[str, ...]
    key: str  # a count key, "<count>_rate", or "poor_change"
    rate: bool = False


def columns(year: int) -> list[Column]:
    """The value columns of the report for ``year`` (headers name the previous year)."""
    poor, near = "Hộ nghèo (chuẩn tỉnh)", "Hộ cận nghèo (chuẩn tỉnh)"
    moves = "Biến động hộ nghèo trong năm"
    return [
        Column(("Tổng số hộ dân cư",), "total_households"),
        Column((poor, "Tổng số"), "poor"),
        Column((poor, "Tỷ lệ (%)"), "poor_rate", rate=True),
        Column((poor, "Trong đó", "Hộ nghèo A"), "poor_a"),
        Column((poor, "Trong đó", "Hộ nghèo B"), "poor_b"),
        Column((near, "Số hộ"), "near_poor"),
        Column((near, "Tỷ lệ (%)"), "near_poor_rate", rate=True),
        Column(("Hộ nghèo có chủ hộ là người dân tộc thiểu số", "Số hộ"), "poor_em_head"),
        Column((moves, "Thoát nghèo"), "escaped"),
        Column((moves, "Tái nghèo"), "fell_back"),
        Column((moves, "Phát sinh mới"), "newly_poor"),
        Column((moves, f"Tăng (+), giảm (−) so với cuối năm {year - 1}"), "poor_change"),
    ]


UNIT_HEADERS = ("STT", "Mã ĐVHC", "Tên đơn vị")


@dataclass(frozen=True, eq=False)
class ReportTable:
    """The report's numbers, before layout.

    ``units``: one row per unit of ``version`` (columns code, name, type, group_code,
    group_name, then every :data:`COUNT_KEYS` and ``poor_change``; NaN = no data).
    ``previous_note`` says how last year's figures were brought onto these units.
    """

    year: int
    version: str
    units: pd.DataFrame
    previous_note: str

    def total(self) -> pd.Series:
        """Province totals of the counts (sum over units with a value)."""
        return self.units[[*COUNT_KEYS, "poor_change"]].sum(min_count=1)


def _groups(units: pd.DataFrame, version: str, day: dt.date, province: str) -> pd.DataFrame:
    if "district" in get_version(version).levels:
        districts = registry(province).units(version, "district", on=day).set_index("code")
        parent = units["parent_code"].astype(str)
        return units.assign(group_code=parent, group_name=parent.map(districts["name"]))
    urban = units["type"].isin(["Phường", "Thị trấn"])
    return units.assign(group_code=urban.map({True: "I", False: "II"}),
                        group_name=urban.map({True: "Thành thị", False: "Nông thôn"}))


def _previous(obs: pd.DataFrame, year: int, version: str, crosswalks: Crosswalks | None,
              province: str) -> tuple[pd.Series, str]:
    try:
        prev = unit_counts(obs, year - 1, version, "commune", crosswalks, province)
    except PovmapError as err:
        return pd.Series(dtype=float), (f"Không tính được tăng, giảm so với năm {year - 1}: "
                                        f"{err.summary}")
    if prev.source_version is None or "poor" not in prev.counts:
        return pd.Series(dtype=float), f"Không có số liệu năm {year - 1} để so sánh."
    note = ""
    if prev.reaggregated:
        note = (f"Số hộ nghèo cuối năm {year - 1} ({version_phrase(prev.source_version)}) "
                f"quy đổi về đơn vị {version_phrase(version)} theo bảng chuyển đổi.")
    return prev.counts["poor"].astype(float), note


def available_versions(obs: pd.DataFrame, year: int) -> list[str]:
    """Boundary versions holding data for ``year``."""
    rows = obs[obs["year"] == year]
    return sorted(str(v) for v in rows["boundary_version"].unique())


def _check_year(obs: pd.DataFrame, year: int, version: str | None) -> str:
    present = available_versions(obs, year)
    if not present:
        years = ", ".join(str(y) for y in sorted(obs["year"].unique())) or "—"
        raise PovmapError(f"Không có số liệu năm {year} / no data for {year}. "
                          f"Năm có số liệu / years with data: {years}.")
    if version is None:
        return present[-1] if len(present) == 1 else _review_or_last(year, present)
    if version not in present:
        raise PovmapError(f"Năm {year} không có số liệu theo ranh giới {version} / no {year} "
                          f"data on boundary version {version}. Có / available: "
                          f"{', '.join(present)}.")
    return version


def _review_or_last(year: int, present: list[str]) -> str:
    from povcore.units import review_version

    review = review_version(year).key
    return review if review in present else present[-1]


def report_table(obs: pd.DataFrame, year: int, version: str | None = None,
                 crosswalks: Crosswalks | None = None, province: str = "75") -> ReportTable:
    """Counts of ``year`` per unit of the version it was collected on, and the change.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long counts: unit_code, boundary_version, year, indicator, value.
    year : int
        Review year.
    version : str, optional
        Boundary version of the rows; default: the version ``year`` was collected on.
    crosswalks : mapping, optional
        Needed when last year was collected on older boundaries (net change column).
    province : str
        GSO code of the province.

    Returns
    -------
    ReportTable
    """
    version = _check_year(obs, year, version)
    day = min(dt.date(year, 12, 31), get_version(version).valid_to or dt.date(year, 12, 31))
    day = max(day, get_version(version).valid_from)
    units = registry(province).units(version, "commune", on=day)
    units = units[["code", "name", "type", "parent_code"]].assign(code=units["code"].astype(str))
    own = obs[obs["boundary_version"].astype(str) == version]
    counts = unit_counts(own, year, version, "commune", None, province).counts
    counts = counts.reindex(columns=list(COUNT_KEYS)).astype(float)
    previous, note = _previous(obs, year, version, crosswalks, province)
    table = units.set_index("code").join(counts)
    table["poor_change"] = table["poor"] - previous.reindex(table.index)
    table = _groups(table.reset_index(), version, day, province)
    return ReportTable(year, version, table.reset_index(drop=True), note)


# --------------------------------------------------------------------------- layout

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(name="Times New Roman", bold=True, size=11)
_PLAIN = Font(name="Times New Roman", size=11)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_GREY = PatternFill("solid", fgColor="F2F2F2")
_HEADER_TOP = 8
_HEADER_DEPTH = 3


def _issuer(made_on: dt.date) -> str:
    """Issuing authority: the province became Thành phố Đồng Nai on 30 Apr 2026.

    Resolution 30/2026/QH16 (docs/DOMAIN.md §4).

    >>> _issuer(dt.date(2026, 4, 29)), _issuer(dt.date(2026, 4, 30))
    ('UBND TỈNH ĐỒNG NAI', 'UBND THÀNH PHỐ ĐỒNG NAI')
    """
    return "UBND THÀNH PHỐ ĐỒNG NAI" if made_on >= dt.date(2026, 4, 30) else "UBND TỈNH ĐỒNG NAI"


def _title_rows(ws: Worksheet, table: ReportTable, provenance: Provenance, width: int) -> None:
    half = width // 2
    rows = [
        (1, 1, half, _issuer(provenance.made_on), _BOLD),
        (1, half + 1, width, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _BOLD),
        (2, half + 1, width, "Độc lập - Tự do - Hạnh phúc", _BOLD),
        (4, 1, width, "BÁO CÁO KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO CUỐI NĂM "
         f"{table.year}", Font(name="Times New Roman", bold=True, size=14)),
        (5, 1, width, f"Theo {len(table.units)} đơn vị hành chính cấp xã, "
         f"{version_phrase(table.version)}", _PLAIN),
    ]
    if provenance.demo:
        rows.append((6, 1, width, "DỮ LIỆU MINH HỌA — không phải số liệu chính thức / "
                     "Illustrative data, not official figures",
                     Font(name="Times New Roman", bold=True, size=12, color="B2182B")))
    for r, c0, c1, text, font in rows:
        ws.cell(r, c0, text).font = font
        ws.cell(r, c0).alignment = Alignment(horizontal="center", vertical="center")
        ws.merge_cells(start_row=r, start_column=c0, end_row=r, end_column=c1)
    ws.cell(7, width, "Đơn vị tính: hộ, %").font = Font(name="Times New Roman", italic=True)
    ws.cell(7, width).alignment = Alignment(horizontal="right")


def _header(ws: Worksheet, cols: Sequence[Column]) -> None:
    top, depth = _HEADER_TOP, _HEADER_DEPTH
    write_merged_header(ws, top, UNIT_HEADERS, [c.path for c in cols], depth)
    first = len(UNIT_HEADERS) + 1
    numbering = top + depth
    for j in range(1, first + len(cols)):
        ws.cell(numbering, j, f"({j})")
    for row in ws.iter_rows(min_row=top, max_row=numbering, max_col=first + len(cols) - 1):
        for cell in row:
            cell.font, cell.alignment, cell.border = _BOLD, _CENTRE, _BORDER
    for cell in ws[numbering]:
        cell.font = Font(name="Times New Roman", italic=True, size=10)


def _value(key: str, values: pd.Series) -> float | int | None:
    if key.endswith("_rate"):
        count, total = values.get(key[:-5]), values.get("total_households")
        if count is None or total is None or pd.isna(count) or pd.isna(total) or total <= 0:
            return None
        return float(count) / float(total) * 100.0
    v = values.get(key)
    if v is None or pd.isna(v):
        return None
    return int(v) if float(v).is_integer() else round(float(v), 1)


@dataclass(frozen=True)
class _Line:
    stt: str
    code: str
    name: str
    values: pd.Series
    level: int  # 0 total, 1 group, 2 unit


def _roman(n: int) -> str:
    """Roman numeral of ``n`` (1–39), for group numbering.

    >>> _roman(4), _roman(22)
    ('IV', 'XXII')
    """
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _lines(table: ReportTable, province: str) -> list[_Line]:
    u = table.units
    keys = [*COUNT_KEYS, "poor_change"]
    lines = [_Line("", province, "TỔNG CỘNG TOÀN TỈNH", table.total(), 0)]
    by_district = "district" in get_version(table.version).levels
    number = 0
    for i, (group, rows) in enumerate(u.groupby("group_code", sort=True), start=1):
        code = str(group) if by_district else ""
        lines.append(_Line(_roman(i), code, str(rows["group_name"].iloc[0]),
                           rows[keys].sum(min_count=1), 1))
        for _, row in rows.sort_values("code").iterrows():
            number += 1
            lines.append(_Line(str(number), str(row["code"]), str(row["name"]), row, 2))
    return lines


def _body(ws: Worksheet, lines: list[_Line], cols: Sequence[Column], start: int) -> int:
    first = len(UNIT_HEADERS) + 1
    for i, line in enumerate(lines):
        r = start + i
        ws.cell(r, 1, line.stt or None)
        ws.cell(r, 2, line.code or None)
        ws.cell(r, 3, line.name)
        for j, col in enumerate(cols, start=first):
            value_cell = ws.cell(r, j, _value(col.key, line.values))
            value_cell.number_format = "0.00" if col.rate else "#,##0;-#,##0;0"
        for c in range(1, first + len(cols)):
            cell = ws.cell(r, c)
            cell.border = _BORDER
            cell.font = _BOLD if line.level < 2 else _PLAIN
            if line.level < 2:
                cell.fill = _GREY
            if c != 3:
                cell.alignment = Alignment(horizontal="center" if c < 3 else "right")
    return start + len(lines)


def _footer(ws: Worksheet, row: int, table: ReportTable, provenance: Provenance,
            width: int) -> None:
    notes = ["Ghi chú: Tỷ lệ (%) tính trên tổng số hộ dân cư của đơn vị. Cột tăng, giảm là "
             f"số hộ nghèo cuối năm {table.year} trừ cuối năm {table.year - 1}.",
             provenance.data_text("vi") + ". " + provenance.boundary_text("vi") + "."]
    if table.previous_note:
        notes.append(table.previous_note)
    r = row + 1
    for text in notes:
        ws.cell(r, 1, text).font = Font(name="Times New Roman", italic=True, size=10)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        r += 1
    day = provenance.made_on
    half = width // 2
    r += 1
    ws.cell(r, half + 1, f"Đồng Nai, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}")
    ws.cell(r, half + 1).font = Font(name="Times New Roman", italic=True)
    r += 1
    for c, text in ((2, "NGƯỜI LẬP BIỂU"), (half + 1, "THỦ TRƯỞNG ĐƠN VỊ")):
        ws.cell(r, c, text).font = _BOLD
        ws.cell(r + 1, c, "(Ký, ghi rõ họ tên)").font = Font(name="Times New Roman",
                                                             italic=True)
        if c != 2:
            ws.cell(r + 1, c, "(Ký tên, đóng dấu)").font = Font(name="Times New Roman",
                                                                italic=True)


def _print_setup(ws: Worksheet, width: int, header_end: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{_HEADER_TOP}:{header_end}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P / &N"  # type: ignore[union-attr]
    ws.freeze_panes = f"D{header_end + 1}"
    widths = {1: 6, 2: 9, 3: 28}
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = widths.get(c, 11.5)
    for r in range(_HEADER_TOP, _HEADER_TOP + _HEADER_DEPTH):
        ws.row_dimensions[r].height = 48


def build_report(table: ReportTable, provenance: Provenance, province: str = "75") -> Workbook:
    """The printable, re-importable workbook of ``table``.

    Parameters
    ----------
    table : ReportTable
        From :func:`report_table`.
    provenance : Provenance
        Source, import time, boundary version, demo flag and day made.
    province : str
        GSO code of the province (code of the total row).

    Returns
    -------
    openpyxl.Workbook
    """
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"Báo cáo {table.year}"
    cols = columns(table.year)
    width = len(UNIT_HEADERS) + len(cols)
    _title_rows(ws, table, provenance, width)
    _header(ws, cols)
    header_end = _HEADER_TOP + _HEADER_DEPTH
    end = _body(ws, _lines(table, province), cols, header_end + 1)
    _footer(ws, end, table, provenance, width)
    _print_setup(ws, width, header_end)
    wb.properties.title = f"Báo cáo kết quả rà soát hộ nghèo, hộ cận nghèo năm {table.year}"
    wb.properties.creator = "povmap (Bản đồ giảm nghèo)"
    return wb


def report_bytes(table: ReportTable, provenance: Provenance, province: str = "75") -> bytes:
    """The workbook of :func:`build_report` as ``.xlsx`` bytes."""
    buf = io.BytesIO()
    build_report(table, provenance, province).save(buf)
    return buf.getvalue()
