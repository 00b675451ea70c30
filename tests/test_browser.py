"""The dashboard in a real browser: headless Chromium against ``streamlit run``.

One app server (own store with the demo data, real boundaries from POVMAP_GEODATA) and
one browser are shared by the session; each test gets a fresh browser context, hence a
fresh Streamlit session. Every request to a host other than 127.0.0.1/localhost is
aborted and recorded, and a test fails if any was made. Full-page screenshots of each
state go to ``test-artefacts/`` at the repository root.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browserkit import MAP_FRAME, OWN_POINT_JS, UNIT, serve_app, wait_script_idle
from playwright.sync_api import expect

from dashboard.launch import ARTEFACTS, ROOT, AppServer, block_off_host, is_local
from povcore.i18n import t
from povcore.indicators import get_indicator
from povcore.units import registry

pytestmark = [pytest.mark.browser, pytest.mark.realdata, pytest.mark.slow]

# Inside the map frame (Leaflet controls carried by the units group, choropleth.js).
MAP_TITLE = ".leaflet-container .povmap-frame-title .povmap-title-text"
LOAD_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = 60_000
N_2025 = 95
N_2021 = 281
# Names of the 2026 review: version 2025 as it stands from 30/4/2026 (three respellings,
# ten xã became phường).
ON_2026 = dt.date(2026, 4, 30)
# Codes of the paths in DOM order, read from Leaflet's layers (window.feature_group is
# where st_folium keeps the feature groups it added).
_PATH_CODES_JS = """() => Array.from(document.querySelectorAll('path.povmap-unit')).map(p => {
    let code = null;
    (window.feature_group || []).forEach(g => g.eachLayer(function visit(layer) {
        if (layer.eachLayer) { layer.eachLayer(visit); return; }
        if (layer._path === p && layer.feature) { code = String(layer.feature.properties.code); }
    }));
    return code;
})"""


@dataclass
class Session:
    """One browser context and page, and the off-host requests it attempted."""

    context: Any
    page: Any
    base_url: str
    blocked: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def goto(self, path: str = "/") -> None:
        self.page.goto(self.base_url + path, wait_until="domcontentloaded")

    def open_map(self, path: str = "/", n_units: int = N_2025) -> None:
        """Open ``path`` and wait for its map of ``n_units`` polygons."""
        self.goto(path)
        self.wait_for_map(n_units)

    def assert_clean(self) -> None:
        """No traceback on the page, no script error, no request off 127.0.0.1."""
        _no_traceback(self)
        _assert_local_only(self)

    @property
    def frame(self) -> Any:
        return self.page.frame_locator(MAP_FRAME)

    @property
    def units(self) -> Any:
        return self.frame.locator(UNIT)

    def runs(self) -> int:
        return int(self.page.locator("#povmap-runs").get_attribute("data-runs") or 0)

    def wait_for_map(self, n_units: int) -> None:
        """Wait until the map shows exactly ``n_units`` polygons and the script is idle."""
        self.units.first.wait_for(timeout=LOAD_TIMEOUT_MS)
        expect(self.units).to_have_count(n_units, timeout=LOAD_TIMEOUT_MS)
        self.wait_idle()

    def wait_idle(self) -> None:
        """Wait until Streamlit reports no running script (and the run counter exists)."""
        # .first: while a run adds elements above it (the drill-down's breadcrumb), the
        # previous run's counter lingers until the run ends.
        self.page.locator("#povmap-runs").first.wait_for(state="attached",
                                                          timeout=RUN_TIMEOUT_MS)
        wait_script_idle(self.page, RUN_TIMEOUT_MS)

    def wait_for_run_after(self, runs_before: int) -> None:
        """Wait for a script run newer than ``runs_before`` to finish."""
        self.page.wait_for_function(
            "n => { const d = document.querySelector('#povmap-runs');"
            " return d && Number(d.dataset.runs) > n; }",
            arg=runs_before, timeout=RUN_TIMEOUT_MS)
        self.wait_idle()

    def path_codes(self) -> list[str | None]:
        return list(self.units.first.evaluate(
            "(el, src) => (new Function('return ' + src))()()", _PATH_CODES_JS))

    def shot(self, name: str) -> Path:
        ARTEFACTS.mkdir(exist_ok=True)
        path = ARTEFACTS / f"browser_{name}.png"
        self.wait_idle()
        self.page.wait_for_timeout(500)  # let charts and tables paint
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture(scope="session")
def app(shared_geodata: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The real app on a free port, with demo data and the shared boundaries."""
    yield from serve_app(tmp_path_factory, "browser_streamlit", shared_geodata)


