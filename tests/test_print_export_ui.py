"""Download buttons for meeting outputs (AppTest), and the files behind them."""

from __future__ import annotations

import io

import openpyxl
import pytest
from export_factories import offline_boundaries, provenance, run_povmap
from PIL import Image
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from analysis.viewstate import ViewState


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("ui")
    env = {"POVMAP_DATA_DIR": str(root / "data"), "POVMAP_GEODATA": str(root / "none")}
    run_povmap(env, "demo")
    return env


def _page() -> None:
    from dashboard import header
    from dashboard.context import map_context
    from dashboard.print_export import map_buttons, year_buttons

    lang = header.lang()
    ctx = map_context(lang)
    map_buttons(ctx, lang)
    year_buttons(ctx.obs, ctx.year, lang)


def test_buttons_are_offered_without_making_files(demo_data, monkeypatch):
    for key, value in demo_data.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_function(_page, default_timeout=180)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Bản đồ in (PNG)", "Bản đồ in (PDF)", "Báo cáo cuối năm (XLSX)",
                      "Trình chiếu cho cuộc họp (PPTX)"]


def test_print_spec_is_the_view_on_screen():
    from dashboard.print_export import print_spec

    state = ViewState(indicator="near_poor_rate", geography="current", scheme="manual",
                      breaks=(1.0, 2.0, 4.0), palette="Purples", unit="26041")
    spec = print_spec(state, 2024, "en")
    assert (spec.indicator, spec.year, spec.geography, spec.scheme, spec.breaks,
            spec.palette, spec.unit, spec.lang) == ("near_poor_rate", 2024, "current",
                                                    "manual", (1.0, 2.0, 4.0), "Purples",
                                                    "26041", "en")
    assert (spec.paper, spec.orientation, spec.dpi) == ("A4", "landscape", 300)


def test_the_files_behind_the_year_buttons(demo_data, tmp_path):
    from dashboard.print_export import deck_file, report_file
    from geodata.crosswalk import build_crosswalk
    from povcore.config import settings
    from povstore.queries import observations as read_observations
    from povstore.store import Store

    obs = read_observations(Store(settings(demo_data).store_path))
    crosswalks = {step: build_crosswalk(*step).weights
                  for step in (("2021", "2024"), ("2021", "2025"), ("2024", "2025"))}
    ws = openpyxl.load_workbook(io.BytesIO(report_file(obs, 2025, "2025", crosswalks,
                                                       provenance(demo=True)))).active
    assert ws["A4"].value.endswith("CUỐI NĂM 2025")
    frame = offline_boundaries(tmp_path).frame
    prov = provenance(demo=True, approximate=True)
    prs = Presentation(io.BytesIO(deck_file(obs, 2025, frame, crosswalks, prov, "vi", frame,
                                            prov)))
    assert len(prs.slides) == 8
    picture = next(s for s in prs.slides[2].shapes if s.shape_type == 13)
    with Image.open(io.BytesIO(picture.image.blob)) as im:
        assert im.size == (1754, 1240)


def test_map_and_overview_pages_offer_the_downloads(demo_data, monkeypatch):
    from pathlib import Path

    for key, value in demo_data.items():
        monkeypatch.setenv(key, value)
    app = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
    at = AppTest.from_file(app, default_timeout=180)
    at.run()
    at.switch_page("pages/poverty_map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Bản đồ in (PNG)", "Bản đồ in (PDF)"]
    at.switch_page("pages/overview.py").run()
    assert not at.exception, [e.message for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:2] == ["Báo cáo cuối năm (XLSX)", "Trình chiếu cho cuộc họp (PPTX)"]
