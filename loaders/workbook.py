"""Read annual poverty-review workbooks laid out like the official report forms.

The forms of Thông tư 07/2021/TT-BLĐTBXH, Phụ lục VII ("Mẫu số 7.x") have title rows,
then a header block of two or three rows with merged group headers ("Hộ nghèo" over
"Tổng số" / "Tỷ lệ (%)" / "Hộ nghèo A" / "Hộ nghèo B"), then one row per unit, often
grouped (thành thị / nông thôn, or by district) with subtotal and total rows.

This module finds the header block itself, maps each column's header *path* to an
indicator key through the aliases of ``loaders/aliases.toml`` (format described in that
file), matches rows to units by GSO code or by name (insensitive to diacritics, case,
spacing and the type prefix, using district section rows to tell duplicate names apart),
checks subtotal rows against the sum of their rows and returns :class:`~loaders.tidy.Cell`
records for :func:`loaders.tidy.validate_cells`. It never guesses silently: an unknown
or ambiguous name is an error naming the row and the candidates.
"""

from __future__ import annotations

import difflib
import io
import re
import tomllib
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from loaders.tidy import Cell, UnitCatalog, is_tidy_header, normalize_code, parse_number
from povcore.errors import Issue, PovmapError
from povcore.indicators import INDICATORS
from povcore.names import fold, fold_keep_marks
from povcore.units import VERSIONS, registry, review_version

__all__ = [
    "DEFAULT_ALIASES",
    "HeaderAliases",
    "SheetRows",
    "WorkbookResult",
    "fold_header",
    "load_workbook_bytes",
    "read_review_workbook",
    "tidy_sheets",
]

DEFAULT_ALIASES = Path(__file__).with_name("aliases.toml")
MAX_HEADER_SCAN = 40
MAX_HEADER_ROWS = 4
Role = Literal["code", "name", "ignore"]

_UNIT_PARENS = re.compile(r"\(\s*(ho|ho gia dinh|nguoi|don vi)\s*\)")
_NON_WORD = re.compile(r"[^a-z0-9%]+")
_ENUM = re.compile(r"^\s*(?:(?P<roman>[IVX]+)\s*[.)]|\d+\s*[.)]|[a-z]\s*\))\s*(?=\S)")
_NUMBERING = re.compile(r"^\(?\s*(?:\d{1,2}|[A-Za-z])\s*\)?$")
_YEAR = re.compile(r"(thang\s+\d{1,2}\s+)?\bnam\s+(\d{4})\b")
_TOTAL_WORDS = frozenset({"tong cong", "toan tinh", "tong", "tong so", "tong cong toan tinh",
                          "toan huyen", "toan thanh pho", "toan thi xa", "tong toan tinh",
                          "cong toan tinh", "tinh dong nai"})
_SUBTOTAL_WORDS = frozenset({"cong", "cong huyen", "cong thanh pho", "tong huyen"})
_GROUP_WORDS = frozenset({"thanh thi", "nong thon", "khu vuc thanh thi", "khu vuc nong thon",
                          "cac phuong", "cac xa", "cac thi tran", "phuong", "xa",
                          "cac phuong thi tran", "thanh thi nong thon"})
_FOOTER_PREFIXES = ("nguoi lap", "thu truong", "xac nhan", "ky ten", "noi nhan", "ghi chu ",
                    "chu tich", "giam doc", "tm ", "kt ", "ngay ")
_DISTRICT_PREFIXES = ("thanh pho ", "thi xa ", "huyen ", "tp ", "tx ")
_COMMUNE_PREFIXES = {"thi tran ": "Thị trấn", "phuong ": "Phường", "xa ": "Xã",
                     "tt ": "Thị trấn", "p ": "Phường", "x ": "Xã"}


# --------------------------------------------------------------------------- text


def _unaccent(text: str) -> str:
    """Lower-case NFC text with every letter reduced to its base (same length)."""
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    return "".join(unicodedata.normalize("NFD", ch)[0] for ch in text)


def fold_header(text: object, abbreviations: dict[str, str] | None = None) -> str:
    """Fold a header text for alias lookup.

    Lower case, no diacritics (đ → d), unit notes such as "(hộ)" dropped, punctuation
    → space, "%" kept as its own word, abbreviations expanded word by word.

    Examples
    --------
    >>> fold_header("Tỷ lệ (%)")
    'ty le %'
    >>> fold_header("Số HN (hộ)", {"hn": "ho ngheo"})
    'so ho ngheo'
    """
    if text is None:
        return ""
    folded = _unaccent(str(text)).replace("%", " % ")
    folded = _UNIT_PARENS.sub(" ", folded)
    words = _NON_WORD.sub(" ", folded).split()
    abbreviations = abbreviations or {}
    return " ".join(abbreviations.get(w, w) for w in words)


# --------------------------------------------------------------------------- aliases


