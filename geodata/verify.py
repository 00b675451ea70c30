"""``povmap geodata verify``: check every version's boundaries and downloads."""

from __future__ import annotations

from typing import Any

from geodata.boundaries import load_boundaries
from geodata.fetch import load_manifest, verify_downloads
from povcore.config import Settings, settings
from povcore.coverage import coverage_defects
from povcore.errors import PovmapError
from povcore.units import VERSIONS, Level, registry


def _check_layer(version: str, level: Level, cfg: Settings) -> dict[str, Any]:
    try:
        b = load_boundaries(version, level, cfg)
    except PovmapError as err:
        return {"version": version, "level": level, "ok": False, "error": err.describe()}
    expected = len(registry(cfg.province).units(version, level))
    defects = coverage_defects(b.frame)
    invalid = int((~b.frame.geometry.is_valid).sum())
    doc = {
        "version": version, "level": level, "source": b.source, "approximate": b.approximate,
        "units": len(b.frame), "expected_units": expected, "invalid_geometries": invalid,
        "overlaps_gt_1m2": len(defects.overlaps), "overlap_m2": round(defects.total_overlap_m2, 1),
        "gaps_gt_1m2": len(defects.gaps), "gap_m2": round(defects.total_gap_m2, 1),
        "issues": [i.to_dict() for i in b.report.issues],
    }
    doc["ok"] = bool(len(b.frame) == expected and invalid == 0 and not b.report.errors)
    return doc


def verify(cfg: Settings | None = None) -> dict[str, Any]:
    """Document of ``povmap geodata verify --json``; ``ok`` is False on any failure."""
    cfg = cfg or settings()
    layers = [_check_layer(v, lvl, cfg) for v, bv in VERSIONS.items() for lvl in bv.levels]
    downloads = verify_downloads(load_manifest(province=cfg.province), cfg.geodata_dir)
    ok = all(x["ok"] for x in layers) and not any(d["mismatched"] for d in downloads.values())
    return {"ok": ok, "layers": layers, "downloads": downloads}
