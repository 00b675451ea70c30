"""`povmap import`, `imports list`, `import rollback`, `demo` and `values`, as real processes.

Every rejected input must leave the store byte-for-byte unchanged; a SIGKILL in the
middle of a write must leave it as it was.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixtures_workbooks import build_workbook, first_data_row, simple, two_row_codes

POVMAP = Path(sys.executable).with_name("povmap")


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "POVMAP_DATA_DIR": str(tmp_path / "data"),
            "POVMAP_GEODATA": str(tmp_path / "nogeo")}


def povmap(env, *args, check=True):
    proc = subprocess.run([str(POVMAP), *args], capture_output=True, text=True, env=env,
                          timeout=600)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def store(env):
    return Path(env["POVMAP_DATA_DIR"]) / "povmap.gpkg"


def values(env, year, indicator, version=None):
    args = ["values", "--year", str(year), "--indicator", indicator, "--json"]
    if version:
        args += ["--boundary-version", version]
    return json.loads(povmap(env, *args).stdout)


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    e = {**os.environ, "POVMAP_DATA_DIR": str(d / "data"), "POVMAP_GEODATA": str(d / "nogeo")}
    povmap(e, "demo")
    return e


def test_demo_values_cover_every_unit_of_each_version(demo_env):
    v25 = values(demo_env, 2025, "poor_a")
    assert (v25["boundary_version"], len(v25["values"]), v25["demo"]) == ("2025", 95, True)
    assert v25["label"] == "Dữ liệu minh họa"
    assert len(values(demo_env, 2024, "poor_a")["values"]) == 270
    v22 = values(demo_env, 2022, "poor_a")
    assert (v22["boundary_version"], len(v22["values"])) == ("2021", 281)
    rate = values(demo_env, 2025, "poor_a_rate")["values"]
    counts = values(demo_env, 2025, "poor_a")["values"]
    totals = values(demo_env, 2025, "total_households")["values"]
    assert rate["26068"] == pytest.approx(counts["26068"] / totals["26068"] * 100)


def test_demo_twice_is_a_noop(demo_env):
    before = store(demo_env).read_bytes()
    doc = json.loads(povmap(demo_env, "demo", "--json").stdout)
    assert {f["status"] for f in doc["files"]} == {"unchanged"}
    assert store(demo_env).read_bytes() == before


def test_unknown_indicator_lists_valid_keys(demo_env):
    proc = povmap(demo_env, "values", "--year", "2025", "--indicator", "poorest", "--json",
                  check=False)
    assert proc.returncode == 2
    assert "Unknown indicator 'poorest'" in proc.stderr
    assert "poor_a_rate" in proc.stderr


def test_import_dry_run_then_import_then_same_file(tmp_path, env):
    book = build_workbook(tmp_path / "ket_qua_2023.xlsx", two_row_codes())
    dry = json.loads(povmap(env, "import", str(book), "--dry-run", "--json").stdout)
    assert dry["status"] == "dry_run"
    assert dry["counts"]["added"] == len(dry["changes"]) > 0
    assert not store(env).exists() or json.loads(
        povmap(env, "db", "info", "--json").stdout)["tables"].get("observations", 0) == 0
    done = json.loads(povmap(env, "import", str(book), "--json").stdout)
    assert (done["status"], done["import_id"], done["years"]) == ("imported", 1, [2023])
    poor = values(env, 2023, "poor")["values"]
    assert poor == {"26116": 40.0, "26134": 60.0, "26143": 50.0}
    assert values(env, 2023, "total_households")["values"]["26143"] == 3000.0
    again = json.loads(povmap(env, "import", str(book), "--json").stdout)
    assert (again["status"], again["import_id"]) == ("unchanged", 1)
    listed = json.loads(povmap(env, "imports", "list", "--json").stdout)["imports"]
    assert [(i["id"], i["file_name"], i["rows"]) for i in listed] == [
        (1, "ket_qua_2023.xlsx", 3)]
    assert len(listed[0]["sha256"]) == 64
    assert listed[0]["is_demo"] is False


def test_reimport_replaces_and_rollback_restores(tmp_path, env):
    first = build_workbook(tmp_path / "a.xlsx", simple([
        ["26116", "Thị trấn Tân Phú", 4000, 40, 10, 30, 1.0]]))
    second = build_workbook(tmp_path / "b.xlsx", simple([
        ["26116", "Thị trấn Tân Phú", 4000, 36, 8, 28, 0.9]]))
    povmap(env, "import", str(first))
    dry = json.loads(povmap(env, "import", str(second), "--dry-run", "--json").stdout)
    changed = {c["indicator"]: (c["old"], c["new"]) for c in dry["changes"]}
    assert changed == {"poor": (40.0, 36.0), "poor_a": (10.0, 8.0), "poor_b": (30.0, 28.0)}
    povmap(env, "import", str(second))
    assert values(env, 2023, "poor_a")["values"] == {"26116": 8.0}
    with pytest.raises(AssertionError):  # cannot roll back #1 while #2 replaced its values
        povmap(env, "import", "rollback", "1")
    out = povmap(env, "import", "rollback", "2").stdout
    assert "rolled back #2" in out
    assert values(env, 2023, "poor_a")["values"] == {"26116": 10.0}
    listed = json.loads(povmap(env, "imports", "list", "--json").stdout)["imports"]
    assert listed[0]["id"] == 2
    assert listed[0]["rolled_back_at"] is not None


BAD_INPUTS = {
    "unknown_commune": ([["", "Xã Không Có", 1000, 10, 5, 5, 1.0]], "Không Có"),
    "unknown_code": ([["99999", "Xã Ma", 1000, 10, 5, 5, 1.0]], "99999"),
    "poor_gt_total": ([["26116", "Thị trấn Tân Phú", 30, 40, 10, 30, 133.3]], "26116"),
    "a_plus_b": ([["26116", "Thị trấn Tân Phú", 4000, 40, 10, 20, 1.0]], "26116"),
    "negative": ([["26116", "Thị trấn Tân Phú", 4000, -4, 0, 0, 0.0]], "-4"),
    "non_integer": ([["26116", "Thị trấn Tân Phú", 4000, 40.5, 10, 30.5, 1.01]], "40.5"),
    "rate_over_100": ([["26116", "Thị trấn Tân Phú", 4000, 40, 10, 30, 150]], "150"),
    "duplicate_unit": ([["26116", "Thị trấn Tân Phú", 4000, 40, 10, 30, 1.0],
                        ["26116", "Thị trấn Tân Phú", 4000, 40, 10, 30, 1.0]], "26116"),
    "text_not_a_number": ([["26116", "Thị trấn Tân Phú", "bốn nghìn", 40, 10, 30, 1.0]],
                          "bốn nghìn"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_rejected_input_leaves_store_unchanged(tmp_path, env, case):
    good = build_workbook(tmp_path / "good.xlsx", simple([
        ["26134", "Xã Phú Lập", 2000, 60, 15, 45, 3.0]]))
    povmap(env, "import", str(good))
    before = store(env).read_bytes()
    rows, needle = BAD_INPUTS[case]
    spec = simple(rows)
    bad = build_workbook(tmp_path / f"{case}.xlsx", spec)
    proc = povmap(env, "import", str(bad), "--json", check=False)
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert doc["status"] == "rejected"
    assert doc["file"] == f"{case}.xlsx"
    err = doc["errors"][0]
    # the duplicate is reported on its second occurrence
    assert err["row"] == first_data_row(spec) + (1 if case == "duplicate_unit" else 0)
    assert err.get("column")
    assert needle in proc.stderr
    assert f"{case}.xlsx" in proc.stderr
    assert store(env).read_bytes() == before


def test_unit_not_valid_in_the_year_rejected(tmp_path, env):
    """26203 Hiếu Liêm was abolished in Nov 2024: it cannot carry a 2025 review."""
    good = build_workbook(tmp_path / "good.xlsx", simple([
        ["26134", "Xã Phú Lập", 2000, 60, 15, 45, 3.0]]))
    povmap(env, "import", str(good))
    before = store(env).read_bytes()
    spec = simple([["26203", "Xã Hiếu Liêm", 900, 9, 3, 6, 1.0]], title="Rà soát năm 2025")
    bad = build_workbook(tmp_path / "hieu_liem_2025.xlsx", spec)
    proc = povmap(env, "import", str(bad), "--json", check=False)
    assert proc.returncode == 2
    err = json.loads(proc.stdout)["errors"][0]
    assert (err["row"], err["column"]) == (first_data_row(spec), "A")
    assert "26203" in proc.stderr
    assert "2025" in proc.stderr
    assert store(env).read_bytes() == before


FILE_LEVEL_BAD = {
    "pdf_renamed.xlsx": b"%PDF-1.4 this is a PDF",
    "encrypted.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64,
    "corrupt.xlsx": b"PK\x03\x04" + b"\x00" * 40,
    "empty.csv": b"",
}


@pytest.mark.parametrize("name", sorted(FILE_LEVEL_BAD))
def test_unreadable_files_rejected_and_store_unchanged(tmp_path, env, name):
    good = build_workbook(tmp_path / "good.xlsx", simple([
        ["26134", "Xã Phú Lập", 2000, 60, 15, 45, 3.0]]))
    povmap(env, "import", str(good))
    before = store(env).read_bytes()
    path = tmp_path / name
    path.write_bytes(FILE_LEVEL_BAD[name])
    proc = povmap(env, "import", str(path), "--json", check=False)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["status"] == "rejected"
    assert name in proc.stderr
    assert store(env).read_bytes() == before


def test_empty_workbook_rejected(tmp_path, env):
    from openpyxl import Workbook

    path = tmp_path / "trong.xlsx"
    Workbook().save(path)
    proc = povmap(env, "import", str(path), check=False)
    assert proc.returncode == 2
    assert "trong.xlsx" in proc.stderr
    assert not store(env).exists() or json.loads(
        povmap(env, "db", "info", "--json").stdout)["tables"].get("imports", 0) == 0


def _big_tidy_csv(path: Path) -> int:
    from povcore.indicators import COUNT_KEYS
    from povcore.units import registry

    codes = registry().units("2021", "commune")["code"]
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["unit_code", "year", "indicator", "value"])
        for year in (2021, 2022, 2023):
            for code in codes:
                for key in COUNT_KEYS:
                    w.writerow([code, year, key, 1000 if key == "total_households" else 0])
                    n += 1
    return n


def test_sigkill_during_import_leaves_store_as_before(tmp_path, env):
    good = build_workbook(tmp_path / "good.xlsx", simple([
        ["26134", "Xã Phú Lập", 2000, 60, 15, 45, 3.0]]))
    povmap(env, "import", str(good))
    before = store(env).read_bytes()
    big = tmp_path / "big.csv"
    from povcore.indicators import COUNT_KEYS

    assert _big_tidy_csv(big) == 281 * 3 * len(COUNT_KEYS)
    journal = store(env).with_name("povmap.gpkg-journal")
    proc = subprocess.Popen([str(POVMAP), "import", str(big)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not journal.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.0005)
    assert journal.exists(), "the import finished before a write transaction was seen"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # The next reader rolls back the hot journal: the store is exactly as before.
    info = json.loads(povmap(env, "db", "info", "--json").stdout)
    assert info["tables"]["imports"] == 1
    assert values(env, 2023, "poor")["values"] == {"26134": 60.0}
    assert json.loads(povmap(env, "imports", "list", "--json").stdout)["imports"][0]["id"] == 1
    assert store(env).read_bytes() == before
