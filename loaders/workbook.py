"""Read annual poverty-review tables laid out like the official report forms.

The forms of Thông tư 07/2021/TT-BLĐTBXH, Phụ lục VII ("Mẫu số 7.x") have title rows,
a header block of one to four rows (group titles merged or centred over sub-headers),
often a numbering row, then one row per unit grouped by district or by thành thị /
nông thôn with subtotal and total rows, and notes or a signature block below.

:mod:`loaders.layout` finds the table by content; this module reads its rows: unit rows
are matched by GSO code or name (:class:`loaders.catalog.UnitCatalog`, ambiguous names
resolved by the title, the sheet name, district rows and the districts of the other
rows), "-" is 0, an empty count is 0 only when the row's totals make it 0, formulas
without a cached value are computed, subtotal rows are checked, and the table ends at
the notes, the signature block ("Bù Đăng, ngày 26 tháng 12 năm 2024", "NGƯỜI LẬP BIỂU")
or loose text after an empty row. Nothing is guessed silently: every problem is an
issue naming the sheet, row and column.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from openpyxl.utils import get_column_letter

from loaders.catalog import UnitCatalog, split_prefix
from loaders.formulas import FormulaError, evaluate
from loaders.grid import Book, Grid
from loaders.headers import HeaderAliases, default_aliases
from loaders.layout import Layout, find_layout, is_header_like, is_numbering_row, strip_enum
from loaders.tidy import Cell, normalize_code, parse_number
from povcore.errors import Issue, PovmapError
from povcore.names import fold_text, spelling_key
from povcore.units import VERSIONS, review_version

__all__ = ["HeaderAliases", "SheetReport", "WorkbookResult", "read_review_book"]

RowKind = Literal["blank", "skip", "footer", "total", "subtotal", "group", "section", "unit"]
_DASHES = {"-", "–", "—", "--", "x", "X"}
_YEAR = re.compile(r"(thang\s+\d{1,2}\s+)?\bnam\s+(\d{4})\b")
_YEAR_END = re.compile(r"\b31\s*[/.\-]\s*12\s*[/.\-]\s*(20[1-3]\d)\b")
_BARE_YEAR = re.compile(r"(?<![\d/.\-])(20[1-3]\d)(?![\d/.\-])")
_NOT_TITLE_YEAR = ("thong tu", "kem theo", "nghi dinh", "quyet dinh", "giai doan", "ke hoach")
_TOTAL = ("tong cong", "toan tinh", "toan huyen", "toan thanh pho", "toan thi xa", "tong so",
          "cong toan", "tinh dong nai", "tong")
_SUBTOTAL = ("cong", "cong huyen", "cong thanh pho", "tong huyen", "cong thi xa")
_GROUPS = ("thanh thi", "nong thon", "khu vuc thanh thi", "khu vuc nong thon", "cac phuong",
           "cac xa", "cac thi tran", "cac phuong thi tran", "phuong", "xa", "khu vuc")
_FOOTER_WORDS = ("nguoi lap bieu", "nguoi lap", "lap bieu", "thu truong", "xac nhan",
                 "ky ten", "noi nhan", "chu tich", "giam doc", "truong phong", "ke toan",
                 "ghi chu", "luu y", "nguon", "tm uy ban", "tm ubnd", "kt chu tich",
                 "ky ghi ro", "dong dau")
_DATE_LINE = re.compile(r"\bngay\s+\d{1,2}\s+thang\s+\d{1,2}\b|\bngay\s*\.+|\d{1,2}/\d{1,2}/\d{4}")
_DISTRICT_IN_TEXT = re.compile(r"\b(huyen|thanh pho|thi xa|tp|tx)\s+([a-z ]+)")
_DEPENDENT = ("poor_a", "poor_b", "poor_em_head")


# --------------------------------------------------------------------------- report


@dataclass
class SheetReport:
    """What was recognised in one sheet (``--dry-run`` report)."""

    sheet: str
    unit_column: str | None = None
    unit_header: str = ""
    code_column: str | None = None
    header_rows: tuple[int, int] = (0, 0)
    indicators: list[dict[str, str]] = field(default_factory=list)
    ignored_columns: list[dict[str, str]] = field(default_factory=list)
    rows_read: int = 0
    rows_skipped: list[dict[str, Any]] = field(default_factory=list)
    encoding: str | None = None
    year: int | None = None
    boundary_version: str | None = None
    status: str = "read"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"sheet": self.sheet, "status": self.status, "unit_column": self.unit_column,
                "unit_header": self.unit_header, "code_column": self.code_column,
                "header_rows": list(self.header_rows), "indicators": self.indicators,
                "ignored_columns": self.ignored_columns, "rows_read": self.rows_read,
                "rows_skipped": self.rows_skipped, "encoding": self.encoding,
                "year": self.year, "boundary_version": self.boundary_version}


@dataclass(frozen=True)
class WorkbookResult:
    """Cells read from a review workbook, every issue found and the unit rows read."""

    cells: list[Cell]
    issues: list[Issue]
    n_rows: int
    sheets: list[SheetReport]


# --------------------------------------------------------------------------- state


@dataclass
class _Check:
    """A total, subtotal, group or section row whose values must add up."""

    row: int
    label: str
    values: dict[int, float]
    members: list[int] = field(default_factory=list)
    whole: bool = False


@dataclass
class _Sheet:
    grid: Grid
    layout: Layout
    file: str
    year: int
    version: str
    catalog: UnitCatalog
    report: SheetReport
    context: list[str]
    seen: frozenset[str]
    cells: list[Cell] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    unit_values: list[dict[int, float]] = field(default_factory=list)
    checks: list[_Check] = field(default_factory=list)
    section: str | None = None
    open_section: _Check | None = None
    open_group: _Check | None = None
    after_blank: bool = False
    end_row: int = 0

    def issue(self, r: int, column: int | None, message: str, hint: str, value: object = None,
              code: str | None = None, severity: str = "error") -> None:
        self.issues.append(Issue(
            message, hint=hint, severity=severity,  # type: ignore[arg-type]
            file=self.file, sheet=self.grid.name, row=r + 1,
            column=get_column_letter(column + 1) if column is not None else None,
            value=value, code=code))

    def skip(self, r: int, reason: str) -> None:
        self.report.rows_skipped.append({"row": r + 1, "reason": reason})


# --------------------------------------------------------------------------- text


def _fold_row(grid: Grid, r: int) -> str:
    row = grid.values[r] if r < len(grid.values) else []
    return " ".join(fold_text(str(v)) for v in row if isinstance(v, str))


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold_text(text)).split())


def _label(st: _Sheet, r: int) -> str:
    for c in (st.layout.name_col, st.layout.code_col, *st.layout.label_cols):
        if c is None:
            continue
        v = st.grid.value(r, c)
        if isinstance(v, str) and v.strip() and not v.strip().isdigit():
            return v.strip()
    return ""


def _text_kind(label: str) -> RowKind:
    """Total, subtotal or group row by its words ("Tổng cộng", "Cộng huyện X", "Thành thị").

    Totals are recognised first: "Cộng toàn tỉnh" is the province's total although
    other rows starting "Cộng …" are subtotals.

    >>> [_text_kind(x) for x in ("Cộng toàn tỉnh", "Cộng huyện Tân Phú", "Cộng", "Tổng cộng")]
    ['total', 'subtotal', 'subtotal', 'total']
    """
    text = _words(strip_enum(label))
    if text in _TOTAL or text.startswith(("tong cong", "toan tinh", "tong so", "toan huyen",
                                          "toan thanh pho", "toan thi xa", "tong toan",
                                          "cong toan")):
        return "total"
    if text in _SUBTOTAL or text.startswith(("cong ", "tong huyen")):
        return "subtotal"
    if text in _GROUPS or text.startswith(("khu vuc ", "cac xa ", "cac phuong ", "trong do")):
        return "group"
    return "unit"


def _is_footer_row(st: _Sheet, r: int) -> bool:
    if any(isinstance(st.grid.value(r, c), int | float) for c in st.layout.indicators):
        return False
    text = _words(_fold_row(st.grid, r))
    if any(f" {w} " in f" {text} " for w in _FOOTER_WORDS):
        return True
    return bool(_DATE_LINE.search(_fold_row(st.grid, r)))


def _is_blank(st: _Sheet, r: int) -> bool:
    return all(v is None for v in st.grid.values[r])


# --------------------------------------------------------------------------- values


def _number(st: _Sheet, r: int, c: int, raw: object, rate: bool) -> float | None:
    if isinstance(raw, str) and raw.startswith("="):
        try:
            return evaluate(raw, lambda rr, cc: _lookup(st, rr, cc))
        except (FormulaError, RecursionError):
            if rate:  # rates are only checked, never stored: skip the check
                st.issue(r, c, f"tỷ lệ là công thức chưa tính, không kiểm tra: {raw} / rate "
                         f"formula without a value, not checked: {raw}", "mở và lưu lại tệp "
                         "trong Excel để kiểm tra tỷ lệ / open and save the file in Excel to "
                         "check the rates", value=raw, severity="warning")
                return None
            st.issue(r, c, f"công thức chưa có giá trị: {raw} / formula without a computed "
                     f"value: {raw}", "mở và lưu lại tệp trong Excel (để Excel tính công thức) "
                     "/ open and save the file in Excel so it computes the formulas",
                     value=raw)
            return None
    if isinstance(raw, str) and raw.strip() in _DASHES:
        return None if rate else 0.0  # "-": no households; a rate "-" is not given
    try:
        return parse_number(raw, rate=rate)
    except ValueError:
        st.issue(r, c, f"không phải số: {raw!r} / not a number: {raw!r}",
                 "ghi số, ví dụ 1.234 hoặc 12,5 / write a number, e.g. 1.234 or 12,5",
                 value=raw)
        return None


def _lookup(st: _Sheet, r: int, c: int) -> float:
    raw = st.grid.value(r, c)
    if raw is None or (isinstance(raw, str) and raw.strip() in _DASHES):
        return 0.0
    if isinstance(raw, str) and raw.startswith("="):
        return evaluate(raw, lambda rr, cc: _lookup(st, rr, cc))
    try:
        return parse_number(raw) or 0.0
    except ValueError as err:
        raise FormulaError(str(raw)) from err


def _row_values(st: _Sheet, r: int) -> tuple[dict[int, float], list[int]]:
    """Numbers of the indicator columns, and the columns left empty."""
    out: dict[int, float] = {}
    empty: list[int] = []
    for c, col in st.layout.indicators.items():
        raw = st.grid.value(r, c)
        if raw is None:
            empty.append(c)
            continue
        value = _number(st, r, c, raw, rate=bool(col.key and col.key.endswith("_rate")))
        if value is not None:
            out[c] = value
    return out, empty


def _fill_empty(st: _Sheet, r: int, values: dict[int, float], empty: list[int]) -> None:
    """An empty count is 0 when the row's totals make it 0; otherwise an error."""
    by_key = {st.layout.indicators[c].key: v for c, v in values.items()}
    poor = by_key.get("poor")
    for c in empty:
        key = st.layout.indicators[c].key or ""
        if key.endswith("_rate"):
            continue
        if _determined_zero(key, by_key, poor):
            values[c] = 0.0
            continue
        st.issue(r, c, f"ô trống ở cột '{st.layout.indicators[c].header}' / empty cell in "
                 f"column '{st.layout.indicators[c].header}'", "ghi 0 hoặc '-' nếu không có hộ "
                 "nào, hoặc ghi số / write 0 or '-' when there are none, or the number")


