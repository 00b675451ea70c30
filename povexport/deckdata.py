"""Deck inputs from the data: headline figures, target chart, off-track units.

Pure: it takes the observations and crosswalks and reuses :mod:`analysis.overview`
(province summary, plan targets, units on track); the dashboard and the CLI both call
:func:`deck_inputs`. When the progress, zones and task modules exist, their results
are passed to :class:`povexport.deck.DeckInputs` as further plain parameters.
"""

from __future__ import annotations

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
from povcore.errors import PovmapError
from povcore.i18n import format_change, format_number, format_value, t
from povcore.indicators import get_indicator
from povexport.deck import DeckInputs, Figure, SlideTable, TargetChart
from povexport.provenance import Provenance
from povexport.staticmap import Category, MapSpec, category_composition, draw_composition


def _figure(summary_table: pd.DataFrame, key: str, lang: str) -> Figure:
    ind = get_indicator(key)
    unit = ind.unit_en if lang == "en" else ind.unit_vi
    value = pd.to_numeric(summary_table["value"]).astype(float)[key]
    change = format_change(pd.to_numeric(summary_table["change"]).astype(float)[key], unit,
                           lang)
    prev = t("vs_previous", lang)
    return Figure(ind.label(lang), format_value(value, unit, lang),
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


def deck_inputs(obs: pd.DataFrame, crosswalks: Crosswalks | None, year: int,
                poverty_map: bytes | None, prov: Provenance, lang: str = "vi",
                progress_png: bytes | None = None) -> DeckInputs:
    """Inputs of the deck from what the system computes today.

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
    progress_png : bytes, optional
        PNG of the progress map (:func:`progress_map`).
    prov : Provenance
        What every slide states about the data.
    lang : str
        ``"vi"`` or ``"en"``.

    Returns
    -------
    DeckInputs
        Zones and late tasks are not computed by the system yet: they are ``None`` and
        their slides say so. Targets and progress come from :mod:`analysis.overview`
        (the plan's targets as data).
    """
    phase = phase_of(year, PLAN_TARGETS)
    figures, note = _headline(obs, crosswalks, year, lang)
    return DeckInputs(
        year=year, period=phase.label if phase else str(year), provenance=prov,
        headline=figures, poverty_map=poverty_map, progress_map=progress_png,
        target_chart=_target_chart(obs, crosswalks, year, lang),
        off_track=_off_track(obs, crosswalks, year, lang),
        lang=lang, notes={"headline": note} if note else {})
