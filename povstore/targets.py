"""Stored plan targets with their edit history, and the reads progress needs.

A target is kept as one JSON record per key (the fields of ``analysis.targets.Target``;
this package does not interpret them). Every write — the preload from the plan and
each edit — adds a row to ``target_history`` with who, when, why, before and after,
in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from povcore.errors import Issue, PovmapError
from povstore.store import Store


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _json(record: Mapping[str, Any]) -> str:
    clean = {k: (None if isinstance(v, float) and math.isnan(v) else v)
             for k, v in record.items()}
    return json.dumps(clean, ensure_ascii=False, sort_keys=True)


def seed_targets(store: Store, records: Iterable[Mapping[str, Any]],
                 reason: str = "Nạp sẵn từ Kế hoạch 60/KH-UBND / preloaded from Plan 60",
                 author: str = "povmap") -> int:
    """Insert the records whose key was never stored (idempotent); returns how many."""
    added = 0
    with store.transaction() as con:
        seen = {r[0] for r in con.execute("SELECT DISTINCT key FROM target_history")}
        for rec in records:
            key = str(rec["key"])
            if key in seen:
                continue
            now = _now()
            con.execute("INSERT INTO targets VALUES (?, ?, ?, ?)", (key, _json(rec), now, author))
            con.execute("INSERT INTO target_history (key, changed_at, author, reason, before, "
                        "after) VALUES (?, ?, ?, ?, NULL, ?)", (key, now, author, reason,
                                                                 _json(rec)))
            added += 1
    return added


def read_targets(store: Store) -> list[dict[str, Any]]:
    """Every stored target record, in key order of first storage."""
    frame = store.read_sql("SELECT t.record FROM targets t JOIN (SELECT key, MIN(id) AS first "
                           "FROM target_history GROUP BY key) h USING (key) ORDER BY h.first")
    out: list[dict[str, Any]] = []
    for text in frame["record"]:
        rec = json.loads(text)
        out.append({k: (math.nan if v is None else v) for k, v in rec.items()})
    return out


def save_target(store: Store, record: Mapping[str, Any], reason: str,
                author: str | None = None) -> None:
    """Create or replace the target ``record["key"]``, recording who, when and why."""
    if not reason.strip():
        raise PovmapError("Hãy ghi lý do sửa chỉ tiêu / a reason is required",
                          [Issue("empty reason", hint='--reason "Theo Kế hoạch số … ngày …"')])
    key, who, now = str(record["key"]), author or getpass.getuser(), _now()
    with store.transaction() as con:
        row = con.execute("SELECT record FROM targets WHERE key=?", (key,)).fetchone()
        before = row[0] if row else None
        con.execute("INSERT OR REPLACE INTO targets VALUES (?, ?, ?, ?)",
                    (key, _json(record), now, who))
        con.execute("INSERT INTO target_history (key, changed_at, author, reason, before, "
                    "after) VALUES (?, ?, ?, ?, ?, ?)",
                    (key, now, who, reason, before, _json(record)))


def target_history(store: Store, key: str | None = None) -> pd.DataFrame:
    """Edits of one target (or all): id, key, changed_at, author, reason, before, after."""
    where, params = ("WHERE key=?", (key,)) if key else ("", ())
    return store.read_sql(f"SELECT id, key, changed_at, author, reason, before, after FROM "
                          f"target_history {where} ORDER BY id", params)


def read_observations(store: Store) -> pd.DataFrame:
    """Every current value: unit_code, boundary_version, year, indicator, value."""
    return store.read_sql(
        "SELECT unit_code, boundary_version, year, indicator, value FROM observations")


def read_crosswalks(store: Store) -> dict[tuple[str, str], pd.DataFrame]:
    """Crosswalk weights stored by ``povmap geodata crosswalk``, per (from, to) version."""
    rows = store.read_sql("SELECT from_version, to_version, old_code, new_code, weight, method "
                          "FROM crosswalk")
    out: dict[tuple[str, str], pd.DataFrame] = {}
    for (a, b), part in rows.groupby(["from_version", "to_version"]):
        out[(str(a), str(b))] = part.drop(columns=["from_version", "to_version"]).reset_index(
            drop=True)
    return out
