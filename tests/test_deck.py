"""Steering-committee deck: the listed slides, real text titles, sources, pending inputs."""

from __future__ import annotations

import io
import re

import pytest
from export_factories import ARTEFACTS, TODAY, provenance, run_povmap
from PIL import Image
from pptx import Presentation
from pptx.util import Emu

from povcore.config import settings
from povexport.deck import SLIDES, DeckInputs, build_deck, deck_bytes
from povmap.exporting import export_deck

TITLES_2026 = [
    "Tình hình giảm nghèo bền vững cuối năm 2026",
    "Số liệu toàn tỉnh cuối năm 2026",
    "Bản đồ tỷ lệ hộ nghèo cuối năm 2026",
    "Bản đồ tiến độ giảm hộ nghèo A năm 2026",
    "Hộ nghèo A toàn tỉnh so với mục tiêu kế hoạch",
    "Đơn vị chưa đạt tiến độ giảm hộ nghèo A năm 2026",
    "Vùng di dời, tái định cư",
    "Nhiệm vụ chậm tiến độ của kế hoạch",
]
PENDING = "Chưa có số liệu / Not available yet"


@pytest.fixture(scope="module")
def demo_deck(tmp_path_factory):
    root = tmp_path_factory.mktemp("deck")
    env = {"POVMAP_DATA_DIR": str(root / "data"), "POVMAP_GEODATA": str(root / "none")}
    run_povmap(env, "demo")
    cfg = settings(env)
    out = root / "hop_ban_chi_dao.pptx"
    doc = export_deck(None, out, "vi", cfg=cfg, today=TODAY)
    return Presentation(str(out)), doc


def _texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def test_deck_has_the_listed_slides_with_text_titles(demo_deck):
    prs, doc = demo_deck
    assert doc["year"] == 2026
    assert len(prs.slides) == len(SLIDES) == 8
    titles = []
    for slide in prs.slides:
        title = slide.shapes.title
        assert title is not None
        assert title.is_placeholder
        assert title.has_text_frame
        titles.append(title.text_frame.text)
    assert titles == TITLES_2026
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))


def test_every_slide_states_source_date_and_demo_stamp(demo_deck):
    prs, _doc = demo_deck
    for slide in prs.slides:
        joined = "\n".join(_texts(slide))
        assert "Nguồn số liệu: demo_ra_soat_2026.xlsx, nhập " in joined
        assert "Lập ngày 27/11/2026" in joined
        assert "DỮ LIỆU MINH HỌA — không phải số liệu chính thức" in joined
        assert "Ranh giới: thanglequoc/vietnamese-provinces-database (MIT)" in joined


def test_poverty_map_is_a_picture_of_the_print_map(demo_deck):
    prs, _doc = demo_deck
    pictures = [s for s in prs.slides[2].shapes if s.shape_type == 13]  # PICTURE
    assert len(pictures) == 1
    blob = pictures[0].image.blob
    with Image.open(io.BytesIO(blob)) as im:
        assert im.size == (1754, 1240)  # A4 landscape at 150 dpi
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "deck_poverty_map.png").write_bytes(blob)
    for i, slide in enumerate(prs.slides):
        for shape in slide.shapes:
            if shape.shape_type == 13:
                (ARTEFACTS / f"deck_slide{i + 1}_picture.png").write_bytes(shape.image.blob)


def test_headline_figures_are_text(demo_deck):
    prs, _doc = demo_deck
    texts = _texts(prs.slides[1])
    assert "Tổng số hộ" in texts
    assert "Hộ nghèo A (có lao động)" in texts
    assert "Tiến độ giảm hộ nghèo A theo kế hoạch" in texts
    assert any(t.endswith(" hộ") and t[0].isdigit() for t in texts)
    assert not [s for s in prs.slides[1].shapes if s.shape_type == 13]


