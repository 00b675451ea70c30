"""Zone layers, planning scenarios and the zone-statistics cache in the store.

A zone import is all or nothing (one transaction); importing the same file again with
the same type is a no-op that says so; ``remove_zone_import`` deletes one import's
zones. Geometry is kept as WKB in EPSG:4326. Scenarios are JSON documents (filter,
weights, allocation) with a name, author and date.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from dataclasses import dataclass
from typing import Any, Protocol

import geopandas as gpd
import pandas as pd
import shapely

from povcore.errors import PovmapError
from povstore.store import Store

__all__ = [
    "ZoneImportResult",
    "add_zones",
    "cached_zone_stats",
    "demo_flags",
    "get_scenario",
    "last_import_date",
    "list_scenarios",
    "list_zone_imports",
    "load_zones",
    "observations",
    "remove_zone_import",
    "save_scenario",
    "save_zone_stats",
    "stored_crosswalks",
]

_ATTRIBUTES = ("zone_type", "name", "legal_basis", "households", "relocate_households",
               "relocation_form", "status", "year")


class ParsedZoneLayer(Protocol):
    """What the zone reader hands over (see ``loaders.zones.ParsedZones``)."""

    @property
    def frame(self) -> gpd.GeoDataFrame: ...
    @property
    def file_name(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def zone_type(self) -> str: ...


@dataclass(frozen=True)
class ZoneImportResult:
    """Outcome of :func:`add_zones`."""

    import_id: int
    noop: bool
    message: str


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _sql_value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def add_zones(store: Store, parsed: ParsedZoneLayer, is_demo: bool = False) -> ZoneImportResult:
    """Store a validated zone layer in one transaction.

    Returns the existing import (``noop``) when the same file was imported with the
    same type and not removed.
    """
    with store.transaction() as con:
        row = con.execute("SELECT MAX(id) FROM zone_imports WHERE sha256=? AND zone_type=?",
                          (parsed.sha256, parsed.zone_type)).fetchone()
        if row[0] is not None:
            return ZoneImportResult(int(row[0]), True, (
                f"Đã nhập tệp này (lần #{row[0]}), không đổi gì / This file was already "
                f"imported (#{row[0]}); nothing changed"))
        cur = con.execute(
            "INSERT INTO zone_imports (file_name, sha256, zone_type, n_zones, os_user, "
            "imported_at, is_demo) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (parsed.file_name, parsed.sha256, parsed.zone_type, len(parsed.frame), _os_user(),
             _now(), int(is_demo)))
        import_id = int(cur.lastrowid or 0)
        frame = parsed.frame
        rows = [
            (import_id, *(_sql_value(r[c]) for c in _ATTRIBUTES), shapely.to_wkb(geom))
            for (_, r), geom in zip(frame.iterrows(), frame.geometry, strict=True)
        ]
        con.executemany(
            f"INSERT INTO zones (import_id, {', '.join(_ATTRIBUTES)}, geometry_wkb) "
            f"VALUES ({', '.join('?' * (len(_ATTRIBUTES) + 2))})", rows)
    return ZoneImportResult(import_id, False, (
        f"Đã nhập {len(frame)} vùng (lần #{import_id}) / Imported {len(frame)} zones "
        f"(#{import_id})"))


def list_zone_imports(store: Store) -> pd.DataFrame:
    """Every zone import, newest first."""
    return store.read_sql("SELECT * FROM zone_imports ORDER BY id DESC")


def remove_zone_import(store: Store, import_id: int) -> str:
    """Delete one zone import and its zones; an unknown id is an error listing the known."""
    with store.transaction() as con:
        row = con.execute("SELECT file_name, n_zones FROM zone_imports WHERE id=?",
                          (import_id,)).fetchone()
        if row is None:
            known = [str(r[0]) for r in con.execute("SELECT id FROM zone_imports ORDER BY id")]
            raise PovmapError(
                f"Không có lần nhập vùng #{import_id} / No zone import #{import_id}. "
                f"Có / known: {', '.join(known) or '-'}")
        con.execute("DELETE FROM zones WHERE import_id=?", (import_id,))
        con.execute("DELETE FROM zone_imports WHERE id=?", (import_id,))
    return (f"Đã xoá {row[1]} vùng của lần nhập #{import_id} ({row[0]}) / Removed "
            f"{row[1]} zones of import #{import_id} ({row[0]})")


def load_zones(store: Store) -> gpd.GeoDataFrame:
    """Every stored zone: zone_id, import_id, attributes, is_demo, geometry (EPSG:4326)."""
    frame = store.read_sql(
        f"SELECT z.id AS zone_id, z.import_id, {', '.join('z.' + c for c in _ATTRIBUTES)}, "
        "i.is_demo, z.geometry_wkb FROM zones z JOIN zone_imports i ON i.id = z.import_id "
        "ORDER BY z.id")
    geometry = shapely.from_wkb(frame.pop("geometry_wkb").to_numpy())
    frame["year"] = frame["year"].astype("Int64")
    frame["is_demo"] = frame["is_demo"].astype(bool)
    for column in ("households", "relocate_households"):
        frame[column] = frame[column].astype(float)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def save_scenario(store: Store, name: str, author: str, document: dict[str, Any]) -> int:
    """Store a named scenario (filter, weights, allocation); returns its id."""
    if not name.strip() or not author.strip():
        raise PovmapError("Kịch bản cần tên và người lập / A scenario needs a name and an author")
    with store.transaction() as con:
        cur = con.execute(
            "INSERT INTO scenarios (name, author, created_at, document) VALUES (?, ?, ?, ?)",
            (name.strip(), author.strip(), _now(), json.dumps(document, ensure_ascii=False)))
        return int(cur.lastrowid or 0)


def list_scenarios(store: Store) -> pd.DataFrame:
    """Scenarios without their documents: id, name, author, created_at; newest first."""
    return store.read_sql("SELECT id, name, author, created_at FROM scenarios ORDER BY id DESC")


def get_scenario(store: Store, scenario_id: int) -> dict[str, Any]:
    """One scenario: id, name, author, created_at and its ``document``."""
    frame = store.read_sql("SELECT * FROM scenarios WHERE id=?", (scenario_id,))
    if frame.empty:
        raise PovmapError(f"Không có kịch bản #{scenario_id} / No scenario #{scenario_id}")
    row = frame.iloc[0]
    return {"id": int(row["id"]), "name": str(row["name"]), "author": str(row["author"]),
            "created_at": str(row["created_at"]), "document": json.loads(row["document"])}


def cached_zone_stats(store: Store, key: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Cached (per_unit, per_zone) statistics for ``key``, or None."""
    frame = store.read_sql("SELECT per_unit, per_zone FROM zone_stats_cache WHERE key=?", (key,))
    if frame.empty:
        return None
    per_unit = pd.DataFrame(json.loads(frame["per_unit"].iloc[0]))
    per_zone = pd.DataFrame(json.loads(frame["per_zone"].iloc[0]))
    return per_unit, per_zone


