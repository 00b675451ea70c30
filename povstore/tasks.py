"""Stored plan tasks, their status updates (history) and today's agency names.

Updates are never edited or deleted: the current status of a task is its latest
update, and the whole list is its history. Tasks and agencies are preloaded from the
plan's appendix by the caller (``seed_tasks``/``seed_agencies`` insert only new keys).
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from povcore.errors import Issue, PovmapError
from povstore.store import Store

_TASK_COLS = ("id", "grp", "group_title", "task", "lead", "partners", "product", "timeline",
              "note", "source")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def seed_tasks(store: Store, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert tasks whose id is not stored yet (``group`` goes to column grp)."""
    added = 0
    with store.transaction() as con:
        for r in rows:
            values = [str(r.get("group" if c == "grp" else c, "")) for c in _TASK_COLS]
            cur = con.execute(f"INSERT OR IGNORE INTO tasks VALUES ({','.join('?' * 10)})",
                              values)
            added += cur.rowcount
    return added


def read_tasks(store: Store) -> pd.DataFrame:
    """Every task as written, in plan order (column ``group``)."""
    frame = store.read_sql(f"SELECT {', '.join(_TASK_COLS)} FROM tasks ORDER BY rowid")
    return frame.rename(columns={"grp": "group"})


def add_task_update(store: Store, task_id: str, status: str, note: str,
                    on_date: dt.date | None = None, author: str | None = None) -> int:
    """Record a status update of ``task_id``; returns the update's id."""
    day = (on_date or dt.date.today()).isoformat()
    with store.transaction() as con:
        known = [r[0] for r in con.execute("SELECT id FROM tasks ORDER BY rowid")]
        if task_id not in known:
            raise PovmapError(
                f"Không có nhiệm vụ '{task_id}' / unknown task '{task_id}'",
                [Issue(f"task id {task_id}", hint=f"Mã hợp lệ / valid ids: {', '.join(known)}",
                       value=task_id)])
        cur = con.execute("INSERT INTO task_updates (task_id, status, on_date, note, author, "
                          "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                          (task_id, status, day, note, author or getpass.getuser(), _now()))
        return int(cur.lastrowid or 0)


def read_task_updates(store: Store, task_id: str | None = None) -> pd.DataFrame:
    """Updates (id, task_id, status, on_date, note, author, recorded_at), oldest first."""
    where, params = ("WHERE task_id=?", (task_id,)) if task_id else ("", ())
    return store.read_sql(f"SELECT id, task_id, status, on_date, note, author, recorded_at "
                          f"FROM task_updates {where} ORDER BY on_date, id", params)


def seed_agencies(store: Store, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert agency names not stored yet."""
    added = 0
    with store.transaction() as con:
        for r in rows:
            cur = con.execute("INSERT OR IGNORE INTO agencies VALUES (?, ?, ?, ?, ?)",
                              (r["name"], r.get("current_name", ""), r.get("note", ""),
                               _now(), "povmap"))
            added += cur.rowcount
    return added


def read_agencies(store: Store) -> pd.DataFrame:
    """Agency names as written → today's name: name, current_name, note, updated_*."""
    return store.read_sql("SELECT name, current_name, note, updated_at, updated_by FROM "
                          "agencies ORDER BY name")


def set_agency_name(store: Store, name: str, current_name: str, note: str = "",
                    author: str | None = None) -> None:
    """Set today's name of the agency written ``name`` in the plan (created if new)."""
    with store.transaction() as con:
        con.execute("INSERT INTO agencies VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE "
                    "SET current_name=excluded.current_name, note=excluded.note, "
                    "updated_at=excluded.updated_at, updated_by=excluded.updated_by",
                    (name, current_name, note, _now(), author or getpass.getuser()))
