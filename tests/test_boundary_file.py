"""Tests for loaders.boundary_file: formats, columns, codes, geometry, VN-2000, coverage.

Every fixture is generated here, in ``tmp_path``; only the ``realdata`` tests read
``../shared/geodata`` (never copied into the repository).
"""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from pyproj import CRS, Geod, Transformer
from pyproj.transformer import TransformerGroup
from shapely.geometry import MultiPolygon, Polygon, box

from loaders.boundary_file import (
    VN2000_TOWGS84,
    _normalise_code,
    read_boundary_file,
    vn2000_tm3,
)
from povcore.coverage import coverage_defects
from povcore.errors import Issue, PovmapError

GEOD = Geod(ellps="WGS84")
BIEN_HOA = (106.84, 10.95)  # lon, lat
CODES = ["26068", "26071", "26074", "26077"]
# Transverse Mercator 107°45′ on the WGS 84 ellipsoid with no datum: the *projection* of
# VN-2000 TM-3 alone, used to go between grid metres and VN-2000 lon/lat in fixtures.
TM3_PROJECTION_ONLY = CRS.from_proj4(
    "+proj=tmerc +lat_0=0 +lon_0=107.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m"
)
# As published (coordinate-frame rotations); see the module docstring.
PUBLISHED_TOWGS84 = (
    "-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278"
)

_TM3_PARAMS = (
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],'
    'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",107.75],'
    'PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
_SPHEROID = 'SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],' \
    'UNIT["Degree",0.0174532925199433]],'


def _prj(geogcs: str, datum: str) -> str:
    return f'PROJCS["VN_2000_Dong_Nai_3deg",GEOGCS["{geogcs}",DATUM["{datum}",{_SPHEROID}' \
        + _TM3_PARAMS


# .prj files as Vietnamese GIS tools write them, none with TOWGS84.
TRAP_PRJS = {
    "datum-name-unknown-to-proj": _prj("VN2000", "VN2000"),
    "vn2000-gcs-on-wgs84-datum": _prj("GCS_VN_2000", "D_WGS_1984"),
    "tm3-on-wgs84-only": _prj("GCS_WGS_1984", "D_WGS_1984"),
}
# PROJ recognises this datum name as EPSG:6756 and shifts it itself: no repair wanted.
RECOGNISED_PRJ = _prj("GCS_VN_2000", "D_Vietnam_2000")


# --------------------------------------------------------------------------- helpers


def _epsg_6960() -> Transformer:
    """EPSG:4756 → EPSG:4326 by the national transformation "VN-2000 to WGS 84 (2)"."""
    group = TransformerGroup("EPSG:4756", "EPSG:4326", always_xy=True)
    (national,) = [t for t in group.transformers if "VN-2000 to WGS 84 (2)" in t.description]
    return national


def _grid(origin: tuple[float, float], size: float = 1000.0) -> list[Polygon]:
    x0, y0 = origin
    return [box(x0 + i * size, y0 + j * size, x0 + (i + 1) * size, y0 + (j + 1) * size)
            for j in range(2) for i in range(2)]


def _tm3_origin() -> tuple[float, float]:
    x, y = Transformer.from_crs("EPSG:4326", TM3_PROJECTION_ONLY, always_xy=True).transform(
        *BIEN_HOA)
    return round(x, -2), round(y, -2)


def _write_zipped_shapefile(tmp_path: Path, polygons: list[Polygon], prj: str) -> Path:
    folder = tmp_path / "shp"
    folder.mkdir()
    _write_without_crs(gpd.GeoDataFrame({"MaXa": CODES, "TenXa": ["A", "B", "C", "D"]},
                                        geometry=polygons), folder / "grid.shp")
    (folder / "grid.prj").write_text(prj)
    archive = tmp_path / "grid.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, f"ranh_gioi/{part.name}")  # a sub-folder, as zips often have
    return archive


def _write_without_crs(frame: gpd.GeoDataFrame, path: Path) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        frame.to_file(path)


def _metric_centroid(geoms: gpd.GeoSeries) -> tuple[float, float]:
    centre = geoms.to_crs("EPSG:32648").union_all().centroid
    return centre.x, centre.y


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(np.hypot(a[0] - b[0], a[1] - b[1]))


