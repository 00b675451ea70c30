"""Workbook and CSV files as plain grids of cell values, whatever their format.

``.xlsx``, ``.xlsm``, ``.xls`` and ``.ods`` are read with python-calamine (cached
values, merged ranges where the format has them, sheet visibility); CSV text is
decoded by :mod:`loaders.encodings` and split on the separator it uses. Legacy
Vietnamese text (TCVN3, VNI) is converted to Unicode per sheet. A formula whose value
was never computed (a file written by a program, not saved by Excel) is kept as its
formula text so the reader can compute it or refuse it — it is never read as empty.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from dataclasses import dataclass, field

import python_calamine as pc

from loaders.encodings import convert_cell, decode_csv_bytes, fix_legacy_rows
from loaders.tidy import parse_number
from povcore.errors import Issue, PovmapError

__all__ = ["Book", "Grid", "read_book", "read_csv_grid"]

_FORMULA_TAG = re.compile(rb"<f[\s>/]")
_CELL = re.compile(r'<c r="(?P<col>[A-Z]+)(?P<row>\d+)"(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</c>)',
                   re.DOTALL)
_F = re.compile(r"<f(?:\s[^>]*)?(?:/>|>(.*?)</f>)", re.DOTALL)
_V = re.compile(r"<v>(.*?)</v>", re.DOTALL)
_REL = re.compile(r"<Relationship\s[^>]*>")
_SHEET = re.compile(r"<sheet\s[^>]*>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_NUMERIC = re.compile(r"^[+-]?\d[\d .,\u00a0]*$")


@dataclass
class Grid:
    """One sheet: values row-major from A1 (``None`` when empty), merges, formulas."""

    name: str
    values: list[list[object]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    encoding: str | None = None

    def __post_init__(self) -> None:
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}
        for r0, c0, r1, c1 in self.merges:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self.merged[(r, c)] = (r0, c0)
        self.width = max((len(r) for r in self.values), default=0)

    def value(self, r: int, c: int) -> object:
        """Raw value at 0-based (r, c); ``None`` outside the sheet."""
        if 0 <= r < len(self.values) and 0 <= c < len(self.values[r]):
            return self.values[r][c]
        return None

    def text(self, r: int, c: int) -> str:
        """Text at (r, c), taking a merged range's top-left value."""
        r0, c0 = self.merged.get((r, c), (r, c))
        v = self.value(r0, c0)
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return "" if v is None else str(v).strip()


