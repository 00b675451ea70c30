"""Front door for poverty-review values: one function for every accepted file.

:func:`read_values` looks at the *content* (and the extension) of a file and hands it
to the right reader: a review workbook laid out like the official forms
(:mod:`loaders.workbook`), a workbook sheet in tidy long form, or a tidy CSV
(:mod:`loaders.tidy`). Everything is validated together and every problem is reported
at once; an import is all-or-nothing.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import pandas as pd

from loaders.grid import Book, Grid, read_book, read_csv_grid
from loaders.tidy import Cell, TidyResult, is_tidy_header, read_tidy_rows, validate_cells
from loaders.workbook import read_review_book
from povcore.errors import Issue, PovmapError, Report
from povcore.indicators import COUNT_KEYS
from povcore.units import VERSIONS

__all__ = ["VALUE_COLUMNS", "ParsedImport", "RejectedFile", "read_values"]

VALUE_COLUMNS: tuple[str, ...] = ("unit_code", "boundary_version", "year", "indicator",
                                  "value", "sheet", "row", "column")
_EXCEL = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
_TEXT = {".csv", ".txt", ".tsv"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class ParsedImport:
    """Validated values of one file, ready to store.

    ``values`` has one row per (unit_code, year, indicator) with columns
    :data:`VALUE_COLUMNS`; indicators are count keys only (rates are checked, never
    stored); ``row`` is the 1-based Excel or CSV row and ``column`` the Excel letter or
    the tidy column name. ``report`` holds the warnings. ``n_rows`` counts the data rows
    read (unit rows of a workbook, data lines of a tidy table).
    """

    values: pd.DataFrame
    report: Report
    file_name: str
    sha256: str
    n_rows: int
    structure: dict[str, Any] = field(default_factory=dict)


class RejectedFile(PovmapError):
    """A rejected file, with what was recognised in it (``structure``, as accepted files)."""

    def __init__(self, summary: str, issues: list[Issue], structure: dict[str, Any]) -> None:
        super().__init__(summary, issues)
        self.structure = structure


def _fail(file: str, message: str, hint: str) -> PovmapError:
    return PovmapError(f"{file}: không nhập được / cannot import",
                       [Issue(message, hint=hint, file=file)])


def _sniff_zip(data: bytes, file: str) -> None:
    """Raise unless the bytes look like an OOXML or OpenDocument workbook."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile as err:
        raise _fail(file, f"tệp Excel bị hỏng (zip lỗi: {err}) / corrupt Excel file (bad zip: "
                    f"{err})", "mở bằng Excel và lưu lại dạng .xlsx / open it in Excel and "
                    "save it again as .xlsx") from err
    if not names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"}:
        kind = "Word" if any(n.startswith("word/") for n in names) else (
            "PowerPoint" if any(n.startswith("ppt/") for n in names) else "zip")
        raise _fail(file, f"không phải tệp Excel (là tệp {kind}) / not an Excel workbook "
                    f"(a {kind} file)", "chọn tệp .xlsx kết quả rà soát / choose the .xlsx "
                    "file of the review results")


def _check_excel_bytes(data: bytes, file: str) -> None:
    if not data:
        raise _fail(file, "tệp rỗng (0 byte) / the file is empty (0 bytes)",
                    "chọn đúng tệp / choose the right file")
    if data.startswith(_OLE) and "EncryptionInfo".encode("utf-16-le") in data:
        raise _fail(file, "tệp được đặt mật khẩu (mã hóa) / is password-protected (encrypted)",
                    "mở bằng Excel, bỏ mật khẩu và lưu thành .xlsx không bảo vệ / open it in "
                    "Excel, remove the password and save as an unprotected .xlsx")
    if data.startswith(b"%PDF"):
        raise _fail(file, "không phải tệp Excel (là tệp PDF) / not an Excel workbook (a PDF)",
                    "xuất bảng ra .xlsx / export the table to .xlsx")
    if not data.startswith((_ZIP, _OLE)):
        raise _fail(file, "không phải tệp Excel / not an Excel workbook",
                    "chọn tệp .xlsx, .xls, .ods hoặc .csv / choose an .xlsx, .xls, .ods or .csv")
    if data.startswith(_ZIP):
        _sniff_zip(data, file)


_Read = tuple[list[Cell], list[Issue], int, dict[str, Any]]


def _tidy_grid(grid: Grid) -> list[list[object]] | None:
    for i, row in enumerate(grid.values):
        if any(v is not None for v in row):
            names = {str(v).strip().lower() for v in row if v is not None}
            tidy = is_tidy_header(row) or ("unit_code" in names and len(
                names & {"year", "indicator", "value"}) >= 2)
            return grid.values[i:] if tidy else None
    return None