def _reference_wgs84(polygons: list[Polygon]) -> gpd.GeoSeries:
    """TM-3 grid metres → VN-2000 lon/lat (projection only) → WGS 84 by EPSG 6960."""
    to_vn2000 = Transformer.from_crs(TM3_PROJECTION_ONLY, "EPSG:4326", always_xy=True)
    national = _epsg_6960()

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = to_vn2000.transform(coords[:, 0], coords[:, 1])
        return np.column_stack(national.transform(lon, lat))

    return gpd.GeoSeries([shapely.transform(p, project) for p in polygons], crs="EPSG:4326")


def _feature(code: object, geometry: dict | None, **props: object) -> dict:
    return {"type": "Feature", "properties": {"ma_xa": code, **props}, "geometry": geometry}


def _ring(*points: tuple[float, float]) -> dict:
    return {"type": "Polygon", "coordinates": [[*points, points[0]]]}


def _only_issue(path: Path) -> Issue:
    """The one issue of the error that reading ``path`` raises."""
    with pytest.raises(PovmapError) as err:
        read_boundary_file(path)
    (issue,) = err.value.issues
    return issue


def _square(lon: float, lat: float, side: float = 0.01) -> dict:
    return _ring((lon, lat), (lon + side, lat), (lon + side, lat + side), (lon, lat + side))


