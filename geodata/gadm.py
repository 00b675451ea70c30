"""Match GADM 4.1 level-3 features to the official 2021 communes (GSO codes).

GADM strips spaces from names (``TrảngBom``), keeps some stale units and outdated
types. :func:`match_gadm` assigns every feature of the wanted provinces to an official
2021 commune code:

1. keep the features whose ``NAME_1`` is one of the provinces (Đồng Nai, Bình Phước);
2. match ``NAME_2`` to the official districts of that province (:func:`~povcore.names.fold`);
3. within the district, match ``NAME_3`` to the official 2021 communes by name, then by
   a former-name alias from ``vietnamadminunits`` (e.g. ``XuânThạnh`` = Thị trấn Dầu
   Giây, 26326);
4. merge a feature still unmatched (e.g. ``SuốiTrầu``, abolished long ago) into the
   matched neighbour of the same district with which it shares the longest boundary.

GADM data are not redistributable: this module only *reads* a GADM layer the user
supplies; no GADM geometry ships with povmap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from numpy.typing import NDArray
from shapely.geometry import LinearRing
from shapely.geometry.base import BaseGeometry

from povcore.errors import Issue, PovmapError, Report
from povcore.names import fold, fold_keep_marks
from povcore.units import UnitRegistry, registry

__all__ = [
    "DEFAULT_PROVINCES",
    "GadmMatch",
    "dissolve_to_version",
    "districts_from_communes",
    "legacy_aliases",
    "match_gadm",
]

Method = Literal["name", "alias", "merged-unmatched"]
WORK_CRS = "EPSG:32648"  # UTM 48N, metres: lengths and areas are measured here
#: Provinces whose features :func:`match_gadm` keeps, GSO code → name.
DEFAULT_PROVINCES: dict[str, str] = {"75": "Đồng Nai", "70": "Bình Phước"}
_LOWER_COLUMNS = {
    "gadm_name_1": "NAME_1", "gadm_name_2": "NAME_2", "gadm_name_3": "NAME_3",
    "gadm_varname_3": "VARNAME_3", "gadm_type_3": "TYPE_3", "gadm_gid": "GID_3",
}
_REQUIRED = ("NAME_1", "NAME_2", "NAME_3", "GID_3")
_TOUCH_TOLERANCE_M = 30.0  # GADM rounds to 4 decimals (~11 m) and leaves gaps/overlaps
_RANK: dict[str, int] = {"merged-unmatched": 0, "name": 1, "alias": 2}
_TO_UTM = pyproj.Transformer.from_crs("EPSG:4326", WORK_CRS, always_xy=True)


@dataclass(frozen=True)
class GadmMatch:
    """Result of :func:`match_gadm`.

    Attributes
    ----------
    communes : geopandas.GeoDataFrame
        One row per matched official commune: ``code``, ``name`` (official, with
        diacritics and spaces), ``type`` (official 2021 type), ``district_code``,
        ``geometry`` (MultiPolygon, EPSG:4326), sorted by code.
    report : povcore.errors.Report
        Errors (official communes without a feature, unplaceable features) and
        warnings (merged features).
    matched_by : dict of str to str
        Commune code → ``"name"``, ``"alias"`` or ``"merged-unmatched"`` (the commune
        received at least one feature that matched no official name).
    """

    communes: gpd.GeoDataFrame
    report: Report
    matched_by: dict[str, str]


@cache
def legacy_aliases(province: str = "75") -> dict[str, frozenset[str]]:
    """Folded former names of each pre-2025 commune code.

    Read from ``geodata/data/legacy_aliases_<province>.csv`` (columns ``code`` and
    ``keys``, ``;``-joined), extracted at build time by ``geodata/data/build_units.py``
    from the keywords and aliases of ``vietnamadminunits`` (MIT).

    Returns
    -------
    dict of str to frozenset of str
        Commune code → keys as produced by :func:`povcore.names.fold`.

    Examples
    --------
    >>> "xuanthanh" in legacy_aliases()["26326"]
    True
    """
    path = resources.files("geodata") / "data" / f"legacy_aliases_{province}.csv"
    with path.open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return {
        str(code): frozenset(fold(k) for k in keys.split(";") if k)
        for code, keys in zip(table["code"], table["keys"], strict=True)
    }


def _standardise(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rename the lower-case ``gadm_*`` columns, check the required ones, go to 4326."""
    frame = raw.rename(columns={k: v for k, v in _LOWER_COLUMNS.items() if v not in raw})
    missing = [c for c in _REQUIRED if c not in frame]
    if missing:
        raise PovmapError(
            "GADM layer lacks required columns.",
            [Issue(f"missing column '{c}'", hint="expected GADM level-3 columns "
                   f"{', '.join(_REQUIRED)} (or gadm_name_1 … gadm_gid)", column=c)
             for c in missing],
        )
    frame = frame.set_crs("EPSG:4326") if frame.crs is None else frame.to_crs("EPSG:4326")
    return frame.reset_index(drop=True)


