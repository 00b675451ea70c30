"""Print maps: size and DPI, PDF text, colours on the picture, same classes as the app."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from export_factories import (
    ARTEFACTS,
    TODAY,
    offline_boundaries,
    pdf_first_page_png,
    pdf_text,
    provenance,
    ramp_obs,
)
from PIL import Image
from shapely import ops

from analysis.classify import NO_DATA_COLOUR
from povcore.errors import PovmapError
from povexport.staticmap import METRIC_CRS, MapSpec, render_map

MANUAL = MapSpec(indicator="poor_rate", year=2025, scheme="manual", breaks=(2.0, 5.0, 10.0))


@pytest.fixture(scope="module")
def frame_2025(tmp_path_factory):
    return offline_boundaries(tmp_path_factory.mktemp("geo")).frame


def test_png_has_the_requested_pixels_and_dpi(frame_2025, tmp_path):
    rendered = render_map(ramp_obs(), MANUAL, frame_2025, provenance(), today=TODAY)
    out = tmp_path / "map.png"
    rendered.save(out, "png")
    with Image.open(out) as im:
        assert im.size == (3508, 2480)  # A4 landscape at 300 dpi
        assert im.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    ARTEFACTS.mkdir(exist_ok=True)
    shutil.copy(out, ARTEFACTS / "export_map_a4_landscape.png")


def test_a3_portrait_at_100_dpi(frame_2025):
    spec = MapSpec(year=2025, paper="A3", orientation="portrait", dpi=100)
    png = render_map(ramp_obs(), spec, frame_2025, provenance(), today=TODAY).to_bytes("png")
    with Image.open(io.BytesIO(png)) as im:
        assert im.size == (1169, 1654)
        assert im.info["dpi"] == pytest.approx((100, 100), abs=0.01)


def test_pdf_text_has_title_legend_names_and_stamps(frame_2025, tmp_path):
    spec = MANUAL.__class__(**{**MANUAL.__dict__, "unit": "26041"})  # Phường Trấn Biên
    rendered = render_map(ramp_obs(), spec, frame_2025,
                          provenance(demo=True, approximate=True), today=TODAY)
    assert rendered.labelled[0] == "26041"
    out = tmp_path / "map.pdf"
    rendered.save(out, "pdf")
    text = pdf_text(out)
    assert "Tỷ lệ hộ nghèo (chuẩn tỉnh) — 2025" in text
    for label in ("0,00 – 2,00", "2,00 – 5,00", "5,00 – 10,00"):
        assert label in text
    assert "Trấn Biên" in text
    assert "DỮ LIỆU MINH HỌA — không phải số liệu chính thức" in text
    assert "RANH GIỚI GẦN ĐÚNG — hình dạng chỉ mang tính minh họa" in text
    assert "Nguồn số liệu: ket_qua_ra_soat_2025.xlsx, nhập 20/11/2026 08:15 UTC" in text
    assert "phiên bản từ 01/7/2025" in text
    assert "Lập ngày 27/11/2026" in text
    assert re.search(r"\n\d+ km\n", text)  # scale bar label (zoomed on the selection)
    pdf_first_page_png(out, ARTEFACTS / "export_map_pdf_page1.png")


def test_english_sheet_and_no_stamps_for_official_data(frame_2025, tmp_path):
    spec = MapSpec(year=2025, lang="en", scheme="manual", breaks=(2.0, 5.0, 10.0))
    out = tmp_path / "map.pdf"
    render_map(ramp_obs(), spec, frame_2025, provenance(), today=TODAY).save(out, "pdf")
    text = pdf_text(out)
    assert "Rate: Poor households (provincial standard) — 2025" in text
    assert "2.00 – 5.00" in text
    assert "Data source: ket_qua_ra_soat_2025.xlsx, imported 2026-11-20 08:15 UTC" in text
    assert "DEMO DATA" not in text
    assert "MINH HỌA" not in text
    assert "APPROXIMATE" not in text
    assert "\n50 km\n" in text  # the whole province: the scale bar's round length


def test_legend_counts_and_colours_come_from_the_classification(frame_2025):
    comp = render_map(ramp_obs(), MANUAL, frame_2025, provenance(),
                      today=TODAY).composition
    assert comp.classification.bins == (2.0, 5.0, 10.0)
    assert comp.classification.counts == (21, 30, 44)  # poor_rate 0.0 … 9.4 by 0.1
    assert comp.colours == ("#ffeda0", "#feb24c", "#f03b20")
    assert comp.labels == ("0,00 – 2,00", "2,00 – 5,00", "5,00 – 10,00")


def _pixel(img: np.ndarray, fig, ax, x: float, y: float) -> tuple[int, int, int]:
    px, py = ax.transData.transform((x, y))
    height = img.shape[0]
    return tuple(int(v) for v in img[round(height - py), round(px), :3])


def _hex(rgb: str) -> tuple[int, int, int]:
    return tuple(int(rgb[i:i + 2], 16) for i in (1, 3, 5))


def test_picture_shows_each_unit_in_its_class_colour(frame_2025):
    """The 'reference image' is the classification itself: sample each unit's pixel.

    Without labels and stamps, the pixel at a point deep inside every unit must be that
    unit's class colour (or the no-data grey), within antialiasing tolerance.
    """
    obs = ramp_obs()
    obs = obs[~((obs["unit_code"] == "25222") & (obs["indicator"] == "poor"))]  # no data
    spec = MANUAL.__class__(**{**MANUAL.__dict__, "labels": False, "dpi": 100})
    rendered = render_map(obs, spec, frame_2025, provenance(), today=TODAY)
    img = np.asarray(Image.open(io.BytesIO(rendered.to_bytes("png"))).convert("RGB"))
    ax = rendered.figure.axes[0]
    yb = rendered.composition.classification.yb
    metric = frame_2025.to_crs(METRIC_CRS).set_index("code")
    checked = 0
    for code, geom in metric.geometry.items():
        poly = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        if poly.area < 2e7:  # a few pixels wide at 100 dpi: too small to sample cleanly
            continue
        point = ops.polylabel(poly, tolerance=50)
        cls = int(yb[code])
        expected = _hex(NO_DATA_COLOUR if cls < 0 else rendered.composition.colours[cls])
        got = _pixel(img, rendered.figure, ax, point.x, point.y)
        assert max(abs(a - b) for a, b in zip(got, expected, strict=True)) <= 3, code
        checked += 1
    assert checked >= 60
    assert int(yb["25222"]) == -1


def test_rerender_with_fixed_inputs_is_identical(frame_2025):
    """Determinism: the same inputs give the same pixels (what this proves, no more)."""
    spec = MapSpec(year=2025, dpi=80)
    a = render_map(ramp_obs(), spec, frame_2025, provenance(demo=True), today=TODAY)
    b = render_map(ramp_obs(), spec, frame_2025, provenance(demo=True), today=TODAY)
    pa = np.asarray(Image.open(io.BytesIO(a.to_bytes("png"))).convert("RGB"), dtype=int)
    pb = np.asarray(Image.open(io.BytesIO(b.to_bytes("png"))).convert("RGB"), dtype=int)
    assert pa.shape == pb.shape == (661, 935, 3)
    assert np.abs(pa - pb).max() <= 2


def test_invalid_spec_is_rejected_with_the_valid_options(frame_2025):
    with pytest.raises(PovmapError, match="Valid: A4, A3"):
        render_map(ramp_obs(), MapSpec(paper="Letter"), frame_2025, provenance())
    with pytest.raises(PovmapError, match="Valid: vi, en"):
        render_map(ramp_obs(), MapSpec(lang="fr"), frame_2025, provenance())
    with pytest.raises(PovmapError, match="Unknown indicator 'poverty'"):
        render_map(ramp_obs(), MapSpec(indicator="poverty"), frame_2025, provenance())


def _interactive_and_export(obs, state, frame, crosswalks):
    from analysis.classify import class_colours
    from povmaps.mapview import build_view

    view = build_view(obs, state, state.year, frame, crosswalks, "vi", today=TODAY)
    spec = MapSpec(indicator=state.indicator, year=state.year, geography=state.geography,
                   scheme=state.scheme, k=state.k, palette=state.palette, breaks=state.breaks,
                   dpi=60)
    comp = render_map(obs, spec, frame, provenance(), crosswalks, today=TODAY).composition
    return view, class_colours(view.classification, state.palette), comp


@pytest.mark.parametrize(("state_kwargs", "k_expected"), [
    ({"indicator": "poor_rate", "year": 2023, "geography": "current", "scheme": "quantiles",
      "k": 5, "palette": "Blues"}, 5),
    ({"indicator": "poor", "year": 2025, "scheme": "natural_breaks", "k": 6,
      "palette": "Greens"}, 6),
    # values run to 9.4 %: above the last typed break 9 the map adds a fourth class
    ({"indicator": "poor_rate", "year": 2025, "scheme": "manual", "breaks": (1.0, 3.0, 9.0),
      "palette": "OrRd"}, 4),
])
def test_export_classes_equal_the_interactive_map(frame_2025, state_kwargs, k_expected):
    """Same view → same shared Classification (bins, classes per unit, counts, colours)."""
    import pandas as pd

    from analysis.viewstate import ViewState
    from geodata.crosswalk import build_crosswalk

    obs = pd.concat([ramp_obs(2023, "2021"), ramp_obs(2025, "2025")], ignore_index=True)
    crosswalks = {step: build_crosswalk(*step).weights
                  for step in (("2021", "2024"), ("2021", "2025"), ("2024", "2025"))}
    view, colours, comp = _interactive_and_export(obs, ViewState(**state_kwargs), frame_2025,
                                                  crosswalks)
    mine, theirs = comp.classification, view.classification
    assert mine.k == theirs.k == k_expected
    assert mine.bins == theirs.bins
    assert mine.counts == theirs.counts
    assert mine.no_data_count == theirs.no_data_count
    assert mine.yb.sort_index().tolist() == theirs.yb.sort_index().tolist()
    assert comp.colours == colours
    for label in comp.labels:
        assert label in view.legend_html
    assert comp.title == view.title


def test_overlay_is_drawn_and_named_in_the_legend(frame_2025, tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    from povexport.staticmap import Overlay

    zone = gpd.GeoDataFrame({"name": ["z"]}, geometry=[box(107.0, 11.2, 107.3, 11.5)],
                            crs=4326)
    overlay = Overlay(zone, "Vùng sạt lở (thử nghiệm)", colour="#2166ac")
    rendered = render_map(ramp_obs(), MapSpec(year=2025, dpi=150, labels=False), frame_2025,
                          provenance(), overlays=[overlay], today=TODAY)
    out = tmp_path / "overlay.pdf"
    rendered.save(out, "pdf")
    assert "Vùng sạt lở (thử nghiệm)" in pdf_text(out)
    img = np.asarray(Image.open(io.BytesIO(rendered.to_bytes("png"))).convert("RGB"))
    ax = rendered.figure.axes[0]
    edge = gpd.GeoSeries([box(107.0, 11.2, 107.3, 11.5).exterior], crs=4326).to_crs(METRIC_CRS)
    x, y = edge.iloc[0].interpolate(0.5, normalized=True).coords[0]
    px, py = ax.transData.transform((x, y))
    patch = img[round(img.shape[0] - py) - 1:round(img.shape[0] - py) + 2,
                round(px) - 1:round(px) + 2].reshape(-1, 3).astype(int)
    blue = np.array([0x21, 0x66, 0xAC])
    assert (np.abs(patch - blue).sum(axis=1) < 40).any()  # the zone's outline is there


def test_a_past_year_says_that_newer_data_exist(frame_2025, tmp_path):
    import pandas as pd

    obs = pd.concat([ramp_obs(2025), ramp_obs(2026)], ignore_index=True)
    out = tmp_path / "old.pdf"
    render_map(obs, MapSpec(year=2025, dpi=60), frame_2025, provenance(demo=True,
               approximate=True), today=TODAY).save(out, "pdf")
    text = pdf_text(out)
    assert "Không phải năm mới nhất: đã có số liệu năm 2026" in text
    assert "DỮ LIỆU MINH HỌA — không phải số liệu chính thức" in text
    newest = tmp_path / "new.pdf"
    render_map(obs, MapSpec(year=2026, dpi=60), frame_2025, provenance(),
               today=TODAY).save(newest, "pdf")
    assert "Không phải năm mới nhất" not in pdf_text(newest)


def test_a_year_without_data_is_refused_naming_the_years(frame_2025):
    with pytest.raises(PovmapError, match="Năm có số liệu / years with data: 2025"):
        render_map(ramp_obs(), MapSpec(year=2023), frame_2025, provenance())


def test_category_map_counts_colours_and_legend(frame_2025, tmp_path):
    import pandas as pd

    from povexport.staticmap import Category, category_composition, draw_composition

    codes = sorted(frame_2025["code"].astype(str))
    cats = pd.Series(["on"] * 30 + ["off"] * 60 + [None] * 5, index=codes)
    legend = [Category("on", "Đạt tiến độ", "#2166ac"),
              Category("off", "Chưa đạt tiến độ", "#e66101")]
    comp = category_composition(cats, legend, MapSpec(dpi=60), "Tiến độ — 2026", "Đồng Nai",
                                "Phương pháp thử", 2026, "Tiến độ giảm hộ nghèo A",
                                today=TODAY)
    assert comp.classification.counts == (30, 60)
    assert comp.classification.no_data_count == 5
    assert comp.colours == ("#2166ac", "#e66101")
    out = tmp_path / "cat.pdf"
    draw_composition(comp, frame_2025, provenance()).save(out, "pdf")
    text = pdf_text(out)
    for expected in ("Tiến độ — 2026", "Tiến độ giảm hộ nghèo A", "Đạt tiến độ",
                     "Chưa đạt tiến độ", "Không có dữ liệu", "Phương pháp thử"):
        assert expected in text
    assert "Cách phân lớp" not in text
    with pytest.raises(PovmapError, match="categories missing from the legend: late"):
        category_composition(pd.Series(["late"], index=codes[:1]), legend, MapSpec(), "t",
                             "s", "m", 2026, "l", today=TODAY)


REFERENCE = Path(__file__).parent / "reference" / "staticmap_2025_ramp_50dpi.png"


def test_rendered_map_matches_the_stored_reference_image(frame_2025):
    """The picture itself, against a reference a person checked (tests/reference/).

    Small anti-aliasing or font-hinting differences are tolerated (mean difference under
    2 of 255, 99.5 % of pixels within 48); a moved legend, title, label, unit or colour is
    not. After an intended change of the layout, look at the new picture and rewrite the
    reference with ``POVMAP_UPDATE_REFERENCES=1 scripts/test -k stored_reference``.
    """
    spec = MapSpec(year=2025, dpi=50)
    sheet = render_map(ramp_obs(), spec, frame_2025, provenance(demo=True), today=TODAY)
    png = sheet.to_bytes("png")
    if os.environ.get("POVMAP_UPDATE_REFERENCES"):
        REFERENCE.parent.mkdir(exist_ok=True)
        REFERENCE.write_bytes(png)
    got = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    want = np.asarray(Image.open(REFERENCE).convert("RGB"), dtype=int)
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "staticmap_reference_actual.png").write_bytes(png)
    assert got.shape == want.shape
    diff = np.abs(got - want).max(axis=2)
    assert diff.mean() < 2.0, f"mean difference {diff.mean():.2f}"
    assert np.quantile(diff, 0.995) <= 48, f"99.5th percentile {np.quantile(diff, 0.995)}"


def test_print_spec_is_the_view_state_plus_the_sheet():
    """MapSpec extends the interactive map's ViewState: same view fields, same defaults."""
    from analysis.viewstate import ViewState, to_query

    spec = MapSpec(indicator="poor_a", k=4, breaks=(1.0, 2.5, 5.0), unit="26068", lang="en",
                   paper="A3", dpi=150)
    assert spec.view() == {"indicator": "poor_a", "year": None, "geography": "collected",
                           "level": "commune", "scheme": "quantiles", "k": 4,
                           "palette": "YlOrRd", "breaks": (1.0, 2.5, 5.0), "unit": "26068"}
    assert to_query(ViewState(**spec.view())) == {"ind": "poor_a", "k": "4",
                                                  "brk": "1,2.5,5", "unit": "26068"}
    again = MapSpec(**ViewState(indicator="poor_a", k=4).view())
    assert (again.k, again.lang, again.paper, again.dpi) == (4, "vi", "A4", 300)
    assert again.with_(lang="en").lang == "en"
