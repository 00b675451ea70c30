"""Tidy long-form poverty values, and the checks every importer shares.

The tidy form has one value per row: ``unit_code, year, indicator, value`` and an
optional ``boundary_version``. It is read from CSV (UTF-8 with or without BOM, comma or
semicolon separated) or from a workbook sheet whose header row has those columns. The
review-workbook importer (:mod:`loaders.workbook`) produces the same :class:`Cell`
records, so both are validated by :func:`validate_cells` here.

Numbers typed as text follow Vietnamese conventions: ``"1.234"`` is one thousand two
hundred thirty-four, ``"1.234,5"`` is 1234.5, ``"12,5"`` is 12.5 and ``"1 234"`` is
1234. Messages are Vietnamese first, then English after " / ".
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from loaders.catalog import UnitCatalog
from povcore.errors import Issue
from povcore.indicators import COUNT_KEYS, INDICATORS
from povcore.units import VERSIONS, review_version

_T = TypeVar("_T")

__all__ = [
    "TIDY_COLUMNS",
    "Cell",
    "TidyResult",
        "is_tidy_header",
    "normalize_code",
    "parse_number",
    "read_tidy_csv",
    "read_tidy_rows",
    "validate_cells",
]

TIDY_COLUMNS: tuple[str, ...] = ("unit_code", "year", "indicator", "value")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")
_PLAIN = re.compile(r"^\d+([.,]\d+)?$")
_MIXED = re.compile(r"^\d{1,3}(?P<sep>[.,])\d{3}((?P=sep)\d{3})*[.,]\d+$")
_CODE = re.compile(r"^\d+(\.0+)?$")


@dataclass(frozen=True)
class Cell:
    """One parsed value with where it came from (count or rate key)."""

    unit_code: str
    boundary_version: str
    year: int
    indicator: str
    value: float
    sheet: str | None
    row: int
    column: str


@dataclass(frozen=True)
class TidyResult:
    """Cells read from one tidy table, every issue found, and the data rows read."""

    cells: list[Cell]
    issues: list[Issue]
    n_rows: int


# --------------------------------------------------------------------------- numbers


def _clean_text(text: str) -> tuple[str, float]:
    """Strip spaces and sign; return the digits part and the sign."""
    text = _SPACES.sub("", text).replace("\u2212", "-")
    sign = 1.0
    if text.startswith("-"):
        sign, text = -1.0, text[1:]
    elif text.startswith("+"):
        text = text[1:]
    return text, sign


def _parse_separators(text: str, rate: bool) -> float:
    """Read digits with Vietnamese thousands / decimal separators."""
    if text.isdigit():
        return float(text)
    mixed = _MIXED.match(text)
    if mixed:
        pos = max(text.rfind("."), text.rfind(","))
        if text[pos] != mixed.group("sep"):
            return float(text[:pos].replace(mixed.group("sep"), "") + "." + text[pos + 1:])
    if not rate and (_THOUSANDS_DOT.match(text) or _THOUSANDS_COMMA.match(text)):
        return float(text.replace(".", "").replace(",", ""))
    if rate and (text.count(".") > 1 or text.count(",") > 1) \
            and (_THOUSANDS_DOT.match(text) or _THOUSANDS_COMMA.match(text)):
        return float(text.replace(".", "").replace(",", ""))
    if _PLAIN.match(text):
        return float(text.replace(",", "."))
    raise ValueError(text)


def parse_number(raw: object, rate: bool = False) -> float | None:
    """Read a number typed in a cell, Vietnamese separators included.

    Parameters
    ----------
    raw : object
        The cell value: a number, a text or ``None``.
    rate : bool
        Whether the column holds a rate in percent; then a single ``.`` or ``,`` is a
        decimal separator and a trailing ``%`` is allowed.

    Returns
    -------
    float or None
        The number; ``None`` for an empty cell or a dash.

    Raises
    ------
    ValueError
        When the text is not a number.

    Examples
    --------
    >>> parse_number("1.234"), parse_number("1.234,5"), parse_number("1 234")
    (1234.0, 1234.5, 1234.0)
    >>> parse_number("12,5", rate=True), parse_number("0.41%", rate=True)
    (12.5, 0.41)
    >>> parse_number("  ") is None, parse_number("-") is None
    (True, True)
    """
    if raw is None or isinstance(raw, bool):
        if raw is None:
            return None
        raise ValueError(str(raw))
    if isinstance(raw, int | float):
        return None if isinstance(raw, float) and math.isnan(raw) else float(raw)
    text = str(raw).strip()
    if text in {"", "-", "–", "—"}:
        return None
    if rate and text.endswith("%"):
        text = text[:-1]
    digits, sign = _clean_text(text)
    if not digits:
        raise ValueError(str(raw))
    return sign * _parse_separators(digits, rate)


def normalize_code(raw: object) -> str | None:
    """GSO code as a string of digits (``26068.0`` → ``"26068"``); ``None`` if empty.

    Raises
    ------
    ValueError
        When the value is not a code made of digits.

    Examples
    --------
    >>> normalize_code(26068.0), normalize_code(" 26068 "), normalize_code(None)
    ('26068', '26068', None)
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(str(raw))
    if isinstance(raw, float):
        if math.isnan(raw):
            return None
        if not raw.is_integer():
            raise ValueError(str(raw))
        return str(int(raw))
    if isinstance(raw, int):
        return str(raw)
    text = _SPACES.sub("", str(raw))
    if not text:
        return None
    if not _CODE.match(text):
        raise ValueError(text)
    return text.split(".")[0].lstrip("0") or "0"