def _new_session(browser: Any, app: AppServer, width: int = 1400, height: int = 1000,
                 phone: bool = False) -> Session:
    context = browser.new_context(viewport={"width": width, "height": height},
                                  is_mobile=phone, has_touch=phone,
                                  service_workers="block", locale="vi-VN")
    session = Session(context, None, app.url)

    def guard_ws(ws: Any) -> None:
        session.blocked.append(ws.url)
        ws.close()

    block_off_host(context, session.blocked)
    context.route_web_socket(lambda url: not is_local(url), guard_ws)
    session.page = context.new_page()
    session.page.on("pageerror", lambda exc: session.page_errors.append(str(exc)))
    return session


@pytest.fixture
def session(browser: Any, app: AppServer) -> Iterator[Session]:
    """A fresh context (a new Streamlit session) that records off-host requests."""
    s = _new_session(browser, app)
    yield s
    s.context.close()
    assert s.blocked == [], f"requests left 127.0.0.1: {s.blocked}"


def _assert_local_only(s: Session) -> None:
    assert s.blocked == [], f"requests left 127.0.0.1: {s.blocked}"


def _select_year(s: Session, year: int) -> None:
    """Choose ``year`` in the sidebar's "Năm rà soát" selectbox, as a user does."""
    box = s.page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text="Năm rà soát")
    box.click()
    s.page.get_by_role("option", name=str(year), exact=True).click()


def test_default_view_then_2022_review(session: Session) -> None:
    s = session
    s.open_map()
    assert s.units.count() == N_2025
    s.shot("a1_default_2026_95_units")
    runs = s.runs()
    _select_year(s, 2022)
    s.wait_for_run_after(runs)
    s.wait_for_map(N_2021)
    assert s.units.count() == N_2021
    expect(s.frame.locator(MAP_TITLE)).to_contain_text("2022")
    assert "year=2022" in s.page.url
    s.shot("a2_review_2022_collected_281_communes")
    assert s.page_errors == []
    _assert_local_only(s)


def _click_unit(s: Session, index: int) -> str:
    """Click the ``index``-th polygon (a real click on a point it owns); returns the code."""
    path = s.units.nth(index)
    point = path.evaluate(OWN_POINT_JS)
    assert point is not None, f"polygon #{index} has no visible point to click"
    runs = s.runs()
    path.click(position=point)
    s.wait_for_run_after(runs)
    selected = s.page.locator("#povmap-selected")
    selected.wait_for(timeout=RUN_TIMEOUT_MS)
    return str(selected.get_attribute("data-code"))


@pytest.mark.parametrize("pick", ["index_10", "renamed_25270"])
def test_click_selects_unit(session: Session, pick: str) -> None:
    s = session
    s.open_map()
    codes = s.path_codes()
    assert len(codes) == N_2025
    assert None not in codes
    # The second case clicks Lộc Ninh (code 25270), a xã that became "Phường Lộc Ninh" on
    # 30/4/2026: the 2026 review must show the unit's name and type of that date.
    index = 10 if pick == "index_10" else codes.index("25270")
    code = _click_unit(s, index)
    assert code == codes[index]
    unit = registry().units("2025", on=ON_2026).set_index("code").loc[code]
    heading = s.page.locator('[data-testid="stMarkdownContainer"] h4').first
    s.shot(f"b_selected_{pick}_{code}")
    kind = s.page.locator("#povmap-selected").inner_text().split("·")[0].strip()
    # Name (h4) and type (first words of the panel line) of the unit on 30/4/2026.
    assert (heading.inner_text().strip(), kind) == (unit["name"], unit["type"])
    expect(s.page).to_have_url(re.compile(rf"[?&]unit={code}(&|$)"))
    assert s.page_errors == []
    _assert_local_only(s)


