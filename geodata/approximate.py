"""Approximate communes of 2021 and 2024, built inside the real 2025 boundaries.

When no real geometry of an old boundary version is on this machine, the map still
needs shapes. Every 2025 unit is the union of old communes (the Nov-2024 and Jul-2025
arrangements; :mod:`geodata.crosswalk`), and povmap ships the real 2025 layer
(:mod:`geodata.embedded`), so :func:`approximate_boundaries` splits each 2025 polygon
among its old communes (*constrained cells*). The province outline and the border of
every group of old communes that became one 2025 unit are then real; only the borders
*between* the old communes of one 2025 unit are guessed:

* **Members** — the old communes of each 2025 unit, from the crosswalk of the version
  to 2025 without geometry (divided units go to the converter's default unit). An old
  commune with weight ≥ ``MIN_PART`` in several 2025 units (Núi Tượng, 26128, divided
  in Nov 2024) gets a piece in each; smaller parts (e.g. the part of khu phố 10 of
  Tân Phong) are too small to draw and stay with its main unit.
* **Seeds** — inside a 2025 unit with several members, each member's seed is its
  centroid from the registry when that lies inside the unit and is not already taken
  (``seed="centroid"``); otherwise (communes abolished in Nov 2024 have none; some
  centroids repeat another's or fall outside) the point of the unit farthest from the
  seeds already placed, among ``_GRID`` × ``_GRID`` grid points (``seed="placed"``).
  A 2025 unit with one member is that member (``seed="whole"``).
* **Cells** — Voronoi cells of the seeds in EPSG:32648, clipped to their 2025 unit;
  all unit boundaries and cell edges are noded together and polygonised, so
  neighbours share identical edges. A piece of a cell cut off by a concave unit goes
  to the neighbour within the unit sharing the longest edge.
* **Districts** — the union of their communes.

Version 2025 needs no approximation: :func:`approximate_boundaries` returns the
embedded real layer with ``approximate=False``.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from geodata.crosswalk import build_crosswalk
from geodata.embedded import embedded_2025, geometry_by_code
from povcore.errors import PovmapError
from povcore.units import get_version, registry

__all__ = ["MIN_PART", "approximate_boundaries", "members_2025"]

WORK_CRS = "EPSG:32648"
MIN_PART = 0.2  #: smallest crosswalk weight of an old commune drawn as its own piece
_GRID = 24
_TO_UTM = pyproj.Transformer.from_crs("EPSG:4326", WORK_CRS, always_xy=True)
_TO_LONLAT = pyproj.Transformer.from_crs(WORK_CRS, "EPSG:4326", always_xy=True)
Geoms = NDArray[np.object_]


def _project(transformer: pyproj.Transformer, geoms: Geoms) -> Geoms:
    def fn(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return np.asarray(shapely.transform(geoms, fn), dtype=object)


def members_2025(version: str, province: str = "75") -> pd.DataFrame:
    """Old commune → 2025 unit pairs drawn as pieces: old_code, new_code, weight.

    Examples
    --------
    >>> m = members_2025("2021")
    >>> m[m["old_code"] == "26128"]["new_code"].tolist()  # Núi Tượng, divided in 2024
    ['26122', '26134']
    """
    weights = build_crosswalk(version, "2025", province=province).weights
    main = weights.loc[weights.groupby("old_code")["weight"].idxmax()]
    keep = (weights["weight"] >= MIN_PART) | weights.index.isin(main.index)
    return weights.loc[keep, ["old_code", "new_code", "weight"]].sort_values(
        ["new_code", "old_code"]).reset_index(drop=True)


def _grid_points(unit: BaseGeometry) -> Geoms:
    x0, y0, x1, y1 = unit.bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, _GRID), np.linspace(y0, y1, _GRID))
    points = np.asarray(shapely.points(xs.ravel(), ys.ravel()), dtype=object)
    inside = points[shapely.contains(unit, points)]
    return inside if len(inside) else np.array([unit.point_on_surface()], dtype=object)


def _unit_seeds(unit: BaseGeometry, codes: list[str], known: dict[str, shapely.Point]
                ) -> tuple[list[shapely.Point], list[str]]:
    """Seed point and seed method of each member code of one 2025 unit (in order)."""
    seeds: dict[str, shapely.Point] = {}
    for code in codes:
        point = known.get(code)
        taken = any(point is not None and point.distance(p) < 1.0 for p in seeds.values())
        if point is not None and unit.contains(point) and not taken:
            seeds[code] = point
    grid = _grid_points(unit)
    for code in codes:
        if code in seeds:
            continue
        placed = np.asarray(list(seeds.values()), dtype=object)
        far = (shapely.distance(grid[:, None], placed[None, :]).min(axis=1) if len(placed)
               else np.zeros(len(grid)))
        seeds[code] = grid[int(np.argmax(far))]
    methods = ["centroid" if known.get(c) is seeds[c] else "placed" for c in codes]
    return [seeds[c] for c in codes], methods


def _cell_edges(unit: BaseGeometry, seeds: list[shapely.Point]) -> Geoms:
    cells = shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(seeds), extend_to=unit.buffer(1000.0), ordered=True))
    # Clipped to the unit grown by 1 m, so that every edge crosses the unit's boundary
    # and gets noded with it; the 1 m dangles outside are dropped by polygonize.
    return np.asarray(shapely.intersection(shapely.boundary(cells), unit.buffer(1.0)),
                      dtype=object)


def _owners(faces: Geoms, unit_of: NDArray[np.intp], pieces: pd.DataFrame) -> NDArray[np.intp]:
    """Piece (row of ``pieces``) owning each face: nearest seed within its 2025 unit."""
    owner = np.empty(len(faces), dtype=np.intp)
    probes = shapely.point_on_surface(faces)
    for unit, rows in pieces.groupby("unit").groups.items():
        idx = np.flatnonzero(unit_of == unit)
        seeds = np.asarray(pieces.loc[rows, "point"].to_numpy(), dtype=object)
        near = shapely.STRtree(seeds).nearest(probes[idx])
        owner[idx] = np.asarray(rows)[near]
    return owner


def _reassign_detached(faces: Geoms, owner: NDArray[np.intp], pieces: pd.DataFrame
                       ) -> NDArray[np.intp]:
    """Give parts of a cell that do not hold its seed to the neighbour sharing most edge."""
    owner = owner.copy()
    unit_of_piece = pieces["unit"].to_numpy()
    for row, point in zip(range(len(pieces)), pieces["point"], strict=True):
        mine = owner == row
        if not mine.any():
            continue
        for part in shapely.get_parts(shapely.coverage_union_all(faces[mine])):
            if part.covers(point):
                continue
            members = np.flatnonzero(mine & shapely.within(faces, part.buffer(1e-6)))
            same_unit = unit_of_piece[owner] == unit_of_piece[row]
            others = np.flatnonzero((owner != row) & same_unit)
            if not len(others):
                continue
            shared = shapely.length(shapely.intersection(part.boundary,
                                                         shapely.boundary(faces[others])))
            owner[members] = owner[others[int(np.argmax(shared))]]
    return owner


def _pieces(units: gpd.GeoDataFrame, members: pd.DataFrame, known: dict[str, shapely.Point]
            ) -> tuple[pd.DataFrame, list[Geoms]]:
    rows: list[dict[str, object]] = []
    edges: list[Geoms] = []
    for unit_idx, (new_code, geom) in enumerate(zip(units["code"], units.geometry, strict=True)):
        codes = sorted(members.loc[members["new_code"] == new_code, "old_code"])
        if len(codes) == 1:
            rows.append({"unit": unit_idx, "code": codes[0], "point": geom.point_on_surface(),
                         "seed": "whole"})
            continue
        points, methods = _unit_seeds(geom, codes, known)
        rows += [{"unit": unit_idx, "code": c, "point": p, "seed": m}
                 for c, p, m in zip(codes, points, methods, strict=True)]
        edges.append(_cell_edges(geom, points))
    return pd.DataFrame(rows), edges


@cache
def _communes(version: str, province: str) -> tuple[pd.DataFrame, tuple[BaseGeometry, ...]]:
    """Commune code, seed method and geometry (EPSG:32648) of an approximate version."""
    units = embedded_2025(province)
    units = units.assign(geometry=_project(_TO_UTM, units.geometry.to_numpy()))
    reg = registry(province).units(version, "commune")
    located = reg.dropna(subset=["lat", "lon"])
    x, y = _TO_UTM.transform(located["lon"].to_numpy(), located["lat"].to_numpy())
    known = dict(zip(located["code"], shapely.points(x, y), strict=True))
    pieces, edges = _pieces(units, members_2025(version, province), known)
    lines = shapely.union_all(np.concatenate(
        [shapely.boundary(units.geometry.to_numpy()), *edges]))
    faces = np.asarray(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))),
                       dtype=object)
    tree = shapely.STRtree(units.geometry.to_numpy())
    hit = tree.query(shapely.point_on_surface(faces), predicate="within")
    unit_of = np.full(len(faces), -1, dtype=np.intp)
    unit_of[hit[0]] = hit[1]
    faces, unit_of = faces[unit_of >= 0], unit_of[unit_of >= 0]
    owner = _reassign_detached(faces, _owners(faces, unit_of, pieces), pieces)
    geoms = {code: shapely.coverage_union_all(faces[np.isin(owner, rows)])
             for code, rows in pieces.groupby("code").groups.items()}
    seeds = pieces.groupby("code")["seed"].first()
    order = reg["code"].tolist()
    missing = sorted(set(order) - set(geoms))
    if missing:
        raise PovmapError(f"No 2025 unit holds the {version} communes {', '.join(missing)}.")
    return (pd.DataFrame({"code": order, "seed": seeds.reindex(order).to_numpy()}),
            tuple(geoms[c] for c in order))


def approximate_boundaries(version: str, level: str, province: str = "75") -> gpd.GeoDataFrame:
    """Approximate commune or district polygons of a boundary version (offline).

    Parameters
    ----------
    version : str
        Boundary version key: ``"2021"`` or ``"2024"`` (``"2025"`` returns the
        embedded real layer).
    level : str
        ``"commune"`` or ``"district"`` (not in 2025).
    province : str, default "75"
        GSO province code of the unit registry.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name``, ``type``, ``parent_code``, ``seed`` (``centroid``,
        ``placed`` or ``whole``; districts: ``dissolved``; 2025: ``embedded``),
        ``approximate`` and ``geometry`` (EPSG:4326), one row per unit of the
        registry, forming a coverage whose union is the 2025 province.

    Examples
    --------
    >>> gdf = approximate_boundaries("2021", "district")
    >>> len(gdf), bool(gdf["approximate"].all())
    (22, True)
    """
    bv = get_version(version)
    if level not in bv.levels:
        raise PovmapError(f"Boundary version {bv.key} has no level '{level}'. "
                          f"Valid: {', '.join(bv.levels)}.")
    reg = registry(province)
    columns = ["code", "name", "type", "parent_code"]
    if bv.key == "2025":
        units = reg.units("2025", "commune")[columns]
        real = geometry_by_code(embedded_2025(province), units["code"].tolist())
        return gpd.GeoDataFrame(units.assign(seed="embedded", approximate=False),
                                geometry=list(real), crs="EPSG:4326")
    communes = reg.units(bv.key, "commune")
    seeds, metric = _communes(bv.key, province)
    geoms: Geoms = np.asarray(metric, dtype=object)
    frame = communes[columns].assign(seed=seeds["seed"].to_numpy())
    if level == "district":
        districts = reg.units(bv.key, "district")
        parents = communes["parent_code"].to_numpy()
        geoms = np.asarray([shapely.coverage_union_all(geoms[parents == c])
                            for c in districts["code"]], dtype=object)
        frame = districts[columns].assign(seed="dissolved")
    out = gpd.GeoDataFrame(frame.assign(approximate=True), geometry=_project(_TO_LONLAT, geoms),
                           crs="EPSG:4326")
    return out.reset_index(drop=True)
