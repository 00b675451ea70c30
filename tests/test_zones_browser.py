"""Page "Lọc & ưu tiên" in a real headless Chromium: zone overlays, ranking layer, popup.

The app runs on the real boundaries with the demo data and demo zones; the filter comes
from the link. Screenshot: ``test-artefacts/browser_prioritise.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browserkit import MAP_FRAME, OWN_POINT_JS, serve_app
from playwright.sync_api import expect

from dashboard.launch import ARTEFACTS, AppServer, block_off_host

pytestmark = [pytest.mark.browser, pytest.mark.realdata, pytest.mark.slow]

TIMEOUT_MS = 90_000
WHERE = ("?where=poor_a_rate%3E%3D5&where=share_flood%3E0%7Cshare_special_use_forest%3E0"
         "&where=em_commune%3D%3D1")
N_DEMO_ZONES = 16  # 4 special-use forests, 5 floods, 3 flash floods, 4 erosion sites


@pytest.fixture(scope="module")
def app(shared_geodata: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """`povmap setup` loads the demo data with the demo zones and EM classes."""
    yield from serve_app(tmp_path_factory, "browser_prioritise_streamlit", shared_geodata)


@pytest.fixture
def page(app: AppServer, browser: Any) -> Iterator[tuple[Any, list[str]]]:
    blocked: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1800})

    block_off_host(context, blocked)
    yield context.new_page(), blocked
    context.close()


def test_zone_overlays_ranking_layer_and_zone_popup(app: AppServer,
                                                    page: tuple[Any, list[str]]) -> None:
    p, blocked = page
    p.goto(f"{app.url}/loc-uu-tien{WHERE}", wait_until="domcontentloaded")
    frame = p.frame_locator(MAP_FRAME)
    units = frame.locator("path.povmap-priority")
    units.first.wait_for(timeout=TIMEOUT_MS)
    expect(units).to_have_count(95, timeout=TIMEOUT_MS)
    expect(frame.locator("path.povmap-zone")).to_have_count(N_DEMO_ZONES, timeout=TIMEOUT_MS)
    expect(frame.locator("path.povmap-zone-special_use_forest")).to_have_count(4)
    assert frame.locator("path.povmap-em").count() == 48  # demo EM communes
    selected = units.evaluate_all(
        "ps => ps.filter(p => p.getAttribute('fill') === '#d7301f').length")
    assert selected == 3  # Bù Gia Mập, Đăk Ơ, Phước Sơn: poor-A ≥ 5 %, forest, EM
    legend = frame.locator(".povmap-frame-overlays .povmap-overlay-legend")  # in the map
    expect(legend).to_contain_text("Rừng đặc dụng")
    expect(legend).to_contain_text("Sạt lở bờ sông")

    # The first link this fresh server serves is a deep link: no "Page not found" dialog
    # (dashboard.serve tells Streamlit the app declares its pages; see dashboard/app.py).
    expect(p.locator('[data-testid="stDialog"]')).to_have_count(0)
    # Click the Bù Gia Mập forest (not its enclave): its attributes open in a popup.
    forest = frame.locator("path.povmap-zone-special_use_forest").nth(2)
    forest.click(position=forest.evaluate(OWN_POINT_JS))
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Vườn quốc gia Bù Gia Mập", timeout=10_000)
    expect(popup).to_contain_text("Ổn định tại chỗ")
    p.wait_for_timeout(800)
    p.screenshot(path=str(ARTEFACTS / "browser_prioritise.png"), full_page=True)
    assert blocked == []
