"""Shared parts of the browser tests: selectors, page scripts, waits and the app server.

Each browser test module starts its own real app (``start_app``: ``povmap setup`` into a
fresh data folder, then the server on 127.0.0.1) through :func:`serve_app`; the map lives
in st_folium's iframe (:data:`MAP_FRAME`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard.launch import ARTEFACTS, AppServer, AppStartError, start_app, stop_app

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
UNIT = "path.povmap-unit"
# True once Streamlit reports that no script is running.
SCRIPT_IDLE_JS = ("() => { const a = document.querySelector('[data-test-script-state]');"
                  " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }")
# A point of the element that the element itself receives (a polygon's bounding-box
# centre may lie in a hole or a neighbour); relative to the element's box, for a real click.
OWN_POINT_JS = """(el) => {
    const r = el.getBoundingClientRect();
    for (let n = 2; n <= 32; n *= 2) {
        for (let i = 1; i < n; i += 1) {
            for (let j = 1; j < n; j += 1) {
                const x = r.left + r.width * i / n, y = r.top + r.height * j / n;
                if (el.ownerDocument.elementFromPoint(x, y) === el) {
                    return {x: x - r.left, y: y - r.top};
                }
            }
        }
    }
    return null;
}"""


def wait_script_idle(page: Any, timeout_ms: float) -> None:
    """Wait until Streamlit reports no running script on ``page``."""
    page.wait_for_function(SCRIPT_IDLE_JS, timeout=timeout_ms)


def serve_app(tmp_path_factory: pytest.TempPathFactory, name: str, geodata: Path | None,
              **options: Any) -> Iterator[AppServer]:
    """The real app with its own data folder; log in ``test-artefacts/<name>.log``.

    ``options`` go to :func:`dashboard.launch.start_app` (``prepare``, ``root``,
    ``entry``). A server that does not start fails the test with its log's tail.
    """
    ARTEFACTS.mkdir(exist_ok=True)
    data_dir = tmp_path_factory.mktemp(name) / "data"
    try:
        server = start_app(data_dir, geodata, ARTEFACTS / f"{name}.log", **options)
    except AppStartError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    stop_app(server)
