"""The `povmap` CLI, run as a real process (its JSON is a public interface)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

POVMAP = Path(sys.executable).with_name("povmap")


def run(args, env_extra, check=True):
    env = {**os.environ, **env_extra}
    proc = subprocess.run([str(POVMAP), *args], capture_output=True, text=True, env=env,
                          timeout=600)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_geodata_info_counts(tmp_path):
    out = run(["geodata", "info", "--json"], {"POVMAP_DATA_DIR": str(tmp_path),
                                              "POVMAP_GEODATA": str(tmp_path / "none")})
    doc = json.loads(out.stdout)
    v = {x["version"]: x for x in doc["versions"]}
    assert v["2021"]["periods"][0]["totals"] == {"commune": 281, "district": 22}
    assert v["2024"]["periods"][0]["totals"] == {"commune": 270, "district": 22}
    p25 = {p["on"]: p["counts"]["commune"] for p in v["2025"]["periods"]}
    assert p25 == {"2025-07-01": {"Phường": 23, "Xã": 72},
                   "2026-04-30": {"Phường": 33, "Xã": 62}}
    # No boundary files: 2021/2024 approximate, 2025 from the layer shipped in povmap.
    assert [x["boundaries"]["approximate"] for x in doc["versions"]] == [True, True, False]


@pytest.mark.realdata
def test_geodata_info_with_real_boundaries(tmp_path, shared_geodata):
    out = run(["geodata", "info", "--json"], {"POVMAP_DATA_DIR": str(tmp_path),
                                              "POVMAP_GEODATA": str(shared_geodata)})
    doc = json.loads(out.stdout)
    assert [x["boundaries"]["approximate"] for x in doc["versions"]] == [False, False, False]
    assert "thanglequoc" in doc["versions"][2]["boundaries"]["source"]


def test_db_info_before_and_after_setup(tmp_path):
    env = {"POVMAP_DATA_DIR": str(tmp_path), "POVMAP_GEODATA": str(tmp_path / "none")}
    doc = json.loads(run(["db", "info", "--json"], env).stdout)
    assert (doc["exists"], doc["schema_version"]) == (False, 0)
    setup = run(["setup"], env)
    assert "Ranh giới gần đúng" in setup.stdout
    doc = json.loads(run(["db", "info", "--json"], env).stdout)
    assert doc["exists"] is True
    assert doc["schema_version"] == doc["latest_schema_version"] >= 1
    assert doc["tables"]["crosswalk"] == 0


def test_unknown_command_exit_code(tmp_path):
    proc = run(["geodata", "nope"], {"POVMAP_DATA_DIR": str(tmp_path)}, check=False)
    assert proc.returncode == 2
    assert "No such command" in proc.stderr


@pytest.fixture
def upstream_mirror(tmp_path, shared_geodata):
    """A local copy of the upstream layout (one GeoJSON per ward), served on 127.0.0.1."""
    import functools
    import threading
    import tomllib
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    import pyogrio

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
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.realdata
def test_fetch_then_info_and_load(tmp_path, upstream_mirror):
    geo = tmp_path / "geo"
    env = {"POVMAP_DATA_DIR": str(tmp_path / "data"), "POVMAP_GEODATA": str(geo)}
    out = run(["geodata", "fetch", "--version", "2025", "--mirror", upstream_mirror, "--json"],
              env)
    doc = json.loads(out.stdout)
    assert len(doc["downloaded"]) == 95
    assert doc["skipped"] == []
    again = json.loads(run(["geodata", "fetch", "--version", "2025", "--mirror",
                            upstream_mirror, "--json"], env).stdout)
    assert (len(again["downloaded"]), len(again["cached"])) == (0, 95)
    info = json.loads(run(["geodata", "info", "--json"], env).stdout)
    v25 = info["versions"][2]["boundaries"]
    assert v25["approximate"] is False
    assert v25["source"] == "thanglequoc/vietnamese-provinces-database (MIT)"
    from geodata.boundaries import load_boundaries
    from povcore.config import settings

    b = load_boundaries("2025", "commune", settings(env))
    assert len(b.frame) == 95
    assert b.frame.to_crs(32648).area.sum() / 1e6 == pytest.approx(12_740.9, rel=0.002)


@pytest.mark.realdata
def test_crosswalk_command_stores_weights(tmp_path, shared_geodata):
    env = {"POVMAP_DATA_DIR": str(tmp_path), "POVMAP_GEODATA": str(shared_geodata)}
    doc = json.loads(run(["geodata", "crosswalk", "--json"], env).stdout)
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
    db = json.loads(run(["db", "info", "--json"], env).stdout)
    assert db["tables"]["crosswalk"] == doc["n_pairs"] == 284
    text = run(["geodata", "crosswalk", "--from", "2024"], env).stdout
    assert "2024 → 2025: 270" in text


def test_crosswalk_command_offline_says_so(tmp_path):
    env = {"POVMAP_DATA_DIR": str(tmp_path), "POVMAP_GEODATA": str(tmp_path / "none")}
    doc = json.loads(run(["geodata", "crosswalk", "--json"], env).stdout)
    assert doc["overlay_available"] is False
    assert doc["boundaries"]["old"]["approximate"] is True
    assert doc["disagreements"] == []
    assert doc["n_old_units"] == 281


@pytest.mark.realdata
def test_verify_command(tmp_path, shared_geodata):
    env = {"POVMAP_DATA_DIR": str(tmp_path), "POVMAP_GEODATA": str(shared_geodata)}
    doc = json.loads(run(["geodata", "verify", "--json"], env).stdout)
    assert doc["ok"] is True
    layers = {(x["version"], x["level"]): x for x in doc["layers"]}
    assert layers[("2025", "commune")]["overlaps_gt_1m2"] == 0
    assert layers[("2025", "commune")]["units"] == 95
    assert layers[("2021", "commune")]["overlaps_gt_1m2"] == 377  # GADM is no clean coverage
    assert layers[("2024", "district")]["units"] == 22