def _map_view(s: Session) -> tuple[float, float, float]:
    """Zoom and centre of the Leaflet map (st_folium names it ``map_div``)."""
    zoom, lat, lng = s.units.first.evaluate(
        "el => { const m = el.ownerDocument.defaultView.map_div, c = m.getCenter();"
        " return [m.getZoom(), c.lat, c.lng]; }")
    return float(zoom), float(lat), float(lng)


# st_folium answers each map move (Leaflet "moveend", debounced) in its
# updateComponentValue(map): it reads map.getBounds(), then calls
# Streamlit.setComponentValue only if the returned objects changed, and only that call
# makes Streamlit rerun the page. The watch counts both and keeps the view each answer
# saw, so a test can wait for the component's answer to a move (an event, not a delay)
# and then see whether it asked for a rerun.
_WATCH_COMPONENT_JS = """el => {
    const w = el.ownerDocument.defaultView;
    const watch = w.__povmapWatch = {answers: 0, sends: 0, view: null};
    const getBounds = w.map.getBounds;
    w.map.getBounds = function () {
        if ((new Error().stack || "").includes("updateComponentValue")) {
            const c = this.getCenter();
            watch.answers += 1;
            watch.view = [this.getZoom(), c.lat, c.lng];
        }
        return getBounds.apply(this, arguments);
    };
    const send = w.Streamlit.setComponentValue;
    w.Streamlit.setComponentValue = function () {
        watch.sends += 1;
        return send.apply(this, arguments);
    };
}"""


def _watch(s: Session) -> dict[str, int]:
    return dict(s.units.first.evaluate("el => el.ownerDocument.defaultView.__povmapWatch"))


def _move_and_wait(s: Session, move: Callable[[], None]) -> tuple[float, float, float]:
    """Make a map ``move``, wait until st_folium has answered it; the view it answered.

    Only an answer given after the move began, at a view other than the one before it,
    counts (a straggling answer to an earlier move shows the earlier view).
    """
    before = _map_view(s)
    answers = _watch(s)["answers"]
    move()
    view = s.frame.locator("body").evaluate(
        "(body, [n, old]) => new Promise(resolve => { const w = body.ownerDocument.defaultView;"
        " (function poll() { const a = w.__povmapWatch;"
        " if (a.answers > n && JSON.stringify(a.view) !== JSON.stringify(old)) resolve(a.view);"
        " else w.requestAnimationFrame(poll); })(); })", [answers, list(before)])
    return float(view[0]), float(view[1]), float(view[2])


def test_pan_and_zoom_do_not_rerun(session: Session) -> None:
    s = session
    s.open_map()
    runs = s.runs()
    s.units.first.evaluate(_WATCH_COMPONENT_JS)
    box = s.page.locator(MAP_FRAME).bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    start = _map_view(s)

    def drag() -> None:
        s.page.mouse.move(cx, cy)
        s.page.mouse.down()
        s.page.mouse.move(cx + 120, cy + 60, steps=12)
        s.page.mouse.up()

    panned = _move_and_wait(s, drag)
    assert panned[0] == start[0]
    assert panned[1:] != start[1:], "the drag did not pan the map"

    def wheel() -> None:
        s.page.mouse.move(cx, cy)
        s.page.mouse.wheel(0, -240)

    wheeled = _move_and_wait(s, wheel)
    assert wheeled[0] > panned[0], "the mouse wheel did not zoom in"
    zoomed = _move_and_wait(s, s.frame.locator("a.leaflet-control-zoom-in").click)
    assert zoomed[0] > wheeled[0], "the + button did not zoom in"
    # Every move has been answered: had one asked for a rerun, it would be counted here.
    assert _watch(s)["sends"] == 0, "st_folium asked Streamlit to rerun after a pan or zoom"
    s.wait_idle()
    assert s.runs() == runs, "panning or zooming the map reran the page script"
    s.shot("c_after_pan_and_zoom")
    assert s.page.locator("#povmap-selected").count() == 0
    assert s.page_errors == []
    _assert_local_only(s)


