from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from loaders.tidy import parse_number
from loaders.values import read_values
from loaders.workbook import HeaderAliases
from povcore.errors import Issue, PovmapError
from tests.fixtures_workbooks import (
    SheetSpec,
    build_workbook,
    district_only,
    first_data_row,
    simple,
    three_row_names,
    two_row_codes,
)


def values_of(parsed_values, code: str) -> dict[str, float]:
    rows = parsed_values[parsed_values["unit_code"] == code]
    return dict(zip(rows["indicator"], rows["value"], strict=True))


def errors_of(path: Path, **kwargs) -> list[Issue]:
    with pytest.raises(PovmapError) as info:
        read_values(path, **kwargs)
    return [i for i in info.value.issues if i.severity == "error"]


# --------------------------------------------------------------------------- layouts


def test_two_row_merged_header_with_codes(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "a.xlsx", two_row_codes())
    parsed = read_values(path)
    v = parsed.values
    assert set(v["unit_code"]) == {"26116", "26134", "26143"}
    assert values_of(v, "26116") == {"total_households": 4000, "poor": 40, "poor_a": 10,
                                     "poor_b": 30, "near_poor": 80}
    # "3.000" is three thousand; rates ("1,67") are checked, never stored.
    assert values_of(v, "26143") == {"total_households": 3000, "poor": 50, "poor_a": 5,
                                     "poor_b": 45, "near_poor": 50}
    assert set(v["year"]) == {2023}
    assert set(v["boundary_version"]) == {"2021"}
    row = v[(v["unit_code"] == "26134") & (v["indicator"] == "poor_b")].iloc[0]
    # title rows 1-3, blank 4, header 5-6, total row 7, then 26116 and 26134
    assert (row["sheet"], row["row"], row["column"]) == ("Mẫu 7.1", 9, "H")
    assert parsed.n_rows == 3
    assert parsed.report.warnings == []  # the total row adds up; "Ghi chú" is ignored
    assert len(parsed.sha256) == 64
    assert parsed.file_name == "a.xlsx"


def test_three_row_header_names_without_diacritics_and_sections(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "b.xlsx", three_row_names())
    parsed = read_values(path)
    v = parsed.values
    # Two "Thanh Sơn" communes, told apart by their district rows.
    assert values_of(v, "26143") == {
        "total_households": 2000, "poor": 60, "poor_a": 15, "poor_b": 45, "escaped": 7,
        "fell_back": 1, "newly_poor": 2, "deprived_employment": 25,
        "deprived_health_insurance": 20}
    assert values_of(v, "26209")["poor"] == 50
    assert values_of(v, "26206")["poor_a"] == 5
    assert values_of(v, "26116")["deprived_health_insurance"] == 10
    assert set(v["unit_code"]) == {"26116", "26143", "26206", "26209"}
    assert set(v["year"]) == {2022}
    assert parsed.report.warnings == []


def test_wrong_subtotal_is_a_warning_naming_row_column_and_numbers(tmp_path: Path) -> None:
    spec = three_row_names(subtotal_tan_phu_poor=110)
    path = build_workbook(tmp_path / "c.xlsx", spec)
    parsed = read_values(path)
    [warning] = parsed.report.warnings
    assert warning.row == first_data_row(spec)
    assert warning.column == "D"
    assert warning.file == "c.xlsx"
    assert "110" in warning.message
    assert "100" in warning.message
    assert values_of(parsed.values, "26143")["poor"] == 60  # data rows still imported


def test_district_only_workbook_with_footer(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "dq.xlsx", district_only())
    parsed = read_values(path)
    assert sorted(set(parsed.values["unit_code"])) == ["26206", "26209"]
    assert values_of(parsed.values, "26209") == {"total_households": 2000, "poor": 49}
    assert parsed.values["year"].iloc[0] == 2023
    assert parsed.report.issues == []


def test_names_without_diacritics_need_no_mapping(tmp_path: Path) -> None:
    rows = [[None, "Phuong Hoa An", 5000, 10, 2, 8, 0.2],
            [None, "phuong  TAN  hiep", 6000, "1.200", 200, "1 000", "20"]]
    path = build_workbook(tmp_path / "n.xlsx", simple(rows))
    v = read_values(path).values
    assert values_of(v, "26068") == {"total_households": 5000, "poor": 10, "poor_a": 2,
                                     "poor_b": 8}
    assert values_of(v, "26008") == {"total_households": 6000, "poor": 1200, "poor_a": 200,
                                     "poor_b": 1000}


def test_unknown_commune_is_rejected_with_name_row_and_suggestion(tmp_path: Path) -> None:
    spec = simple([[None, "Phường Hóa An", 5000, 10, 2, 8, 0.2],
                   [None, "Xã Hoá Ann", 5000, 10, 2, 8, 0.2]])
    path = build_workbook(tmp_path / "u.xlsx", spec)
    [issue] = errors_of(path)
    assert issue.row == first_data_row(spec) + 1
    assert issue.column == "B"
    assert "Hoá Ann" in issue.message
    assert "Hóa An (26068)" in issue.hint
    assert issue.file == "u.xlsx"


