"""Server side of the first map after a start: the app script's first run in a new process.

Run: ``.venv/bin/python bench/bench_first_run.py [geodata_dir]`` (default: $POVMAP_GEODATA
or ../shared/geodata next to the repository).

Prepares a temporary data folder with ``povmap setup`` (demo data), then, ``REPEATS``
times each, starts a fresh Python process that runs ``dashboard/app.py`` (the default
map page) with Streamlit's ``AppTest`` twice, as a new server's first session and a
second session would:

* ``plain``: nothing before the first run, as plain ``streamlit run dashboard/app.py``;
* ``serve``: after :func:`dashboard.serve.warm`, as ``python -m dashboard.serve``.

Prints the medians of the first and second runs, and of the warm-up itself, in ms.
No browser: the browser side is measured by ``bench_browser.py``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, geodata_dir

from dashboard.launch import app_env, run_povmap

REPEATS = 3
_CHILD = """
import json, sys, time
t0 = time.perf_counter()
warm_ms = 0.0
if sys.argv[1] == "serve":
    from dashboard.serve import warm
    for _ in warm():
        pass
    warm_ms = (time.perf_counter() - t0) * 1000
from streamlit.testing.v1 import AppTest
runs = []
for _ in range(2):
    t = time.perf_counter()
    at = AppTest.from_file(sys.argv[2], default_timeout=300).run()
    runs.append((time.perf_counter() - t) * 1000)
    if at.exception:
        raise SystemExit(f"the app failed: {at.exception}")
print(json.dumps({"warm": warm_ms, "first": runs[0], "second": runs[1]}))
"""


def _measure(mode: str, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _CHILD, mode, str(ROOT / "dashboard" / "app.py")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} run failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    out: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def main() -> None:
    geodata = geodata_dir()
    if not (geodata / "new_2025").is_dir():
        sys.exit(f"no real boundaries at {geodata}: pass the geodata folder as argument")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        run_povmap("setup", data, geodata, Path(tmp) / "setup.log")
        env = app_env(data, geodata)
        env["PYTHONPATH"] = str(ROOT)
        for mode in ("plain", "serve"):
            results = [_measure(mode, env) for _ in range(REPEATS)]
            first = statistics.median(r["first"] for r in results)
            second = statistics.median(r["second"] for r in results)
            warm = statistics.median(r["warm"] for r in results)
            print(f"server first_run_ms={first:.0f} second_session_ms={second:.0f} "
                  f"warm_up_ms={warm:.0f} ({mode}; median of {REPEATS} fresh processes)",
                  flush=True)


if __name__ == "__main__":
    main()