def test_shared_link_reopens_view(session: Session) -> None:
    s = session
    s.goto("/?ind=poor_a&year=2024&geo=current&unit=26068")
    s.wait_for_map(N_2025)
    title = s.frame.locator(MAP_TITLE)
    expect(title).to_contain_text("Hộ nghèo A")
    expect(title).to_contain_text("2024")
    assert get_indicator("poor_a").label_vi in title.inner_text()
    selected = s.page.locator("#povmap-selected")
    selected.wait_for(timeout=RUN_TIMEOUT_MS)
    assert selected.get_attribute("data-code") == "26068"
    assert s.units.count() == N_2025
    s.shot("d_shared_link_poor_a_2024_current_26068")
    assert s.page_errors == []
    _assert_local_only(s)


def _tracked_copy(dest: Path) -> Path:
    """The repository's git-tracked files (as in the working tree) copied to ``dest``.

    What a fresh clone has: no ``data/``, nothing ``povmap setup`` could have written.
    """
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode("utf-8").split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """``streamlit run dashboard/app.py`` in a copy of the tracked files, never set up.

    The store gets the demo data from ``povmap demo`` (an import, nothing else); no
    POVMAP_GEODATA, so the app draws its approximate boundaries.
    """
    checkout = _tracked_copy(tmp_path_factory.mktemp("plain") / "checkout")
    yield from serve_app(tmp_path_factory, "browser_plain_streamlit", None, prepare=("demo",),
                         root=checkout, entry="streamlit")


def test_plain_streamlit_run_draws_the_map_offline(browser: Any, plain_app: AppServer) -> None:
    s = _new_session(browser, plain_app)
    served: dict[str, int] = {}
    s.page.on("response", lambda r: served.__setitem__(
        r.url.removeprefix(plain_app.url), r.status) if "/app/static/" in r.url else None)
    try:
        s.goto("/")
        s.wait_for_map(N_2025)
        s.shot("e_plain_streamlit_run_approximate_95_units")
        fills = set(s.units.evaluate_all("ps => ps.map(p => p.getAttribute('fill'))"))
    finally:
        s.context.close()
    # Leaflet and the map's own files came from the tracked dashboard/static/.
    assert served == {"/app/static/vendor/leaflet/leaflet.js": 200,
                      "/app/static/vendor/leaflet/leaflet.css": 200,
                      "/app/static/povmap/choropleth.js": 200,
                      "/app/static/povmap/choropleth.css": 200}
    # The default view: quantiles in 5 classes of ColorBrewer YlOrRd, every unit with data.
    assert fills == {"#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"}
    assert s.page_errors == []
    _assert_local_only(s)


# --- view state, notices, manual breaks, drill-down (issue #9 item 4) ------------------

LEGEND_ROWS = ".povmap-frame-legend .povmap-legend-row:not(.povmap-no-data)"
NAV = '[data-testid="stSidebarNav"] a'


def _no_traceback(s: Session) -> None:
    assert s.page.locator('[data-testid="stException"]').count() == 0
    assert s.page_errors == []


def _page_shot(s: Session, name: str) -> None:
    """Screenshot of a page without the map (no run counter): wait for the script only."""
    wait_script_idle(s.page, RUN_TIMEOUT_MS)
    s.page.wait_for_timeout(500)
    ARTEFACTS.mkdir(exist_ok=True)
    s.page.screenshot(path=str(ARTEFACTS / f"browser_{name}.png"), full_page=True)


def _legend_labels(s: Session) -> list[str]:
    return [x.strip() for x in
            s.frame.locator(f"{LEGEND_ROWS} .povmap-legend-label").all_inner_texts()]