def _determined_zero(key: str, by_key: dict[str | None, float], poor: float | None) -> bool:
    if poor == 0 and (key in _DEPENDENT or key.startswith("deprived_")):
        return True
    if key == "poor_a" and poor is not None and "poor_b" in by_key:
        return poor - by_key["poor_b"] == 0
    if key == "poor_b" and poor is not None and "poor_a" in by_key:
        return poor - by_key["poor_a"] == 0
    if key == "poor" and "poor_a" in by_key and "poor_b" in by_key:
        return by_key["poor_a"] + by_key["poor_b"] == 0
    return False


# --------------------------------------------------------------------------- rows


def _classify(st: _Sheet, r: int, label: str) -> RowKind:
    if _is_blank(st, r):
        return "blank"
    if is_numbering_row(st.grid, r):
        return "skip"
    if _is_footer_row(st, r):
        return "footer"
    kind = _text_kind(label) if label else "unit"
    if kind != "unit":
        return kind
    _bare, typ, district_prefix = split_prefix(strip_enum(label))
    plain = strip_enum(label)
    is_commune = st.catalog.is_commune_name(st.version, plain)
    district = st.catalog.district_code(st.version, plain) if typ is None else None
    if district_prefix or (district is not None and (
            not is_commune or _sums_following(st, r, district))):
        return "section"
    if re.match(r"^\s*[IVX]+\s*[.)]", label) and not is_commune:
        return "group"
    return "unit"


