"""Benchmark the web boundary layers: size, vertices, deviation and timings.

Run: ``.venv/bin/python bench/bench_web_layer.py [geodata_dir]`` (default: $POVMAP_GEODATA
or ../shared/geodata next to the repository).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import geopandas as gpd
import shapely
from _common import geodata_dir

from geodata.web import DEFAULT_TOLERANCE_M, cached_web_layer, quality, web_geojson

LAYERS = {
    "2025": ("new_2025/dong_nai_2025_wards.gpkg", "wards", "ward_code", "name"),
    "2021": (
        "legacy_2021/gadm41_legacy_2021_NOT_REDISTRIBUTABLE.gpkg",
        "communes_2021",
        "commune_code",
        "commune_name",
    ),
    "2024": (
        "legacy_2021/gadm41_legacy_2021_NOT_REDISTRIBUTABLE.gpkg",
        "communes_pre2025",
        "commune_code",
        "commune_name",
    ),
}


def bench(label: str, geodata: Path, cache_dir: Path) -> None:
    path, layer, code, name = LAYERS[label]
    full = gpd.read_file(geodata / path, layer=layer).rename(columns={code: "code", name: "name"})
    start = time.perf_counter()
    web = cached_web_layer(full, cache_dir, f"bench-{label}")
    cold = time.perf_counter() - start
    start = time.perf_counter()
    cached_web_layer(full, cache_dir, f"bench-{label}")
    warm = time.perf_counter() - start
    q = quality(full, web)
    print(
        f"web_layer {label}: units={len(web)} tolerance_m={DEFAULT_TOLERANCE_M:g} "
        f"full_vertices={int(shapely.get_num_coordinates(full.geometry).sum())} "
        f"vertices={q.n_vertices} bytes_topojson={q.bytes} "
        f"bytes_geojson={len(web_geojson(web))} hausdorff_max_m={q.max_hausdorff_m:.1f} "
        f"area_change_max_pct={q.max_area_change_pct:.3f} "
        f"area_change_total_pct={q.total_area_change_pct:.4f} "
        f"overlaps_gt_1m2={q.n_overlaps_gt_1m2} new_gaps_gt_1m2={q.n_gaps_gt_1m2} "
        f"cold_s={cold:.2f} warm_s={warm:.3f}"
    )


def main() -> None:
    geodata = geodata_dir()
    with tempfile.TemporaryDirectory() as cache:
        for label in LAYERS:
            bench(label, geodata, Path(cache))


if __name__ == "__main__":
    main()
