"""Tables on screen in the reader's number format, values (and sorting) untouched."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.tables import localised


def _shown(frame: pd.DataFrame, lang: str, **kw: object) -> list[list[str]]:
    text = localised(frame, lang, **kw).hide(axis="index").to_string(delimiter="|")
    return [line.split("|") for line in text.strip().splitlines()]


@pytest.fixture
def allocation() -> pd.DataFrame:
    return pd.DataFrame({
        "Mã": ["25225", "25222"], "Phân bổ": [5801006182, 3990769480],
        "Điểm": [0.7712, 0.5811], "Năm": [2026, 2025], "Tỷ lệ": [1.25, None],
        "Hạng": [1, None], "Trạng thái": ["chậm", "đạt"]})


def test_vietnamese_and_english_separators_and_places(allocation: pd.DataFrame) -> None:
    vi = _shown(allocation, "vi", places={"Điểm": 3}, plain=["Năm"])
    en = _shown(allocation, "en", places={"Điểm": 3}, plain=["Năm"])
    assert vi == [["Mã", "Phân bổ", "Điểm", "Năm", "Tỷ lệ", "Hạng", "Trạng thái"],
                  ["25225", "5.801.006.182", "0,771", "2026", "1,25", "1", "chậm"],
                  ["25222", "3.990.769.480", "0,581", "2025", "—", "—", "đạt"]]
    assert en[1] == ["25225", "5,801,006,182", "0.771", "2026", "1.25", "1", "chậm"]


def test_values_stay_numbers_for_sorting(allocation: pd.DataFrame) -> None:
    styler = localised(allocation, "vi")
    assert styler.data["Phân bổ"].tolist() == [5801006182, 3990769480]
    assert styler.data is allocation


def test_a_column_gets_the_decimals_its_values_need() -> None:
    frame = pd.DataFrame({"a": [1.5, 2.0], "b": [0.125, 1.0], "c": [1 / 3, 1.0],
                          "d": [-2.0, 3.0]})
    assert _shown(frame, "vi")[1:] == [["1,5", "0,125", "0,333", "−2"],
                                      ["2,0", "1,000", "1,000", "3"]]
