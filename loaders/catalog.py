"""The one unit catalogue both importers use: codes and names per boundary version.

Built once per province from the unit registry (``povcore.units``). Codes are checked
against a version (a district code, a code of another version and an unknown code each
get their own message); names are matched insensitive to case, diacritics, spacing,
the type prefix and common spelling variants (Đắk / Đăk / Đak / Dak / Đắc), using every
name a unit had inside the version (former names included). A name two districts
share is resolved by the context the caller gives (districts named by the title, the
sheet, a section row or the other rows); when it stays ambiguous, both candidates are
named.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from povcore.names import fold_keep_marks, fold_text, spelling_key
from povcore.units import VERSIONS, registry

__all__ = ["NameMatch", "Unit", "UnitCatalog", "split_prefix"]

_NOTE = re.compile(r"\s*(\([^)]*\)|\*+)\s*$")
_DISTRICT_PREFIXES = ("thanh pho ", "thi xa ", "huyen ", "tp ", "tx ", "quan ", "h ")
_COMMUNE_PREFIXES = {"thi tran ": "Thị trấn", "phuong ": "Phường", "xa ": "Xã",
                     "tt ": "Thị trấn", "p ": "Phường", "x ": "Xã"}


@dataclass(frozen=True)
class Unit:
    """A commune of one version: code, every name it had, district, types."""

    code: str
    names: tuple[str, ...]
    parent: str
    types: frozenset[str]

    @property
    def label(self) -> str:
        """Latest name."""
        return self.names[-1]


@dataclass(frozen=True)
class NameMatch:
    """A matched code, or why not (message, hint) and the candidates."""

    code: str | None
    message: str = ""
    hint: str = ""


@lru_cache(maxsize=16384)
def split_prefix(label: str) -> tuple[str, str | None, bool]:
    """``(name without type prefix, commune type or None, has district prefix)``.

    >>> split_prefix("TT. Định Quán"), split_prefix("Huyện Tân Phú")[2]
    (('Định Quán', 'Thị trấn', False), True)
    >>> split_prefix("Xã Phú Sơn (xã khu vực III)")[0], split_prefix("Bom Bo*")[0]
    ('Phú Sơn', 'Bom Bo')
    """
    text = _NOTE.sub("", unicodedata.normalize("NFC", label)).strip() or label.strip()
    plain = re.sub(r"\s+", " ", fold_text(text).replace(".", " ")) + " "
    for prefix in _DISTRICT_PREFIXES:
        if plain.startswith(prefix):
            return _drop_words(text, len(prefix.split())), None, True
    for prefix, typ in _COMMUNE_PREFIXES.items():
        if plain.startswith(prefix):
            return _drop_words(text, len(prefix.split())), typ, False
    return text, None, False


def _drop_words(text: str, n: int) -> str:
    parts = re.split(r"[\s.]+", text, maxsplit=n)
    return parts[-1] if len(parts) > n else text


@dataclass(frozen=True)
class _Version:
    key: str
    communes: frozenset[str]
    districts: frozenset[str]
    by_name: dict[str, tuple[Unit, ...]]
    by_code: dict[str, Unit]
    district_by_name: dict[str, str]
    district_names: dict[str, str]


def _version(province: str, version: str) -> _Version:
    frame = registry(province).frame
    f = frame[frame["version"] == version]
    rows: dict[str, list[tuple[str, str, str]]] = {}
    for code, name, parent, typ in zip(f["code"], f["name"], f["parent_code"], f["type"],
                                       strict=True):
        rows.setdefault(str(code), []).append((str(name), str(parent), str(typ)))
    communes = f[f["level"] == "commune"]
    units: dict[str, Unit] = {}
    by_name: dict[str, list[Unit]] = {}
    for code in dict.fromkeys(str(c) for c in communes["code"]):
        names = tuple(dict.fromkeys(n for n, _p, _t in rows[code]))
        unit = Unit(code, names, rows[code][0][1], frozenset(t for _n, _p, t in rows[code]))
        units[code] = unit
        for key in {spelling_key(n) for n in names}:
            by_name.setdefault(key, []).append(unit)
    dist = f[f["level"] == "district"]
    return _Version(version, frozenset(units), frozenset(str(c) for c in dist["code"]),
                    {k: tuple(v) for k, v in by_name.items()}, units,
                    {spelling_key(str(n)): str(c) for n, c in zip(dist["name"], dist["code"],
                                                                 strict=True)},
                    {str(c): str(n) for n, c in zip(dist["name"], dist["code"], strict=True)})


@dataclass(frozen=True)
class UnitCatalog:
    """Units of one province for every boundary version (see module docstring)."""

    province: str
    versions: dict[str, _Version]

    @property
    def all_communes(self) -> frozenset[str]:
        """Commune codes of every version."""
        return _all_codes(self.province)

    @classmethod
    def of(cls, province: str) -> UnitCatalog:
        """The catalogue of ``province`` (cached)."""
        return _catalog(province)

    def communes(self, version: str) -> frozenset[str]:
        """Commune codes of ``version``."""
        return self.versions[version].communes

    def district_code(self, version: str, name: str) -> str | None:
        """Code of the district named ``name`` in ``version`` (prefix optional)."""
        return self.versions[version].district_by_name.get(spelling_key(split_prefix(name)[0]))

    def district_name(self, version: str, code: str) -> str:
        """Name of district ``code`` (the code itself when unknown)."""
        return self.versions[version].district_names.get(code, code)

    def is_district(self, version: str, code: str) -> bool:
        """Whether ``code`` is a district of ``version``."""
        return code in self.versions[version].districts

    def unit(self, version: str, code: str) -> Unit | None:
        """The commune ``code`` of ``version``, or ``None``."""
        return self.versions[version].by_code.get(code)

    def is_commune_name(self, version: str, label: str) -> bool:
        """Whether ``label`` names a commune of ``version`` (not "Huyện X")."""
        bare, _typ, district = split_prefix(label)
        return not district and spelling_key(bare) in self.versions[version].by_name

    def name_matches(self, version: str, code: str, label: str) -> bool:
        """Whether ``label`` is a name unit ``code`` had in ``version``."""
        unit = self.unit(version, code)
        key = spelling_key(split_prefix(label)[0])
        return unit is not None and key in {spelling_key(n) for n in unit.names}

    def code_issue(self, code: str, version: str) -> tuple[str, str] | None:
        """``(message, hint)`` when ``code`` is not a commune of ``version``, else None."""
        v = self.versions[version]
        if code in v.communes:
            return None
        n = len(v.communes)
        if code in v.districts:
            return (f"mã {code} là cấp huyện, không phải xã / code {code} is a district, "
                    "not a commune", "chỉ nhập số liệu cấp xã / give commune-level rows only")
        others = [k for k, o in self.versions.items() if code in o.communes and k != version]
        if others:
            vs = ", ".join(others)
            return (f"mã đơn vị {code} không thuộc ranh giới {version} ({n} đơn vị) mà thuộc "
                    f"ranh giới {vs} / unit code {code} is not a unit of boundary version "
                    f"{version} ({n} units) but of {vs}",
                    f"chọn --boundary-version {others[0]} hoặc kiểm tra năm / choose "
                    f"--boundary-version {others[0]} or check the year")
        return (f"mã đơn vị {code} không có trong danh mục tỉnh {self.province} / unknown unit "
                f"code {code} in province {self.province}",
                f"kiểm tra mã (ranh giới {version} có {n} đơn vị cấp xã) / check the code "
                f"({n} communes in version {version})")

    def candidates(self, version: str, label: str) -> list[Unit]:
        """Communes of ``version`` whose names match ``label``."""
        bare, typ, _ = split_prefix(label)
        cands = list(self.versions[version].by_name.get(spelling_key(bare), ()))
        if len(cands) > 1:
            marks = fold_keep_marks(bare)
            cands = [u for u in cands if any(fold_keep_marks(n) == marks for n in u.names)] \
                or cands
        if len(cands) > 1 and typ is not None:
            cands = [u for u in cands if typ in u.types] or cands
        return cands

    def describe(self, version: str, units: Sequence[Unit]) -> str:
        """"Name (code, district); …" for messages."""
        return "; ".join(f"{u.label} ({u.code}, {self.district_name(version, u.parent)})"
                         for u in units)

    def match(self, version: str, label: str, context: Sequence[str] = (),
              section: str | None = None, seen: frozenset[str] = frozenset()) -> NameMatch:
        """Match a commune name.

        ``section`` (a district row above) must hold; the districts of ``context`` (named
        by the title or the sheet) break ties in order, then ``seen`` (districts of the
        other rows) when exactly one candidate lies in them.
        """
        cands = self.candidates(version, label)
        if not cands:
            return self._unknown(version, label)
        if section is not None:
            inside = [u for u in cands if u.parent == section]
            if not inside:
                dname = self.district_name(version, section)
                return NameMatch(None, f"'{label}' không thuộc {dname} / '{label}' is not in "
                                 f"{dname}", "các đơn vị cùng tên / units of that name: "
                                 + self.describe(version, cands))
            cands = inside
        for district in context:
            if len(cands) < 2:
                break
            cands = [u for u in cands if u.parent == district] or cands
        if len(cands) > 1 and seen:
            cands = [u for u in cands if u.parent in seen] or cands
        if len(cands) > 1:
            return NameMatch(None, f"tên '{label}' trùng nhiều đơn vị / name '{label}' "
                             f"matches {len(cands)} units: {self.describe(version, cands)}",
                             "thêm cột mã, dòng huyện phía trên hoặc tên huyện ở tiêu đề / add "
                             "a code column, a district row above or the district in the title")
        return NameMatch(cands[0].code)

    def _unknown(self, version: str, label: str) -> NameMatch:
        v = self.versions[version]
        key = spelling_key(split_prefix(label)[0])
        close = difflib.get_close_matches(key, list(v.by_name), n=4, cutoff=0.6)
        names = [f"{u.label} ({u.code})" for k in close for u in v.by_name[k]]
        elsewhere = [k for k, o in self.versions.items() if k != version and key in o.by_name]
        hint = ("tên gần nhất / closest names: " + "; ".join(names)) if names else \
            "kiểm tra chính tả hoặc thêm cột mã / check the spelling or add a code column"
        if elsewhere:
            hint = (f"đơn vị này thuộc ranh giới {', '.join(elsewhere)}: chọn --boundary-version "
                    f"{elsewhere[0]} / this unit belongs to boundary version "
                    f"{', '.join(elsewhere)}: choose --boundary-version {elsewhere[0]}")
        return NameMatch(None, f"không tìm thấy đơn vị '{label}' trong ranh giới {version} "
                         f"/ unknown unit name '{label}' in boundary version {version}", hint)


@cache
def _catalog(province: str) -> UnitCatalog:
    return UnitCatalog(province, {key: _version(province, key) for key in VERSIONS})


@cache
def _all_codes(province: str) -> frozenset[str]:
    return frozenset(c for v in _catalog(province).versions.values() for c in v.communes)