def _pick(name: str, candidates: pd.DataFrame) -> str | None:
    """Unique code whose name folds like ``name``; tone-aware tie-break."""
    hits = candidates[candidates["name"].map(fold) == fold(name)]
    if len(hits) > 1:
        hits = hits[hits["name"].map(fold_keep_marks) == fold_keep_marks(name)]
    return str(hits["code"].iloc[0]) if len(hits) == 1 else None


def _match_provinces(
    feats: gpd.GeoDataFrame, provinces: Mapping[str, str], report: Report
) -> gpd.GeoDataFrame:
    table = pd.DataFrame({"code": list(provinces), "name": list(provinces.values())})
    codes = feats["NAME_1"].astype(str).map(lambda n: _pick(n, table))
    dropped = codes.isna()
    if dropped.any():
        others = sorted(feats.loc[dropped, "NAME_1"].astype(str).unique())
        report.add(Issue(
            f"{int(dropped.sum())} GADM features of other provinces ignored: "
            f"{', '.join(others)}", severity="info",
        ))
    return feats.loc[~dropped].assign(province_code=codes[~dropped])


def _match_districts(
    feats: gpd.GeoDataFrame, units: pd.DataFrame, report: Report
) -> gpd.GeoDataFrame:
    districts = units[units["level"] == "district"]
    pairs = feats[["province_code", "NAME_2"]].drop_duplicates()
    found: dict[tuple[str, str], str | None] = {
        (p, n): _pick(str(n), districts[districts["parent_code"] == p])
        for p, n in pairs.itertuples(index=False)
    }
    codes = pd.Series(
        [found[(p, n)] for p, n in feats[["province_code", "NAME_2"]].itertuples(index=False)],
        index=feats.index, dtype=object)
    feats = feats.assign(district_code=codes)
    for (prov, name), code in found.items():
        if code is None:
            gids = feats.loc[feats["NAME_2"] == name, "GID_3"].astype(str)
            report.add(Issue(
                f"GADM district '{name}' matches no official district of province {prov}; "
                f"its {len(gids)} features are dropped ({', '.join(gids)})",
                hint="check NAME_2 against the registry's 2021 districts", value=name,
            ))
    return feats[feats["district_code"].notna()]


def _match_one(
    row: pd.Series, communes: pd.DataFrame, aliases: Mapping[str, Iterable[str]]
) -> tuple[str | None, str | None]:
    mine = communes[communes["parent_code"] == row["district_code"]]
    code = _pick(str(row["NAME_3"]), mine)
    if code is not None:
        return code, "name"
    keys = {fold(str(row["NAME_3"]))}
    if isinstance(row.get("VARNAME_3"), str) and row["VARNAME_3"]:
        keys.update(fold(v) for v in row["VARNAME_3"].split("|"))
    hits = [c for c in mine["code"] if keys & set(aliases.get(c, ()))]
    return (hits[0], "alias") if len(hits) == 1 else (None, None)


