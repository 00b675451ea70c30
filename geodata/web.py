"""Web geometry for a boundary layer: simplified without gaps or overlaps, compact, cached.

The browser gets each boundary layer once, so its geometry is simplified *as a coverage*:
every edge shared by two neighbours is simplified once and used by both, so no gaps or
overlaps appear between them (per-polygon ``simplify`` would open slivers everywhere).

How (:func:`simplify_coverage`, default ``method="arcs"``):

1. project to EPSG:32648 (UTM 48N, metres);
2. node all unit boundaries and merge them into *arcs* between junctions (points where
   three or more units meet); rings without a junction are cut in three so that no arc
   is closed and every ring keeps at least a triangle;
3. simplify all arcs together with the GEOS topology-preserving Douglas-Peucker
   simplifier: junctions stay fixed, arcs never cross, and every point of the full
   boundary stays within ``tolerance_m`` of the simplified one (a Hausdorff bound);
4. polygonize the arcs into faces and give every face to the unit whose full-resolution
   polygon covers most of it; a face covered by no unit for at least half of its area is
   a gap of the source and stays a gap;
5. back to EPSG:4326, coordinates rounded to the fewest decimals (5, 6 or 7) that keep
   every polygon valid and the layer a valid coverage.

Inputs that are *not* a clean coverage (GADM communes overlap their neighbours) go
through the same steps: the noding in step 2 cuts every overlap into its own face and
step 4 gives it to exactly one unit: both units cover all of it, and the smaller unit
gets it, so the larger one loses it and the relative area change stays small. The result
is always a valid coverage; the source's gaps are kept.

``shapely.coverage_simplify`` (Visvalingam-Whyatt on a coverage) is available as
``method="vw"`` after the same cleaning. It keeps the coverage valid too, but its
tolerance bounds *areas*, not distances: on the 2025 wards a 30 m tolerance still moves
some boundaries by 58 m while keeping three times the vertices of ``"arcs"``.

The payload: :func:`web_geojson` writes compact GeoJSON; :func:`web_topojson` writes
TopoJSON whose shared arcs are stored once and delta-encoded on the same decimal grid,
so it decodes to exactly the same coordinates. For the 95 wards of 2025 only the
TopoJSON meets a 300 KB budget at a Hausdorff deviation of 50 m or less.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from povcore.coverage import METRIC_CRS, enclosed_gaps, intersecting_pairs
from povcore.errors import Issue, PovmapError
from povcore.fileio import atomic_write_bytes

WEB_CRS = 4326
DEFAULT_TOLERANCE_M = 30.0
DECIMAL_CANDIDATES = (5, 6, 7)
GAP_AREA_M2 = 1.0
_CACHE_VERSION = "web-layer-v2"
# Interior gaps of the source smaller than this are slivers: given to the neighbour
# sharing the longest border, so the web layer has no gap above 1 m² (the 2025 source
# has two, of 2.3 and 0.6 m²). Larger gaps (GADM has many) are kept and reported.
SLIVER_MAX_M2 = 100.0
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+$")

Method = Literal["arcs", "vw"]
WebFormat = Literal["geojson", "topojson"]
Geoms = NDArray[np.object_]
Point = tuple[int, int]


@dataclass(frozen=True)
class WebLayerQuality:
    """How far a web layer departs from the full geometry, and what it costs to send.

    Distances and areas are measured in EPSG:32648 (metres). A *gap* is a connected
    region enclosed by the layer's outline and covered by none of its units.
    ``n_gaps_gt_1m2`` and ``gap_area_m2`` count only *new* gaps: gaps of the simplified
    layer that touch no gap of the full layer. The source's own gaps (two slivers of 2.3
    and 0.6 m² in the 2025 wards, 482 in GADM 2021) are kept and not counted; that
    their outlines move with the simplification is bounded by ``max_hausdorff_m``.
    Overlaps are counted between every pair of simplified units (absolute, not new).
    """

    bytes: int
    n_vertices: int
    max_hausdorff_m: float
    max_area_change_pct: float
    total_area_change_pct: float
    n_overlaps_gt_1m2: int
    overlap_area_m2: float
    n_gaps_gt_1m2: int
    gap_area_m2: float


def simplify_coverage(
    frame: gpd.GeoDataFrame,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    *,
    method: Method = "arcs",
    decimals: int | None = None,
) -> gpd.GeoDataFrame:
    """Simplify a boundary layer as a coverage: neighbours keep shared edges.

    Parameters
    ----------
    frame : GeoDataFrame
        One row per unit, with a ``code`` column and polygon geometry in EPSG:4326.
        It need not be a clean coverage: overlaps go to one unit (see the module doc).
    tolerance_m : float, default 30
        Douglas-Peucker tolerance in metres for ``method="arcs"``, i.e. the largest
        distance a full-resolution boundary point may end up from the simplified one.
        For ``method="vw"`` the ``shapely.coverage_simplify`` tolerance.
    method : {"arcs", "vw"}, default "arcs"
        ``"arcs"``: shared arcs simplified with a topology-preserving Douglas-Peucker.
        ``"vw"``: ``shapely.coverage_simplify`` (Visvalingam-Whyatt).
    decimals : int, optional
        Round coordinates to this many decimals of a degree. By default the fewest of
        5, 6, 7 that keep every polygon valid and the layer a valid coverage.

    Returns
    -------
    GeoDataFrame
        The same rows, index and attribute columns; geometry simplified, in EPSG:4326.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> grid = gpd.GeoDataFrame(
    ...     {"code": ["a", "b"]}, geometry=[box(107, 11, 107.1, 11.1), box(107.1, 11, 107.2, 11.1)],
    ...     crs=4326)
    >>> out = simplify_coverage(grid).geometry
    >>> shapely.get_num_coordinates(out).tolist(), bool(shapely.coverage_is_valid(out))
    ([5, 5], True)
    """
    _check_frame(frame)
    polys = _to_metric(frame)
    arcs = _node_arcs(polys)
    if method == "arcs" and tolerance_m > 0:
        arcs = _simplify_arcs(arcs, tolerance_m)
    faces = shapely.get_parts(shapely.polygonize(arcs))
    owner = _fill_slivers(faces, _assign_faces(faces, polys), polys)
    units = _dissolve(faces, owner, len(polys), frame)
    if method == "vw" and tolerance_m > 0:
        units = shapely.coverage_simplify(units, tolerance_m)
    web = gpd.GeoSeries(units, crs=METRIC_CRS).to_crs(WEB_CRS).to_numpy()
    rounded = _round_valid(web, decimals)
    attrs = frame.drop(columns=frame.geometry.name)
    return gpd.GeoDataFrame(attrs, geometry=list(rounded), index=frame.index, crs=WEB_CRS)


def web_geojson(
    frame: gpd.GeoDataFrame,
    properties: Sequence[str] = (),
    *,
    name_column: str | None = "name",
) -> bytes:
    """Compact GeoJSON of a (simplified) layer for the browser.

    Parameters
    ----------
    frame : GeoDataFrame
        Output of :func:`simplify_coverage` (EPSG:4326, coordinates already rounded).
    properties : sequence of str
        Extra columns to include besides ``code`` and ``name``.
    name_column : str or None, default "name"
        Column written as the ``name`` property; ``None`` or absent: no name.

    Returns
    -------
    bytes
        UTF-8 GeoJSON without whitespace; exterior rings counter-clockwise (RFC 7946).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> one = gpd.GeoDataFrame({"code": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    >>> web_geojson(one)[40:94]
    b'{"type":"Feature","properties":{"code":"a"},"geometry"'
    """
    _check_frame(frame)
    columns = _property_columns(frame, properties, name_column)
    geoms = shapely.orient_polygons(frame.geometry.to_numpy())
    features = [
        {"type": "Feature", "properties": props, "geometry": _mapping(geom)}
        for props, geom in zip(_records(frame, columns), geoms, strict=True)
    ]
    return _dumps({"type": "FeatureCollection", "features": features})


def web_topojson(
    frame: gpd.GeoDataFrame,
    properties: Sequence[str] = (),
    *,
    name_column: str | None = "name",
    object_name: str = "units",
) -> bytes:
    """Compact TopoJSON of a (simplified) coverage: shared arcs stored once.

    Coordinates are delta-encoded integers on the layer's own decimal grid
    (``transform.scale`` = 10⁻ᵈ for ``d`` decimals), so decoding gives the coordinates
    of ``frame`` back (to floating-point error) and no extra quantisation error.

    Parameters
    ----------
    frame : GeoDataFrame
        Output of :func:`simplify_coverage` (EPSG:4326, coordinates already rounded).
    properties : sequence of str
        Extra columns to include besides ``code`` and ``name``.
    name_column : str or None, default "name"
        Column written as the ``name`` property; ``None`` or absent: no name.
    object_name : str, default "units"
        Name of the GeometryCollection in ``objects``.

    Returns
    -------
    bytes
        UTF-8 TopoJSON without whitespace.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> two = gpd.GeoDataFrame(
    ...     {"code": ["a", "b"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    >>> topo = json.loads(web_topojson(two))
    >>> len(topo["arcs"]), topo["objects"]["units"]["geometries"][1]["arcs"]
    (3, [[-1, 2]])
    """
    _check_frame(frame)
    geoms = shapely.orient_polygons(frame.geometry.to_numpy())
    decimals = _decimals_of(shapely.get_coordinates(geoms))
    scale = 10.0**-decimals
    origin = np.floor(shapely.bounds(geoms).reshape(-1, 4)[:, :2].min(axis=0) / scale) * scale
    parts = [_grid_polygons(geom, origin, scale) for geom in geoms]
    table = _ArcTable(_junctions(ring for polys in parts for poly in polys for ring in poly))
    records = _records(frame, _property_columns(frame, properties, name_column))
    topo_geoms = [
        {**_topo_geometry(polys, table), "properties": props}
        for props, polys in zip(records, parts, strict=True)
    ]
    topology = {
        "type": "Topology",
        "transform": {"scale": [scale, scale], "translate": [float(v) for v in origin]},
        "objects": {object_name: {"type": "GeometryCollection", "geometries": topo_geoms}},
        "arcs": table.encoded(),
    }
    return _dumps(topology)


def quality(
    full: gpd.GeoDataFrame,
    simplified: gpd.GeoDataFrame,
    *,
    fmt: WebFormat = "topojson",
    name_column: str | None = "name",
) -> WebLayerQuality:
    """Measure a web layer against the full geometry (EPSG:32648).

    Parameters
    ----------
    full : GeoDataFrame
        The full-resolution layer, with ``code``.
    simplified : GeoDataFrame
        The web layer with the same codes (e.g. :func:`simplify_coverage` of ``full``).
    fmt : {"topojson", "geojson"}, default "topojson"
        Payload whose size is reported as ``bytes`` (code and name properties only).
    name_column : str or None, default "name"
        Passed to the payload writer.

    Returns
    -------
    WebLayerQuality
        Per-unit maxima and layer totals; see :class:`WebLayerQuality`.
    """
    _check_frame(full)
    _check_frame(simplified)
    full_m = _to_metric(full)
    simp_m = _to_metric(_align(full, simplified))
    writer = web_topojson if fmt == "topojson" else web_geojson
    full_area, simp_area = shapely.area(full_m), shapely.area(simp_m)
    n_overlaps, overlap_area = _overlaps(simp_m)
    n_gaps, gap_area = _new_gaps(full_m, simp_m)
    return WebLayerQuality(
        bytes=len(writer(simplified, name_column=name_column)),
        n_vertices=int(shapely.get_num_coordinates(simp_m).sum()),
        max_hausdorff_m=max(map(_hausdorff, full_m, simp_m)),
        max_area_change_pct=float((np.abs(simp_area - full_area) / full_area).max() * 100),
        total_area_change_pct=float((simp_area.sum() / full_area.sum() - 1) * 100),
        n_overlaps_gt_1m2=n_overlaps,
        overlap_area_m2=overlap_area,
        n_gaps_gt_1m2=n_gaps,
        gap_area_m2=gap_area,
    )


def cached_web_layer(
    frame: gpd.GeoDataFrame,
    cache_dir: Path,
    key: str,
    *,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    method: Method = "arcs",
    decimals: int | None = None,
    compute: Callable[..., gpd.GeoDataFrame] = simplify_coverage,
) -> gpd.GeoDataFrame:
    """The simplified layer, computed once and then read from ``cache_dir``.

    The file is ``<key>-<sha256>.geojson``; the digest covers the input geometry (WKB),
    its CRS and attributes, the parameters and the algorithm version, so any change
    computes a new file. It is written with :func:`povcore.fileio.atomic_write_bytes`,
    so readers never see half a file.

    Parameters
    ----------
    frame : GeoDataFrame
        Full-resolution layer with ``code``, in EPSG:4326.
    cache_dir : Path
        Folder for cached layers; created if missing.
    key : str
        Readable file-name prefix, e.g. ``"wards-2025"`` (letters, digits, ``_.-``).
    tolerance_m, method, decimals
        Passed to ``compute``.
    compute : callable, default :func:`simplify_coverage`
        Called as ``compute(frame, tolerance_m, method=..., decimals=...)`` on a miss.

    Returns
    -------
    GeoDataFrame
        The simplified layer as stored (integer index, EPSG:4326), identical on every call.
    """
    _check_frame(frame)
    if not _KEY_PATTERN.match(key):
        raise PovmapError(
            "Invalid cache key for a web layer",
            [Issue(f"key {key!r} is not a safe file name", hint="use letters, digits, _ . -")],
        )
    params = f"{_CACHE_VERSION}|{tolerance_m!r}|{method}|{decimals!r}"
    path = Path(cache_dir) / f"{key}-{_digest(frame, params)}.geojson"
    if not path.exists():
        simplified = compute(frame, tolerance_m, method=method, decimals=decimals)
        atomic_write_bytes(path, _dumps(_feature_collection(simplified)))
    return gpd.read_file(path, engine="pyogrio").set_crs(WEB_CRS, allow_override=True)


# --- simplification -------------------------------------------------------------------


def _check_frame(frame: gpd.GeoDataFrame) -> None:
    issues = []
    if "code" not in frame.columns:
        issues.append(Issue("no 'code' column", column="code", hint="rename the code column"))
    if frame.crs is None or frame.crs.to_epsg() != WEB_CRS:
        issues.append(Issue(f"CRS is {frame.crs}, expected EPSG:4326", hint="use to_crs(4326)"))
    if issues:
        raise PovmapError("Boundary layer cannot be made into a web layer", issues)


def _to_metric(frame: gpd.GeoDataFrame) -> Geoms:
    return np.asarray(frame.geometry.to_crs(METRIC_CRS).to_numpy(), dtype=object)


def _node_arcs(polys: Geoms) -> Geoms:
    """Boundaries noded and merged into arcs between junctions; no arc is closed."""
    merged = shapely.line_merge(shapely.union_all(shapely.boundary(polys)))
    arcs: list[Any] = []
    for arc in shapely.get_parts(merged):
        if not shapely.is_closed(arc):
            arcs.append(arc)
            continue
        coords = shapely.get_coordinates(arc)
        cuts = (0, len(coords) // 3, 2 * len(coords) // 3, len(coords) - 1)
        arcs.extend(shapely.linestrings(coords[a : b + 1]) for a, b in itertools.pairwise(cuts))
    return np.asarray(arcs, dtype=object)


def _simplify_arcs(arcs: Geoms, tolerance_m: float) -> Geoms:
    # One collection, so the simplifier also stops arcs from crossing one another.
    together = shapely.simplify(shapely.multilinestrings(arcs), tolerance_m, preserve_topology=True)
    return np.asarray(shapely.get_parts(together), dtype=object)


def _assign_faces(faces: Geoms, polys: Geoms) -> NDArray[np.intp]:
    """Owner row of each face; -1 for a gap (no unit covers half of it).

    The owner covers the largest share of the face (to 0.1 %). An overlap of the source
    is covered entirely by two units: it goes to the smaller one, so that the relative
    area change stays small; then to the first row.
    """
    face_idx, poly_idx = shapely.STRtree(polys).query(faces, predicate="intersects")
    shared = shapely.area(shapely.intersection(faces[face_idx], polys[poly_idx]))
    share = np.round(shared / shapely.area(faces[face_idx]), 3)
    order = np.lexsort((poly_idx, shapely.area(polys[poly_idx]), -share, face_idx))
    faces_sorted, first = np.unique(face_idx[order], return_index=True)
    best = order[first]
    owner = np.full(len(faces), -1, dtype=np.intp)
    covered = share[best] >= 0.5
    owner[faces_sorted[covered]] = poly_idx[best][covered]
    return owner


def _fill_slivers(faces: Geoms, owner: NDArray[np.intp], polys: Geoms,
                  max_m2: float = SLIVER_MAX_M2) -> NDArray[np.intp]:
    """Give each small gap face to the unit that shares the longest border with it."""
    small = np.flatnonzero((owner < 0) & (shapely.area(faces) < max_m2))
    if small.size == 0:
        return owner
    tree = shapely.STRtree(polys)
    out = owner.copy()
    for i in small:
        cand = tree.query(faces[i], predicate="intersects")
        if cand.size:
            shared = shapely.length(shapely.intersection(shapely.boundary(faces[i]),
                                                         polys[cand]))
            out[i] = cand[int(np.argmax(shared))]
    return out


def _dissolve(
    faces: Geoms, owner: NDArray[np.intp], n_units: int, frame: gpd.GeoDataFrame
) -> Geoms:
    missing = sorted(set(range(n_units)) - set(owner.tolist()))
    if missing:
        codes = frame["code"].iloc[missing].tolist()
        raise PovmapError(
            "Simplification lost whole units",
            [Issue("unit has no area left after simplification", code=str(c)) for c in codes],
        )
    return np.asarray(
        [shapely.coverage_union_all(faces[owner == k]) for k in range(n_units)], dtype=object
    )


def _round(geoms: Geoms, decimals: int) -> Geoms:
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    return np.asarray(shapely.remove_repeated_points(rounded), dtype=object)


def _round_valid(geoms: Geoms, decimals: int | None) -> Geoms:
    if decimals is not None:
        return _round(geoms, decimals)
    for candidate in DECIMAL_CANDIDATES:
        rounded = _round(geoms, candidate)
        if shapely.is_valid(rounded).all() and shapely.coverage_is_valid(rounded):
            return rounded
    return geoms


def _digest(frame: gpd.GeoDataFrame, params: str) -> str:
    attrs = frame.drop(columns=frame.geometry.name)
    sha = hashlib.sha256(params.encode())
    sha.update(str(frame.crs).encode())
    sha.update("|".join(map(str, attrs.columns)).encode())
    sha.update(pd.util.hash_pandas_object(attrs, index=False).to_numpy().tobytes())
    for wkb in shapely.to_wkb(frame.geometry.to_numpy()):
        sha.update(wkb)
    return sha.hexdigest()[:16]


# --- measurement ----------------------------------------------------------------------


def _align(full: gpd.GeoDataFrame, simplified: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    codes = pd.Index(full["code"].astype(str))
    indexed = simplified.set_index(simplified["code"].astype(str))
    missing = codes.difference(indexed.index)
    if len(missing) or not indexed.index.is_unique:
        raise PovmapError(
            "Simplified layer does not match the full layer one to one",
            [Issue("code missing from the simplified layer", code=str(c)) for c in missing],
        )
    return indexed.loc[codes]


def _segments(geom: shapely.Geometry) -> Geoms:
    rings = shapely.get_rings(shapely.get_parts(geom))
    pairs = [np.stack([c[:-1], c[1:]], axis=1) for c in map(shapely.get_coordinates, rings)]
    return np.asarray(shapely.linestrings(np.concatenate(pairs)), dtype=object)


def _directed_hausdorff(source: shapely.Geometry, target: shapely.Geometry) -> float:
    """Largest distance from a vertex of ``source`` to the boundary of ``target``."""
    points = shapely.points(shapely.get_coordinates(source))
    _, distances = shapely.STRtree(_segments(target)).query_nearest(points, return_distance=True)
    return float(distances.max())


def _hausdorff(full: shapely.Geometry, simplified: shapely.Geometry) -> float:
    """Discrete Hausdorff distance between two boundaries (as GEOS), via an STRtree."""
    return max(_directed_hausdorff(full, simplified), _directed_hausdorff(simplified, full))


def _overlaps(geoms: Geoms) -> tuple[int, float]:
    areas = intersecting_pairs(geoms)[2]
    return int((areas > GAP_AREA_M2).sum()), float(areas.sum())


def _new_gaps(full: Geoms, simplified: Geoms) -> tuple[int, float]:
    """Gaps of the simplified layer that touch no gap of the full layer: count > 1 m², area."""
    gaps, old = enclosed_gaps(simplified), enclosed_gaps(full)
    touching = np.unique(shapely.STRtree(old).query(gaps, predicate="intersects")[0])
    areas = np.delete(shapely.area(gaps), touching)
    return int((areas > GAP_AREA_M2).sum()), float(areas.sum())


# --- payloads -------------------------------------------------------------------------


def _property_columns(
    frame: gpd.GeoDataFrame, properties: Sequence[str], name_column: str | None
) -> dict[str, str]:
    """Property name → column."""
    columns = {"code": "code"}
    if name_column is not None and name_column in frame.columns:
        columns["name"] = name_column
    columns.update({p: p for p in properties})
    unknown = [c for c in columns.values() if c not in frame.columns]
    if unknown:
        raise PovmapError(
            "Unknown property columns for the web layer",
            [
                Issue(f"no column {c!r}", column=c, hint=f"columns: {list(frame.columns)}")
                for c in unknown
            ],
        )
    return columns


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, str | int | float | bool):
        return value
    return None if pd.isna(value) else str(value)


def _records(frame: gpd.GeoDataFrame, columns: dict[str, str]) -> list[dict[str, Any]]:
    """Properties per feature; missing values are left out (smaller payload)."""
    values = {prop: frame[col].tolist() for prop, col in columns.items()}
    out = []
    for i in range(len(frame)):
        row = {prop: _json_value(values[prop][i]) for prop in columns}
        out.append({k: v for k, v in row.items() if v is not None})
    return out


def _mapping(geom: shapely.Geometry | None) -> dict[str, Any] | None:
    if geom is None or shapely.is_empty(geom):
        return None
    return dict(shapely.geometry.mapping(geom))  # type: ignore[arg-type]


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _feature_collection(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    columns = {c: c for c in frame.columns if c != frame.geometry.name}
    features = [
        {"type": "Feature", "properties": props, "geometry": _mapping(geom)}
        for props, geom in zip(_records(frame, columns), frame.geometry.to_numpy(), strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def _decimals_of(coords: NDArray[np.float64]) -> int:
    """Fewest decimals (up to 9) that represent every coordinate exactly."""
    for decimals in range(10):
        if np.array_equal(np.round(coords, decimals), coords):
            return decimals
    return 9


class _ArcTable:
    """TopoJSON arcs: each shared arc stored once; a reversed use is ``~index``."""

    def __init__(self, junctions: frozenset[Point]) -> None:
        self.junctions = junctions
        self.arcs: list[tuple[Point, ...]] = []
        self.index: dict[tuple[Point, ...], int] = {}

    def add(self, arc: tuple[Point, ...]) -> int:
        if arc in self.index:
            return self.index[arc]
        if arc[::-1] in self.index:
            return ~self.index[arc[::-1]]
        self.index[arc] = len(self.arcs)
        self.arcs.append(arc)
        return len(self.arcs) - 1

    def ring(self, points: list[Point]) -> list[int]:
        return [self.add(arc) for arc in _cut_ring(points, self.junctions)]

    def encoded(self) -> list[list[list[int]]]:
        out = []
        for arc in self.arcs:
            xy = np.asarray(arc, dtype=np.int64)
            out.append(np.vstack([xy[:1], np.diff(xy, axis=0)]).tolist())
        return out


def _grid_polygons(
    geom: shapely.Geometry | None, origin: NDArray[np.float64], scale: float
) -> list[list[list[Point]]]:
    """Polygons → rings → open lists of integer grid points."""
    if geom is None or shapely.is_empty(geom):
        return []
    polygons = []
    for poly in shapely.get_parts(geom):
        rings = []
        for ring in (poly.exterior, *poly.interiors):
            grid = np.rint((shapely.get_coordinates(ring) - origin) / scale).astype(np.int64)
            rings.append([(int(x), int(y)) for x, y in grid[:-1]])
        polygons.append(rings)
    return polygons


def _junctions(rings: Iterable[list[Point]]) -> frozenset[Point]:
    """Points whose neighbours differ between two passes: where arcs must be cut."""
    seen: dict[Point, tuple[Point, Point]] = {}
    junctions: set[Point] = set()
    for ring in rings:
        for prev, point, nxt in zip(ring[-1:] + ring[:-1], ring, ring[1:] + ring[:1], strict=True):
            pair = (prev, nxt) if prev <= nxt else (nxt, prev)
            if seen.setdefault(point, pair) != pair:
                junctions.add(point)
    return frozenset(junctions)


def _topo_geometry(polygons: list[list[list[Point]]], table: _ArcTable) -> dict[str, Any]:
    if not polygons:
        return {"type": None}
    arcs = [[table.ring(ring) for ring in poly] for poly in polygons]
    if len(arcs) == 1:
        return {"type": "Polygon", "arcs": arcs[0]}
    return {"type": "MultiPolygon", "arcs": arcs}


def _cut_ring(points: list[Point], junctions: frozenset[Point]) -> list[tuple[Point, ...]]:
    """A ring as arcs between junctions; a ring without one starts at its smallest point."""
    cuts = [i for i, p in enumerate(points) if p in junctions]
    start = cuts[0] if cuts else points.index(min(points))
    closed = [*points[start:], *points[:start], points[start]]
    marks = [c - start for c in cuts] + [len(points)] if cuts else [0, len(points)]
    return [tuple(closed[a : b + 1]) for a, b in itertools.pairwise(marks)]
