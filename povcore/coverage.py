"""Coverage quality of a set of units: overlaps between them and gaps they enclose.

Used when reading a user's boundary file (``loaders``), when verifying every boundary
version (``geodata.verify``) and by anything else that must know whether a layer tiles
the province. Areas are measured in EPSG:32648 (UTM 48N), which covers Đồng Nai.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer

from povcore.errors import PovmapError

__all__ = [
    "METRIC_CRS", "CoverageDefects", "Gap", "Overlap", "coverage_defects", "enclosed_gaps",
    "intersecting_pairs",
]

METRIC_CRS = 32648  # UTM 48N: metres over all of Đồng Nai

Geoms = NDArray[np.object_]
Indices = NDArray[np.intp]


class Overlap(NamedTuple):
    """Two units whose interiors overlap, with the shared area in m² (EPSG:32648)."""

    code_a: str
    code_b: str
    area_m2: float


class Gap(NamedTuple):
    """A hole enclosed by the units, its area in m² and a point inside it (lon, lat)."""

    area_m2: float
    lon: float
    lat: float


@dataclass(frozen=True)
class CoverageDefects:
    """Overlaps and interior gaps between neighbouring units, largest first."""

    overlaps: tuple[Overlap, ...]
    gaps: tuple[Gap, ...]
    min_area_m2: float
    total_overlap_m2: float
    total_gap_m2: float


def _valid_array(frame: gpd.GeoDataFrame) -> Geoms:
    geoms = np.asarray(frame.geometry.to_crs(METRIC_CRS).array, dtype=object)
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    geoms[invalid] = shapely.make_valid(geoms[invalid])
    return geoms


def intersecting_pairs(geoms: Geoms) -> tuple[Indices, Indices, NDArray[np.float64]]:
    """Every pair ``i < j`` of geometries that intersect, and the area they share.

    Parameters
    ----------
    geoms : array of shapely geometries
        In a projected CRS (areas in its unit, e.g. m² in EPSG:32648).

    Returns
    -------
    tuple of arrays
        ``left``, ``right`` (positions, ``left < right``) and the intersection areas;
        neighbours that only touch share an area of 0.

    Examples
    --------
    >>> squares = np.array([shapely.box(0, 0, 2, 2), shapely.box(1, 0, 3, 2),
    ...                     shapely.box(3, 0, 4, 2)])
    >>> left, right, areas = intersecting_pairs(squares)
    >>> left.tolist(), right.tolist(), areas.tolist()
    ([0, 1], [1, 2], [2.0, 0.0])
    """
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    order = np.lexsort((right, left))
    left, right = left[order], right[order]
    return left, right, shapely.area(shapely.intersection(geoms[left], geoms[right]))


def enclosed_gaps(geoms: Geoms) -> Geoms:
    """Connected regions enclosed by the units' outline but covered by none of them.

    Examples
    --------
    >>> ring = np.array([shapely.box(0, 0, 3, 1), shapely.box(0, 2, 3, 3),
    ...                  shapely.box(0, 1, 1, 2), shapely.box(2, 1, 3, 2)])
    >>> [g.area for g in enclosed_gaps(ring)], len(enclosed_gaps(ring[:2]))
    ([1.0], 0)
    """
    union = shapely.union_all(geoms)
    outer = shapely.polygons(shapely.get_exterior_ring(shapely.get_parts(union)))
    parts = shapely.get_parts(shapely.difference(shapely.union_all(outer), union))
    return np.asarray(parts[~shapely.is_empty(parts)], dtype=object)


def _overlaps(geoms: Geoms, codes: np.ndarray, min_area_m2: float) -> list[Overlap]:
    left, right, areas = intersecting_pairs(geoms)
    found = [
        Overlap(str(codes[a]), str(codes[b]), float(area))
        for a, b, area in zip(left, right, areas, strict=True)
        if area > min_area_m2
    ]
    return sorted(found, key=lambda o: -o.area_m2)


def _gaps(geoms: Geoms, min_area_m2: float) -> list[Gap]:
    holes = enclosed_gaps(geoms)
    areas = shapely.area(holes)
    holes, areas = holes[areas > min_area_m2], areas[areas > min_area_m2]
    points = shapely.point_on_surface(holes)
    to_lonlat = Transformer.from_crs(METRIC_CRS, 4326, always_xy=True)
    lons, lats = to_lonlat.transform(shapely.get_x(points), shapely.get_y(points))
    found = [Gap(float(a), float(x), float(y))
             for a, x, y in zip(areas, np.atleast_1d(lons), np.atleast_1d(lats), strict=True)]
    return sorted(found, key=lambda g: -g.area_m2)


def coverage_defects(frame: gpd.GeoDataFrame, min_area_m2: float = 1.0) -> CoverageDefects:
    """Overlaps between units and gaps enclosed by them, measured in EPSG:32648.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Units with a ``code`` column and a CRS (e.g. from ``loaders.read_boundary_file``).
    min_area_m2 : float
        Overlaps and gaps of this area or less (m²) are ignored as slivers.

    Returns
    -------
    CoverageDefects
        ``overlaps``: every pair of units whose intersection is larger than
        ``min_area_m2`` as ``(code_a, code_b, area_m2)``, found with an STRtree;
        ``gaps``: interior holes of the union of all units (the outside does not
        count) as ``(area_m2, lon, lat)`` with a point inside the hole; both sorted
        largest first, with their total areas.
    """
    if frame.crs is None:
        raise PovmapError("Bảng ranh giới không có hệ toạ độ / The boundary frame has no CRS")
    geoms = _valid_array(frame)
    codes = frame["code"].astype(str).to_numpy()
    overlaps = _overlaps(geoms, codes, min_area_m2)
    gaps = _gaps(geoms, min_area_m2)
    return CoverageDefects(
        overlaps=tuple(overlaps),
        gaps=tuple(gaps),
        min_area_m2=min_area_m2,
        total_overlap_m2=float(sum(o.area_m2 for o in overlaps)),
        total_gap_m2=float(sum(g.area_m2 for g in gaps)),
    )
