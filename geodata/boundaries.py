"""Boundaries of one version and level, from wherever they are available.

Resolution order for each boundary version (first hit wins):

1. the user's own file ``<geodata>/custom/<version>_<level>.{gpkg,geojson,zip}``
   (read by :mod:`loaders.boundary_file`, any CRS including VN-2000);
2. files fetched by ``povmap geodata fetch`` into ``<geodata>``
   (``thanglequoc-2025/`` per-unit GeoJSON; ``gadm41-2021/gadm41_VNM_3.json[.zip]``);
3. the developers' reference layout (``new_2025/dong_nai_2025_wards.gpkg``,
   ``legacy_2021/gadm41_legacy_2021_NOT_REDISTRIBUTABLE.gpkg`` raw GADM layer);
4. version 2025 only: the layer shipped inside povmap (:mod:`geodata.embedded`, MIT),
   so the 2025 map is never approximate;
5. versions 2021/2024: approximate communes built inside the real 2025 outlines
   (:mod:`geodata.approximate`) — *Ranh giới gần đúng*.

Legacy (2021) communes always go through the GADM matcher, which restores official
codes; 2024 communes and all districts are dissolved from the 2021 communes.
The normalised result is cached as GeoParquet under ``<data>/cache/boundaries``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pyogrio

from geodata.embedded import EMBEDDED_LABEL, embedded_2025, embedded_path
from povcore.config import Settings, settings
from povcore.errors import Issue, PovmapError, Report
from povcore.fileio import atomic_writer
from povcore.units import VERSIONS, Level, get_version, registry

CACHE_FORMAT = 1
APPROXIMATE_LABEL_VI = "Ranh giới gần đúng"
APPROXIMATE_LABEL_EN = "Approximate boundaries"
APPROXIMATE_SOURCE = ("ô gần đúng trong ranh giới 2025 kèm theo / approximate cells inside the "
                      "embedded 2025 boundaries")


@dataclass(frozen=True)
class Boundaries:
    """Polygons of one version/level with their provenance.

    ``frame`` columns: code, name, type, parent_code, geometry (EPSG:4326).
    """

    version: str
    level: Level
    frame: gpd.GeoDataFrame
    source: str
    approximate: bool
    report: Report = field(default_factory=Report)


@dataclass(frozen=True)
class _Candidate:
    label: str
    paths: tuple[Path, ...]
    read: Callable[[], gpd.GeoDataFrame]


def _read_custom(path: Path) -> gpd.GeoDataFrame:
    from loaders.boundary_file import read_boundary_file

    return read_boundary_file(path)[0]


def _custom_candidates(root: Path, version: str, level: str) -> list[_Candidate]:
    out = []
    for ext in ("gpkg", "geojson", "zip"):
        path = root / "custom" / f"{version}_{level}.{ext}"
        if path.is_file():
            out.append(_Candidate(
                f"tệp của người dùng / user file {path}", (path,),
                partial(_read_custom, path),
            ))
    return out


def _read_ward_files(folder: Path) -> gpd.GeoDataFrame:
    parts = []
    for path in sorted(folder.rglob("*.geojson")):
        frame = pyogrio.read_dataframe(path)
        frame = frame.to_crs(4326) if frame.crs else frame.set_crs(4326)
        geom = frame.geometry.union_all()
        parts.append({"code": path.name.split("_", 1)[0], "geometry": geom})
    return gpd.GeoDataFrame(parts, geometry="geometry", crs=4326)


def _read_layer(path: Path, layer: str, code_column: str) -> gpd.GeoDataFrame:
    frame: gpd.GeoDataFrame = pyogrio.read_dataframe(path, layer=layer)
    frame = frame.rename(columns={code_column: "code"})
    return gpd.GeoDataFrame(frame[["code", "geometry"]], geometry="geometry").to_crs(4326)


def _candidates_2025(root: Path, province: str) -> list[_Candidate]:
    fetched = root / "thanglequoc-2025"
    dev = root / "new_2025" / "dong_nai_2025_wards.gpkg"
    out = []
    if fetched.is_dir() and any(fetched.rglob("*.geojson")):
        out.append(_Candidate(
            "thanglequoc/vietnamese-provinces-database (MIT)",
            tuple(sorted(fetched.rglob("*.geojson"))), lambda: _read_ward_files(fetched),
        ))
    if dev.is_file():
        out.append(_Candidate(
            "thanglequoc/vietnamese-provinces-database (MIT), bản sao / copy",
            (dev,), lambda: _read_layer(dev, "wards", "ward_code"),
        ))
    embedded = embedded_path(province)
    if embedded is not None:
        out.append(_Candidate(EMBEDDED_LABEL, (embedded,), partial(embedded_2025, province)))
    return out


def _read_gadm(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    from geodata.gadm import match_gadm

    raw = pyogrio.read_dataframe(path, layer=layer)
    match = match_gadm(raw)
    match.report.raise_if_errors(f"GADM features in {path.name} could not be matched")
    return match.communes


def _candidates_legacy(root: Path) -> list[_Candidate]:
    out = []
    folder = root / "gadm41-2021"
    found = sorted(folder.rglob("gadm41_VNM_3.json*")) if folder.is_dir() else []
    for path in found[:1]:
        out.append(_Candidate(
            "GADM 4.1 (non-commercial)", (path,), partial(_read_gadm, path, None)
        ))
    dev = root / "legacy_2021" / "gadm41_legacy_2021_NOT_REDISTRIBUTABLE.gpkg"
    if dev.is_file():
        out.append(_Candidate(
            "GADM 4.1 (non-commercial), bản sao / copy", (dev,),
            lambda: _read_gadm(dev, "communes_gadm41_raw"),
        ))
    return out


def _cache_key(candidate: _Candidate, version: str, level: str) -> str:
    h = hashlib.sha256(f"{CACHE_FORMAT}|{version}|{level}|{candidate.label}".encode())
    for path in candidate.paths:
        st = path.stat()
        h.update(f"|{path}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def _derive(base: gpd.GeoDataFrame, version: str, level: Level,
            province: str) -> gpd.GeoDataFrame:
    """2021 communes → the wanted version and level (2024 and districts dissolved)."""
    from geodata.gadm import dissolve_to_version, districts_from_communes

    reg = registry(province)
    communes = (base.rename(columns={"parent_code": "district_code"}) if version == "2021"
                else dissolve_to_version(base, version, unit_registry=reg))
    if level == "commune":
        return communes
    return districts_from_communes(communes, version=version, unit_registry=reg)


def _with_registry(frame: gpd.GeoDataFrame, version: str, level: Level, province: str,
                   report: Report) -> gpd.GeoDataFrame:
    units = registry(province).units(version, level)
    frame = frame.assign(code=frame["code"].astype(str))[["code", "geometry"]]
    missing = sorted(set(units["code"]) - set(frame["code"]))
    extra = sorted(set(frame["code"]) - set(units["code"]))
    for code in missing:
        report.add(Issue(
            f"Không có ranh giới cho đơn vị {code} / no boundary for unit {code}",
            hint="Kiểm tra tệp ranh giới / check the boundary file", code=code,
        ))
    for code in extra:
        report.add(Issue(
            f"Mã {code} không thuộc phiên bản {version} / code not in version {version}",
            hint="Bỏ qua đối tượng này / feature ignored", severity="warning", code=code,
        ))
    merged = units[["code", "name", "type", "parent_code"]].merge(frame, on="code")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=4326)


def _cached(candidate: _Candidate, version: str, level: Level, cfg: Settings,
            report: Report) -> gpd.GeoDataFrame:
    folder = cfg.cache_dir / "boundaries"
    target = folder / f"{version}_{level}_{_cache_key(candidate, version, level)}.parquet"
    if target.is_file():
        return gpd.read_parquet(target)
    base_version = "2025" if version == "2025" else "2021"
    raw = candidate.read()
    frame = raw if base_version == version and level == "commune" else _derive(
        _with_registry(raw, "2021", "commune", cfg.province, report), version, level,
        cfg.province)
    frame = _with_registry(frame, version, level, cfg.province, report)
    return _write_parquet(frame, target)


def _write_parquet(frame: gpd.GeoDataFrame, target: Path) -> gpd.GeoDataFrame:
    """Store ``frame`` and return it as read back, identical to every later read.

    (Column dtypes change in the round trip, and the web-layer cache key hashes them.)
    """
    with atomic_writer(target) as handle:
        frame.to_parquet(handle)
    return gpd.read_parquet(target)


def _approximation_key(version: str, level: str, province: str) -> str:
    """Digest of everything an approximation is computed from (data files and code)."""
    from geodata import approximate, crosswalk
    from geodata.embedded import embedded_dir

    h = hashlib.sha256(f"{CACHE_FORMAT}|approx|{version}|{level}|{province}".encode())
    data = resources.files("geodata") / "data"
    files = [resources.files("povcore") / "data" / f"units_{province}.csv",
             data / f"membership_2024_2025_{province}.csv",
             data / f"transfers_2021_2024_{province}.csv", embedded_dir() / "SHA256SUMS",
             Path(approximate.__file__), Path(crosswalk.__file__)]
    for path in files:
        h.update(path.read_bytes() if path.is_file() else b"-")
    return h.hexdigest()[:16]


def _approximation(version: str, level: Level, cfg: Settings) -> gpd.GeoDataFrame:
    """Approximate boundaries, cached as GeoParquet like the real ones."""
    key = _approximation_key(version, level, cfg.province)
    target = cfg.cache_dir / "boundaries" / f"{version}_{level}_approx_{key}.parquet"
    if target.is_file():
        return gpd.read_parquet(target)
    from geodata.approximate import approximate_boundaries

    frame = approximate_boundaries(version, level, cfg.province)
    frame = gpd.GeoDataFrame(
        frame[["code", "name", "type", "parent_code", "geometry"]], geometry="geometry", crs=4326
    )
    return _write_parquet(frame, target)


def _candidates(root: Path, version: str, level: str, province: str) -> list[_Candidate]:
    own = _custom_candidates(root, version, level)
    base = _candidates_2025(root, province) if version == "2025" else _candidates_legacy(root)
    return own + base


def load_boundaries(version: str, level: Level = "commune",
                    cfg: Settings | None = None) -> Boundaries:
    """Boundaries of ``version`` at ``level``; approximate when none are available.

    Raises
    ------
    PovmapError
        When a boundary file exists but cannot be used (the message names it).
    """
    bv = get_version(version)
    if level not in bv.levels:
        raise PovmapError(f"Boundary version {version} has no level '{level}'. "
                          f"Valid: {', '.join(bv.levels)}.")
    cfg = cfg or settings()
    report = Report()
    for cand in _candidates(cfg.geodata_dir, version, level, cfg.province):
        is_custom = cand.paths[0].parent.name == "custom"
        if is_custom:
            frame = _with_registry(cand.read(), version, level, cfg.province, report)
        else:
            frame = _cached(cand, version, level, cfg, report)
        report.raise_if_errors(f"Ranh giới {version}/{level} từ {cand.label} không dùng được")
        return Boundaries(version, level, frame, cand.label, False, report)
    frame = _approximation(version, level, cfg)
    report.add(Issue(
        f"{APPROXIMATE_LABEL_VI}: không tìm thấy tệp ranh giới trong {cfg.geodata_dir} / "
        f"{APPROXIMATE_LABEL_EN}: no boundary files found",
        hint="Các xã cũ được dựng trong ranh giới thật năm 2025; đặt tệp GADM hoặc tệp của "
        "bạn vào POVMAP_GEODATA / old communes are drawn inside the real 2025 boundaries; "
        "put GADM or your own file in POVMAP_GEODATA", severity="warning",
    ))
    return Boundaries(version, level, frame, APPROXIMATE_SOURCE, True, report)


def web_boundaries(version: str, level: str,
                   cfg: Settings | None = None) -> tuple[Boundaries, gpd.GeoDataFrame]:
    """Boundaries of a version and level and their browser-sized web layer.

    The web layer is read from, or written to, ``<cache>/web`` under the key
    ``<version>_<level>`` (:func:`geodata.web.cached_web_layer`); for the embedded 2025
    layer its shipped web geometry is used instead of simplifying
    (:func:`geodata.embedded.web_compute`). Setup and the app both call this, so the
    layers setup writes are the ones the app reads.
    """
    from geodata.embedded import web_compute
    from geodata.web import cached_web_layer

    cfg = cfg or settings()
    b = load_boundaries(version, level, cfg)  # type: ignore[arg-type]
    web = cached_web_layer(b.frame, cfg.cache_dir / "web", web_layer_key(version, level),
                           compute=web_compute)
    return b, web


def web_layer_key(version: str, level: str) -> str:
    """Cache key of a web layer (:func:`web_boundaries`)."""
    return f"{version}_{level}"


def precompute(cfg: Settings | None = None) -> Iterator[str]:
    """Fill the boundary cache and the web-layer cache of every version and level.

    Run by ``povmap setup`` so that the first map after a server start reads both
    from disk (:func:`web_boundaries`, as the app does).

    Yields
    ------
    str
        One line per layer: version, level, source and seconds taken.
    """
    cfg = cfg or settings()
    for version, bv in VERSIONS.items():
        for level in bv.levels:
            start = time.perf_counter()
            b, _ = web_boundaries(version, level, cfg)
            flag = f" — {APPROXIMATE_LABEL_VI}" if b.approximate else ""
            yield (f"Lớp bản đồ / map layer {version}/{level}: {len(b.frame)} đơn vị / units, "
                   f"{b.source}{flag} ({time.perf_counter() - start:.1f} s)")


def boundaries_status(cfg: Settings | None = None) -> dict[str, dict[str, object]]:
    """For each version, where its boundaries would come from (no geometry is read)."""
    cfg = cfg or settings()
    out: dict[str, dict[str, object]] = {}
    for version in ("2021", "2024", "2025"):
        level = "commune"
        cands = _candidates(cfg.geodata_dir, version, level, cfg.province)
        if cands:
            out[version] = {"source": cands[0].label, "approximate": False,
                            "files": [str(p) for p in cands[0].paths[:3]]}
        else:
            out[version] = {"source": APPROXIMATE_SOURCE,
                            "approximate": True, "files": []}
    return out
