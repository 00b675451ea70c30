"""Approximate 2021/2024 communes built inside the real (embedded) 2025 units."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geodata.approximate import MIN_PART, approximate_boundaries, members_2025
from geodata.embedded import embedded_2025
from povcore.errors import PovmapError
from povcore.units import registry

CASES = [("2021", "commune", 281), ("2021", "district", 22),
         ("2024", "commune", 270), ("2024", "district", 22)]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def case(request: pytest.FixtureRequest) -> tuple[str, str, int, gpd.GeoDataFrame]:
    version, level, n = request.param
    return version, level, n, approximate_boundaries(version, level)


@pytest.fixture(scope="module")
def real_2025() -> gpd.GeoDataFrame:
    return embedded_2025().to_crs(32648).set_index("code")


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


def test_clean_coverage_whose_union_is_the_real_2025_province(case: tuple,
                                                              real_2025: gpd.GeoDataFrame
                                                              ) -> None:
    *_, gdf = case
    geoms = gdf.geometry.values
    assert shapely.coverage_is_valid(geoms)
    assert gdf.is_valid.all()
    metric = gdf.to_crs(32648)
    union = shapely.union_all(metric.geometry.values)
    assert metric.area.sum() == pytest.approx(union.area)  # no overlaps
    province = shapely.union_all(real_2025.geometry.values)
    # The outline is the real one: 12,741 km² (EPSG:32648), < 0.01 km² of difference.
    assert shapely.symmetric_difference(union, province).area < 10_000
    assert union.area / 1e6 == pytest.approx(12_740.9, abs=0.5)


def test_every_2025_unit_is_exactly_the_union_of_its_2024_communes(
        real_2025: gpd.GeoDataFrame) -> None:
    gdf = approximate_boundaries("2024", "commune").to_crs(32648).set_index("code")
    members = members_2025("2024")
    assert members["old_code"].is_unique  # in 2024 every commune lies in one 2025 unit
    for new_code, group in members.groupby("new_code"):
        union = shapely.union_all(gdf.geometry.loc[group["old_code"]].values)
        real = real_2025.geometry[new_code]
        assert shapely.symmetric_difference(union, real).area < 1.0, new_code  # < 1 m²


def test_nui_tuong_divided_in_2024_gets_a_piece_in_each_successor(
        real_2025: gpd.GeoDataFrame) -> None:
    gdf = approximate_boundaries("2021", "commune").to_crs(32648).set_index("code")
    nui_tuong = gdf.geometry["26128"]
    assert nui_tuong.geom_type == "MultiPolygon"
    inside = {code: nui_tuong.intersection(real_2025.geometry[code]).area / 1e6
              for code in ("26122", "26134")}  # Nam Cát Tiên, Tà Lài (2025)
    assert min(inside.values()) > 1.0  # km²
    assert nui_tuong.area / 1e6 == pytest.approx(sum(inside.values()), rel=1e-6)
    # Tân Phong's part of khu phố 10 (weight 0.025 each) is below MIN_PART: one piece.
    assert MIN_PART > 0.025
    assert gdf.geometry["25996"].geom_type == "Polygon"


def test_centroid_seeds_lie_in_their_cells_and_placed_seeds_are_the_exceptions() -> None:
    gdf = approximate_boundaries("2021", "commune")
    units = registry("75").units("2021", "commune")
    counts = gdf["seed"].value_counts().to_dict()
    assert counts == {"centroid": 257, "placed": 17, "whole": 7}
    # The 11 communes abolished in Nov 2024 have no centroid of their own.
    assert set(units.loc[units["lat"].isna(), "code"]) <= set(gdf.loc[gdf["seed"] == "placed",
                                                                      "code"])
    known = (gdf["seed"] == "centroid").to_numpy()
    points = gpd.points_from_xy(units["lon"], units["lat"])
    assert shapely.contains(gdf.geometry.values[known], points[known]).all()


def test_districts_are_unions_of_their_communes() -> None:
    communes = approximate_boundaries("2021", "commune").to_crs(32648)
    districts = approximate_boundaries("2021", "district").to_crs(32648).set_index("code")
    for code, group in communes.groupby("parent_code"):
        union = shapely.union_all(group.geometry.values)
        assert shapely.symmetric_difference(union, districts.geometry[code]).area < 1.0


def test_2025_is_the_embedded_real_layer() -> None:
    gdf = approximate_boundaries("2025", "commune")
    assert len(gdf) == 95
    assert not gdf["approximate"].any()
    assert set(gdf["seed"]) == {"embedded"}
    real = embedded_2025().set_index("code").geometry
    assert shapely.equals_exact(gdf.geometry.values, real.loc[gdf["code"]].values, 0).all()


def test_deterministic() -> None:
    a = approximate_boundaries("2024", "commune")
    b = approximate_boundaries("2024", "commune")
    assert a.geom_equals_exact(b, tolerance=0).all()


def test_bad_level() -> None:
    with pytest.raises(PovmapError, match="no level 'district'"):
        approximate_boundaries("2025", "district")


def test_runs_without_vietnamadminunits_installed() -> None:
    """The package is a build-time dependency only: run time reads our data files."""
    code = (
        "import sys; sys.modules['vietnamadminunits'] = None\n"
        "from geodata.approximate import approximate_boundaries\n"
        "from geodata.gadm import legacy_aliases\n"
        "print(len(approximate_boundaries('2021', 'district')), "
        "'xuanthanh' in legacy_aliases()['26326'])\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=root, env={"PYTHONPATH": str(root), "PATH": ""}, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["22", "True"]


@pytest.mark.realdata
def test_mean_iou_against_gadm(shared_geodata: Path) -> None:
    """Measured: 2021 communes 0.646 (0.438 with the former centroid Voronoi cells),
    2021 districts 0.949 (0.731)."""
    path = shared_geodata / "legacy_2021" / "gadm41_legacy_2021_NOT_REDISTRIBUTABLE.gpkg"
    for layer, column, level, floor in (("communes_2021", "commune_code", "commune", 0.60),
                                        ("districts_2021", "district_code", "district", 0.93)):
        ref = gpd.read_file(path, layer=layer).to_crs(32648).set_index(column).geometry
        approx = approximate_boundaries("2021", level).to_crs(32648).set_index("code").geometry
        ref = ref.reindex(approx.index)
        iou = (shapely.area(shapely.intersection(approx.values, ref.values))
               / shapely.area(shapely.union(approx.values, ref.values)))
        assert float(np.mean(iou)) > floor, layer
