"""Print-quality static maps (PNG 300 dpi, PDF), drawn on the server with matplotlib.

A :class:`MapSpec` is the same view as the interactive map's (indicator, year, geography,
level, classification, palette, breaks, selected unit) plus paper, orientation and
language. Values and classes come from the very calls the interactive map makes
(:func:`analysis.mapdata.map_values`, :func:`analysis.classify.classify`,
:func:`analysis.classify.class_colours`), so the picture and the screen agree: the
shared :class:`~analysis.classify.Classification` is returned with the figure.

The sheet carries a title and subtitle, a legend with class ranges and unit counts, unit
names where they fit without overlapping, a scale bar in km (drawn in UTM zone 48N,
EPSG:32648), a north arrow, a locator inset, the source line (data file, import time,
boundary source and version, day made) and, when they apply, the stamps "Dữ liệu minh
họa" and "Ranh giới gần đúng". Text uses DejaVu Sans (bundled with matplotlib; it has
every Vietnamese letter) and is embedded as TrueType, so a PDF's text can be searched
and copied.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib_scalebar.scalebar import ScaleBar  # type: ignore[import-untyped]
from shapely import ops
from shapely.geometry import Polygon, box
from shapely.geometry.base import BaseGeometry

from analysis.classify import (
    MAX_CLASSES,
    MIN_CLASSES,
    NO_DATA_COLOUR,
    PALETTES,
    Classification,
    class_colours,
    class_labels,
    classify,
    get_scheme,
)
from analysis.mapdata import GEOGRAPHIES, Crosswalks, MapValues, collected_version, map_values
from analysis.viewstate import LANGS, LEVELS, ViewState
from povcore.errors import PovmapError
from povcore.i18n import decimals_of, format_number, t
from povcore.indicators import get_indicator
from povcore.units import get_version, registry
from povexport.provenance import Provenance

PAPERS_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
ORIENTATIONS = ("landscape", "portrait")
FORMATS = ("png", "pdf")
METRIC_CRS = 32648  # WGS 84 / UTM zone 48N: metres, grid north ≈ true north in Đồng Nai
FONT = "DejaVu Sans"
_MM = 1 / 25.4
_INK = "#222222"
_STAMP = "#b2182b"
Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class MapSpec(ViewState):
    """One map view (the interactive map's :class:`ViewState`) and the sheet it is printed on.

    ``year=None`` means the latest year with data.
    """

    lang: str = "vi"
    paper: str = "A4"
    orientation: str = "landscape"
    dpi: int = 300
    labels: bool = True

    def check(self) -> None:
        """Raise :class:`PovmapError` naming the first invalid field and the valid options.

        >>> MapSpec(paper="A5").check()
        Traceback (most recent call last):
        ...
        povcore.errors.PovmapError: Khổ giấy không hợp lệ 'A5' / invalid paper 'A5'. Valid: A4, A3.
        """
        get_indicator(self.indicator)
        get_scheme(self.scheme)
        _choice("Khổ giấy / paper", "paper", self.paper, list(PAPERS_MM))
        _choice("Hướng giấy / orientation", "orientation", self.orientation,
                list(ORIENTATIONS))
        _choice("Ngôn ngữ / language", "lang", self.lang, list(LANGS))
        _choice("Địa bàn / geography", "geography", self.geography, list(GEOGRAPHIES))
        _choice("Cấp / level", "level", self.level, list(LEVELS))
        _choice("Bảng màu / palette", "palette", self.palette, list(PALETTES))
        if self.scheme != "manual" and not MIN_CLASSES <= self.k <= MAX_CLASSES:
            raise PovmapError(f"Số lớp / number of classes {self.k}: phải từ {MIN_CLASSES} "
                              f"đến {MAX_CLASSES} / must be {MIN_CLASSES}–{MAX_CLASSES}.")
        if not 50 <= self.dpi <= 600:
            raise PovmapError(f"Độ phân giải / dpi {self.dpi}: phải từ 50 đến 600 / "
                              "must be 50–600.")

    def size_mm(self) -> tuple[float, float]:
        """Sheet width and height in millimetres.

        >>> MapSpec(paper="A3", orientation="portrait").size_mm()
        (297.0, 420.0)
        """
        long, short = PAPERS_MM[self.paper]
        return (long, short) if self.orientation == "landscape" else (short, long)

    def size_px(self) -> tuple[int, int]:
        """Pixel size of the PNG: A4 landscape at 300 dpi is 3508 × 2480.

        >>> MapSpec().size_px(), MapSpec(paper="A3", dpi=150).size_px()
        ((3508, 2480), (2480, 1754))
        """
        w, h = self.size_mm()
        return round(w * _MM * self.dpi), round(h * _MM * self.dpi)


def _choice(label: str, name: str, value: str, valid: Sequence[str]) -> None:
    if value not in valid:
        raise PovmapError(f"{label.split(' / ')[0]} không hợp lệ '{value}' / invalid {name} "
                          f"'{value}'. Valid: {', '.join(valid)}.")


# --------------------------------------------------------------------------- composition


@dataclass(frozen=True, eq=False)
class MapComposition:
    """Values, classes, colours and texts of one view (everything but the drawing)."""

    spec: MapSpec
    year: int
    values: MapValues
    classification: Classification
    colours: tuple[str, ...]
    labels: tuple[str, ...]
    title: str
    subtitle: str
    method: str
    names: pd.DataFrame  # code, name, type on the names day
    latest_year: int  # latest year with data (a map of an older year says so)
    legend_title: str | None = None  # default: the indicator and its unit


def latest_year(obs: pd.DataFrame) -> int:
    """Latest review year in ``obs``; an empty store is an error with the fix."""
    if obs.empty:
        raise PovmapError("Chưa có số liệu / no data yet. Chạy `povmap demo` hoặc "
                          "`povmap import TỆP` / run `povmap demo` or `povmap import FILE`.")
    return int(obs["year"].max())


def view_version(obs: pd.DataFrame, spec: MapSpec) -> tuple[int, str, str]:
    """``(year, boundary version, level)`` whose boundaries the view draws.

    A level the version does not have (districts from 2025 on) falls back to communes,
    as the map page does.

    >>> obs = pd.DataFrame({"year": [2024], "boundary_version": ["2024"]})
    >>> view_version(obs, MapSpec()), view_version(obs, MapSpec(geography="current"))
    ((2024, '2024', 'commune'), (2024, '2025', 'commune'))
    """
    year = spec.year if spec.year is not None else latest_year(obs)
    years = sorted({int(y) for y in obs["year"].unique()})
    if year not in years:
        shown = ", ".join(map(str, years)) or "—"
        raise PovmapError(f"Không có số liệu năm {year} / no data for {year}. "
                          f"Năm có số liệu / years with data: {shown}.")
    version = "2025" if spec.geography == "current" else collected_version(obs, year)
    level = spec.level if spec.level in get_version(version).levels else "commune"
    return year, version, level


def names_day(version: str, geography: str, year: int, today: dt.date) -> dt.date:
    """Day whose unit names and types a map shows (as the interactive map does).

    Data as collected: 31 December of the review year; re-aggregated: today; always
    within the version's validity.

    >>> names_day("2025", "collected", 2025, dt.date(2026, 11, 27))
    datetime.date(2025, 12, 31)
    >>> names_day("2021", "current", 2022, dt.date(2026, 11, 27))
    datetime.date(2024, 10, 31)
    """
    bv = get_version(version)
    day = today if geography == "current" else dt.date(year, 12, 31)
    day = max(day, bv.valid_from)
    return min(day, bv.valid_to) if bv.valid_to else day


def _unit_noun(version: str, level: str, lang: str) -> str:
    if level == "district":
        return "district-level units" if lang == "en" else "đơn vị cấp huyện"
    if version == "2025":
        return "communes and wards" if lang == "en" else "xã, phường"
    return "communes" if lang == "en" else "xã"


def _subtitle(mv: MapValues, spec: MapSpec, lang: str) -> str:
    from povexport.provenance import version_phrase

    geo = GEOGRAPHIES[mv.geography]
    geo_label = geo.label(lang)
    n = len(mv.values)
    where = "Đồng Nai"
    when = f"end of {mv.year}" if lang == "en" else f"cuối năm {mv.year}"
    units = f"{n} {_unit_noun(mv.version, mv.level, lang)} ({version_phrase(mv.version, lang)})"
    return " · ".join([where, when, units, geo_label])


def compose(obs: pd.DataFrame, spec: MapSpec, crosswalks: Crosswalks | None = None,
            province: str = "75", today: dt.date | None = None) -> MapComposition:
    """Values, classes and texts of ``spec`` (the same calls as the interactive map).

    Parameters
    ----------
    obs : pandas.DataFrame
        Long counts: unit_code, boundary_version, year, indicator, value.
    spec : MapSpec
        The view.
    crosswalks : mapping, optional
        ``{(from, to): weights}``; needed to re-aggregate older years.
    province : str
        GSO code of the province registry.
    today : datetime.date, optional
        Day of the export (names of re-aggregated maps are today's).

    Returns
    -------
    MapComposition
    """
    spec.check()
    year, _version, level = view_version(obs, spec)
    lang = spec.lang
    mv = map_values(obs, spec.indicator, year, spec.geography, level, crosswalks, province)
    cls = classify(mv.values, spec.scheme, spec.k,
                   spec.breaks if spec.scheme == "manual" else None)
    colours = class_colours(cls, spec.palette)
    ind = get_indicator(spec.indicator)
    decimals = decimals_of(ind)  # as the interactive legend writes them
    labels = class_labels(cls, lambda v: format_number(v, lang, decimals))
    day = names_day(mv.version, spec.geography, year, today or dt.date.today())
    names = registry(province).units(mv.version, level, on=day)  # type: ignore[arg-type]
    return MapComposition(
        spec=spec, year=year, values=mv, classification=cls, colours=tuple(colours),
        labels=tuple(labels), title=f"{ind.label(lang)} — {year}",
        subtitle=_subtitle(mv, spec, lang),
        method=mv.method_en if lang == "en" else mv.method_vi,
        names=names[["code", "name", "type"]].assign(code=names["code"].astype(str)),
        latest_year=max(year, int(obs["year"].max()) if len(obs) else year))


# --------------------------------------------------------------------------- drawing


@dataclass(frozen=True)
class Overlay:
    """An extra layer drawn over the units (zones, points of interest …).

    ``frame`` in any CRS; ``label`` goes into the legend.
    """

    frame: gpd.GeoDataFrame
    label: str
    colour: str = "#2166ac"
    hatch: str | None = "///"


@dataclass(frozen=True, eq=False)
class RenderedMap:
    """A drawn sheet and what it shows."""

    figure: Figure
    composition: MapComposition
    provenance: Provenance
    labelled: tuple[str, ...] = field(default=())

    def save(self, target: str | Path | BinaryIO, fmt: str) -> None:
        """Write the sheet as ``"png"`` (at the spec's dpi) or ``"pdf"``."""
        _choice("Định dạng / format", "format", fmt, list(FORMATS))
        metadata: dict[str, Any] = {"Title": self.composition.title,
                                    "Creator": "povmap (Bản đồ giảm nghèo)"}
        if fmt == "png":
            metadata = {"Title": self.composition.title, "Software": "povmap"}
        with mpl.rc_context(_RC):
            extra: dict[str, Any] = ({"pil_kwargs": {"compress_level": 3}} if fmt == "png"
                                     else {})
            self.figure.savefig(target, format=fmt, dpi=self.composition.spec.dpi,
                                metadata=metadata, facecolor="white", **extra)

    def to_bytes(self, fmt: str) -> bytes:
        """The sheet as PNG or PDF bytes."""
        buf = io.BytesIO()
        self.save(buf, fmt)
        return buf.getvalue()


_RC: Any = {"font.family": FONT, "pdf.fonttype": 42, "svg.fonttype": "none",
       "axes.unicode_minus": True}


@dataclass(frozen=True)
class _Layout:
    """Rectangles of the sheet, as figure fractions (left, bottom, width, height)."""

    title: tuple[float, float, float, float]
    map: tuple[float, float, float, float]
    legend: tuple[float, float, float, float]
    inset: tuple[float, float, float, float]
    footer: tuple[float, float, float, float]


def _layout(spec: MapSpec) -> _Layout:
    w, h = spec.size_mm()
    margin, title_h, footer_h = 10.0, 24.0 if w < 350 else 28.0, 16.0

    def frac(x: float, y: float, ww: float, hh: float) -> tuple[float, float, float, float]:
        return x / w, y / h, ww / w, hh / h

    body_y, body_h = margin + footer_h + 3, h - 2 * margin - title_h - footer_h - 3
    title = frac(margin, h - margin - title_h, w - 2 * margin, title_h)
    footer = frac(margin, margin, w - 2 * margin, footer_h)
    if spec.orientation == "landscape":
        side = 78.0 if w < 350 else 95.0
        map_w = w - 2 * margin - side - 4
        inset_h = min(55.0, body_h * 0.35)
        return _Layout(title, frac(margin, body_y, map_w, body_h),
                       frac(w - margin - side, body_y + inset_h + 4, side, body_h - inset_h - 4),
                       frac(w - margin - side + 8, body_y, side - 16, inset_h), footer)
    band = body_h * 0.30
    half = (w - 2 * margin) / 2
    return _Layout(title, frac(margin, body_y + band + 4, w - 2 * margin, body_h - band - 4),
                   frac(margin, body_y, half + 20, band),
                   frac(margin + half + 30, body_y, half - 30, band), footer)


def _project(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Units in UTM 48N, shared borders simplified together below the pixel size."""
    metric = frame.to_crs(METRIC_CRS)
    geoms = metric.geometry.to_numpy()
    try:
        simple = shapely.coverage_simplify(geoms, tolerance_m)
    except shapely.errors.GEOSException:
        simple = shapely.simplify(geoms, tolerance_m, preserve_topology=True)
    return metric.set_geometry(gpd.GeoSeries(simple, index=metric.index, crs=METRIC_CRS))


def _union(geoms: Any, close_m: float) -> BaseGeometry:
    """Outline of the units; slivers and gaps narrower than ``close_m`` are closed.

    Legacy layers (GADM) are not noded alike, so a plain union keeps hairline gaps that
    would print as dark lines inside the province.
    """
    try:
        return shapely.coverage_union_all(geoms)
    except shapely.errors.GEOSException:
        grown = shapely.union_all(shapely.buffer(shapely.make_valid(geoms), close_m))
        return shapely.buffer(grown, -close_m)


def _unit_colours(comp: MapComposition, codes: pd.Series) -> list[str]:
    yb = comp.classification.yb
    yb.index = yb.index.astype(str)
    classes = yb.reindex(codes.astype(str)).fillna(-1).astype(int).tolist()
    return [comp.colours[c] if c >= 0 else NO_DATA_COLOUR for c in classes]


def _extent(units: gpd.GeoDataFrame, selected: str | None) -> Bounds:
    hit = units[units["code"] == selected] if selected else units.iloc[0:0]
    minx, miny, maxx, maxy = (float(v) for v in (hit if len(hit) else units).total_bounds)
    if len(hit):  # zoom on the selected unit and its neighbours
        cx, cy, half = (minx + maxx) / 2, (miny + maxy) / 2, max(maxx - minx, maxy - miny) * 1.6
        half = max(half, 8000.0)
        return cx - half, cy - half, cx + half, cy + half
    return _padded((minx, miny, maxx, maxy), 0.02)


def _padded(bounds: tuple[float, ...], share: float) -> Bounds:
    minx, miny, maxx, maxy = bounds
    pad = max(maxx - minx, maxy - miny) * share
    return minx - pad, miny - pad, maxx + pad, maxy + pad


def _fit(fig: Figure, ax: Axes, bounds: Bounds) -> None:
    """Limits showing ``bounds`` at one scale on both axes, centred in the axes box."""
    minx, miny, maxx, maxy = bounds
    pos = ax.get_position()
    fig_w, fig_h = fig.get_size_inches()
    box_ratio = (pos.height * fig_h) / (pos.width * fig_w)
    w, h = maxx - minx, maxy - miny
    if h / w < box_ratio:
        h = w * box_ratio
    else:
        w = h / box_ratio
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect("equal", adjustable="box")


def _path(geom: BaseGeometry) -> MplPath:
    """A matplotlib path of a (multi)polygon, holes included."""
    polygons: list[Polygon] = [geom] if isinstance(geom, Polygon) else [
        g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon)]
    rings = [MplPath(np.asarray(r.coords)[:, :2], closed=True) for p in polygons
             for r in (p.exterior, *p.interiors)]
    return MplPath.make_compound_path(*rings) if rings else MplPath(np.zeros((0, 2)))


def _polygons(ax: Axes, geoms: Sequence[BaseGeometry], **style: Any) -> None:
    """Draw polygons as one collection (geopandas' plot redraws the figure every call)."""
    patches = [PathPatch(_path(g)) for g in geoms if g is not None and not g.is_empty]
    ax.add_collection(PatchCollection(patches, match_original=False, **style))


def _draw_units(ax: Axes, units: gpd.GeoDataFrame, comp: MapComposition,
                outline: gpd.GeoSeries, overlays: Sequence[Overlay]) -> None:
    _polygons(ax, list(units.geometry), facecolors=_unit_colours(comp, units["code"]),
              edgecolors="white", linewidths=0.35)
    _polygons(ax, _district_outlines(units, comp), facecolors="none", edgecolors="#737373",
              linewidths=0.6)
    _polygons(ax, list(outline), facecolors="none", edgecolors="#444444", linewidths=0.9)
    for ov in overlays:
        _polygons(ax, list(ov.frame.to_crs(METRIC_CRS).geometry), facecolors="none",
                  edgecolors=ov.colour, hatch=ov.hatch, linewidths=0.8)
    sel = comp.spec.unit
    if sel and (units["code"] == sel).any():
        _polygons(ax, list(units[units["code"] == sel].geometry), facecolors="none",
                  edgecolors="#08306b", linewidths=1.8)


def _district_outlines(units: gpd.GeoDataFrame, comp: MapComposition) -> list[BaseGeometry]:
    """District borders over a commune map of the 2021 or 2024 boundaries (else none)."""
    mv = comp.values
    if mv.level != "commune" or "district" not in get_version(mv.version).levels:
        return []
    parents = registry(mv.province).units(mv.version, "commune").set_index("code")
    parent = units["code"].map(parents["parent_code"].astype(str))
    close = 50.0
    return [_union(group.geometry.to_numpy(), close)
            for _, group in units.groupby(parent.to_numpy())]


def _short_name(name: str, typ: str) -> str:
    """A unit's name without its type prefix ("Phường Trấn Biên" → "Trấn Biên")."""
    name = unicodedata.normalize("NFC", str(name))
    for prefix in (typ, "Phường", "Xã", "Thị trấn", "Thành phố", "Thị xã", "Huyện"):
        if prefix and name.startswith(prefix + " "):
            return name[len(prefix) + 1:]
    return name


@dataclass(frozen=True)
class _Candidate:
    code: str
    text: str
    x: float
    y: float
    part: BaseGeometry
    ink: str


def _ink_on(fill: str) -> str:
    """Dark names on light fills, white names on dark fills (no halo needed).

    >>> _ink_on("#ffffb2"), _ink_on("#bd0026")
    ('#222222', 'white')
    """
    r, g, b = (int(fill[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else _INK


def _label_candidates(ax: Axes, units: gpd.GeoDataFrame,
                      comp: MapComposition) -> list[_Candidate]:
    """Units in view with their name and anchor: the selected unit first, then by size."""
    names = comp.names.set_index("code")
    order = units.assign(_area=units.geometry.area,
                         _sel=units["code"] == comp.spec.unit).sort_values(
        ["_sel", "_area"], ascending=False)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    view = box(x0, y0, x1, y1)
    fills = dict(zip(units["code"], _unit_colours(comp, units["code"]), strict=True))
    out = []
    for code, geom in zip(order["code"], order.geometry, strict=True):
        if code not in names.index or geom is None or geom.is_empty:
            continue
        part = geom.intersection(view)
        if part.is_empty:
            continue
        biggest = _largest(part)
        anchor = (ops.polylabel(biggest, tolerance=100.0) if isinstance(biggest, Polygon)
                  else biggest.representative_point())
        text = _short_name(str(names.at[code, "name"]), str(names.at[code, "type"]))
        out.append(_Candidate(str(code), text, anchor.x, anchor.y, part,
                              _ink_on(fills[code])))
    return out


def _place_labels(fig: Figure, ax: Axes, units: gpd.GeoDataFrame, comp: MapComposition,
                  size_pt: float) -> tuple[str, ...]:
    """Unit names inside their polygon, never overlapping.

    The selected unit is always named; then the biggest units first, at ``size_pt``,
    and a second pass at 80 % of it for the small units of dense urban areas.
    """
    renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
    ax.apply_aspect()
    x_lo, x_hi = ax.get_xlim()
    per_px = (x_hi - x_lo) / ax.get_window_extent(renderer).width  # metres per pixel
    candidates = _label_candidates(ax, units, comp)
    placed: list[BaseGeometry] = []
    kept: list[str] = []
    for size in (size_pt, size_pt * 0.8):
        prop = FontProperties(family=FONT, size=size)
        for cand in candidates:
            if cand.code in kept:
                continue
            w_px, h_px, _descent = renderer.get_text_width_height_descent(cand.text, prop,
                                                                          ismath=False)
            half_w, half_h = w_px / 2 * per_px, h_px / 2 * per_px
            label_box = box(cand.x - half_w, cand.y - half_h, cand.x + half_w,
                            cand.y + half_h)
            inside = label_box.intersection(cand.part).area / max(label_box.area, 1e-9)
            if ((inside >= 0.96 or cand.code == comp.spec.unit)
                    and not any(label_box.intersects(p) for p in placed)):
                placed.append(label_box)
                kept.append(cand.code)
                _label(ax, cand, size)
    return tuple(kept)


def _label(ax: Axes, cand: _Candidate, size: float) -> None:
    # Plain text (searchable and copyable in the PDF), its colour chosen against the fill.
    ax.text(cand.x, cand.y, cand.text, fontsize=size, ha="center", va="center",
            color=cand.ink, zorder=6)


def _largest(geom: BaseGeometry) -> BaseGeometry:
    if geom.geom_type == "MultiPolygon":
        return max(getattr(geom, "geoms", []), key=lambda g: g.area)  # type: ignore[no-any-return]
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in getattr(geom, "geoms", [])
                 if g.geom_type in ("Polygon", "MultiPolygon")]
        return _largest(max(polys, key=lambda g: g.area)) if polys else geom
    return geom


def _north_arrow(ax: Axes) -> None:
    ax.annotate("", xy=(0.965, 0.97), xytext=(0.965, 0.885), xycoords="axes fraction",
                arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=1.0",
                            "color": _INK, "linewidth": 1.4})
    ax.text(0.965, 0.86, "N", transform=ax.transAxes, ha="center", va="top",
            fontsize=10, fontweight="bold", color=_INK)


def _scale_bar(ax: Axes, lang: str) -> None:
    def fmt(value: float, unit: str) -> str:
        return f"{format_number(float(value), lang, 0 if float(value).is_integer() else 1)} {unit}"

    ax.add_artist(ScaleBar(1.0, "m", location="lower left", length_fraction=0.22,
                           box_alpha=0.75, color=_INK, scale_formatter=fmt,
                           font_properties={"family": FONT, "size": 8}))


def _demo_watermark(ax: Axes, lang: str) -> None:
    text = "DỮ LIỆU MINH HỌA" if lang == "vi" else "DEMO DATA — DỮ LIỆU MINH HỌA"
    ax.text(0.5, 0.5, text, transform=ax.transAxes, rotation=28, ha="center", va="center",
            fontsize=44, fontweight="bold", color=_STAMP, alpha=0.10, zorder=6, clip_on=True)


def _draw_map(fig: Figure, layout: _Layout, comp: MapComposition, units: gpd.GeoDataFrame,
              outline: gpd.GeoSeries, overlays: Sequence[Overlay],
              provenance: Provenance) -> tuple[Axes, tuple[str, ...]]:
    ax = fig.add_axes(layout.map)
    _draw_units(ax, units, comp, outline, overlays)
    _fit(fig, ax, _extent(units, comp.spec.unit))
    ax.set_axis_off()
    ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False,
                           edgecolor="#888888", linewidth=0.6, clip_on=False))
    size = 5.0 if comp.spec.paper == "A4" else 6.0
    labelled = _place_labels(fig, ax, units, comp, size) if comp.spec.labels else ()
    _north_arrow(ax)
    _scale_bar(ax, comp.spec.lang)
    if provenance.demo:
        _demo_watermark(ax, comp.spec.lang)
    return ax, labelled


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False))


def _legend_heading(comp: MapComposition) -> str:
    if comp.legend_title:
        return comp.legend_title
    ind = get_indicator(comp.spec.indicator)
    lang = comp.spec.lang
    unit = ind.unit_en if lang == "en" else ind.unit_vi
    return f"{ind.label(lang)} ({unit})"


def _legend_rows(comp: MapComposition, lang: str) -> list[tuple[str, str, int]]:
    cls = comp.classification
    rows = [(c, label, n) for c, label, n in zip(comp.colours, comp.labels, cls.counts,
                                                 strict=True)]
    if cls.no_data_count:
        rows.append((NO_DATA_COLOUR, t("no_data", lang), cls.no_data_count))
    return rows


def _draw_legend(fig: Figure, layout: _Layout, comp: MapComposition,
                 overlays: Sequence[Overlay]) -> None:
    ax = fig.add_axes(layout.legend)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    lang = comp.spec.lang
    width_chars = 40 if comp.spec.orientation == "landscape" else 52
    heading = _wrap(_legend_heading(comp), width_chars)
    ax.text(0, 1, heading, va="top", ha="left", fontsize=9, fontweight="bold", color=_INK)
    y = 1 - 0.05 * (heading.count("\n") + 1) - 0.01
    ax.text(1, y, t("export_units_col", lang), ha="right", va="top", fontsize=7,
            color="#555555")
    y -= 0.03
    step = min(0.07, 0.55 / max(len(_legend_rows(comp, lang)) + len(overlays), 1))
    for colour, label, n in _legend_rows(comp, lang):
        y -= step
        ax.add_patch(Rectangle((0, y), 0.12, step * 0.8, facecolor=colour,
                               edgecolor="#666666", linewidth=0.4))
        ax.text(0.16, y + step * 0.4, label, va="center", fontsize=8, color=_INK)
        ax.text(1, y + step * 0.4, format_number(n, lang), va="center", ha="right",
                fontsize=8, color=_INK)
    for ov in overlays:
        y -= step
        ax.add_patch(Rectangle((0, y), 0.12, step * 0.8, facecolor="none", hatch=ov.hatch,
                               edgecolor=ov.colour, linewidth=0.8))
        ax.text(0.16, y + step * 0.4, ov.label, va="center", fontsize=8, color=_INK)
    _legend_method(ax, comp, y - 0.03, width_chars)


def _legend_method(ax: Axes, comp: MapComposition, y: float, width_chars: int) -> None:
    lang = comp.spec.lang
    if comp.classification.scheme == CATEGORIES_SCHEME:
        return
    scheme = get_scheme(comp.classification.scheme)
    label = scheme.label(lang)
    text = f"{t('scheme', lang)}: {label}, {comp.classification.k} {t('export_classes', lang)}"
    if comp.classification.note:
        vi, _, en = comp.classification.note.partition(" / ")
        text += f". {en or vi}" if lang == "en" else f". {vi}"
    ax.text(0, y, _wrap(text, width_chars + 14), va="top", ha="left", fontsize=7,
            color="#444444")


def _draw_inset(fig: Figure, layout: _Layout, outline: gpd.GeoSeries, view: Axes,
                units: gpd.GeoDataFrame, selected: str | None, lang: str) -> None:
    ax = fig.add_axes(layout.inset)
    _polygons(ax, list(outline), facecolors="#d9d9d9", edgecolors="#555555", linewidths=0.5)
    if selected and (units["code"] == selected).any():
        _polygons(ax, list(units[units["code"] == selected].geometry), facecolors="#08306b",
                  edgecolors="none")
    x0, x1 = view.get_xlim()
    y0, y1 = view.get_ylim()
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=_STAMP,
                           linewidth=0.9))
    whole = tuple(float(v) for v in outline.total_bounds)
    _fit(fig, ax, _padded((min(whole[0], x0), min(whole[1], y0), max(whole[2], x1),
                      max(whole[3], y1)), 0.08))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(t("export_locator", lang), fontsize=7, color="#555555", loc="left", pad=3)
    for spine in ax.spines.values():
        spine.set_edgecolor("#888888")
        spine.set_linewidth(0.5)


