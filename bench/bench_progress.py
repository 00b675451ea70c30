"""Progress engine timing on the demo data: both phases, both geographies, and the CLI use-case.

Usage: .venv/bin/python bench/bench_progress.py
Each figure is the median of 5 runs (the demo data are imported once into a temp store).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from analysis.progress import completion_table, phase_progress
from povcore.config import settings
from povmap.importing import load_demo
from povmap.progress import crosswalks, load_targets, progress_document
from povstore.store import Store
from povstore.targets import read_observations


def _median(fn: object, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = settings({"POVMAP_DATA_DIR": str(Path(tmp) / "data"),
                        "POVMAP_GEODATA": str(Path(tmp) / "none")})
        load_demo(cfg)
        store = Store(cfg.store_path)
        targets, obs = load_targets(store), read_observations(store)
        cws = crosswalks(store)
        print(f"observations: {len(obs):,} rows")
        for phase in ("2021-2025", "2026-2030"):
            for geo in ("as-collected", "current"):
                took = _median(lambda p=phase, g=geo: phase_progress(obs, targets, p, g, cws))
                pp = phase_progress(obs, targets, phase, geo, cws)
                print(f"phase_progress {phase} {geo:12s}: {took * 1000:7.1f} ms "
                      f"({len(pp.units)} units)")
        pp = phase_progress(obs, targets, "2021-2025", "as-collected", cws)
        took = _median(lambda: completion_table(pp, targets))
        print(f"completion_table 2021-2025          : {took * 1000:7.1f} ms")
        took = _median(lambda: progress_document("2021-2025", cfg=cfg))
        print(f"progress_document (store → JSON)     : {took * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
