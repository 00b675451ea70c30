"""Zone statistics for today's 95 units against 50 zones: cold, then from the store cache.

Usage: .venv/bin/python bench/bench_zones.py [GEODATA_DIR]
Zones are generated (fixed seed): irregular polygons of 0.5–60 km² spread over the
province, some with holes, some multipart, several overlapping, of every zone type.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
from _common import geodata_dir
from shapely.geometry import MultiPolygon, Polygon

from analysis.zones import zone_statistics
from loaders.zones import ZONE_TYPES
from povcore.config import settings
from povmap.zoning import compute_zone_stats, current_units
from povstore.store import Store


def _blob(rng: random.Random, x: float, y: float, r: float) -> Polygon:
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    radii = [r * (1 + rng.uniform(-0.3, 0.3)) for _ in angles]
    return Polygon([(x + k * float(np.cos(a)), y + k * float(np.sin(a)))
                    for k, a in zip(radii, angles, strict=True)])


def _zones(units: gpd.GeoDataFrame, n: int = 50) -> gpd.GeoDataFrame:
    rng = random.Random(11)
    metric = units.to_crs(32648)
    minx, miny, maxx, maxy = metric.total_bounds
    geoms = []
    for i in range(n):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        r = rng.uniform(400, 4400)
        g = _blob(rng, x, y, r)
        if i % 5 == 0:
            g = g.difference(_blob(rng, x, y, r / 3))
        if i % 7 == 0:
            g = MultiPolygon([g, _blob(rng, x + 3 * r, y, r / 2)])
        geoms.append(g)
    types = list(ZONE_TYPES)
    return gpd.GeoDataFrame(
        {"zone_id": range(1, n + 1), "zone_type": [types[i % len(types)] for i in range(n)],
         "households": [float(rng.randint(0, 2000)) for _ in range(n)],
         "relocate_households": [float(rng.randint(0, 200)) for _ in range(n)]},
        geometry=geoms, crs=32648).to_crs(4326)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = settings({"POVMAP_DATA_DIR": tmp, "POVMAP_GEODATA": str(geodata_dir())})
        units, source, approximate = current_units(cfg)
        zones = _zones(units)
        vertices = int(sum(len(g.exterior.coords) for g in units.geometry.explode()))
        store = Store(Path(tmp) / "povmap.gpkg")
        store.migrate()
        t0 = time.perf_counter()
        zone_statistics(units, zones)
        pure = time.perf_counter() - t0
        t0 = time.perf_counter()
        stats, cached = compute_zone_stats(units, zones, store)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        _, cached_again = compute_zone_stats(units, zones, store)
        warm = time.perf_counter() - t0
        print(f"zone stats: units={len(units)} unit_vertices={vertices} zones={len(zones)} "
              f"rows={len(stats.per_unit)} source='{source}' approximate={approximate}")
        print(f"  compute_s={pure:.3f} cold_with_cache_write_s={cold:.3f} (cached={cached}) "
              f"warm_from_cache_s={warm:.3f} (cached={cached_again})")


if __name__ == "__main__":
    main()