def _sums_following(st: _Sheet, r: int, district: str) -> bool:
    """Whether a bare name of both a district and a commune ("Tân Phú") is a district row.

    It is when the rows below are communes of that district and add up to it (or the
    row has no numbers); otherwise it is the commune (the district's town).
    """
    own = _raw_numbers(st, r)
    total: dict[int, float] = {}
    n = 0
    for rr in range(r + 1, min(len(st.grid.values), r + 400)):
        label = strip_enum(_label(st, rr))
        cands = st.catalog.candidates(st.version, label) if label else []
        if not cands or all(u.parent != district for u in cands):
            break
        n += 1
        for c, v in _raw_numbers(st, rr).items():
            total[c] = total.get(c, 0.0) + v
    if n == 0:
        return False
    return not own or all(abs(total.get(c, 0.0) - v) < 1e-6 for c, v in own.items())


def _raw_numbers(st: _Sheet, r: int) -> dict[int, float]:
    out: dict[int, float] = {}
    for c, col in st.layout.indicators.items():
        v = st.grid.value(r, c)
        if isinstance(v, int | float) and not (col.key or "").endswith("_rate"):
            out[c] = float(v)
    return out


def _code_of(st: _Sheet, r: int) -> tuple[str | None, bool]:
    col = st.layout.code_col
    if col is None:
        return None, True
    raw = st.grid.value(r, col)
    try:
        return normalize_code(raw) if isinstance(raw, int | float | str) else None, True
    except ValueError:
        if isinstance(raw, str) and (_text_kind(raw) != "unit" or col == st.layout.name_col
                                     or not any(ch.isdigit() for ch in raw)):
            return None, True
        st.issue(r, col, f"mã đơn vị không hợp lệ: {raw!r} / invalid unit code: {raw!r}",
                 "mã GSO gồm chữ số, ví dụ 26068 / GSO codes are digits, e.g. 26068", raw)
        return None, False


def _open_check(st: _Sheet, r: int, label: str, kind: RowKind,
                values: dict[int, float]) -> None:
    check = _Check(r, label, values)
    if kind in ("total", "group"):
        st.open_group = None
        st.open_section = None
    if kind == "total":
        check.whole = True
    elif kind == "group":
        st.open_group = check
    elif kind == "section":
        st.open_section = check
    if values:
        st.checks.append(check)


def _close_subtotal(st: _Sheet, r: int, label: str, values: dict[int, float]) -> None:
    scope = st.open_section or st.open_group
    check = _Check(r, label, values, list(scope.members) if scope else [], whole=scope is None)
    st.open_section = None
    if values:
        st.checks.append(check)