# --------------------------------------------------------------------------- validation


def _err(message: str, hint: str, cell: Cell, file: str, value: object = None,
         severity: str = "error") -> Issue:
    return Issue(message, hint=hint, severity=severity,  # type: ignore[arg-type]
                 file=file, sheet=cell.sheet, row=cell.row, column=cell.column,
                 code=cell.unit_code, value=cell.value if value is None else value)


def _value_issues(cell: Cell, file: str) -> list[Issue]:
    if cell.indicator.endswith("_rate"):
        if not 0 <= cell.value <= 100:
            return [_err(f"tỷ lệ {cell.value:g}% nằm ngoài 0–100 / rate {cell.value:g}% is "
                         "outside 0–100", "tỷ lệ tính theo phần trăm / rates are in percent",
                         cell, file)]
        return []
    if cell.value < 0:
        return [_err(f"số hộ âm: {cell.value:g} / negative count: {cell.value:g}",
                     "số hộ phải ≥ 0 / counts must be ≥ 0", cell, file)]
    if not float(cell.value).is_integer():
        return [_err(f"số hộ không nguyên: {cell.value:g} / non-integer count: {cell.value:g}",
                     "số hộ phải là số nguyên; kiểm tra dấu phân cách / counts are whole "
                     "numbers; check the separators", cell, file)]
    return []


def _duplicate_issues(cells: Sequence[Cell], file: str) -> list[Issue]:
    seen: dict[tuple[str, int, str], Cell] = {}
    out: list[Issue] = []
    for cell in cells:
        key = (cell.unit_code, cell.year, cell.indicator)
        first = seen.setdefault(key, cell)
        if first is not cell:
            where = f"{first.sheet or ''} row {first.row}".strip()
            out.append(_err(
                f"trùng giá trị {cell.indicator} năm {cell.year} cho đơn vị {cell.unit_code} "
                f"(đã có ở {where}) / duplicate {cell.indicator} for unit {cell.unit_code}, "
                f"year {cell.year} (first at {where})",
                "mỗi đơn vị, năm, chỉ tiêu chỉ một giá trị / one value per unit, year and "
                "indicator", cell, file))
    return out


def _consistency_issues(group: dict[str, Cell], file: str) -> list[Issue]:
    out: list[Issue] = []
    total = group.get("total_households")
    for key, cell in group.items():
        if total and key in COUNT_KEYS and key != "total_households" \
                and cell.value > total.value:
            out.append(_err(
                f"{key} = {cell.value:g} lớn hơn tổng số hộ {total.value:g} (dòng {total.row}) / "
                f"{key} = {cell.value:g} exceeds total households {total.value:g}",
                "kiểm tra cột hoặc dòng bị lệch / check for a shifted column or row",
                cell, file))
    parts = [group.get(k) for k in ("poor", "poor_a", "poor_b")]
    poor, a, b = parts
    if poor is not None and a is not None and b is not None and a.value + b.value != poor.value:
        out.append(_err(
            f"hộ nghèo A + B = {a.value:g} + {b.value:g} = {a.value + b.value:g} khác tổng hộ "
            f"nghèo {poor.value:g} / poor A + B = {a.value + b.value:g} differs from poor "
            f"{poor.value:g} (columns {a.column}, {b.column}, {poor.column})",
            "hộ nghèo = A + B / poor = A + B", poor, file))
    return out + _rate_issues(group, file)


