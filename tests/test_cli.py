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
    assert all(x["boundaries"]["approximate"] for x in doc["versions"])


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