def _str_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PovmapError(f"aliases: '{key}' phải là danh sách chuỗi / must be a list of strings")
    return list(value)


@dataclass(frozen=True)
class HeaderAliases:
    """Header aliases (see ``loaders/aliases.toml`` for the format and matching rules)."""

    abbreviations: dict[str, str]
    columns: dict[str, frozenset[str]]
    prefixes: dict[str, tuple[str, ...]]
    groups: tuple[tuple[str, str], ...]
    paths: dict[str, str]

    @classmethod
    def load(cls, path: Path | None = None) -> HeaderAliases:
        """Default aliases, extended by the user file ``path`` when given.

        Parameters
        ----------
        path : Path, optional
            A TOML file in the format of ``loaders/aliases.toml``.

        Returns
        -------
        HeaderAliases
            The merged alias set.

        Raises
        ------
        PovmapError
            When a file is not valid TOML or names an unknown indicator key.
        """
        docs = [_read_toml(DEFAULT_ALIASES)] + ([_read_toml(path)] if path else [])
        abbreviations: dict[str, str] = {}
        for doc in docs:
            abbreviations.update({fold_header(k): fold_header(v)
                                  for k, v in doc.get("abbreviations", {}).items()})
        return _build_aliases(docs, abbreviations)

    def norm(self, text: object) -> str:
        """Folded text with abbreviations expanded."""
        return fold_header(text, self.abbreviations)

    def role(self, path: Sequence[str]) -> Role | None:
        """Whether a header path is the unit code, unit name or an ignored column."""
        elements = [self.norm(t) for t in path]
        elements = [e for e in elements if e and e not in self.columns["drop"]]
        if any(e in self.columns["ignore"] for e in elements):
            return "ignore"
        joined = " ".join(elements)
        if joined in self.columns["unit_code"]:
            return "code"
        if joined in self.columns["unit_name"]:
            return "name"
        return None

    def indicator(self, path: Sequence[str]) -> str | None:
        """Indicator key of a header path (``*_rate`` for rate columns), or ``None``."""
        cleaned, rate = self._clean(path)
        for variant in self._variants(cleaned):
            key = self.paths.get(" > ".join(variant))
            if key is None:
                continue
            if not rate:
                return key
            return f"{key}_rate" if f"{key}_rate" in INDICATORS else None
        return None

    def _clean_element(self, text: str, last: bool) -> tuple[str, bool]:
        words = text.split()
        rate = "%" in words
        text = " ".join(w for w in words if w != "%")
        if text in self.columns["rate"]:
            return "", True
        for prefix in self.prefixes["rate_prefix"]:
            if text.startswith(prefix + " "):
                text, rate = text[len(prefix) + 1:], True
        if text in self.columns["drop"]:
            return "", rate
        if not last:
            for phrase, canonical in self.groups:
                if text == phrase or text.startswith(phrase + " "):
                    return canonical, rate
        return text, rate

    def _clean(self, path: Sequence[str]) -> tuple[list[str], bool]:
        normed = [self.norm(t) for t in path]
        normed = [t for t in normed if t]
        out: list[str] = []
        rate = False
        for i, text in enumerate(normed):
            element, is_rate = self._clean_element(text, i == len(normed) - 1)
            rate = rate or is_rate
            if element and (not out or out[-1] != element):
                out.append(element)
        return out, rate

    def _variants(self, path: list[str]) -> Iterator[list[str]]:
        yield path
        counted = [e for e in path if e not in self.columns["count"]]
        yield counted
        yield _drop_redundant(counted)
        stripped = [self._strip_count_prefix(e) for e in counted]
        yield stripped
        yield _drop_redundant(stripped)

    def _strip_count_prefix(self, text: str) -> str:
        for prefix in self.prefixes["count_prefix"]:
            if text.startswith(prefix + " "):
                return text[len(prefix) + 1:]
        return text


def _drop_redundant(path: list[str]) -> list[str]:
    """Drop a group element repeated at the start of the next one."""
    return [e for i, e in enumerate(path)
            if not (i + 1 < len(path) and path[i + 1].startswith(e + " "))]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise PovmapError(f"Không đọc được tệp alias / cannot read alias file {path}: {err}",
                          [Issue(str(err), file=str(path),
                                 hint="xem định dạng trong loaders/aliases.toml / see the "
                                 "format in loaders/aliases.toml")]) from err


