"""Read queries against the store's tables, for the dashboard and the command line.

Each function takes a :class:`~povstore.store.Store` (migrated first, like every read)
and returns a frame or a small frozen result; callers never write SQL against the
store's tables themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from povstore.store import Store


def observations(store: Store) -> pd.DataFrame:
    """Every current value: unit_code, boundary_version, year, indicator, value."""
    return store.read_sql(
        "SELECT unit_code, boundary_version, year, indicator, value FROM observations")


def active_imports(store: Store) -> pd.DataFrame:
    """Imports not rolled back, newest first: id, file_name, imported_at, is_demo (0/1)."""
    return store.read_sql(
        "SELECT id, file_name, imported_at, is_demo FROM imports "
        "WHERE rolled_back_at IS NULL ORDER BY id DESC")


@dataclass(frozen=True)
class ImportSummary:
    """What a page header states about the data: active imports and demo status."""

    n_imports: int
    last_import: str | None
    last_file: str | None
    demo: bool


def import_summary(store: Store) -> ImportSummary:
    """How many active imports, the latest one, and whether any is demo data.

    An empty store gives ``ImportSummary(0, None, None, False)``.
    """
    frame = active_imports(store)
    if frame.empty:
        return ImportSummary(0, None, None, False)
    return ImportSummary(len(frame), str(frame["imported_at"].iloc[0]),
                         str(frame["file_name"].iloc[0]), bool(frame["is_demo"].any()))


def crosswalk_rows(store: Store, step: tuple[str, str] | None = None) -> pd.DataFrame:
    """Stored crosswalk weights, of every step or of ``step`` = (from, to) version.

    Columns from_version, to_version, old_code, new_code, weight, method; empty if
    ``povmap geodata crosswalk`` never built that step.
    """
    query = ("SELECT from_version, to_version, old_code, new_code, weight, method "
             "FROM crosswalk")
    if step is None:
        return store.read_sql(query)
    return store.read_sql(f"{query} WHERE from_version=? AND to_version=?", step)
