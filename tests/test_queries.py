"""Store read queries (povstore.queries) on a real GeoPackage store."""

from __future__ import annotations

from pathlib import Path

import pytest

from povstore.queries import (
    ImportSummary,
    active_imports,
    crosswalk_rows,
    import_summary,
    observations,
)
from povstore.store import Store

IMPORT = ("INSERT INTO imports (id, file_name, sha256, rows, n_values, os_user, imported_at, "
          "years, boundary_version, is_demo, rolled_back_at) "
          "VALUES (?, ?, 'x', 1, 1, 'u', ?, '2025', '2025', ?, ?)")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "povmap.gpkg")
    with s.transaction() as con:
        con.execute(IMPORT, (1, "demo_2025.xlsx", "2026-01-02T03:04:05", 1, None))
        con.execute(IMPORT, (2, "so_lieu_2025.xlsx", "2026-02-01T00:00:00", 0, None))
        con.execute(IMPORT, (3, "sai.xlsx", "2026-03-01T00:00:00", 0, "2026-03-02T00:00:00"))
        con.execute("INSERT INTO observations VALUES ('26068', '2025', 2025, 'poor', 12, 2)")
        con.execute("INSERT INTO crosswalk VALUES ('2021', '2024', '26041', '26080', 0.25, "
                    "'overlay')")
    return s


def test_observations(store: Store) -> None:
    rows = observations(store).to_dict("records")
    assert rows == [{"unit_code": "26068", "boundary_version": "2025", "year": 2025,
                     "indicator": "poor", "value": 12.0}]


def test_active_imports_newest_first_without_rolled_back(store: Store) -> None:
    frame = active_imports(store)
    assert frame["id"].tolist() == [2, 1]
    assert frame["is_demo"].tolist() == [0, 1]


def test_import_summary(store: Store, tmp_path: Path) -> None:
    assert import_summary(store) == ImportSummary(2, "2026-02-01T00:00:00",
                                                  "so_lieu_2025.xlsx", True)
    assert import_summary(Store(tmp_path / "empty.gpkg")) == ImportSummary(0, None, None,
                                                                           False)


def test_crosswalk_rows(store: Store) -> None:
    assert crosswalk_rows(store).to_dict("records") == [
        {"from_version": "2021", "to_version": "2024", "old_code": "26041",
         "new_code": "26080", "weight": 0.25, "method": "overlay"}]


def test_crosswalk_rows_of_one_step(store: Store) -> None:
    with store.transaction() as con:
        con.execute("INSERT INTO crosswalk VALUES ('2024', '2025', '26080', '26068', 1.0, "
                    "'membership')")
    assert crosswalk_rows(store, ("2024", "2025"))["old_code"].tolist() == ["26080"]
    assert crosswalk_rows(store, ("2021", "2025")).empty
    assert len(crosswalk_rows(store)) == 2
