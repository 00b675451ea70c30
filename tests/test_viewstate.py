"""View state from links and typed manual breaks (analysis.viewstate), no Streamlit."""

from __future__ import annotations

import pytest

from analysis.viewstate import (
    BreaksError,
    ViewState,
    breaks_text,
    from_query,
    param_notice,
    parse_breaks,
    to_query,
    year_notice,
)


@pytest.mark.parametrize(("typed", "expected"), [
    ("0,5; 1; 2,5; 5", (0.5, 1.0, 2.5, 5.0)),   # the legend read "0 – 0"
    ("10; 50; 100", (10.0, 50.0, 100.0)),       # the 100 was dropped
    ("10, 50, 100", (10.0, 50.0, 100.0)),       # comma + space separates
    ("1 2 3", (1.0, 2.0, 3.0)),
    ("0.5; 1.5; 3", (0.5, 1.5, 3.0)),           # decimal points accepted
    ("2.5; 10.25; 100.5", (2.5, 10.25, 100.5)),
    ("1; 100.125; 200.000", (1.0, 100125.0, 200000.0)),  # dot + 3 digits: thousands
    ("1.000,5; 2.000; 3.500", (1000.5, 2000.0, 3500.0)),
    (" 1 ;2; 3 ;", (1.0, 2.0, 3.0)),
])
def test_typed_breaks(typed: str, expected: tuple[float, ...]) -> None:
    assert parse_breaks(typed) == expected


@pytest.mark.parametrize(("typed", "vi", "en"), [
    ("", "Cần 3 đến 9 ngưỡng", "(got 0)"),
    ("1; 2", "(đã nhập 2)", "Enter 3 to 9 breaks"),
    ("1; 2; 3; 4; 5; 6; 7; 8; 9; 10", "(đã nhập 10)", "(got 10)"),
    ("1; hai; 3", "«hai» không phải là số", "'hai' is not a number"),
    ("5; 2; 8", "Ngưỡng phải tăng dần: 2 đứng sau 5", "2 comes after 5"),
    ("1; 1; 2", "1 đứng sau 1", "Breaks must increase"),
    ("1; inf; 3", "«inf» không phải là số", "is not a number"),
])
def test_bad_breaks_say_why_in_both_languages(typed: str, vi: str, en: str) -> None:
    with pytest.raises(BreaksError) as info:
        parse_breaks(typed)
    assert vi in info.value.notice.text("vi")
    assert en in info.value.notice.text("en")
    assert "Ví dụ: 1; 2,5; 5" in info.value.notice.vi


def test_breaks_written_back_as_typed() -> None:
    assert breaks_text((0.5, 2.5, 10.0), "vi") == "0,5; 2,5; 10"
    assert breaks_text((0.5, 2.5, 10.0), "en") == "0.5; 2.5; 10"
    assert parse_breaks(breaks_text((0.5, 2.5, 10.0), "vi")) == (0.5, 2.5, 10.0)


def test_manual_link_without_usable_breaks_falls_back_and_says_so() -> None:
    state, bad = from_query({"cls": "manual", "brk": "a,b"})
    assert (state.scheme, state.breaks, bad) == ("quantiles", (), ["brk='a,b'"])
    state, bad = from_query({"cls": "manual"})
    assert (state.scheme, bad) == ("quantiles", ["brk=''"])
    assert "cần ngưỡng" in param_notice(bad[0]).vi


def test_manual_link_round_trip() -> None:
    state = ViewState(scheme="manual", breaks=(0.5, 1.0, 2.5, 5.0), k=6,
                      indicator="near_poor_rate", year=2022, geography="current")
    query = to_query(state)
    assert query["brk"] == "0.5,1,2.5,5"
    assert from_query(query) == (state, [])


def test_notices_name_value_and_what_is_shown() -> None:
    assert param_notice("ind='poor_x'").vi == (
        "Liên kết: Chỉ tiêu «poor_x» không dùng được — hiển thị mặc định.")
    assert year_notice(2030, 2026).en == "No data for 2030 — showing 2026."
