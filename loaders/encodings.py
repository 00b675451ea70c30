"""Text encodings of files officers send: CSV bytes and legacy Vietnamese fonts.

* CSV bytes: UTF-8 (with or without BOM), else Windows-1258 (decomposed tone marks,
  recomposed to NFC), else Windows-1252 for legacy-font exports.
* Legacy font text: cells typed with the TCVN3 (ABC, ``.VnTime``) or VNI
  (``VNI-Times``) fonts hold Latin-1 look-alikes ("Hé nghÌo", "Hoä ngheøo"). The sheet's
  encoding is chosen by which conversion turns its text into known Vietnamese words
  (unit names of the registry and the words of the report forms); each cell is then
  converted only when it holds legacy-only characters or the conversion yields more
  known words, so Unicode cells in the same sheet stay as they are. Tables:
  ``loaders/legacy_vn.toml`` (sources in ``loaders/legacy_vn_build.py``).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

from povcore.units import registry

__all__ = ["convert_cell", "decode_csv_bytes", "encode_cp1258", "fix_legacy_rows", "from_tcvn3",
           "from_vni"]

_TABLES = Path(__file__).with_name("legacy_vn.toml")
_VN_LATIN1 = frozenset("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
#: Latin-1 characters that never occur in Vietnamese Unicode text but do in legacy text.
_LEGACY_ONLY = frozenset(chr(c) for c in range(0xA1, 0x100)) - _VN_LATIN1
_WORD = re.compile(r"[^\W\d_]+")
_FORM_WORDS = (
    "hộ nghèo cận tổng số tỷ lệ xã phường thị trấn huyện thành phố đơn vị tên mã năm kết quả "
    "rà soát thoát tái phát sinh mới dân tộc thiểu chủ trong đó thiếu hụt người lập biểu ủy "
    "ban nhân cộng toàn tỉnh ghi chú khẩu chuẩn quốc gia lao động có không nhóm biến trên địa "
    "bàn cuối đầu ngày tháng việc làm nước nhà ở vệ thông tin giáo dục bảo hiểm y tế dinh "
    "dưỡng chất lượng diện tích báo cáo thống kê kèm theo tịch phó giám đốc trưởng phòng "
    "khu vực thành thị nông thôn stt tt đồng nai bình phước hộ dân cư loại chia ra gồm "
    "của các và hoặc theo đến từ tại là một hai ba bốn năm sáu bảy tám chín mười"
)


@cache
def _tables() -> dict[str, dict[str, str]]:
    with _TABLES.open("rb") as fh:
        data = tomllib.load(fh)
    return {k: {str(a): str(b) for a, b in v.items()} for k, v in data.items()}


@cache
def _vocabulary() -> frozenset[str]:
    words = set(_FORM_WORDS.split())
    for name in registry().frame["name"]:
        words.update(w.lower() for w in _WORD.findall(str(name)))
    return frozenset(unicodedata.normalize("NFC", w) for w in words)


def from_tcvn3(text: str) -> str:
    """Unicode (NFC) text of a TCVN3 (ABC) string.

    >>> from_tcvn3("Hé nghÌo"), from_tcvn3("X· Phó LËp")
    ('Hộ nghèo', 'Xã Phú Lập')
    """
    table = _tables()["tcvn3"]
    return unicodedata.normalize("NFC", "".join(table.get(ch, ch) for ch in text))


def from_vni(text: str) -> str:
    """Unicode (NFC) text of a VNI-Windows string.

    >>> from_vni("Hoä ngheøo"), from_vni("Xaõ Phuù Laäp"), from_vni("Thanh Sôn")
    ('Hộ nghèo', 'Xã Phú Lập', 'Thanh Sơn')
    """
    table = _tables()["vni"]
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i:i + 2]
        if len(pair) == 2 and pair in table:
            out.append(table[pair])
            i += 2
            continue
        out.append(table.get(text[i], text[i]))
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


_CONVERTERS: dict[str, Callable[[str], str]] = {"TCVN3": from_tcvn3, "VNI": from_vni}


def _hits(text: str) -> int:
    vocab = _vocabulary()
    return sum(1 for w in _WORD.findall(text.lower()) if w in vocab)


def _candidate(text: str) -> bool:
    """Text that may be legacy: Latin-1 letters, nothing beyond U+00FF."""
    return any(ord(ch) > 0x7F for ch in text) and all(ord(ch) <= 0xFF for ch in text)


def _sheet_encoding(texts: list[str]) -> str | None:
    if not any(ch in _LEGACY_ONLY for t in texts for ch in t):
        return None  # Unicode Vietnamese never holds these characters
    plain = sum(_hits(t) for t in texts)
    scores = {name: sum(_hits(conv(t)) for t in texts) for name, conv in _CONVERTERS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > plain else None


def fix_legacy_rows(rows: list[list[object]]) -> tuple[list[list[object]], str | None]:
    """Convert TCVN3 or VNI cells of one sheet to Unicode; Unicode cells stay.

    Parameters
    ----------
    rows : list of lists
        Cell values of one sheet.

    Returns
    -------
    tuple
        ``(rows, encoding)``: the rows (the same object when nothing changed) and
        ``"TCVN3"``, ``"VNI"`` or ``None``.

    Examples
    --------
    >>> fix_legacy_rows([["Tæng sè hé", 5], ["Tổng số hộ", None]])
    ([['Tổng số hộ', 5], ['Tổng số hộ', None]], 'TCVN3')
    """
    texts = [v for row in rows for v in row if isinstance(v, str) and _candidate(v)]
    encoding = _sheet_encoding(texts)
    if encoding is None:
        return rows, None
    for row in rows:
        for c, v in enumerate(row):
            if isinstance(v, str):
                row[c] = convert_cell(v, encoding)
    return rows, encoding


def convert_cell(text: str, encoding: str) -> str:
    """One text of a sheet found to be in ``encoding`` ("TCVN3" or "VNI").

    Converted when it holds legacy-only characters or the conversion yields more known
    words; Unicode text (beyond Latin-1) is returned unchanged.

    >>> convert_cell("Bï §¨ng", "TCVN3"), convert_cell("Phường Tân Hạnh", "TCVN3")
    ('Bù Đăng', 'Phường Tân Hạnh')
    """
    if not _candidate(text):
        return text
    new = _CONVERTERS[encoding](text)
    if any(ch in _LEGACY_ONLY for ch in text) or _hits(new) > _hits(text):
        return new
    return text


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Text of CSV bytes and the encoding used (UTF-8 or UTF-16, else Windows-1258).

    >>> decode_csv_bytes("Hộ nghèo".encode("utf-8-sig"))
    ('Hộ nghèo', 'utf-8-sig')
    >>> decode_csv_bytes(encode_cp1258("Hộ nghèo"))
    ('Hộ nghèo', 'windows-1258')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    legacy = data.decode("cp1252", errors="replace")
    if _sheet_encoding([legacy]) is not None and _hits(from_tcvn3(legacy)) + _hits(
            from_vni(legacy)) > _hits(text):
        return legacy, "windows-1252"
    return text, "windows-1258"


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def encode_cp1258(text: str) -> bytes:
    r"""Windows-1258 bytes of Unicode text, the way Windows writes them.

    Letters Windows-1258 has precomposed (â, ơ, đ, …) stay; a tone mark becomes a
    combining character after its letter.

    >>> encode_cp1258("Hộ") == b"H\xf4\xf2"
    True
    """
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(p for p in parts if p in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONE_MARKS))
        out += (base + tones).encode("cp1258")
    return bytes(out)
