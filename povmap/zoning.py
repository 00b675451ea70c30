"""Zone and planning use-cases behind the CLI; they return JSON-ready dicts.

``povmap zones import|list|remove|stats``, ``povmap rank`` and ``povmap allocate`` call
these. Zone statistics are computed on the 2025 boundaries and cached in the store
under a hash of the boundaries and zones, so a second run reads them back.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from analysis.priority import (
    AllocationRule,
    Weight,
    criteria_frame,
    default_allocation,
    default_weights,
    parse_allocation,
    parse_filter,
    parse_weights,
    progress_statuses,
)
from analysis.scenario_export import planning_document, planning_workbook
from analysis.zones import ZoneStats, from_records, stats_key, zone_statistics
from geodata.boundaries import load_boundaries
from geodata.crosswalk import build_crosswalk
from loaders.zones import ZONE_TYPES, read_zone_file
from povcore.config import Settings, settings
from povcore.errors import Issue, PovmapError
from povmap.progress import load_targets
from povstore.store import Store
from povstore.zones import (
    add_zones,
    cached_zone_stats,
    demo_flags,
    last_import_date,
    list_zone_imports,
    load_zones,
    observations,
    remove_zone_import,
    save_zone_stats,
    stored_crosswalks,
)

DEMO_LABEL = "Dữ liệu minh họa"
CROSSWALK_STEPS = (("2021", "2024"), ("2021", "2025"), ("2024", "2025"))


def _issue(i: Issue) -> dict[str, Any]:
    return {**i.to_dict(), "where": i.where()}


def _store(cfg: Settings | None) -> tuple[Settings, Store]:
    cfg = cfg or settings()
    return cfg, Store(cfg.store_path)


# ---------------------------------------------------------------- zone layers


def import_zones(path: str | Path, zone_type: str, dry_run: bool = False,
                 cfg: Settings | None = None, is_demo: bool = False, layer: str | None = None,
                 assume_crs: str | None = None) -> dict[str, Any]:
    """Read, validate and (unless ``dry_run``) store one zone layer; never raises on bad input."""
    cfg, store = _store(cfg)
    try:
        parsed = read_zone_file(Path(path), zone_type, layer=layer, assume_crs=assume_crs)
    except PovmapError as err:
        errors = [_issue(i) for i in err.issues if i.severity == "error"]
        return {"status": "rejected", "file": Path(path).name, "zone_type": zone_type,
                "summary": err.summary,
                "errors": errors or [{"message": err.summary, "where": Path(path).name}],
                "warnings": [_issue(i) for i in err.issues if i.severity == "warning"],
                "message": err.summary}
    frame = parsed.frame
    doc: dict[str, Any] = {
        "file": parsed.file_name, "sha256": parsed.sha256, "zone_type": parsed.zone_type,
        "zones": len(frame), "columns": parsed.columns,
        "households": float(frame["households"].fillna(0).sum()),
        "relocate_households": float(frame["relocate_households"].fillna(0).sum()),
        "names": frame["name"].tolist(),
        "warnings": [_issue(i) for i in parsed.report.warnings], "errors": []}
    if dry_run:
        return {**doc, "status": "dry_run", "import_id": None,
                "message": f"Xem trước / dry run: {len(frame)} vùng / zones"}
    result = add_zones(store, parsed, is_demo=is_demo)
    return {**doc, "status": "unchanged" if result.noop else "imported",
            "import_id": result.import_id, "message": result.message}


def zones_document(cfg: Settings | None = None) -> dict[str, Any]:
    """Zone imports and zones (``povmap zones list --json``)."""
    _, store = _store(cfg)
    imports = list_zone_imports(store)
    zones = load_zones(store)
    areas = zones.to_crs("EPSG:32648").area / 1e4 if len(zones) else pd.Series(dtype=float)
    rows = []
    for (_, z), area in zip(zones.iterrows(), areas, strict=True):
        rows.append({
            "zone_id": int(z["zone_id"]), "import_id": int(z["import_id"]),
            "zone_type": z["zone_type"], "name": z["name"], "legal_basis": z["legal_basis"],
            "households": None if pd.isna(z["households"]) else float(z["households"]),
            "relocate_households": None if pd.isna(z["relocate_households"])
            else float(z["relocate_households"]),
            "relocation_form": z["relocation_form"], "status": z["status"],
            "year": None if pd.isna(z["year"]) else int(z["year"]),
            "area_ha": round(float(area), 2), "is_demo": bool(z["is_demo"])})
    records = imports.astype(object).where(imports.notna(), None).to_dict(orient="records")
    for r in records:
        r["is_demo"] = bool(r["is_demo"])
    return {"imports": records, "zones": rows,
            "label": DEMO_LABEL if any(r["is_demo"] for r in records) else None}


def remove_zones(import_id: int, cfg: Settings | None = None) -> dict[str, Any]:
    """Delete one zone import."""
    _, store = _store(cfg)
    return {"status": "removed", "import_id": import_id,
            "message": remove_zone_import(store, import_id)}


# ---------------------------------------------------------------- statistics


def _zones_until(zones: gpd.GeoDataFrame, year: int | None) -> gpd.GeoDataFrame:
    if year is None:
        return zones
    keep = zones["year"].isna() | (zones["year"].fillna(0).astype(int) <= year)
    return zones[keep.to_numpy()]


def compute_zone_stats(units: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
                       store: Store) -> tuple[ZoneStats, bool]:
    """Statistics of ``zones`` on ``units``, from the store's cache when present."""
    key = stats_key(units, zones)
    cached = cached_zone_stats(store, key)
    if cached is not None:
        return from_records(*cached), True
    stats = zone_statistics(units, zones)
    save_zone_stats(store, key, stats.per_unit, stats.per_zone)
    return stats, False


