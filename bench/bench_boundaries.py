"""Time to load boundaries cold (read + match + normalise) and warm (cache), and
crosswalk build time. Usage: .venv/bin/python bench/bench_boundaries.py [GEODATA_DIR]
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from _common import geodata_dir

from geodata.boundaries import load_boundaries
from geodata.crosswalk import build_crosswalk
from povcore.config import settings


def main() -> None:
    geo = geodata_dir()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = settings({"POVMAP_DATA_DIR": str(Path(tmp)), "POVMAP_GEODATA": str(geo)})
        for version, level in (("2025", "commune"), ("2021", "commune"),
                               ("2024", "commune"), ("2021", "district")):
            t0 = time.perf_counter()
            b = load_boundaries(version, level, cfg)
            cold = time.perf_counter() - t0
            t0 = time.perf_counter()
            load_boundaries(version, level, cfg)
            warm = time.perf_counter() - t0
            print(f"boundaries {version}/{level}: units={len(b.frame)} cold_s={cold:.2f} "
                  f"warm_s={warm:.3f} approximate={b.approximate}")
        old = load_boundaries("2021", "commune", cfg).frame
        new = load_boundaries("2025", "commune", cfg).frame
        for _ in range(2):
            t0 = time.perf_counter()
            cw = build_crosswalk("2021", "2025", old, new)
            took = time.perf_counter() - t0
        print(f"crosswalk 2021->2025: pairs={len(cw.weights)} "
              f"disagreements={len(cw.disagreements)} build_s={took:.2f}")


if __name__ == "__main__":
    main()
