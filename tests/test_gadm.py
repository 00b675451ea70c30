from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely import box

from geodata.gadm import dissolve_to_version, districts_from_communes, match_gadm
from povcore.errors import PovmapError
from povcore.units import registry

LEGACY = "legacy_2021/gadm41_legacy_2021_NOT_REDISTRIBUTABLE.gpkg"


def _units() -> pd.DataFrame:
    rows = [
        ("district", "900", "Huyện Trảng Bom", "Huyện", "75"),
        ("commune", "1", "Thị trấn Trảng Bom", "Thị trấn", "900"),
        ("commune", "2", "Xã Hố Nai 3", "Xã", "900"),
        ("commune", "3", "Xã Tân Hòa", "Xã", "900"),
        ("commune", "4", "Xã Tân Hóa", "Xã", "900"),
        ("commune", "5", "Phường Mới", "Phường", "900"),
        ("commune", "6", "Xã Không Có", "Xã", "900"),
    ]
    frame = pd.DataFrame(rows, columns=["level", "code", "name", "type", "parent_code"])
    return frame.assign(version="2021", former_province="75")


def _raw() -> gpd.GeoDataFrame:
    feats = [  # NAME_1, NAME_2, NAME_3, GID_3, geometry (unit squares on one row)
        ("ĐồngNai", "TrảngBom", "TrảngBom", "g1", box(0, 0, 1, 1)),
        ("ĐồngNai", "TrảngBom", "HốNai3", "g2", box(1, 0, 2, 2)),
        ("ĐồngNai", "TrảngBom", "TânHoà", "g3", box(3, 0, 4, 1)),
        ("ĐồngNai", "TrảngBom", "TânHóa", "g4", box(4, 0, 5, 1)),
        ("ĐồngNai", "TrảngBom", "TênCũ", "g5", box(5, 0, 6, 1)),
        ("ĐồngNai", "TrảngBom", "SuốiCũ", "g6", box(2, 0, 3, 2)),  # 2 edge to g2, 1 to g3
        ("ĐồngNai", "TrảngBom", "TrảngBom", "g7", box(0, 1, 1, 2)),  # duplicate of g1
        ("BàRịa-VũngTàu", "XuyênMộc", "BàuLâm", "g8", box(9, 9, 10, 10)),
    ]
    frame = pd.DataFrame(feats, columns=["NAME_1", "NAME_2", "NAME_3", "GID_3", "geometry"])
    # Lon/lat squares near Trảng Bom, 1/100 degree each.
    geoms = gpd.GeoSeries(frame.pop("geometry")).scale(0.01, 0.01, origin=(0, 0))
    return gpd.GeoDataFrame(frame, geometry=geoms.translate(107.0, 10.9).values, crs=4326)


def test_match_small_fixture() -> None:
    m = match_gadm(_raw(), _units(), {"75": "Đồng Nai"}, aliases={"5": ["tencu", "xatencu"]})
    assert m.matched_by == {"1": "name", "2": "merged-unmatched", "3": "name", "4": "name",
                            "5": "alias"}
    got = m.communes.set_index("code")
    assert got.loc["3", "name"] == "Xã Tân Hòa"  # tone-aware tie-break between 3 and 4
    assert got.loc["5", ["name", "type", "district_code"]].tolist() == ["Phường Mới", "Phường",
                                                                        "900"]
    assert got.loc["1"].geometry.area == pytest.approx(2e-4)  # g1 + g7 merged
    assert got.loc["2"].geometry.area == pytest.approx(4e-4)  # g2 + stale g6
    assert list(m.communes.columns) == ["code", "name", "type", "district_code", "geometry"]
    assert m.communes.crs.to_epsg() == 4326
    assert set(m.communes.geom_type) == {"MultiPolygon"}
    [error] = m.report.errors
    assert error.value == ["6"]
    assert "6 Xã Không Có" in error.message
    warnings = [str(w) for w in m.report.warnings]
    assert len(warnings) == 2
    assert any("g6 'SuốiCũ'" in w and "merged into 2" in w for w in warnings)
    assert any("g1, g7" in w for w in warnings)
    [info] = [i for i in m.report.issues if i.severity == "info"]
    assert "BàRịa-VũngTàu" in info.message


