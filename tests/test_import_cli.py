"""`povmap import`, `imports list`, `import rollback`, `demo` and `values`, as real processes.

Every rejected input must leave the store byte-for-byte unchanged; a SIGKILL in the
middle of a write must leave it as it was.
"""

import csv
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from fixtures_workbooks import build_workbook, first_data_row, simple, two_row_codes
from openpyxl import Workbook

from povcore.indicators import COUNT_KEYS
from povcore.units import registry
from povstore.store import PAUSE_ENV


@pytest.fixture(scope="module")
def demo_cli(tmp_path_factory, offline_cli):
    cli = offline_cli(tmp_path_factory.mktemp("demo"))
    cli("demo")
    return cli


@pytest.fixture
def one_import(tmp_path, cli):
    """The store after one good import (Xã Phú Lập, 2023), and its bytes."""
    good = build_workbook(tmp_path / "good.xlsx", simple([
        ["26134", "Xã Phú Lập", 2000, 60, 15, 45, 3.0]]))
    cli("import", str(good))
    return cli.store_path.read_bytes()


def _no_rows_in(cli, table):
    return not cli.store_path.exists() or cli.json("db", "info")["tables"].get(table, 0) == 0


def test_demo_values_cover_every_unit_of_each_version(demo_cli):
    v25 = demo_cli.values(2025, "poor_a")
    assert (v25["boundary_version"], len(v25["values"]), v25["demo"]) == ("2025", 95, True)
    assert v25["label"] == "Dữ liệu minh họa"
    assert len(demo_cli.values(2024, "poor_a")["values"]) == 270
    v22 = demo_cli.values(2022, "poor_a")
    assert (v22["boundary_version"], len(v22["values"])) == ("2021", 281)
    rate = demo_cli.values(2025, "poor_a_rate")["values"]
    counts = demo_cli.values(2025, "poor_a")["values"]
    totals = demo_cli.values(2025, "total_households")["values"]
    assert rate["26068"] == pytest.approx(counts["26068"] / totals["26068"] * 100)


def test_demo_twice_is_a_noop(demo_cli):
    before = demo_cli.store_path.read_bytes()
    doc = demo_cli.json("demo")
    assert {f["status"] for f in doc["files"]} == {"unchanged"}
    assert demo_cli.store_path.read_bytes() == before


def test_unknown_indicator_lists_valid_keys(demo_cli):
    proc = demo_cli("values", "--year", "2025", "--indicator", "poorest", "--json", check=False)
    assert proc.returncode == 2
    assert "Unknown indicator 'poorest'" in proc.stderr
    assert "poor_a_rate" in proc.stderr


def test_import_dry_run_then_import_then_same_file(tmp_path, cli):
    book = build_workbook(tmp_path / "ket_qua_2023.xlsx", two_row_codes())
    dry = cli.json("import", str(book), "--dry-run")
    assert dry["status"] == "dry_run"
    assert dry["counts"]["added"] == len(dry["changes"]) > 0
    assert _no_rows_in(cli, "observations")
    done = cli.json("import", str(book))
    assert (done["status"], done["import_id"], done["years"]) == ("imported", 1, [2023])
    poor = cli.values(2023, "poor")["values"]
    assert poor == {"26116": 40.0, "26134": 60.0, "26143": 50.0}
    assert cli.values(2023, "total_households")["values"]["26143"] == 3000.0
    again = cli.json("import", str(book))
    assert (again["status"], again["import_id"]) == ("unchanged", 1)
    listed = cli.json("imports", "list")["imports"]
    assert [(i["id"], i["file_name"], i["rows"]) for i in listed] == [
        (1, "ket_qua_2023.xlsx", 3)]
    assert len(listed[0]["sha256"]) == 64
    assert listed[0]["is_demo"] is False


def test_reimport_replaces_and_rollback_restores(tmp_path, cli):
    first = build_workbook(tmp_path / "a.xlsx", simple([
        ["26116", "Thị trấn Tân Phú", 4000, 40, 10, 30, 1.0]]))
    second = build_workbook(tmp_path / "b.xlsx", simple([
        ["26116", "Thị trấn Tân Phú", 4000, 36, 8, 28, 0.9]]))
    cli("import", str(first))
    dry = cli.json("import", str(second), "--dry-run")
    changed = {c["indicator"]: (c["old"], c["new"]) for c in dry["changes"]}
    assert changed == {"poor": (40.0, 36.0), "poor_a": (10.0, 8.0), "poor_b": (30.0, 28.0)}
    cli("import", str(second))
    assert cli.values(2023, "poor_a")["values"] == {"26116": 8.0}
    refused = cli("import", "rollback", "1", check=False)  # #2 replaced #1's values
    assert refused.returncode == 2
    assert "cannot roll back #1: later imports #2 replaced its values" in refused.stderr
    out = cli("import", "rollback", "2").stdout
    assert "rolled back #2" in out
    assert cli.values(2023, "poor_a")["values"] == {"26116": 10.0}
    listed = cli.json("imports", "list")["imports"]
    assert listed[0]["id"] == 2
    assert listed[0]["rolled_back_at"] is not None


