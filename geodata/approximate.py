"""Approximate boundaries built offline from public point data only.

When a boundary version has no real geometry on this machine, the map still needs
shapes. :func:`approximate_boundaries` builds a clean coverage (no overlaps, no gaps,
one connected polygon per commune) from the units' centroids:

* **Outline** — the province outline is the union of discs centred on the 2025
  units' centroids, each with the unit's published area (``wardAreaKm2`` of
  ``vietnamadminunits`` table ``admin_units``), plus a 1 km disc around every seed of
  the requested version; then a morphological closing of 3 km bridges the gaps between
  discs and interior holes are filled. For Đồng Nai this gives 12,574 km² (real
  12,741 km²); 96.0 % of it lies inside the real province and it covers 94.7 % of
  the real province. The seed discs of versions 2021/2024 add about 95 km². The
  same outline serves every version: the province's territory did not change.
* **Cells** — Voronoi cells of the seeds in EPSG:32648, noded with the outline and
  polygonised, so neighbours share identical edges. A cell cut by a concave outline
  keeps the part holding its seed; other parts go to the neighbour sharing the
  longest edge.
* **Seeds** — a unit's centroid from the registry. Units without one (the 11 communes
  of 2021 abolished in Nov 2024) and units whose centroid repeats another's (a
  geocoding error in the source: 25363 and 25195, 25294 and 25280) get a seed
  ``SEED_OFFSET_M`` from the centroid of their successor (or twin): the k-th such
  seed (by code) of one centre sits at bearing ``360° · k / n`` counted
  anticlockwise from east, ``n`` being the number of offset seeds of that centre. The
  centre keeps its own seed, so its area is shared with the offset seeds.
* **Districts** — the union of their communes' cells. A district may be a
  MultiPolygon when a duplicate-offset seed lands among another district's communes
  (Đồng Phú, 695, through 25363).

Every row carries ``approximate=True`` and the ``seed`` method, so the UI can label
the map as indicative.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from functools import cache
from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from povcore.errors import PovmapError
from povcore.units import get_version, registry

__all__ = ["CLOSING_M", "SEED_OFFSET_M", "approximate_boundaries", "province_outline"]

WORK_CRS = "EPSG:32648"
SEED_OFFSET_M = 500.0  #: distance of a derived seed from its successor's centroid
CLOSING_M = 3000.0  #: closing distance that bridges gaps between the area discs
_SEED_DISC_M = 1000.0
_TO_UTM = pyproj.Transformer.from_crs("EPSG:4326", WORK_CRS, always_xy=True)
_TO_LONLAT = pyproj.Transformer.from_crs(WORK_CRS, "EPSG:4326", always_xy=True)


def _utm(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _TO_UTM.transform(x, y)


def _lonlat(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    x, y = _TO_LONLAT.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


@cache
def _published_areas(province: str) -> pd.DataFrame:
    """2025 units of ``province`` from vietnamadminunits: lat, lon, area (km²)."""
    path = resources.files("vietnamadminunits") / "data" / "dataset.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        frame = pd.read_sql_query(
            "SELECT wardCode AS code, wardLat AS lat, wardLon AS lon, wardAreaKm2 AS km2 "
            "FROM admin_units WHERE provinceCode = ?", con, params=(province,),
        )
    if frame.empty:
        raise PovmapError(f"vietnamadminunits has no 2025 units for province '{province}'.")
    return frame


def _fill_holes(geom: BaseGeometry) -> BaseGeometry:
    return shapely.union_all([shapely.Polygon(p.exterior) for p in shapely.get_parts(geom)])


def province_outline(province: str = "75", seeds: np.ndarray | None = None) -> BaseGeometry:
    """Approximate province outline in EPSG:32648 from published centroids and areas.

    Parameters
    ----------
    province : str, default "75"
        GSO province code (2025 structure).
    seeds : numpy.ndarray, optional
        Extra points (n × 2, metres) that must lie inside; each gets a 1 km disc.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        Union of area-sized discs, closed by ``CLOSING_M``, without holes.

    Examples
    --------
    >>> round(province_outline("75").area / 1e6)
    12574
    """
    pub = _published_areas(province)
    x, y = _utm(pub["lon"].to_numpy(), pub["lat"].to_numpy())
    radii = np.sqrt(pub["km2"].to_numpy() * 1e6 / math.pi)
    discs = list(shapely.buffer(shapely.points(x, y), radii))
    if seeds is not None and len(seeds):
        discs.extend(np.asarray(shapely.buffer(shapely.points(seeds), _SEED_DISC_M)))
    closed = shapely.union_all(discs).buffer(CLOSING_M).buffer(-CLOSING_M)
    return _fill_holes(closed)


def _offset_seeds(centres: dict[str, list[str]], xy: dict[str, tuple[float, float]]) -> None:
    """Place each listed code at ``SEED_OFFSET_M`` around its centre's seed (in place)."""
    for centre, codes in centres.items():
        cx, cy = xy[centre]
        for k, code in enumerate(sorted(codes)):
            angle = 2 * math.pi * k / len(codes)
            xy[code] = (cx + SEED_OFFSET_M * math.cos(angle), cy + SEED_OFFSET_M * math.sin(angle))