def _section_row(st: _Sheet, r: int, label: str, code: str | None,
                 values: dict[int, float]) -> None:
    district = code if code and st.catalog.is_district(st.version, code) else \
        st.catalog.district_code(st.version, label)
    if district is None:
        st.issue(r, st.layout.name_col, f"không nhận ra huyện '{label}' trong ranh giới "
                 f"{st.version} / unknown district '{label}' in boundary version {st.version}",
                 "kiểm tra tên huyện / check the district name", value=label,
                 severity="warning")
    st.section = district
    st.skip(r, f"dòng huyện / district row: {label}")
    _open_check(st, r, label, "section", values)


def _unit_row(st: _Sheet, r: int, label: str, code: str | None, values: dict[int, float],
              empty: list[int]) -> None:
    if code is None:
        if not label:
            if values:
                st.issue(r, st.layout.name_col, "dòng có số liệu nhưng không có tên hoặc mã "
                         "đơn vị / row has numbers but no unit name or code",
                         "ghi tên hoặc mã đơn vị / give the unit name or code")
            return
        found = st.catalog.match(st.version, label, st.context, _row_district(st, r) or
                                 st.section, st.seen)
        if found.code is None:
            st.issue(r, st.layout.name_col, found.message, found.hint, value=label)
            return
        code = found.code
    elif not _code_ok(st, r, code, label):
        return
    if not values and len(empty) == len(st.layout.indicators):
        # A unit listed with every cell empty did not report: nothing is stored for it
        # (a partly empty row is an error, see _fill_empty).
        st.skip(r, f"đơn vị chưa có số liệu / unit without figures: {label or code}")
        st.issue(r, None, f"{label or code}: dòng không có số liệu nào, không nhập đơn vị này / "
                 "the row has no figures; this unit is not imported",
                 "điền số liệu nếu đơn vị đã báo cáo / fill in the figures if the unit reported",
                 code=code, severity="warning")
        return
    _fill_empty(st, r, values, empty)
    _store_unit(st, r, code, values)


def _row_district(st: _Sheet, r: int) -> str | None:
    """District named in the row's district column, if the table has one."""
    c = st.layout.district_col
    v = st.grid.value(r, c) if c is not None else None
    return st.catalog.district_code(st.version, strip_enum(v)) if isinstance(v, str) else None


def _code_ok(st: _Sheet, r: int, code: str, label: str) -> bool:
    problem = st.catalog.code_issue(code, st.version)
    if problem:
        st.issue(r, st.layout.code_col, *problem, value=code, code=code)
        return False
    if not label or st.layout.name_col is None or st.catalog.name_matches(st.version, code,
                                                                          label):
        return True
    unit = st.catalog.unit(st.version, code)
    other = [v for v in VERSIONS if v != st.version and st.catalog.name_matches(v, code, label)]
    named = st.catalog.candidates(st.version, label)
    if other:
        hint = (f"tên này là của mã {code} trong ranh giới {other[0]}: chọn --boundary-version "
                f"{other[0]} / this is the name of {code} in version {other[0]}: choose "
                f"--boundary-version {other[0]}")
    elif named:
        hint = (f"'{label}' là mã / is code {', '.join(u.code for u in named)}: sửa mã hoặc "
                "tên / fix the code or the name")
    else:
        hint = "kiểm tra mã hoặc tên / check the code or the name"
    st.issue(r, st.layout.name_col, f"mã {code} ({unit.label if unit else '?'}) và tên "
             f"'{label}' không khớp / code {code} and name '{label}' disagree", hint,
             value=label, code=code)
    return False


def _store_unit(st: _Sheet, r: int, code: str, values: dict[int, float]) -> None:
    index = len(st.unit_values)
    st.unit_values.append(values)
    st.report.rows_read += 1
    for scope in (st.open_section, st.open_group):
        if scope is not None:
            scope.members.append(index)
    for c, value in values.items():
        key = st.layout.indicators[c].key or ""
        st.cells.append(Cell(code, st.version, st.year, key, value, st.grid.name, r + 1,
                             get_column_letter(c + 1)))


def _check_sums(st: _Sheet) -> None:
    for check in st.checks:
        members = range(len(st.unit_values)) if check.whole else check.members
        for c, value in check.values.items():
            key = st.layout.indicators[c].key or ""
            parts = [st.unit_values[i][c] for i in members if c in st.unit_values[i]]
            if key.endswith("_rate") or not parts:
                continue
            total = sum(parts)
            if abs(total - value) > 1e-6:
                st.issue(check.row, c, f"dòng '{check.label}': {key} = {value:g} nhưng tổng "
                         f"các dòng là {total:g} / row '{check.label}': {key} = {value:g} but "
                         f"its rows add up to {total:g}", "kiểm tra dòng tổng hoặc các dòng "
                         "con / check the subtotal or its rows", value=value,
                         severity="warning")