def test_unknown_link_parameters_are_named_in_notices(session: Session) -> None:
    s = session
    s.goto("/?year=2030&ind=poor_x&unit=99999&lvl=district&cls=manual&brk=a,b")
    s.wait_for_map(N_2025)
    alerts = s.page.locator('[data-testid="stAlert"]')
    expect(alerts.filter(has_text="Năm 2030 chưa có số liệu — hiển thị 2026")).to_have_count(1)
    expect(alerts.filter(has_text="Chỉ tiêu «poor_x»")).to_have_count(1)
    expect(alerts.filter(has_text="Ngưỡng tự nhập «a,b»")).to_have_count(1)
    expect(alerts.filter(has_text="Đơn vị 99999 không có trên bản đồ này")).to_have_count(1)
    expect(alerts.filter(has_text="không có cấp «district»")).to_have_count(1)
    expect(s.frame.locator(MAP_TITLE)).to_have_text(
        f"{get_indicator('poor_rate').label_vi} — 2026")
    s.shot("e_link_notices")
    s.assert_clean()


def _open_scheme(s: Session) -> None:
    s.page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary').filter(
        has_text="Cách phân lớp").click()


def test_manual_breaks_bad_input_message_and_last_classes_kept(session: Session) -> None:
    s = session
    s.goto("/?ind=poor_a&year=2025&geo=current&cls=manual&brk=1,5,10")
    s.wait_for_map(N_2025)
    _open_scheme(s)
    good = _legend_labels(s)
    assert good[:3] == ["0 – 1", "2 – 5", "6 – 10"], good
    box = s.page.locator('[data-testid="stSidebar"] input[aria-label^="Ngưỡng phân lớp"]')
    expect(box).to_have_value("1; 5; 10")
    for typed, message in (("5; 2; 8", "Ngưỡng phải tăng dần: 2 đứng sau 5"),
                           ("1; x; 3", "«x» không phải là số"),
                           ("1; 2", "Cần 3 đến 9 ngưỡng")):
        runs = s.runs()
        box.fill(typed)
        box.press("Enter")
        s.wait_for_run_after(runs)
        expect(s.page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
               ).to_contain_text(message)
        assert _legend_labels(s) == good
        _no_traceback(s)
    s.shot("f_manual_breaks_bad_input")
    runs = s.runs()
    box.fill("0,5; 2,5; 10; 50")  # Vietnamese decimal commas
    box.press("Enter")
    s.wait_for_run_after(runs)
    assert _legend_labels(s)[:4] == ["0,0 – 0,5", "0,5 – 2,5", "2,5 – 10,0", "10,0 – 50,0"]
    assert "brk=0.5%2C2.5%2C10%2C50" in s.page.url or "brk=0.5,2.5,10,50" in s.page.url
    s.assert_clean()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_view_survives_map_data_overview_map(session: Session, lang: str) -> None:
    s = session
    s.goto(f"/?ind=near_poor_rate&year=2022&geo=current&cls=natural_breaks&k=6&lang={lang}")
    s.wait_for_map(N_2025)
    label = get_indicator("near_poor_rate").label(lang)
    title = s.frame.locator(MAP_TITLE)
    expect(title).to_contain_text(f"{label} — 2022")
    assert len(_legend_labels(s)) == 6
    pages = {"vi": ("Số liệu", "Tổng quan", "Bản đồ nghèo"),
             "en": ("Data", "Overview", "Poverty map")}[lang]
    s.page.locator(NAV).filter(has_text=pages[0]).click()
    heading = s.page.locator('[data-testid="stHeading"] h1').first
    expect(heading).to_contain_text(f"{label} — 2022", timeout=RUN_TIMEOUT_MS)
    indicator_box = s.page.locator(
        f'[data-testid="stSidebar"] input[aria-label="{t("indicator", lang)}"]')
    expect(indicator_box).to_have_value(label)
    expect(s.page).to_have_url(re.compile(r"k=6"), timeout=RUN_TIMEOUT_MS)
    _page_shot(s, f"g_{lang}_data_page_keeps_view")
    with s.page.expect_download() as download:
        s.page.get_by_role("button", name=t("download_csv", lang)).click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert f"{label} — 2022" in csv_text
    assert "k = 6" in csv_text
    s.page.locator(NAV).filter(has_text=pages[1]).click()
    expect(s.page.locator('[data-testid="stHeading"]').filter(
        has_text=f"{t('province_figures', lang)} — 2022")).to_have_count(
        1, timeout=RUN_TIMEOUT_MS)
    _page_shot(s, f"g_{lang}_overview_same_year")
    s.page.locator(NAV).filter(has_text=pages[2]).click()
    s.wait_for_map(N_2025)
    expect(title).to_contain_text(f"{label} — 2022")
    assert len(_legend_labels(s)) == 6
    for part in ("ind=near_poor_rate", "year=2022", "geo=current", "cls=natural_breaks",
                 "k=6"):
        assert part in s.page.url
    s.shot(f"g_{lang}_back_on_map_same_view")
    s.assert_clean()


