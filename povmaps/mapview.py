"""Compose one map view (no streamlit): values → classes → layer, legend and table.

The page calls :func:`build_view` once per rerun with the view state; everything the
page shows about the map (the units layer, legend, method text, flags, the table behind
the map) comes from the returned :class:`MapView`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd

from analysis.classify import Classification, class_colours, class_labels, classify
from analysis.mapdata import MapValues, map_values
from analysis.viewstate import ViewState
from povcore.i18n import decimals_of, exact_decimals, format_change, format_number, format_value, t
from povcore.indicators import get_indicator
from povcore.units import get_version, registry
from povmaps.choropleth import (
    FrameControl,
    framed,
    legend_markup,
    stamp_markup,
    title_markup,
    units_group,
)


@dataclass(frozen=True)
class MapView:
    """Everything the map page renders for one state."""

    values: MapValues
    classification: Classification
    group: folium.FeatureGroup
    legend_html: str
    title: str
    method: str
    table: pd.DataFrame
    n_units: int


def _unit(indicator: str, lang: str) -> str:
    ind = get_indicator(indicator)
    return ind.unit_vi if lang == "vi" else ind.unit_en


def title_of(state: ViewState, year: int, lang: str) -> str:
    """Map title, e.g. "Tỷ lệ hộ nghèo (chuẩn tỉnh) — 2025"."""
    return f"{get_indicator(state.indicator).label(lang)} — {year}"


def _tooltip_rows(mv: MapValues, lang: str) -> dict[str, dict[str, str]]:
    ind = get_indicator(mv.indicator)
    n = int(mv.values.notna().sum())
    value_l, rank_l, change_l = t("value", lang), t("rank", lang), t("change", lang)
    rows: dict[str, dict[str, str]] = {}
    for code, value, rank, change in zip(mv.values.index.astype(str).tolist(),
                                         mv.values.tolist(),
                                         mv.rank.reindex(mv.values.index).tolist(),
                                         mv.change.reindex(mv.values.index).tolist(),
                                         strict=True):
        rows[code] = {
            value_l: format_value(value, ind, lang),
            rank_l: "—" if pd.isna(rank) else f"{int(rank)}/{n}",
            change_l: format_change(change, ind, lang),
        }
    return rows


def view_table(mv: MapValues, frame: pd.DataFrame) -> pd.DataFrame:
    """The table behind the map: code, name, type, value, previous, change, rank."""
    names = frame.set_index("code")[["name", "type"]]
    table = pd.DataFrame({"value": mv.values, "previous": mv.previous, "change": mv.change,
                          "rank": mv.rank})
    table.index = table.index.astype(str)
    out = names.join(table, how="right").rename_axis("code").reset_index()
    return out.sort_values(["rank", "code"], na_position="last").reset_index(drop=True)


def names_day(version: str, geography: str, year: int,
              today: dt.date | None = None) -> dt.date:
    """Date whose unit names and types a map shows.

    Data as collected: the end-of-year review date (31 Dec), within the version's
    validity. Re-aggregated to today's units: today. Types matter (phường vs xã sets
    the urban or rural poverty threshold), and 10 xã became phường on 30 Apr 2026.

    >>> names_day("2025", "collected", 2025), names_day("2025", "collected", 2026)
    (datetime.date(2025, 12, 31), datetime.date(2026, 12, 31))
    >>> names_day("2025", "current", 2022, today=dt.date(2026, 11, 26))
    datetime.date(2026, 11, 26)
    """
    bv = get_version(version)
    day = (today or dt.date.today()) if geography == "current" else dt.date(year, 12, 31)
    day = max(day, bv.valid_from)
    return min(day, bv.valid_to) if bv.valid_to else day


def with_names_on(frame: gpd.GeoDataFrame, version: str, level: str, day: dt.date,
                  province: str = "75") -> gpd.GeoDataFrame:
    """``frame`` with the registry's names and types of ``version`` on ``day``."""
    units = registry(province).units(version, level, on=day)  # type: ignore[arg-type]
    names = units.set_index("code")
    out = frame.copy()
    codes = out["code"].astype(str)
    out["name"] = codes.map(names["name"]).fillna(out["name"])
    out["type"] = codes.map(names["type"]).fillna(out["type"])
    return out


