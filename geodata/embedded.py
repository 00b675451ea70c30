"""The 2025 commune layer of Đồng Nai shipped inside povmap (MIT, with attribution).

``geodata/data/embedded/`` holds a regenerated derivative of the MIT-licensed 2025
ward boundaries (thanglequoc/vietnamese-provinces-database, © 2021 Thang Le Quoc;
geometry derived upstream from sapnhap.bando.com.vn), made by
``geodata/data/build_embedded_2025.py``; see ``ATTRIBUTION.md`` there. It lets the
app show real 2025 boundaries with no network and no ``POVMAP_GEODATA``, and it is
the frame inside which :mod:`geodata.approximate` builds the older communes.

The folder also ships the browser layer of the same geometry, so
:func:`web_compute` can fill the web cache of :func:`geodata.web.cached_web_layer`
without simplifying, and ``SHA256SUMS`` (checked by :func:`verify_embedded`).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from geodata.web import DEFAULT_TOLERANCE_M, Method, simplify_coverage
from povcore.errors import Issue, PovmapError

__all__ = [
    "EMBEDDED_LABEL",
    "embedded_2025",
    "embedded_dir",
    "embedded_path",
    "geometry_by_code",
    "verify_embedded",
    "web_compute",
]

EMBEDDED_LABEL = ("thanglequoc/vietnamese-provinces-database (MIT), bản kèm theo povmap / "
                  "embedded in povmap")
_LAYER = "dong_nai_2025_communes.parquet"
_WEB = "dong_nai_2025_communes_web.geojson"


def embedded_dir() -> Path:
    """Folder of the shipped files (inside the installed ``geodata`` package)."""
    return Path(str(resources.files("geodata") / "data" / "embedded"))


def embedded_path(province: str = "75") -> Path | None:
    """Path of the embedded 2025 layer of ``province``; None when none is shipped."""
    path = embedded_dir() / _LAYER
    return path if province == "75" and path.is_file() else None


@cache
def _read(path: Path, mtime_ns: int) -> gpd.GeoDataFrame:
    return gpd.read_parquet(path)


def embedded_2025(province: str = "75") -> gpd.GeoDataFrame:
    """The embedded 2025 units: ``code`` and ``geometry`` (EPSG:4326), sorted by code.

    Raises
    ------
    PovmapError
        When povmap ships no 2025 layer for ``province``.

    Examples
    --------
    >>> frame = embedded_2025()
    >>> len(frame), frame.crs.to_epsg(), frame["code"].iloc[0]
    (95, 4326, '25195')
    """
    path = embedded_path(province)
    if path is None:
        raise PovmapError(
            f"Không có ranh giới 2025 kèm theo cho tỉnh {province} / no embedded 2025 "
            f"boundaries for province {province}",
            [Issue("chỉ có tỉnh 75 / only province 75 ships one",
                   hint="Chạy `povmap geodata fetch` / run `povmap geodata fetch`",
                   value=province)],
        )
    return _read(path, path.stat().st_mtime_ns).copy()


def _same_geometry(frame: gpd.GeoDataFrame, base: gpd.GeoDataFrame) -> bool:
    if len(frame) != len(base) or set(frame["code"]) != set(base["code"]):
        return False
    ours = geometry_by_code(base, frame["code"].tolist())
    theirs = np.asarray(frame.geometry.to_numpy(), dtype=object)
    return bool(shapely.equals_exact(theirs, ours, tolerance=0).all())


def geometry_by_code(frame: gpd.GeoDataFrame, codes: list[str]) -> NDArray[np.object_]:
    """Geometries of ``frame`` in the order of ``codes`` (every code must be present)."""
    lookup = dict(zip(frame["code"].astype(str), frame.geometry.to_numpy(), strict=True))
    return np.array([lookup[str(c)] for c in codes], dtype=object)


@cache
def _web(path: Path, mtime_ns: int) -> gpd.GeoDataFrame:
    return gpd.read_file(path, engine="pyogrio").set_crs(4326, allow_override=True)


def web_compute(frame: gpd.GeoDataFrame, tolerance_m: float, *, method: Method = "arcs",
                decimals: int | None = None) -> gpd.GeoDataFrame:
    """:func:`geodata.web.simplify_coverage`, answered from the shipped web layer.

    When ``frame`` holds exactly the embedded 2025 geometry and the parameters are the
    defaults the shipped web layer was made with, its geometry is returned with the
    attributes of ``frame`` (no simplification); otherwise the layer is simplified.
    Pass it as ``compute`` to :func:`geodata.web.cached_web_layer`: the cache key does
    not depend on ``compute``, so the app finds the file under its usual name.
    """
    path = embedded_dir() / _WEB
    default = tolerance_m == DEFAULT_TOLERANCE_M and method == "arcs" and decimals is None
    base = embedded_path()
    if default and base is not None and path.is_file() and _same_geometry(
            frame, embedded_2025()):
        geoms = geometry_by_code(_web(path, path.stat().st_mtime_ns), frame["code"].tolist())
        attrs = frame.drop(columns=frame.geometry.name)
        return gpd.GeoDataFrame(attrs, geometry=list(geoms), index=frame.index, crs=4326)
    return simplify_coverage(frame, tolerance_m, method=method, decimals=decimals)


def verify_embedded() -> dict[str, bool]:
    """File name → whether its sha256 matches ``SHA256SUMS`` (every listed file)."""
    folder = embedded_dir()
    out: dict[str, bool] = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        path = folder / name
        out[name] = path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest
    return out
