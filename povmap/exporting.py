"""Export use-cases behind ``povmap export …`` and the download buttons.

Each function reads the store and the boundaries, builds one output with
:mod:`povexport` and writes it atomically (a temporary file renamed into place, so a
failed export never leaves half a file); it returns a JSON-ready document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.progress import PhaseProgress
from analysis.targets import phase_of_year
from geodata.boundaries import Boundaries, load_boundaries
from povcore.config import Settings, settings
from povcore.errors import PovmapError
from povcore.fileio import atomic_write_bytes
from povcore.i18n import t
from povexport.deck import SlideTable, deck_bytes
from povexport.deckdata import deck_inputs, engine_progress_map, progress_map, zones_table
from povexport.provenance import Provenance
from povexport.report import report_bytes, report_table
from povexport.staticmap import MapSpec, RenderedMap, latest_year, render_map, view_version
from povstore import queries
from povstore.observations import sources_by_year
from povstore.queries import ImportSummary
from povstore.store import Store


@dataclass(frozen=True, eq=False)
class StoreData:
    """What every export reads from the store."""

    obs: pd.DataFrame
    crosswalks: dict[tuple[str, str], pd.DataFrame]
    summary: ImportSummary
    by_year: dict[int, ImportSummary]


def store_data(cfg: Settings | None = None) -> StoreData:
    """Observations, crosswalks (stored ones win, else membership weights), imports."""
    from povmap.progress import crosswalks

    cfg = cfg or settings()
    store = Store(cfg.store_path)
    return StoreData(queries.observations(store), dict(crosswalks(store, cfg.province)),
                     queries.import_summary(store), sources_by_year(store))


def provenance(data: StoreData, boundaries: Boundaries | None, version: str,
               today: dt.date, year: int | None = None) -> Provenance:
    """What an export states about ``data`` drawn on ``boundaries`` (None: a table).

    The source is the latest import holding ``year``'s values (else the latest import);
    the demo stamp applies when any active import is demo data, as in the app's header.
    """
    s = data.by_year.get(year, data.summary) if year is not None else data.summary
    return Provenance(
        data_file=s.last_file, imported_at=s.last_import, n_imports=s.n_imports,
        demo=data.summary.demo,
        boundary_version=version,
        boundary_source=boundaries.source if boundaries else t("export_registry"),
        approximate=bool(boundaries and boundaries.approximate), made_on=today)


def _written(out: Path, fmt: str, payload: bytes) -> dict[str, Any]:
    """Write ``payload`` to ``out`` atomically; the first keys of the export's document."""
    atomic_write_bytes(out, payload)
    return {"status": "written", "file": str(out), "format": fmt, "bytes": len(payload)}


def _output(target: str | Path, fmt: str | None, valid: tuple[str, ...]) -> tuple[Path, str]:
    """The output path and its format (``fmt``, else the file extension), checked."""
    out = Path(target)
    chosen = (fmt or out.suffix.lstrip(".")).lower()
    if chosen not in valid:
        raise PovmapError(f"Định dạng không hợp lệ '{chosen}' / invalid format '{chosen}'. "
                          f"Valid: {', '.join(valid)} (--format, or the file extension).")
    return out, chosen


def render_view(spec: MapSpec, data: StoreData, cfg: Settings,
                today: dt.date) -> RenderedMap:
    """Draw ``spec`` from the store's data on the boundaries of its version."""
    if data.obs.empty:
        latest_year(data.obs)  # raises the "no data yet" error
    year, version, level = view_version(data.obs, spec)
    bounds = load_boundaries(version, level, cfg)  # type: ignore[arg-type]
    prov = provenance(data, bounds, version, today, year)
    return render_map(data.obs, spec, bounds.frame, prov, data.crosswalks, province=cfg.province,
                      today=today)


