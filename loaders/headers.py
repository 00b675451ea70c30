"""What a column header means, by its words rather than its exact phrase.

A column's header *path* is the text of its header cells from top to bottom (a group
title over several columns belongs to each of them). The path is normalised — case,
diacritics, punctuation, parentheses, years and filler words ("số", "của", "trên địa
bàn", "cuối năm", "thuộc", "trong đó" …) dropped, abbreviations (HN, HCN, DTTS …)
expanded — and its meaning is read from the concepts it names: households, poor,
near-poor, A/B (or "có / không có lao động"), national standard, ethnic-minority head,
escaped / fell back / newly poor, the twelve deprivations, rate ("%", "tỷ lệ").

``loaders/aliases.toml`` stays the place for a province's own phrasings: an alias
that matches a normalised path wins over the concept rules. A header that names a
poverty concept but no indicator is reported as an error by the workbook reader.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from povcore.errors import Issue, PovmapError
from povcore.indicators import INDICATORS
from povcore.names import fold_text

__all__ = ["DEFAULT_ALIASES", "HeaderAliases", "Meaning", "normalise"]

DEFAULT_ALIASES = Path(__file__).with_name("aliases.toml")
Role = Literal["code", "name", "ignore"]

_NON_WORD = re.compile(r"[^a-z0-9%]+")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_FILLER_PHRASES = ("tren dia ban", "trong do", "chia ra", "bao gom", "ket qua ra soat",
                   "tai thoi diem", "thoi diem", "gia dinh", "so luong")
# Phrases kept as one token before filler words are dropped ("đầu năm" ≠ "năm").
_MARKED_PHRASES = {"dau nam": "daunam", "dau ky": "daunam", "nam truoc": "namtruoc",
                   "ky truoc": "namtruoc", "so voi": "sovoi", "so sanh": "sovoi",
                   "phu thuoc": "phuthuoc"}
_FILLER = frozenset({"so", "cua", "cuoi", "nam", "thuoc", "la", "cac", "theo", "sl", "gom",
                     "ky", "hien", "trong"})
_UNIT_PARENS = re.compile(r"\(\s*(ho|ho gia dinh|nguoi|don vi|dv)\s*\)")
_POVERTY_WORDS = ("ngheo", "thieu hut", "dan toc", "phat sinh", "dvxhcb", "thieu")
_OTHER_PERIOD = ("daunam", "namtruoc", "sovoi", "ke hoach", "chi tieu", "muc tieu",
                 "du kien", "giam", "tang")
_DEPRIVATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("deprived_dependants", ("phuthuoc",)),
    ("deprived_employment", ("viec lam",)),
    ("deprived_nutrition", ("dinh duong",)),
    ("deprived_health_insurance", ("bao hiem",)),
    ("deprived_child_schooling", ("di hoc", "tre em")),
    ("deprived_adult_education", ("nguoi lon", "trinh do", "giao duc")),
    ("deprived_housing_quality", ("chat luong nha",)),
    ("deprived_housing_area", ("dien tich",)),
    ("deprived_water", ("nuoc",)),
    ("deprived_sanitation", ("nha tieu", "ve sinh")),
    ("deprived_telecom", ("vien thong",)),
    ("deprived_information_access", ("thong tin",)),
)


def normalise(text: object, abbreviations: dict[str, str] | None = None) -> str:
    """Folded words of a header: no marks, punctuation, years or filler; "%" kept.

    Examples
    --------
    >>> normalise("Tổng số hộ dân cư trên địa bàn (hộ)")
    'tong ho dan cu'
    >>> normalise("Số HN cuối năm 2024", {"hn": "ho ngheo"})
    'ho ngheo'
    >>> normalise("Tỷ lệ (%)")
    'ty le %'
    """
    if text is None:
        return ""
    folded = _UNIT_PARENS.sub(" ", fold_text(str(text))).replace("%", " % ")
    folded = _YEAR.sub(" ", folded)
    words = _NON_WORD.sub(" ", folded).split()
    abbreviations = abbreviations or {}
    words = " ".join(abbreviations.get(w, w) for w in words).split()
    joined = " " + " ".join(words) + " "
    for phrase, token in _MARKED_PHRASES.items():
        joined = joined.replace(f" {phrase} ", f" {token} ")
    for phrase in _FILLER_PHRASES:
        joined = joined.replace(f" {phrase} ", " ")
    return " ".join(w for w in joined.split() if w not in _FILLER)


def _has(text: str, phrase: str) -> bool:
    return f" {phrase} " in f" {text} "


@dataclass(frozen=True)
class Meaning:
    """What a header path means.

    ``key`` is an indicator key (``*_rate`` for rates) or ``None``; ``concept`` says
    whether the header names a poverty concept; ``other_period`` marks derived or
    other-period columns (start of year, targets, change) that are listed, not read;
    ``persons`` marks counts of people ("Số khẩu"), not households.
    """

    key: str | None
    concept: bool = False
    other_period: bool = False
    persons: bool = False


def _group(text: str) -> str | None:
    """Poor-household group A or B named by the words, else ``None``.

    A: "nhóm A", "có (khả năng) lao động"; B: "nhóm B", "không có (khả năng) lao động".
    """
    if _has(text, "b") or (_has(text, "lao dong") and _has(text, "khong")):
        return "b"
    if _has(text, "a") or _has(text, "lao dong"):
        return "a"
    return None


def _combined(text: str) -> bool:
    """Poor and near-poor counted together ("hộ nghèo, hộ cận nghèo")."""
    plain = f" {text} ".replace(" can ngheo ", " ")
    return _has(text, "can ngheo") and " ngheo " in plain and not _has(text, "thieu hut")


def _deprivation(text: str) -> str | None:
    for key, words in _DEPRIVATIONS:
        if any(_has(text, w) for w in words):
            return key
    return None


def _poverty_key(text: str) -> str | None:
    national = any(_has(text, w) for w in ("quoc gia", "trung uong", "qg", "tw"))
    if any(_has(text, w) for w in ("thieu hut", "dvxhcb", "thieu", "chieu", "chi so")):
        found = _deprivation(text)
        if found is not None or _has(text, "thieu hut") or _has(text, "dvxhcb"):
            return found
    if _has(text, "thoat"):
        return None if _has(text, "can ngheo") else "escaped"
    if _has(text, "tai ngheo") or _has(text, "tai can ngheo"):
        return None if _has(text, "can ngheo") else "fell_back"
    if _has(text, "phat sinh"):
        return None if _has(text, "can ngheo") else "newly_poor"
    if _has(text, "dan toc"):
        plain_poor = _has(text, "ngheo") and not _has(text, "can ngheo")
        return "poor_em_head" if plain_poor and not national else None
    if _has(text, "can ngheo"):
        return "near_poor_national" if national else "near_poor"
    if not _has(text, "ngheo"):
        return None
    group = _group(text)
    if national:
        return None if group else "poor_national"
    return {"a": "poor_a", "b": "poor_b"}.get(group or "", "poor")


def _is_total(text: str) -> bool:
    if not _has(text, "ho"):
        return False
    return (_has(text, "tong") or _has(text, "dan cu") or _has(text, "toan bo")
            or text in {"ho", "ho dan"})


def meaning_of(text: str) -> Meaning:
    """Meaning of a normalised header text (group and leaf words joined).

    >>> meaning_of(normalise("Hộ nghèo thuộc nhóm A (có lao động)")).key
    'poor_a'
    >>> meaning_of(normalise("Hộ nghèo > Tỷ lệ (%)")).key
    'poor_rate'
    >>> meaning_of(normalise("Số hộ thoát cận nghèo"))
    Meaning(key=None, concept=True, other_period=False, persons=False)
    """
    rate = "%" in text.split() or _has(text, "ty le") or _has(text, "tl")
    concept = any(_has(text, w) for w in _POVERTY_WORDS)
    if _has(text, "khau") or _has(text, "nhan khau"):
        return Meaning(None, concept, persons=True)
    if any(_has(text, w) for w in _OTHER_PERIOD):
        return Meaning(None, concept, other_period=True)
    key = _poverty_key(text) if concept else ("total_households" if _is_total(text) else None)
    if key is not None and rate:
        key = f"{key}_rate" if f"{key}_rate" in INDICATORS else None
    return Meaning(key, concept)


# --------------------------------------------------------------------------- aliases


def _str_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PovmapError(f"aliases: '{key}' phải là danh sách chuỗi / must be a list of strings")
    return list(value)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise PovmapError(f"Không đọc được tệp alias / cannot read alias file {path}: {err}",
                          [Issue(str(err), file=str(path),
                                 hint="xem định dạng trong loaders/aliases.toml / see the "
                                 "format in loaders/aliases.toml")]) from err


@dataclass(frozen=True)
class HeaderAliases:
    """Header phrasings of ``loaders/aliases.toml`` (plus a user file) and the rules."""

    abbreviations: dict[str, str]
    ignore: frozenset[str]
    unit_code: frozenset[str]
    unit_name: frozenset[str]
    paths: dict[str, str]

    @classmethod
    def load(cls, path: Path | None = None) -> HeaderAliases:
        """Default aliases, extended by the user file ``path`` when given.

        Raises
        ------
        PovmapError
            When a file is not valid TOML or names an unknown indicator key.
        """
        docs = [_read_toml(DEFAULT_ALIASES)] + ([_read_toml(path)] if path else [])
        abbreviations: dict[str, str] = {}
        for doc in docs:
            abbreviations.update({fold_text(k): fold_text(v)
                                  for k, v in doc.get("abbreviations", {}).items()})
        sets: dict[str, set[str]] = {"ignore": set(), "unit_code": set(), "unit_name": set()}
        paths: dict[str, str] = {}
        for doc in docs:
            cols = doc.get("columns", {})
            for name, values in sets.items():
                values.update(normalise(t, abbreviations) for t in _str_list(cols, name))
            paths.update(_indicator_paths(doc.get("indicators", {}), abbreviations))
        return cls(abbreviations, frozenset(sets["ignore"]), frozenset(sets["unit_code"]),
                   frozenset(sets["unit_name"]), paths)

    def norm(self, text: object) -> str:
        """Normalised header text with abbreviations expanded."""
        return normalise(text, self.abbreviations)

    def role(self, path: list[str]) -> Role | None:
        """Whether a header path names the unit code, unit name or an ignored column."""
        text = " ".join(self.norm(t) for t in path).strip()
        leaf = self.norm(path[-1]) if path else ""
        if text in self.ignore or leaf in self.ignore:
            return "ignore"
        if text in self.unit_code or leaf in self.unit_code:
            return "code"
        if text in self.unit_name or leaf in self.unit_name:
            return "name"
        return None

    def meaning(self, path: list[str]) -> Meaning:
        """Meaning of a header path: an alias first, then the concept rules."""
        parts = [p for p in (self.norm(t) for t in path) if p]
        for candidate in (" > ".join(parts), " ".join(parts)):
            if candidate in self.paths:
                return Meaning(self.paths[candidate], True)
        if any(_combined(p) for p in parts):
            return Meaning(None, True, other_period=True)
        return meaning_of(" ".join(parts))

    def indicator(self, path: list[str]) -> str | None:
        """Indicator key of a header path (``*_rate`` for rate columns), or ``None``.

        >>> HeaderAliases.load().indicator(["Hộ nghèo (chuẩn tỉnh)", "Trong đó", "Hộ nghèo B"])
        'poor_b'
        """
        return self.meaning(path).key


def _indicator_paths(section: dict[str, Any], abbreviations: dict[str, str]) -> dict[str, str]:
    unknown = [k for k in section if INDICATORS.get(k) is None]
    if unknown:
        valid = ", ".join(INDICATORS)
        raise PovmapError(f"aliases: chỉ tiêu không xác định / unknown indicator keys: "
                          f"{', '.join(unknown)}. Valid: {valid}.")
    out: dict[str, str] = {}
    for key in section:
        for alias in _str_list(section, key):
            parts = [normalise(p, abbreviations) for p in alias.split(">")]
            out[" > ".join(p for p in parts if p)] = key
    return out


@cache
def default_aliases() -> HeaderAliases:
    """The aliases of ``loaders/aliases.toml`` alone (cached)."""
    return HeaderAliases.load(None)
