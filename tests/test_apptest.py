"""Every page through Streamlit's ``AppTest`` (no browser): smoke and behaviour.

The demo data is imported once per module (``povmap demo`` in a subprocess) into a
temporary ``POVMAP_DATA_DIR``. Most tests point ``POVMAP_GEODATA`` at a folder that does
not exist, so the app runs on approximate boundaries (fast) and must say so; one smoke
test runs on the real boundaries. Expected figures are computed independently from the
store with :func:`povstore.imports.unit_values`, not through the dashboard's code.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from mapframe import map_frame, texts
from streamlit.testing.v1 import AppTest

from povcore.config import settings
from povcore.indicators import get_indicator
from povstore.imports import unit_values
from povstore.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
TIMEOUT_S = 180
PAGES = {
    "pages/overview.py": "Tổng quan",
    "pages/data_table.py": "Số liệu",
    "pages/units.py": "Đơn vị hành chính",
}
APPROXIMATE_VI = "Ranh giới gần đúng"
DEMO_VI = "Dữ liệu minh họa"
NO_DATA_VI = "Chưa có số liệu"
_LEGEND_ROW = re.compile(
    r'data-class="(-?\d+)">.*?<span class="povmap-legend-label">(.*?)</span>'
    r'<span class="povmap-legend-count">(\d+)</span>')


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the demo data, imported once by ``povmap demo``."""
    data = tmp_path_factory.mktemp("apptest") / "data"
    env = {**os.environ, "POVMAP_DATA_DIR": str(data),
           "POVMAP_GEODATA": str(data / "no-geodata-here")}
    povmap = Path(sys.executable).with_name("povmap")
    done = subprocess.run([str(povmap) if povmap.exists() else "povmap", "demo"], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"povmap demo failed:\n{done.stdout}\n{done.stderr}"
    return data


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Streamlit's caches are per process: clear them so every test sees its own setup."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def approx(demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Demo data on approximate boundaries (POVMAP_GEODATA does not exist)."""
    monkeypatch.setenv("POVMAP_DATA_DIR", str(demo_dir))
    monkeypatch.setenv("POVMAP_GEODATA", str(tmp_path / "does-not-exist"))
    return demo_dir


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    _no_exception(at)
    return at


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def _subheaders(at: AppTest) -> list[str]:
    return [h.value for h in at.subheader]


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def _htmls(at: AppTest) -> list[str]:
    return [str(h.proto.body) for h in at.get("html")]


def _frame(at: AppTest) -> dict[str, str]:
    """Boxes in the map frame (title, legend, stamp), as the browser gets them."""
    return map_frame(at)


def _map_title(at: AppTest) -> str:
    (title,) = texts(_frame(at)["title"], "povmap-title-text")
    return title


def _stamp(at: AppTest) -> tuple[list[str], list[str]]:
    """Badges and lines of the data stamp in the map frame (unescaped)."""
    markup = _frame(at).get("stamp", "")
    return texts(markup, "povmap-flag"), texts(markup, "povmap-stamp-line")


def _legend(at: AppTest) -> tuple[str, list[tuple[int, str, int]]]:
    """Title and (class, label, count) rows of the legend in the map frame."""
    markup = _frame(at)["legend"]
    title = re.search(r'<div class="povmap-legend-title">(.*?)</div>', markup)
    assert title is not None
    rows = [(int(c), html.unescape(lb), int(n)) for c, lb, n in _LEGEND_ROW.findall(markup)]
    return html.unescape(title.group(1)), rows


def _values(year: int, indicator: str) -> dict[str, float]:
    """Independent expectation: the store's values of ``indicator`` on the collected units."""
    return unit_values(Store(settings().store_path), year, indicator)


def _vi(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _en(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _check_legend(at: AppTest, indicator: str, year: int, lang: str) -> None:
    """Legend title, class counts and range against the store's values."""
    ind = get_indicator(indicator)
    values = _values(year, indicator)
    assert values, f"the demo store has no {indicator} for {year}"
    unit = ind.unit_vi if lang == "vi" else ind.unit_en
    decimals = 2 if unit == "%" else 0
    fmt = _vi if lang == "vi" else _en
    title, rows = _legend(at)
    assert title == f"{ind.label(lang)} ({unit})"
    classes = [r for r in rows if r[0] >= 0]
    no_data = [r for r in rows if r[0] == -1]
    assert len(classes) == 5  # quantiles, k = 5 by default
    assert sum(n for _, _, n in classes) == len(values)
    assert len(no_data) == 1
    assert classes[0][1].startswith(fmt(min(values.values()), decimals))
    assert classes[-1][1].endswith(fmt(max(values.values()), decimals))


# ---------------------------------------------------------------- smoke: every page

def _smoke_all_pages(approximate: bool) -> None:
    at = _app()
    assert _subheaders(at) == []  # the title is inside the map frame
    assert _map_title(at) == f"{get_indicator('poor_rate').label_vi} — 2026"
    assert set(_frame(at)) == {"title", "legend", "stamp"}
    assert any('id="povmap-runs"' in h for h in _htmls(at))
    assert (APPROXIMATE_VI in _captions(at)) is approximate
    assert DEMO_VI in _captions(at)
    assert _stamp(at)[0] == ([DEMO_VI, APPROXIMATE_VI] if approximate else [DEMO_VI])
    for page, title in PAGES.items():
        at.switch_page(page).run()
        _no_exception(at)
        titles = [t.value for t in at.title]
        assert titles, f"{page} shows no title"
        assert titles[0].startswith(title), (page, titles)
    at.switch_page("pages/poverty_map.py").run()
    _no_exception(at)
    assert _map_title(at) == f"{get_indicator('poor_rate').label_vi} — 2026"


@pytest.mark.usefixtures("approx")
def test_every_page_runs_on_approximate_boundaries() -> None:
    # No boundary files: the default (2025) map uses the 2025 layer shipped in povmap,
    # so it is not approximate (issue #9); older years are (next test).
    _smoke_all_pages(approximate=False)


@pytest.mark.realdata
@pytest.mark.slow
def test_every_page_runs_on_real_boundaries(demo_dir: Path, shared_geodata: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POVMAP_DATA_DIR", str(demo_dir))
    monkeypatch.setenv("POVMAP_GEODATA", str(shared_geodata))
    _smoke_all_pages(approximate=False)


# ---------------------------------------------------------------- the map page

@pytest.mark.usefixtures("approx")
def test_approximate_badge_shows_on_map_page() -> None:
    at = _app()
    assert APPROXIMATE_VI not in _captions(at)  # 2026: embedded real 2025 boundaries
    assert _stamp(at)[0] == [DEMO_VI]
    at.selectbox(key="w_year").set_value(2022).run()  # version 2021: approximate
    _no_exception(at)
    header = at.caption[0].value
    assert APPROXIMATE_VI in header
    assert DEMO_VI in header
    # The same caveats in the map frame's data stamp.
    assert _stamp(at)[0] == [DEMO_VI, APPROXIMATE_VI]


@pytest.mark.usefixtures("approx")
def test_header_names_the_source_of_the_year_shown() -> None:
    """Not the store's latest file (the demo's ethnic-minority CSV is imported last)."""
    at = _app()
    assert "demo_ra_soat_2026.xlsx" in at.caption[0].value
    assert "dtts_mien_nui_2021.csv" not in at.caption[0].value
    lines = _stamp(at)[1]
    assert lines[0] == "Nguồn số liệu: demo_ra_soat_2026.xlsx"
    assert re.fullmatch(r"Nhập lần cuối: \d{4}-\d\d-\d\d \d\d:\d\d UTC", lines[1]), lines
    at.selectbox(key="w_year").set_value(2022).run()
    _no_exception(at)
    assert "demo_ra_soat_2022.xlsx" in at.caption[0].value
    assert _stamp(at)[1][0] == "Nguồn số liệu: demo_ra_soat_2022.xlsx"


@pytest.mark.usefixtures("approx")
def test_overview_header_names_the_source_of_the_year_chosen_below_it() -> None:
    at = _app()
    at.switch_page("pages/overview.py").run()
    _no_exception(at)
    assert "demo_ra_soat_2026.xlsx" in at.caption[0].value
    assert "dtts_mien_nui_2021.csv" not in at.caption[0].value
    (year_box,) = [box for box in at.selectbox if box.label == "Năm rà soát"]
    year_box.set_value(2023).run()
    _no_exception(at)
    assert "demo_ra_soat_2023.xlsx" in at.caption[0].value


@pytest.mark.usefixtures("approx")
def test_indicator_and_year_change_title_and_legend() -> None:
    at = _app()
    latest = int(at.selectbox(key="w_year").value)
    assert latest == 2026
    assert _map_title(at) == f"{get_indicator('poor_rate').label_vi} — 2026"
    _check_legend(at, "poor_rate", 2026, "vi")
    assert len(_values(2026, "poor_rate")) == 95

    at.selectbox(key="w_ind").set_value("poor_a_rate").run()
    _no_exception(at)
    assert _map_title(at) == f"{get_indicator('poor_a_rate').label_vi} — 2026"
    _check_legend(at, "poor_a_rate", 2026, "vi")

    at.selectbox(key="w_year").set_value(2022).run()
    _no_exception(at)
    assert _map_title(at) == f"{get_indicator('poor_a_rate').label_vi} — 2022"
    _check_legend(at, "poor_a_rate", 2022, "vi")
    assert len(_values(2022, "poor_a_rate")) == 281
    assert "281" in _captions(at)  # the method names the 281 communes of 2021


@pytest.mark.usefixtures("approx")
def test_selected_unit_metric_matches_store() -> None:
    at = _app()
    at.selectbox(key="w_ind").set_value("poor_a_rate").run()
    at.selectbox(key="w_year").set_value(2022).run()
    at.text_input(key="search").input("Phú Trung").run()
    _no_exception(at)
    at.button(key="hit_25261").click().run()
    _no_exception(at)
    assert any('data-code="25261"' in h for h in _htmls(at))
    value = _values(2022, "poor_a_rate")["25261"]
    metric = at.metric[0]
    assert metric.label == get_indicator("poor_a_rate").label_vi
    assert metric.value == f"{_vi(value, 2)} %"


@pytest.mark.usefixtures("approx")
def test_english_labels_and_number_format() -> None:
    at = _app()
    at.radio(key="lang").set_value("en").run()
    _no_exception(at)
    # Widgets are found by their English label (their keys may differ per language).
    labels = {s.label: s for s in at.selectbox}
    assert {"Indicator", "Review year"} <= set(labels)
    assert labels["Review year"].value == 2026
    assert labels["Indicator"].value == "poor_rate"
    assert _map_title(at) == f"{get_indicator('poor_rate').label_en} — 2026"
    assert "Approximate boundaries" not in _captions(at)  # 2025 layer shipped in povmap
    assert "Method:" in _captions(at)
    assert _stamp(at)[0] == ["Demo data (Dữ liệu minh họa)"]
    assert _stamp(at)[1][0] == "Data source: demo_ra_soat_2026.xlsx"
    _check_legend(at, "poor_rate", 2026, "en")
    # Counts above a thousand: English thousands separator "," and no Vietnamese ".".
    labels["Indicator"].set_value("total_households").run()
    _no_exception(at)
    assert _map_title(at) == f"{get_indicator('total_households').label_en} — 2026"
    _check_legend(at, "total_households", 2026, "en")
    _, rows = _legend(at)
    lowest = min(_values(2026, "total_households").values())
    assert lowest >= 1000, "the demo data should have units of over 1,000 households"
    assert re.match(r"^\d{1,3}(,\d{3})+ – \d{1,3}(,\d{3})+$", rows[0][1]), rows[0][1]
    # The overview's province figures: "2,355 households", "0.68 %".
    at.switch_page("pages/overview.py").run()
    _no_exception(at)
    assert [t.value for t in at.title] == ["Overview"]
    poor_a = sum(_values(2026, "poor_a").values())
    total = sum(_values(2026, "total_households").values())
    poor = sum(_values(2026, "poor").values())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[get_indicator("poor_a").label_en] == f"{_en(poor_a, 0)} households"
    assert metrics[get_indicator("poor_rate").label_en] == f"{_en(poor / total * 100, 2)} %"
    if poor_a >= 1000:
        assert "," in metrics[get_indicator("poor_a").label_en]


@pytest.mark.usefixtures("approx")
def test_vietnamese_number_format_on_overview() -> None:
    at = _app()
    at.switch_page("pages/overview.py").run()
    _no_exception(at)
    poor_a = sum(_values(2026, "poor_a").values())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[get_indicator("poor_a").label_vi] == f"{_vi(poor_a, 0)} hộ"


def test_empty_store_shows_no_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POVMAP_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("POVMAP_GEODATA", str(tmp_path / "does-not-exist"))
    at = _app()
    assert any(i.value.startswith(NO_DATA_VI) for i in at.info)
    assert len(at.subheader) == 0
    assert not any("povmap-legend" in h for h in _htmls(at))
    assert not at.get("component_instance")  # no map
    for page in ("pages/overview.py", "pages/data_table.py"):
        at.switch_page(page).run()
        _no_exception(at)
        assert any(i.value.startswith(NO_DATA_VI) for i in at.info), page