def _seeds(units: pd.DataFrame) -> pd.DataFrame:
    """Seed point (metres) and seed method per commune code, in ``units`` order."""
    known = units.dropna(subset=["lat", "lon"]).sort_values("code")
    x, y = _utm(known["lon"].to_numpy(), known["lat"].to_numpy())
    xy: dict[str, tuple[float, float]] = {}
    first_at: dict[tuple[float, float], str] = {}
    centres: dict[str, list[str]] = defaultdict(list)
    method: dict[str, str] = {}
    for code, px, py in zip(known["code"], x, y, strict=True):
        twin = first_at.setdefault((px, py), code)
        xy[code] = (px, py)
        method[code] = "centroid" if twin == code else "duplicate-offset"
        if twin != code:
            centres[twin].append(code)
    for code, successor in units.loc[units["lat"].isna(), ["code", "successor_code"]].itertuples(
        index=False
    ):
        if successor not in xy:
            raise PovmapError(f"Unit {code} has no centroid and its successor {successor} none.")
        centres[successor].append(code)
        method[code] = "successor-offset"
    _offset_seeds(centres, xy)
    codes = units["code"].tolist()
    return pd.DataFrame({"x": [xy[c][0] for c in codes], "y": [xy[c][1] for c in codes],
                         "seed": [method[c] for c in codes]}, index=codes)


def _faces(points: np.ndarray, outline: BaseGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Faces of the Voronoi cells noded with the outline, and the seed owning each."""
    cells = shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(points), extend_to=outline.buffer(1000.0), ordered=True
    ))
    lines = shapely.union_all([*shapely.boundary(cells), outline.boundary])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    faces = faces[shapely.contains(outline, shapely.point_on_surface(faces))]
    # A point lies in the Voronoi cell of its nearest seed.
    tree = shapely.STRtree(np.asarray(shapely.points(points)))
    owner = tree.nearest(shapely.point_on_surface(faces))
    return faces, np.asarray(owner)


def _shared_length(a: BaseGeometry, b: BaseGeometry) -> float:
    return float(shapely.intersection(a.boundary, b.boundary).length)


def _reassign_detached(
    faces: np.ndarray, owner: np.ndarray, points: np.ndarray
) -> np.ndarray:
    """Give parts of a cell not holding its seed to the neighbour sharing most edge."""
    owner = owner.copy()
    seeds = np.asarray(shapely.points(points))
    for cell in np.unique(owner):
        parts = shapely.get_parts(shapely.coverage_union_all(faces[owner == cell]))
        for part in parts:
            if part.covers(seeds[cell]):
                continue
            members = np.flatnonzero((owner == cell) & shapely.within(faces, part.buffer(1e-6)))
            others = np.flatnonzero(owner != cell)
            lengths = [_shared_length(part, faces[j]) for j in others]
            owner[members] = owner[others[int(np.argmax(lengths))]]
    return owner


def _cells(seeds: pd.DataFrame, outline: BaseGeometry) -> list[BaseGeometry]:
    points = seeds[["x", "y"]].to_numpy()
    faces, owner = _faces(points, outline)
    owner = _reassign_detached(faces, owner, points)
    return [shapely.coverage_union_all(faces[owner == i]) for i in range(len(points))]


def _to_lonlat(geoms: list[BaseGeometry]) -> list[BaseGeometry]:
    return list(shapely.transform(np.asarray(geoms, dtype=object), _lonlat))


def approximate_boundaries(version: str, level: str, province: str = "75") -> gpd.GeoDataFrame:
    """Approximate commune or district polygons of a boundary version (offline).

    Parameters
    ----------
    version : str
        Boundary version key: ``"2021"``, ``"2024"`` or ``"2025"``.
    level : str
        ``"commune"`` or ``"district"`` (not in 2025).
    province : str, default "75"
        GSO province code of the unit registry.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name``, ``type``, ``parent_code``, ``seed`` (``centroid``,
        ``successor-offset`` or ``duplicate-offset``; districts: ``dissolved``),
        ``approximate`` (True) and ``geometry`` (EPSG:4326), one row per unit of the
        registry, forming a coverage without overlaps or gaps.

    Examples
    --------
    >>> gdf = approximate_boundaries("2025", "commune")
    >>> len(gdf), bool(gdf["approximate"].all())
    (95, True)
    """
    bv = get_version(version)
    if level not in bv.levels:
        raise PovmapError(f"Boundary version {bv.key} has no level '{level}'. "
                          f"Valid: {', '.join(bv.levels)}.")
    reg = registry(province)
    communes = reg.units(bv.key, "commune")
    seeds = _seeds(communes)
    outline = province_outline(province, seeds[["x", "y"]].to_numpy())
    geoms = _cells(seeds, outline)
    columns = ["code", "name", "type", "parent_code"]
    frame = communes[columns].assign(seed=seeds["seed"].to_numpy())
    if level == "district":
        districts = reg.units(bv.key, "district")
        by_parent = pd.Series(geoms, index=communes["parent_code"].to_numpy())
        geoms = [shapely.coverage_union_all(by_parent.loc[[c]].to_numpy())
                 for c in districts["code"]]
        frame = districts[columns].assign(seed="dissolved")
    out = gpd.GeoDataFrame(frame.assign(approximate=True), geometry=_to_lonlat(geoms),
                           crs="EPSG:4326")
    return out.reset_index(drop=True)