def test_drill_down_shows_only_the_districts_communes_and_returns(session: Session) -> None:
    s = session
    district = "731"  # Thành phố Biên Hòa in version 2021
    kids = registry().units("2021")
    communes = set(kids[kids["parent_code"].astype(str) == district]["code"].astype(str))
    n_districts = len(registry().units("2021", "district"))
    s.goto(f"/?year=2022&lvl=district&unit={district}")
    s.wait_for_map(n_districts)
    runs = s.runs()
    s.page.get_by_role("button", name="Xem các xã của huyện này").click()
    s.wait_for_run_after(runs)
    s.wait_for_map(len(communes))
    assert set(s.path_codes()) == communes
    expect(s.page.locator("#povmap-breadcrumb")).to_contain_text("Thành phố Biên Hòa")
    # The district under the map's title, inside the frame.
    expect(s.frame.locator(".povmap-frame-title .povmap-title-sub")).to_have_text(
        "Thành phố Biên Hòa")
    s.shot("h_drill_down_bien_hoa")
    runs = s.runs()
    s.page.get_by_role("button", name="Về toàn tỉnh").click()
    s.wait_for_run_after(runs)
    # Zoomed to the district: paths outside the view are drawn empty ("M0 0").
    expect(s.units).to_have_count(n_districts, timeout=LOAD_TIMEOUT_MS)
    s.shot("h_drill_back_to_districts")
    assert s.page.locator("#povmap-breadcrumb").count() == 0
    expect(s.frame.locator(".povmap-frame-title .povmap-title-sub")).to_have_count(0)
    assert s.page.locator("#povmap-selected").get_attribute("data-code") == district
    s.assert_clean()


def test_unit_names_on_the_map_at_default_zoom(session: Session) -> None:
    s = session
    s.open_map()
    labels = s.frame.locator(".povmap-label")
    expect(labels.first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert len(boxes) >= 10, f"only {len(boxes)} names drawn"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
                       and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])
            assert not overlap, (a, b)
    names = registry().units("2025", on=ON_2026).set_index("code")["name"]
    code = labels.first.get_attribute("data-code")
    assert labels.first.inner_text().strip() in str(names[code])
    s.shot("i_unit_names_default_zoom")
    # Tooltips stay inside the map wherever the pointer is (here every 10th unit).
    frame_box = s.page.locator(MAP_FRAME).bounding_box()
    for index in range(0, N_2025, 10):
        path = s.units.nth(index)
        point = path.evaluate(OWN_POINT_JS)
        if point is None:
            continue
        path.hover(position=point)
        s.page.mouse.move(frame_box["x"] + 1, frame_box["y"] + 1)  # leave, then re-enter
        path.hover(position=point)
        tip = s.frame.locator(".povmap-tooltip").last
        expect(tip).to_be_visible()
        b = tip.bounding_box()
        assert b["x"] >= frame_box["x"] - 1, (index, b, frame_box)
        assert b["x"] + b["width"] <= frame_box["x"] + frame_box["width"] + 1, (index, b)
    s.assert_clean()