def _process_row(st: _Sheet, r: int) -> bool:
    """Handle one row below the header; False when the table has ended."""
    label = _label(st, r)
    kind = _classify(st, r, label)
    if kind == "blank":
        st.after_blank = True
        return True
    if kind == "skip":
        st.skip(r, "dòng đánh số cột / column numbering row")
        return True
    if kind == "footer":
        return False
    label = strip_enum(label)
    if kind == "unit" and is_header_like(st.grid, r) and not st.catalog.is_commune_name(
            st.version, label):
        return False  # the header of another table below this one
    code, ok = _code_of(st, r)
    values, empty = _row_values(st, r)
    if kind == "unit" and code is None and not values and not st.catalog.is_commune_name(
            st.version, label):
        if (st.after_blank or not label) and not _units_follow(st, r):
            return False
        st.skip(r, f"dòng chữ / text row: {label}")
        return True
    st.after_blank = False
    if ok:
        _dispatch(st, r, _kind_by_code(st, kind, code), label, code, values, empty)
    return True


def _units_follow(st: _Sheet, r: int) -> bool:
    """Unit rows with numbers within the next rows, before any signature line."""
    for rr in range(r + 1, min(len(st.grid.values), r + 6)):
        if _is_footer_row(st, rr):
            return False
        label = strip_enum(_label(st, rr))
        if label and st.catalog.is_commune_name(st.version, label) and _raw_numbers(st, rr):
            return True
    return False


def _kind_by_code(st: _Sheet, kind: RowKind, code: str | None) -> RowKind:
    if code is None:
        return kind
    if code == st.catalog.province:
        return "total"
    if st.catalog.is_district(st.version, code):
        return "section"
    return "unit" if kind == "section" else kind


def _dispatch(st: _Sheet, r: int, kind: RowKind, label: str, code: str | None,
              values: dict[int, float], empty: list[int]) -> None:
    if kind == "section":
        _section_row(st, r, label, code, values)
    elif kind == "subtotal":
        st.section = None
        st.skip(r, f"dòng cộng / subtotal row: {label}")
        _close_subtotal(st, r, label, values)
    elif kind in ("total", "group"):
        st.section = None
        st.skip(r, f"dòng tổng / total row: {label}" if kind == "total"
                else f"dòng nhóm / group row: {label}")
        _open_check(st, r, label, kind, values)
    else:
        _unit_row(st, r, label, code, values, empty)


# --------------------------------------------------------------------------- year, context


def _title_year(grid: Grid, rows: range) -> list[int]:
    """Years named in title rows ("năm 2025"), ignoring dates ("tháng 7 năm 2021").

    A year written as "năm YYYY" or "31/12/YYYY" anywhere in the title block wins over
    bare years elsewhere (a subtitle "ranh giới 2021" or "phiên bản 2021" names boundaries,
    not the review); bare years count only when no line names one explicitly.
    """
    explicit: list[int] = []
    bare: list[int] = []
    for r in rows:
        for v in grid.values[r] if r < len(grid.values) else []:
            if not isinstance(v, str):
                continue
            text = _words(v)
            if any(w in text for w in _NOT_TITLE_YEAR):
                continue
            explicit += [int(m.group(2)) for m in _YEAR.finditer(text) if not m.group(1)]
            explicit += [int(y) for y in _YEAR_END.findall(v)]  # "tính đến 31/12/2024"
            if not _DATE_LINE.search(fold_text(v)) and "ngay" not in text:
                bare += [int(y) for y in _BARE_YEAR.findall(fold_text(v))]
    return sorted(set(explicit or bare))


def _sheet_year(grid: Grid, layout: Layout, year: int | None,
                file: str) -> tuple[int | None, list[Issue]]:
    found = _title_year(grid, range(layout.header_start))
    if not found and len(layout.header_years) == 1:
        found = layout.header_years
    where: dict[str, Any] = {"file": file, "sheet": grid.name, "row": 1}
    if year is not None:
        if found and year not in found:
            seen = ", ".join(map(str, found))
            return None, [Issue(
                f"tiêu đề ghi năm {seen} nhưng --year là {year} / the title says {seen} but "
                f"--year is {year}", hint=f"chạy lại với --year {found[0]} nếu đây là kết quả "
                f"rà soát năm {found[0]} / run again with --year {found[0]} if this is the "
                f"{found[0]} review", value=seen, **where)]
        return year, []
    if len(found) == 1:
        return found[0], []
    if len(found) > 1 and set(found) <= set(layout.header_years):
        return max(found), []  # a comparison table: the latest year is the review
    seen = f" (thấy / found: {', '.join(map(str, found))})" if found else ""
    return None, [Issue(
        f"không xác định được năm rà soát từ tiêu đề{seen} / cannot tell the review year "
        f"from the title{seen}", hint="chỉ định năm bằng --year, ví dụ --year 2025 / give "
        "the year with --year, e.g. --year 2025", **where)]


def _context(grid: Grid, layout: Layout, catalog: UnitCatalog, version: str) -> list[str]:
    """Districts named by the title rows or the sheet name, in that order."""
    out: list[str] = []
    texts = [_words(str(v)) for r in range(layout.header_start) for v in grid.values[r]
             if isinstance(v, str)]
    for text in texts:
        for m in _DISTRICT_IN_TEXT.finditer(text):
            words = m.group(2).split()
            for n in range(len(words), 0, -1):
                code = catalog.district_code(version, " ".join(words[:n]))
                if code is not None:
                    out.append(code)
                    break
    sheet = catalog.district_code(version, grid.name)
    if sheet is not None:
        out.append(sheet)
    return list(dict.fromkeys(out))