def _build_aliases(docs: list[dict[str, Any]], abbreviations: dict[str, str]) -> HeaderAliases:
    columns: dict[str, set[str]] = {}
    prefixes: dict[str, list[str]] = {"rate_prefix": [], "count_prefix": []}
    groups: list[tuple[str, str]] = []
    paths: dict[str, str] = {}
    for key, ind in INDICATORS.items():
        if ind.kind == "count":
            paths[fold_header(ind.label_vi, abbreviations)] = key
    for doc in docs:
        cols = doc.get("columns", {})
        for name in ("ignore", "unit_code", "unit_name", "drop", "rate", "count"):
            columns.setdefault(name, set()).update(
                fold_header(t, abbreviations) for t in _str_list(cols, name))
        for name, values in prefixes.items():
            values.extend(fold_header(t, abbreviations) for t in _str_list(cols, name))
        for canonical in doc.get("groups", {}):
            groups.extend((fold_header(p, abbreviations), fold_header(canonical, abbreviations))
                          for p in _str_list(doc["groups"], canonical))
        paths.update(_indicator_paths(doc.get("indicators", {}), abbreviations))
    groups.sort(key=lambda g: -len(g[0]))
    return HeaderAliases(abbreviations, {k: frozenset(v) for k, v in columns.items()},
                         {k: tuple(sorted(v, key=len, reverse=True)) for k, v in prefixes.items()},
                         tuple(groups), paths)


def _indicator_paths(section: dict[str, Any], abbreviations: dict[str, str]) -> dict[str, str]:
    unknown = [k for k in section if INDICATORS.get(k) is None
               or INDICATORS[k].kind != "count"]
    if unknown:
        valid = ", ".join(k for k, i in INDICATORS.items() if i.kind == "count")
        raise PovmapError(f"aliases: chỉ tiêu không xác định / unknown indicator keys: "
                          f"{', '.join(unknown)}. Valid: {valid}.")
    out: dict[str, str] = {}
    for key in section:
        for alias in _str_list(section, key):
            parts = [fold_header(p, abbreviations) for p in alias.split(">")]
            out[" > ".join(p for p in parts if p)] = key
    return out


@cache
def _default_aliases() -> HeaderAliases:
    return HeaderAliases.load(None)


# --------------------------------------------------------------------------- workbook


def load_workbook_bytes(data: bytes, file: str) -> Workbook:
    """Open an ``.xlsx`` from bytes (values, not formulas); corrupt files raise.

    Raises
    ------
    PovmapError
        When openpyxl cannot read the file as a workbook.
    """
    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError,
            TypeError) as err:
        raise PovmapError(
            f"{file}: tệp Excel bị hỏng / corrupt Excel workbook",
            [Issue(f"không đọc được tệp Excel: {err} / cannot read the workbook: {err}",
                   hint="mở bằng Excel và lưu lại dạng .xlsx / open it in Excel and save it "
                   "again as .xlsx", file=file)]) from err


@dataclass(frozen=True)
class SheetRows:
    """Cell values of one sheet (row-major, 0-based) and merged text for headers."""

    name: str
    values: list[list[object]]
    merged: dict[tuple[int, int], tuple[int, int]]
    merges: list[tuple[int, int, int, int]]

    @classmethod
    def of(cls, ws: Worksheet) -> SheetRows:
        """Read a worksheet once."""
        values = [list(r) for r in ws.iter_rows(values_only=True)]
        merged: dict[tuple[int, int], tuple[int, int]] = {}
        merges: list[tuple[int, int, int, int]] = []
        for rng in ws.merged_cells.ranges:
            r0, c0, r1, c1 = rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1
            merges.append((r0, c0, r1, c1))
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    merged[(r, c)] = (r0, c0)
        return cls(ws.title, values, merged, merges)

    def value(self, r: int, c: int) -> object:
        """Raw value at 0-based (r, c); ``None`` outside the sheet."""
        if r < len(self.values) and c < len(self.values[r]):
            return self.values[r][c]
        return None

    def text(self, r: int, c: int) -> str:
        """Header text at (r, c), taking a merged range's top-left value."""
        r0, c0 = self.merged.get((r, c), (r, c))
        v = self.value(r0, c0)
        return "" if v is None else str(v).strip()

    @property
    def width(self) -> int:
        """Number of columns."""
        return max((len(r) for r in self.values), default=0)


def tidy_sheets(wb: Workbook) -> list[tuple[str, list[list[object]]]]:
    """Sheets whose first non-empty row is a tidy header, with rows from that header."""
    out: list[tuple[str, list[list[object]]]] = []
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        for i, row in enumerate(rows):
            if any(v not in (None, "") for v in row):
                if is_tidy_header(row):
                    out.append((ws.title, rows[i:]))
                break
    return out


# --------------------------------------------------------------------------- header


@dataclass(frozen=True)
class Header:
    """The header block of one sheet and what each column means."""

    start: int
    end: int
    code_col: int | None
    name_col: int | None
    indicators: dict[int, str]
    label_cols: tuple[int, ...]


def _unit_roles(sheet: SheetRows, r: int, aliases: HeaderAliases) -> dict[int, Role]:
    roles: dict[int, Role] = {}
    for c in range(sheet.width):
        role = aliases.role([sheet.text(r, c)])
        if role is not None:
            roles[c] = role
    return roles


