"""Zone layers: reading, validation, all-or-nothing import, VN-2000, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from pyproj import CRS, Geod, Transformer
from pyproj.transformer import TransformerGroup
from shapely.geometry import Polygon, box

from loaders.zones import get_zone_type, read_zone_file
from povcore.errors import PovmapError

GEOD = Geod(ellps="WGS84")
TRI_AN = (107.04, 11.22)  # lon, lat
TM3_PROJECTION_ONLY = CRS.from_proj4(
    "+proj=tmerc +lat_0=0 +lon_0=107.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m")
# A .prj as Vietnamese GIS tools write it: VN-2000 TM-3 107°45′ without TOWGS84.
TRAP_PRJ = (
    'PROJCS["VN_2000_Dong_Nai_3deg",GEOGCS["GCS_VN_2000",DATUM["D_WGS_1984",'
    'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",107.75],PARAMETER["Scale_Factor",0.9999],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)


def _square(lon: float, lat: float, side: float = 0.01) -> Polygon:
    return box(lon, lat, lon + side, lat + side)


def _geojson(path: Path, rows: list[dict], geoms: list) -> Path:
    gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326").to_file(path, driver="GeoJSON")
    return path


def _epsg_6960() -> Transformer:
    group = TransformerGroup("EPSG:4756", "EPSG:4326", always_xy=True)
    (national,) = [t for t in group.transformers if "VN-2000 to WGS 84 (2)" in t.description]
    return national


def _vn2000_shapefile(tmp_path: Path) -> tuple[Path, tuple[float, float]]:
    """Zipped Shapefile in VN-2000 TM-3 (trap .prj) and its first corner in grid metres."""
    x, y = Transformer.from_crs("EPSG:4326", TM3_PROJECTION_ONLY, always_xy=True).transform(
        *TRI_AN)
    x0, y0 = round(x, -2), round(y, -2)
    folder = tmp_path / "shp"
    folder.mkdir()
    frame = gpd.GeoDataFrame(
        # DBF field names are cut at 10 characters: "so_ho_can_" is "số hộ cần di dời".
        {"TEN_VUNG": ["Vùng ngập A", "Vùng ngập B"], "SO_HO": [120, 40],
         "so_ho_can_": [30, 0], "HINH_THUC": ["xen ghep", "Tập trung"], "NAM": [2024, 2023]},
        geometry=[box(x0, y0, x0 + 2000, y0 + 1000), box(x0 + 3000, y0, x0 + 4000, y0 + 500)])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        frame.to_file(folder / "ngap.shp", encoding="utf-8")
    (folder / "ngap.prj").write_text(TRAP_PRJ)
    archive = tmp_path / "ngap_vn2000.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, f"lop_vung/{part.name}")
    return archive, (x0, y0)


def test_vn2000_zone_shapefile_lands_in_the_right_place(tmp_path: Path) -> None:
    archive, corner_grid = _vn2000_shapefile(tmp_path)
    parsed = read_zone_file(archive, "flood")

    lon, lat = Transformer.from_crs(TM3_PROJECTION_ONLY, "EPSG:4326",
                                    always_xy=True).transform(*corner_grid)
    expected = _epsg_6960().transform(lon, lat)  # national VN-2000 → WGS 84
    first = parsed.frame.geometry.iloc[0]
    nearest = min(first.exterior.coords, key=lambda c: GEOD.inv(*c, *expected)[2])
    assert GEOD.inv(*nearest, *expected)[2] < 1.0
    assert [w for w in parsed.report.warnings if "datum shift" in w.message]
    assert list(parsed.frame["name"]) == ["Vùng ngập A", "Vùng ngập B"]
    assert list(parsed.frame["households"]) == [120.0, 40.0]
    assert list(parsed.frame["relocate_households"]) == [30.0, 0.0]
    assert list(parsed.frame["relocation_form"]) == ["interspersed", "concentrated"]
    assert list(parsed.frame["year"]) == [2024, 2023]
    assert parsed.columns["relocate_households"] == "so_ho_can_"


def test_headers_matched_with_or_without_diacritics(tmp_path: Path) -> None:
    path = _geojson(tmp_path / "r.geojson", [
        {"Tên khu vực": "Rừng X", "CAN CU PHAP LY": "QĐ 1/2020", "so ho dang sinh song": "1.250",
         "Số hộ bố trí": 200, "Hình thức bố trí": "Ổn định tại chỗ", "Tình trạng": "Chưa",
         "Năm": "2022"}], [_square(107.0, 11.3)])
    parsed = read_zone_file(path, "Rừng đặc dụng")
    row = parsed.frame.iloc[0]
    assert parsed.zone_type == "special_use_forest"
    assert (row["name"], row["legal_basis"], row["households"]) == ("Rừng X", "QĐ 1/2020", 1250.0)
    assert (row["relocate_households"], row["relocation_form"], row["status"], row["year"]) == (
        200.0, "in_place", "Chưa", 2022)


def test_bad_attributes_name_feature_column_and_fix(tmp_path: Path) -> None:
    path = _geojson(tmp_path / "bad.geojson", [
        {"Tên": "A", "Số hộ": -3, "Hình thức": "di cư", "Năm": 2024},
        {"Tên": "B", "Số hộ": 10, "Số hộ cần di dời": 25, "Hình thức": "", "Năm": 1800},
    ], [_square(107.0, 11.3), _square(107.1, 11.3)])
    with pytest.raises(PovmapError) as err:
        read_zone_file(path, "flood")
    found = {(i.row, i.column, str(i.value)) for i in err.value.issues if i.severity == "error"}
    assert found == {(1, "Số hộ", "-3"), (1, "Hình thức", "di cư"),
                     (2, "Số hộ cần di dời", "25.0"), (2, "Năm", "1800")}
    form = next(i for i in err.value.issues if i.column == "Hình thức")
    assert "Tập trung" in form.hint
    assert "Xen ghép" in form.hint
    assert all(i.file == "bad.geojson" for i in err.value.issues)


def test_non_polygon_and_unknown_type_are_rejected(tmp_path: Path) -> None:
    from shapely.geometry import Point

    path = _geojson(tmp_path / "pt.geojson", [{"Tên": "A"}, {"Tên": "B"}],
                    [_square(107.0, 11.3), Point(107.0, 11.3)])
    with pytest.raises(PovmapError) as err:
        read_zone_file(path, "flood")
    (issue,) = [i for i in err.value.issues if i.severity == "error"]
    assert issue.row == 2
    assert issue.value == "Point"
    with pytest.raises(PovmapError, match="flash_flood_landslide"):
        get_zone_type("landslide")


# --------------------------------------------------------------------------- CLI


def _povmap(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from povmap.cli import main; main()", *args],
                          env=env, capture_output=True, text=True, check=False)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    root = Path(__file__).resolve().parents[1]
    return {**os.environ, "PYTHONPATH": str(root), "POVMAP_DATA_DIR": str(tmp_path / "data"),
            "POVMAP_GEODATA": str(tmp_path / "no-geodata")}


def test_cli_import_list_remove_and_rejection_writes_nothing(tmp_path: Path,
                                                             env: dict[str, str]) -> None:
    good = _geojson(tmp_path / "lu.geojson", [{"Tên vùng": "Lũ quét X", "Số hộ": 50}],
                    [_square(107.4, 11.27)])
    bad = _geojson(tmp_path / "lu_bad.geojson", [{"Tên vùng": "Y", "Số hộ": "năm mươi"}],
                   [_square(107.4, 11.27)])

    rejected = _povmap(env, "zones", "import", str(bad), "--type", "flash_flood_landslide",
                       "--json")
    assert rejected.returncode == 2
    assert "lu_bad.geojson" in rejected.stderr
    assert "năm mươi" in rejected.stderr
    assert json.loads(rejected.stdout)["status"] == "rejected"
    assert json.loads(_povmap(env, "zones", "list", "--json").stdout)["zones"] == []

    dry = json.loads(_povmap(env, "zones", "import", str(good), "--type",
                             "flash_flood_landslide", "--dry-run", "--json").stdout)
    assert (dry["status"], dry["zones"], dry["households"]) == ("dry_run", 1, 50.0)
    assert json.loads(_povmap(env, "zones", "list", "--json").stdout)["zones"] == []

    done = json.loads(_povmap(env, "zones", "import", str(good), "--type",
                              "flash_flood_landslide", "--json").stdout)
    assert done["status"] == "imported"
    again = json.loads(_povmap(env, "zones", "import", str(good), "--type",
                               "flash_flood_landslide", "--json").stdout)
    assert (again["status"], again["import_id"]) == ("unchanged", done["import_id"])
    listed = json.loads(_povmap(env, "zones", "list", "--json").stdout)
    (zone,) = listed["zones"]
    assert (zone["name"], zone["zone_type"], zone["households"]) == (
        "Lũ quét X", "flash_flood_landslide", 50.0)
    assert 110 < zone["area_ha"] < 125  # 0.01° square near 11.27° N ≈ 1.09 × 1.11 km

    removed = _povmap(env, "zones", "remove", str(done["import_id"]))
    assert removed.returncode == 0
    assert json.loads(_povmap(env, "zones", "list", "--json").stdout)["zones"] == []
    missing = _povmap(env, "zones", "remove", "99")
    assert missing.returncode == 2
    assert "#99" in missing.stderr


def test_cli_unknown_type_exits_2(tmp_path: Path, env: dict[str, str]) -> None:
    good = _geojson(tmp_path / "a.geojson", [{"Tên": "A"}], [_square(107.0, 11.3)])
    proc = _povmap(env, "zones", "import", str(good), "--type", "fire")
    assert proc.returncode == 2
    assert "riverbank_erosion" in proc.stderr


def test_cli_assume_crs_for_a_file_without_crs(tmp_path: Path, env: dict[str, str]) -> None:
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3405", always_xy=True).transform(*TRI_AN)
    path = tmp_path / "khong_crs.geojson"
    frame = gpd.GeoDataFrame({"Tên": ["Vùng UTM"]}, geometry=[box(x, y, x + 1000, y + 1000)])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        frame.to_file(path, driver="GeoJSON")
    refused = _povmap(env, "zones", "import", str(path), "--type", "other", "--dry-run")
    assert refused.returncode == 2
    assert "assume_crs" in refused.stderr
    done = _povmap(env, "zones", "import", str(path), "--type", "other", "--assume-crs",
                   "EPSG:3405", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(_povmap(env, "zones", "list", "--json").stdout)
    assert listed["zones"][0]["area_ha"] == pytest.approx(100.0, rel=0.01)


def test_zone_outside_the_province_is_warned_about(tmp_path: Path) -> None:
    path = _geojson(tmp_path / "xa.geojson", [{"Tên": "Trong tỉnh"}, {"Tên": "Hà Nội"}],
                    [_square(107.0, 11.3), _square(105.85, 21.03)])
    parsed = read_zone_file(path, "other")
    (warning,) = [w for w in parsed.report.warnings if "outside the province" in w.message]
    assert warning.row == 2
    assert "Hà Nội" in warning.message
