from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.encodings import encode_cp1258
from loaders.values import read_values
from povcore.errors import Issue, PovmapError


def errors_of(path: Path, **kwargs) -> list[Issue]:
    with pytest.raises(PovmapError) as info:
        read_values(path, **kwargs)
    return [i for i in info.value.issues if i.severity == "error"]


def write(tmp_path: Path, name: str, text: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_comma_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "unit_code,year,indicator,value\n"
                 "26068,2023,poor,12\n26068,2023,total_households,5000\n\n")
    parsed = read_values(path)
    v = parsed.values
    assert list(v["indicator"]) == ["poor", "total_households"]
    assert list(v["value"]) == [12.0, 5000.0]
    assert set(v["boundary_version"]) == {"2021"}
    assert list(v["row"]) == [2, 3]
    assert set(v["column"]) == {"value"}
    assert v["sheet"].isna().all()
    assert parsed.n_rows == 2


def test_semicolon_csv_with_bom_and_vietnamese_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "b.csv", "unit_code;year;indicator;value;boundary_version\n"
                 "25195;2025;total_households;12.345;2025\n"
                 "25195;2025;poor;1 234;\n", bom=True)
    v = read_values(path).values
    assert dict(zip(v["indicator"], v["value"], strict=True)) == {
        "poor": 1234.0, "total_households": 12345.0}
    assert set(v["boundary_version"]) == {"2025"}


def test_tidy_sheet_in_xlsx(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "long"
    ws.append(["unit_code", "year", "indicator", "value"])
    ws.append([26116, 2024, "poor_a", 3])
    ws.append(["26116", 2024, "poor_b", "12"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    v = read_values(path).values
    assert dict(zip(v["indicator"], v["value"], strict=True)) == {"poor_a": 3.0, "poor_b": 12.0}
    assert set(v["unit_code"]) == {"26116"}
    assert set(v["boundary_version"]) == {"2024"}
    assert set(v["sheet"]) == {"long"}


def test_unknown_indicator_lists_valid_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "unit_code,year,indicator,value\n26068,2023,poorr,1\n")
    [issue] = errors_of(path)
    assert (issue.row, issue.column, issue.file) == (2, "indicator", "c.csv")
    assert "poorr" in issue.message
    assert "poor_a" in issue.hint
    assert "deprived_water" in issue.hint


def test_rate_key_rejected_with_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "unit_code,year,indicator,value\n26068,2023,poor_rate,1\n")
    [issue] = errors_of(path)
    assert "poor_rate" in issue.message
    assert "'poor'" in issue.hint


def test_every_problem_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", "unit_code,year,indicator,value\n"
                 "99999,2023,poor,1\n"          # unknown unit
                 "26068,20x3,poor,1\n"          # bad year
                 "26068,2023,poor,-4\n"         # negative
                 "26065,2023,poor,1\n"
                 "26065,2023,poor,2\n"          # duplicate
                 "26065,2023,total_households,abc\n")  # not a number
    issues = errors_of(path)
    assert {(i.row, i.column) for i in issues} == {
        (2, "unit_code"), (3, "year"), (4, "value"), (6, "value"), (7, "value")}


def test_year_argument_must_agree(tmp_path: Path) -> None:
    path = write(tmp_path, "f.csv", "unit_code,year,indicator,value\n26068,2023,poor,1\n")
    [issue] = errors_of(path, year=2024)
    assert issue.column == "year"
    assert "2024" in issue.message


def test_code_outside_version(tmp_path: Path) -> None:
    path = write(tmp_path, "g.csv", "unit_code,year,indicator,value\n26026,2025,poor,1\n")
    [issue] = errors_of(path)
    assert "--boundary-version 2021" in issue.hint
    assert issue.code == "26026"


def test_missing_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", "unit_code,year,value\n26068,2023,1\n")
    [issue] = errors_of(path)
    assert "indicator" in issue.message
    assert issue.row == 1


def test_windows_1258_is_read_and_reported(tmp_path: Path) -> None:
    # Behaviour changed (issue 8): CSV saved by Windows in Windows-1258 is accepted.
    path = tmp_path / "i.csv"
    path.write_bytes(encode_cp1258("unit_code,year,indicator,value,ghi chú\n"
                                   "26068,2023,poor,1,Hồ Nai\n"))
    parsed = read_values(path)
    assert list(parsed.values["value"]) == [1.0]
    assert parsed.structure["csv"] == {"encoding": "windows-1258", "separator": ","}
