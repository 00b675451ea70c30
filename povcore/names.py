"""Name normalisation keys for Vietnamese administrative unit names.

Sources spell the same unit differently: GADM strips spaces (``TrảngBom``), official
lists carry the type prefix (``Thị trấn Trảng Bom``), and the 2026 renames moved tone
marks (``Biên Hòa`` → ``Biên Hoà``). Two keys make such names comparable:

* :func:`fold` — lower case, no type prefix, no diacritics, no spaces or punctuation;
  the loosest key, for matching within a small candidate set (one district).
* :func:`fold_keep_marks` — the same but keeps every letter's marks and only folds
  tone-mark *placement* (``oà``/``òa``, ``oẻ``/``ỏe``, ``uý``/``úy``), so that
  ``Tân Hòa`` and ``Tân Hóa`` stay distinct.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["TYPE_PREFIXES", "fold", "fold_keep_marks", "fold_text", "spelling_key", "strip_type"]

#: Type prefixes removed by :func:`strip_type`, longest first (full and abbreviated).
TYPE_PREFIXES: tuple[str, ...] = (
    "thành phố", "thị trấn", "thị xã", "phường", "huyện", "quận", "tỉnh", "xã",
)
_ABBREVIATIONS = r"tp\.?|tx\.?|tt\.?|[pxhq]\."
_PREFIX_RE = re.compile(
    rf"^\s*(?:(?:{'|'.join(TYPE_PREFIXES)})\s+|(?:{_ABBREVIATIONS})\s*(?=\w))"
)
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
# Tone on the second vowel of oa/oe/uy (old style) → on the first (new style), in NFD.
_TONE_PLACEMENT_RE = re.compile(rf"(o)([ae])([{_TONES}])|(u)(y)([{_TONES}])")
_NON_ALNUM_RE = re.compile(r"[\W_]+")
_LOOKALIKES = str.maketrans({"\u00d0": "đ", "\u00f0": "đ", "\u0189": "đ", "\u0111": "đ"})
_SEPARATORS_RE = re.compile(r"[\s\-]+")
# Common spellings of the same syllable in unit names (Đắk / Đăk / Đak / Dak / Đắc):
# applied to folded words, so every variant gets one key.
_SPELLING_VARIANTS = {"dac": "dak", "dack": "dak", "đac": "dak"}


def fold_text(text: str, sep: str = " ") -> str:
    """The project's one diacritics fold: lower-case ASCII words joined by ``sep``.

    Every letter loses its marks (đ → d), case is folded, runs of spaces and hyphens
    become ``sep``; other punctuation is kept. Unit keys (:func:`fold`), header keys
    (``loaders.headers``) and boundary-file column names all start from it.

    Parameters
    ----------
    text : str
        Any text.
    sep : str
        What replaces each run of spaces or hyphens.

    Returns
    -------
    str
        The folded text, stripped.

    Examples
    --------
    >>> fold_text("  Mã  xã ")
    'ma xa'
    >>> fold_text("Mã xã", "_"), fold_text("Tỷ lệ (%)")
    ('ma_xa', 'ty le (%)')
    """
    text = unicodedata.normalize("NFD", text.translate(_LOOKALIKES).lower().replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SEPARATORS_RE.sub(sep, text.strip())


def strip_type(name: str) -> str:
    """Remove a leading type prefix (xã, phường, thị trấn, huyện, TP., …).

    Parameters
    ----------
    name : str
        A unit name, any case.

    Returns
    -------
    str
        The name in NFC lower case without its type prefix and surrounding spaces.

    Examples
    --------
    >>> strip_type("Thị trấn Trảng Bom")
    'trảng bom'
    >>> strip_type("TP. Biên Hòa"), strip_type("Quang Vinh")
    ('biên hòa', 'quang vinh')
    """
    text = unicodedata.normalize("NFC", name).lower().translate(_LOOKALIKES)
    return _PREFIX_RE.sub("", text, count=1).strip()


def _move_tone(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1) + match.group(3) + match.group(2)
    return match.group(4) + match.group(6) + match.group(5)


def fold_keep_marks(name: str) -> str:
    """Key that folds case, type prefix, spacing and tone-mark placement only.

    Parameters
    ----------
    name : str
        A unit name, with or without type prefix or spaces.

    Returns
    -------
    str
        NFC key with diacritics kept, tone marks of ``oa``/``oe``/``uy`` moved onto
        the first vowel, and spaces and punctuation removed.

    Examples
    --------
    >>> fold_keep_marks("Phường Biên Hoà") == fold_keep_marks("Biên Hòa")
    True
    >>> fold_keep_marks("Tân Hòa") == fold_keep_marks("Tân Hóa")
    False
    >>> fold_keep_marks("Thuỷ Tiên")
    'thủytiên'
    """
    text = unicodedata.normalize("NFD", strip_type(name))
    text = _TONE_PLACEMENT_RE.sub(_move_tone, text)
    text = unicodedata.normalize("NFC", text)
    return _NON_ALNUM_RE.sub("", text)


def fold(name: str) -> str:
    """Loosest matching key: no type prefix, diacritics, case, spaces or punctuation.

    Parameters
    ----------
    name : str
        A unit name, with or without type prefix or spaces.

    Returns
    -------
    str
        ASCII key, e.g. ``"trangbom"``.

    Examples
    --------
    >>> fold("Thị trấn Trảng Bom") == fold("TrảngBom") == "trangbom"
    True
    >>> fold("Phường Biên Hoà") == fold("Biên Hòa")
    True
    >>> fold("Xã Đắk Ơ"), fold("ĐồngNai")
    ('dako', 'dongnai')
    """
    return _NON_ALNUM_RE.sub("", fold_text(strip_type(name)))


@lru_cache(maxsize=16384)
def spelling_key(name: str) -> str:
    """:func:`fold` that also equates common spelling variants (Đắk/Đăk/Đak/Dak/Đắc).

    Examples
    --------
    >>> {spelling_key(n) for n in ("Xã Đắk Ơ", "Đăk Ơ", "Dak O", "Đắc Ơ", "Đak-Ơ")}
    {'dako'}
    """
    words = _NON_ALNUM_RE.sub(" ", fold_text(strip_type(name))).split()
    return "".join(_SPELLING_VARIANTS.get(w, w) for w in words)
