"""Read-only queries for exports: every current value, and what the active imports are."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from povstore.store import Store


def read_observations(store: Store) -> pd.DataFrame:
    """Every current value: unit_code, boundary_version, year, indicator, value."""
    frame = store.read_sql(
        "SELECT unit_code, boundary_version, year, indicator, value FROM observations")
    return frame.astype({"unit_code": str, "boundary_version": str, "year": int,
                         "value": float})


def read_crosswalk_weights(store: Store) -> dict[tuple[str, str], pd.DataFrame]:
    """Stored crosswalk weights per (from, to) version (``povmap geodata crosswalk``)."""
    stored = store.read_sql(
        "SELECT from_version, to_version, old_code, new_code, weight, method FROM crosswalk")
    out: dict[tuple[str, str], pd.DataFrame] = {}
    for (a, b), rows in stored.groupby(["from_version", "to_version"]):
        out[(str(a), str(b))] = rows.drop(columns=["from_version", "to_version"]) \
            .reset_index(drop=True)
    return out


@dataclass(frozen=True)
class ImportsSummary:
    """Active imports: how many, the latest file and time, whether any is demo data."""

    n_imports: int
    last_file: str | None
    last_import: str | None
    demo: bool


def imports_summary(store: Store) -> ImportsSummary:
    """What the dashboard header and every export state about the data."""
    frame = store.read_sql(
        "SELECT file_name, imported_at, is_demo FROM imports WHERE rolled_back_at IS NULL "
        "ORDER BY id DESC")
    if frame.empty:
        return ImportsSummary(0, None, None, False)
    return ImportsSummary(len(frame), str(frame["file_name"].iloc[0]),
                          str(frame["imported_at"].iloc[0]), bool(frame["is_demo"].any()))
