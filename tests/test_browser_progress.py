"""The progress page in a real headless Chromium: the status map draws every unit.

The zone layers and the ethnic-minority communes lie over it, each in the layer control.

Own app server (demo data, real boundaries); every off-host request is aborted and fails
the test. Screenshots go to ``test-artefacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browserkit import MAP_FRAME, UNIT, serve_app, wait_script_idle
from playwright.sync_api import expect

from dashboard.launch import ARTEFACTS, AppServer, block_off_host

pytestmark = [pytest.mark.browser, pytest.mark.realdata, pytest.mark.slow]

TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def app(shared_geodata: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The real app with demo data and the shared boundaries."""
    yield from serve_app(tmp_path_factory, "browser_progress", shared_geodata)


def test_status_map_and_tasks_page(app: AppServer, browser: Any) -> None:
    blocked: list[str] = []

    context = browser.new_context(viewport={"width": 1400, "height": 1600},
                                  service_workers="block", locale="vi-VN")
    block_off_host(context, blocked)
    page = context.new_page()
    page.goto(app.url + "/", wait_until="domcontentloaded")
    page.frame_locator(MAP_FRAME).locator(UNIT).first.wait_for(timeout=TIMEOUT_MS)
    page.goto(app.url + "/tien-do", wait_until="domcontentloaded")
    units = page.frame_locator(MAP_FRAME).locator(UNIT)
    expect(units).to_have_count(95, timeout=TIMEOUT_MS)  # phase 2026–2030: all 95
    wait_script_idle(page, TIMEOUT_MS)
    # demo workbooks' province rows: poor A 4,704 (end-2025) → 4,198 (end-2026): −10.8 %
    expect(page.get_by_text("Giảm 11 % hộ nghèo A so với cuối năm 2025")).to_be_visible()
    fills = set(units.evaluate_all("els => els.map(e => e.getAttribute('fill'))"))
    assert fills <= {"#1a9850", "#91cf60", "#fc8d59", "#d73027", "#9e9ac8"}
    assert len(fills) >= 2
    # zone overlays (the demo's 16 zones, 48 EM communes), each toggled in a layer control
    frame = page.frame_locator(MAP_FRAME)
    zones = frame.locator("path.povmap-zone")
    expect(zones).to_have_count(16, timeout=TIMEOUT_MS)
    expect(frame.locator("path.povmap-em")).to_have_count(48)
    control = frame.locator(".leaflet-control-layers")
    control.hover()
    labels = control.locator(".leaflet-control-layers-overlays label")
    expect(labels).to_have_count(5)
    # only the overlays: 4 zone types and the EM communes (outline and units are the map)
    assert [x.strip() for x in labels.all_inner_texts()] == [
        "Ngập lụt / lũ", "Lũ quét – sạt lở đất", "Sạt lở bờ sông",
        "Rừng đặc dụng", "Xã vùng đồng bào DTTS & miền núi"]
    forest = labels.filter(has_text="Rừng đặc dụng").locator("input")
    forest.uncheck()
    expect(frame.locator("path.povmap-zone-special_use_forest")).to_have_count(0)
    expect(zones).to_have_count(12)
    forest.check()
    expect(frame.locator("path.povmap-zone-special_use_forest")).to_have_count(4)
    expect(frame.locator(".povmap-frame-overlays .povmap-overlay-legend")).to_contain_text(
        "Rừng đặc dụng")  # in the map frame
    expect(frame.locator(".povmap-frame-legend")).to_contain_text("chưa đủ số liệu")
    expect(frame.locator(".povmap-frame-title")).to_have_text(
        "Bản đồ tình trạng thực hiện chỉ tiêu")
    page.mouse.move(0, 0)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTEFACTS / "browser_progress.png"), full_page=True)
    page.goto(app.url + "/nhiem-vu", wait_until="domcontentloaded")
    wait_script_idle(page, TIMEOUT_MS)
    expect(page.get_by_text("22 nhiệm vụ theo Phụ lục Kế hoạch 60/KH-UBND")).to_be_visible(
        timeout=TIMEOUT_MS)
    page.screenshot(path=str(ARTEFACTS / "browser_tasks.png"), full_page=True)
    context.close()
    assert blocked == [], f"requests left 127.0.0.1: {blocked}"