def test_target_chart_is_a_native_chart_of_the_phase(demo_deck):
    prs, _doc = demo_deck
    charts = [s for s in prs.slides[4].shapes if s.has_chart]
    assert len(charts) == 1
    chart = charts[0].chart
    assert list(chart.plots[0].categories) == ["2025", "2026", "2027", "2028", "2029", "2030"]
    actual, target = (list(s.values) for s in chart.plots[0].series)
    assert [s.name for s in chart.plots[0].series] == ["Thực tế (hộ)",
                                                        "Mục tiêu theo kế hoạch (hộ)"]
    assert actual[0] == target[0]  # baseline end-2025
    assert target[-1] == pytest.approx(actual[0] * 0.15)  # −85 % by 2030 (Kế hoạch 60)
    assert target[1] == pytest.approx(actual[0] * (1 - 0.85 / 5))  # linear path, year 1
    assert actual[2:] == [None, None, None, None]


def test_off_track_units_table_and_pending_slides(demo_deck):
    prs, doc = demo_deck
    tables = [s for s in prs.slides[5].shapes if s.has_table]
    assert len(tables) == 1
    grid = tables[0].table
    header = [grid.cell(0, j).text for j in range(len(grid.columns))]
    # from the progress engine (targets in force), as on the progress page
    assert header == ["Mã", "Tên", "Hộ nghèo A năm gốc", "Hộ nghèo A hiện nay",
                      "Phải đạt (lộ trình)", "Đã giảm (%)", "Tình trạng"]
    assert 2 <= len(grid.rows) <= 12  # header + at most 11 units
    statuses = {grid.cell(i, 6).text for i in range(1, len(grid.rows))}
    assert statuses <= {"chậm", "không đạt"}
    assert doc["not_available"] == []


def test_zones_slide_sums_the_zone_layers_by_type(demo_deck):
    prs, _doc = demo_deck
    tables = [s for s in prs.slides[6].shapes if s.has_table]
    assert len(tables) == 1
    grid = tables[0].table
    assert [grid.cell(0, j).text for j in range(5)] == [
        "Loại vùng", "Số xã, phường có vùng", "Diện tích trong tỉnh (ha)", "Số hộ trong vùng",
        "Số hộ cần di dời"]
    kinds = [grid.cell(i, 0).text for i in range(1, len(grid.rows))]
    assert set(kinds) <= {"Ngập lụt / lũ", "Lũ quét – sạt lở đất", "Sạt lở bờ sông",
                          "Rừng đặc dụng", "Khác"}
    assert "Rừng đặc dụng" in kinds
    assert any("vùng đã nhập" in t for t in _texts(prs.slides[6]))


def test_late_tasks_come_from_the_tracker(demo_deck):
    prs, _doc = demo_deck
    tables = [s for s in prs.slides[7].shapes if s.has_table]
    assert len(tables) == 1
    grid = tables[0].table
    assert [grid.cell(0, j).text for j in range(5)] == ["Mã", "Nhiệm vụ", "Cơ quan chủ trì",
                                                        "Quá hạn từ", "Tình trạng"]
    note = next(t for t in _texts(prs.slides[7]) if "nhiệm vụ quá hạn" in t)
    late, total = (int(x) for x in re.search(r"(\d+)/(\d+) nhiệm vụ quá hạn", note).groups())
    assert 0 < late <= total
    assert len(grid.rows) == min(late, 11) + 1
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", grid.cell(1, 3).text)


def test_progress_map_is_a_picture_of_units_on_and_off_track(demo_deck):
    prs, _doc = demo_deck
    pictures = [s for s in prs.slides[3].shapes if s.shape_type == 13]
    assert len(pictures) == 1
    (ARTEFACTS / "deck_progress_map.png").write_bytes(pictures[0].image.blob)
    assert PENDING not in "\n".join(_texts(prs.slides[3]))


def test_deck_without_any_input_says_what_is_missing_in_english():
    inputs = DeckInputs(year=2027, period="2026–2030", provenance=provenance(), lang="en")
    prs = Presentation(io.BytesIO(deck_bytes(inputs)))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert titles[0] == "Sustainable poverty reduction: end of 2027"
    assert titles[7] == "Late tasks of the plan"
    for slide in list(prs.slides)[1:]:
        joined = "\n".join(_texts(slide))
        assert "Not available yet (chưa có số liệu)" in joined
        assert "Data source: ket_qua_ra_soat_2025.xlsx" in joined
        assert "DEMO DATA" not in joined
    assert len(build_deck(inputs).slides) == 8
