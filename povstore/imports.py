"""All-or-nothing, versioned imports of poverty values into the store.

An import replaces the stored values of the unit-years it covers *for the indicators it
carries*: a corrected review file replaces that year's review figures (a value left
empty in it is removed), while a file of other indicators for the same units and year
(ethnic-minority classes, say) adds to them and removes nothing. The replaced
values move to ``observation_history`` (tagged with the import that replaced them),
so ``rollback`` restores the previous state exactly. Importing a file whose sha256
equals an active import is a no-op that says so. Everything one import writes happens
in a single SQLite transaction: a crash or ``kill -9`` mid-write leaves the store as
it was (SQLite's rollback journal).
"""

from __future__ import annotations

import datetime as dt
import getpass
import sqlite3
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from povcore.errors import Issue, PovmapError
from povcore.indicators import get_indicator
from povcore.units import review_version
from povstore.store import Store

KEY = ["unit_code", "boundary_version", "year", "indicator"]


class Parsed(Protocol):
    """What an importer hands over (see ``loaders.values.ParsedImport``)."""

    @property
    def values(self) -> pd.DataFrame: ...  # noqa: D102
    @property
    def file_name(self) -> str: ...  # noqa: D102
    @property
    def sha256(self) -> str: ...  # noqa: D102
    @property
    def n_rows(self) -> int: ...  # noqa: D102


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do: one row per (unit, version, year, indicator).

    ``changes`` columns: unit_code, boundary_version, year, indicator, old, new, status
    (``added``, ``changed``, ``unchanged`` or ``removed``).
    """

    changes: pd.DataFrame
    duplicate_of: int | None

    def counts(self) -> dict[str, int]:
        """Number of rows per status."""
        c = self.changes["status"].value_counts()
        return {s: int(c.get(s, 0)) for s in ("added", "changed", "unchanged", "removed")}


@dataclass(frozen=True)
class ImportResult:
    """Outcome of :func:`apply_import`."""

    import_id: int | None
    plan: ImportPlan
    noop: bool
    message: str


# The stored values an import replaces: those of its unit-years and its indicators.
_REPLACED = ("FROM observations o JOIN _keys k USING (unit_code, boundary_version, year) "
             "WHERE o.indicator IN (SELECT indicator FROM _inds)")


def _current(con: sqlite3.Connection, incoming: pd.DataFrame) -> pd.DataFrame:
    """The stored values ``incoming`` replaces; fills the temp tables ``_REPLACED`` reads."""
    keys = incoming[["unit_code", "boundary_version", "year"]].drop_duplicates()
    con.execute("CREATE TEMP TABLE IF NOT EXISTS _keys (unit_code TEXT, boundary_version TEXT, "
                "year INTEGER)")
    con.execute("CREATE TEMP TABLE IF NOT EXISTS _inds (indicator TEXT)")
    con.execute("DELETE FROM _keys")
    con.execute("DELETE FROM _inds")
    con.executemany("INSERT INTO _keys VALUES (?, ?, ?)",
                    keys.astype(object).itertuples(index=False, name=None))
    con.executemany("INSERT INTO _inds VALUES (?)",
                    [(str(i),) for i in incoming["indicator"].unique()])
    return pd.read_sql_query(
        f"SELECT o.unit_code, o.boundary_version, o.year, o.indicator, o.value {_REPLACED}", con)


def _duplicate_of(con: sqlite3.Connection, sha256: str) -> int | None:
    row = con.execute("SELECT MAX(id) FROM imports WHERE sha256=? AND rolled_back_at IS NULL",
                      (sha256,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _plan(con: sqlite3.Connection, parsed: Parsed) -> ImportPlan:
    new = parsed.values[[*KEY, "value"]].astype({"year": int, "value": float})
    old = _current(con, new).astype({"year": int, "value": float})
    m = old.rename(columns={"value": "old"}).merge(
        new.rename(columns={"value": "new"}), on=KEY, how="outer")
    status = pd.Series("changed", index=m.index)
    status[m["old"].isna()] = "added"
    status[m["new"].isna()] = "removed"
    status[(m["old"] == m["new"])] = "unchanged"
    changes = m.assign(status=status).sort_values(KEY).reset_index(drop=True)
    return ImportPlan(changes, _duplicate_of(con, parsed.sha256))


def plan_import(parsed: Parsed, store: Store) -> ImportPlan:
    """Dry run: what :func:`apply_import` would add, change or remove (nothing written)."""
    store.migrate()
    con = sqlite3.connect(store.path)
    try:
        return _plan(con, parsed)
    finally:
        con.close()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _write(con: sqlite3.Connection, parsed: Parsed, is_demo: bool) -> int:
    v = parsed.values
    cur = con.execute(
        "INSERT INTO imports (file_name, sha256, rows, n_values, os_user, imported_at, years, "
        "boundary_version, is_demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (parsed.file_name, parsed.sha256, int(parsed.n_rows), len(v), _os_user(),
         dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
         ",".join(str(y) for y in sorted(v["year"].astype(int).unique())),
         ",".join(sorted(v["boundary_version"].astype(str).unique())), int(is_demo)))
    import_id = int(cur.lastrowid or 0)
    _current(con, v)  # fills _keys and _inds: the unit-years and indicators it covers
    con.execute(
        "INSERT INTO observation_history SELECT o.unit_code, o.boundary_version, o.year, "
        f"o.indicator, o.value, o.import_id, ? {_REPLACED}", (import_id,))
    con.execute(
        "DELETE FROM observations WHERE (unit_code, boundary_version, year) IN "
        "(SELECT unit_code, boundary_version, year FROM _keys) "
        "AND indicator IN (SELECT indicator FROM _inds)")
    rows = v[[*KEY, "value"]].astype({"year": int, "value": float}).astype(object)
    con.executemany("INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?)",
                    [(*r, import_id) for r in rows.itertuples(index=False, name=None)])
    return import_id


def apply_import(parsed: Parsed, store: Store, is_demo: bool = False) -> ImportResult:
    """Write ``parsed`` all-or-nothing; a file imported before is a no-op."""
    with store.transaction() as con:
        plan = _plan(con, parsed)
        if plan.duplicate_of is not None:
            msg = (f"Tệp này đã được nhập (lần nhập #{plan.duplicate_of}); không thay đổi gì. / "
                   f"This file was already imported (import #{plan.duplicate_of}); nothing done.")
            return ImportResult(plan.duplicate_of, plan, True, msg)
        import_id = _write(con, parsed, is_demo)
    c = plan.counts()
    msg = (f"Đã nhập #{import_id}: {c['added']} mới, {c['changed']} thay đổi, "
           f"{c['unchanged']} giữ nguyên, {c['removed']} bỏ / Imported #{import_id}: "
           f"{c['added']} added, {c['changed']} changed, {c['unchanged']} unchanged, "
           f"{c['removed']} removed")
    return ImportResult(import_id, plan, False, msg)


def _check_rollback(con: sqlite3.Connection, import_id: int) -> None:
    row = con.execute("SELECT rolled_back_at FROM imports WHERE id=?", (import_id,)).fetchone()
    if row is None:
        raise PovmapError(f"Không có lần nhập #{import_id} / no import #{import_id}",
                          [Issue("unknown import id", hint="Xem `povmap imports list`")])
    if row[0] is not None:
        raise PovmapError(f"Lần nhập #{import_id} đã được hoàn tác lúc {row[0]} / "
                          f"import #{import_id} was already rolled back")
    later = [r[0] for r in con.execute(
        "SELECT DISTINCT h.superseded_by FROM observation_history h JOIN imports i "
        "ON i.id = h.superseded_by WHERE h.import_id=? AND i.rolled_back_at IS NULL "
        "ORDER BY 1", (import_id,))]
    if later:
        ids = ", ".join(f"#{i}" for i in later)
        raise PovmapError(
            f"Không hoàn tác được #{import_id}: số liệu của nó đã bị lần nhập {ids} thay thế / "
            f"cannot roll back #{import_id}: later imports {ids} replaced its values",
            [Issue(f"later imports {ids}", hint=f"Hoàn tác {ids} trước / roll back {ids} first")])


def rollback(import_id: int, store: Store) -> str:
    """Undo import ``import_id``: restore the values it replaced."""
    with store.transaction() as con:
        _check_rollback(con, import_id)
        removed = con.execute("DELETE FROM observations WHERE import_id=?",
                              (import_id,)).rowcount
        restored = con.execute(
            "INSERT INTO observations SELECT unit_code, boundary_version, year, indicator, "
            "value, import_id FROM observation_history WHERE superseded_by=?",
            (import_id,)).rowcount
        con.execute("DELETE FROM observation_history WHERE superseded_by=?", (import_id,))
        con.execute("UPDATE imports SET rolled_back_at=? WHERE id=?",
                    (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), import_id))
    return (f"Đã hoàn tác #{import_id}: bỏ {removed} giá trị, khôi phục {restored} / "
            f"rolled back #{import_id}: {removed} values removed, {restored} restored")


def list_imports(store: Store) -> pd.DataFrame:
    """Every import, newest first."""
    return store.read_sql("SELECT * FROM imports ORDER BY id DESC")


def unit_values(store: Store, year: int, indicator: str,
                boundary_version: str | None = None) -> dict[str, float]:
    """Stored (or derived, for rates) values of one indicator and year, by unit code."""
    ind = get_indicator(indicator)
    version = boundary_version or review_version(year).key
    keys = [ind.numerator, ind.denominator] if ind.kind == "rate" else [ind.key]
    frame = store.read_sql(
        f"SELECT unit_code, indicator, value FROM observations WHERE year=? AND "
        f"boundary_version=? AND indicator IN ({','.join('?' * len(keys))})",
        (year, version, *keys))
    wide = frame.pivot(index="unit_code", columns="indicator", values="value")
    if ind.kind != "rate":
        return {str(k): float(v) for k, v in wide.get(ind.key, pd.Series()).dropna().items()}
    if ind.numerator not in wide or ind.denominator not in wide:
        return {}
    valid = wide[wide[ind.denominator] > 0]
    rate = (valid[ind.numerator] / valid[ind.denominator] * 100).dropna()
    return {str(k): float(v) for k, v in rate.items()}
