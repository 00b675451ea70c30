"""Read query for exports: which imports hold each year's current values."""

from __future__ import annotations

from povstore.queries import ImportSummary
from povstore.store import Store


def sources_by_year(store: Store) -> dict[int, ImportSummary]:
    """Per review year, the active imports whose values are current for that year.

    ``last_file``/``last_import`` name the latest of them; ``demo`` is whether any of
    them is demo data. An export of one year cites these, not a later import of
    something else (zones, ethnic-minority classes, another year).
    """
    frame = store.read_sql(
        "SELECT o.year, i.id, i.file_name, i.imported_at, i.is_demo FROM imports i JOIN "
        "(SELECT DISTINCT year, import_id FROM observations) o ON o.import_id = i.id "
        "WHERE i.rolled_back_at IS NULL ORDER BY i.id DESC")
    out: dict[int, ImportSummary] = {}
    for year in sorted({int(y) for y in frame["year"]}):
        rows = frame[frame["year"] == year]
        out[year] = ImportSummary(len(rows), str(rows["imported_at"].iloc[0]),
                                  str(rows["file_name"].iloc[0]), bool(rows["is_demo"].any()))
    return out