def _draw_title(fig: Figure, layout: _Layout, comp: MapComposition,
                provenance: Provenance) -> None:
    ax = fig.add_axes(layout.title)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    big = comp.spec.paper == "A3"
    title = ax.text(0, 0.95, comp.title, va="top", ha="left", fontsize=18 if big else 15,
                    fontweight="bold", color=_INK)
    stamps = [ax.text(1.0, 0.95, s, va="top", ha="right", fontsize=9.5, fontweight="bold",
                      color=colour, bbox={"boxstyle": "round,pad=0.4", "facecolor": "white",
                                          "edgecolor": colour, "linewidth": 1.4})
              for s, colour in _stamp_texts(comp, provenance)]
    widths = [_text_width(fig, a) + 0.02 for a in stamps]
    one_line = _text_width(fig, title) + sum(widths) + 0.02 <= 1.0
    if not one_line and sum(widths) > 1.0:  # one row of stamps under the subtitle
        for artist in stamps:
            artist.set_fontsize(9.5 * 0.98 / sum(widths))
        widths = [_text_width(fig, a) + 0.02 for a in stamps]
    sub_y = 0.45 if one_line or not stamps else 0.64
    ax.text(0, sub_y, comp.subtitle, va="top", ha="left", fontsize=11 if big else 9.5,
            color="#333333")
    x, y = (1.0, 0.95) if one_line else (0.005, 0.33)
    for artist, width in zip(stamps, widths, strict=True):
        artist.set_position((x, y))
        if one_line:
            x -= width
        else:
            artist.set_horizontalalignment("left")
            x += width