def test_lowercase_columns_accepted() -> None:
    raw = _raw().rename(columns={"NAME_1": "gadm_name_1", "NAME_2": "gadm_name_2",
                                 "NAME_3": "gadm_name_3", "GID_3": "gadm_gid"})
    m = match_gadm(raw, _units(), {"75": "Đồng Nai"}, aliases={})
    assert sorted(m.matched_by) == ["1", "2", "3", "4"]  # no alias table: g5 merged into 4
    assert m.matched_by["4"] == "merged-unmatched"


def test_missing_columns_raise() -> None:
    with pytest.raises(PovmapError, match="lacks required columns") as err:
        match_gadm(_raw().drop(columns=["NAME_2"]), _units())
    assert [i.column for i in err.value.issues] == ["NAME_2"]


def test_unknown_district_is_an_error() -> None:
    raw = _raw().assign(NAME_2="NơiKhác")
    m = match_gadm(raw, _units(), {"75": "Đồng Nai"}, aliases={})
    assert m.communes.empty
    assert any("NơiKhác" in i.message for i in m.report.errors)


def test_dissolve_rejects_2025() -> None:
    with pytest.raises(PovmapError, match="Valid: 2021, 2024"):
        dissolve_to_version(gpd.GeoDataFrame({"code": []}, geometry=[], crs=4326), "2025")


@pytest.fixture(scope="module")
def real_match(shared_geodata: Path) -> tuple[object, Path]:
    raw = gpd.read_file(shared_geodata / LEGACY, layer="communes_gadm41_raw")
    assert len(raw) == 282
    return match_gadm(raw), shared_geodata / LEGACY


def _iou(a: gpd.GeoSeries, b: gpd.GeoSeries) -> pd.Series:
    a, b = a.to_crs(32648), b.to_crs(32648)
    return a.intersection(b).area / a.union(b).area


@pytest.mark.realdata
def test_real_gadm_match(real_match: tuple) -> None:
    m, path = real_match
    assert len(m.communes) == 281
    assert m.report.errors == []
    methods = pd.Series(m.matched_by)
    assert methods.value_counts().to_dict() == {"name": 279, "alias": 1, "merged-unmatched": 1}
    assert methods[methods != "name"].to_dict() == {"26326": "alias",
                                                    "26395": "merged-unmatched"}
    [warning] = m.report.warnings
    assert "VNM.17.5.13_1 'SuốiTrầu'" in warning.message
    assert "merged into 26395 (longest shared boundary 7.5 km)" in warning.message
    got = m.communes.set_index("code")
    assert got.loc["26395", "name"] == "Xã Bình Sơn"
    assert got.loc["26326", ["name", "type"]].tolist() == ["Thị trấn Dầu Giây", "Thị trấn"]
    assert got.loc["25210", "type"] == "Phường"  # GADM says Xã (stale)
    ref = gpd.read_file(path, layer="communes_2021").set_index("commune_code")
    assert set(ref.index) == set(got.index)
    iou = _iou(got.geometry, ref.geometry.reindex(got.index))
    assert iou.min() > 0.999_999  # measured 0.99999999999777 (same source, same method)
    assert (got["name"] == ref["commune_name"].reindex(got.index)).all()


@pytest.mark.realdata
def test_real_dissolve_2024(real_match: tuple) -> None:
    m, path = real_match
    c24 = dissolve_to_version(m.communes, "2024")
    expected = registry("75").units("2024", "commune")
    assert sorted(c24["code"]) == sorted(expected["code"])
    assert len(c24) == 270
    ref = gpd.read_file(path, layer="communes_pre2025").set_index("commune_code")
    got = c24.set_index("code")
    assert _iou(got.geometry, ref.geometry.reindex(got.index)).min() > 0.999_999
    assert got.loc["26041", "name"] == expected.set_index("code").loc["26041", "name"]


@pytest.mark.realdata
def test_real_districts(real_match: tuple) -> None:
    m, path = real_match
    districts = districts_from_communes(m.communes).set_index("code")
    assert len(districts) == 22
    assert districts.loc["731", "name"] == "Thành phố Biên Hòa"
    ref = gpd.read_file(path, layer="districts_2021").set_index("district_code")
    ratio = districts.to_crs(32648).area / ref.to_crs(32648).area.reindex(districts.index)
    assert ratio.between(0.99, 1.01).all()  # measured 1.0000 ± 2e-14
    unfilled = m.communes.to_crs(32648).dissolve("district_code").area
    filled_km2 = (districts.to_crs(32648).area - unfilled.reindex(districts.index)) / 1e6
    assert filled_km2.min() >= 0
    assert filled_km2.sum() == pytest.approx(7.9, abs=0.05)  # README: 299 slivers, 7.9 km²