def current_units(cfg: Settings) -> tuple[gpd.GeoDataFrame, str, bool]:
    """Today's units (unit_code, name, geometry), their source and whether approximate."""
    b = load_boundaries("2025", "commune", cfg)
    units = b.frame.rename(columns={"code": "unit_code"})[["unit_code", "name", "geometry"]]
    return gpd.GeoDataFrame(units, geometry="geometry", crs=b.frame.crs), b.source, b.approximate


def zone_stats(year: int | None = None,
               cfg: Settings | None = None) -> tuple[ZoneStats, dict[str, Any]]:
    """Zone statistics on today's units and what they were computed from."""
    cfg, store = _store(cfg)
    units, source, approximate = current_units(cfg)
    zones = _zones_until(load_zones(store), year)
    start = time.perf_counter()
    stats, cached = compute_zone_stats(units, zones, store)
    meta = {"boundaries": {"source": source, "approximate": approximate},
            "zones": len(zones), "cached": cached,
            "seconds": round(time.perf_counter() - start, 3),
            "demo": bool(len(zones) and zones["is_demo"].any())}
    return stats, meta


def zone_stats_document(year: int | None = None, cfg: Settings | None = None) -> dict[str, Any]:
    """Per unit and zone type: area, share, households (``povmap zones stats --json``)."""
    cfg = cfg or settings()
    stats, meta = zone_stats(year, cfg)
    names = current_units(cfg)[0].set_index("unit_code")["name"]
    units: list[dict[str, Any]] = []
    for r in stats.per_unit.to_dict(orient="records"):
        units.append({"unit_code": r["unit_code"], "name": str(names.get(r["unit_code"], "")),
                      "zone_type": r["zone_type"], "area_ha": round(r["area_m2"] / 1e4, 4),
                      "share": round(r["share"], 6), "households": round(r["households"], 3),
                      "relocate_households": round(r["relocate_households"], 3)})
    zones = [{"zone_id": int(r["zone_id"]), "unit_code": r["unit_code"],
              "zone_share": round(r["zone_share"], 6), "households": round(r["households"], 3),
              "outside_share": round(r["outside_share"], 6)}
             for r in stats.per_zone.to_dict(orient="records")]
    return {"year": year, "crs": "EPSG:32648", **meta,
            "label": DEMO_LABEL if meta["demo"] else None, "zone_types": list(ZONE_TYPES),
            "units": units, "per_zone": zones}


# ---------------------------------------------------------------- planning


def crosswalks(store: Store, province: str) -> dict[tuple[str, str], pd.DataFrame]:
    """Stored crosswalk weights per step, else membership-only weights."""
    stored = stored_crosswalks(store)
    out: dict[tuple[str, str], pd.DataFrame] = {}
    for a, b in CROSSWALK_STEPS:
        rows = stored[(stored["from_version"] == a) & (stored["to_version"] == b)]
        out[(a, b)] = (rows[["old_code", "new_code", "weight"]].reset_index(drop=True)
                       if len(rows) else build_crosswalk(a, b, province=province).weights)
    return out