def test_zone_overlays_toggle_with_layer_control_and_legend(session: Session) -> None:
    s = session
    s.open_map()
    assert s.frame.locator(".leaflet-control-layers").count() == 0
    runs = s.runs()
    s.page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').filter(
        has_text="Hiện vùng quy hoạch").click()
    s.wait_for_run_after(runs)
    zones = s.frame.locator("path.povmap-zone")
    expect(zones.first).to_be_attached(timeout=RUN_TIMEOUT_MS)
    s.frame.locator(".leaflet-control-layers").hover()  # collapsed until pointed at
    control = s.frame.locator(".leaflet-control-layers-overlays label")
    expect(control.first).to_be_visible()
    assert "units-group" not in control.all_inner_texts()
    legend_types = s.frame.locator(".povmap-frame-overlays [data-zone-type]")
    expect(legend_types.first).to_be_attached()
    assert control.count() >= legend_types.count() >= 2
    expect(s.frame.locator("path.povmap-em").first).to_be_attached()
    # Each zone type is its own layer: unticking one removes only its outlines.
    before = zones.count()
    control.filter(has_text=legend_types.first
                   .inner_text().strip()).locator("input").uncheck()
    expect(zones).not_to_have_count(before)
    assert s.units.count() == N_2025
    s.shot("j_zone_overlays")
    s.assert_clean()


def test_phone_one_finger_scrolls_the_page(browser: Any, app: AppServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, service_workers="block", locale="vi-VN")
    s = Session(context, context.new_page(), app.url)
    block_off_host(context, s.blocked)
    try:
        s.goto("/")
        s.wait_for_map(N_2025)
        hint = s.frame.locator(".povmap-touch-hint")
        expect(hint).to_have_text("Dùng hai ngón tay để di chuyển bản đồ")
        # Leaflet's one-finger dragging is off: a swipe on the map scrolls the page.
        dragging = s.frame.locator(".leaflet-container").first.evaluate(
            "el => el.classList.contains('leaflet-touch-drag')")
        assert dragging is False
        s.shot("k_phone_390x844")
        _no_traceback(s)
    finally:
        context.close()
    _assert_local_only(s)


# --- legend, title and data stamp inside the map frame (issue #9 item 5) -----------------

FRAME_BOXES = ("title", "legend", "stamp")


def _select_indicator(s: Session, indicator: str, lang: str) -> None:
    box = s.page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has_text=t("indicator", lang)).first
    box.click()
    label = get_indicator(indicator).label(lang)
    s.page.keyboard.type(label)  # the list is long (virtualised): filter it, as users do
    s.page.get_by_role("option", name=label, exact=True).click()


def _boxes_inside_the_map(s: Session) -> dict[str, dict[str, float]]:
    """Bounding box of each framed box; each is a descendant of the Leaflet container and
    lies within the map's own box (checked here)."""
    container = s.frame.locator(".leaflet-container").first
    outer = container.bounding_box()
    found = {}
    for kind in FRAME_BOXES:
        box = container.locator(f".leaflet-control-container .povmap-frame-{kind}")
        expect(box).to_have_count(1)
        b = box.bounding_box()
        assert b is not None, kind
        assert b["width"] > 20, (kind, b)
        assert b["height"] > 10, (kind, b)
        assert outer["x"] - 1 <= b["x"], (kind, b, outer)
        assert b["x"] + b["width"] <= outer["x"] + outer["width"] + 1, (kind, b, outer)
        assert outer["y"] - 1 <= b["y"], (kind, b, outer)
        assert b["y"] + b["height"] <= outer["y"] + outer["height"] + 1, (kind, b, outer)
        found[kind] = b
    for i, a in enumerate(FRAME_BOXES):  # the boxes do not cover one another
        for other in FRAME_BOXES[i + 1:]:
            p, q = found[a], found[other]
            assert not (p["x"] < q["x"] + q["width"] and q["x"] < p["x"] + p["width"]
                        and p["y"] < q["y"] + q["height"] and q["y"] < p["y"] + p["height"]), (
                a, other, p, q)
    return found