def _rate_issues(group: dict[str, Cell], file: str) -> list[Issue]:
    out: list[Issue] = []
    total = group.get("total_households")
    for key, cell in group.items():
        count = group.get(INDICATORS[key].numerator or "") if key.endswith("_rate") else None
        if count is None or total is None or total.value <= 0 or not 0 <= cell.value <= 100:
            continue
        derived = 100.0 * count.value / total.value
        poor = group.get("poor")
        # a sub-group of the poor may be given as a share of the poor households
        of_poor = 100.0 * count.value / poor.value if poor and poor.value > 0 and key not in (
            "poor_rate", "near_poor_rate", "poor_national_rate",
            "near_poor_national_rate") else None
        if not _rate_agrees(cell.value, derived) and not (
                of_poor is not None and _rate_agrees(cell.value, of_poor)):
            out.append(_err(
                f"tỷ lệ {cell.value:g}% khác tỷ lệ tính từ số hộ {derived:.2f}% "
                f"({count.value:g}/{total.value:g}) / rate {cell.value:g}% differs from "
                f"{derived:.2f}% derived from counts", "tỷ lệ không được lưu, chỉ dùng để "
                "kiểm tra; kiểm tra số hộ / rates are not stored, only checked; check the "
                "counts", cell, file))
    return out


def _rate_agrees(rate: float, derived: float) -> bool:
    """Whether a typed rate equals the derived one up to its own rounding.

    A rate typed with d decimals may differ by one unit of its last digit (rounded or
    cut off); a rate stored as a fraction (Excel's % format: 0.0167 for 1.67 %) is
    accepted too.

    >>> _rate_agrees(1.66, 1.6667), _rate_agrees(3, 1.67), _rate_agrees(0.0167, 1.6667)
    (True, False, True)
    """
    if _within(rate, derived):
        return True
    return rate < 1 and _within(rate * 100, derived)


def _within(typed: float, derived: float) -> bool:
    """``typed`` is ``derived`` rounded, or cut off, to the decimals it shows."""
    text = f"{round(typed, 6):.6f}".rstrip("0")
    unit = max(10.0 ** -(len(text.split(".")[1]) if "." in text else 0), 0.001)
    return abs(typed - derived) <= unit / 2 + 1e-9 or 0 <= derived - typed < unit + 1e-9


def validate_cells(cells: Iterable[Cell], file: str) -> list[Issue]:
    """Every problem in ``cells`` at once: values, duplicates and cross-checks.

    Parameters
    ----------
    cells : iterable of Cell
        Parsed values (counts and rates) with their location.
    file : str
        File name put on each issue.

    Returns
    -------
    list of Issue
        Errors: negative or non-integer counts, rates outside 0–100, duplicates,
        counts above total households, A + B ≠ poor, rates that disagree with their
        counts by more than the rounding of the typed rate.
    """
    cells = list(cells)
    out: list[Issue] = []
    for cell in cells:
        out.extend(_value_issues(cell, file))
    out.extend(_duplicate_issues(cells, file))
    groups: dict[tuple[str, int], dict[str, Cell]] = defaultdict(dict)
    for cell in cells:
        groups[(cell.unit_code, cell.year)].setdefault(cell.indicator, cell)
    for group in groups.values():
        out.extend(_consistency_issues(group, file))
    return out


# --------------------------------------------------------------------------- tidy reading


def is_tidy_header(values: Sequence[object]) -> bool:
    """Whether a header row names the tidy columns (unit_code, year, indicator, value).

    >>> is_tidy_header(["unit_code", "Year", "indicator", "value", "boundary_version"])
    True
    """
    names = {str(v).strip().lower() for v in values if v is not None}
    return set(TIDY_COLUMNS) <= names


