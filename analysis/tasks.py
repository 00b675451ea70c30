"""The plan's task list: deadlines read from each task's timeline, and overdue flags.

Tasks are preloaded from ``analysis/data/plan60_tasks.csv`` — the appendix (Phụ lục) of
Kế hoạch 60/KH-UBND ngày 17/3/2022, copied as written (group, task, lead agency,
coordinating agencies, product, timeline). Agency names as written in 2022 map to
today's names through ``analysis/data/agencies_75.csv`` (editable in the store).

Deadlines are read from the timeline text; every one falls on **11 December**, the
yearly reporting date of the plan ("báo cáo kết quả … trước ngày 11/12 hàng năm"):

* "Hàng năm" — every year 2022–2030 (the plan was issued in March 2022);
* "Định kỳ 02 năm" (every n years) — 2023, 2025, … (n-year periods from 2022);
* "Giai đoạn 2021 - 2025" — once, at the end of that phase (2025); several phases
  in one cell give one deadline each;
* "Năm 2022" — once, that year;
* empty or unreadable — no deadline (never overdue; the page says so).

A task is **overdue** when a deadline has passed and no update with status ``done``
is dated after the deadline before it (or after the plan's date for the first one).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

import pandas as pd

from povcore.errors import PovmapError

PLAN_DATE = dt.date(2022, 3, 17)
PLAN_END = 2030
REPORT_MONTH_DAY = (12, 11)
TASK_STATUSES: Mapping[str, tuple[str, str]] = MappingProxyType({
    "not_started": ("chưa thực hiện", "not started"),
    "in_progress": ("đang thực hiện", "in progress"),
    "done": ("hoàn thành", "done"),
})
TASK_COLUMNS = ("id", "group", "group_title", "task", "lead", "partners", "product",
                "timeline", "note", "source")


def _data(name: str) -> pd.DataFrame:
    path = resources.files("analysis") / "data" / name
    with path.open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def default_tasks() -> pd.DataFrame:
    """The appendix tasks of Plan 60 as written (22 rows).

    >>> t = default_tasks()
    >>> len(t), t.loc[t["id"] == "III.6", "timeline"].item()
    (22, 'Năm 2022')
    """
    return _data("plan60_tasks.csv")


def default_agencies(province: str = "75") -> pd.DataFrame:
    """Agency names as written → today's name (empty: unchanged or not yet known)."""
    return _data(f"agencies_{province}.csv")


def status_label(status: str, lang: str = "vi") -> str:
    """Label of a task status; an unknown one lists the valid keys."""
    try:
        vi, en = TASK_STATUSES[status]
    except KeyError:
        raise PovmapError(f"Unknown task status '{status}'. Valid: "
                          f"{', '.join(TASK_STATUSES)}.") from None
    return en if lang == "en" else vi


def _plain(text: str) -> str:
    """Lower case without diacritics, spaces kept: "Hàng năm" → "hang nam"."""
    nfd = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in nfd if not unicodedata.combining(ch))


def _day(year: int) -> dt.date:
    return dt.date(year, *REPORT_MONTH_DAY)


def deadlines(timeline: str) -> list[dt.date]:
    """Deadlines read from a timeline cell (see the module docstring).

    >>> [d.year for d in deadlines("Định kỳ 02 năm")]
    [2023, 2025, 2027, 2029]
    >>> deadlines("Giai đoạn 2021 - 2025 và giai đoạn 2026 - 2030")
    [datetime.date(2025, 12, 11), datetime.date(2030, 12, 11)]
    >>> deadlines("Năm 2022"), deadlines("")
    ([datetime.date(2022, 12, 11)], [])
    """
    text = _plain(timeline or "")
    if "hang nam" in text:
        return [_day(y) for y in range(PLAN_DATE.year, PLAN_END + 1)]
    every = re.search(r"dinh ky\s*0*(\d+)\s*nam", text)
    if every:
        n = int(every.group(1))
        return [_day(y) for y in range(PLAN_DATE.year + n - 1, PLAN_END + 1, n)]
    phases = re.findall(r"(20\d\d)\s*[-–]\s*(20\d\d)", text)
    if phases:
        return sorted({_day(int(end)) for _start, end in phases})
    years = re.findall(r"nam\s*(20\d\d)", text)
    return sorted({_day(int(y)) for y in years})


@dataclass(frozen=True)
class TaskState:
    """Where one task stands on a day."""

    status: str
    last_update: dt.date | None
    next_due: dt.date | None
    overdue_since: dt.date | None

    @property
    def overdue(self) -> bool:
        """Whether a passed deadline has no completion recorded."""
        return self.overdue_since is not None


def task_state(timeline: str, updates: pd.DataFrame, today: dt.date) -> TaskState:
    """Status (latest update), next deadline and overdue flag of one task on ``today``.

    ``updates``: the task's status history with columns status, on_date (ISO date).

    >>> ups = pd.DataFrame({"status": ["done"], "on_date": ["2022-11-30"]})
    >>> task_state("Năm 2022", ups, dt.date(2026, 11, 27)).overdue
    False
    >>> task_state("Năm 2022", ups.iloc[:0], dt.date(2026, 11, 27)).overdue_since
    datetime.date(2022, 12, 11)
    """
    dates = pd.to_datetime(updates["on_date"]).dt.date if len(updates) else pd.Series([])
    ordered = updates.assign(_d=list(dates)).sort_values("_d", kind="stable")
    status = str(ordered["status"].iloc[-1]) if len(ordered) else "not_started"
    last = ordered["_d"].iloc[-1] if len(ordered) else None
    due = deadlines(timeline)
    passed = [d for d in due if d <= today]
    ahead = [d for d in due if d > today]
    overdue = None
    if passed:
        window_start = passed[-2] if len(passed) > 1 else PLAN_DATE
        done = ordered[(ordered["status"] == "done") & (ordered["_d"] > window_start)]
        if done.empty:
            overdue = passed[-1]
    return TaskState(status, last, ahead[0] if ahead else None, overdue)


def task_table(tasks: pd.DataFrame, updates: pd.DataFrame, agencies: pd.DataFrame,
               today: dt.date) -> pd.DataFrame:
    """Every task with its current status, last update, next deadline and overdue flag.

    ``updates``: all status updates (task_id, status, on_date, note, author);
    ``agencies``: name, current_name (today's names are appended as "(nay: …)").
    Columns: those of the task list plus lead_now, status, last_update, next_due,
    overdue, overdue_since.
    """
    renames = {str(n): str(c) for n, c in zip(agencies["name"], agencies["current_name"],
                                               strict=True) if str(c).strip()}
    rows = []
    for rec in tasks.to_dict("records"):
        state = task_state(str(rec["timeline"]),
                           updates[updates["task_id"] == rec["id"]], today)
        rows.append({**rec, "lead_now": _rename(str(rec["lead"]), renames),
                     "status": state.status, "last_update": state.last_update,
                     "next_due": state.next_due, "overdue": state.overdue,
                     "overdue_since": state.overdue_since})
    return pd.DataFrame(rows)


def _rename(text: str, renames: Mapping[str, str]) -> str:
    """``text`` with each old agency name it contains followed by "(nay: new name)".

    >>> _rename("Sở A, Sở B", {"Sở A": "Sở C"})
    'Sở A (nay: Sở C), Sở B'
    """
    out = text
    for old, new in sorted(renames.items(), key=lambda kv: -len(kv[0])):
        if old in out and f"{old} (nay:" not in out:
            out = out.replace(old, f"{old} (nay: {new})")
    return out
