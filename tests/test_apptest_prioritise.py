"""Page "Lọc & ưu tiên" through Streamlit's AppTest: filter, ranking, allocation, scenarios.

The demo data (poverty values, zone layers, ethnic-minority classes) is imported once
by ``povmap demo``; the page must list the same units and amounts as ``povmap allocate``
for the same filter (the plan's example: poor-A rate ≥ 5 %, in a flood zone or a
special-use forest, ethnic-minority commune).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from mapframe import map_frame, texts
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PAGE = "pages/prioritise.py"
DEMO_WHERE = ["poor_a_rate>=5", "share_flood>0|share_special_use_forest>0", "em_commune==1"]


def _povmap(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from povmap.cli import main; main()", *args],
                          env=env, capture_output=True, text=True, check=False, cwd=ROOT)


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("prioritise") / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "POVMAP_DATA_DIR": str(data),
           "POVMAP_GEODATA": str(data / "no-geodata-here")}
    done = _povmap(env, "demo")
    assert done.returncode == 0, done.stderr
    return env


@pytest.fixture(autouse=True)
def _env(demo_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("POVMAP_DATA_DIR", "POVMAP_GEODATA"):
        monkeypatch.setenv(key, demo_env[key])
    st.cache_data.clear()
    st.cache_resource.clear()


def _page(**params: list[str] | str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.switch_page(PAGE)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _table(at: AppTest):
    (frame,) = [d.value for d in at.dataframe if "Mã" in d.value.columns]
    return frame


def test_page_cli_and_xlsx_agree_on_the_demo_filter(demo_env: dict[str, str],
                                                    tmp_path: Path) -> None:
    at = _page(where=DEMO_WHERE)
    table = _table(at)
    wheres = [a for w in DEMO_WHERE for a in ("--where", w)]
    cli = json.loads(_povmap(demo_env, "allocate", "--budget", "20000000000", *wheres,
                             "--json").stdout)
    codes = [u["unit_code"] for u in cli["units"]]
    # Bù Gia Mập, Đăk Ơ (Bù Gia Mập park), Phước Sơn (Cát Tiên), all poor-A ≥ 5 % and EM
    assert sorted(codes) == ["25222", "25225", "25420"]
    assert list(table["Mã"]) == codes
    assert list(table["Phân bổ (đồng)"]) == [u["amount_vnd"] for u in cli["units"]]
    assert int(table["Phân bổ (đồng)"].sum()) == 20_000_000_000
    markdown = " ".join(m.value for m in at.markdown)
    assert cli["filter"] in markdown
    # Inside the map frame: how many units are selected, and the overlays' legend.
    frame = map_frame(at)
    assert texts(frame["title"], "povmap-title-text") == [
        f"{len(codes)} đơn vị được lọc · Năm số liệu {cli['year']}"]
    assert 'data-zone-type="special_use_forest"' in frame["overlays"]

    (button,) = [b for b in at.get("download_button") if "XLSX" in b.proto.label]
    assert button.proto.label.startswith("Tải XLSX")
    xlsx = tmp_path / "page.xlsx"
    _povmap(demo_env, "allocate", "--budget", "20000000000", *wheres, "--xlsx", str(xlsx))
    rows = [r for r in load_workbook(xlsx)["Kết quả"].iter_rows(values_only=True)
            if r and isinstance(r[0], int)]
    assert [r[1] for r in rows] == codes


def test_without_filter_every_unit_is_ranked_and_demo_is_labelled() -> None:
    at = _page()
    assert len(_table(at)) == 95
    captions = " ".join(c.value for c in at.caption)
    assert "Dữ liệu minh họa" in captions
    assert "giai đoạn 2026-2030" in captions  # where the progress statuses come from


def test_status_filter_on_the_page_matches_the_cli(demo_env: dict[str, str]) -> None:
    at = _page(where=["status==chậm"])
    table = _table(at)
    cli = json.loads(_povmap(demo_env, "rank", "--where", "status==behind", "--json").stdout)
    progress = json.loads(_povmap(demo_env, "progress", "--phase", "2026-2030", "--geography",
                                  "current", "--json").stdout)
    behind = sorted(u["unit_code"] for u in progress["units"] if u["status"] == "behind")
    assert sorted(table["Mã"]) == behind
    assert list(table["Mã"]) == [u["unit_code"] for u in cli["units"]]
    assert set(table["Tình trạng"]) == {"chậm"}


def test_budget_change_reallocates_exactly() -> None:
    at = _page(where=DEMO_WHERE)
    (budget,) = [n for n in at.number_input if n.label.startswith("Tổng ngân sách")]
    budget.set_value(1_000_000_007).run()
    table = _table(at)
    assert int(table["Phân bổ (đồng)"].sum()) == 1_000_000_007


def test_save_scenario_then_reopen_from_link() -> None:
    at = _page(where=DEMO_WHERE)
    at.text_input(key="pr_name").input("Kịch bản lũ + rừng")
    at.text_input(key="pr_author").input("Nguyễn Văn A")
    (submit,) = [b for b in at.button if b.label == "Lưu kịch bản"]
    submit.click().run()
    (saved,) = [s.value for s in at.success]
    scenario_id = saved.split("#")[1].split()[0]
    reopened = _page(scenario=scenario_id)
    assert f"#{scenario_id}" in " ".join(c.value for c in reopened.caption)
    assert list(_table(reopened)["Mã"]) == list(_table(at)["Mã"])


def test_english_labels() -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.radio(key="lang").set_value("en").run()
    at.switch_page(PAGE)
    at.query_params["where"] = DEMO_WHERE
    at.run()
    assert not at.exception, at.exception
    assert "Filter & prioritise" in [s.value for s in at.subheader]
    (frame,) = [d.value for d in at.dataframe if "Code" in d.value.columns]
    assert {"25222", "25225"} <= set(frame["Code"])
    assert "Allocation (đồng)" in frame.columns


def test_unknown_status_in_the_link_is_named_and_the_filter_dropped() -> None:
    at = _page(where=["status==slow"])
    (warning,) = [w.value for w in at.warning]
    assert "status==slow" in warning
    assert len(_table(at)) == 95


def test_header_names_the_source_of_the_year_chosen_in_the_sidebar() -> None:
    """Not the store's latest import (the demo's ethnic-minority CSV comes last)."""
    at = _page()
    assert "demo_ra_soat_2026.xlsx" in at.caption[0].value
    assert "dtts_mien_nui_2021.csv" not in at.caption[0].value
    at.selectbox(key="pr_year").set_value(2024).run()
    assert not at.exception, at.exception
    assert "demo_ra_soat_2024.xlsx" in at.caption[0].value