def _header_end(sheet: SheetRows, start: int, unit_cols: set[int]) -> int:
    end = start
    for r0, _c0, r1, _c1 in sheet.merges:
        if r0 <= start <= r1:
            end = max(end, r1)
    while end - start + 1 < MAX_HEADER_ROWS and _header_like(sheet, end + 1, unit_cols):
        end += 1
    return min(end, start + MAX_HEADER_ROWS - 1)


def _header_like(sheet: SheetRows, r: int, unit_cols: set[int]) -> bool:
    """A row continuing the header: text in value columns, no numbers, no unit label."""
    if _is_numbering(sheet, r):
        return False
    texts = 0
    for c in range(sheet.width):
        v = sheet.value(r, c)
        if v is None or str(v).strip() == "":
            continue
        if c in unit_cols and (r, c) not in sheet.merged:
            return False
        if isinstance(v, int | float) or _looks_numeric(str(v)):
            return False
        texts += 1
    return texts >= 1


def _looks_numeric(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except ValueError:
        return False


def _is_numbering(sheet: SheetRows, r: int) -> bool:
    """A row of column numbers such as "(1) (2) (3)" or "A B 1 2 3"."""
    cells = [sheet.value(r, c) for c in range(sheet.width)]
    filled = [str(v).strip() for v in cells if v is not None and str(v).strip() != ""]
    return len(filled) >= 3 and all(_NUMBERING.match(t) for t in filled)


def _find_header_start(sheet: SheetRows,
                       aliases: HeaderAliases) -> tuple[int, dict[int, Role]] | None:
    for r in range(min(MAX_HEADER_SCAN, len(sheet.values))):
        roles = _unit_roles(sheet, r, aliases)
        if any(role in ("code", "name") for role in roles.values()):
            return r, roles
    return None


def _column_path(sheet: SheetRows, start: int, end: int, c: int) -> list[str]:
    path: list[str] = []
    for r in range(start, end + 1):
        text = sheet.text(r, c)
        if text and (not path or path[-1] != text):
            path.append(text)
    return path


@dataclass
class _ColumnScan:
    code_col: int | None = None
    name_col: int | None = None
    label_cols: list[int] = field(default_factory=list)
    indicators: dict[int, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def _scan_column(scan: _ColumnScan, path: list[str], c: int, aliases: HeaderAliases,
                 where: dict[str, Any]) -> None:
    role = aliases.role(path)
    if role == "code" and scan.code_col is None:
        scan.code_col = c
    elif role == "name" and scan.name_col is None:
        scan.name_col = c
    elif role == "ignore":
        scan.label_cols.append(c)
    elif role is None:
        key = aliases.indicator(path)
        if key is None:
            text = " > ".join(path)
            scan.issues.append(Issue(
                f"không nhận ra cột '{text}' (bỏ qua) / unrecognised column '{text}' (ignored)",
                hint="thêm bí danh vào tệp aliases (--aliases) nếu cột cần nhập / add an "
                "alias (--aliases) if this column should be imported", severity="warning",
                column=get_column_letter(c + 1), value=text, **where))
        else:
            _add_indicator(scan, key, c, path, where)


def _add_indicator(scan: _ColumnScan, key: str, c: int, path: list[str],
                   where: dict[str, Any]) -> None:
    other = next((col for col, k in scan.indicators.items() if k == key), None)
    if other is None:
        scan.indicators[c] = key
        return
    a, b = get_column_letter(other + 1), get_column_letter(c + 1)
    scan.issues.append(Issue(
        f"hai cột {a} và {b} cùng là chỉ tiêu '{key}' / columns {a} and {b} both map to "
        f"'{key}'", hint="sửa tiêu đề hoặc bí danh cho một cột / fix one header or its alias",
        column=b, value=" > ".join(path), **where))


def _read_header(sheet: SheetRows, aliases: HeaderAliases,
                 file: str) -> tuple[Header | None, list[Issue]]:
    found = _find_header_start(sheet, aliases)
    if found is None:
        return None, []
    start, roles = found
    end = _header_end(sheet, start, {c for c, r in roles.items() if r != "ignore"})
    where: dict[str, Any] = {"file": file, "sheet": sheet.name, "row": start + 1}
    scan = _ColumnScan()
    for c in range(sheet.width):
        path = _column_path(sheet, start, end, c)
        if path:
            _scan_column(scan, path, c, aliases, where)
    if not scan.indicators:
        scan.issues.append(Issue(
            "không có cột chỉ tiêu nào được nhận ra / no indicator column recognised",
            hint="kiểm tra tiêu đề hoặc thêm bí danh (--aliases) / check the headers or add "
            "aliases (--aliases)", **where))
    label_cols = tuple(scan.label_cols)
    if scan.code_col is not None:
        label_cols += (scan.code_col,)
    return Header(start, end, scan.code_col, scan.name_col, scan.indicators,
                  label_cols), scan.issues


# --------------------------------------------------------------------------- year


def _title_year(sheet: SheetRows, before: int) -> tuple[int | None, list[int]]:
    """Year named in the title rows ("năm 2025"), ignoring dates ("tháng 7 năm 2021")."""
    years: list[int] = []
    for r in range(before):
        for c in range(sheet.width):
            v = sheet.value(r, c)
            if not isinstance(v, str):
                continue
            text = fold_header(v)
            if "thong tu" in text or "kem theo" in text:
                continue
            years.extend(int(m.group(2)) for m in _YEAR.finditer(text) if not m.group(1))
    distinct = sorted(set(years))
    return (distinct[0] if len(distinct) == 1 else None), distinct


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class _Unit:
    code: str
    names: tuple[str, ...]
    parent: str
    types: frozenset[str]

    @property
    def label(self) -> str:
        return self.names[-1]


@dataclass(frozen=True)
class UnitNames:
    """Name lookup of one boundary version: communes and districts by folded key."""

    version: str
    communes: dict[str, tuple[_Unit, ...]]
    by_code: dict[str, _Unit]
    districts: dict[str, str]
    district_names: dict[str, str]

    def suggestions(self, key: str) -> list[str]:
        """Closest unit names for a folded key (difflib)."""
        close = difflib.get_close_matches(key, list(self.communes), n=4, cutoff=0.6)
        return [f"{u.label} ({u.code})" for k in close for u in self.communes[k]]


@cache
def _unit_names(province: str, version: str) -> UnitNames:
    frame = registry(province).frame
    f = frame[frame["version"] == version]
    by_code: dict[str, list[Any]] = {}
    for row in f[f["level"] == "commune"].itertuples(index=False):
        by_code.setdefault(str(row.code), []).append(row)
    communes: dict[str, list[_Unit]] = {}
    units: dict[str, _Unit] = {}
    for code, rows in by_code.items():
        names = tuple(dict.fromkeys(str(r.name) for r in rows))
        unit = _Unit(code, names, str(rows[0].parent_code),
                     frozenset(str(r.type) for r in rows))
        units[code] = unit
        for key in {fold(n) for n in names}:
            communes.setdefault(key, []).append(unit)
    dist = f[f["level"] == "district"]
    return UnitNames(version, {k: tuple(v) for k, v in communes.items()}, units,
                     {fold(str(n)): str(c) for n, c in zip(dist["name"], dist["code"],
                                                           strict=True)},
                     {str(c): str(n) for n, c in zip(dist["name"], dist["code"], strict=True)})


def _split_prefix(label: str) -> tuple[str, str | None, bool]:
    """``(name without type prefix, commune type or None, has district prefix)``."""
    text = unicodedata.normalize("NFC", label).strip()
    plain = _unaccent(text).replace(".", " ")
    plain = re.sub(r"\s+", " ", plain)
    for prefix in _DISTRICT_PREFIXES:
        if plain.startswith(prefix):
            return _drop_words(text, len(prefix.split())), None, True
    for prefix, typ in _COMMUNE_PREFIXES.items():
        if plain.startswith(prefix):
            return _drop_words(text, len(prefix.split())), typ, False
    return label, None, False


def _drop_words(text: str, n: int) -> str:
    parts = re.split(r"[\s.]+", text, maxsplit=n)
    return parts[-1] if len(parts) > n else text


@dataclass(frozen=True)
class _Match:
    code: str | None
    message: str = ""
    hint: str = ""


def _describe(units: Sequence[_Unit], names: UnitNames) -> str:
    return "; ".join(f"{u.label} ({u.code}, {names.district_names.get(u.parent, u.parent)})"
                     for u in units)


def _narrow(cands: list[_Unit], label: str, typ: str | None) -> list[_Unit]:
    if len(cands) > 1:
        marks = fold_keep_marks(label)
        kept = [u for u in cands if any(fold_keep_marks(n) == marks for n in u.names)]
        cands = kept or cands
    if len(cands) > 1 and typ is not None:
        cands = [u for u in cands if typ in u.types] or cands
    return cands


def match_name(names: UnitNames, label: str, section: str | None) -> _Match:
    """Match a unit name inside an optional district section; never guesses."""
    bare, typ, _ = _split_prefix(label)
    key = fold(bare)
    cands = list(names.communes.get(key, ()))
    if not cands:
        close = names.suggestions(key)
        return _Match(None, f"không tìm thấy đơn vị '{label}' trong ranh giới {names.version} "
                      f"/ unknown unit name '{label}' in boundary version {names.version}",
                      ("tên gần nhất / closest names: " + "; ".join(close)) if close else
                      "kiểm tra chính tả hoặc thêm cột mã / check the spelling or add a code "
                      "column")
    if section is not None:
        inside = [u for u in cands if u.parent == section]
        if not inside:
            dname = names.district_names.get(section, section)
            return _Match(None, f"'{label}' không thuộc {dname} / '{label}' is not in {dname}",
                          "các đơn vị cùng tên / units of that name: "
                          + _describe(cands, names))
        cands = inside
    cands = _narrow(cands, bare, typ)
    if len(cands) > 1:
        return _Match(None, f"tên '{label}' trùng nhiều đơn vị / name '{label}' matches "
                      f"{len(cands)} units: {_describe(cands, names)}",
                      "thêm cột mã hoặc dòng huyện phía trên / add a code column or a "
                      "district row above")
    return _Match(cands[0].code)


# --------------------------------------------------------------------------- rows


RowKind = Literal["blank", "skip", "footer", "total", "subtotal", "group", "section", "unit"]


@dataclass
class _Check:
    """A total, subtotal, group or section row whose values must add up."""

    row: int
    label: str
    values: dict[int, float]
    members: list[int] = field(default_factory=list)
    whole: bool = False


@dataclass
class _SheetState:
    sheet: SheetRows
    header: Header
    file: str
    year: int
    version: str
    province: str
    names: UnitNames
    catalog: UnitCatalog
    cells: list[Cell] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    unit_values: list[dict[int, float]] = field(default_factory=list)
    checks: list[_Check] = field(default_factory=list)
    section: str | None = None
    open_section: _Check | None = None
    open_group: _Check | None = None
    after_blank: bool = False

    def issue(self, r: int, column: int | None, message: str, hint: str, value: object = None,
              code: str | None = None, severity: str = "error") -> None:
        self.issues.append(Issue(
            message, hint=hint, severity=severity,  # type: ignore[arg-type]
            file=self.file, sheet=self.sheet.name, row=r + 1,
            column=get_column_letter(column + 1) if column is not None else None,
            value=value, code=code))


def _label(st: _SheetState, r: int) -> str:
    h = st.header
    if h.name_col is not None:
        text = st.sheet.value(r, h.name_col)
        if text is not None and str(text).strip():
            return str(text).strip()
    for c in h.label_cols:
        v = st.sheet.value(r, c)
        if isinstance(v, str) and v.strip() and not v.strip().isdigit():
            return v.strip()
    return ""


def _row_values(st: _SheetState, r: int) -> dict[int, float]:
    out: dict[int, float] = {}
    for c, key in st.header.indicators.items():
        raw = st.sheet.value(r, c)
        try:
            value = parse_number(raw, rate=key.endswith("_rate"))
        except ValueError:
            st.issue(r, c, f"không phải số: {raw!r} / not a number: {raw!r}",
                     "ghi số, ví dụ 1.234 hoặc 12,5 / write a number, e.g. 1.234 or 12,5",
                     value=raw)
            continue
        if value is not None:
            out[c] = value
    return out


def _text_kind(label: str) -> RowKind:
    text = fold_header(_ENUM.sub("", label))
    if text in _SUBTOTAL_WORDS:
        return "subtotal"
    if text in _TOTAL_WORDS or text.startswith(("tong cong", "toan tinh")):
        return "total"
    if text in _GROUP_WORDS:
        return "group"
    if text.startswith(_FOOTER_PREFIXES):
        return "footer"
    return "unit"


def _is_blank(st: _SheetState, r: int) -> bool:
    return all(v is None or str(v).strip() == "" for v in st.sheet.values[r])


def _classify(st: _SheetState, r: int, label: str) -> RowKind:
    if _is_blank(st, r):
        return "blank"
    if _is_numbering(st.sheet, r):
        return "skip"
    kind = _text_kind(label) if label else "unit"
    if kind != "unit":
        return kind
    enum = _ENUM.match(label)
    bare, typ, district_prefix = _split_prefix(_ENUM.sub("", label))
    key = fold(bare)
    if district_prefix or (typ is None and key in st.names.districts
                           and key not in st.names.communes):
        return "section"
    if enum is not None and enum.group("roman") and key not in st.names.communes:
        return "group"
    return "unit"


def _code_of(st: _SheetState, r: int) -> tuple[str | None, bool]:
    """``(code, ok)``: the row's code (None when absent); ok False after an error."""
    col = st.header.code_col
    if col is None:
        return None, True
    raw = st.sheet.value(r, col)
    try:
        return normalize_code(raw), True
    except ValueError:
        if isinstance(raw, str) and _text_kind(raw) != "unit":
            return None, True
        st.issue(r, col, f"mã đơn vị không hợp lệ: {raw!r} / invalid unit code: {raw!r}",
                 "mã GSO gồm chữ số, ví dụ 26068 / GSO codes are digits, e.g. 26068", raw)
        return None, False


def _open_check(st: _SheetState, r: int, label: str, kind: RowKind,
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


def _close_subtotal(st: _SheetState, r: int, label: str, values: dict[int, float]) -> None:
    scope = st.open_section or st.open_group
    check = _Check(r, label, values, list(scope.members) if scope else [], whole=scope is None)
    st.open_section = None
    if values:
        st.checks.append(check)


def _section_row(st: _SheetState, r: int, label: str, code: str | None,
                 values: dict[int, float]) -> None:
    key = fold(_split_prefix(label)[0])
    district = code if code in st.names.district_names else st.names.districts.get(key)
    if district is None:
        valid = ", ".join(st.names.district_names.values()) or "—"
        st.issue(r, st.header.name_col, f"không nhận ra huyện '{label}' trong ranh giới "
                 f"{st.version} / unknown district '{label}' in boundary version {st.version}",
                 f"huyện hợp lệ / valid districts: {valid}", value=label, severity="warning")
    st.section = district
    _open_check(st, r, label, "section", values)


def _unit_row(st: _SheetState, r: int, label: str, code: str | None,
              values: dict[int, float]) -> None:
    if code is None:
        if not label:
            if values:
                st.issue(r, st.header.name_col, "dòng có số liệu nhưng không có tên hoặc mã "
                         "đơn vị / row has numbers but no unit name or code",
                         "ghi tên hoặc mã đơn vị / give the unit name or code")
            return
        found = match_name(st.names, label, st.section)
        if found.code is None:
            st.issue(r, st.header.name_col, found.message, found.hint, value=label)
            return
        code = found.code
    elif not _code_ok(st, r, code, label):
        return
    _store_unit(st, r, code, values)


def _code_ok(st: _SheetState, r: int, code: str, label: str) -> bool:
    problem = st.catalog.code_issue(code, st.version)
    if problem:
        st.issue(r, st.header.code_col, *problem, value=code, code=code)
        return False
    unit = st.names.by_code.get(code)
    key = fold(_split_prefix(label)[0])
    if label and unit is not None and key not in {fold(n) for n in unit.names}:
        other = [v for v in VERSIONS if v != st.version and code in
                 (u := _unit_names(st.province, v).by_code) and key in {fold(n) for n in
                                                                      u[code].names}]
        hint = (f"tên này là của mã {code} trong ranh giới {other[0]}: chọn --boundary-version "
                f"{other[0]} / this is the name of {code} in version {other[0]}: choose "
                f"--boundary-version {other[0]}" if other else
                "kiểm tra mã hoặc tên / check the code or the name")
        st.issue(r, st.header.name_col, f"tên '{label}' khác tên của mã {code} ({unit.label}) "
                 f"/ name '{label}' differs from the name of code {code}", hint,
                 value=label, code=code, severity="warning")
    return True


def _store_unit(st: _SheetState, r: int, code: str, values: dict[int, float]) -> None:
    index = len(st.unit_values)
    st.unit_values.append(values)
    for scope in (st.open_section, st.open_group):
        if scope is not None:
            scope.members.append(index)
    for c, value in values.items():
        st.cells.append(Cell(code, st.version, st.year, st.header.indicators[c], value,
                             st.sheet.name, r + 1, get_column_letter(c + 1)))


def _check_sums(st: _SheetState) -> None:
    for check in st.checks:
        members = range(len(st.unit_values)) if check.whole else check.members
        for c, value in check.values.items():
            key = st.header.indicators[c]
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


def _is_footer(st: _SheetState, kind: RowKind, label: str, code: str | None,
               values: dict[int, float]) -> bool:
    """Signature block below the table: footer words, or loose text after a blank row."""
    if kind == "footer":
        return True
    return (st.after_blank and kind == "unit" and not values and code is None
            and fold(_split_prefix(label)[0]) not in st.names.communes)


def _process_row(st: _SheetState, r: int) -> bool:
    """Handle one data row; False when the footer starts."""
    raw_label = _label(st, r)
    kind = _classify(st, r, raw_label)
    if kind == "blank":
        st.after_blank = True
        return True
    if kind == "skip":
        return True
    if kind == "footer":
        return False
    label = _ENUM.sub("", raw_label).strip()
    code, ok = _code_of(st, r)
    values = _row_values(st, r)
    if _is_footer(st, kind, label, code, values):
        return False
    st.after_blank = False
    if not ok:
        return True
    if code is not None and code == st.province:
        kind = "total"
    elif code is not None and code in st.names.district_names:
        kind = "section"
    elif code is not None and kind == "section":
        kind = "unit"
    _dispatch(st, r, kind, label, code, values)
    return True


def _dispatch(st: _SheetState, r: int, kind: RowKind, label: str, code: str | None,
              values: dict[int, float]) -> None:
    if kind == "section":
        _section_row(st, r, label, code, values)
    elif kind == "subtotal":
        st.section = None
        _close_subtotal(st, r, label, values)
    elif kind in ("total", "group"):
        st.section = None
        _open_check(st, r, label, kind, values)
    else:
        _unit_row(st, r, label, code, values)


# --------------------------------------------------------------------------- sheets


@dataclass(frozen=True)
class WorkbookResult:
    """Cells read from a review workbook, every issue found and the unit rows read."""

    cells: list[Cell]
    issues: list[Issue]
    n_rows: int
    sheets: tuple[str, ...]


def _sheet_year(sheet: SheetRows, header: Header, year: int | None,
                file: str) -> tuple[int | None, list[Issue]]:
    if year is not None:
        return year, []
    found, candidates = _title_year(sheet, header.start)
    if found is not None:
        return found, []
    seen = f" (thấy / found: {', '.join(map(str, candidates))})" if candidates else ""
    return None, [Issue(
        f"không xác định được năm rà soát từ tiêu đề{seen} / cannot tell the review year "
        f"from the title{seen}", hint="chỉ định năm bằng --year, ví dụ --year 2025 / give "
        "the year with --year, e.g. --year 2025", file=file, sheet=sheet.name, row=1)]


def _sheet_version(year: int, boundary_version: str | None, file: str) -> str:
    if boundary_version is None:
        return review_version(year).key
    if boundary_version not in VERSIONS:
        raise PovmapError(f"{file}: ranh giới không xác định / unknown boundary version",
                          [Issue(f"ranh giới không xác định '{boundary_version}' / unknown "
                                 f"boundary version '{boundary_version}'", file=file,
                                 hint=f"hợp lệ / valid: {', '.join(VERSIONS)}")])
    return boundary_version


@dataclass(frozen=True)
class _Options:
    file: str
    year: int | None
    boundary_version: str | None
    province: str
    aliases: HeaderAliases


def _read_sheet(sheet: SheetRows, header: Header, opts: _Options) -> tuple[_SheetState | None,
                                                                            list[Issue]]:
    year, issues = _sheet_year(sheet, header, opts.year, opts.file)
    if year is None:
        return None, issues
    version = _sheet_version(year, opts.boundary_version, opts.file)
    st = _SheetState(sheet, header, opts.file, year, version, opts.province,
                     _unit_names(opts.province, version), UnitCatalog.of(opts.province))
    for r in range(header.end + 1, len(sheet.values)):
        if not _process_row(st, r):
            break
    _check_sums(st)
    if not st.unit_values and not any(i.severity == "error" for i in st.issues):
        st.issue(header.end + 1, None, "không có dòng số liệu nào dưới tiêu đề / no data rows "
                 "below the header", "nhập số liệu theo đơn vị / fill in one row per unit")
    return st, issues + st.issues


def read_review_workbook(wb: Workbook, *, file: str, year: int | None = None,
                         boundary_version: str | None = None, province: str = "75",
                         aliases: Path | None = None) -> WorkbookResult:
    """Read every sheet of a review workbook that has a recognisable header.

    Parameters
    ----------
    wb : openpyxl.Workbook
        The open workbook (see :func:`load_workbook_bytes`).
    file : str
        File name put on each issue.
    year : int, optional
        Review year; else read from the title ("năm 2025").
    boundary_version : str, optional
        Boundary version of the units; else the version of the end-of-year review.
    province : str
        GSO province code of the unit registry.
    aliases : Path, optional
        A user alias file extending ``loaders/aliases.toml``.

    Returns
    -------
    WorkbookResult
        Cells (counts and rates, not yet cross-validated), issues and unit rows read.
    """
    opts = _Options(file, year, boundary_version, province,
                    HeaderAliases.load(aliases) if aliases else _default_aliases())
    cells: list[Cell] = []
    issues: list[Issue] = []
    n_rows = 0
    sheets: list[str] = []
    for ws in wb.worksheets:
        sheet = SheetRows.of(ws)
        header, header_issues = _read_header(sheet, opts.aliases, file)
        if header is None:
            continue
        sheets.append(sheet.name)
        issues.extend(header_issues)
        if not header.indicators:
            continue
        st, sheet_issues = _read_sheet(sheet, header, opts)
        issues.extend(sheet_issues)
        if st is not None:
            cells.extend(st.cells)
            n_rows += len(st.unit_values)
    if not sheets:
        issues.append(_no_header_issue(wb, file))
    return WorkbookResult(cells, issues, n_rows, tuple(sheets))


def _no_header_issue(wb: Workbook, file: str) -> Issue:
    empty = all(ws.max_row <= 1 and ws.max_column <= 1 and ws.cell(1, 1).value is None
                for ws in wb.worksheets)
    if empty:
        return Issue("tệp Excel rỗng / the workbook is empty", file=file,
                     hint="chọn đúng tệp kết quả rà soát / choose the review results file")
    names = ", ".join(ws.title for ws in wb.worksheets)
    return Issue(f"không tìm thấy dòng tiêu đề có cột đơn vị ('Mã', 'Tên đơn vị', …) trong các "
                 f"sheet: {names} / no header row with a unit column found in sheets: {names}",
                 hint="cần một cột mã hoặc tên đơn vị, hoặc dạng dài unit_code, year, indicator, "
                 "value / need a unit code or name column, or the tidy columns unit_code, year, "
                 "indicator, value", file=file)