def _seen_districts(grid: Grid, layout: Layout, catalog: UnitCatalog,
                    version: str) -> frozenset[str]:
    """Districts of the rows whose name or code names exactly one unit."""
    counts: Counter[str] = Counter()
    for r in range(layout.header_end + 1, min(len(grid.values), layout.header_end + 600)):
        for c in (layout.code_col, layout.name_col):
            v = grid.value(r, c) if c is not None else None
            unit = _unique_unit(catalog, version, v)
            if unit is not None:
                counts[unit] += 1
                break
    return frozenset(counts)


def _unique_unit(catalog: UnitCatalog, version: str, v: object) -> str | None:
    if isinstance(v, int | float):
        try:
            code = normalize_code(v)
        except ValueError:
            return None
        unit = catalog.unit(version, code) if code else None
        return unit.parent if unit else None
    if isinstance(v, str) and v.strip():
        cands = catalog.candidates(version, strip_enum(v))
        return cands[0].parent if len(cands) == 1 else None
    return None


# --------------------------------------------------------------------------- sheets


@dataclass(frozen=True)
class _Options:
    file: str
    year: int | None
    boundary_version: str | None
    catalog: UnitCatalog
    aliases: HeaderAliases


def _version(year: int, boundary_version: str | None) -> str:
    return boundary_version or review_version(year).key


def _layout_issues(layout: Layout, grid: Grid, file: str) -> list[Issue]:
    where: dict[str, Any] = {"file": file, "sheet": grid.name, "row": layout.header_start + 1}
    out: list[Issue] = []
    for col in layout.unmapped:
        out.append(Issue(
            f"cột {col.letter} '{col.header}' nói về hộ nghèo nhưng không khớp chỉ tiêu nào / "
            f"column {col.letter} '{col.header}' is about poverty but matches no indicator",
            hint="sửa tiêu đề theo mẫu (ví dụ 'Hộ nghèo A', 'Hộ cận nghèo') hoặc thêm bí danh "
            "(--aliases) / use a form header (e.g. 'Hộ nghèo A', 'Hộ cận nghèo') or add an "
            "alias (--aliases)", column=col.letter, value=col.header, **where))
    for first, second in layout.duplicates:
        out.append(Issue(
            f"hai cột {first.letter} '{first.header}' và {second.letter} '{second.header}' cùng "
            f"là '{first.key}' / columns {first.letter} and {second.letter} both mean "
            f"'{first.key}'", hint="sửa tiêu đề một cột / fix one of the headers",
            column=second.letter, value=second.header, **where))
    if not layout.indicators:
        out.append(Issue("không có cột chỉ tiêu nào được nhận ra / no indicator column "
                         "recognised", hint="kiểm tra tiêu đề hoặc thêm bí danh (--aliases) / "
                         "check the headers or add aliases (--aliases)", **where))
    return out


def _report(grid: Grid, layout: Layout) -> SheetReport:
    unit_col = layout.name_col if layout.name_col is not None else layout.code_col
    rep = SheetReport(grid.name, encoding=grid.encoding,
                      header_rows=(layout.header_start + 1, layout.header_end + 1))
    if unit_col is not None:
        rep.unit_column = get_column_letter(unit_col + 1)
        rep.unit_header = " > ".join(
            t for t in dict.fromkeys(grid.text(r, unit_col) for r in
                                     range(layout.header_start, layout.header_end + 1)) if t)
    if layout.code_col is not None:
        rep.code_column = get_column_letter(layout.code_col + 1)
    rep.indicators = [{"column": c.letter, "header": c.header, "indicator": c.key or ""}
                      for c in layout.indicators.values()]
    rep.ignored_columns = [{"column": c.letter, "header": c.header, "reason": c.reason}
                           for c in layout.ignored]
    return rep


def _read_sheet(grid: Grid, layout: Layout, opts: _Options,
                first: bool = True) -> tuple[_Sheet | None, list[Issue]]:
    year, year_issues = _sheet_year(grid, layout, opts.year, opts.file)
    layout.settle(year)
    issues = _layout_issues(layout, grid, opts.file)
    report = _report(grid, layout)
    if year is None or not layout.indicators:
        return None, issues + year_issues
    version = _version(year, opts.boundary_version)
    report.year, report.boundary_version = year, version
    st = _Sheet(grid, layout, opts.file, year, version, opts.catalog, report,
                _context(grid, layout, opts.catalog, version),
                _seen_districts(grid, layout, opts.catalog, version))
    st.end_row = len(grid.values)
    commune = _title_commune(st)
    if commune is not None:
        _commune_report(st, commune)
        return st, issues + st.issues
    for r in range(layout.header_end + 1, len(grid.values)):
        if not _process_row(st, r):
            st.end_row = r
            break
    _check_sums(st)
    if not st.unit_values and not first:
        st.report.status = "không có dòng đơn vị / no unit rows"
    elif not st.unit_values and not any(i.severity == "error" for i in st.issues):
        st.issue(layout.header_end + 1, None, "không có dòng số liệu nào dưới tiêu đề / no data "
                 "rows below the header", "nhập số liệu theo đơn vị / fill in one row per unit")
    return st, issues + st.issues


_Key = tuple[str, str, int]


