"""Builders of the CLI's JSON documents (pure: they return plain dicts)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from geodata.boundaries import boundaries_status, load_boundaries
from geodata.crosswalk import build_crosswalk
from povcore.config import Settings, settings
from povcore.units import VERSIONS, registry
from povstore.crosswalks import save_crosswalk
from povstore.store import Store


def _periods(version: str, province: str) -> list[dict[str, Any]]:
    frame = registry(province).frame
    starts = sorted(set(frame.loc[frame["version"] == version, "valid_from"]))
    out = []
    for day in starts:
        counts = registry(province).counts(version, on=day)
        out.append({"on": day.isoformat(), "counts": counts,
                    "totals": {lvl: sum(c.values()) for lvl, c in counts.items()}})
    return out


def geodata_info(cfg: Settings | None = None) -> dict[str, Any]:
    """Document of ``povmap geodata info --json``."""
    cfg = cfg or settings()
    status = boundaries_status(cfg)
    versions = []
    for key, bv in VERSIONS.items():
        versions.append({
            "version": key, "valid_from": bv.valid_from.isoformat(),
            "valid_to": bv.valid_to.isoformat() if bv.valid_to else None,
            "label_vi": bv.label_vi, "label_en": bv.label_en, "levels": list(bv.levels),
            "periods": _periods(key, cfg.province), "boundaries": status[key],
        })
    return {"province": cfg.province, "geodata_dir": str(cfg.geodata_dir), "versions": versions}


def crosswalk_report(from_version: str, to_version: str, cfg: Settings | None = None,
                     all_weights: bool = False) -> dict[str, Any]:
    """Build, store and describe a crosswalk (``povmap geodata crosswalk --json``)."""
    cfg = cfg or settings()
    old_b = load_boundaries(from_version, "commune", cfg)
    new_b = load_boundaries(to_version, "commune", cfg)
    real = not (old_b.approximate or new_b.approximate)
    cw = build_crosswalk(from_version, to_version,
                         old_b.frame if real else None, new_b.frame if real else None,
                         cfg.province)
    save_crosswalk(Store(cfg.store_path), from_version, to_version, cw.weights,
                   overlay_available=cw.overlay_available,
                   sources=f"{old_b.source} | {new_b.source}")
    sums = cw.weight_sums()
    records = cw.weights.to_dict(orient="records")
    doc: dict[str, Any] = {
        "from_version": from_version, "to_version": to_version,
        "overlay_available": cw.overlay_available,
        "boundaries": {
            "old": {"source": old_b.source, "approximate": old_b.approximate},
            "new": {"source": new_b.source, "approximate": new_b.approximate},
        },
        "n_old_units": int(sums.size), "n_pairs": len(cw.weights),
        "weight_sum_min": float(sums.min()), "weight_sum_max": float(sums.max()),
        "split": [r for r in records if r["weight"] < 1],
        "disagreements": cw.disagreements.astype({"overlay_share": float})
        .to_dict(orient="records"),
    }
    if all_weights:
        doc["weights"] = records
    return doc


def db_info(cfg: Settings | None = None) -> dict[str, Any]:
    """Document of ``povmap db info --json``."""
    cfg = cfg or settings()
    return asdict(Store(cfg.store_path).info())