def save_zone_stats(store: Store, key: str, per_unit: pd.DataFrame,
                    per_zone: pd.DataFrame) -> None:
    """Cache statistics under ``key`` (older entries are dropped: one layer set at a time)."""
    with store.transaction() as con:
        con.execute("DELETE FROM zone_stats_cache")
        con.execute("INSERT INTO zone_stats_cache VALUES (?, ?, ?, ?)",
                    (key, _now(), per_unit.to_json(orient="records"),
                     per_zone.to_json(orient="records")))


def observations(store: Store) -> pd.DataFrame:
    """Every current value: unit_code, boundary_version, year, indicator, value."""
    return store.read_sql(
        "SELECT unit_code, boundary_version, year, indicator, value FROM observations")


def stored_crosswalks(store: Store) -> pd.DataFrame:
    """Crosswalk weights stored by ``povmap geodata crosswalk`` (may be empty)."""
    return store.read_sql(
        "SELECT from_version, to_version, old_code, new_code, weight FROM crosswalk")


def demo_flags(store: Store) -> tuple[bool, bool]:
    """Whether active poverty imports and zone imports include demo data."""
    values = store.read_sql(
        "SELECT COUNT(*) AS n FROM imports WHERE is_demo=1 AND rolled_back_at IS NULL")
    zones = store.read_sql("SELECT COUNT(*) AS n FROM zone_imports WHERE is_demo=1")
    return bool(values["n"].iloc[0]), bool(zones["n"].iloc[0])


def last_import_date(store: Store) -> str | None:
    """Time of the latest active poverty or zone import (the data date of an export)."""
    frame = store.read_sql(
        "SELECT MAX(t) AS t FROM (SELECT imported_at AS t FROM imports WHERE rolled_back_at "
        "IS NULL UNION ALL SELECT imported_at FROM zone_imports)")
    value = frame["t"].iloc[0]
    return None if value is None or pd.isna(value) else str(value)