def _conflict(st: _Sheet, cell: Cell, first: tuple[float, str]) -> Issue:
    return Issue(
        f"sheet '{st.grid.name}' và '{first[1]}' ghi khác nhau {cell.indicator} của đơn vị "
        f"{cell.unit_code}: {cell.value:g} ≠ {first[0]:g} / sheets '{st.grid.name}' and "
        f"'{first[1]}' disagree on {cell.indicator} of unit {cell.unit_code}",
        hint="sửa cho khớp hoặc xóa sheet thừa / make them agree or remove the extra sheet",
        file=st.file, sheet=st.grid.name, row=cell.row, column=cell.column,
        code=cell.unit_code, value=cell.value)


def _merge_sheets(states: list[_Sheet]) -> tuple[list[Cell], int, list[Issue]]:
    """Cells of all sheets, each (unit, indicator, year) once.

    Larger sheets first: a value another sheet already gave (a per-commune copy of the
    summary) is dropped, a different value is an error, new values (a second table on
    the same units) are kept. A sheet adding nothing is reported as a repeat.
    """
    seen: dict[_Key, tuple[float, str]] = {}
    kept: dict[int, list[Cell]] = {}
    issues: list[Issue] = []
    rows = 0
    for st in sorted(states, key=lambda s: -len(s.unit_values)):
        mine: list[Cell] = []
        for cell in st.cells:
            first = seen.get((cell.unit_code, cell.indicator, cell.year))
            if first is None:
                mine.append(cell)
            elif first[0] != cell.value and len(issues) < 20:
                issues.append(_conflict(st, cell, first))
        for cell in mine:
            seen.setdefault((cell.unit_code, cell.indicator, cell.year), (cell.value, st.grid.name))
        if st.cells and not mine:
            # The first sheet (in workbook order) that holds its cells: the same on every run.
            covers = {seen[(c.unit_code, c.indicator, c.year)][1] for c in st.cells}
            cover = next(s.grid.name for s in states if s.grid.name in covers)
            st.report.status = f"trùng sheet '{cover}' / repeats sheet '{cover}'"
        else:
            rows += len(st.unit_values)
        kept[id(st)] = mine
    cells = [c for st in states for c in kept[id(st)]]
    return cells, rows, issues


MAX_TABLES = 5


_COMMUNE_IN_TITLE = re.compile(r"(?:^|[\s,.:(])(xã|phường|thị trấn)\s+(.+)$", re.IGNORECASE)


def _title_commune(st: _Sheet) -> str | None:
    """The commune a commune's own report is about ("UBND XÃ PHÚ SƠN").

    Only when no row of the table names a unit (its rows are hamlets: ấp, khu phố).
    """
    lay = st.layout
    if lay.code_col is not None or any(
            st.catalog.is_commune_name(st.version, strip_enum(_label(st, r)))
            for r in range(lay.header_end + 1, min(len(st.grid.values), lay.header_end + 200))
            if _label(st, r)):
        return None
    texts = [str(v) for r in range(lay.header_start) for v in st.grid.values[r]
             if isinstance(v, str) and "cộng hòa" not in v.lower() and "cộng hoà" not in v.lower()]
    for text in [*texts, st.grid.name]:
        for line in re.split(r"[,;\n]| - ", text):
            found = _commune_named(st, line.strip())
            if found is not None:
                return found
    return None


def _commune_named(st: _Sheet, line: str) -> str | None:
    m = _COMMUNE_IN_TITLE.search(line)
    if m is None:
        return None
    words = m.group(2).split()
    for n in range(min(len(words), 4), 0, -1):
        found = st.catalog.match(st.version, f"{m.group(1)} {' '.join(words[:n])}", st.context)
        if found.code is not None:
            return found.code
    return None


def _commune_report(st: _Sheet, commune: str) -> None:
    """A commune's report by hamlet: its total row (or the sum of its rows) is the unit."""
    total: tuple[int, dict[int, float], list[int]] | None = None
    parts: dict[int, float] = {}
    last = st.layout.header_end + 1
    for r in range(st.layout.header_end + 1, len(st.grid.values)):
        label = _label(st, r)
        kind = _classify(st, r, label)
        if kind == "footer":
            st.end_row = r
            break
        if kind in ("blank", "skip") or not any(
                st.grid.value(r, c) is not None for c in st.layout.indicators):
            continue
        values, empty = _row_values(st, r)
        if kind == "total" and total is None:
            total = (r, values, empty)
            st.skip(r, f"dòng tổng của xã / the commune's total row: {label}")
            continue
        last = r
        st.skip(r, f"ấp, khu phố (cộng vào xã) / hamlet, added to the commune: {label}")
        for c, v in values.items():
            parts[c] = parts.get(c, 0.0) + v
    row, values, empty = total if total else (last, parts, [])
    if total is not None and parts:
        st.checks.append(_Check(row, "Tổng cộng", values, [0]))
        st.unit_values.append(parts)
        _check_sums(st)
        st.unit_values.clear()
        st.checks.clear()
    _fill_empty(st, row, values, empty)
    _store_unit(st, row, commune, values)


def _below(grid: Grid, row: int) -> Grid:
    """The sheet with rows above ``row`` emptied (to look for a further table)."""
    values = [[] if r < row else v for r, v in enumerate(grid.values)]
    merges = [m for m in grid.merges if m[0] >= row]
    return Grid(grid.name, values, merges, grid.formulas, grid.encoding)