def build_view(obs: pd.DataFrame, state: ViewState, year: int, frame: gpd.GeoDataFrame,
               crosswalks: Mapping[tuple[str, str], pd.DataFrame], lang: str = "vi",
               province: str = "75", today: dt.date | None = None, *,
               stamp: Sequence[tuple[str, str]] = (), flags: Sequence[str] = (),
               subtitle: str = "") -> MapView:
    """Values, classes, the units layer and the legend for ``state`` and ``year``.

    The layer's group carries the title, the legend and the data stamp (``stamp``
    lines, see :func:`stamp_lines`, and caveat ``flags``, see :func:`flags_of`) into
    the map frame (:func:`frame_controls`); ``subtitle`` goes under the title (the
    district drilled into).
    """
    mv = map_values(obs, state.indicator, year, state.geography, state.level,
                    crosswalks, province)
    frame = with_names_on(frame, mv.version, mv.level,
                          names_day(mv.version, state.geography, year, today), province)
    cls = classify(mv.values, state.scheme, state.k,
                   state.breaks if state.scheme == "manual" else None)
    colours = list(class_colours(cls, state.palette))
    unit = _unit(state.indicator, lang)
    decimals = max(decimals_of(state.indicator),
                   exact_decimals(state.breaks) if state.scheme == "manual" else 0)
    labels = class_labels(cls, lambda v: format_number(v, lang, decimals))
    group = units_group(frame, mv.values, cls.yb, colours,
                        tooltip_rows=_tooltip_rows(mv, lang), selected=_on_map(state, frame),
                        lang=lang)
    label = get_indicator(state.indicator).label(lang)
    # Counts of the units drawn (a drill-down draws one district's communes, classed
    # with the whole province so that colours compare).
    shown = cls.yb.reindex(frame["code"].astype(str).to_numpy()).fillna(-1).astype(int)
    counts = [int((shown == i).sum()) for i in range(cls.k)]
    legend = legend_markup(colours, labels, counts, int((shown == -1).sum()),
                           f"{label} ({unit})", lang)
    method = mv.method_vi if lang == "vi" else mv.method_en
    title = title_of(state, year, lang)
    framed(group, frame_controls(title, legend, stamp, flags, subtitle))
    return MapView(mv, cls, group, legend, title, method, view_table(mv, frame), len(frame))


def frame_controls(title: str, legend_html: str, stamp: Sequence[tuple[str, str]] = (),
                   flags: Sequence[str] = (), subtitle: str = "") -> list[FrameControl]:
    """Title (top right), legend (bottom right, folds) and data stamp (bottom left).

    Top left holds the zoom buttons; the layer control, when zones are shown, sits
    under the title. No stamp box when there is neither a line nor a flag.

    >>> [(c.position, c.kind) for c in frame_controls("T", "<div></div>", [("K", "V")])]
    [('topright', 'title'), ('bottomright', 'legend'), ('bottomleft', 'stamp')]
    """
    controls = [FrameControl("topright", "title", title_markup(title, subtitle)),
                FrameControl("bottomright", "legend", legend_html, fold=True)]
    if stamp or flags:
        controls.append(FrameControl("bottomleft", "stamp", stamp_markup(stamp, flags)))
    return controls


def stamp_lines(source: str | None, imported: str | None,
                lang: str) -> list[tuple[str, str]]:
    """The data stamp's lines (key, value): source file and import time of the year shown.

    >>> stamp_lines("demo_ra_soat_2026.xlsx", "2026-11-27T08:15:02", "vi")
    [('Nguồn số liệu', 'demo_ra_soat_2026.xlsx'), ('Nhập lần cuối', '2026-11-27 08:15 UTC')]
    >>> stamp_lines(None, None, "en")
    []
    """
    lines = [(t("source", lang), source)] if source else []
    if imported:
        lines.append((t("last_import", lang), f"{imported.replace('T', ' ')[:16]} UTC"))
    return lines


def _on_map(state: ViewState, frame: pd.DataFrame) -> str | None:
    return state.unit if state.unit in set(frame["code"]) else None


def flags_of(demo: bool, approximate: bool, lang: str) -> list[str]:
    """Caveat badges: "Dữ liệu minh họa", "Ranh giới gần đúng"."""
    return [t(key, lang) for key, on in (("demo", demo), ("approximate", approximate)) if on]


def zoom_target(frame: gpd.GeoDataFrame, code: str | None) -> tuple[list[float] | None,
                                                                     int | None]:
    """Centre ``[lat, lon]`` and zoom level that show unit ``code`` (None, None if absent).

    >>> from shapely.geometry import box
    >>> f = gpd.GeoDataFrame({"code": ["1"]}, geometry=[box(106.8, 10.9, 106.9, 11.0)],
    ...                      crs=4326)
    >>> zoom_target(f, "1")
    ([10.95, 106.85], 12)
    """
    hit = frame[frame["code"] == code]
    if code is None or hit.empty:
        return None, None
    return fit_target(hit)


def fit_target(frame: gpd.GeoDataFrame) -> tuple[list[float], int]:
    """Centre ``[lat, lon]`` and zoom level that show every unit of ``frame``.

    >>> from shapely.geometry import box
    >>> f = gpd.GeoDataFrame({"code": ["1", "2"]}, crs=4326,
    ...                      geometry=[box(106.8, 10.9, 106.9, 11.0), box(107.0, 11.0,
    ...                                                                    107.2, 11.2)])
    >>> fit_target(f)
    ([11.05, 107.0], 10)
    """
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    extent = max(maxx - minx, maxy - miny, 1e-3)
    # At zoom z the world is 256·2^z px wide: the extent fills about 600 px.
    zoom = int(min(14, max(8, math.floor(math.log2(600 / extent)))))
    return [round((miny + maxy) / 2, 5), round((minx + maxx) / 2, 5)], zoom
