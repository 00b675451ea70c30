"""Meeting outputs: time to export the 95-unit print map and the deck for one year.

Run: ``.venv/bin/python bench/bench_export.py [geodata_dir]`` (default: $POVMAP_GEODATA or
../shared/geodata next to the repository).

A temporary data folder gets the demo data; boundaries are the real ones (their cache is
warmed once, as after ``povmap setup``). Timed, as ``povmap export`` does them:

* map PNG: read the store, load the boundaries, classify, draw and write an A4
  landscape PNG at 300 dpi (95 units of 2025) — target ≤ 3 s;
* map PDF: the same sheet as PDF;
* deck: read the store, draw the poverty map (150 dpi), compute the headline figures,
  target chart and off-track units, write the PPTX — target ≤ 15 s;
* report: the year-end XLSX.

Figures are medians of 5 runs in one process (imports not counted): wall clock, and the
CPU time of the process (on a machine shared with other work, wall > CPU).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import geodata_dir

RUNS = 5
TODAY = dt.date(2026, 11, 27)


def _median(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float, float]:
    """Median and max wall time, median CPU time of this process (a busy machine shows)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), max(wall), statistics.median(cpu)


def main() -> None:
    geodata = geodata_dir()
    if not (geodata / "new_2025").is_dir():
        sys.exit(f"no real boundaries in {geodata}: pass the folder or set POVMAP_GEODATA")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["POVMAP_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["POVMAP_GEODATA"] = str(geodata)
        from povcore.config import settings
        from povexport.staticmap import MapSpec
        from povmap.exporting import export_deck, export_map, export_report
        from povmap.importing import load_demo

        cfg = settings()
        load_demo(cfg)
        out = Path(tmp)
        spec = MapSpec(indicator="poor_rate", year=2025)
        doc = export_map(spec, out / "warm.png", cfg=cfg, today=TODAY)  # warms caches
        print(f"map: {doc['units']} units, boundary version {doc['boundary_version']}, "
              f"{doc['pixels'][0]}×{doc['pixels'][1]} px at {doc['dpi']} dpi")
        rows = [
            ("map PNG A4 300 dpi (95 units)", lambda: export_map(spec, out / "m.png", cfg=cfg,
                                                                 today=TODAY), 3.0),
            ("map PDF A4 (95 units)", lambda: export_map(spec, out / "m.pdf", cfg=cfg,
                                                          today=TODAY), None),
            ("deck, one year (8 slides)", lambda: export_deck(2025, out / "d.pptx", cfg=cfg,
                                                              today=TODAY), 15.0),
            ("report XLSX (95 units)", lambda: export_report(2025, out / "r.xlsx", cfg=cfg,
                                                             today=TODAY), None),
        ]
        for label, fn, target in rows:
            median, worst, cpu = _median(fn)
            goal = f"  (target ≤ {target:g} s)" if target else ""
            print(f"{label:34s} median {median:5.2f} s  max {worst:5.2f} s  "
                  f"cpu {cpu:5.2f} s{goal}")
        sizes = {p.name: p.stat().st_size for p in out.iterdir() if p.suffix != ".gpkg"
                 and p.is_file()}
        print("sizes: " + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in sorted(sizes.items())))


if __name__ == "__main__":
    main()