def _stamp_texts(comp: MapComposition, provenance: Provenance) -> list[tuple[str, str]]:
    """Caveats and their colour (red: demo data, approximate boundaries; grey: old year).

    A map of a year older than the latest one with data says so: it is not the current
    situation.
    """
    lang = comp.spec.lang
    out = []
    if provenance.demo:
        out.append((t("export_stamp_demo", lang), _STAMP))
    if provenance.approximate:
        out.append((t("export_stamp_approximate", lang), _STAMP))
    if comp.year < comp.latest_year:
        out.append((t("export_stamp_older", lang).format(latest=comp.latest_year), "#525252"))
    return out


def _text_width(fig: Figure, artist: Any) -> float:
    renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
    bb = artist.get_window_extent(renderer)
    ax_bb = artist.axes.get_window_extent(renderer)
    return float(bb.width / ax_bb.width)


def _draw_footer(fig: Figure, layout: _Layout, comp: MapComposition,
                 provenance: Provenance) -> None:
    ax = fig.add_axes(layout.footer)
    ax.set_axis_off()
    chars = int(layout.footer[2] * comp.spec.size_mm()[0] * 0.58)
    method = f"{t('method', comp.spec.lang)}: {comp.method}"
    ax.text(0, 1, _wrap(method, chars), va="top", ha="left", fontsize=7, color="#444444")
    ax.text(0, 0, _wrap(provenance.source_line(comp.spec.lang), chars), va="bottom",
            ha="left", fontsize=7, color=_INK)


