"""The embedded store: one GeoPackage (SQLite) file, no server.

Provincial GIS staff can open it in QGIS: it is a valid GeoPackage (application id
``GPKG``, the mandatory ``gpkg_*`` tables), and our tables are registered in
``gpkg_contents`` as *attributes* tables. The schema is versioned: ``MIGRATIONS`` is
an append-only list, applied in order inside one transaction each, and recorded in
``povmap_schema``. Every write goes through :meth:`Store.transaction`.

Test hook
    When the environment variable ``POVMAP_TEST_PAUSE_IN_WRITE`` names a file, a
    transaction that changed rows, just before its ``COMMIT``, writes the number of
    rows it changed into that file and waits (up to 120 s) until the file is deleted.
    A test can then kill the process *provably* inside the write transaction. Unset,
    it costs one environment lookup per transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from povcore.errors import PovmapError
from povcore.fileio import atomic_write_bytes

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10400  # GeoPackage 1.4
PAUSE_ENV = "POVMAP_TEST_PAUSE_IN_WRITE"
_PAUSE_MAX_S = 120.0

_GPKG_CORE = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID[' ||
   '"WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],' ||
   'PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,' ||
   'AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]', 'longitude/latitude WGS 84');
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT
  (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE,
  max_y DOUBLE, srs_id INTEGER);
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
"""

# Append only. Each entry: (version, description, SQL script).
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "crosswalk weights", """
CREATE TABLE crosswalk (
  from_version TEXT NOT NULL, to_version TEXT NOT NULL, old_code TEXT NOT NULL,
  new_code TEXT NOT NULL, weight REAL NOT NULL CHECK (weight > 0 AND weight <= 1),
  method TEXT NOT NULL, PRIMARY KEY (from_version, to_version, old_code, new_code));
CREATE TABLE crosswalk_build (
  from_version TEXT NOT NULL, to_version TEXT NOT NULL, built_at TEXT NOT NULL,
  overlay_available INTEGER NOT NULL, sources TEXT NOT NULL,
  PRIMARY KEY (from_version, to_version));
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
  ('crosswalk', 'attributes', 'crosswalk', 'Trọng số chuyển đổi đơn vị cũ → mới'),
  ('crosswalk_build', 'attributes', 'crosswalk_build', 'Lần dựng bảng chuyển đổi');
"""),
    (2, "poverty values, imports and history", """
CREATE TABLE imports (
  id INTEGER PRIMARY KEY AUTOINCREMENT, file_name TEXT NOT NULL, sha256 TEXT NOT NULL,
  rows INTEGER NOT NULL, n_values INTEGER NOT NULL, os_user TEXT NOT NULL,
  imported_at TEXT NOT NULL, years TEXT NOT NULL, boundary_version TEXT NOT NULL,
  is_demo INTEGER NOT NULL DEFAULT 0, rolled_back_at TEXT);
CREATE TABLE observations (
  unit_code TEXT NOT NULL, boundary_version TEXT NOT NULL, year INTEGER NOT NULL,
  indicator TEXT NOT NULL, value REAL NOT NULL,
  import_id INTEGER NOT NULL REFERENCES imports(id),
  PRIMARY KEY (unit_code, boundary_version, year, indicator));
CREATE INDEX observations_by_year ON observations (year, indicator);
CREATE TABLE observation_history (
  unit_code TEXT NOT NULL, boundary_version TEXT NOT NULL, year INTEGER NOT NULL,
  indicator TEXT NOT NULL, value REAL NOT NULL,
  import_id INTEGER NOT NULL REFERENCES imports(id),
  superseded_by INTEGER NOT NULL REFERENCES imports(id));
CREATE INDEX history_by_superseder ON observation_history (superseded_by);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
  ('imports', 'attributes', 'imports', 'Các lần nhập dữ liệu'),
  ('observations', 'attributes', 'observations', 'Số liệu giảm nghèo hiện hành'),
  ('observation_history', 'attributes', 'observation_history', 'Số liệu đã bị thay thế');
"""),
    (3, "plan targets, tasks and agencies (issue 10)", """
CREATE TABLE targets (
  key TEXT PRIMARY KEY, record TEXT NOT NULL, updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL);
CREATE TABLE target_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, changed_at TEXT NOT NULL,
  author TEXT NOT NULL, reason TEXT NOT NULL, before TEXT, after TEXT NOT NULL);
CREATE TABLE tasks (
  id TEXT PRIMARY KEY, grp TEXT NOT NULL, group_title TEXT NOT NULL, task TEXT NOT NULL,
  lead TEXT NOT NULL, partners TEXT NOT NULL, product TEXT NOT NULL, timeline TEXT NOT NULL,
  note TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE task_updates (
  id INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL REFERENCES tasks(id),
  status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done')),
  on_date TEXT NOT NULL, note TEXT NOT NULL, author TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE INDEX task_updates_by_task ON task_updates (task_id);
CREATE TABLE agencies (
  name TEXT PRIMARY KEY, current_name TEXT NOT NULL, note TEXT NOT NULL,
  updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
  ('targets', 'attributes', 'targets', 'Chỉ tiêu giảm nghèo theo giai đoạn'),
  ('target_history', 'attributes', 'target_history', 'Lịch sử sửa chỉ tiêu'),
  ('tasks', 'attributes', 'tasks', 'Nhiệm vụ theo Phụ lục Kế hoạch 60/KH-UBND'),
  ('task_updates', 'attributes', 'task_updates', 'Cập nhật tiến độ nhiệm vụ'),
  ('agencies', 'attributes', 'agencies', 'Tên cơ quan hiện nay');
"""),
    (4, "zones (issue 11): zone layers, planning scenarios, zone statistics cache", """
CREATE TABLE zone_imports (
  id INTEGER PRIMARY KEY AUTOINCREMENT, file_name TEXT NOT NULL, sha256 TEXT NOT NULL,
  zone_type TEXT NOT NULL, n_zones INTEGER NOT NULL, os_user TEXT NOT NULL,
  imported_at TEXT NOT NULL, is_demo INTEGER NOT NULL DEFAULT 0);
CREATE TABLE zones (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  import_id INTEGER NOT NULL REFERENCES zone_imports(id) ON DELETE CASCADE,
  zone_type TEXT NOT NULL, name TEXT NOT NULL, legal_basis TEXT, households REAL,
  relocate_households REAL, relocation_form TEXT, status TEXT, year INTEGER,
  geometry_wkb BLOB NOT NULL);
CREATE INDEX zones_by_import ON zones (import_id);
CREATE TABLE scenarios (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, author TEXT NOT NULL,
  created_at TEXT NOT NULL, document TEXT NOT NULL);
CREATE TABLE zone_stats_cache (
  key TEXT PRIMARY KEY, computed_at TEXT NOT NULL, per_unit TEXT NOT NULL,
  per_zone TEXT NOT NULL);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
  ('zone_imports', 'attributes', 'zone_imports', 'Các lần nhập lớp vùng'),
  ('zones', 'attributes', 'zones', 'Vùng thiên tai, rừng đặc dụng (hình học WKB, EPSG:4326)'),
  ('scenarios', 'attributes', 'scenarios', 'Kịch bản lọc, ưu tiên, phân bổ'),
  ('zone_stats_cache', 'attributes', 'zone_stats_cache', 'Bộ đệm thống kê vùng theo đơn vị');
"""),
]