def test_file_of_other_indicators_adds_to_the_year_and_removes_nothing(tmp_path, cli):
    """An ethnic-minority file for a reviewed unit-year keeps the review's figures."""
    review = build_workbook(tmp_path / "ra_soat.xlsx", simple([
        ["26116", "Thị trấn Tân Phú", 4000, 40, 10, 30, 1.0]]))
    cli("import", str(review))
    classes = tmp_path / "dtts.csv"
    with classes.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["unit_code", "boundary_version", "year", "indicator", "value"],
                                  ["26116", "2021", "2023", "ethnic_region", "3"],
                                  ["26116", "2021", "2023", "border_commune", "0"]])
    dry = cli.json("import", str(classes), "--dry-run")
    assert sorted((c["indicator"], c["status"]) for c in dry["changes"]) == [
        ("border_commune", "added"), ("ethnic_region", "added")]
    cli("import", str(classes))
    assert cli.values(2023, "poor_a")["values"] == {"26116": 10.0}
    assert cli.values(2023, "total_households")["values"] == {"26116": 4000.0}
    assert cli.values(2023, "ethnic_region")["values"] == {"26116": 3.0}
    # Neither import replaced the other's values: each rolls back on its own.
    assert "rolled back #1" in cli("import", "rollback", "1").stdout
    assert cli.values(2023, "poor_a")["values"] == {}
    assert cli.values(2023, "ethnic_region")["values"] == {"26116": 3.0}


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
def test_rejected_input_leaves_store_unchanged(tmp_path, cli, one_import, case):
    rows, needle = BAD_INPUTS[case]
    spec = simple(rows)
    bad = build_workbook(tmp_path / f"{case}.xlsx", spec)
    proc = cli("import", str(bad), "--json", check=False)
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
    assert cli.store_path.read_bytes() == one_import


def test_unit_not_valid_in_the_year_rejected(tmp_path, cli, one_import):
    """26203 Hiếu Liêm was abolished in Nov 2024: it cannot carry a 2025 review."""
    spec = simple([["26203", "Xã Hiếu Liêm", 900, 9, 3, 6, 1.0]], title="Rà soát năm 2025")
    bad = build_workbook(tmp_path / "hieu_liem_2025.xlsx", spec)
    proc = cli("import", str(bad), "--json", check=False)
    assert proc.returncode == 2
    err = json.loads(proc.stdout)["errors"][0]
    assert (err["row"], err["column"]) == (first_data_row(spec), "A")
    assert "26203" in proc.stderr
    assert "2025" in proc.stderr
    assert cli.store_path.read_bytes() == one_import


FILE_LEVEL_BAD = {
    "pdf_renamed.xlsx": b"%PDF-1.4 this is a PDF",
    "encrypted.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64,
    "corrupt.xlsx": b"PK\x03\x04" + b"\x00" * 40,
    "empty.csv": b"",
}


@pytest.mark.parametrize("name", sorted(FILE_LEVEL_BAD))
def test_unreadable_files_rejected_and_store_unchanged(tmp_path, cli, one_import, name):
    path = tmp_path / name
    path.write_bytes(FILE_LEVEL_BAD[name])
    proc = cli("import", str(path), "--json", check=False)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["status"] == "rejected"
    assert name in proc.stderr
    assert cli.store_path.read_bytes() == one_import


def test_empty_workbook_rejected(tmp_path, cli):
    path = tmp_path / "trong.xlsx"
    Workbook().save(path)
    proc = cli("import", str(path), check=False)
    assert proc.returncode == 2
    assert "trong.xlsx" in proc.stderr
    assert _no_rows_in(cli, "imports")


def _big_tidy_csv(path: Path) -> int:
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


def _wait_for(path, proc, seconds=120.0):
    """Wait until ``path`` exists; False if ``proc`` ends first or time runs out."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_sigkill_during_import_leaves_store_as_before(tmp_path, cli, one_import):
    big = tmp_path / "big.csv"
    from povcore.indicators import COUNT_KEYS

    assert _big_tidy_csv(big) == 281 * 3 * len(COUNT_KEYS)
    # The store's test hook: before COMMIT, the write transaction writes the number of
    # rows it changed into `paused` and waits for the file to go away (it never will).
    paused = tmp_path / "paused-in-write"
    proc = cli.with_env(**{PAUSE_ENV: str(paused)}).popen(
        "import", str(big), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait_for(paused, proc), f"no paused write transaction: {proc.stderr.read()}"
        # Inside the transaction: every observation inserted, not yet committed.
        assert int(paused.read_text()) >= 281 * 3 * len(COUNT_KEYS)
        assert cli.store_path.with_name("povmap.gpkg-journal").exists()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    # The next reader rolls back the hot journal: the store is exactly as before.
    info = cli.json("db", "info")
    assert info["tables"]["imports"] == 1
    assert cli.values(2023, "poor")["values"] == {"26134": 60.0}
    assert cli.json("imports", "list")["imports"][0]["id"] == 1
    assert cli.store_path.read_bytes() == one_import