def _longest_shared(feature: BaseGeometry, others: gpd.GeoSeries) -> tuple[str, float]:
    """Code of the neighbour sharing the longest boundary (metres); nearest if none."""
    edge = feature.boundary
    shared = others.map(lambda g: edge.intersection(g.buffer(_TOUCH_TOLERANCE_M)).length)
    if shared.max() > 0:
        return str(shared.idxmax()), float(shared.max())
    return str(others.distance(feature).idxmin()), 0.0


def _merge_unmatched(feats: gpd.GeoDataFrame, report: Report) -> gpd.GeoDataFrame:
    """Give each unmatched feature to its neighbour in the same district (warning)."""
    utm = feats.to_crs(WORK_CRS)
    for idx in feats.index[feats["code"].isna()]:
        row = feats.loc[idx]
        peers = utm[(utm["district_code"] == row["district_code"]) & utm["code"].notna()]
        if peers.empty:
            continue
        target, length = _longest_shared(utm.geometry[idx], peers.set_index("code").geometry)
        feats.loc[idx, ["code", "method"]] = [target, "merged-unmatched"]
        how = f"longest shared boundary {length / 1000:.1f} km" if length else "nearest"
        report.add(Issue(
            f"GADM feature {row['GID_3']} '{row['NAME_3']}' matches no official 2021 "
            f"commune of district {row['district_code']}; merged into {target} ({how})",
            hint="a stale GADM unit; check the receiving commune", severity="warning",
            code=target, value=str(row["GID_3"]),
        ))
    return feats


def _as_multi(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    return shapely.MultiPolygon(parts)


def _assemble(
    feats: gpd.GeoDataFrame, communes: pd.DataFrame, report: Report
) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    official = communes.set_index("code")
    rows, matched_by = [], {}
    for code, group in feats.groupby("code", sort=True):
        code = str(code)
        methods = group["method"].astype(str)
        matched_by[code] = min(methods, key=_RANK.__getitem__)
        if (methods != "merged-unmatched").sum() > 1:
            report.add(Issue(
                f"{len(group)} GADM features match commune {code}: "
                f"{', '.join(group['GID_3'].astype(str))}; geometries merged",
                severity="warning", code=code,
            ))
        unit = official.loc[code]
        rows.append({"code": code, "name": unit["name"], "type": unit["type"],
                     "district_code": unit["parent_code"],
                     "geometry": _as_multi(shapely.union_all(_geoms(group.geometry)))})
    columns = ["code", "name", "type", "district_code", "geometry"]
    frame = gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs="EPSG:4326")
    return frame, matched_by


def _report_unplaced(feats: gpd.GeoDataFrame, communes: pd.DataFrame, report: Report) -> None:
    for _, row in feats[feats["code"].isna()].iterrows():
        report.add(Issue(
            f"GADM feature {row['GID_3']} '{row['NAME_3']}' matches no commune and has "
            f"no matched neighbour in district {row['district_code']}; dropped",
            severity="warning", value=str(row["GID_3"]),
        ))
    missing = communes[~communes["code"].isin(feats["code"].dropna())]
    if not missing.empty:
        listed = ", ".join(f"{c} {n}" for c, n in missing[["code", "name"]].itertuples(index=False))
        report.add(Issue(
            f"{len(missing)} official 2021 communes have no GADM feature: {listed}",
            hint="check the GADM layer covers these districts, or add aliases",
            value=missing["code"].tolist(),
        ))


