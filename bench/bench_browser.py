"""Time to first and to all polygons in headless Chromium, and the server's memory.

Run: ``.venv/bin/python bench/bench_browser.py [geodata_dir]`` (default: $POVMAP_GEODATA or
../shared/geodata next to the repository).

Starts the app like the browser tests and the README's ``scripts/run``
(:mod:`dashboard.launch`: temporary data folder, ``povmap setup`` with the demo data,
``python -m dashboard.serve`` on a free port of 127.0.0.1). The first load after the
server start is printed on its own ("browser cold"); then, on the warm server, it
measures from navigation start to the first ``path.povmap-unit`` and to all 95 drawn
(median of 5 fresh page loads, each in a new browser context, hence a new Streamlit
session). Then it opens every page once (/, /tong-quan, /so-lieu, /don-vi) and prints
the server process's VmRSS.
Indicator change: in one warm session, the time from the click on another indicator
in the sidebar to the moment every polygon carries the new colours (median of
``CHANGES`` alternating changes between two indicators).
Last, the same data folder is served by plain ``streamlit run dashboard/app.py`` (no
warm-up) and its first load is printed too ("browser cold, plain streamlit run").
Requests to any host other than 127.0.0.1/localhost are aborted and counted.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import geodata_dir
from playwright.sync_api import sync_playwright

from dashboard.launch import (
    CHROMIUM,
    CHROMIUM_ARGS,
    AppServer,
    block_off_host,
    rss_mb,
    running_app,
)

LOADS = 5
CHANGES = 10
N_UNITS = 95
FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAGES = ("/", "/tong-quan", "/so-lieu", "/don-vi")
# Polls inside the map iframe from navigation start; times are performance.now() of the
# top document (0 = navigation start); ``load`` is the page's load event on that clock.
_WATCH_JS = """([sel, n]) => new Promise(resolve => {
    const out = {first: null, all: null};
    function tick() {
        const f = document.querySelector(sel);
        const d = f && f.contentDocument;
        const k = d ? d.querySelectorAll('path.povmap-unit').length : 0;
        const now = performance.now();
        if (k > 0 && out.first === null) out.first = now;
        if (k >= n && out.all === null) {
            out.all = now;
            const nav = performance.getEntriesByType('navigation')[0];
            out.load = nav ? nav.loadEventEnd : null;
            resolve(out); return;
        }
        if (now > 120000) { resolve(out); return; }
        requestAnimationFrame(tick);
    }
    tick();
})"""


# Armed after the dropdown is open: the clock starts at the pointerdown on the option
# and stops at the first frame where all polygons exist with a fill pattern different
# from the one before the click.
_ARM_JS = """([sel, n]) => {
    function sig() {
        const f = document.querySelector(sel);
        const d = f && f.contentDocument;
        const ps = d ? d.querySelectorAll('path.povmap-unit') : [];
        return ps.length < n ? null : Array.from(ps, p => p.getAttribute('fill')).join(',');
    }
    const before = sig();
    let t0 = null;
    document.addEventListener('pointerdown', () => { if (t0 === null) t0 = performance.now(); },
                              {capture: true, once: true});
    window.__recolour = new Promise(resolve => {
        const limit = performance.now() + 60000;
        function tick() {
            const s = sig();
            if (t0 !== null && s !== null && s !== before) {
                resolve(performance.now() - t0); return;
            }
            if (performance.now() > limit) { resolve(null); return; }
            requestAnimationFrame(tick);
        }
        tick();
    });
}"""


def _indicator_changes(browser: Any, app: AppServer, blocked: list[str]) -> list[float]:
    """Click → recoloured polygons, for ``CHANGES`` indicator changes in one session."""
    from povcore.indicators import get_indicator

    context = _context(browser, blocked)
    page = context.new_page()
    page.goto(app.url + "/", wait_until="domcontentloaded")
    page.frame_locator(FRAME).locator("path.povmap-unit").nth(N_UNITS - 1).wait_for(
        state="attached", timeout=120_000)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    names = [get_indicator(k).label_vi for k in ("near_poor_rate", "poor_rate")]
    times: list[float] = []
    for i in range(CHANGES + 1):
        page.wait_for_function(
            "() => { const a = document.querySelector('[data-test-script-state]');"
            " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }",
            timeout=120_000)
        page.wait_for_timeout(300)
        box.click()
        # The option list is virtualised: typing filters it so the option is drawn.
        box.locator("input").fill(names[i % 2])
        option = page.get_by_role("option", name=names[i % 2], exact=True)
        option.wait_for()
        page.evaluate(_ARM_JS, [FRAME, N_UNITS])
        option.click()
        elapsed = page.evaluate("() => window.__recolour")
        if elapsed is None:
            raise RuntimeError("the polygons were not recoloured within 60 s")
        if i > 0:  # the first change also warms the new indicator's caches
            times.append(float(elapsed))
    context.close()
    return times


def _context(browser: Any, blocked: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  service_workers="block")

    block_off_host(context, blocked)
    return context


def _load_once(browser: Any, app: AppServer,
               blocked: list[str]) -> tuple[float, float, float]:
    context = _context(browser, blocked)
    page = context.new_page()
    page.goto(app.url + "/", wait_until="commit")
    times = page.evaluate(_WATCH_JS, [FRAME, N_UNITS])
    context.close()
    if times["all"] is None:
        raise RuntimeError(f"the map did not show {N_UNITS} polygons within 120 s: {times}")
    return float(times["first"]), float(times["all"]), float(times["all"] - times["load"])


def _open_every_page(browser: Any, app: AppServer, blocked: list[str]) -> None:
    context = _context(browser, blocked)
    page = context.new_page()
    for path in PAGES:
        page.goto(app.url + path, wait_until="domcontentloaded")
        if path == "/":
            page.frame_locator(FRAME).locator("path.povmap-unit").first.wait_for(
                timeout=120_000)
        page.wait_for_function(
            "() => { const a = document.querySelector('[data-test-script-state]');"
            " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }",
            timeout=120_000)
        page.wait_for_timeout(1_000)
    context.close()


def _cold(browser: Any, app: AppServer, blocked: list[str], how: str) -> None:
    t0 = time.perf_counter()
    first, every, _ = _load_once(browser, app, blocked)
    print(f"browser cold ({how}, {time.perf_counter() - t0:.1f} s): "
          f"first_polygon_ms={first:.0f} all_polygons_ms={every:.0f}", flush=True)


def _warm_server(browser: Any, app: AppServer, blocked: list[str]) -> None:
    """The cold load (python -m dashboard.serve), then every figure on the warm server."""
    _cold(browser, app, blocked, "first load after start, python -m dashboard.serve")
    loads = [_load_once(browser, app, blocked) for _ in range(LOADS)]
    first = statistics.median(x for x, _, _ in loads)
    every = statistics.median(y for _, y, _ in loads)
    after_load = statistics.median(z for _, _, z in loads)
    print(f"browser first_polygon_ms={first:.0f} all_polygons_ms={every:.0f} "
          f"(median of {LOADS} fresh page loads from navigation start; all = {N_UNITS} "
          f"polygons)", flush=True)
    print(f"browser load_event_to_all_polygons_ms={after_load:.0f} (median; from the "
          f"page's load event)", flush=True)
    print(f"server_rss_mb_after_map_loads={rss_mb(app.pid):.0f}", flush=True)
    changes = _indicator_changes(browser, app, blocked)
    print(f"browser indicator_change_click_to_recoloured_ms="
          f"{statistics.median(changes):.0f} (median of {len(changes)}; min "
          f"{min(changes):.0f}, max {max(changes):.0f})", flush=True)
    _open_every_page(browser, app, blocked)
    print(f"server_rss_mb={rss_mb(app.pid):.0f} (after opening {', '.join(PAGES)})",
          flush=True)


def main() -> None:
    geodata = geodata_dir()
    if not (geodata / "new_2025").is_dir():
        sys.exit(f"no real boundaries at {geodata}: pass the geodata folder as argument")
    blocked: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=list(CHROMIUM_ARGS))
        data, log = Path(tmp) / "data", Path(tmp) / "streamlit.log"
        with running_app(data, geodata, log) as app:
            _warm_server(browser, app, blocked)
        with running_app(data, geodata, log, prepare=(), entry="streamlit") as app:
            _cold(browser, app, blocked, "first load after start, plain streamlit run")
        browser.close()
    print(f"requests_blocked_off_host={len(blocked)}" + (f" {blocked}" if blocked else ""))


if __name__ == "__main__":
    main()