def _frame_texts(s: Session) -> tuple[str, str, list[str], str]:
    """Title, legend heading, class labels (also when folded) and the stamp's text."""
    legend = s.frame.locator(".povmap-frame-legend")
    heading = legend.locator(".povmap-legend-title").inner_text().strip()
    labels = [x.strip() for x in legend.locator(
        ".povmap-legend-row:not(.povmap-no-data) .povmap-legend-label").all_text_contents()]
    return (s.frame.locator(MAP_TITLE).inner_text().strip(), heading, labels,
            s.frame.locator(".povmap-frame-stamp").text_content() or "")


@pytest.mark.parametrize(("width", "height", "lang"), [
    (1400, 900, "vi"), (1400, 900, "en"), (390, 844, "vi"), (390, 844, "en")])
def test_title_legend_and_stamp_inside_the_map_frame(browser: Any, app: AppServer,
                                                     width: int, height: int,
                                                     lang: str) -> None:
    phone = width < 600
    s = _new_session(browser, app, width, height, phone)
    try:
        s.goto(f"/?lang={lang}")
        s.wait_for_map(N_2025)
        label = get_indicator("poor_rate").label(lang)
        expect(s.frame.locator(MAP_TITLE)).to_have_text(f"{label} — 2026")
        title, heading, labels, stamp = _frame_texts(s)
        assert title == f"{label} — 2026"
        assert heading == f"{label} (%)"
        assert len(labels) == 5  # quantiles, k = 5
        assert all(re.fullmatch(r"\d+[.,]\d\d – \d+[.,]\d\d", x) for x in labels), labels
        badges = s.frame.locator(".povmap-frame-stamp .povmap-flag")
        expect(badges).to_have_text([t("demo", lang)])  # the only caveat: demo data
        assert f"{t('source', lang)}: demo_ra_soat_2026.xlsx" in stamp
        # On a phone the keys ("Nguồn số liệu: ") are hidden: file and date alone.
        keys = s.frame.locator(".povmap-frame-stamp .povmap-stamp-key").first
        if phone:
            expect(keys).to_be_hidden()
        else:
            expect(keys).to_be_visible()
        assert f"{t('last_import', lang)}: " in stamp
        assert t("approximate", lang) not in stamp  # the 2025 boundaries are real
        rows = s.frame.locator(f"{LEGEND_ROWS}")
        if phone:  # the legend starts folded on a narrow map; a tap on its heading opens it
            expect(rows.first).to_be_hidden()
            s.shot(f"l_frame_{lang}_{width}x{height}_folded")
            _boxes_inside_the_map(s)
            s.frame.locator(".povmap-frame-legend .povmap-legend-title").tap()
        expect(rows).to_have_count(5)
        expect(rows.first).to_be_visible()
        s.shot(f"l_frame_{lang}_{width}x{height}")
        _boxes_inside_the_map(s)
        # Zooming keeps the boxes and does not rerun the page.
        runs = s.runs()
        s.units.first.evaluate(_WATCH_COMPONENT_JS)
        before = _map_view(s)
        zoomed = _move_and_wait(s, s.frame.locator("a.leaflet-control-zoom-in").click)
        assert zoomed[0] > before[0]
        assert _frame_texts(s)[0] == f"{label} — 2026"
        _boxes_inside_the_map(s)
        assert _watch(s)["sends"] == 0
        assert s.runs() == runs
        if not phone:
            # Another indicator: the swapped group brings its own title and legend (one
            # of each), the zoom is kept.
            _select_indicator(s, "poor_a_rate", lang)
            s.wait_for_run_after(runs)
            other = get_indicator("poor_a_rate").label(lang)
            expect(s.frame.locator(MAP_TITLE)).to_have_text(f"{other} — 2026")
            _, heading, labels, stamp = _frame_texts(s)
            assert heading == f"{other} (%)"
            assert len(labels) == 5
            assert f"{t('source', lang)}: demo_ra_soat_2026.xlsx" in stamp
            _boxes_inside_the_map(s)
            assert _map_view(s)[0] == zoomed[0]
            s.shot(f"l_frame_{lang}_{width}x{height}_poor_a_rate")
        _no_traceback(s)
    finally:
        s.context.close()
    _assert_local_only(s)
