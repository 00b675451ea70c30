"""The `povmap` CLI, run as a real process (its JSON is a public interface)."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pyogrio
import pytest

from geodata.boundaries import load_boundaries
from povcore.config import settings


def test_geodata_info_counts(cli):
    doc = cli.json("geodata", "info")
    v = {x["version"]: x for x in doc["versions"]}
    assert v["2021"]["periods"][0]["totals"] == {"commune": 281, "district": 22}
    assert v["2024"]["periods"][0]["totals"] == {"commune": 270, "district": 22}
    p25 = {p["on"]: p["counts"]["commune"] for p in v["2025"]["periods"]}
    assert p25 == {"2025-07-01": {"Phường": 23, "Xã": 72},
                   "2026-04-30": {"Phường": 33, "Xã": 62}}
    # No boundary files: 2021/2024 approximate, 2025 from the layer shipped in povmap.
    assert [x["boundaries"]["approximate"] for x in doc["versions"]] == [True, True, False]


@pytest.mark.realdata
def test_geodata_info_with_real_boundaries(cli, shared_geodata):
    doc = cli.with_env(POVMAP_GEODATA=str(shared_geodata)).json("geodata", "info")
    assert [x["boundaries"]["approximate"] for x in doc["versions"]] == [False, False, False]
    assert "thanglequoc" in doc["versions"][2]["boundaries"]["source"]


def test_db_info_before_and_after_setup(cli):
    doc = cli.json("db", "info")
    assert (doc["exists"], doc["schema_version"]) == (False, 0)
    setup = cli("setup")
    assert "Ranh giới gần đúng" in setup.stdout
    doc = cli.json("db", "info")
    assert doc["exists"] is True
    assert doc["schema_version"] == doc["latest_schema_version"] >= 1
    assert doc["tables"]["crosswalk"] == 0


def test_unknown_command_exit_code(cli):
    proc = cli("geodata", "nope", check=False)
    assert proc.returncode == 2
    assert "No such command" in proc.stderr


@pytest.fixture
def upstream_mirror(tmp_path, shared_geodata, serve):
    """A local copy of the upstream layout (one GeoJSON per ward), served on 127.0.0.1."""
    root = tmp_path / "mirror"
    manifest = tomllib.loads((Path(__file__).parents[1] / "geodata/data/sources_75.toml")
                             .read_text(encoding="utf-8"))
    src = next(s for s in manifest["sources"] if s["key"] == "thanglequoc-2025")
    wards = pyogrio.read_dataframe(shared_geodata / "new_2025/dong_nai_2025_wards.gpkg",
                                   layer="wards")
    by_code = {c: wards[wards["ward_code"] == c] for c in wards["ward_code"]}
    for f in src["files"]:
        target = root / f["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        code = target.name.split("_", 1)[0]
        by_code[code][["ward_code", "name", "geometry"]].to_file(target, driver="GeoJSON")
    return serve(root).url


@pytest.mark.realdata
def test_fetch_then_info_and_load(tmp_path, cli, upstream_mirror):
    cli = cli.with_env(POVMAP_GEODATA=str(tmp_path / "geo"))
    fetch = ("geodata", "fetch", "--version", "2025", "--mirror", upstream_mirror)
    doc = cli.json(*fetch)
    assert len(doc["downloaded"]) == 95
    assert doc["skipped"] == []
    again = cli.json(*fetch)
    assert (len(again["downloaded"]), len(again["cached"])) == (0, 95)
    info = cli.json("geodata", "info")
    v25 = info["versions"][2]["boundaries"]
    assert v25["approximate"] is False
    assert v25["source"] == "thanglequoc/vietnamese-provinces-database (MIT)"
    b = load_boundaries("2025", "commune", settings(dict(cli.env)))
    assert len(b.frame) == 95
    assert b.frame.to_crs(32648).area.sum() / 1e6 == pytest.approx(12_740.9, rel=0.002)


@pytest.mark.realdata
def test_crosswalk_command_stores_weights(cli, shared_geodata):
    cli = cli.with_env(POVMAP_GEODATA=str(shared_geodata))
    doc = cli.json("geodata", "crosswalk")
    assert (doc["from_version"], doc["to_version"], doc["overlay_available"]) == (
        "2021", "2025", True)
    assert doc["n_old_units"] == 281
    assert abs(doc["weight_sum_min"] - 1) < 1e-6
    assert abs(doc["weight_sum_max"] - 1) < 1e-6
    assert {(s["old_code"], s["new_code"]) for s in doc["split"]} == {
        ("26449", "26359"), ("26449", "26446"),  # divided by the converter (area shares)
        ("25996", "26188"), ("25996", "26041"),  # partial transfers of Resolution
        ("26128", "26122"), ("26128", "26134")}  # 1194/NQ-UBTVQH15
    kinds = [(d["kind"], d["old_code"], d["new_code"]) for d in doc["disagreements"]]
    assert ("dominant_not_in_converter", "26128", "26134") not in kinds
    db = cli.json("db", "info")
    assert db["tables"]["crosswalk"] == doc["n_pairs"] == 284
    text = cli("geodata", "crosswalk", "--from", "2024").stdout
    assert "2024 → 2025: 270" in text


def test_crosswalk_command_offline_says_so(cli):
    doc = cli.json("geodata", "crosswalk")
    assert doc["overlay_available"] is False
    assert doc["boundaries"]["old"]["approximate"] is True
    assert doc["disagreements"] == []
    assert doc["n_old_units"] == 281


@pytest.mark.realdata
def test_verify_command(cli, shared_geodata):
    doc = cli.with_env(POVMAP_GEODATA=str(shared_geodata)).json("geodata", "verify")
    assert doc["ok"] is True
    layers = {(x["version"], x["level"]): x for x in doc["layers"]}
    assert layers[("2025", "commune")]["overlaps_gt_1m2"] == 0
    assert layers[("2025", "commune")]["units"] == 95
    assert layers[("2021", "commune")]["overlaps_gt_1m2"] == 377  # GADM is no clean coverage
    assert layers[("2024", "district")]["units"] == 22


def test_python_dash_m_povmap_is_the_command_line() -> None:
    done = subprocess.run([sys.executable, "-m", "povmap", "--help"], capture_output=True,
                          text=True, check=False, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: python -m povmap")
    assert "allocate" in done.stdout
