"""Embedded 2025 layer and constrained approximations: load times and quality.

Prints the cold (fresh process) and warm load times of the embedded 2025 layer, the
boundary and web-layer cache times with an empty ``POVMAP_GEODATA`` (what a fresh clone
offline sees), and the mean IoU of the 2021/2024 approximations against GADM 4.1 (read
in place from the developers' folder, never copied).
Usage: .venv/bin/python bench/bench_embedded.py [GEODATA_DIR]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from _common import ROOT, geodata_dir

from geodata.approximate import approximate_boundaries
from geodata.boundaries import load_boundaries, precompute
from geodata.embedded import embedded_2025
from povcore.config import settings

GADM = "legacy_2021/gadm41_legacy_2021_NOT_REDISTRIBUTABLE.gpkg"
LAYERS = {("2021", "commune"): ("communes_2021", "commune_code"),
          ("2024", "commune"): ("communes_pre2025", "commune_code"),
          ("2021", "district"): ("districts_2021", "district_code")}


def _cold_read_s() -> float:
    code = ("import time; from geodata.embedded import embedded_2025; "
            "t=time.perf_counter(); embedded_2025(); print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    return float(out.stdout.strip())


def _timings() -> None:
    cold = sorted(_cold_read_s() for _ in range(3))[1]
    embedded_2025()
    t0 = time.perf_counter()
    embedded_2025()
    warm = time.perf_counter() - t0
    print(f"embedded 2025 layer: cold_s={cold:.2f} (fresh process, imports done, median of 3)"
          f" warm_s={warm:.4f}")
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty"
        empty.mkdir()
        cfg = settings({"POVMAP_DATA_DIR": str(Path(tmp) / "data"), "POVMAP_GEODATA": str(empty)})
        t0 = time.perf_counter()
        lines = list(precompute(cfg))
        print(f"setup precompute (5 layers, empty caches): s={time.perf_counter() - t0:.1f}")
        for line in lines:
            print("  " + line)
        for version, level in (("2025", "commune"), ("2021", "commune")):
            t0 = time.perf_counter()
            b = load_boundaries(version, level, cfg)
            print(f"load {version}/{level} from cache: s={time.perf_counter() - t0:.3f} "
                  f"approximate={b.approximate}")


def _iou(approx: gpd.GeoDataFrame, ref: gpd.GeoSeries) -> tuple[float, float]:
    a = approx.to_crs(32648).set_index("code").geometry
    b = ref.to_crs(32648).reindex(a.index)
    iou = (shapely.area(shapely.intersection(a.values, b.values))
           / shapely.area(shapely.union(a.values, b.values)))
    return float(np.mean(iou)), float(np.median(iou))


def main() -> None:
    _timings()
    path = geodata_dir() / GADM
    if not path.is_file():
        print(f"IoU: {path} not found (set POVMAP_GEODATA)")
        return
    for (version, level), (layer, column) in LAYERS.items():
        ref = gpd.read_file(path, layer=layer).set_index(column).geometry
        t0 = time.perf_counter()
        approx = approximate_boundaries(version, level)
        took = time.perf_counter() - t0
        mean, median = _iou(approx, ref)
        print(f"approximation {version}/{level} vs GADM 4.1: mean_iou={mean:.3f} "
              f"median_iou={median:.3f} build_s={took:.2f} (memoised in-process after setup)")


if __name__ == "__main__":
    main()