def export_map(spec: MapSpec, out: str | Path, fmt: str | None = None,
               cfg: Settings | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Render one map view to a PNG or PDF file (``povmap export map``)."""
    cfg = cfg or settings()
    today = today or dt.date.today()
    path, chosen = _output(out, fmt, ("png", "pdf"))
    spec.check()
    rendered = render_view(spec, store_data(cfg), cfg, today)
    doc = _written(path, chosen, rendered.to_bytes(chosen))
    comp = rendered.composition
    cls = comp.classification
    w, h = spec.size_px()
    return {**doc, "title": comp.title, "indicator": spec.indicator, "year": comp.year,
            "geography": spec.geography, "boundary_version": comp.values.version,
            "level": comp.values.level, "units": len(comp.values.values),
            "scheme": cls.scheme, "bins": list(cls.bins), "counts": list(cls.counts),
            "no_data": cls.no_data_count, "colours": list(comp.colours),
            "labels": list(comp.labels), "paper": spec.paper, "orientation": spec.orientation,
            "dpi": spec.dpi, "pixels": [w, h] if chosen == "png" else None,
            "stamps": _stamps(rendered)}


def _stamps(rendered: RenderedMap) -> list[str]:
    return [t(k, "vi") for k, on in (("demo", rendered.provenance.demo),
                                     ("approximate", rendered.provenance.approximate)) if on]


def export_report(year: int, out: str | Path, boundary_version: str | None = None,
                  cfg: Settings | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Write the year-end report workbook (``povmap export report``)."""
    cfg = cfg or settings()
    today = today or dt.date.today()
    path, fmt = _output(out, None, ("xlsx",))
    data = store_data(cfg)
    table = report_table(data.obs, year, boundary_version, data.crosswalks, cfg.province)
    prov = provenance(data, None, table.version, today, year)
    doc = _written(path, fmt, report_bytes(table, prov, cfg.province))
    totals = table.total()
    return {**doc, "year": year, "boundary_version": table.version, "units": len(table.units),
            "units_with_data": int(table.units["total_households"].notna().sum()),
            "totals": {k: (None if pd.isna(v) else float(v)) for k, v in totals.items()},
            "demo": prov.demo}


def _engine_progress(year: int, cfg: Settings) -> PhaseProgress | None:
    """The progress engine's result for the phase of ``year``, on today's units."""
    from povmap.progress import compute

    phase = phase_of_year(year)
    if phase is None:
        return None
    try:
        return compute(phase, "current", cfg)[0]
    except PovmapError:
        return None


def _task_rows(cfg: Settings, today: dt.date) -> pd.DataFrame:
    """The task tracker's table on ``today`` (the plan's tasks are preloaded if needed)."""
    from analysis.tasks import task_table
    from povmap.progress import preload
    from povstore.tasks import read_agencies, read_task_updates, read_tasks

    store = Store(cfg.store_path)
    preload(store, cfg.province)
    return task_table(read_tasks(store), read_task_updates(store), read_agencies(store), today)


def _zones(cfg: Settings, lang: str) -> SlideTable | None:
    """Zones and resettlement by type (None when no zone layer is loaded)."""
    from povmap.zoning import zone_stats

    try:
        stats, meta = zone_stats(None, cfg)
    except PovmapError:
        return None
    if not meta["zones"]:
        return None
    return zones_table(stats.per_unit, int(meta["zones"]), bool(meta["demo"]), lang)


def export_deck(year: int | None, out: str | Path, lang: str = "vi",
                cfg: Settings | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Write the steering-committee deck (``povmap export deck``)."""
    cfg = cfg or settings()
    today = today or dt.date.today()
    path, fmt = _output(out, None, ("pptx",))
    data = store_data(cfg)
    year = year if year is not None else latest_year(data.obs)
    spec = MapSpec(indicator="poor_rate", year=year, lang=lang, dpi=150)
    rendered = render_view(spec, data, cfg, today)
    current = load_boundaries("2025", "commune", cfg)
    current_prov = provenance(data, current, "2025", today, year)
    engine = _engine_progress(year, cfg)
    progress_png = (engine_progress_map(engine, current.frame, current_prov, lang)
                    if engine is not None else
                    progress_map(data.obs, data.crosswalks, year, current.frame, current_prov,
                                 lang))
    inputs = deck_inputs(data.obs, data.crosswalks, year, rendered.to_bytes("png"),
                         rendered.provenance, lang, progress_png, engine,
                         _task_rows(cfg, today), _zones(cfg, lang))
    doc = _written(path, fmt, deck_bytes(inputs))
    missing = [k for k, v in (("progress_map", inputs.progress_map),
                              ("target_chart", inputs.target_chart),
                              ("off_track", inputs.off_track), ("zones", inputs.zones),
                              ("late_tasks", inputs.late_tasks)) if v is None]
    return {**doc, "year": year, "slides": 8, "not_available": missing,
            "demo": inputs.provenance.demo, "approximate": inputs.provenance.approximate}


def with_defaults(spec: MapSpec, **changes: Any) -> MapSpec:
    """``spec`` with the non-None ``changes`` applied."""
    return replace(spec, **{k: v for k, v in changes.items() if v is not None})
