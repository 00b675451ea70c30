"""Targets as editable data: preload, edits with history, validation, CLI and calendar."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.targets import Target, calendar, next_deadline, path_words, target_from
from povcore.errors import PovmapError
from povmap.cli import cli
from povmap.progress import calendar_document, load_targets, set_target, targets_document
from povstore.store import Store
from povstore.targets import target_history

ROOT = Path(__file__).resolve().parents[1]


def _store(data_dir: Path) -> Store:
    return Store(data_dir / "povmap.gpkg")


def test_preload_is_idempotent_and_recorded(data_dir: Path) -> None:
    store = _store(data_dir)
    first = [t.key for t in load_targets(store)]
    again = [t.key for t in load_targets(store)]
    assert first == again == ["dn-2021-2025", "bp-2021-2025", "dn-2026-2030",
                              "nq24-2021-2025", "nq24-em-2021-2025"]
    hist = target_history(store)
    assert len(hist) == 5
    assert set(hist["reason"]) == {"Nạp sẵn từ Kế hoạch 60/KH-UBND / preloaded from Plan 60"}


def test_edit_keeps_who_when_why_before_and_after(data_dir: Path) -> None:
    doc = set_target("dn-2021-2025", {"path": "compound"}, "Theo công văn 12/SNNMT",
                     author="can_bo_a")
    assert (doc["created"], doc["target"]["path"]) == (False, "compound")
    last = doc["history"][-1]
    assert (last["author"], last["reason"]) == ("can_bo_a", "Theo công văn 12/SNNMT")
    assert json.loads(last["before"])["path"] == "linear"
    assert json.loads(last["after"])["path"] == "compound"
    assert last["changed_at"][:4] == str(dt.datetime.now(dt.UTC).year)
    stored = {t["key"]: t for t in targets_document()["targets"]}
    assert stored["dn-2021-2025"]["path"] == "compound"


def test_unit_target_created_from_a_base(data_dir: Path) -> None:
    doc = set_target("dn-2021-2025@26098", {"unit_code": "26098", "reduction_pct": 60},
                     "Xã có nhiều hộ nghèo B", base="dn-2021-2025")
    t = doc["target"]
    assert (doc["created"], t["unit_code"], t["reduction_pct"], t["phase"]) == (
        True, "26098", 60.0, "2021-2025")


def test_bad_edit_is_refused_and_changes_nothing(data_dir: Path) -> None:
    store = _store(data_dir)
    load_targets(store)
    before = target_history(store)
    with pytest.raises(PovmapError, match="reduction_pct 120"):
        set_target("dn-2021-2025", {"reduction_pct": 120}, "typo")
    with pytest.raises(PovmapError, match="reason"):
        set_target("dn-2021-2025", {"reduction_pct": 70}, "  ")
    with pytest.raises(PovmapError, match="needs --phase"):
        set_target("new-one", {"reduction_pct": 70}, "x")
    assert target_history(store).equals(before)
    assert {t.key: t.reduction_pct for t in load_targets(store)}["dn-2021-2025"] == 80.0


def test_target_from_rejects_unknown_fields_and_values() -> None:
    with pytest.raises(PovmapError, match="Unknown target field"):
        target_from({"key": "k", "phase": "2021-2025", "percent": 3})
    with pytest.raises(PovmapError, match=r"unit code\(s\) 99999 \(not in the unit registry"):
        target_from({"key": "k", "phase": "2021-2025", "reduction_pct": 80,
                     "territory": "units:26098,99999"})
    with pytest.raises(PovmapError, match="path 'curvy'"):
        target_from({"key": "k", "phase": "2021-2025", "reduction_pct": 80, "path": "curvy"})


def test_path_reading_in_words() -> None:
    t = Target("k", "2021-2025", reduction_pct=80.0)
    assert path_words(t).startswith("đọc theo đường thẳng")
    assert "16 % số gốc mỗi năm trong 5 năm" in path_words(t)
    compound = Target("k", "2021-2025", reduction_pct=80.0, path="compound")
    assert "27.5 % mỗi năm" in path_words(compound)


def test_calendar_next_deadline_and_data_in(data_dir: Path) -> None:
    deadlines = calendar()
    keys = {d.key for d in deadlines}
    assert keys == {"annual-report", "midterm-review", "final-review"}
    assert next_deadline(dt.date(2026, 11, 27), deadlines).due == dt.date(2026, 12, 11)
    # 11 December is already late: the next one is the following year's
    assert next_deadline(dt.date(2026, 12, 11), deadlines).due == dt.date(2027, 12, 11)
    doc = calendar_document(today=dt.date(2026, 11, 27))
    assert doc["next"]["due"] == "2026-12-11"
    assert (doc["next"]["days_left"], doc["next"]["data_in"]) == (14, False)


def test_cli_targets_set_and_list(data_dir: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["targets", "set", "bp-2021-2025", "--enabled", "true",
                              "--reduction", "75", "--reason", "KH của Bình Phước", "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert (doc["target"]["enabled"], doc["target"]["reduction_pct"]) == (True, 75.0)
    listed = json.loads(runner.invoke(cli, ["targets", "list", "--json"]).output)
    assert {t["key"]: t["enabled"] for t in listed["targets"]}["bp-2021-2025"] is True
    hist = json.loads(runner.invoke(cli, ["targets", "history", "bp-2021-2025",
                                          "--json"]).output)
    assert [h["reason"] for h in hist["history"]][-1] == "KH của Bình Phước"


def test_cli_bad_target_exits_2_with_the_problem(data_dir: Path) -> None:
    env = {**os.environ, "POVMAP_DATA_DIR": str(data_dir)}
    done = subprocess.run([sys.executable, "-c", "from povmap.cli import main; main()",
                           "targets", "set", "dn-2026-2030", "--path", "compound",
                           "--annual-min", "30", "--reason", "x"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert "annual band 30.0–20.0" in done.stderr
