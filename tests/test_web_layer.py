"""Web boundary layers: coverage simplification, compact payloads, quality, cache."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from geodata.web import (
    METRIC_CRS,
    cached_web_layer,
    quality,
    simplify_coverage,
    web_geojson,
    web_topojson,
)
from povcore.coverage import enclosed_gaps
from povcore.errors import PovmapError

CELL_M = 1000.0
WIGGLE_M = 3.0
ORIGIN = (700_000.0, 1_200_000.0)  # inside Đồng Nai, EPSG:32648


def _edge(a: tuple[int, int], b: tuple[int, int], steps: int = 20) -> np.ndarray:
    """Wiggly edge between grid nodes a and b, identical whichever cell asks for it."""
    lo, hi = sorted([a, b])
    t = np.linspace(0, 1, steps + 1)
    p0, p1 = np.array(lo, float) * CELL_M, np.array(hi, float) * CELL_M
    normal = np.array([-(p1 - p0)[1], (p1 - p0)[0]]) / CELL_M
    on_border = (lo[0] == hi[0] and lo[0] in (0, 3)) or (lo[1] == hi[1] and lo[1] in (0, 3))
    amplitude = 0.0 if on_border else WIGGLE_M
    pts = p0 + np.outer(t, p1 - p0) + np.outer(amplitude * np.sin(6 * np.pi * t), normal)
    pts = pts + np.array(ORIGIN)
    return pts if (lo, hi) == (a, b) else pts[::-1]


def _cell(i: int, j: int) -> shapely.Polygon:
    corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1), (i, j)]
    parts = [_edge(a, b)[:-1] for a, b in itertools.pairwise(corners)]
    return shapely.Polygon(np.vstack(parts))


def _grid() -> gpd.GeoDataFrame:
    cells = [_cell(i, j) for j in range(3) for i in range(3)]
    codes = [f"{k:05d}" for k in range(9)]
    frame = gpd.GeoDataFrame(
        {"code": codes, "name": [f"Xã {k}" for k in range(9)], "pop": list(range(9))},
        geometry=cells,
        crs=METRIC_CRS,
    )
    return frame.to_crs(4326)


def _decode_topojson(topo: dict[str, Any]) -> list[shapely.Geometry]:
    """Minimal TopoJSON decoder (Polygon / MultiPolygon), for round-trip checks."""
    scale, shift = np.array(topo["transform"]["scale"]), np.array(topo["transform"]["translate"])
    arcs = [np.cumsum(np.array(a, float), axis=0) * scale + shift for a in topo["arcs"]]

    def ring(refs: list[int]) -> np.ndarray:
        pieces = [arcs[r] if r >= 0 else arcs[~r][::-1] for r in refs]
        return np.vstack([pieces[0]] + [p[1:] for p in pieces[1:]])

    def polygon(rings: list[list[int]]) -> shapely.Polygon:
        return shapely.Polygon(ring(rings[0]), [ring(r) for r in rings[1:]])

    out = []
    for geom in topo["objects"]["units"]["geometries"]:
        if geom["type"] == "Polygon":
            out.append(polygon(geom["arcs"]))
        else:
            out.append(shapely.MultiPolygon([polygon(p) for p in geom["arcs"]]))
    return out


# --- hand-made coverage ----------------------------------------------------------------


def test_grid_is_a_valid_wiggly_coverage() -> None:
    grid = _grid()
    assert shapely.coverage_is_valid(grid.geometry)
    assert shapely.get_num_coordinates(grid.geometry).tolist() == [81] * 9


def test_simplify_grid_straightens_shared_edges_without_gaps_or_overlaps() -> None:
    grid = _grid()
    out = simplify_coverage(grid, tolerance_m=30)
    assert out["code"].tolist() == grid["code"].tolist()
    assert out["pop"].tolist() == list(range(9))
    assert out.crs.to_epsg() == 4326
    assert shapely.coverage_is_valid(out.geometry)
    assert shapely.is_valid(out.geometry).all()
    # The wiggles are gone: a cell is its 4 corners (5 coordinates with the closing one),
    # plus the few vertices GEOS's topology-preserving simplifier keeps near junctions.
    counts = shapely.get_num_coordinates(out.geometry)
    assert (counts >= 5).all()
    assert counts.sum() <= 60  # from 9 x 81 = 729
    corners = shapely.points(np.array(ORIGIN) + CELL_M * np.indices((4, 4)).reshape(2, -1).T)
    metric = out.to_crs(METRIC_CRS).geometry
    assert (shapely.distance(corners, shapely.union_all(shapely.boundary(metric))) < 1).all()
    q = quality(grid, out)
    assert q.n_vertices == counts.sum()
    assert q.n_overlaps_gt_1m2 == 0
    assert q.overlap_area_m2 < 1e-6
    assert q.n_gaps_gt_1m2 == 0
    assert q.gap_area_m2 == 0.0
    # Peak-to-trough when a kept vertex sits on a crest, plus rounding; far below 30 m.
    assert WIGGLE_M - 0.1 < q.max_hausdorff_m < 2 * WIGGLE_M + 1.0
    assert abs(q.total_area_change_pct) < 0.01
    assert q.max_area_change_pct < 0.5


def test_simplify_below_wiggle_keeps_the_wiggle() -> None:
    grid = _grid()
    out = simplify_coverage(grid, tolerance_m=0.5, decimals=7)
    # The centre cell has 4 wiggly edges: the 3 m wiggle survives a 0.5 m tolerance.
    assert shapely.get_num_coordinates(out.geometry.iloc[4]) > 4 * 10
    assert quality(grid, out).max_hausdorff_m < 0.5 + 0.05


def test_simplify_rounds_coordinates_to_few_decimals() -> None:
    out = simplify_coverage(_grid())
    coords = shapely.get_coordinates(out.geometry)
    assert np.array_equal(np.round(coords, 5), coords)  # 5 decimals suffice here
    fixed = simplify_coverage(_grid(), decimals=6)
    assert np.array_equal(
        np.round(shapely.get_coordinates(fixed.geometry), 6),
        shapely.get_coordinates(fixed.geometry),
    )


def test_vw_method_also_keeps_a_valid_coverage() -> None:
    grid = _grid()
    out = simplify_coverage(grid, tolerance_m=30, method="vw")
    assert shapely.coverage_is_valid(out.geometry)
    n = shapely.get_num_coordinates(out.geometry)
    assert (n < 81).all()
    assert quality(grid, out).n_overlaps_gt_1m2 == 0


def test_overlapping_input_is_cleaned_into_a_coverage() -> None:
    # b overlaps a by 100 m x 1000 m; the overlap goes to the smaller unit (a).
    a = box(700_000, 1_200_000, 701_000, 1_201_000)
    b = box(700_900, 1_200_000, 702_000, 1_201_000)
    frame = gpd.GeoDataFrame({"code": ["a", "b"]}, geometry=[a, b], crs=METRIC_CRS).to_crs(4326)
    assert not shapely.coverage_is_valid(frame.to_crs(METRIC_CRS).geometry)
    out = simplify_coverage(frame)
    assert shapely.coverage_is_valid(out.geometry)
    assert out.to_crs(METRIC_CRS).area.tolist() == pytest.approx([1e6, 1e6], rel=1e-3)
    counts = shapely.get_num_coordinates(out.geometry).tolist()
    assert counts[1] == 5  # b: a plain rectangle again
    assert counts[0] <= 7  # a: its rectangle, possibly with b's old corners on its edges
    q = quality(frame, out)
    assert q.n_overlaps_gt_1m2 == 0
    assert q.max_area_change_pct == pytest.approx(100 / 11, abs=0.05)  # b lost 1/11
    assert q.max_hausdorff_m == pytest.approx(100, abs=1)


def test_missing_code_column_is_an_actionable_error() -> None:
    frame = _grid().rename(columns={"code": "ward_code"})
    with pytest.raises(PovmapError, match="no 'code' column"):
        simplify_coverage(frame)


# --- payloads -----------------------------------------------------------------------------


def test_geojson_is_compact_with_only_requested_properties() -> None:
    out = simplify_coverage(_grid())
    payload = web_geojson(out)
    assert b" " not in payload.replace("Xã ".encode(), b"")
    doc = json.loads(payload)
    assert len(doc["features"]) == 9
    assert doc["features"][0]["properties"] == {"code": "00000", "name": "Xã 0"}
    with_pop = json.loads(web_geojson(out, ["pop"]))
    assert with_pop["features"][8]["properties"] == {"code": "00008", "name": "Xã 8", "pop": 8}
    ring = doc["features"][4]["geometry"]["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw  # RFC 7946 winding
    with pytest.raises(PovmapError, match="no column 'nope'"):
        web_geojson(out, ["nope"])


def test_topojson_stores_shared_edges_once_and_round_trips() -> None:
    out = simplify_coverage(_grid())
    topo = json.loads(web_topojson(out))
    # 12 inner edges + the outline cut at its 8 junctions.
    assert len(topo["arcs"]) == 20
    assert topo["transform"]["scale"] == [1e-5, 1e-5]
    decoded = _decode_topojson(topo)
    expected = shapely.normalize(shapely.orient_polygons(out.geometry.to_numpy()))
    assert all(shapely.equals_exact(shapely.normalize(decoded), expected, tolerance=1e-9))
    assert len(web_topojson(out)) < len(web_geojson(out))


# --- cache ------------------------------------------------------------------------------


def test_cache_computes_once_and_returns_equal_geometry(tmp_path: Path) -> None:
    calls: list[float] = []

    def counting(frame: gpd.GeoDataFrame, tolerance_m: float, **kw: Any) -> gpd.GeoDataFrame:
        calls.append(tolerance_m)
        return simplify_coverage(frame, tolerance_m, **kw)

    grid = _grid()
    first = cached_web_layer(grid, tmp_path, "grid", compute=counting)
    files = list(tmp_path.glob("grid-*.geojson"))
    assert len(files) == 1
    mtime = files[0].stat().st_mtime_ns
    second = cached_web_layer(grid, tmp_path, "grid", compute=counting)
    assert calls == [30.0]
    assert files[0].stat().st_mtime_ns == mtime
    assert list(tmp_path.iterdir()) == files  # no temporary file left behind
    direct = simplify_coverage(grid).geometry.to_numpy()
    assert all(shapely.equals_exact(second.geometry.to_numpy(), direct, tolerance=0))
    assert all(shapely.equals_exact(first.geometry.to_numpy(), second.geometry.to_numpy(), 0))
    assert second["code"].tolist() == grid["code"].tolist()
    assert second["pop"].tolist() == list(range(9))
    # Other parameters or other geometry: a new file.
    cached_web_layer(grid, tmp_path, "grid", tolerance_m=10, compute=counting)
    moved = grid.assign(geometry=grid.translate(0.001))
    cached_web_layer(moved, tmp_path, "grid", compute=counting)
    assert calls == [30.0, 10.0, 30.0]
    assert len(list(tmp_path.glob("grid-*.geojson"))) == 3


def test_cache_rejects_unsafe_key(tmp_path: Path) -> None:
    with pytest.raises(PovmapError, match="not a safe file name"):
        cached_web_layer(_grid(), tmp_path, "../grid")


# --- real boundaries ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def wards_2025(shared_geodata: Path) -> gpd.GeoDataFrame:
    path = shared_geodata / "new_2025" / "dong_nai_2025_wards.gpkg"
    return gpd.read_file(path, layer="wards").rename(columns={"ward_code": "code"})


@pytest.mark.realdata
@pytest.mark.slow
def test_wards_2025_meet_the_web_budget(wards_2025: gpd.GeoDataFrame) -> None:
    assert shapely.get_num_coordinates(wards_2025.geometry).sum() == 371_374
    out = simplify_coverage(wards_2025)
    assert len(out) == 95
    assert shapely.coverage_is_valid(out.geometry)
    q = quality(wards_2025, out)
    # The budget: TopoJSON within 300 KB, every boundary within 50 m of the source.
    # Figures measured with the locked GEOS (bench/bench_web_layer.py prints them).
    assert q.bytes == len(web_topojson(out)) == pytest.approx(173_088, rel=0.02)
    assert q.bytes <= 300_000
    assert q.n_vertices == shapely.get_num_coordinates(out.geometry).sum()
    assert q.n_vertices == pytest.approx(28_323, rel=0.02)
    # 30 m Douglas-Peucker tolerance plus the rounding to 5 decimals (≤ 0.8 m).
    assert 30.0 < q.max_hausdorff_m < 30.0 + 0.8
    assert q.max_hausdorff_m <= 50
    assert (q.n_overlaps_gt_1m2, q.overlap_area_m2) == (0, 0.0)
    assert (q.n_gaps_gt_1m2, q.gap_area_m2) == (0, 0.0)
    assert q.max_area_change_pct == pytest.approx(0.265, abs=0.02)
    # Not only no new gaps: the source's two slivers (2.3 and 0.6 m²) are closed too.
    gaps = enclosed_gaps(out.to_crs(METRIC_CRS).geometry.to_numpy())
    assert (shapely.area(gaps) > 1.0).sum() == 0
    source_gaps = enclosed_gaps(wards_2025.to_crs(METRIC_CRS).geometry.to_numpy())
    assert sorted(shapely.area(source_gaps).round(1)) == [0.6, 2.3]
    assert abs(q.total_area_change_pct) < 0.01
    # The GeoJSON of the same geometry does not fit 300 KB (it repeats shared edges).
    assert len(web_geojson(out)) == pytest.approx(599_896, rel=0.02)


@pytest.mark.realdata
@pytest.mark.slow
def test_gadm_communes_2021_are_cleaned_and_simplified(shared_geodata: Path) -> None:
    path = shared_geodata / "legacy_2021" / "gadm41_legacy_2021_NOT_REDISTRIBUTABLE.gpkg"
    full = gpd.read_file(path, layer="communes_2021").rename(
        columns={"commune_code": "code", "commune_name": "name"}
    )
    assert not shapely.coverage_is_valid(full.to_crs(METRIC_CRS).geometry)
    out = simplify_coverage(full)
    assert len(out) == 281
    assert out["code"].tolist() == full["code"].tolist()
    assert shapely.is_valid(out.geometry).all()
    assert not out.geometry.is_empty.any()
    assert shapely.coverage_is_valid(out.geometry)
    q = quality(full, out)
    assert q.n_overlaps_gt_1m2 == 0
    assert q.n_gaps_gt_1m2 == 0
    assert abs(q.total_area_change_pct) < 1  # GADM overlaps: 12 km² of 12,700 km²
    assert q.max_area_change_pct < 10  # a commune that loses a GADM overlap
