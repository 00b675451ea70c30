"""Deck inputs from the data: headline figures, maps, target chart, tables.

Pure: it takes the observations, crosswalks and, when given, the results of the
progress engine (:class:`analysis.progress.PhaseProgress`, the editable targets) and
of the task tracker (:func:`analysis.tasks.task_table`) as plain parameters; the
dashboard and the CLI both call :func:`deck_inputs`. Without a ``PhaseProgress`` the
province figures, target path and units on track come from :mod:`analysis.overview`
(the plan's default targets); zones come from :class:`analysis.zones.ZoneStats`.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from analysis.mapdata import Crosswalks
from analysis.overview import (
    PLAN_TARGETS,
    on_track_units,
    phase_of,
    province_summary,
    province_trend,
    required_reduction_pct,
)
from analysis.progress import (
    STATUS_COLOURS,
    STATUSES,
    PhaseProgress,
    headline,
    path_frame,
    status_label,
)
from analysis.tasks import status_label as task_status_label
from loaders.zones import ZONE_TYPES
from povcore.errors import PovmapError
from povcore.i18n import format_change, format_number, format_value, t
from povcore.indicators import get_indicator
from povexport.deck import DeckInputs, Figure, SlideTable, TargetChart
from povexport.provenance import Provenance, format_day
from povexport.staticmap import Category, MapSpec, category_composition, draw_composition


def _figure(summary_table: pd.DataFrame, key: str, lang: str) -> Figure:
    ind = get_indicator(key)
    value = pd.to_numeric(summary_table["value"]).astype(float)[key]
    change = format_change(pd.to_numeric(summary_table["change"]).astype(float)[key], ind,
                           lang)
    prev = t("vs_previous", lang)
    return Figure(ind.label(lang), format_value(value, ind, lang),
                  f"{change} {prev}" if change != "—" else "")


def _headline(obs: pd.DataFrame, crosswalks: Crosswalks | None, year: int,
              lang: str) -> tuple[list[Figure], str | None]:
    summary = province_summary(obs, year, crosswalks)
    keys = ("total_households", "poor", "poor_rate", "poor_a", "poor_b", "near_poor",
            "near_poor_rate")
    figures = [_figure(summary.table, k, lang) for k in keys]
    p = summary.progress
    if p is not None and p.on_track is not None:
        verdict = t("on_track" if p.on_track else "off_track", lang)
        figures.append(Figure(
            t("plan_progress", lang), f"{format_number(p.reduction_pct, lang, 1)} %",
            f"{verdict}: {format_number(p.required_pct, lang, 1)} % "
            f"({p.phase}, {p.baseline_year})"))
    note = None
    if summary.units_with_data < summary.units_total:
        note = t("deck_units_missing", lang).format(n=summary.units_total
                                                    - summary.units_with_data,
                                                    total=summary.units_total)
    return figures, note


def _target_chart(obs: pd.DataFrame, crosswalks: Crosswalks | None, year: int,
                  lang: str) -> TargetChart | None:
    """Province poor-A by year against the linear target path of the phase.

    Uses the phase targets and progress rule of :mod:`analysis.overview` (the plan's
    targets as data); nothing is recomputed here but the path's points.
    """
    phase = phase_of(year, PLAN_TARGETS)
    if phase is None:
        return None
    summary = province_summary(obs, year, crosswalks)
    p = summary.progress
    if p is None or pd.isna(p.baseline):
        return None
    years = list(range(p.baseline_year, phase.last_year + 1))
    trend = province_trend(obs, ["poor_a"])["poor_a"]
    target = [p.baseline * (1 - required_reduction_pct(phase, p.baseline_year, y) / 100)
              for y in years]
    frame = pd.DataFrame({"actual": trend.reindex(years).to_numpy(), "target": target},
                         index=years)
    note = t("deck_target_note", lang).format(phase=phase.label, pct=format_number(
        phase.reduction_pct, lang), base=p.baseline_year)
    return TargetChart(frame, note)


def _off_track(obs: pd.DataFrame, crosswalks: Crosswalks | None, year: int,
               lang: str) -> SlideTable | None:
    try:
        units = on_track_units(obs, year, crosswalks)
    except PovmapError:
        return None
    if units["on_track"].isna().all():
        return None
    late = units[units["on_track"].eq(False).fillna(False)]
    late = late.sort_values(["reduction_pct", "code"])
    columns = {"code": t("col_code", lang), "name": t("col_name", lang),
               "baseline": t("deck_col_baseline", lang), "current": t("deck_col_current", lang),
               "reduction_pct": t("deck_col_reduction", lang),
               "required_pct": t("deck_col_required", lang)}
    frame = late[list(columns)].rename(columns=columns).reset_index(drop=True)
    note = t("deck_off_track_note", lang).format(n=len(late), total=int(
        units["on_track"].notna().sum()))
    return SlideTable(frame, note)


# Colour-blind safe pair (ColorBrewer PuOr ends): on track blue, off track orange.
ON_TRACK_COLOUR, OFF_TRACK_COLOUR = "#2166ac", "#e66101"


def progress_map(obs: pd.DataFrame, crosswalks: Crosswalks | None, year: int,
                 frame: gpd.GeoDataFrame, prov: Provenance, lang: str = "vi",
                 dpi: int = 150) -> bytes | None:
    """PNG of today's units on track / off track for poor-A reduction (None: not judged).

    Units and their verdicts come from :func:`analysis.overview.on_track_units`;
    ``frame`` holds the polygons of the 2025 units.
    """
    try:
        units = on_track_units(obs, year, crosswalks)
    except PovmapError:
        return None
    judged = units["on_track"].notna()
    if not judged.any():
        return None
    verdict = units["on_track"].astype(object).where(judged, None)
    cats = pd.Series(verdict.map({True: "on", False: "off"}).to_numpy(),
                     index=units["code"].astype(str))
    legend = [Category("on", t("on_track", lang), ON_TRACK_COLOUR),
              Category("off", t("off_track", lang), OFF_TRACK_COLOUR)]
    base = int(units["baseline_year"].iloc[0])
    comp = category_composition(
        cats, legend, MapSpec(year=year, lang=lang, dpi=dpi),
        title=t("deck_progress_map", lang).format(year=year),
        subtitle=t("deck_progress_subtitle", lang).format(base=base, year=year),
        method=t("deck_progress_method", lang).format(
            base=base, req=format_number(float(units["required_pct"].iloc[0]), lang, 1),
            n=int(units["on_track"].eq(False).fillna(False).sum()), total=int(judged.sum())),
        year=year, legend_title=t("plan_progress", lang), today=prov.made_on)
    return draw_composition(comp, frame, prov).to_bytes("png")


def _judged(pp: PhaseProgress | None) -> bool:
    return (pp is not None and pp.baseline_year is not None and len(pp.units) > 0
            and bool(pp.territories))


def engine_progress_map(pp: PhaseProgress, frame: gpd.GeoDataFrame, prov: Provenance,
                        lang: str = "vi", dpi: int = 150) -> bytes | None:
    """PNG of every unit's status from the progress engine (None: nothing judged).

    ``pp`` should be computed on today's units (geography ``current``) and ``frame``
    hold the 2025 polygons; the colours are the progress page's.
    """
    if not _judged(pp):
        return None
    cats = pd.Series(pp.units["status"].astype(str).to_numpy(),
                     index=pp.units["unit_code"].astype(str))
    legend = [Category(k, status_label(k, lang), STATUS_COLOURS[k]) for k in STATUSES]
    year = max(int(pp.units["latest_year"].max()) if pp.units["latest_year"].notna().any()
               else int(pp.baseline_year or 0), int(pp.baseline_year or 0))
    comp = category_composition(
        cats, legend, MapSpec(year=year, lang=lang, dpi=dpi),
        title=t("deck_progress_map", lang).format(year=year),
        subtitle=t("deck_progress_subtitle", lang).format(base=pp.baseline_year, year=year),
        method=pp.method_en if lang == "en" else pp.method_vi, year=year,
        legend_title=t("plan_progress", lang), version=pp.version, today=prov.made_on)
    return draw_composition(comp, frame, prov).to_bytes("png")


def _engine_off_track(pp: PhaseProgress, lang: str) -> SlideTable:
    units = pp.units
    late = units[units["status"].isin(["behind", "missed"])].copy()
    late["_gap"] = late["latest"] - late["due_now"]
    late = late.sort_values(["_gap", "unit_code"], ascending=[False, True])
    late["status"] = late["status"].map(lambda s: status_label(str(s), lang))
    columns = {"unit_code": t("col_code", lang), "name": t("col_name", lang),
               "baseline": t("deck_col_baseline", lang), "latest": t("deck_col_current", lang),
               "due_now": t("deck_col_due", lang),
               "reduction_pct": t("deck_col_reduction", lang),
               "status": t("deck_col_status", lang)}
    frame = late[list(columns)].rename(columns=columns).reset_index(drop=True)
    note = t("deck_engine_off_track_note", lang).format(
        n=len(late), total=int((units["status"] != "insufficient_data").sum()),
        base=pp.baseline_year)
    return SlideTable(frame, note)


def _engine_chart(pp: PhaseProgress, lang: str) -> TargetChart:
    tp = pp.territories[0]
    frame = path_frame(tp)[["actual", "target"]]
    return TargetChart(frame, headline(tp, lang))


def _engine_figure(pp: PhaseProgress, lang: str) -> Figure:
    p = pp.territories[0].progress
    value = "—" if pd.isna(p.reduction_pct) else f"{format_number(p.reduction_pct, lang, 1)} %"
    return Figure(t("plan_progress", lang), value,
                  f"{status_label(p.status, lang)} ({pp.phase}, {p.baseline_year})")


def late_tasks_table(tasks: pd.DataFrame, lang: str = "vi") -> SlideTable:
    """Overdue tasks of the tracker (:func:`analysis.tasks.task_table` rows)."""
    late = tasks[tasks["overdue"].astype(bool)].copy()
    late = late.sort_values(["overdue_since", "id"])
    late["task"] = late["task"].astype(str).map(lambda s: s if len(s) <= 90 else s[:88] + " …")
    late["status"] = late["status"].map(lambda s: task_status_label(str(s), lang))
    late["overdue_since"] = late["overdue_since"].map(
        lambda d: format_day(d, lang) if isinstance(d, dt.date) else "—")
    columns = {"id": t("col_code", lang), "task": t("deck_col_task", lang),
               "lead_now": t("deck_col_lead", lang),
               "overdue_since": t("deck_col_overdue_since", lang),
               "status": t("deck_col_status", lang)}
    frame = late[list(columns)].rename(columns=columns).reset_index(drop=True)
    note = t("deck_late_tasks_note", lang).format(n=len(late), total=len(tasks))
    return SlideTable(frame, note)


def zones_table(per_unit: pd.DataFrame, n_zones: int, demo: bool,
                lang: str = "vi") -> SlideTable:
    """Zones and resettlement by zone type, from :class:`analysis.zones.ZoneStats`.

    ``per_unit``: unit_code, zone_type, area_m2, share, households, relocate_households
    (one row per unit and type). Households are those recorded in the zone layers,
    apportioned to units by area.
    """
    rows = []
    for key, zone_type in ZONE_TYPES.items():
        part = per_unit[per_unit["zone_type"] == key]
        if part.empty:
            continue
        rows.append({t("deck_col_zone_type", lang): zone_type.label(lang),
                     t("deck_col_zone_units", lang): int((part["share"] > 0).sum()),
                     t("deck_col_zone_area", lang): round(float(part["area_m2"].sum()) / 1e4),
                     t("deck_col_zone_households", lang): round(float(part["households"].sum())),
                     t("deck_col_zone_relocate", lang): round(
                         float(part["relocate_households"].sum()))})
    note = t("deck_zones_note", lang).format(n=n_zones)
    if demo:
        note += f" {t('export_stamp_demo', lang)}."
    return SlideTable(pd.DataFrame(rows), note)


def deck_inputs(obs: pd.DataFrame, crosswalks: Crosswalks | None, year: int,
                poverty_map: bytes | None, prov: Provenance, lang: str = "vi",
                progress_png: bytes | None = None, progress: PhaseProgress | None = None,
                tasks: pd.DataFrame | None = None,
                zones: SlideTable | None = None) -> DeckInputs:
    """Inputs of the deck from what the system computes.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long counts (the store's observations).
    crosswalks : mapping, optional
        Crosswalk weights (units on track are judged on today's units).
    year : int
        Review year of the meeting.
    poverty_map : bytes, optional
        PNG of the poverty map (:func:`povexport.staticmap.render_map`).
    prov : Provenance
        What every slide states about the data.
    lang : str
        ``"vi"`` or ``"en"``.
    progress_png : bytes, optional
        PNG of the progress map (:func:`engine_progress_map` or :func:`progress_map`).
    progress : PhaseProgress, optional
        The progress engine's result for the phase of ``year`` on today's units; it
        gives the target chart, the off-track table and the progress figure (else
        :mod:`analysis.overview` does, with the plan's default targets).
    tasks : pandas.DataFrame, optional
        :func:`analysis.tasks.task_table` of the tracker (its overdue rows are listed).
    zones : SlideTable, optional
        Zones and resettlement (:func:`zones_table`); ``None``: no zone layer loaded.

    Returns
    -------
    DeckInputs
        A ``None`` input gives a slide saying the data is not available yet.
    """
    phase = phase_of(year, PLAN_TARGETS)
    figures, note = _headline(obs, crosswalks, year, lang)
    if _judged(progress):
        assert progress is not None
        figures = [f for f in figures if f.label != t("plan_progress", lang)]
        figures.append(_engine_figure(progress, lang))
        chart: TargetChart | None = _engine_chart(progress, lang)
        off: SlideTable | None = _engine_off_track(progress, lang)
    else:
        chart, off = _target_chart(obs, crosswalks, year, lang), _off_track(obs, crosswalks,
                                                                             year, lang)
    return DeckInputs(
        year=year, period=phase.label if phase else str(year), provenance=prov,
        headline=figures, poverty_map=poverty_map, progress_map=progress_png,
        target_chart=chart, off_track=off,
        late_tasks=late_tasks_table(tasks, lang) if tasks is not None else None, zones=zones,
        lang=lang, notes={"headline": note} if note else {})
