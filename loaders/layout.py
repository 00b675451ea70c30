"""Where the table is in a sheet: unit column, header block, numbering row, columns.

Recognised by content, not by exact phrases: the unit column is the column whose cells
match unit names (or codes) of the province, whatever its heading says; the first data
row is the first row whose unit cell names a unit; the header block is the run of
header-like rows above it (numbering rows such as "(1) (2) (8)=(4)-(5)+(6)+(7)", total
and group rows in between are skipped); a group title centred across unmerged cells is
spread over the columns under it like a merged one. Each other column's header path
gets its meaning from :mod:`loaders.headers`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from loaders.catalog import UnitCatalog, split_prefix
from loaders.grid import Grid
from loaders.headers import HeaderAliases
from loaders.tidy import normalize_code
from povcore.names import fold_text, spelling_key

__all__ = ["Column", "Layout", "find_layout", "is_header_like", "is_numbering_row",
           "strip_enum"]

SCAN_ROWS = 400
MAX_HEADER_ROWS = 5
# list numbers: I. II. (not "X." = Xã), 1. 1.2, a) b. (not the type letters h p q t x), -
_ENUM = re.compile(r"^\s*(?:(?!X\s*[.)])[IVXLC]+\s*[.)]|\d+(?:\.\d+)*\s*[.)]?"
                   r"|[a-gi-orsu-wyzđ]\s*[.)]|[-+*•])\s+(?=\S)", re.IGNORECASE)
_NUMBER_CELL = re.compile(r"^\(?\s*[0-9]{1,2}[a-z]?\s*\)?$|^\(?\s*[A-Za-zĐđ]\s*\)?$")
_YEARS = re.compile(r"(?<!\d)(20[1-3]\d)(?!\d)")
_FORMULA_CELL = re.compile(r"^\(?\s*\d{1,2}\s*\)?(\s*[=+\-*/x:]\s*\(?\s*\d{1,2}\s*\)?)+$")


def strip_enum(label: str) -> str:
    """A row label without its list number ("1.", "I.", "a)", "-").

    >>> strip_enum("I. Huyện Tân Phú"), strip_enum("12 Xã Phú Lập"), strip_enum("Xã A")
    ('Huyện Tân Phú', 'Xã Phú Lập', 'Xã A')
    """
    return _ENUM.sub("", label, count=1).strip()


@dataclass(frozen=True)
class Column:
    """One column of the table and what it was recognised as."""

    index: int
    header: str
    key: str | None = None
    reason: str = ""
    years: tuple[int, ...] = ()

    @property
    def letter(self) -> str:
        """Excel column letter."""
        return get_column_letter(self.index + 1)


@dataclass
class Layout:
    """The table of one sheet."""

    header_start: int
    header_end: int
    first_row: int
    name_col: int | None
    code_col: int | None
    indicators: dict[int, Column] = field(default_factory=dict)
    ignored: list[Column] = field(default_factory=list)
    unmapped: list[Column] = field(default_factory=list)
    duplicates: list[tuple[Column, Column]] = field(default_factory=list)
    label_cols: tuple[int, ...] = ()
    district_col: int | None = None
    candidates: list[Column] = field(default_factory=list)

    def settle(self, year: int | None) -> None:
        """Choose the indicator columns for the review ``year``.

        A column whose header names other years only ("Năm 2023" beside "Năm 2024") is
        listed as ignored; two columns left with one meaning are a conflict.
        """
        self.indicators, self.duplicates = {}, []
        for col in self.candidates:
            if year is not None and col.years and year not in col.years:
                self.ignored.append(Column(col.index, col.header, None,
                                           f"năm khác / another year: {col.years[0]}"))
                continue
            other = next((o for o in self.indicators.values() if o.key == col.key), None)
            if other is not None:
                self.duplicates.append((other, col))
            else:
                self.indicators[col.index] = col

    @property
    def header_years(self) -> list[int]:
        """Years named by indicator headers (when the title names none)."""
        return sorted({y for c in self.candidates for y in c.years})


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def is_numbering_row(grid: Grid, r: int) -> bool:
    """Whether row r numbers the columns: "(1) (2)", "A B 1 2", "(8)=(4)-(5)+(6)+(7)".

    >>> is_numbering_row(Grid("s", [["A", "B", 1, 2, "(3)=(1)+(2)"]]), 0)
    True
    """
    row = grid.values[r] if 0 <= r < len(grid.values) else []
    numbers: list[int] = []
    filled = 0
    for v in row:
        if v is None:
            continue
        if isinstance(v, int | float) and not isinstance(v, bool):
            if not float(v).is_integer() or not 0 <= v <= 60:
                return False  # a count or a rate: a data row
            numbers.append(int(v))
        elif not isinstance(v, str) or len(v) > 40 or not (
                _NUMBER_CELL.match(v.strip()) or _FORMULA_CELL.match(v.strip())):
            return False
        filled += 1
    return filled >= 3 and numbers == sorted(numbers)


def _is_code(catalog: UnitCatalog, v: object) -> bool:
    if isinstance(v, float | int) and not isinstance(v, bool):
        if not (100 <= v < 100000 and float(v).is_integer()):
            return False  # counts, rates: never a GSO commune code
        return str(int(v)) in catalog.all_communes
    if not isinstance(v, str) or not v.strip()[:1].isdigit():
        return False
    try:
        code = normalize_code(v)
    except ValueError:
        return False
    return code is not None and code in catalog.all_communes


def _is_name(catalog: UnitCatalog, names: frozenset[str], v: object) -> bool:
    if not isinstance(v, str) or not v.strip() or v.strip().isdigit() or len(v) > 60:
        return False
    bare, typ, district = split_prefix(strip_enum(v))
    return not district and spelling_key(bare) in names and (
        typ is not None or spelling_key(bare) not in _district_names(catalog))


def _district_names(catalog: UnitCatalog) -> frozenset[str]:
    return frozenset(k for v in catalog.versions.values() for k in v.district_by_name)


def _all_names(catalog: UnitCatalog) -> frozenset[str]:
    out: set[str] = set()
    for version in catalog.versions.values():
        out.update(version.by_name)
    return frozenset(out)


def _unit_columns(grid: Grid, catalog: UnitCatalog) -> tuple[int | None, int | None, int | None]:
    """``(name column, code column, first matching row)`` by content."""
    names = _all_names(catalog)
    rows = min(len(grid.values), SCAN_ROWS)
    name_hits: list[set[str]] = [set() for _ in range(grid.width)]
    code_hits: list[set[str]] = [set() for _ in range(grid.width)]
    first: dict[int, int] = {}
    for r in range(rows):
        for c, v in enumerate(grid.values[r]):
            if v is None:
                continue
            if _is_code(catalog, v):
                code_hits[c].add(str(v))
                first.setdefault(c, r)
            elif _is_name(catalog, names, v):
                name_hits[c].add(str(v))
                first.setdefault(c, r)
    # distinct matches: a district column repeating one name loses to the commune column
    name_col = max(range(grid.width), key=lambda c: len(name_hits[c]), default=None)
    code_col = max(range(grid.width), key=lambda c: len(code_hits[c]), default=None)
    name_col = name_col if name_col is not None and name_hits[name_col] else None
    code_col = code_col if code_col is not None and code_hits[code_col] else None
    starts = [first[c] for c in (name_col, code_col) if c is not None]
    return name_col, code_col, min(starts) if starts else None


def _texts(grid: Grid, r: int) -> list[str]:
    return [t for t in (_cell_text(v) for v in (grid.values[r] if r < len(grid.values) else []))
            if t]


def _has_numbers(grid: Grid, r: int) -> bool:
    """Numbers or formulas in the row (years such as 2024 in a header do not count)."""
    return any((isinstance(v, int | float) and not isinstance(v, bool)
                and not (float(v).is_integer() and 2000 <= v <= 2100))
               or (isinstance(v, str) and v.startswith("="))
               for v in (grid.values[r] if r < len(grid.values) else []))


_TITLE_WORDS = re.compile(r"\b(uy ban nhan dan|ubnd|cong hoa xa hoi|doc lap tu do|bao cao|"
                          r"mau so|bieu so|kem theo|so bc|so qd|nguoi lap|lap bieu|chu tich|"
                          r"thu truong|ky ten|giam doc|ke toan|xac nhan|noi nhan)\b")


def is_header_like(grid: Grid, r: int) -> bool:
    """Whether row ``r`` looks like a header row (see :func:`_header_like`)."""
    return _header_like(grid, r)


def _header_like(grid: Grid, r: int) -> bool:
    """Two or more texts, no numbers, not a numbering row, title or signature line."""
    if r < 0 or is_numbering_row(grid, r) or _has_numbers(grid, r):
        return False
    texts = set(_texts(grid, r))
    if any(_TITLE_WORDS.search(fold_text(t)) for t in texts):
        return False
    return len(texts) >= 2


def _vertically_merged(grid: Grid, r: int) -> bool:
    """Row ``r`` lies inside a merged range that starts above it (a header block)."""
    return any(r0 < r <= r1 for r0, _c0, r1, _c1 in grid.merges)


def _header_block(grid: Grid, first_row: int) -> tuple[int, int] | None:
    end = first_row - 1
    while end >= 0 and first_row - end <= 8 and not _header_like(grid, end):
        end -= 1
    if end < 0 or first_row - end > 8:
        return None
    start = end
    while start - 1 >= 0 and end - start + 1 < MAX_HEADER_ROWS and (
            _header_like(grid, start - 1) or _vertically_merged(grid, start)):
        start -= 1
    return start, end


def _group_title(grid: Grid, r: int, c: int, end: int) -> str:
    """Text over column ``c`` on header row ``r``: its own, merged or spread from the left."""
    own = grid.text(r, c)
    if own or (r, c) in grid.merged or r == end:
        return own
    if not any(grid.text(rr, c) for rr in range(r + 1, end + 1)):
        return ""
    for left in range(c - 1, -1, -1):
        if (r, left) in grid.merged and grid.merged[(r, left)] != (r, left):
            return ""
        text = grid.text(r, left)
        if text:
            below = any(grid.text(rr, left) for rr in range(r + 1, end + 1))
            return text if below else ""
    return ""


def _path(grid: Grid, start: int, end: int, c: int) -> list[str]:
    path: list[str] = []
    for r in range(start, end + 1):
        text = _group_title(grid, r, c, end)
        if text and (not path or path[-1] != text):
            path.append(text)
    return path


def _classify_columns(layout: Layout, grid: Grid, aliases: HeaderAliases) -> None:
    unit_cols = {layout.name_col, layout.code_col, layout.district_col}
    labels: list[int] = []
    for c in range(grid.width):
        if c in unit_cols:
            continue
        path = _path(grid, layout.header_start, layout.header_end, c)
        if not path:
            continue
        _classify(layout, Column(c, " > ".join(path)), path, aliases, labels)
    layout.label_cols = tuple(labels)


def _classify(layout: Layout, col: Column, path: list[str], aliases: HeaderAliases,
              labels: list[int]) -> None:
    role = aliases.role(path)
    if role in ("ignore", "code", "name"):
        labels.append(col.index)
        layout.ignored.append(Column(col.index, col.header, None, "không cần / not needed"))
        return
    meaning = aliases.meaning(path)
    key = meaning.key or _next_to_poor(layout, col, path, aliases)
    if key is not None:
        years = tuple(sorted({int(y) for y in _YEARS.findall(col.header)}))
        layout.candidates.append(Column(col.index, col.header, key, years=years))
    elif meaning.persons:
        layout.ignored.append(Column(col.index, col.header, None,
                                     "số người, không phải số hộ / persons, not households"))
    elif meaning.other_period:
        layout.ignored.append(Column(col.index, col.header, None,
                                     "kỳ khác, chỉ tiêu, mức thay đổi hoặc tổng gộp / "
                                     "another period, a target, a change or a combined total"))
    elif meaning.concept:
        layout.unmapped.append(col)
    else:
        layout.ignored.append(Column(col.index, col.header, None,
                                     "không liên quan / unrelated"))


_GROUP_ONLY = re.compile(r"^(?:(?:nhom|loai) )?([ab])$|^(khong )?co (?:kha nang )?lao dong$")


def _next_to_poor(layout: Layout, col: Column, path: list[str],
                  aliases: HeaderAliases) -> str | None:
    """Group A/B of a column headed "Nhóm A", "B" or "(Không) có lao động" after "poor"."""
    match = _GROUP_ONLY.match(aliases.norm(path[-1]))
    left = layout.candidates[-1] if layout.candidates else None
    if match is None or left is None or left.index not in (col.index - 1, col.index - 2) \
            or left.key not in ("poor", "poor_a", "poor_rate"):
        return None
    return "poor_b" if match.group(1) == "b" or match.group(2) else "poor_a"


def _header_role_start(grid: Grid, aliases: HeaderAliases) -> tuple[int | None, int | None,
                                                                   int | None]:
    """Fallback when no cell names a unit: a header cell naming the unit column."""
    for r in range(min(40, len(grid.values))):
        cols: dict[str, int] = {}
        for c in range(grid.width):
            role = aliases.role([grid.text(r, c)]) if grid.text(r, c) else None
            if role in ("code", "name"):
                cols.setdefault(role, c)
        if cols:
            first = r + 1
            while first < len(grid.values) and (_header_like(grid, first)
                                                 or is_numbering_row(grid, first)
                                                 or _vertically_merged(grid, first)):
                first += 1
            return cols.get("name"), cols.get("code"), first
    return None, None, None


def find_layout(grid: Grid, catalog: UnitCatalog, aliases: HeaderAliases) -> Layout | None:
    """The table of ``grid``, or ``None`` when the sheet holds no unit table."""
    name_col, code_col, first = _unit_columns(grid, catalog)
    if first is None:
        name_col, code_col, first = _header_role_start(grid, aliases)
    if first is None:
        return None
    block = _header_block(grid, first)
    if block is None:
        return None
    layout = Layout(block[0], block[1], block[1] + 1, name_col, code_col)
    layout.district_col = _district_column(grid, catalog, layout)
    _classify_columns(layout, grid, aliases)
    layout.settle(None)
    return layout


def _district_column(grid: Grid, catalog: UnitCatalog, layout: Layout) -> int | None:
    """A column left of the unit names whose cells name districts (context per row)."""
    names = _district_names(catalog)
    if layout.name_col is None:
        return None
    for c in range(layout.name_col):
        cells = [grid.value(r, c) for r in range(layout.first_row,
                                                 min(len(grid.values), layout.first_row + 50))]
        texts = [v for v in cells if isinstance(v, str) and v.strip()]
        hits = [t for t in texts if spelling_key(split_prefix(strip_enum(t))[0]) in names]
        if texts and len(hits) * 2 >= len(texts):
            return c
    return None


def body_rows(grid: Grid, layout: Layout) -> Iterator[int]:
    """Row indices below the header block."""
    yield from range(layout.header_end + 1, len(grid.values))