def _write_geojson(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _issue_texts(err: pytest.ExceptionInfo[PovmapError]) -> list[str]:
    return [str(issue) for issue in err.value.issues]


# --------------------------------------------------------------------------- VN-2000


@pytest.mark.parametrize("lonlat", [(106.84, 10.95), (107.75, 11.5), (102.5, 22.5),
                                    (109.2, 12.2), (105.8, 21.0)])
def test_towgs84_sign_convention_matches_epsg_transformation(lonlat: tuple[float, float]) -> None:
    ours = Transformer.from_crs(
        CRS.from_proj4(f"+proj=longlat +ellps=WGS84 +towgs84={VN2000_TOWGS84} +no_defs"),
        "EPSG:4326", always_xy=True,
    ).transform(*lonlat)
    national = _epsg_6960().transform(*lonlat)
    default = Transformer.from_crs("EPSG:4756", "EPSG:4326", always_xy=True).transform(*lonlat)
    assert GEOD.inv(*ours, *national)[2] < 0.01
    # pyproj's default may pick the Mekong-delta transformation near Biên Hòa: < 1 m apart.
    assert GEOD.inv(*ours, *default)[2] < 1.0
    # and the datum shift itself is the ~220 m of DOMAIN.md §7
    assert 200 < GEOD.inv(*lonlat, *ours)[2] < 240


@pytest.mark.parametrize("lonlat", [(106.84, 10.95), (107.75, 11.5), (105.8, 21.0)])
def test_published_rotation_signs_in_towgs84_would_be_wrong(lonlat: tuple[float, float]) -> None:
    # PROJ's +towgs84 is position-vector; EPSG 6960 publishes coordinate-frame rotations.
    verbatim = Transformer.from_crs(
        CRS.from_proj4(f"+proj=longlat +ellps=WGS84 +towgs84={PUBLISHED_TOWGS84} +no_defs"),
        "EPSG:4326", always_xy=True,
    ).transform(*lonlat)
    assert 0.3 < GEOD.inv(*verbatim, *_epsg_6960().transform(*lonlat))[2] < 1.0


def test_vn2000_tm3_agrees_with_epsg_5899() -> None:
    xy = _tm3_origin()
    ours = Transformer.from_crs(vn2000_tm3(), "EPSG:4326", always_xy=True).transform(*xy)
    epsg = Transformer.from_crs("EPSG:5899", "EPSG:4326", always_xy=True).transform(*xy)
    assert GEOD.inv(*ours, *epsg)[2] < 1.0
    assert "+lon_0=106.25 +k=0.9999 +x_0=500000" in vn2000_tm3(106.25).srs


@pytest.mark.parametrize("variant", sorted(TRAP_PRJS))
def test_vn2000_prj_without_datum_shift_is_repaired(tmp_path: Path, variant: str) -> None:
    polygons = _grid(_tm3_origin())
    frame, report = read_boundary_file(_write_zipped_shapefile(tmp_path, polygons,
                                                               TRAP_PRJS[variant]))

    assert list(frame["code"]) == CODES
    assert list(frame["name"]) == ["A", "B", "C", "D"]
    assert frame.crs == CRS.from_epsg(4326)
    (datum,) = [i for i in report.warnings if "datum shift" in i.message]
    assert datum.file == "grid.zip"
    assert "grid.zip" in datum.message
    assert "shift was applied" in datum.message
    assert 215 < datum.value < 235  # metres at the centroid, also in the message
    assert f"{datum.value:.0f} m" in datum.message

    loaded = _metric_centroid(frame.geometry)
    assert _distance(loaded, _metric_centroid(_reference_wgs84(polygons))) < 1.0
    naive = _metric_centroid(gpd.GeoSeries(polygons, crs=TM3_PROJECTION_ONLY).to_crs(4326))
    assert 215 < _distance(loaded, naive) < 235


def test_vn2000_prj_recognised_by_proj_is_not_shifted_twice(tmp_path: Path) -> None:
    polygons = _grid(_tm3_origin())
    frame, report = read_boundary_file(_write_zipped_shapefile(tmp_path, polygons,
                                                               RECOGNISED_PRJ))
    assert not [i for i in report.issues if "datum" in i.message]
    assert _distance(_metric_centroid(frame.geometry),
                     _metric_centroid(_reference_wgs84(polygons))) < 1.0


def test_epsg_3405_geopackage_loads_without_datum_warning(tmp_path: Path) -> None:
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3405", always_xy=True).transform(*BIEN_HOA)
    polygons = _grid((round(x, -2), round(y, -2)))
    path = tmp_path / "utm.gpkg"
    gpd.GeoDataFrame({"ward_code": CODES}, geometry=polygons, crs="EPSG:3405").to_file(path)

    frame, report = read_boundary_file(path)

    assert report.issues == []
    assert list(frame["name"]) == ["", "", "", ""]
    to_vn2000 = Transformer.from_crs("EPSG:3405", "EPSG:4756", always_xy=True)
    lon, lat = to_vn2000.transform(*polygons[0].exterior.coords[0])
    expected = _epsg_6960().transform(lon, lat)
    corner = frame.geometry.iloc[0].exterior.coords[0]
    assert GEOD.inv(*corner, *expected)[2] < 1.0


# --------------------------------------------------------------------------- CRS absent


def test_lonlat_without_crs_assumes_wgs84_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "nocrs.shp"
    _write_without_crs(gpd.GeoDataFrame({"code": ["26068"]},
                                        geometry=[box(106.8, 10.9, 106.9, 11.0)]), path)

    frame, report = read_boundary_file(path)

    assert frame.crs == CRS.from_epsg(4326)
    assert frame.geometry.iloc[0].bounds == pytest.approx((106.8, 10.9, 106.9, 11.0))
    (warning,) = report.warnings
    assert "no CRS" in warning.message
    assert "EPSG:4326" in warning.message


def test_metres_without_crs_ask_for_assume_crs(tmp_path: Path) -> None:
    path = tmp_path / "metres.shp"
    polygons = _grid(_tm3_origin())
    _write_without_crs(gpd.GeoDataFrame({"code": CODES}, geometry=polygons), path)

    issue = _only_issue(path)
    assert "metres.shp has no CRS" in issue.message
    assert "EPSG:3405" in issue.hint
    assert "+lon_0=107.75" in issue.hint
    assert "+towgs84=" in issue.hint

    frame, report = read_boundary_file(path, assume_crs=vn2000_tm3().srs)
    assert _distance(_metric_centroid(frame.geometry),
                     _metric_centroid(_reference_wgs84(polygons))) < 1.0
    assert report.issues == []


# --------------------------------------------------------------------------- geometry, codes


def test_bow_tie_and_duplicate_code_raise_with_file_row_and_code(tmp_path: Path) -> None:
    bow_tie = _ring((106.90, 10.90), (106.92, 10.92), (106.92, 10.90), (106.90, 10.92))
    path = _write_geojson(tmp_path / "units.geojson", [
        _feature("26068", _square(106.80, 10.90)),
        _feature("26071", bow_tie),
        _feature("26068", _square(106.70, 10.90)),
    ])

    with pytest.raises(PovmapError) as err:
        read_boundary_file(path)

    assert "units.geojson" in err.value.summary
    duplicate = next(i for i in err.value.issues if i.severity == "error")
    assert duplicate.code == "26068"
    assert duplicate.file == "units.geojson"
    assert "Mã trùng lặp 26068 ở các dòng 1, 3 / Duplicate code 26068 at rows 1, 3" \
        in duplicate.message
    invalid = next(i for i in err.value.issues if i.severity == "warning")
    assert (invalid.file, invalid.row, invalid.code) == ("units.geojson", 2, "26071")
    assert invalid.value.startswith("Self-intersection")
    assert "units.geojson, row 2, code 26071: invalid geometry (Self-intersection" \
        in invalid.message


def test_bow_tie_is_repaired_into_its_two_triangles(tmp_path: Path) -> None:
    bow_tie = _ring((106.90, 10.90), (106.92, 10.92), (106.92, 10.90), (106.90, 10.92))
    path = _write_geojson(tmp_path / "bow.geojson", [_feature("26071", bow_tie)])

    frame, report = read_boundary_file(path)

    repaired = frame.geometry.iloc[0]
    assert isinstance(repaired, MultiPolygon)
    assert len(repaired.geoms) == 2
    assert repaired.is_valid
    assert repaired.area == pytest.approx(2 * 0.5 * 0.02 * 0.01)
    assert [i.row for i in report.warnings] == [1]


def test_missing_empty_and_non_polygon_features_are_errors_by_row(tmp_path: Path) -> None:
    path = _write_geojson(tmp_path / "bad.geojson", [
        _feature("26068", _square(106.80, 10.90)),
        _feature(None, _square(106.82, 10.90)),
        _feature("26074", None),
        _feature("26077", {"type": "Point", "coordinates": [106.9, 10.9]}),
        _feature("", _square(106.84, 10.90)),
    ])

    with pytest.raises(PovmapError) as err:
        read_boundary_file(path)

    texts = _issue_texts(err)
    assert any("Missing code at rows 2, 5" in t for t in texts)
    empty = next(i for i in err.value.issues if "empty or missing geometry" in i.message)
    assert (empty.row, empty.code) == (3, "26074")
    point = next(i for i in err.value.issues if "not a polygon" in i.message)
    assert (point.row, point.code, point.value) == (4, "26077", "Point")
    assert len(err.value.issues) == 3


def test_codes_are_normalised_to_digit_strings(tmp_path: Path) -> None:
    path = tmp_path / "floats.gpkg"
    gpd.GeoDataFrame({"MA_XA": [26068.0, 26071.0], "Tên xã": ["Phường A", "Xã B"]},
                     geometry=[box(106.8, 10.9, 106.81, 10.91), box(106.81, 10.9, 106.82, 10.91)],
                     crs="EPSG:4326").to_file(path)

    frame, report = read_boundary_file(path)

    assert list(frame["code"]) == ["26068", "26071"]
    assert list(frame["name"]) == ["Phường A", "Xã B"]
    assert report.issues == []


def test_non_numeric_codes_are_kept_with_a_warning(tmp_path: Path) -> None:
    path = _write_geojson(tmp_path / "text.geojson", [
        _feature(" 26068 ", _square(106.80, 10.90)),
        _feature("VNM.17.5.13_1", _square(106.81, 10.90)),
    ])

    frame, report = read_boundary_file(path)

    assert list(frame["code"]) == ["26068", "VNM.17.5.13_1"]
    (warning,) = report.warnings
    assert "1 codes are not numeric: VNM.17.5.13_1 (dòng/row 2)" in warning.message


@given(st.integers(min_value=0, max_value=10**9))
def test_numeric_code_forms_normalise_to_the_same_string(n: int) -> None:
    assert _normalise_code(float(n)) == str(n)
    assert _normalise_code(f" {n} ") == str(n)
    assert _normalise_code(f"{n}.0") == str(n)
    assert _normalise_code(n) == str(n)


@pytest.mark.parametrize("blank", [None, float("nan"), "", "   "])
def test_blank_codes_normalise_to_none(blank: object) -> None:
    assert _normalise_code(blank) is None


# --------------------------------------------------------------------------- columns, layers


def test_missing_code_column_lists_the_columns(tmp_path: Path) -> None:
    features = [{"type": "Feature", "properties": {"id_noi_bo": 1, "ten_xa": "A"},
                 "geometry": _square(106.8, 10.9)}]
    path = _write_geojson(tmp_path / "nocode.geojson", features)

    issue = _only_issue(path)
    assert "No unit-code column found. Columns present: id_noi_bo, ten_xa" in issue.message
    assert "code_column=" in issue.hint

    frame, _ = read_boundary_file(path, code_column="ID_NOI_BO")
    assert list(frame["code"]) == ["1"]
    assert list(frame["name"]) == ["A"]


def test_named_code_column_that_does_not_exist(tmp_path: Path) -> None:
    path = _write_geojson(tmp_path / "x.geojson", [_feature("26068", _square(106.8, 10.9))])
    with pytest.raises(PovmapError, match=r"No column 'commune_code'\. Columns present: ma_xa"):
        read_boundary_file(path, code_column="commune_code")


def test_geopackage_with_two_layers_needs_a_layer(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    for layer, code in (("xa_2021", "26068"), ("xa_2025", "26071")):
        gpd.GeoDataFrame({"code": [code]}, geometry=[box(106.8, 10.9, 106.81, 10.91)],
                         crs="EPSG:4326").to_file(path, layer=layer)

    issue = _only_issue(path)
    assert "The file has 2 layers; choose one: xa_2021, xa_2025" in issue.message
    assert "layer=" in issue.hint

    frame, _ = read_boundary_file(path, layer="xa_2025")
    assert list(frame["code"]) == ["26071"]
    with pytest.raises(PovmapError, match=r"No layer 'xa_2030'\. Layers present: xa_2021, xa_2025"):
        read_boundary_file(path, layer="xa_2030")


@pytest.mark.parametrize(("name", "content"), [
    ("notes.geojson", b"this is a text file, not GeoJSON\n"),
    ("broken.zip", b"PK\x03\x04 not really a zip"),
    ("broken.gpkg", b"SQLite format 3\x00 truncated"),
])
def test_unreadable_files_name_the_file_and_formats(tmp_path: Path, name: str,
                                                    content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    issue = _only_issue(path)
    assert issue.file == name
    assert f"{name} is unreadable or corrupt" in issue.message
    assert "GeoJSON (.geojson, .json)" in issue.hint
    assert "zipped Shapefile (.zip)" in issue.hint


def test_unsupported_extension_lists_accepted_formats(tmp_path: Path) -> None:
    path = tmp_path / "ranh_gioi.kml"
    path.write_text("<kml/>")
    with pytest.raises(PovmapError) as err:
        read_boundary_file(path)
    (issue,) = err.value.issues
    assert "Format '.kml' is not supported" in issue.message
    assert "GeoPackage (.gpkg)" in issue.hint
    assert "ranh_gioi.kml" in err.value.summary


def test_zip_without_shapefile(tmp_path: Path) -> None:
    path = tmp_path / "data.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "no shapefile here")
    with pytest.raises(PovmapError, match=r"The zip holds no Shapefile \(.shp\)"):
        read_boundary_file(path)


# --------------------------------------------------------------------------- coverage

ORIGIN = (700_000.0, 1_210_000.0)  # EPSG:32648 metres, near Biên Hòa


def _ring_of_cells_with_overlap() -> gpd.GeoDataFrame:
    """3×3 cells of 100 m without the centre (a 100 m × 100 m hole), plus a 20 m square
    straddling the top-right corner (a 10 m × 10 m overlap with cell c22)."""
    x0, y0 = ORIGIN
    cells = {f"c{i}{j}": box(x0 + 100 * i, y0 + 100 * j, x0 + 100 * (i + 1), y0 + 100 * (j + 1))
             for i in range(3) for j in range(3) if (i, j) != (1, 1)}
    cells["x"] = box(x0 + 290, y0 + 290, x0 + 310, y0 + 310)
    return gpd.GeoDataFrame({"code": list(cells)}, geometry=list(cells.values()),
                            crs="EPSG:32648")


@pytest.mark.parametrize("crs", ["EPSG:32648", "EPSG:4326"])
def test_coverage_defects_known_overlap_and_hole(crs: str) -> None:
    defects = coverage_defects(_ring_of_cells_with_overlap().to_crs(crs))

    (overlap,) = defects.overlaps
    assert (overlap.code_a, overlap.code_b) == ("c22", "x")
    assert overlap.area_m2 == pytest.approx(100.0, rel=0.01)
    (gap,) = defects.gaps
    assert gap.area_m2 == pytest.approx(10_000.0, rel=0.01)
    centre = Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True).transform(
        ORIGIN[0] + 150, ORIGIN[1] + 150)
    assert GEOD.inv(gap.lon, gap.lat, *centre)[2] < 71  # inside the 100 m hole
    assert defects.total_overlap_m2 == pytest.approx(100.0, rel=0.01)
    assert defects.total_gap_m2 == pytest.approx(10_000.0, rel=0.01)


def test_coverage_defects_threshold_and_clean_grid() -> None:
    defects = coverage_defects(_ring_of_cells_with_overlap(), min_area_m2=200.0)
    assert defects.overlaps == ()
    assert len(defects.gaps) == 1

    clean = gpd.GeoDataFrame({"code": CODES}, geometry=_grid(ORIGIN), crs="EPSG:32648")
    for threshold in (0.0, 1.0):
        assert coverage_defects(clean, min_area_m2=threshold).overlaps == ()
        assert coverage_defects(clean, min_area_m2=threshold).gaps == ()


def test_reader_summarises_overlaps_and_gaps(tmp_path: Path) -> None:
    path = tmp_path / "cells.gpkg"
    _ring_of_cells_with_overlap().to_file(path)

    frame, report = read_boundary_file(path)

    assert len(frame) == 9
    texts = [i.message for i in report.warnings]
    assert any("1 pairs of units overlap, 100 m² in total; largest c22–x (100 m²)" in t
               for t in texts)
    assert any("1 gaps between units, 10,000 m² in total; largest 10,000 m²" in t
               for t in texts)


# --------------------------------------------------------------------------- real data

GADM = "legacy_2021/gadm41_legacy_2021_NOT_REDISTRIBUTABLE.gpkg"


@pytest.mark.realdata
def test_gadm_2021_communes_overlaps_and_gaps(shared_geodata: Path) -> None:
    """README §5 (282 raw features): 378 pairs (264 > 1 ha), 12.16 km²; 482 gaps (341 > 1 ha),
    13.2 km². Its counts include every positive-area piece; with min_area_m2=0 we find
    exactly those. With the default 1 m² threshold, 1 overlap and 6 gaps (sub-m² slivers)
    drop out: 377 pairs and 476 gaps. communes_2021 (281 units, Suối Trầu merged into
    Bình Sơn) gives the same figures as the raw layer."""
    frame, report = read_boundary_file(shared_geodata / GADM, code_column="commune_code",
                                       layer="communes_2021")
    assert len(frame) == 281
    assert frame["code"].str.fullmatch(r"\d{5}").all()
    assert any("377 pairs of units overlap" in i.message for i in report.warnings)

    defects = coverage_defects(frame)
    assert len(defects.overlaps) == pytest.approx(377, abs=3)
    assert sum(o.area_m2 > 10_000 for o in defects.overlaps) == pytest.approx(264, abs=3)
    assert defects.total_overlap_m2 / 1e6 == pytest.approx(12.16, abs=0.05)
    assert defects.overlaps[0].area_m2 / 1e6 == pytest.approx(0.26, abs=0.01)
    assert len(defects.gaps) == pytest.approx(476, abs=6)
    assert sum(g.area_m2 > 10_000 for g in defects.gaps) == pytest.approx(341, abs=3)
    assert defects.total_gap_m2 / 1e6 == pytest.approx(13.2, abs=0.05)

    every = coverage_defects(frame, min_area_m2=0.0)
    assert (len(every.overlaps), len(every.gaps)) == (378, 482)


@pytest.mark.realdata
@pytest.mark.slow
def test_2025_wards_are_a_clean_coverage(shared_geodata: Path) -> None:
    frame, report = read_boundary_file(shared_geodata / "new_2025/dong_nai_2025_wards.gpkg",
                                       code_column="ward_code", layer="wards")
    assert len(frame) == 95
    assert "26068" in set(frame["code"])
    assert frame.loc[frame["code"] == "26068", "name"].item() == "Phường Biên Hoà"
    assert not report.errors

    defects = coverage_defects(frame, min_area_m2=0.1)
    assert [o for o in defects.overlaps if o.area_m2 > 1.0] == []
    assert [round(g.area_m2, 1) for g in defects.gaps] == [2.3, 0.6]
