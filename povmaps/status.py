"""The units layer coloured by target status, with its legend (no Streamlit).

Uses the same map component as the poverty map (:func:`povmaps.choropleth.units_group`
and :func:`povmaps.choropleth.legend_markup`): the five statuses are its classes, and
units outside the target's territory are drawn as "no data".
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd

from analysis.progress import STATUS_COLOURS, STATUSES, status_label
from povcore.i18n import format_number, t
from povmaps.choropleth import legend_markup, units_group

STATUS_ORDER = tuple(STATUSES)


@dataclass(frozen=True)
class StatusView:
    """The status layer, its legend and the count of units per status."""

    group: folium.FeatureGroup
    legend_html: str
    counts: dict[str, int]


def _tooltips(units: pd.DataFrame, lang: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for rec in units.to_dict("records"):
        red = rec["reduction_pct"]
        out[str(rec["unit_code"])] = {
            t("pg_status", lang): status_label(str(rec["status"]), lang),
            t("pg_baseline", lang): format_number(rec["baseline"], lang, 0),
            t("pg_latest", lang): (f"{format_number(rec['latest'], lang, 0)}"
                                   + (f" ({int(rec['latest_year'])})"
                                      if pd.notna(rec["latest_year"]) else "")),
            t("pg_reduction", lang): ("—" if pd.isna(red)
                                      else f"{format_number(red, lang, 1)} %"),
        }
    return out


def status_view(frame: gpd.GeoDataFrame, units: pd.DataFrame, lang: str = "vi",
                selected: str | None = None) -> StatusView:
    """Layer and legend of ``units`` (unit_code, status, baseline, latest, …) on ``frame``.

    Units of ``frame`` not in ``units`` (outside the territory) are "no data".
    """
    index = {s: i for i, s in enumerate(STATUS_ORDER)}
    codes = frame["code"].astype(str)
    status = units.set_index(units["unit_code"].astype(str))["status"]
    classes = pd.Series(codes.map(status).map(index).to_numpy(), index=codes.to_numpy(),
                        dtype=float)
    values = classes.copy()
    counts = {s: int((classes == i).sum()) for s, i in index.items()}
    colours = [STATUS_COLOURS[s] for s in STATUS_ORDER]
    group = units_group(frame, values, classes, colours,
                        tooltip_rows=_tooltips(units, lang), selected=selected, lang=lang)
    group.layer_name = t("pg_status", lang)  # its entry in a layer control
    legend = legend_markup(colours, [status_label(s, lang) for s in STATUS_ORDER],
                           [counts[s] for s in STATUS_ORDER], int(classes.isna().sum()),
                           t("pg_status", lang), lang)
    return StatusView(group, legend, counts)
