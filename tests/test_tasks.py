"""Task tracker: the plan's appendix preloaded, deadlines, overdue flags, update history."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.tasks import deadlines, default_tasks, task_state
from povcore.errors import PovmapError
from povmap.progress import rename_agency, tasks_document, update_task
from povstore.store import Store
from povstore.tasks import read_task_updates

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 27)
# The appendix of Plan 60 as written: id → (lead agency, timeline).
APPENDIX = {
    "I.1": ("Các sở, ban, ngành, UBND các huyện, thành phố", "Hàng năm"),
    "I.4": ("Các sở, ban, ngành liên quan, UBND các huyện, thành phố và các cơ quan truyền "
            "thông, báo chí", "Định kỳ 02 năm"),
    "I.5": ("Sở Thông tin và Truyền thông", "Hàng năm"),
    "III.6": ("Sở Xây dựng", "Năm 2022"),
    "III.8": ("Ngân hàng Chính sách xã hội tỉnh Đồng Nai", "Giai đoạn 2021 - 2030"),
    "V.2": ("Sở Lao động - Thương binh và Xã hội", "Giai đoạn 2021 - 2030"),
}


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POVMAP_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-c", "from povmap.cli import main; main()", *args],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)


def test_every_appendix_task_is_preloaded_with_lead_and_timeline() -> None:
    tasks = default_tasks().set_index("id")
    assert len(tasks) == 22
    assert tasks.groupby("group").size().to_dict() == {"I": 6, "II": 2, "III": 11, "IV": 1,
                                                       "V": 2}
    for task_id, (lead, timeline) in APPENDIX.items():
        assert (tasks.loc[task_id, "lead"], tasks.loc[task_id, "timeline"]) == (lead, timeline)
    assert (tasks["lead"].str.strip() != "").all()
    assert tasks["source"].str.contains("60/KH-UBND").all()


@pytest.mark.parametrize(("timeline", "years"), [
    ("Hàng năm", list(range(2022, 2031))),
    ("Định kỳ 02 năm", [2023, 2025, 2027, 2029]),
    ("Năm 2022", [2022]),
    ("Giai đoạn 2021 - 2025 và giai đoạn 2026 - 2030", [2025, 2030]),
    ("Giai đoạn 2021 - 2025, giai đoạn 2026 - 2030", [2025, 2030]),
    ("Giai đoạn 2021 - 2030", [2030]),
    ("", []),
])
def test_deadlines_from_the_timeline_as_written(timeline: str, years: list[int]) -> None:
    got = deadlines(timeline)
    assert [d.year for d in got] == years
    assert {(d.month, d.day) for d in got} <= {(12, 11)}


def _updates(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"status": [r[0] for r in rows], "on_date": [r[1] for r in rows]})


def test_overdue_rules() -> None:
    # annual: the 2025 report is missing → overdue since 11/12/2025, next due 11/12/2026
    s = task_state("Hàng năm", _updates(("done", "2024-12-01")), TODAY)
    assert (s.overdue_since, s.next_due) == (dt.date(2025, 12, 11), dt.date(2026, 12, 11))
    # done after the 2024 deadline covers the 2025 one
    assert not task_state("Hàng năm", _updates(("done", "2025-12-01")), TODAY).overdue
    # in progress is not done
    assert task_state("Năm 2022", _updates(("in_progress", "2022-06-01")), TODAY).overdue
    # a phase-long task is not due before its end
    assert not task_state("Giai đoạn 2021 - 2030", _updates(), TODAY).overdue
    # no timeline: never overdue
    assert task_state("", _updates(), TODAY).next_due is None


def test_overdue_task_flagged_in_the_list(data_dir: Path) -> None:
    doc = tasks_document(today=TODAY)
    by_id = {t["id"]: t for t in doc["tasks"]}
    assert by_id["III.6"]["overdue"] is True
    assert by_id["III.6"]["overdue_since"] == "2022-12-11"
    assert by_id["III.2"]["overdue"] is False
    overdue = tasks_document(overdue_only=True, today=TODAY)
    assert "III.6" in {t["id"] for t in overdue["tasks"]}
    assert "III.2" not in {t["id"] for t in overdue["tasks"]}


def test_update_survives_a_restart_and_shows_in_the_history(data_dir: Path) -> None:
    first = _cli(data_dir, "tasks", "update", "III.6", "--status", "in_progress", "--note",
                 "Đang dự thảo", "--date", "2022-10-01", "--author", "chi_lan")
    assert first.returncode == 0, first.stderr
    second = _cli(data_dir, "tasks", "update", "III.6", "--status", "done", "--note",
                  "QĐ 123/QĐ-UBND", "--date", "2022-12-05", "--author", "chi_lan", "--json")
    assert second.returncode == 0, second.stderr
    listed = _cli(data_dir, "tasks", "list", "--json")  # a new process: read from the store
    task = {t["id"]: t for t in json.loads(listed.stdout)["tasks"]}["III.6"]
    assert (task["status"], task["overdue"], task["last_update"]) == ("done", False,
                                                                     "2022-12-05")
    assert [(h["status"], h["note"], h["author"]) for h in task["history"]] == [
        ("in_progress", "Đang dự thảo", "chi_lan"), ("done", "QĐ 123/QĐ-UBND", "chi_lan")]


def test_unknown_task_or_status_is_refused_and_nothing_written(data_dir: Path) -> None:
    with pytest.raises(PovmapError, match=r"unknown task 'IX\.9'"):
        update_task("IX.9", "done", "x")
    with pytest.raises(PovmapError, match="invalid status"):
        update_task("I.1", "finished", "x")
    assert read_task_updates(Store(data_dir / "povmap.gpkg")).empty
    bad = _cli(data_dir, "tasks", "update", "I.1", "--status", "done", "--date", "27/11/2026")
    assert bad.returncode == 2
    assert "YYYY-MM-DD" in bad.stderr


def test_agency_names_are_editable_data(data_dir: Path) -> None:
    before = {t["id"]: t for t in tasks_document(today=TODAY)["tasks"]}
    assert before["III.6"]["lead_now"] == "Sở Xây dựng"
    rename_agency("Sở Xây dựng", "Sở Xây dựng tỉnh Đồng Nai (mới)", "QĐ sáp nhập", "x")
    after = {t["id"]: t for t in tasks_document(today=TODAY)["tasks"]}
    assert after["III.6"]["lead_now"] == "Sở Xây dựng (nay: Sở Xây dựng tỉnh Đồng Nai (mới))"
    assert after["III.6"]["lead"] == "Sở Xây dựng"  # as written stays