def _read_grids(book: Book, file: str, year: int | None, version: str | None,
                province: str, aliases: Path | None, csv: bool = False) -> _Read:
    tidy = [(None if csv else g.name, rows) for g in book.sheets
            if (rows := _tidy_grid(g)) is not None]
    structure: dict[str, Any] = {"hidden_sheets": book.hidden, "notes": book.notes}
    if tidy:
        cells: list[Cell] = []
        issues: list[Issue] = []
        n = 0
        for sheet, rows in tidy:
            res: TidyResult = read_tidy_rows(rows, file=file, sheet=sheet, year=year,
                                             boundary_version=version, province=province)
            cells += res.cells
            issues += res.issues
            n += res.n_rows
        structure["sheets"] = [{"sheet": s, "status": "tidy"} for s, _r in tidy]
        return cells, issues, n, structure
    result = read_review_book(book, file=file, year=year, boundary_version=version,
                              province=province, aliases=aliases)
    structure["sheets"] = [r.to_dict() for r in result.sheets]
    return result.cells, result.issues, result.n_rows, structure


def _frame(cells: list[Cell]) -> pd.DataFrame:
    rows = [(c.unit_code, c.boundary_version, c.year, c.indicator, c.value, c.sheet, c.row,
             c.column) for c in cells if c.indicator in COUNT_KEYS]
    frame = pd.DataFrame(rows, columns=list(VALUE_COLUMNS))
    return frame.astype({"unit_code": str, "boundary_version": str, "year": "int64",
                         "indicator": str, "value": "float64", "row": "int64",
                         "column": str}).sort_values(
        ["unit_code", "year", "indicator"], kind="stable").reset_index(drop=True)


def _dispatch(data: bytes, file: str, suffix: str, year: int | None, version: str | None,
              province: str, aliases: Path | None) -> _Read:
    if suffix in _TEXT:
        if data.startswith((_ZIP, _OLE, b"%PDF")):
            raise _fail(file, "tệp .csv không phải văn bản / the .csv file is not text",
                        "xuất lại dạng CSV UTF-8 / export it again as UTF-8 CSV")
        if not data.strip():
            raise _fail(file, "tệp CSV rỗng / the CSV file is empty",
                        "chọn đúng tệp / choose the right file")
        grid, encoding, separator = read_csv_grid(data, file)
        cells, issues, n, structure = _read_grids(Book([grid]), file, year, version, province,
                                                  aliases, csv=True)
        structure["csv"] = {"encoding": encoding, "separator": separator}
        return cells, issues, n, structure
    if suffix in _EXCEL or data.startswith((_ZIP, _OLE)):
        _check_excel_bytes(data, file)
        return _read_grids(read_book(data, file), file, year, version, province, aliases)
    raise _fail(file, f"loại tệp không hỗ trợ '{suffix or '(không có đuôi)'}' / unsupported "
                f"file type '{suffix or '(no extension)'}'",
                "chấp nhận / accepted: .xlsx, .xlsm, .xls, .ods, .csv")


def read_values(path: Path, year: int | None = None, boundary_version: str | None = None,
                province: str = "75", aliases: Path | None = None) -> ParsedImport:
    """Read and validate the poverty-review values of one file.

    Parameters
    ----------
    path : Path
        ``.xlsx``/``.xlsm`` (review layout or tidy sheet) or ``.csv`` (tidy).
    year : int, optional
        Review year; else read from the workbook title ("năm 2025") or the tidy rows.
    boundary_version : str, optional
        "2021", "2024" or "2025"; else the version of the end-of-year review of ``year``.
    province : str
        GSO province code of the unit registry (Đồng Nai: "75").
    aliases : Path, optional
        A header alias file extending ``loaders/aliases.toml``.

    Returns
    -------
    ParsedImport
        The values (counts only) with their location, warnings, file name, SHA-256 of
        the bytes and the number of data rows read.

    Raises
    ------
    PovmapError
        Carrying every issue found (errors and warnings) when anything is fatal.
    """
    path = Path(path)
    file = path.name
    if boundary_version is not None and boundary_version not in VERSIONS:
        raise _fail(file, f"ranh giới không xác định '{boundary_version}' / unknown boundary "
                    f"version '{boundary_version}'", f"hợp lệ / valid: {', '.join(VERSIONS)}")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise _fail(file, f"không đọc được tệp: {err} / cannot read the file: {err}",
                    "kiểm tra đường dẫn / check the path") from err
    cells, issues, n_rows, structure = _dispatch(data, file, path.suffix.lower(), year,
                                                 boundary_version, province, aliases)
    report = Report(list(issues))
    report.extend(validate_cells(cells, file))
    if not cells and not report.errors:
        report.add(Issue("không có dòng số liệu nào / no data rows", file=file,
                         hint="tệp không có giá trị nào để nhập / the file holds no values"))
    if report.errors:
        raise RejectedFile(f"{file}: {len(report.errors)} lỗi, không nhập / "
                           f"{len(report.errors)} errors, nothing imported", report.issues,
                           structure)
    return ParsedImport(_frame(cells), report, file, hashlib.sha256(data).hexdigest(), n_rows,
                        structure)