def _read_tables(grid: Grid, opts: _Options) -> tuple[list[_Sheet], list[SheetReport],
                                                       list[Issue]]:
    """Every table of one sheet, top to bottom (tables stacked below each other)."""
    states: list[_Sheet] = []
    reports: list[SheetReport] = []
    issues: list[Issue] = []
    view = grid
    for n in range(MAX_TABLES):
        layout = find_layout(view, opts.catalog, opts.aliases)
        if layout is None:
            if n == 0:
                reports.append(SheetReport(grid.name, encoding=grid.encoding,
                                           status="không có bảng đơn vị / no unit table"))
            break
        if n and not layout.candidates and not layout.unmapped and layout.label_cols:
            report = _report(view, layout)  # a later table about something else
            report.sheet = f"{grid.name} (bảng / table {n + 1})"
            report.status = "không có cột chỉ tiêu / no indicator column"
            reports.append(report)
            return states, reports, issues
        year = opts.year if opts.year is not None or not states else states[-1].year
        st, found = _read_sheet(view, layout, replace(opts, year=year), first=n == 0)
        issues += found
        report = st.report if st else _report(view, layout)
        if n:
            report.sheet = f"{grid.name} (bảng / table {n + 1})"
        reports.append(report)
        if st is None:
            break
        states.append(st)
        if st.end_row >= len(grid.values) - 1:
            break
        view = _below(grid, st.end_row)
    if states:
        issues += _rows_left_below(states[-1])
    return states, reports, issues


def _rows_left_below(st: _Sheet) -> list[Issue]:
    """Unit rows with numbers below where the table was found to end: never dropped."""
    for r in range(st.end_row + 1, len(st.grid.values)):
        label = strip_enum(_label(st, r))
        if label and st.catalog.is_commune_name(st.version, label) and _raw_numbers(st, r):
            st.issue(r, st.layout.name_col, f"dòng '{label}' nằm dưới chỗ kết thúc bảng (dòng "
                     f"{st.end_row + 1}) nên không được đọc / row '{label}' lies below the end "
                     f"of the table (row {st.end_row + 1}) and was not read",
                     "xóa dòng trống hoặc dòng chữ xen giữa bảng / remove the empty or text "
                     "row inside the table", value=label)
            return [st.issues[-1]]
    return []


def read_review_book(book: Book, *, file: str, year: int | None = None,
                     boundary_version: str | None = None, province: str = "75",
                     aliases: Path | None = None) -> WorkbookResult:
    """Read every visible sheet of a review workbook that holds a unit table.

    Parameters
    ----------
    book : Book
        The sheets (see :func:`loaders.grid.read_book`).
    file : str
        File name put on each issue.
    year : int, optional
        Review year; else read from the title ("năm 2025"). A title naming another
        year is an error.
    boundary_version : str, optional
        Boundary version of the units; else the version of the end-of-year review.
    province : str
        GSO province code of the unit registry.
    aliases : Path, optional
        A user alias file extending ``loaders/aliases.toml``.

    Returns
    -------
    WorkbookResult
        Cells (counts and rates, not yet cross-validated), issues, unit rows read and
        one report per sheet.
    """
    if boundary_version is not None and boundary_version not in VERSIONS:
        raise PovmapError(f"{file}: ranh giới không xác định / unknown boundary version",
                          [Issue(f"ranh giới không xác định '{boundary_version}' / unknown "
                                 f"boundary version '{boundary_version}'", file=file,
                                 hint=f"hợp lệ / valid: {', '.join(VERSIONS)}")])
    opts = _Options(file, year, boundary_version, UnitCatalog.of(province),
                    HeaderAliases.load(aliases) if aliases else default_aliases())
    issues: list[Issue] = []
    states: list[_Sheet] = []
    reports: list[SheetReport] = []
    for grid in book.sheets:
        sheet_states, sheet_reports, sheet_issues = _read_tables(grid, opts)
        states += sheet_states
        reports += sheet_reports
        issues += sheet_issues
    cells, n_rows, conflicts = _merge_sheets(states)
    issues.extend(conflicts)
    if not states and not issues:
        issues.append(_no_table_issue(book, file))
    return WorkbookResult(cells, issues, n_rows, reports)


def _no_table_issue(book: Book, file: str) -> Issue:
    if all(not any(v is not None for row in g.values for v in row) for g in book.sheets):
        return Issue("tệp Excel rỗng / the workbook is empty", file=file,
                     hint="chọn đúng tệp kết quả rà soát / choose the review results file")
    names = ", ".join(g.name for g in book.sheets)
    return Issue(f"không tìm thấy bảng có cột đơn vị (tên hoặc mã xã) trong các sheet: {names} "
                 f"/ no table with a unit column (commune names or codes) in sheets: {names}",
                 hint="cần một cột tên hoặc mã đơn vị, hoặc dạng dài unit_code, year, indicator, "
                 "value / need a unit name or code column, or the tidy columns unit_code, year, "
                 "indicator, value", file=file)


def spelling(label: str) -> str:
    """Spelling key of a unit label without its list number (for tests and tools)."""
    return spelling_key(split_prefix(strip_enum(label))[0])