def test_ambiguous_name_without_section_lists_candidates(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "amb.xlsx",
                          simple([[None, "Thanh Sơn", 5000, 10, 2, 8, 0.2]]))
    [issue] = errors_of(path)
    assert "26143" in issue.message
    assert "26209" in issue.message
    assert "Tân Phú" in issue.message
    assert "Định Quán" in issue.message


def test_tone_marks_decide_between_near_duplicates_in_2025(tmp_path: Path) -> None:
    rows = [[None, "Xã Lộc Thạnh", 5000, 10, 2, 8, 0.2],
            [None, "Lộc Thành", 4000, 8, 0, 8, 0.2]]
    path = build_workbook(tmp_path / "lt.xlsx", simple(rows, title="Rà soát năm 2025"))
    v = read_values(path).values
    assert values_of(v, "25280")["total_households"] == 5000
    assert values_of(v, "25294")["total_households"] == 4000


def test_year_missing_asks_for_year(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "y.xlsx", two_row_codes(title_year=None))
    [issue] = errors_of(path)
    assert "--year" in issue.hint
    assert read_values(path, year=2022).values["year"].iloc[0] == 2022


def test_unrelated_column_is_ignored_and_listed(tmp_path: Path) -> None:
    # Behaviour changed (issue 8): an unrelated column is listed in the report, no warning.
    rows = [["26068", "Phường Hóa An", 5000, 10, 2, 8, 0.2, 7]]
    path = build_workbook(tmp_path / "w.xlsx", simple(rows, extra_header=["Số con nuôi"]))
    parsed = read_values(path)
    assert parsed.report.warnings == []
    [sheet] = parsed.structure["sheets"]
    assert {"column": "H", "header": "Số con nuôi", "reason": "không liên quan / unrelated"} \
        in sheet["ignored_columns"]
    assert values_of(parsed.values, "26068")["poor"] == 10


def test_user_alias_file_adds_a_header(tmp_path: Path) -> None:
    alias = tmp_path / "mine.toml"
    alias.write_text('[indicators]\nnear_poor = ["so con nuoi"]\n', encoding="utf-8")
    rows = [["26068", "Phường Hóa An", 5000, 10, 2, 8, 0.2, 7]]
    path = build_workbook(tmp_path / "w.xlsx", simple(rows, extra_header=["Số con nuôi"]))
    parsed = read_values(path, aliases=alias)
    assert values_of(parsed.values, "26068")["near_poor"] == 7
    assert parsed.report.warnings == []


def test_alias_file_with_unknown_key_is_rejected(tmp_path: Path) -> None:
    alias = tmp_path / "bad.toml"
    alias.write_text('[indicators]\npoorest = ["x"]\n', encoding="utf-8")
    with pytest.raises(PovmapError, match="poorest"):
        HeaderAliases.load(alias)


@pytest.mark.parametrize(
    ("path", "key"),
    [(["Hộ nghèo", "Tỷ lệ (%)"], "poor_rate"),
     (["HCN", "SL"], "near_poor"),
     (["Theo chuẩn quốc gia", "Hộ nghèo", "Số hộ"], "poor_national"),
     (["Chủ hộ DTTS", "Số hộ nghèo"], "poor_em_head"),
     (["Biến động trong năm", "Phát sinh mới"], "newly_poor"),
     (["Số hộ nghèo thiếu hụt các chỉ số", "Nguồn nước sinh hoạt"], "deprived_water"),
     (["Hộ nghèo (chuẩn tỉnh)", "Trong đó", "Hộ nghèo B"], "poor_b"),
     (["Tổng số hộ"], "total_households")],
)
def test_header_paths(path: list[str], key: str) -> None:
    assert HeaderAliases.load().indicator(path) == key


# --------------------------------------------------------------------------- bad values


def bad_rows_spec() -> tuple[SheetSpec, int]:
    rows = [
        ["99999", "X", 5000, 10, 2, 8, 0.2],            # unknown code
        ["26068", "Phường Hóa An", 5000, -1, 0, 0, 0],  # negative count, A+B≠poor
        ["26065", "Phường Hiệp Hòa", 5000, 10.5, 2, 8, 0.2],  # non-integer, A+B≠poor
        ["26062", "Phường Tân Hạnh", 100, 200, 100, 100, 200],  # poor > total, rate > 100
        ["26059", "Phường Tân Vạn", 1000, 10, 4, 5, 1.0],  # A + B ≠ poor
        ["26059", "Phường Tân Vạn", 1000, 9, 4, 5, 0.9],   # duplicate unit
        ["26056", "Phường Long Bình Tân", 1000, "abc", 4, 5, 0.9],  # not a number
    ]
    spec = simple(rows)
    return spec, first_data_row(spec)


