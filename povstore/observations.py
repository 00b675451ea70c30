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


def sources_by_year(store: Store) -> dict[int, ImportsSummary]:
    """Per review year, the active imports whose values are current for that year.

    ``last_file``/``last_import`` name the latest of them; ``demo`` is whether any of
    them is demo data. An export of one year cites these, not a later import of
    something else (zones, ethnic-minority classes, another year).
    """
    frame = store.read_sql(
        "SELECT o.year, i.id, i.file_name, i.imported_at, i.is_demo FROM imports i JOIN "
        "(SELECT DISTINCT year, import_id FROM observations) o ON o.import_id = i.id "
        "WHERE i.rolled_back_at IS NULL ORDER BY i.id DESC")
    out: dict[int, ImportsSummary] = {}
    for year in sorted({int(y) for y in frame["year"]}):
        rows = frame[frame["year"] == year]
        out[year] = ImportsSummary(len(rows), str(rows["file_name"].iloc[0]),
                                        str(rows["imported_at"].iloc[0]),
                                        bool(rows["is_demo"].any()))
    return out