@dataclass
class Book:
    """The visible sheets of a file, the hidden ones' names, and what was noticed."""

    sheets: list[Grid]
    hidden: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _clean(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        return text or None
    return value


def _csv_value(text: str) -> object:
    """A CSV field: numbers as numbers (Vietnamese separators), text stripped."""
    value = _clean(text)
    if isinstance(value, str) and _NUMERIC.match(value):
        try:
            return parse_number(value)
        except ValueError:
            return value
    return value


def _corrupt(file: str, err: Exception) -> PovmapError:
    return PovmapError(
        f"{file}: tệp bảng tính bị hỏng / corrupt spreadsheet",
        [Issue(f"không đọc được tệp: {err} / cannot read the file: {err}",
               hint="mở bằng Excel và lưu lại (.xlsx) / open it in Excel and save it again "
               "(.xlsx)", file=file)])


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet XML path inside an OOXML workbook."""
    book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {}
    for rel in _REL.finditer(rels):
        attrs = dict(_ATTR.findall(rel.group(0)))
        target = attrs.get("Target", "").lstrip("/")
        targets[attrs.get("Id", "")] = target if target.startswith("xl/") else f"xl/{target}"
    out = {}
    for sheet in _SHEET.finditer(book):
        attrs = dict(_ATTR.findall(sheet.group(0)))
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
        out[html.unescape(attrs.get("name", ""))] = targets.get(rid, "")
    return out


def _uncached(xml: str) -> dict[tuple[int, int], str]:
    """Formula cells without a cached value.

    ``<f>`` with no or an empty ``<v>`` and not a string result (``t="str"``): what
    programs write; Excel always caches a value.

    >>> _uncached('<c r="B2"><f>A1+1</f><v></v></c><c r="C2" t="str"><f>X</f><v></v></c>'
    ...           '<c r="D2"><f>A1</f><v>3</v></c>')
    {(1, 1): '=A1+1'}
    """
    found: dict[tuple[int, int], str] = {}
    for cell in _CELL.finditer(xml):
        body = cell.group("body") or ""
        formula = _F.search(body)
        if formula is None:
            continue
        value = _V.search(body)
        if (value and value.group(1)) or 't="str"' in cell.group("attrs"):
            continue
        col = 0
        for ch in cell.group("col"):
            col = col * 26 + ord(ch) - 64
        text = html.unescape(formula.group(1) or "") or "shared formula"
        found[(int(cell.group("row")) - 1, col - 1)] = "=" + text
    return found


def _formulas(data: bytes, names: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    """Formulas saved without their value, by sheet name (OOXML only)."""
    out: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name, path in _sheet_paths(zf).items():
                if name not in names or path not in zf.namelist():
                    continue
                raw = zf.read(path)
                if _FORMULA_TAG.search(raw):
                    out[name] = _uncached(raw.decode("utf-8", "replace"))
    except (zipfile.BadZipFile, KeyError, OSError):
        return {}
    return out


def _sheet(wb: pc.CalamineWorkbook, name: str,
           formulas: dict[tuple[int, int], str]) -> Grid:
    sheet = wb.get_sheet_by_name(name)
    rows = [[_clean(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    for (r, c), text in formulas.items():
        if r < len(rows) and c < len(rows[r]) and rows[r][c] is None:
            rows[r][c] = text  # no cached value: keep the formula, never read as empty
        elif r < len(rows) and c >= len(rows[r]):
            rows[r].extend([None] * (c - len(rows[r]) + 1))
            rows[r][c] = text
    merges = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
    fixed, encoding = fix_legacy_rows(rows)
    if encoding is not None:  # a sheet named in the same font ("Bï §¨ng")
        name = convert_cell(name, encoding)
    return Grid(name, fixed, merges, dict(formulas), encoding)


def read_book(data: bytes, file: str) -> Book:
    """Read every visible sheet of an ``.xlsx``/``.xlsm``/``.xls``/``.ods`` file.

    Parameters
    ----------
    data : bytes
        The file content.
    file : str
        File name put on errors.

    Returns
    -------
    Book
        Visible sheets as grids, hidden sheet names, notes (legacy encodings found).

    Raises
    ------
    PovmapError
        When the bytes cannot be read as a spreadsheet.
    """
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError as err:
        raise PovmapError(f"{file}: tệp được đặt mật khẩu / password-protected", [Issue(
            "tệp được đặt mật khẩu (mã hóa) / the file is password-protected (encrypted)",
            hint="mở bằng Excel, bỏ mật khẩu và lưu lại / open it in Excel, remove the "
            "password and save it again", file=file)]) from err
    except (pc.CalamineError, ValueError, OSError) as err:
        raise _corrupt(file, err) from err
    visible = [m.name for m in wb.sheets_metadata
               if m.visible == pc.SheetVisibleEnum.Visible
               and m.typ == pc.SheetTypeEnum.WorkSheet]
    hidden = [m.name for m in wb.sheets_metadata if m.name not in visible]
    formulas = _formulas(data, visible) if data.startswith(b"PK") else {}
    sheets: list[Grid] = []
    try:
        for name in visible:
            sheets.append(_sheet(wb, name, formulas.get(name, {})))
    except (pc.CalamineError, ValueError) as err:
        raise _corrupt(file, err) from err
    notes = [f"sheet '{g.name}': {g.encoding}" for g in sheets if g.encoding]
    return Book(sheets, hidden, notes)


def read_csv_grid(data: bytes, file: str) -> tuple[Grid, str, str]:
    r"""One CSV file as a grid, with the encoding and separator detected.

    Parameters
    ----------
    data : bytes
        The CSV bytes: UTF-8 (with or without BOM) or Windows-1258; ``,`` ``;`` or tab.
    file : str
        File name (the grid's sheet name).

    Returns
    -------
    tuple
        ``(grid, encoding, separator)``.

    Examples
    --------
    >>> from loaders.encodings import encode_cp1258
    >>> g, enc, sep = read_csv_grid(encode_cp1258("Mã;Tên\n26068;Hóa An\n"), "a.csv")
    >>> g.values[1], enc, sep
    ([26068.0, 'Hóa An'], 'windows-1258', ';')
    """
    text, encoding = decode_csv_bytes(data)
    sample = "\n".join(text.splitlines()[:30])
    counts = {sep: sample.count(sep) for sep in (";", ",", "\t")}
    separator = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","
    rows: list[list[object]] = [[_csv_value(v) for v in row]
                                for row in csv.reader(io.StringIO(text), delimiter=separator)]
    fixed, legacy = fix_legacy_rows(rows)
    return Grid(file, fixed, encoding=legacy), encoding, separator