@dataclass(frozen=True)
class _TidyContext:
    file: str
    sheet: str | None
    year: int | None
    version: str | None
    catalog: UnitCatalog


def _tidy_issue(ctx: _TidyContext, row: int, column: str, value: object, message: str,
                hint: str, code: str | None = None) -> Issue:
    return Issue(message, hint=hint, file=ctx.file, sheet=ctx.sheet, row=row, column=column,
                 value=value, code=code)


def _or_none(parse: Callable[[object], _T | None], raw: object) -> _T | None:
    """``parse(raw)``, or None where ``raw`` cannot be read (ValueError)."""
    try:
        return parse(raw)
    except ValueError:
        return None


def _tidy_year(ctx: _TidyContext, raw: object, row: int) -> tuple[int | None, list[Issue]]:
    number = _or_none(parse_number, raw)
    if number is None or not number.is_integer() or not 2000 <= number <= 2100:
        return None, [_tidy_issue(ctx, row, "year", raw, f"năm không hợp lệ: {raw!r} / "
                                  f"invalid year: {raw!r}", "ghi năm 4 chữ số, ví dụ 2025 / "
                                  "write a 4-digit year, e.g. 2025")]
    year = int(number)
    if ctx.year is not None and year != ctx.year:
        return None, [_tidy_issue(ctx, row, "year", raw, f"năm {year} khác năm đã chọn "
                                  f"{ctx.year} / year {year} differs from --year {ctx.year}",
                                  "bỏ --year hoặc sửa cột year / drop --year or fix the "
                                  "year column")]
    return year, []


def _tidy_indicator(ctx: _TidyContext, raw: object, row: int) -> tuple[str | None, list[Issue]]:
    key = str(raw or "").strip()
    if key in COUNT_KEYS:
        return key, []
    if key in INDICATORS:
        hint = ("tỷ lệ được tính từ số hộ; hãy nhập chỉ tiêu số hộ "
                f"'{INDICATORS[key].numerator}' / rates are derived from counts; give the "
                f"count '{INDICATORS[key].numerator}' instead")
        return None, [_tidy_issue(ctx, row, "indicator", raw, f"chỉ tiêu tỷ lệ '{key}' không "
                                  f"được nhập / rate indicator '{key}' is not accepted", hint)]
    return None, [_tidy_issue(ctx, row, "indicator", raw, f"chỉ tiêu không xác định '{key}' / "
                              f"unknown indicator '{key}'",
                              f"hợp lệ / valid: {', '.join(COUNT_KEYS)}")]


def _tidy_version(ctx: _TidyContext, raw: object, year: int | None,
                  row: int) -> tuple[str | None, list[Issue]]:
    text = str(raw).strip() if raw not in (None, "") else ""
    if text.endswith(".0"):
        text = text[:-2]
    if text and ctx.version and text != ctx.version:
        return None, [_tidy_issue(ctx, row, "boundary_version", raw, f"ranh giới {text} khác "
                                  f"ranh giới đã chọn {ctx.version} / boundary version {text} "
                                  f"differs from --boundary-version {ctx.version}",
                                  "bỏ một trong hai / drop one of them")]
    version = text or ctx.version or (review_version(year).key if year else None)
    if version is not None and version not in VERSIONS:
        return None, [_tidy_issue(ctx, row, "boundary_version", raw, f"ranh giới không xác "
                                  f"định '{version}' / unknown boundary version '{version}'",
                                  f"hợp lệ / valid: {', '.join(VERSIONS)}")]
    return version, []


def _tidy_code(ctx: _TidyContext, raw: object, version: str | None,
               row: int) -> tuple[str | None, list[Issue]]:
    code = _or_none(normalize_code, raw)
    if code is None:
        return None, [_tidy_issue(ctx, row, "unit_code", raw, f"mã đơn vị không hợp lệ: "
                                  f"{raw!r} / invalid unit code: {raw!r}",
                                  "mã GSO gồm chữ số / GSO codes are digits")]
    problem = ctx.catalog.code_issue(code, version) if version else None
    if problem:
        return None, [_tidy_issue(ctx, row, "unit_code", raw, *problem, code=code)]
    return code, []