def test_every_bad_value_is_reported_at_once(tmp_path: Path) -> None:
    spec, r0 = bad_rows_spec()
    path = build_workbook(tmp_path / "bad.xlsx", spec)
    issues = errors_of(path)
    where = {(i.row, i.column) for i in issues}
    assert (r0, "A") in where                 # unknown code 99999
    assert (r0 + 1, "D") in where             # negative
    assert (r0 + 2, "D") in where             # non-integer 10.5
    assert (r0 + 3, "D") in where             # poor 200 > total 100
    assert (r0 + 3, "G") in where             # rate 200 %
    assert (r0 + 4, "D") in where             # 4 + 5 ≠ 10
    assert (r0 + 5, "D") in where             # duplicate of the row above
    assert (r0 + 6, "D") in where             # "abc"
    assert all(i.file == "bad.xlsx" and i.sheet == "Mẫu 7.1" for i in issues)
    text = {(i.row, i.column): i.message for i in issues}
    assert "99999" in text[(r0, "A")]
    assert "10.5" in text[(r0 + 2, "D")]
    assert "'abc'" in text[(r0 + 6, "D")]
    assert "duplicate" in text[(r0 + 5, "D")]


def test_rate_inconsistent_with_counts_is_an_error(tmp_path: Path) -> None:
    # Behaviour changed (issue 8): a rate contradicting its counts rejects the file.
    spec = simple([["26068", "Phường Hóa An", 1000, 10, 2, 8, "1,2"]])
    [error] = errors_of(build_workbook(tmp_path / "r.xlsx", spec))
    assert (error.row, error.column) == (first_data_row(spec), "G")
    assert "1.2" in error.message
    assert "1.00" in error.message


def test_code_of_another_boundary_version(tmp_path: Path) -> None:
    # 25195 is a 2025 unit (Phường Bình Phước) and a 2021 one (Phường Tân Phú) alike;
    # 26026 (Phường Tân Mai) was merged in Nov 2024: valid in 2021, not in 2024 or 2025.
    spec = simple([["26026", "Phường Tân Mai", 1000, 10, 2, 8, 1.0]],
                  title="Rà soát năm 2025")
    [issue] = errors_of(build_workbook(tmp_path / "v.xlsx", spec))
    assert "26026" in issue.message
    assert "2021" in issue.message
    assert "--boundary-version 2021" in issue.hint
    assert (issue.row, issue.column) == (first_data_row(spec), "A")
    parsed = read_values(tmp_path / "v.xlsx", boundary_version="2021")
    assert values_of(parsed.values, "26026")["poor"] == 10


def test_2025_unit_in_a_2021_review_is_rejected_on_the_name(tmp_path: Path) -> None:
    # Every 2025 code was already a 2021 code (25210 was Phường Tiến Thành): the name
    # says the row belongs to the 2025 boundaries; code and name disagree (issue 8: error).
    spec = simple([["25210", "Phường Đồng Xoài", 1000, 10, 2, 8, 1.0]],
                  title="Rà soát năm 2022")
    [error] = errors_of(build_workbook(tmp_path / "v.xlsx", spec))
    assert "--boundary-version 2025" in error.hint
    assert (error.row, error.column) == (first_data_row(spec), "B")
    assert "Tiến Thành" in error.message


@given(st.integers(min_value=1000, max_value=10**9))
def test_vietnamese_thousands_round_trip(n: int) -> None:
    text = f"{n:,}".replace(",", ".")
    assert parse_number(text) == n
    assert parse_number(text.replace(".", " ")) == n
    assert parse_number(text + ",5") == n + 0.5


# --------------------------------------------------------------------------- bad files


def test_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    [issue] = errors_of(path)
    assert "empty" in issue.message
    assert issue.file == "empty.xlsx"


def test_header_without_data_rows(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "h.xlsx", simple([]))
    [issue] = errors_of(path)
    assert "no data rows" in issue.message
    assert issue.sheet == "Mẫu 7.1"


def test_pdf_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.7\n...")
    [issue] = errors_of(path)
    assert "not an Excel workbook" in issue.message
    assert issue.file == "report.xlsx"


def test_docx_renamed_xlsx(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    path = tmp_path / "bao_cao.xlsx"
    path.write_bytes(buf.getvalue())
    [issue] = errors_of(path)
    assert "not an Excel workbook" in issue.message
    assert "Word" in issue.message


def test_password_protected(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    body = b"\x00" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body)
    [issue] = errors_of(path)
    assert "encrypted" in issue.message
    assert "unprotected .xlsx" in issue.hint


def test_corrupt_zip(tmp_path: Path) -> None:
    good = build_workbook(tmp_path / "g.xlsx", district_only()).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    [issue] = errors_of(path)
    assert "corrupt" in issue.message
    assert issue.file == "cut.xlsx"