def _run_script(con: sqlite3.Connection, script: str) -> None:
    """Run statements separated by ';' at line ends, inside the caller's transaction."""
    for statement in filter(str.strip, script.split(";\n")):
        con.execute(statement)


def _pause_before_commit(con: sqlite3.Connection) -> None:
    """The test hook of the module docstring (``POVMAP_TEST_PAUSE_IN_WRITE``)."""
    marker = os.environ.get(PAUSE_ENV)
    if not marker or con.total_changes == 0:
        return
    path = Path(marker)
    atomic_write_bytes(path, f"{con.total_changes}\n".encode())
    deadline = time.monotonic() + _PAUSE_MAX_S
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)


@dataclass(frozen=True)
class StoreInfo:
    """What ``povmap db info`` shows."""

    path: str
    exists: bool
    size_bytes: int
    schema_version: int
    latest_schema_version: int
    tables: dict[str, int]


class Store:
    """The embedded store at ``path`` (created and migrated on first write)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        con.execute("PRAGMA foreign_keys = ON")
        return con

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write: committed on success, rolled back on any error."""
        self.migrate()
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            yield con
            _pause_before_commit(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def schema_version(self) -> int:
        """Applied schema version; 0 for a missing or empty store."""
        if not self.path.exists():
            return 0
        con = self._connect()
        try:
            has = con.execute(
                "SELECT 1 FROM sqlite_master WHERE name='povmap_schema'").fetchone()
            if not has:
                return 0
            return int(con.execute("SELECT MAX(version) FROM povmap_schema").fetchone()[0] or 0)
        finally:
            con.close()

    def migrate(self) -> int:
        """Create the GeoPackage if needed and apply pending migrations."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        current = self.schema_version()
        if current > MIGRATIONS[-1][0]:
            raise PovmapError(
                f"Store {self.path} has schema {current}, newer than this program "
                f"({MIGRATIONS[-1][0]}). Update povmap before using this store.")
        con = self._connect()
        try:
            if current == 0:
                con.execute("BEGIN IMMEDIATE")
                con.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
                con.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
                _run_script(con, _GPKG_CORE)
                con.execute("CREATE TABLE IF NOT EXISTS povmap_schema (version INTEGER "
                            "PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)")
                con.execute("COMMIT")
            for version, description, script in MIGRATIONS:
                if version > current:
                    self._apply(con, version, description, script)
        finally:
            con.close()
        return MIGRATIONS[-1][0]

    @staticmethod
    def _apply(con: sqlite3.Connection, version: int, description: str, script: str) -> None:
        con.execute("BEGIN IMMEDIATE")
        try:
            _run_script(con, script)
            con.execute("INSERT INTO povmap_schema VALUES (?, ?, ?)",
                        (version, description, dt.datetime.now(dt.UTC).isoformat()))
            con.execute("COMMIT")
        except sqlite3.Error:
            con.execute("ROLLBACK")
            raise

    def read_sql(self, query: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a read-only query (the store is migrated first)."""
        self.migrate()
        con = self._connect()
        try:
            return pd.read_sql_query(query, con, params=params)
        finally:
            con.close()

    def info(self) -> StoreInfo:
        """Path, size, schema version and row count per table (no write if missing)."""
        exists = self.path.exists()
        tables: dict[str, int] = {}
        if exists:
            con = self._connect()
            try:
                names = [r[0] for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE "
                    "'sqlite_%' AND name NOT LIKE 'rtree_%' ORDER BY name")]
                for name in names:
                    tables[name] = int(con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])
            finally:
                con.close()
        return StoreInfo(str(self.path), exists, self.path.stat().st_size if exists else 0,
                         self.schema_version(), MIGRATIONS[-1][0], tables)