def match_gadm(
    raw: gpd.GeoDataFrame,
    registry_units: pd.DataFrame | None = None,
    province_names: dict[str, str] | None = None,
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> GadmMatch:
    """Assign GADM 4.1 level-3 features to official 2021 commune codes.

    Parameters
    ----------
    raw : geopandas.GeoDataFrame
        GADM level-3 features with ``NAME_1``, ``NAME_2``, ``NAME_3``, ``GID_3`` and
        optionally ``VARNAME_3``/``TYPE_3`` (or the ``gadm_name_1`` … ``gadm_gid``
        columns of the developers' test layer). Other provinces are ignored.
    registry_units : pandas.DataFrame, optional
        Units of version 2021, both levels, as ``registry("75").units("2021")``.
    province_names : dict of str to str, optional
        Province code → name of the provinces to keep; default Đồng Nai and Bình Phước.
    aliases : mapping of str to iterable of str, optional
        Commune code → folded former names; default :func:`legacy_aliases`.

    Returns
    -------
    GadmMatch
        Matched communes, a report and the matching method per code.

    Examples
    --------
    >>> from shapely import box
    >>> raw = gpd.GeoDataFrame({"NAME_1": ["ĐồngNai"] * 2, "NAME_2": ["ThốngNhất"] * 2,
    ...     "NAME_3": ["XuânThạnh", "GiaTân1"], "GID_3": ["g1", "g2"]},
    ...     geometry=[box(107.1, 10.9, 107.2, 11.0), box(107.2, 10.9, 107.3, 11.0)],
    ...     crs="EPSG:4326")
    >>> m = match_gadm(raw)
    >>> m.matched_by
    {'26299': 'name', '26326': 'alias'}
    >>> len(m.report.errors)  # the other 8 communes of Thống Nhất, and 271 more
    1
    """
    units = registry("75").units("2021") if registry_units is None else registry_units
    provinces = DEFAULT_PROVINCES if province_names is None else province_names
    report = Report()
    feats = _match_provinces(_standardise(raw), provinces, report)
    feats = _match_districts(feats, units, report)
    communes = units[(units["level"] == "commune") & units["former_province"].isin(provinces)]
    table = aliases if aliases is not None else legacy_aliases()
    found = [_match_one(row, communes, table) for _, row in feats.iterrows()]
    feats = feats.assign(code=pd.Series([c for c, _ in found], index=feats.index, dtype=object),
                         method=pd.Series([m for _, m in found], index=feats.index, dtype=object))
    feats = _merge_unmatched(feats, report)
    _report_unplaced(feats, communes, report)
    frame, matched_by = _assemble(feats[feats["code"].notna()], communes, report)
    return GadmMatch(frame, report, matched_by)


def _registry(unit_registry: UnitRegistry | None) -> UnitRegistry:
    return registry("75") if unit_registry is None else unit_registry


def dissolve_to_version(
    communes_2021: gpd.GeoDataFrame, version: str, *, unit_registry: UnitRegistry | None = None
) -> gpd.GeoDataFrame:
    """Dissolve 2021 communes into the communes of a later version by successor code.

    Parameters
    ----------
    communes_2021 : geopandas.GeoDataFrame
        Output of :func:`match_gadm` (``code`` and ``geometry`` are used).
    version : str
        ``"2021"`` (returned as is) or ``"2024"`` (after the Nov-2024 mergers).
        Version 2025 split old communes, so it cannot be dissolved from 2021.
    unit_registry : UnitRegistry, optional
        Default ``registry("75")``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name``, ``type``, ``district_code``, ``geometry`` of ``version``.

    Raises
    ------
    PovmapError
        For another version, or when an input code is unknown or a target unit gets
        no geometry.
    """
    if version == "2021":
        return communes_2021.sort_values("code").reset_index(drop=True)
    if version != "2024":
        raise PovmapError(
            f"Cannot dissolve 2021 communes into version '{version}'. Valid: 2021, 2024 "
            "(in 2025 old communes were split; use a crosswalk instead)."
        )
    reg = _registry(unit_registry)
    successor = reg.units("2021", "commune").set_index("code")["successor_code"]
    target = reg.units(version, "commune").set_index("code")
    unknown = sorted(set(communes_2021["code"]) - set(successor.index))
    if unknown:
        raise PovmapError(f"Codes are not 2021 communes: {', '.join(unknown)}.")
    keys = communes_2021["code"].map(successor)
    missing = sorted(set(target.index) - set(keys))
    if missing:
        raise PovmapError(f"No 2021 geometry for {version} communes: {', '.join(missing)}.")
    geoms = _dissolve(communes_2021.geometry, keys.to_numpy(), multi=True)
    frame = target.loc[geoms.index, ["name", "type", "parent_code"]]
    frame = frame.rename(columns={"parent_code": "district_code"}).rename_axis("code")
    return gpd.GeoDataFrame(frame.reset_index(), geometry=list(geoms), crs=communes_2021.crs)


def _geoms(series: pd.Series | gpd.GeoSeries) -> NDArray[np.object_]:
    """The geometries of a (Geo)Series as a plain object array (for shapely)."""
    return np.asarray(series.to_numpy(), dtype=object)


def _dissolve(geoms: gpd.GeoSeries, keys: NDArray[np.object_], *, multi: bool) -> pd.Series:
    """Union of ``geoms`` per key (sorted keys), as MultiPolygons when ``multi``."""
    out: dict[str, BaseGeometry] = {}
    values = _geoms(geoms)
    for key in sorted(set(map(str, keys))):
        union = shapely.union_all(values[np.asarray(keys).astype(str) == key])
        out[key] = _as_multi(union) if multi else union
    return pd.Series(out, dtype=object)


def _hole_area_m2(ring: LinearRing) -> float:
    return float(shapely.transform(shapely.Polygon(ring), _utm_xy).area)


def _utm_xy(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    x, y = _TO_UTM.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def _fill_slivers(geom: BaseGeometry, others: BaseGeometry, max_m2: float) -> BaseGeometry:
    """Fill interior holes under ``max_m2`` unless mostly covered by other units."""
    polys = []
    for poly in shapely.get_parts(geom):
        keep = [
            ring for ring in poly.interiors
            if _hole_area_m2(ring) >= max_m2
            or shapely.Polygon(ring).intersection(others).area > shapely.Polygon(ring).area / 2
        ]
        polys.append(shapely.Polygon(poly.exterior, keep))
    return _as_multi(shapely.union_all(polys))


def districts_from_communes(
    communes: gpd.GeoDataFrame,
    *,
    version: str = "2021",
    unit_registry: UnitRegistry | None = None,
    max_hole_km2: float = 1.0,
) -> gpd.GeoDataFrame:
    """Dissolve communes into districts and fill the GADM slivers between communes.

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        Communes with ``district_code`` and ``geometry`` (EPSG:4326).
    version : str, default "2021"
        Registry version whose district names and types are used (2021 or 2024).
    unit_registry : UnitRegistry, optional
        Default ``registry("75")``.
    max_hole_km2 : float, default 1.0
        Interior holes smaller than this (measured in EPSG:32648) are filled, unless
        more than half of the hole is covered by another district.

    Returns
    -------
    geopandas.GeoDataFrame
        ``code``, ``name``, ``type``, ``parent_code`` (province), ``geometry``.
    """
    names = _registry(unit_registry).units(version, "district").set_index("code")
    unknown = sorted(set(communes["district_code"]) - set(names.index))
    if unknown:
        raise PovmapError(f"Unknown district codes for version {version}: {', '.join(unknown)}.")
    merged = _dissolve(communes.geometry, communes["district_code"].to_numpy(), multi=False)
    filled = [
        _fill_slivers(geom, shapely.union_all(_geoms(merged.drop(code))), max_hole_km2 * 1e6)
        for code, geom in merged.items()
    ]
    frame = names.loc[merged.index, ["name", "type", "parent_code"]].rename_axis("code")
    return gpd.GeoDataFrame(frame.reset_index(), geometry=filled, crs=communes.crs)
