r"""Choropleth map of one indicator: one GeoJSON layer, legend, title and flags.

Returns a ``folium.Map`` and never shows it (no streamlit here), so tests inspect the
rendered HTML. The map loads only local files (:mod:`povmaps.mapassets`): Leaflet, and
``choropleth.js`` / ``choropleth.css`` from ``dashboard/static/povmap/``, which hold the
browser side (style and hover functions, TopoJSON decoder, controls, their CSS); the
scripts rendered here only call ``povmap.*`` with data.

Escaping: every text shown comes from data or the caller, and all of it is HTML-escaped
here, at the point where it becomes HTML:

* legend, title and flags are markup built in Python with :func:`html.escape`;
* tooltip strings are escaped *before* they go into the GeoJSON properties, because
  folium's ``GeoJsonTooltip`` pastes properties and aliases into ``innerHTML`` as they
  are. folium embeds them with Jinja's ``tojson``, which writes ``&`` as ``\u0026``:
  JavaScript decodes that back to ``&lt;``, so the browser shows ``<`` as text.

Size: features carry only ``code``, ``name`` (escaped "name (type)"), ``fill``, the tooltip
strings ``t0, t1, …`` and ``selected`` on the selected unit. One JavaScript style function
for the whole layer (``povmap.unitStyle``) reads ``fill`` (no per-feature Python style
closures, no style map).
Each unit is one feature with Polygon or MultiPolygon geometry, which Leaflet draws as
exactly one SVG ``path`` (class ``povmap-unit``); the selected unit comes last so that
its outline is drawn on top of its neighbours'.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely
from folium.template import Template
from shapely.geometry import mapping

from analysis.classify import NO_DATA_COLOUR
from povcore.i18n import LANGUAGES, t
from povmaps.mapassets import ASSET_URLS, AssetUrls, offline_map

UNITS_LAYER = "units"
OUTLINE_LAYER = "outline"
UNIT_CLASS = "povmap-unit"
OUTLINE_CLASS = "povmap-outline"
BASE_STYLE = {"color": "#555555", "weight": 0.7, "opacity": 1, "fillOpacity": 0.85}
SELECTED_STYLE = {"color": "#000000", "weight": 3.5, "opacity": 1, "fillOpacity": 0.85}
HOVER_STYLE = {"color": "#222222", "weight": 2.5}
OUTLINE_STYLE = {"color": "#333333", "weight": 2, "opacity": 0.9, "fill": False}
MISSING_ROW = "—"
_POLYGONAL = frozenset({"Polygon", "MultiPolygon"})
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


class HtmlControl(folium.MacroElement):
    """Markup placed in a Leaflet control (inside the map, beside zoom and scale).

    The markup is rendered into the page body with its own ``id`` and moved into a
    ``L.control`` by ``povmap.htmlControl`` (``choropleth.js``), so it is plain,
    testable HTML in the rendered page and also works in ``st_folium``, which adds the
    body HTML before running the script. The id is not folium's element name:
    ``st_folium`` renames those in scripts only.
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        {{ this.markup }}
        {% endmacro %}
        {% macro script(this, kwargs) %}
        povmap.htmlControl({{ this._parent.get_name() }}, {{ this.dom_id|tojson }},
                           {{ this.position|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, dom_id: str, markup: str, position: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "HtmlControl"
        self.dom_id = dom_id
        self.markup = markup
        self.position = position


def build_choropleth(
    frame: gpd.GeoDataFrame,
    values: pd.Series,
    classes: pd.Series,
    colours: Sequence[str],
    labels: Sequence[str],
    counts: Sequence[int],
    no_data_count: int,
    title: str,
    unit_label: str,
    *,
    tooltip_rows: Mapping[str, Mapping[str, str]] | None = None,
    flags: Sequence[str] = (),
    selected: str | None = None,
    outline: gpd.GeoDataFrame | None = None,
    lang: str = "vi",
    urls: AssetUrls = ASSET_URLS,
) -> folium.Map:
    """Choropleth of one indicator over the units of ``frame``.

    Parameters
    ----------
    frame : GeoDataFrame
        Columns ``code``, ``name``, ``type`` (xã, phường, …) and Polygon/MultiPolygon
        geometry in EPSG:4326, already simplified and rounded for the web.
    values : Series
        Code → value; NaN means no data. Only checked against ``classes``.
    classes : Series
        Code → class index ``0 … k-1``; ``-1`` (or a missing code) means no data.
    colours, labels, counts : sequence
        Per class: fill colour (``#rrggbb``), legend range label, number of units.
    no_data_count : int
        Number of units without data (grey legend entry).
    title : str
        Map title, e.g. the indicator and year.
    unit_label : str
        Unit of the values, heading the legend (e.g. "Tỷ lệ hộ nghèo (%)").
    tooltip_rows : mapping, optional
        Code → {row label: preformatted value}, e.g. ``{"Giá trị": "1.234,5 hộ"}``.
        Rows appear in order of first appearance; a unit lacking a row shows "—".
    flags : sequence of str, default ()
        Caveats shown as badges under the title ("Dữ liệu minh họa", …).
    selected : str, optional
        Code of the unit to outline.
    outline : GeoDataFrame, optional
        Province outline drawn on top as context (not interactive), EPSG:4326.
    lang : {"vi", "en"}, default "vi"
        Language of the builder's own words ("Không có dữ liệu", …).
    urls : AssetUrls, default :data:`povmaps.mapassets.ASSET_URLS`
        Local Leaflet URLs; pass ``asset_urls(prefix)`` behind ``server.baseUrlPath``.

    Returns
    -------
    folium.Map
        Not shown; no tiles unless ``POVMAP_TILES`` is set.

    Raises
    ------
    ValueError
        If inputs disagree (lengths, class indices, counts, unknown ``selected``,
        non-polygonal geometry, wrong CRS, unknown ``lang``); the message names the
        offending codes or values.
    """
    _check_frame(frame)
    _check_lang(lang)
    _check_legend(colours, labels, counts)
    on_map = _classes_on_map(frame, values, classes, len(colours))
    _check_counts(counts, no_data_count, on_map)
    _check_selected(frame, selected)
    fmap = _base_map(frame, urls)
    _units_layer(frame, on_map, colours, tooltip_rows or {}, selected, lang).add_to(fmap)
    if outline is not None:
        _outline_layer(outline).add_to(fmap)
    _title_control(title, flags).add_to(fmap)
    legend_id = _dom_id("legend")
    HtmlControl(legend_id, _legend_inner(colours, labels, counts, no_data_count, unit_label,
                                         lang, legend_id), "bottomright").add_to(fmap)
    return fmap


def _check_frame(frame: gpd.GeoDataFrame) -> None:
    missing = [c for c in ("code", "name", "type") if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks column(s) {missing}; it has {list(frame.columns)}.")
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        raise ValueError(f"frame must be in EPSG:4326 (the web layer), not {frame.crs}.")
    dupes = sorted(set(frame["code"][frame["code"].duplicated()].astype(str)))
    if dupes:
        raise ValueError(f"frame has duplicate unit codes: {dupes}.")
    types = frame.geometry.geom_type
    bad = frame.loc[~types.isin(_POLYGONAL) | frame.geometry.is_empty, "code"]
    if len(bad):
        raise ValueError(
            f"units {sorted(bad.astype(str))} have no Polygon/MultiPolygon geometry; "
            "each unit must be one (Multi)Polygon to be drawn as one shape."
        )


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {sorted(LANGUAGES)}, not {lang!r}.")


def _classes_on_map(
    frame: gpd.GeoDataFrame, values: pd.Series, classes: pd.Series, k: int
) -> pd.Series:
    """Class index per unit of ``frame`` (in frame order); -1 for no data."""
    codes = frame["code"]
    on_map = classes.reindex(codes.to_numpy()).fillna(-1).astype(int)
    out_of_range = on_map[(on_map < -1) | (on_map >= k)]
    if len(out_of_range):
        raise ValueError(
            f"class indices must be -1 … {k - 1} for {k} colours; got "
            f"{dict(out_of_range.items())}."
        )
    has_value = values.reindex(codes.to_numpy()).notna().to_numpy()
    disagree = codes[(on_map.to_numpy() >= 0) != has_value]
    if len(disagree):
        raise ValueError(
            f"units {sorted(disagree.astype(str))}: a value must have a class and NaN "
            "must have class -1."
        )
    return on_map


def _check_legend(colours: Sequence[str], labels: Sequence[str], counts: Sequence[int]) -> None:
    if not len(colours) == len(labels) == len(counts):
        raise ValueError(
            f"colours, labels and counts must have one entry per class; got "
            f"{len(colours)}, {len(labels)}, {len(counts)}."
        )
    bad = [c for c in colours if not _HEX_COLOUR.match(c)]
    if bad:
        raise ValueError(f"colours must be hex like '#a1b2c3'; got {bad}.")


def _check_counts(counts: Sequence[int], no_data_count: int, on_map: pd.Series) -> None:
    actual = [int((on_map == i).sum()) for i in range(len(counts))]
    actual_no_data = int((on_map == -1).sum())
    if list(counts) != actual or no_data_count != actual_no_data:
        raise ValueError(
            f"legend counts {list(counts)} + no data {no_data_count} disagree with the "
            f"classes of the units on the map: {actual} + no data {actual_no_data}."
        )


def _check_selected(frame: gpd.GeoDataFrame, selected: str | None) -> None:
    if selected is not None and selected not in set(frame["code"]):
        raise ValueError(
            f"selected unit {selected!r} is not on this map ({len(frame)} units); "
            "pass one of its codes or None."
        )


def _base_map(frame: gpd.GeoDataFrame, urls: AssetUrls) -> folium.Map:
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    fmap = offline_map(
        urls=urls,
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=9,
        control_scale=True,
        zoom_control=True,
        prefer_canvas=False,
    )
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    return fmap


def _row_labels(tooltip_rows: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Row labels in order of first appearance across units."""
    return list(dict.fromkeys(label for rows in tooltip_rows.values() for label in rows))


def _unit_label(name: object, unit_type: object) -> str:
    kind = unit_type.strip() if isinstance(unit_type, str) else ""
    return html.escape(f"{name} ({kind})" if kind else str(name))


_PREFIXES = ("Thành phố ", "Thị xã ", "Thị trấn ", "Huyện ", "Phường ", "Xã ", "Đặc khu ")


def short_name(name: str) -> str:
    """A unit's name as drawn on the map, without its type word.

    >>> short_name("Phường Biên Hòa"), short_name("Xã Bù Đăng"), short_name("Xã 1")
    ('Biên Hòa', 'Bù Đăng', 'Xã 1')
    """
    for prefix in _PREFIXES:
        rest = name[len(prefix):]
        if name.startswith(prefix) and rest and not rest[0].isdigit():
            return rest
    return name


def _unit_records(
    frame: gpd.GeoDataFrame,
    on_map: pd.Series,
    colours: Sequence[str],
    tooltip_rows: Mapping[str, Mapping[str, str]],
    selected: str | None,
) -> list[dict[str, Any]]:
    """Escaped properties per unit (column lists, no per-row pandas); selected last."""
    row_labels = _row_labels(tooltip_rows)
    records = []
    for code, name, kind, cls in zip(frame["code"].astype(str).tolist(),
                                     frame["name"].tolist(), frame["type"].tolist(),
                                     on_map.to_numpy().tolist(), strict=True):
        rows = tooltip_rows.get(code, {})
        props: dict[str, Any] = {
            "code": code,
            "name": _unit_label(name, kind),
            "lb": html.escape(short_name(str(name))),
            "fill": colours[cls] if cls >= 0 else NO_DATA_COLOUR,
        }
        for i, label in enumerate(row_labels):
            props[f"t{i}"] = html.escape(str(rows.get(label, MISSING_ROW)))
        if code == selected:
            props["selected"] = True
        records.append(props)
    # The selected unit last: SVG draws it after its neighbours, so its outline is whole.
    records.sort(key=lambda r: bool(r.get("selected")))
    return records


def _style_args() -> str:
    return f"{json.dumps(SELECTED_STYLE)}, {json.dumps(BASE_STYLE)}"


class TopologyData(folium.MacroElement):
    """Adds the units to its parent GeoJson layer from an embedded TopoJSON.

    TopoJSON stores each shared border once as delta-encoded integers, so the page is
    about a third of the equivalent GeoJSON. The decoder is ours,
    ``povmap.addTopology`` in ``choropleth.js`` (a few lines of the TopoJSON
    specification: arcs, delta decoding, ``~i`` for reversed arcs); no library is
    loaded. Each unit becomes one GeoJSON feature, hence one SVG path.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        povmap.addTopology({{ this._parent.get_name() }}, {{ this.topology }});
        povmap.addLabels({{ this._parent.get_name() }}, {{ this.lang }});
        {% endmacro %}
        """
    )

    def __init__(self, topology: bytes, lang: str = "vi") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TopologyData"
        self.lang = json.dumps(lang)
        # Properties are HTML-escaped already; "</" is escaped so it cannot end the script.
        self.topology = topology.decode("utf-8").replace("</", "<\\/")


@dataclass(frozen=True)
class _Skeleton:
    """The geometry part of a topology: quantisation, geometry per code, arcs as JSON.

    ``labels`` holds per code where its name is drawn: ``[lon, lat, rank]``, the
    point of the largest part farthest from its edges (pole of inaccessibility), and
    the unit's rank by area (0 = largest), which decides who is labelled first.
    """

    transform: dict[str, Any]
    geoms: dict[str, dict[str, Any]]
    arcs_json: str
    labels: dict[str, list[float]]


def _label_points(frame: gpd.GeoDataFrame) -> dict[str, list[float]]:
    """Label anchor and area rank per unit code (see :class:`_Skeleton`)."""
    from shapely.ops import polylabel

    out: dict[str, list[float]] = {}
    areas = shapely.area(frame.geometry.to_numpy())  # degrees²: only ranks them
    order = {int(i): rank for rank, i in enumerate(areas.argsort()[::-1])}
    for i, (code, geom) in enumerate(zip(frame["code"].astype(str), frame.geometry,
                                         strict=True)):
        if geom is None or geom.is_empty:
            continue
        parts = list(getattr(geom, "geoms", [geom]))
        largest = max(parts, key=lambda g: g.area)
        try:
            point = polylabel(largest, tolerance=0.002)
        except Exception:  # degenerate part (polylabel raises): a point inside instead
            point = largest.representative_point()
        out[code] = [round(point.x, 4), round(point.y, 4), float(order[i])]
    return out


_SKELETONS: dict[str, _Skeleton] = {}


def _skeleton(frame: gpd.GeoDataFrame) -> _Skeleton:
    """The geometry part of the topology (arcs, per-code geometries), memoised.

    Changing the indicator or year only changes properties, so the arcs of a given
    geometry are encoded once per process.
    """
    from geodata.web import web_topojson

    digest = hashlib.sha256(b"".join(shapely.to_wkb(frame.geometry.to_numpy()))
                            + "|".join(frame["code"].astype(str)).encode()).hexdigest()
    if digest not in _SKELETONS:
        if len(_SKELETONS) >= 16:
            _SKELETONS.pop(next(iter(_SKELETONS)))
        topo = json.loads(web_topojson(frame[["code", "geometry"]], name_column=None))
        geoms = {g["properties"]["code"]: g for g in topo["objects"]["units"]["geometries"]}
        _SKELETONS[digest] = _Skeleton(topo["transform"], geoms,
                                       json.dumps(topo["arcs"], separators=(",", ":")),
                                       _label_points(frame))
    return _SKELETONS[digest]


def _topology(frame: gpd.GeoDataFrame, props: list[dict[str, Any]]) -> bytes:
    skel = _skeleton(frame)
    geometries = [
        {"type": skel.geoms[p["code"]]["type"], "arcs": skel.geoms[p["code"]]["arcs"],
         "properties": {**{k: v for k, v in p.items() if v is not None},
                        "lp": skel.labels.get(p["code"])}}
        for p in props
    ]
    head = {"type": "Topology", "transform": skel.transform,
            "objects": {"units": {"type": "GeometryCollection", "geometries": geometries}}}
    body = json.dumps(head, separators=(",", ":"), ensure_ascii=False)
    # The arcs were serialised once with the skeleton; splice them in.
    return (body[:-1] + ',"arcs":' + skel.arcs_json + "}").encode()


def _units_layer(
    frame: gpd.GeoDataFrame,
    on_map: pd.Series,
    colours: Sequence[str],
    tooltip_rows: Mapping[str, Mapping[str, str]],
    selected: str | None,
    lang: str,
) -> folium.GeoJson:
    records = _unit_records(frame, on_map, colours, tooltip_rows, selected)
    row_labels = _row_labels(tooltip_rows)
    topology = _topology(frame, records)
    # A stub feature without geometry carries the property names folium checks the
    # tooltip fields against; Leaflet skips it. The units come from the topology.
    stub = {k: "" for k in records[0] if k not in ("selected", "lb")}
    tooltip = folium.GeoJsonTooltip(
        fields=["name", *(f"t{i}" for i in range(len(row_labels)))],
        aliases=[html.escape(t("map_unit", lang)), *(html.escape(r) for r in row_labels)],
        class_name="povmap-tooltip",
        sticky=True,
        # First side by the map's centre; choropleth.js (keepTooltipInside) then keeps
        # it on a side where it fits (it was cut at the left edge).
        direction="auto",
    )
    each_feature = f"povmap.unitEvents({_style_args()}, {json.dumps(HOVER_STYLE)})"
    layer = folium.GeoJson(
        {"type": "FeatureCollection",
         "features": [{"type": "Feature", "properties": stub, "geometry": None}]},
        name=UNITS_LAYER,
        tooltip=tooltip,
        on_each_feature=folium.JsCode(each_feature),
        style=folium.JsCode(f"povmap.unitStyle({_style_args()})"),
        className=UNIT_CLASS,
    )
    TopologyData(topology, lang).add_to(layer)
    return layer


def _outline_layer(outline: gpd.GeoDataFrame) -> folium.GeoJson:
    if outline.crs is not None and outline.crs.to_epsg() != 4326:
        raise ValueError(f"outline must be in EPSG:4326, not {outline.crs}.")
    features = [{"type": "Feature", "properties": {}, "geometry": mapping(geom)}
                for geom in outline.geometry if geom is not None and not geom.is_empty]
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=OUTLINE_LAYER,
        control=False,
        style=OUTLINE_STYLE,
        interactive=False,
        className=OUTLINE_CLASS,
    )


def _dom_id(role: str) -> str:
    # Hyphens, not underscores: st_folium rewrites "_<hex>" suffixes in scripts.
    return f"povmap-{role}-{uuid.uuid4().hex[:12]}"


def _title_control(title: str, flags: Sequence[str]) -> HtmlControl:
    dom_id = _dom_id("title")
    badges = "".join(f'<span class="povmap-flag">{html.escape(f)}</span>' for f in flags)
    markup = (
        f'<div id="{dom_id}" class="povmap-title">'
        f'<div class="povmap-title-text">{html.escape(title)}</div>'
        + (f'<div class="povmap-flags" role="note">{badges}</div>' if flags else "")
        + "</div>"
    )
    return HtmlControl(dom_id, markup, "topright")


def _legend_row(index: int, colour: str, label: str, count: int, extra: str = "") -> str:
    return (
        f'<div class="povmap-legend-row{extra}" data-class="{index}">'
        f'<span class="povmap-swatch" style="background-color:{colour}"></span>'
        f'<span class="povmap-legend-label">{html.escape(label)}</span>'
        f'<span class="povmap-legend-count">{int(count)}</span></div>'
    )


def _legend_inner(
    colours: Sequence[str],
    labels: Sequence[str],
    counts: Sequence[int],
    no_data_count: int,
    unit_label: str,
    lang: str,
    dom_id: str = "",
) -> str:
    rows = [_legend_row(i, c, lb, n) for i, (c, lb, n) in
            enumerate(zip(colours, labels, counts, strict=True))]
    rows.append(_legend_row(-1, NO_DATA_COLOUR, t("no_data", lang), no_data_count,
                            " povmap-no-data"))
    id_attr = f'id="{dom_id}" ' if dom_id else ""
    return (
        f'<div {id_attr}class="povmap-legend" role="group" '
        f'aria-label="{html.escape(t("legend", lang))}">'
        f'<div class="povmap-legend-title">{html.escape(unit_label)}</div>'
        + "".join(rows) + "</div>"
    )


#: Corners of a Leaflet control.
POSITIONS = frozenset({"topleft", "topright", "bottomleft", "bottomright"})


@dataclass(frozen=True)
class FrameControl:
    """One box inside the map frame: escaped ``markup`` in a corner.

    ``kind`` names the box (``title``, ``stamp``, ``legend``, ``overlays``): its CSS
    class ``povmap-frame-<kind>``, and, with ``fold``, the key under which the map
    remembers whether the reader folded it (a legend folds on a tap of its heading).
    A foldable box starts folded on a map narrower than ``folded_below`` pixels (the
    main legend on a phone only; the overlays' legend also on a narrow desktop map).
    """

    position: str
    kind: str
    markup: str
    fold: bool = False
    folded_below: int = 420

    def __post_init__(self) -> None:
        if self.position not in POSITIONS:
            raise ValueError(f"position must be one of {sorted(POSITIONS)}, "
                             f"not {self.position!r}.")
        if not re.fullmatch(r"[a-z][a-z0-9-]*", self.kind):
            raise ValueError(f"kind must be lower-case letters, digits, '-'; got {self.kind!r}.")


class FrameControls(folium.MacroElement):
    """Boxes inside the map that come and go with their parent feature group.

    ``st_folium`` keeps the map and swaps the feature groups on every rerun (their
    script only: body HTML of a swapped group never reaches the page), so the boxes
    travel as data: ``povmap.frameControls`` (``choropleth.js``) adds one Leaflet
    control per box when the group is added and removes them with the group. The
    markup is escaped already; ``</`` is escaped so that it cannot end the script.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        povmap.frameControls({{ this._parent.get_name() }}, {{ this.specs }});
        {% endmacro %}
        """
    )

    def __init__(self, controls: Sequence[FrameControl]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FrameControls"
        specs = [{"position": c.position, "kind": c.kind, "html": c.markup, "fold": c.fold,
                  "foldedBelow": c.folded_below} for c in controls]
        self.specs = json.dumps(specs, ensure_ascii=False, separators=(",", ":")
                                ).replace("</", "<\\/")


def framed(group: folium.FeatureGroup, controls: Sequence[FrameControl]) -> folium.FeatureGroup:
    """``group`` carrying ``controls`` (title, stamp, legend) into the map frame.

    Returns ``group`` itself, for chaining. See :class:`FrameControls`.
    """
    FrameControls(controls).add_to(group)
    return group


def controls_group(controls: Sequence[FrameControl]) -> folium.FeatureGroup:
    """An empty feature group carrying only ``controls`` (e.g. the overlays' legend).

    Not listed in a layer control, so its boxes stay while layers are toggled.
    """
    return framed(folium.FeatureGroup(name="frame-controls", control=False), controls)


def overlays_control(markup: str) -> FrameControl:
    """The overlays' legend (zones, EM communes) bottom right, folding on narrow maps."""
    return FrameControl("bottomright", "overlays", markup, fold=True, folded_below=560)


def title_markup(title: str, subtitle: str = "") -> str:
    """Escaped map title box: the title, and an optional smaller line under it.

    >>> title_markup("Tỷ lệ <hộ> — 2026")
    '<div class="povmap-title"><div class="povmap-title-text">Tỷ lệ &lt;hộ&gt; — 2026</div></div>'
    """
    sub = (f'<div class="povmap-title-sub">{html.escape(subtitle)}</div>' if subtitle
           else "")
    return (f'<div class="povmap-title"><div class="povmap-title-text">{html.escape(title)}'
            f"</div>{sub}</div>")


def stamp_markup(lines: Sequence[tuple[str, str]], flags: Sequence[str] = ()) -> str:
    r"""Escaped data stamp: caveat badges (``flags``), then small "key: value" lines.

    On a phone-width map the keys are hidden (CSS): a file name and a date speak for
    themselves, and the box covers less of the map.

    >>> print(stamp_markup([("Nguồn", "a<b>.xlsx")], ["Dữ liệu minh họa"]).replace("><", ">\n<"))
    <div class="povmap-stamp" role="note">
    <span class="povmap-flag">Dữ liệu minh họa</span>
    <div class="povmap-stamp-line">
    <span class="povmap-stamp-key">Nguồn: </span>a&lt;b&gt;.xlsx</div>
    </div>
    """
    badges = "".join(f'<span class="povmap-flag">{html.escape(f)}</span>' for f in flags)
    rows = "".join(f'<div class="povmap-stamp-line"><span class="povmap-stamp-key">'
                   f"{html.escape(key)}: </span>{html.escape(value)}</div>"
                   for key, value in lines)
    return f'<div class="povmap-stamp" role="note">{badges}{rows}</div>'


def units_group(
    frame: gpd.GeoDataFrame,
    values: pd.Series,
    classes: pd.Series,
    colours: Sequence[str],
    *,
    tooltip_rows: Mapping[str, Mapping[str, str]] | None = None,
    selected: str | None = None,
    lang: str = "vi",
) -> folium.FeatureGroup:
    """The units layer alone, in a feature group, for ``st_folium(feature_group_to_add=)``.

    The dashboard keeps one base map per session and swaps only this group, so the
    browser keeps its centre and zoom when the indicator or year changes. Legend, title
    and data stamp go into the map frame with the group (:func:`framed`).
    """
    _check_frame(frame)
    _check_lang(lang)
    on_map = _classes_on_map(frame, values, classes, len(colours))
    _check_selected(frame, selected)
    # Not in a layer control: the units are the map itself (zones are the toggles).
    group = folium.FeatureGroup(name="units-group", control=False)
    _units_layer(frame, on_map, colours, tooltip_rows or {}, selected, lang).add_to(group)
    return group


def legend_markup(
    colours: Sequence[str],
    labels: Sequence[str],
    counts: Sequence[int],
    no_data_count: int,
    unit_label: str,
    lang: str = "vi",
) -> str:
    """The legend as escaped HTML: for a :class:`FrameControl` or use outside the map.

    Styled by ``choropleth.css``. Without a random id, so that the same legend gives
    the same markup (``st_folium`` re-adds a feature group only when its script changed).
    """
    _check_lang(lang)
    _check_legend(colours, labels, counts)
    return _legend_inner(colours, labels, counts, no_data_count, unit_label, lang)


def base_map(bounds: Iterable[float], outline: gpd.GeoDataFrame | None = None,
             urls: AssetUrls = ASSET_URLS) -> folium.Map:
    """Empty offline map fitted to ``bounds`` (minx, miny, maxx, maxy), with an outline."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    fmap = offline_map(urls=urls, location=[(miny + maxy) / 2, (minx + maxx) / 2],
                       zoom_start=9, control_scale=True, zoom_control=True,
                       prefer_canvas=False, zoom_snap=0.25, zoom_delta=0.5)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    if outline is not None:
        _outline_layer(outline).add_to(fmap)
    return fmap
