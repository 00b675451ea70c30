"""AppTests of the pages "Tiến độ mục tiêu" and "Nhiệm vụ" and the overview's plan block.

The demo data are imported once (``povmap demo`` in a subprocess). Expected figures are
computed here from the store with plain SQL and the registry, not through the engine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from mapframe import map_frame, texts
from streamlit.testing.v1 import AppTest

from povcore.units import registry
from povstore.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
TIMEOUT_S = 240


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the demo data."""
    data = tmp_path_factory.mktemp("apptest_progress") / "data"
    env = {**os.environ, "POVMAP_DATA_DIR": str(data),
           "POVMAP_GEODATA": str(data / "no-geodata-here")}
    done = subprocess.run([sys.executable, "-c", "from povmap.cli import main; main()", "demo"],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr
    return data


@pytest.fixture(autouse=True)
def _env(demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("POVMAP_DATA_DIR", str(demo_dir))
    monkeypatch.setenv("POVMAP_GEODATA", str(tmp_path / "does-not-exist"))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def _page(path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _poor_a(demo_dir: Path, year: int, version: str) -> dict[str, float]:
    frame = Store(demo_dir / "povmap.gpkg").read_sql(
        "SELECT unit_code, value FROM observations WHERE indicator='poor_a' AND year=? AND "
        "boundary_version=?", (year, version))
    return dict(zip(frame["unit_code"].astype(str), frame["value"], strict=True))


def _old_dong_nai(version: str) -> list[str]:
    units = registry().units(version, "commune")
    return units.loc[units["former_province"] == "75", "code"].tolist()


def test_progress_headline_number_for_phase_one(demo_dir: Path) -> None:
    at = _page("pages/progress.py")
    at.sidebar.selectbox(key="pg_phase").select("2021-2025").run()
    assert not at.exception
    base = _poor_a(demo_dir, 2021, "2021")
    latest = _poor_a(demo_dir, 2025, "2025")
    b = sum(base[c] for c in _old_dong_nai("2021"))
    v = sum(latest[c] for c in _old_dong_nai("2025"))
    pct = round((b - v) / b * 100)
    assert at.subheader[0].value == (f"Giảm {pct} % hộ nghèo A so với cuối năm 2021 — mục "
                                     "tiêu 80 % (đọc theo đường thẳng)")
    # the missing end-2020 review is said, not hidden
    assert "Chưa có số liệu cuối năm 2020" in at.warning[0].value
    table = at.dataframe[0].value
    assert len(table) == 170


def test_progress_one_unit_status_matches_the_hand_rule(demo_dir: Path) -> None:
    at = _page("pages/progress.py")
    at.sidebar.selectbox(key="pg_phase").select("2026-2030").run()
    code = "26098"
    b = _poor_a(demo_dir, 2025, "2025")[code]
    v = _poor_a(demo_dir, 2026, "2025")[code]
    # 85 % over 2026–2030, linear: due after one year b × (1 − 0.17), phase end b × 0.15
    expected = ("đạt" if v <= b * 0.15 else "đúng tiến độ" if v <= b * 0.83 else "chậm")
    table = at.dataframe[0].value.set_index("Mã")
    assert table.loc[code, "Tình trạng"] == expected
    assert (table.loc[code, "Số gốc"], table.loc[code, "Mới nhất"]) == (b, v)
    frame = map_frame(at)  # title, legend and stamp inside the status map
    assert texts(frame["title"], "povmap-title-text") == ["Bản đồ tình trạng thực hiện chỉ tiêu"]
    assert texts(frame["legend"], "povmap-legend-label") == [
        "đạt", "đúng tiến độ", "chậm", "không đạt", "chưa đủ số liệu", "Không có dữ liệu"]
    assert texts(frame["stamp"], "povmap-flag") == ["Dữ liệu minh họa"]


def test_progress_page_in_english_and_current_geography() -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    at.sidebar.radio(key="lang").set_value("en").run()
    at.switch_page("pages/progress.py")
    at.run()
    at.sidebar.radio(key="pg_geo").set_value("current").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.subheader[0].value.startswith("Poor households A down ")
    assert at.title[0].value == "Target progress"


def test_status_map_carries_the_zone_overlays_with_their_legend() -> None:
    at = _page("pages/progress.py")
    legend = map_frame(at)["overlays"]  # in the map frame, folding like the legend
    # the demo's four zone types and the ethnic-minority communes, no selection entries
    for label in ("Ngập lụt / lũ", "Lũ quét – sạt lở đất", "Sạt lở bờ sông", "Rừng đặc dụng",
                  "DTTS"):
        assert label in legend, label
    assert 'data-zone-type="special_use_forest"' in legend
    assert "Được lọc" not in legend


def test_tasks_page_lists_every_task_and_flags_overdue() -> None:
    at = _page("pages/tasks.py")
    table = at.dataframe[0].value.set_index("ID")
    assert len(table) == 22
    assert table.loc["III.6", "Quá hạn"] == "⚠ 11/12/2022"
    assert table.loc["III.6", "Cơ quan chủ trì"] == "Sở Xây dựng"
    assert table.loc["III.6", "Thời gian thực hiện"] == "Năm 2022"
    assert table.loc["III.2", "Quá hạn"] == ""
    at.toggle(key="tk_overdue").set_value(True).run()
    assert "III.2" not in set(at.dataframe[0].value["ID"])


def test_task_update_from_the_page_survives_a_restart() -> None:
    at = _page("pages/tasks.py")
    at.selectbox(key="tk_id").select("III.7").run()
    at.radio(key="tk_status").set_value("in_progress")
    at.text_input(key="tk_note").input("Đã gửi dự thảo")
    at.text_input(key="tk_author").input("anh_minh")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception, [e.message for e in at.exception]
    again = _page("pages/tasks.py")  # a new session reads the store
    again.selectbox(key="tk_id").select("III.7").run()
    history = again.dataframe[1].value
    assert history[["Tình trạng", "Ghi chú", "Người cập nhật"]].values.tolist() == [
        ["đang thực hiện", "Đã gửi dự thảo", "anh_minh"]]
    table = again.dataframe[0].value.set_index("ID")
    assert table.loc["III.7", "Tình trạng"] == "đang thực hiện"


def test_overview_shows_next_deadline_and_plan_progress() -> None:
    at = _page("pages/overview.py")
    text = "\n".join(m.value for m in at.markdown)
    assert "Hạn báo cáo tiếp theo:" in text
    assert "Báo cáo kết quả giảm nghèo năm (trước ngày 11/12)" in text


@pytest.mark.parametrize(("lang", "decimal", "thousands"), [("vi", ",", "."), ("en", None, None)])
def test_path_chart_numbers_follow_the_language(lang: str, decimal: str | None,
                                                thousands: str | None) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/progress.py")
    at.run()
    assert not at.exception, at.exception
    (chart,) = at.get("vega_lite_chart")
    locale = json.loads(chart.proto.spec).get("config", {}).get("locale", {}).get("number", {})
    assert locale.get("decimal") == decimal
    assert locale.get("thousands") == thousands