def planning_frame(year: int | None = None,
                   cfg: Settings | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Criteria of every unit of today (see :func:`analysis.priority.criteria_frame`)."""
    cfg, store = _store(cfg)
    obs = observations(store)
    if obs.empty:
        raise PovmapError("Chưa có số liệu giảm nghèo / no poverty data yet",
                          [Issue("Kho chưa có số liệu", hint="Chạy `povmap demo` hoặc "
                                 "`povmap import FILE` / run `povmap demo` or import a file")])
    year = year or int(obs[obs["indicator"] == "poor_a"]["year"].max())
    stats, meta = zone_stats(year, cfg)
    cws = crosswalks(store, cfg.province)
    statuses, source = progress_statuses(obs, load_targets(store, cfg.province), year, cws,
                                         cfg.province)
    frame = criteria_frame(obs, year, cws, stats, statuses, province=cfg.province)
    demo_values, demo_zones = demo_flags(store)
    info = {"year": year, "boundaries": meta["boundaries"], "data_date": last_import_date(store),
            "demo": demo_values or demo_zones, "statuses": source.to_dict()}
    return frame, info


def _weights(text: str | None) -> dict[str, Weight]:
    return parse_weights(text, "--weights") if text is not None else default_weights()


def rank_document(weights_text: str | None = None, wheres: tuple[str, ...] = (),
                  year: int | None = None, cfg: Settings | None = None) -> dict[str, Any]:
    """Filter then rank (``povmap rank --json``)."""
    flt = parse_filter(wheres)
    weights = _weights(weights_text)
    frame, info = planning_frame(year, cfg)
    return planning_document(frame, info, flt, weights)


def allocation_rule(criteria_text: str | None, min_per_unit: int | None,
                    max_per_unit: int | None) -> AllocationRule:
    """The rule of a file (or the defaults) with bounds overridden when given."""
    rule = parse_allocation(criteria_text, "--criteria") if criteria_text is not None \
        else default_allocation()
    return AllocationRule(rule.coefficients,
                          rule.min_per_unit if min_per_unit is None else min_per_unit,
                          rule.max_per_unit if max_per_unit is None else (max_per_unit or None),
                          rule.base_points)


def allocate_document(budget: int, criteria_text: str | None = None,
                      wheres: tuple[str, ...] = (), year: int | None = None,
                      weights_text: str | None = None, min_per_unit: int | None = None,
                      max_per_unit: int | None = None,
                      cfg: Settings | None = None) -> dict[str, Any]:
    """Filter, rank and allocate (``povmap allocate --json``)."""
    flt = parse_filter(wheres)
    rule = allocation_rule(criteria_text, min_per_unit, max_per_unit)
    weights = _weights(weights_text)
    frame, info = planning_frame(year, cfg)
    return planning_document(frame, info, flt, weights, rule, budget)


def write_xlsx(doc: dict[str, Any], path: str | Path) -> Path:
    """Write a planning document as XLSX (results and settings sheets)."""
    out = Path(path)
    out.write_bytes(planning_workbook(doc))
    return out


# ---------------------------------------------------------------- demo


def load_demo_zones(cfg: Settings | None = None) -> dict[str, Any]:
    """Write and import the demo zone layers and ethnic-minority classes."""
    from povmap.demo_zones import write_demo_zone_files, write_em_csv
    from povmap.importing import import_file

    cfg, store = _store(cfg)
    files = write_demo_zone_files(cfg.data_dir / "demo" / "zones")
    docs = []
    for zone_type, path in files.items():
        doc = import_zones(path, zone_type, cfg=cfg, is_demo=True)
        if doc["status"] == "rejected":
            raise PovmapError(f"Demo zone file {path} was rejected (a bug)",
                              [Issue(e["message"]) for e in doc["errors"]])
        docs.append(doc)
    obs = observations(store)
    em: dict[str, Any] | None = None
    if not obs[(obs["year"] == 2021) & (obs["boundary_version"].astype(str) == "2021")].empty:
        path = write_em_csv(cfg.data_dir / "demo" / "dtts_mien_nui_2021.csv", obs)
        em = import_file(path, 2021, "2021", cfg=cfg, is_demo=True)
        if em["status"] == "rejected":
            raise PovmapError("Demo ethnic-minority classes were rejected (a bug)",
                              [Issue(e["message"]) for e in em["errors"]])
    return {"label": DEMO_LABEL, "zones": docs, "area_classes": em}
