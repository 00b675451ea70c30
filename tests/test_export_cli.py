"""`povmap export map|report|deck` as real processes, and report → import round trip."""

from __future__ import annotations

import json

import pytest
from export_factories import ARTEFACTS, pdf_text, run_povmap
from PIL import Image

REPORT_KEYS = ("total_households", "poor", "poor_a", "poor_b", "near_poor", "poor_em_head",
               "escaped", "fell_back", "newly_poor")


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    env = {"POVMAP_DATA_DIR": str(root / "data"), "POVMAP_GEODATA": str(root / "none")}
    run_povmap(env, "demo")
    return env, root


def _json(env, *args, cwd=None):
    return json.loads(run_povmap(env, *args, "--json", cwd=cwd).stdout)


def test_export_map_png_with_stamps(demo_env):
    env, root = demo_env
    out = root / "ban_do.png"
    doc = _json(env, "export", "map", "--year", "2022", "--indicator", "poor_a_rate",
                "--out", str(out))
    assert doc["status"] == "written"
    assert doc["pixels"] == [3508, 2480]
    assert doc["title"] == "Tỷ lệ hộ nghèo A (có lao động) — 2022"
    # offline, the 2021 communes are approximations; the 2025 layer ships with povmap
    assert doc["stamps"] == ["Dữ liệu minh họa", "Ranh giới gần đúng"]
    assert (doc["units"], doc["boundary_version"], sum(doc["counts"])) == (281, "2021", 281)
    current = _json(env, "export", "map", "--year", "2025", "--out", str(root / "m25.pdf"))
    assert current["stamps"] == ["Dữ liệu minh họa"]
    with Image.open(out) as im:
        assert im.size == (3508, 2480)
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "cli_export_map.png").write_bytes(out.read_bytes())


def test_export_map_from_a_shared_link_to_pdf(demo_env):
    env, root = demo_env
    out = root / "lien_ket.pdf"
    link = "http://127.0.0.1:8501/?ind=poor_a&year=2022&geo=current&cls=manual&brk=1,5,10,40"
    doc = _json(env, "export", "map", "--link", link, "--paper", "A3", "--out", str(out))
    assert (doc["indicator"], doc["year"], doc["geography"]) == ("poor_a", 2022, "current")
    assert (doc["scheme"], doc["bins"][:3], doc["format"]) == ("manual", [1, 5, 10], "pdf")
    assert doc["pixels"] is None
    text = pdf_text(out)
    assert "Hộ nghèo A (có lao động) — 2022" in text
    assert "Quy đổi về 95 xã, phường hiện nay" in text


def test_export_map_breaks_typed_the_vietnamese_way(demo_env):
    """With ";" between breaks the comma is a decimal comma, as in the app."""
    env, root = demo_env
    doc = _json(env, "export", "map", "--year", "2025", "--indicator", "poor_a_rate",
                "--breaks", "0,5; 1; 2,5", "--out", str(root / "vn.pdf"))
    assert (doc["scheme"], doc["bins"][:3]) == ("manual", [0.5, 1.0, 2.5])
    bad = run_povmap(env, "export", "map", "--breaks", "1,2", "--out", str(root / "x.pdf"),
                     check=False)
    assert bad.returncode == 2
    assert "Cần 3 đến 9 ngưỡng" in bad.stderr


def test_export_map_rejects_a_bad_format_and_an_empty_store(demo_env, tmp_path):
    env, root = demo_env
    bad = run_povmap(env, "export", "map", "--out", str(root / "x.gif"), check=False)
    assert bad.returncode == 2
    assert "Valid: png, pdf" in bad.stderr
    assert not (root / "x.gif").exists()
    empty = {"POVMAP_DATA_DIR": str(tmp_path / "d"), "POVMAP_GEODATA": str(tmp_path / "n")}
    proc = run_povmap(empty, "export", "map", "--out", str(tmp_path / "m.png"), check=False)
    assert proc.returncode == 2
    assert "Chưa có số liệu" in proc.stderr
    assert not (tmp_path / "m.png").exists()


def test_export_report_for_a_year_without_data_is_refused(demo_env):
    env, root = demo_env
    proc = run_povmap(env, "export", "report", "--year", "2019", "--out",
                      str(root / "r.xlsx"), check=False)
    assert proc.returncode == 2
    assert "Năm có số liệu / years with data: 2021, 2022, 2023, 2024, 2025, 2026" in proc.stderr


@pytest.mark.parametrize(("year", "version", "units"), [(2025, "2025", 95),
                                                        (2022, "2021", 281)])
def test_report_export_then_import_gives_the_same_values(demo_env, tmp_path, year, version,
                                                         units):
    env, _root = demo_env
    out = tmp_path / f"bao_cao_{year}.xlsx"
    doc = _json(env, "export", "report", "--year", str(year), "--out", str(out))
    assert (doc["boundary_version"], doc["units"], doc["demo"]) == (version, units, True)
    fresh = {"POVMAP_DATA_DIR": str(tmp_path / "fresh"), "POVMAP_GEODATA": env["POVMAP_GEODATA"]}
    imported = _json(fresh, "import", str(out))
    assert (imported["status"], imported["years"], imported["units"]) == ("imported", [year],
                                                                         units)
    want, got = (_stored(e, year) for e in (env, fresh))
    assert sorted(set(got["indicator"])) == sorted(REPORT_KEYS)
    assert len(got) == units * len(REPORT_KEYS)
    assert got.equals(want[want["indicator"].isin(REPORT_KEYS)].reset_index(drop=True))
    spot = _json(fresh, "values", "--year", str(year), "--indicator", "poor_a_rate")
    assert spot["values"] == _json(env, "values", "--year", str(year), "--indicator",
                                   "poor_a_rate")["values"]


def _stored(env, year):
    from pathlib import Path

    from povstore.queries import observations as read_observations
    from povstore.store import Store

    obs = read_observations(Store(Path(env["POVMAP_DATA_DIR"]) / "povmap.gpkg"))
    obs = obs[obs["year"] == year]
    return obs.sort_values(["unit_code", "indicator"]).reset_index(drop=True)


def test_export_deck(demo_env):
    env, root = demo_env
    doc = _json(env, "export", "deck", "--out", str(root / "hop.pptx"))
    assert (doc["slides"], doc["year"], doc["demo"]) == (8, 2026, True)
    assert doc["not_available"] == []  # `povmap demo` loads demo zone layers too


@pytest.mark.realdata
def test_export_map_on_real_boundaries_names_units(demo_env, shared_geodata, tmp_path):
    env, _root = demo_env
    real = {**env, "POVMAP_GEODATA": str(shared_geodata)}
    out = tmp_path / "real.pdf"
    doc = _json(real, "export", "map", "--year", "2025", "--out", str(out))
    assert doc["stamps"] == ["Dữ liệu minh họa"]
    text = pdf_text(out)
    assert "Bù Gia Mập" in text
    assert "Ranh giới: thanglequoc/vietnamese-provinces-database (MIT)" in text