def render_map(obs: pd.DataFrame, spec: MapSpec, frame: gpd.GeoDataFrame,
               provenance: Provenance, crosswalks: Crosswalks | None = None,
               overlays: Sequence[Overlay] = (), province: str = "75",
               today: dt.date | None = None) -> RenderedMap:
    """Draw ``spec`` on a sheet.

    Parameters
    ----------
    obs : pandas.DataFrame
        Long counts (the store's observations).
    spec : MapSpec
        View, paper, orientation, language and dpi.
    frame : geopandas.GeoDataFrame
        Polygons of the view's boundary version and level (``code`` column, any CRS);
        see :func:`view_version`.
    provenance : Provenance
        Source, import time, boundary source, and the demo / approximate flags.
    crosswalks : mapping, optional
        Crosswalk weights for re-aggregated views.
    overlays : sequence of Overlay
        Extra layers drawn over the units.
    province : str
        GSO code of the province.
    today : datetime.date, optional
        Day of the export.

    Returns
    -------
    RenderedMap
        The figure (save it with :meth:`RenderedMap.save`) and its composition.
    """
    comp = compose(obs, spec, crosswalks, province, today)
    return draw_composition(comp, frame, provenance, overlays)


def draw_composition(comp: MapComposition, frame: gpd.GeoDataFrame, provenance: Provenance,
                     overlays: Sequence[Overlay] = ()) -> RenderedMap:
    """Draw a composed map (:func:`compose` or :func:`category_composition`) on a sheet."""
    spec = comp.spec
    w_px, h_px = spec.size_px()
    fig = Figure(figsize=(w_px / spec.dpi, h_px / spec.dpi), dpi=spec.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    layout = _layout(spec)
    units = gpd.GeoDataFrame(frame.assign(code=frame["code"].astype(str)), geometry="geometry")
    units = units[units["code"].isin(set(comp.values.values.index.astype(str)))]
    metres_per_px = _metres_per_px(units, layout, spec)
    units = _project(units, metres_per_px / 2)
    outline = gpd.GeoSeries([_union(units.geometry.to_numpy(), 3 * metres_per_px)],
                            crs=METRIC_CRS)
    with mpl.rc_context(_RC):
        view, labelled = _draw_map(fig, layout, comp, units, outline, overlays, provenance)
        _draw_title(fig, layout, comp, provenance)
        _draw_legend(fig, layout, comp, overlays)
        _draw_inset(fig, layout, outline, view, units, spec.unit, spec.lang)
        _draw_footer(fig, layout, comp, provenance)
    return RenderedMap(fig, comp, provenance, labelled)


CATEGORIES_SCHEME = "categories"


@dataclass(frozen=True)
class Category:
    """One class of a categorical map (e.g. "on track"): key, legend label, colour."""

    key: str
    label: str
    colour: str


def category_composition(categories: pd.Series, legend: Sequence[Category], spec: MapSpec,
                         title: str, subtitle: str, method: str, year: int,
                         legend_title: str, version: str = "2025", province: str = "75",
                         today: dt.date | None = None) -> MapComposition:
    """A categorical map (progress, zones …) from a plain per-unit series.

    Parameters
    ----------
    categories : pandas.Series
        Index = unit code of ``version``; value = a category key, or NaN (no data).
    legend : sequence of Category
        The categories in legend order.
    spec : MapSpec
        Paper, orientation, language, dpi, selected unit (the view fields are ignored).
    title, subtitle, method : str
        Texts of the sheet, already in the sheet's language.
    year : int
        Year shown.
    legend_title : str
        Heading of the legend.
    version : str
        Boundary version of the units (commune level).
    province : str
        GSO code of the province.
    today : datetime.date, optional
        Day of the export (unit names of ``version`` on that day).

    Returns
    -------
    MapComposition
        Its ``classification.yb`` is the legend position of each unit (−1: no data).
    """
    spec.check()
    codes = registry(province).units(version, "commune")["code"].astype(str)
    index = {c.key: i for i, c in enumerate(legend)}
    cats = categories.copy()
    cats.index = cats.index.astype(str)
    yb = cats.reindex(codes).map(lambda v: index.get(v, -1) if isinstance(v, str) else -1)
    yb = pd.Series(yb.to_numpy(dtype=int), index=pd.Index(codes), name="class")
    unknown = sorted({str(v) for v in cats.dropna()} - set(index))
    if unknown:
        raise PovmapError(f"Loại không có trong chú giải / categories missing from the "
                          f"legend: {', '.join(unknown)}. Valid: {', '.join(index)}.")
    counts = tuple(int((yb == i).sum()) for i in range(len(legend)))
    cls = Classification(bins=tuple(float(i) for i in range(len(legend))), lower=0.0, yb=yb,
                         counts=counts, no_data_count=int((yb < 0).sum()),
                         scheme=CATEGORIES_SCHEME, k_requested=len(legend), k=len(legend),
                         note=None)
    nan = pd.Series(float("nan"), index=yb.index)
    mv = MapValues(version=version, level="commune", geography="current",
                   indicator="poor_a", year=year, source_version=version,
                   values=yb.where(yb >= 0).astype(float), previous=nan, change=nan,
                   rank=nan, counts=pd.DataFrame(index=yb.index), method_vi=method,
                   method_en=method, unmatched=(), not_in_crosswalk=(), province=province)
    day = names_day(version, "current", year, today or dt.date.today())
    names = registry(province).units(version, "commune", on=day)
    return MapComposition(
        spec=spec, year=year, values=mv, classification=cls,
        colours=tuple(c.colour for c in legend), labels=tuple(c.label for c in legend),
        title=title, subtitle=subtitle, method=method,
        names=names[["code", "name", "type"]].assign(code=names["code"].astype(str)),
        latest_year=year, legend_title=legend_title)


def _metres_per_px(units: gpd.GeoDataFrame, layout: _Layout, spec: MapSpec) -> float:
    minx, miny, maxx, maxy = (float(v) for v in units.to_crs(METRIC_CRS).total_bounds)
    w_px = layout.map[2] * spec.size_px()[0]
    h_px = layout.map[3] * spec.size_px()[1]
    if not (math.isfinite(minx) and w_px > 0 and h_px > 0):
        return 10.0
    return float(max((maxx - minx) / w_px, (maxy - miny) / h_px, 1.0))


__all__ = ["FORMATS", "LANGS", "ORIENTATIONS", "PAPERS_MM", "Category", "MapComposition",
           "MapSpec", "Overlay", "RenderedMap", "category_composition", "compose",
           "draw_composition", "latest_year", "names_day", "render_map", "view_version"]
