from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geodata.approximate import SEED_OFFSET_M, approximate_boundaries
from povcore.errors import PovmapError
from povcore.units import registry

REAL_AREA_KM2 = 12_735.0  # README §5: union of the 95 real wards (public figure)
CASES = [("2025", "commune", 95), ("2021", "commune", 281), ("2021", "district", 22),
         ("2024", "commune", 270), ("2024", "district", 22)]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def case(request: pytest.FixtureRequest) -> tuple[str, str, int, gpd.GeoDataFrame]:
    version, level, n = request.param
    return version, level, n, approximate_boundaries(version, level)


def test_one_row_per_registry_code(case: tuple) -> None:
    version, level, n, gdf = case
    expected = registry("75").units(version, level)
    assert len(gdf) == n
    assert gdf["code"].tolist() == expected["code"].tolist()
    assert gdf["name"].tolist() == expected["name"].tolist()
    assert gdf["approximate"].all()
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf.columns) == ["code", "name", "type", "parent_code", "seed", "approximate",
                                 "geometry"]


def test_clean_coverage(case: tuple) -> None:
    *_, gdf = case
    geoms = gdf.geometry.values
    assert shapely.coverage_is_valid(geoms)
    assert gdf.is_valid.all()
    union = shapely.coverage_union_all(geoms)
    assert union.geom_type == "Polygon"  # no gaps inside, one piece
    assert len(union.interiors) == 0
    metric = gdf.to_crs(32648)
    union_area = shapely.area(shapely.union_all(metric.geometry.values))
    assert metric.area.sum() == pytest.approx(union_area)  # no overlaps


def test_total_area_plausible(case: tuple) -> None:
    *_, gdf = case
    km2 = gdf.to_crs(32648).area.sum() / 1e6
    assert REAL_AREA_KM2 * 0.75 < km2 < REAL_AREA_KM2 * 1.25
    assert km2 == pytest.approx(12_600, abs=150)  # measured 12,574 (2025) and 12,668 (2021)


@pytest.mark.parametrize("version", ["2021", "2024", "2025"])
def test_communes_are_single_polygons_holding_their_centroid(version: str) -> None:
    gdf = approximate_boundaries(version, "commune")
    assert set(gdf.geom_type) == {"Polygon"}
    units = registry("75").units(version, "commune")
    known = units["lat"].notna().to_numpy() & (gdf["seed"] == "centroid").to_numpy()
    points = gpd.points_from_xy(units["lon"], units["lat"])
    assert shapely.contains(gdf.geometry.values[known], points[known]).all()


def test_seed_methods_2021() -> None:
    gdf = approximate_boundaries("2021", "commune").set_index("code")
    assert gdf["seed"].value_counts().to_dict() == {
        "centroid": 268, "successor-offset": 11, "duplicate-offset": 2,
    }
    assert set(gdf.index[gdf["seed"] == "duplicate-offset"]) == {"25294", "25363"}
    # Abolished Thanh Bình and old Trung Dũng split new Trung Dũng (26041) with it.
    metric = gdf.to_crs(32648)
    assert metric.geometry["26044"].touches(metric.geometry["26041"])
    seed = metric.geometry["26041"].representative_point()
    assert metric.geometry["26044"].distance(seed) < 2 * SEED_OFFSET_M


def test_deterministic() -> None:
    a = approximate_boundaries("2021", "commune")
    b = approximate_boundaries("2021", "commune")
    assert a.geom_equals_exact(b, tolerance=0).all()


def test_bad_level() -> None:
    with pytest.raises(PovmapError, match="no level 'district'"):
        approximate_boundaries("2025", "district")


@pytest.mark.realdata
def test_real_ward_points_fall_in_their_cells(shared_geodata: Path) -> None:
    real = gpd.read_file(shared_geodata / "new_2025" / "dong_nai_2025_wards.gpkg",
                         layer="wards").set_index("ward_code")
    cells = approximate_boundaries("2025", "commune").set_index("code")
    points = real.representative_point().reindex(cells.index)
    share = shapely.contains(cells.geometry.values, points.values).mean()
    assert share >= 0.95  # measured 94 / 95 = 0.989
    outline = shapely.union_all(real.to_crs(32648).geometry.values)
    approx = shapely.union_all(cells.to_crs(32648).geometry.values)
    assert approx.intersection(outline).area / outline.area > 0.93  # measured 0.947
