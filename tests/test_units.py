import datetime as dt

import pytest

from povcore.errors import PovmapError
from povcore.units import get_version, registry, review_version, version_on


@pytest.fixture(scope="module")
def reg():
    return registry("75")


def test_counts_per_version(reg):
    assert reg.counts("2021") == {
        "commune": {"Phường": 55, "Thị trấn": 15, "Xã": 211},
        "district": {"Huyện": 17, "Thành phố": 3, "Thị xã": 2},
    }
    assert sum(reg.counts("2024")["commune"].values()) == 270
    assert sum(reg.counts("2024")["district"].values()) == 22
    assert reg.counts("2025", dt.date(2025, 7, 1)) == {"commune": {"Phường": 23, "Xã": 72}}
    assert reg.counts("2025", dt.date(2026, 4, 30)) == {"commune": {"Phường": 33, "Xã": 62}}


def test_old_dong_nai_and_binh_phuoc_split(reg):
    communes = reg.units("2021", "commune")
    assert communes.groupby("former_province").size().to_dict() == {"70": 111, "75": 170}
    pre = reg.units("2024", "commune")
    assert pre.groupby("former_province").size().to_dict() == {"70": 111, "75": 159}


def test_type_is_dated(reg):
    # Trảng Bom: xã from 1 Jul 2025, phường from 30 Apr 2026; same code.
    assert reg.type_on("26248", dt.date(2026, 4, 29)) == "Xã"
    assert reg.type_on("26248", dt.date(2026, 4, 30)) == "Phường"
    assert reg.is_urban("26248", dt.date(2026, 4, 30))
    assert not reg.is_urban("26248", dt.date(2025, 12, 31))
    # On 2024-12-31 the 2024 version applies: 26248 was Thị trấn Trảng Bom.
    assert reg.type_on("26248", dt.date(2024, 12, 31)) == "Thị trấn"


def test_dated_names_and_respellings(reg):
    before = reg.unit("2025", "26068", on=dt.date(2025, 7, 1))["name"]
    after = reg.unit("2025", "26068", on=dt.date(2026, 5, 1))["name"]
    assert (before, after) == ("Phường Biên Hòa", "Phường Biên Hoà")


def test_abolished_communes_have_successors(reg):
    c21 = reg.units("2021", "commune").set_index("code")
    assert c21.loc["26203", "successor_code"] == "26176"  # Hiếu Liêm → Trị An
    assert c21.loc["26128", "successor_code"] == "26122"  # Núi Tượng → Nam Cát Tiên
    abolished = c21[c21.index != c21["successor_code"]]
    assert len(abolished) == 11
    assert set(c21["successor_code"]) == set(reg.units("2024", "commune")["code"])


def test_parents_are_districts(reg):
    communes = reg.units("2021", "commune")
    districts = set(reg.units("2021", "district")["code"])
    assert set(communes["parent_code"]) == districts
    assert (communes["parent_code"] == "731").sum() == 30  # TP Biên Hòa


def test_review_year_to_version():
    assert [review_version(y).key for y in (2021, 2023, 2024, 2025, 2026)] == [
        "2021", "2021", "2024", "2025", "2025"]
    assert version_on(dt.date(2025, 6, 30)).key == "2024"


def test_front_doors_list_valid_keys(reg):
    with pytest.raises(PovmapError, match="Valid: 2021, 2024, 2025"):
        get_version("2022")
    with pytest.raises(PovmapError, match="no level 'district'"):
        reg.units("2025", "district")
    with pytest.raises(PovmapError, match="Available: 75"):
        registry("70")
    with pytest.raises(PovmapError, match="not a unit of boundary version 2025"):
        reg.unit("2025", "26203")
    with pytest.raises(PovmapError, match="outside boundary version 2024"):
        reg.units("2024", on=dt.date(2025, 7, 1))
