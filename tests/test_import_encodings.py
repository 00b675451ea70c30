"""Legacy Vietnamese encodings: TCVN3 (ABC) and VNI fonts, Windows-1258 CSV."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.encodings import decode_csv_bytes, encode_cp1258, fix_legacy_rows, from_tcvn3, from_vni
from tests.fixtures_workbooks import to_legacy

VIETNAMESE = ("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệ"
              "ìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
words = st.text(alphabet=VIETNAMESE, min_size=1, max_size=8)


@given(st.lists(words, min_size=1, max_size=6))
def test_tcvn3_and_vni_round_trip(parts: list[str]) -> None:
    text = " ".join(parts)
    assert from_tcvn3(to_legacy(text, "TCVN3")) == text
    assert from_vni(to_legacy(text, "VNI")) == text
    assert from_vni(to_legacy(text.upper(), "VNI")) == text.upper()


# typed by hand from the ABC (TCVN3) and VNI keyboards' tables
@pytest.mark.parametrize(("decode", "legacy", "expected"), [
    (from_tcvn3, "Tæng sè hé d©n c\xad", "Tổng số hộ dân cư"),
    (from_tcvn3, "§¾k Lua", "Đắk Lua"),
    (from_vni, "Ñaék Lua", "Đắk Lua"),
    (from_vni, "Hoä caän ngheøo", "Hộ cận nghèo"),
])
def test_known_strings(decode: Callable[[str], str], legacy: str, expected: str) -> None:
    assert decode(legacy) == expected


def test_sheet_detection_converts_legacy_cells_only() -> None:
    rows: list[list[object]] = [["Tæng sè hé", "Hé nghÌo", 12],
                                ["Tổng số hộ", "Phó S¬n", None],
                                ["Mã xã", "26068", 1.5]]
    fixed, encoding = fix_legacy_rows(rows)
    assert encoding == "TCVN3"
    assert fixed == [["Tổng số hộ", "Hộ nghèo", 12], ["Tổng số hộ", "Phú Sơn", None],
                     ["Mã xã", "26068", 1.5]]


def test_unicode_sheet_is_left_alone() -> None:
    rows: list[list[object]] = [["Xã Hoá An", "Mã xã", "Rà soát"], ["Phó chủ tịch", "Tà Lài", 3]]
    before = [list(r) for r in rows]
    fixed, encoding = fix_legacy_rows(rows)
    assert encoding is None
    assert fixed == before


def test_vni_sheet() -> None:
    rows: list[list[object]] = [["Hoä ngheøo", "Thanh Sôn"], ["Toång soá hoä", "Xaõ Taø Laøi"]]
    fixed, encoding = fix_legacy_rows(rows)
    assert encoding == "VNI"
    assert fixed == [["Hộ nghèo", "Thanh Sơn"], ["Tổng số hộ", "Xã Tà Lài"]]


def test_csv_encodings() -> None:
    text = "Đơn vị;Hộ nghèo\nXã Đắk Ơ;12\n"
    assert decode_csv_bytes(text.encode("utf-8")) == (text, "utf-8")
    assert decode_csv_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")
    assert decode_csv_bytes(text.encode("utf-16")) == (text, "utf-16")
    decoded, encoding = decode_csv_bytes(encode_cp1258(text))
    assert (decoded, encoding) == (unicodedata.normalize("NFC", text), "windows-1258")