def _tidy_value(ctx: _TidyContext, raw: object, row: int) -> tuple[float | None, list[Issue]]:
    value = _or_none(parse_number, raw)
    if value is None:
        return None, [_tidy_issue(ctx, row, "value", raw, f"giá trị không phải số: {raw!r} / "
                                  f"value is not a number: {raw!r}", "ghi số hộ, ví dụ 1.234 "
                                  "hoặc 1234 / write a count, e.g. 1234")]
    return value, []


def _tidy_row(ctx: _TidyContext, record: dict[str, object],
              row: int) -> tuple[Cell | None, list[Issue]]:
    year, i1 = _tidy_year(ctx, record.get("year"), row)
    key, i2 = _tidy_indicator(ctx, record.get("indicator"), row)
    version, i3 = _tidy_version(ctx, record.get("boundary_version"), year, row)
    code, i4 = _tidy_code(ctx, record.get("unit_code"), version, row)
    value, i5 = _tidy_value(ctx, record.get("value"), row)
    issues = i1 + i2 + i3 + i4 + i5
    if issues or year is None or key is None or version is None or code is None \
            or value is None:
        return None, issues
    return Cell(code, version, year, key, value, ctx.sheet, row, "value"), []


def read_tidy_rows(rows: Sequence[Sequence[object]], *, file: str, sheet: str | None,
                   year: int | None, boundary_version: str | None,
                   province: str) -> TidyResult:
    """Read tidy rows whose first row is the header.

    Parameters
    ----------
    rows : sequence of sequences
        Header row then data rows (row 1 is the header, as in Excel and CSV).
    file, sheet : str
        Names put on each issue (``sheet`` is ``None`` for CSV).
    year : int, optional
        When given, every row's year must equal it.
    boundary_version : str, optional
        Used for rows without a ``boundary_version``; else the review version of the year.
    province : str
        GSO province code of the unit registry.

    Returns
    -------
    TidyResult
        Cells, issues (not yet cross-validated) and the number of data rows read.
    """
    ctx = _TidyContext(file, sheet, year, boundary_version, UnitCatalog.of(province))
    header = [str(v).strip().lower() if v is not None else "" for v in rows[0]]
    missing = [c for c in TIDY_COLUMNS if c not in header]
    if missing:
        return TidyResult([], [Issue(
            f"thiếu cột {', '.join(missing)} / missing columns {', '.join(missing)}",
            hint=f"cần các cột / required: {', '.join(TIDY_COLUMNS)} (+ boundary_version); "
            f"có / found: {', '.join(h for h in header if h)}", file=file, sheet=sheet,
            row=1)], 0)
    cells: list[Cell] = []
    issues: list[Issue] = []
    n = 0
    for index, values in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        n += 1
        record = dict(zip(header, values, strict=False))
        cell, problems = _tidy_row(ctx, record, index)
        issues.extend(problems)
        if cell is not None:
            cells.append(cell)
    return TidyResult(cells, issues, n)


def read_tidy_csv(data: bytes, *, file: str, year: int | None = None,
                  boundary_version: str | None = None, province: str = "75") -> TidyResult:
    r"""Read a tidy CSV (UTF-8, optional BOM, comma or semicolon separated).

    Parameters
    ----------
    data : bytes
        The file content.
    file : str
        File name put on each issue.
    year, boundary_version, province
        As in :func:`read_tidy_rows`.

    Returns
    -------
    TidyResult
        Cells, issues and the number of data rows read.

    Examples
    --------
    >>> r = read_tidy_csv(b"unit_code;year;indicator;value\n26068;2023;poor;1.234\n",
    ...                   file="a.csv")
    >>> r.cells[0].value, r.cells[0].boundary_version
    (1234.0, '2021')
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return TidyResult([], [Issue(
            f"tệp CSV không phải UTF-8 (byte {err.start}) / CSV is not UTF-8 (byte {err.start})",
            hint="lưu lại với mã hóa UTF-8 / save it again as UTF-8", file=file)], 0)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows or not any(rows[0]):
        return TidyResult([], [Issue("tệp CSV rỗng / the CSV file is empty",
                                     hint=f"cần các cột / required: {', '.join(TIDY_COLUMNS)}",
                                     file=file)], 0)
    return read_tidy_rows(rows, file=file, sheet=None, year=year,
                          boundary_version=boundary_version, province=province)
