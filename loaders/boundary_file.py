"""Read administrative boundary files that users bring, and check them.

Accepted inputs: GeoPackage (``.gpkg``), zipped Shapefile (``.zip``), plain Shapefile
(``.shp`` with its ``.shx``/``.dbf``/``.prj`` beside it) and GeoJSON (``.geojson``,
``.json``). The result is always one row per unit with ``code`` (GSO code as a string
of digits), ``name`` and ``geometry`` in EPSG:4326, plus a :class:`~povcore.errors.Report`
of warnings. Anything fatal raises :class:`~povcore.errors.PovmapError` carrying every
issue found.

VN-2000 (see docs/DOMAIN.md §7). Files exported by common Vietnamese GIS tools often
carry a ``.prj`` that names VN-2000 — or a provincial TM-3 grid on the WGS 84 datum —
without a datum shift, so a reader would take VN-2000 coordinates for WGS 84 and
misplace everything by about 200 m. Such a CRS is detected by *behaviour* (a name or
grid that means VN-2000, and a transformation to WGS 84 that moves nothing) and rebuilt
with the official seven-parameter shift.

Sign convention of the shift: Decision 05/2007/QĐ-BTNMT and EPSG transformation 6960
("VN-2000 to WGS 84 (2)") publish the rotations in the *coordinate frame* convention
(``-0.00928836, 0.01975479, -0.00427372``), while PROJ's ``+towgs84`` uses the
*position vector* convention. The rotations in :data:`VN2000_TOWGS84` are therefore
negated; with them, ``+towgs84`` reproduces EPSG 6960 to the millimetre, whereas the
published signs copied verbatim are off by about 0.5 m (tests check both).

Message texts are Vietnamese first, then English after " / ".
"""

from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from povcore.coverage import CoverageDefects, coverage_defects
from povcore.errors import Issue, PovmapError, Report
from povcore.names import fold_text

__all__ = [
    "CODE_COLUMN_CANDIDATES",
    "NAME_COLUMN_CANDIDATES",
    "VN2000_TOWGS84",
    "fold_column_name",
    "polygons_to_wgs84",
    "read_boundary_file",
    "read_layer",
    "vn2000_tm3",
]

#: WGS 84 ← VN-2000 seven parameters in PROJ's ``+towgs84`` (position vector) order.
VN2000_TOWGS84 = (
    "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
)

#: Code columns recognised when ``code_column`` is not given, most specific first.
#: Column names are compared after lower-casing, stripping diacritics (đ → d) and
#: turning spaces and hyphens into underscores, so "Mã xã" matches ``ma_xa``.
CODE_COLUMN_CANDIDATES: tuple[str, ...] = (
    "ward_code", "commune_code", "ma_xa", "maxa", "ma_phuong", "maphuong",
    "ma_dvhc", "madvhc", "ma_don_vi", "madonvi", "gso_code", "code", "ma",
    "district_code", "ma_huyen", "mahuyen", "province_code", "ma_tinh", "matinh",
)

#: Name columns recognised when ``name_column`` is not given (same comparison).
NAME_COLUMN_CANDIDATES: tuple[str, ...] = (
    "name", "ten", "ten_xa", "tenxa", "ten_phuong", "tenphuong", "ten_dvhc", "tendvhc",
    "ten_don_vi", "tendonvi", "ward_name", "commune_name", "unit_name", "name_vi",
    "district_name", "ten_huyen", "tenhuyen", "province_name", "ten_tinh", "tentinh",
)

ACCEPTED_FORMATS = (
    "GeoPackage (.gpkg), Shapefile nén (.zip), Shapefile (.shp kèm .shx, .dbf, .prj), "
    "GeoJSON (.geojson, .json) / GeoPackage (.gpkg), zipped Shapefile (.zip), "
    "Shapefile (.shp with its .shx, .dbf, .prj), GeoJSON (.geojson, .json)"
)
_SUFFIXES = frozenset({".gpkg", ".zip", ".shp", ".geojson", ".json"})
_METRIC_CRS = "EPSG:32648"
_VIETNAM_BOUNDS = (102.0, 8.0, 110.0, 24.0)  # lon min, lat min, lon max, lat max
_VN2000_NAME = re.compile(r"vn_?2000|vietnam_?2000")
_WGS84_AXES = (6378137.0, 298.257223563)
_GEOD = Geod(ellps="WGS84")
_DEFECT_MIN_AREA_M2 = 1.0
_LIST_LIMIT = 20
_PYOGRIO_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.CRSError,
)


def _bilingual(vi: str, en: str) -> str:
    return f"{vi} / {en}"


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_LIST_LIMIT])
    return f"{shown}, … (+{len(rows) - _LIST_LIMIT})" if len(rows) > _LIST_LIMIT else shown


def vn2000_tm3(central_meridian: float = 107.75) -> CRS:
    """Provincial VN-2000 TM-3 projection with the official datum shift to WGS 84.

    Transverse Mercator, 3° zone, scale 0.9999, false easting 500 000 m, on the
    VN-2000 datum (WGS 84 ellipsoid) with :data:`VN2000_TOWGS84`.

    Parameters
    ----------
    central_meridian : float
        Central meridian in decimal degrees: 107.75 (107°45′) for Đồng Nai; old Bình
        Phước's is reported as 106.25 (unconfirmed).

    Returns
    -------
    pyproj.CRS
        A bound CRS that pyproj transforms to EPSG:4326 with the seven-parameter shift.

    Examples
    --------
    >>> crs = vn2000_tm3()
    >>> crs.is_projected, "+lon_0=107.75" in crs.srs
    (True, True)
    """
    return CRS.from_proj4(_tm3_proj4(central_meridian))


def _tm3_proj4(central_meridian: float) -> str:
    return (
        f"+proj=tmerc +lat_0=0 +lon_0={central_meridian} +k=0.9999 +x_0=500000 +y_0=0 "
        f"+ellps=WGS84 +towgs84={VN2000_TOWGS84} +units=m +no_defs"
    )


# --------------------------------------------------------------------------- opening


def _fail(file: str, message: str, hint: str = "", value: object = None) -> PovmapError:
    issue = Issue(message=message, hint=hint, file=file, value=value)
    return PovmapError(_bilingual(f"Không đọc được {file}", f"Cannot read {file}"), [issue])


def _unreadable(file: str, detail: str) -> PovmapError:
    return _fail(
        file,
        _bilingual(
            f"Tệp {file} không đọc được hoặc bị hỏng ({detail})",
            f"{file} is unreadable or corrupt ({detail})",
        ),
        hint=ACCEPTED_FORMATS,
        value=detail,
    )


def _choose(names: list[str], layer: str | None, file: str) -> str:
    if layer is not None and layer in names:
        return layer
    if layer is None and len(names) == 1:
        return names[0]
    listed = ", ".join(names) or "-"
    if layer is None:
        message = _bilingual(
            f"Tệp có {len(names)} lớp, cần chọn một: {listed}",
            f"The file has {len(names)} layers; choose one: {listed}",
        )
    else:
        message = _bilingual(
            f"Không có lớp '{layer}'. Các lớp hiện có: {listed}",
            f"No layer '{layer}'. Layers present: {listed}",
        )
    raise _fail(file, message, _bilingual("Truyền layer=...", "Pass layer=..."))


def _zip_source(path: Path, layer: str | None) -> tuple[str, str | None]:
    file = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m for m in archive.namelist()
                if m.lower().endswith(".shp") and not m.startswith("__MACOSX/")
            ]
    except (zipfile.BadZipFile, OSError) as err:
        raise _unreadable(file, str(err)) from err
    if not members:
        raise _fail(
            file,
            _bilingual("Tệp zip không chứa Shapefile (.shp)", "The zip holds no Shapefile (.shp)"),
            hint=ACCEPTED_FORMATS,
        )
    stems = {Path(m).stem: m for m in members}
    chosen = _choose(list(stems), layer, file)
    return f"/vsizip/{path.resolve()}/{stems[chosen]}", None


def _source(path: Path, layer: str | None) -> tuple[str, str | None]:
    """GDAL path and layer name to read."""
    file = path.name
    if path.suffix.lower() not in _SUFFIXES:
        raise _fail(
            file,
            _bilingual(
                f"Định dạng '{path.suffix}' không được hỗ trợ",
                f"Format '{path.suffix}' is not supported",
            ),
            hint=ACCEPTED_FORMATS,
        )
    if not path.is_file():
        raise _fail(file, _bilingual(f"Không tìm thấy tệp {path}", f"File not found: {path}"))
    if path.suffix.lower() == ".zip":
        return _zip_source(path, layer)
    try:
        layers = pyogrio.list_layers(path)
    except _PYOGRIO_ERRORS as err:
        raise _unreadable(file, str(err)) from err
    spatial = [str(name) for name, geom_type in layers if geom_type is not None]
    if layer is not None and layer in {str(name) for name, _ in layers}:
        spatial = [*spatial, layer]
    return str(path), _choose(sorted(set(spatial), key=spatial.index), layer, file)


def _read_raw(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    source, layer_name = _source(path, layer)
    try:
        raw = gpd.read_file(source, layer=layer_name, engine="pyogrio")
    except _PYOGRIO_ERRORS as err:
        raise _unreadable(path.name, str(err)) from err
    if not isinstance(raw, gpd.GeoDataFrame) or raw.geometry.name not in raw.columns:
        raise _fail(path.name, _bilingual("Lớp không có hình học", "The layer has no geometry"))
    if raw.empty:
        raise _fail(path.name, _bilingual("Lớp không có đối tượng nào", "The layer is empty"))
    return raw


# --------------------------------------------------------------------------- columns


def _fold(name: str) -> str:
    """Lower-case ASCII form of a column name: "Mã xã" → "ma_xa"."""
    return fold_text(name, "_")


def _pick_column(
    columns: Iterable[str], given: str | None, candidates: Sequence[str]
) -> str | None:
    present = [str(c) for c in columns]
    if given is not None:
        wanted = [given] if given in present else [c for c in present if _fold(c) == _fold(given)]
        return wanted[0] if len(wanted) == 1 else None
    folded = {_fold(c): c for c in reversed(present)}
    return next((folded[c] for c in candidates if c in folded), None)


def _column_error(file: str, kind_vi: str, kind_en: str, given: str | None,
                  present: list[str]) -> PovmapError:
    listed = ", ".join(present)
    what_vi = f"Không có cột '{given}'" if given else f"Không tìm thấy cột {kind_vi}"
    what_en = f"No column '{given}'" if given else f"No {kind_en} column found"
    return _fail(
        file,
        _bilingual(f"{what_vi}. Các cột hiện có: {listed}",
                   f"{what_en}. Columns present: {listed}"),
        hint=_bilingual(
            f"Truyền code_column=... / name_column=... (tên cột {kind_vi})",
            f"Pass code_column=... / name_column=... naming the {kind_en} column; recognised "
            f"automatically: {', '.join(CODE_COLUMN_CANDIDATES)}",
        ),
    )


# --------------------------------------------------------------------------- codes


def _normalise_code(value: object) -> str | None:
    """GSO code as a string: 26068.0 → "26068", " 26068 " → "26068"; blank → None."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = unicodedata.normalize("NFC", str(value)).strip()
    if re.fullmatch(r"\d+\.0*", text):
        text = text.split(".")[0]
    return text or None


def _code_issues(codes: list[str | None], file: str) -> list[Issue]:
    issues: list[Issue] = []
    missing = [row for row, code in enumerate(codes, start=1) if code is None]
    if missing:
        rows = _rows_text(missing)
        issues.append(Issue(
            message=_bilingual(f"Thiếu mã ở các dòng {rows}", f"Missing code at rows {rows}"),
            hint=_bilingual("Điền mã đơn vị hành chính", "Fill in the administrative unit code"),
            file=file, row=missing[0] if len(missing) == 1 else None,
        ))
    rows_by_code: dict[str, list[int]] = {}
    for row, code in enumerate(codes, start=1):
        if code is not None:
            rows_by_code.setdefault(code, []).append(row)
    for code, rows_of in rows_by_code.items():
        if len(rows_of) > 1:
            rows = _rows_text(rows_of)
            issues.append(Issue(
                message=_bilingual(f"Mã trùng lặp {code} ở các dòng {rows}",
                                   f"Duplicate code {code} at rows {rows}"),
                hint=_bilingual("Mỗi đơn vị chỉ được có một dòng",
                                "Each unit must appear on one row only"),
                file=file, code=code,
            ))
    issues.extend(_non_numeric_issue(codes, file))
    return issues


def _non_numeric_issue(codes: list[str | None], file: str) -> list[Issue]:
    odd = [(row, code) for row, code in enumerate(codes, start=1)
           if code is not None and not code.isdigit()]
    if not odd:
        return []
    shown = ", ".join(f"{code} (dòng/row {row})" for row, code in odd[:_LIST_LIMIT])
    return [Issue(
        message=_bilingual(f"{len(odd)} mã không phải số: {shown}",
                           f"{len(odd)} codes are not numeric: {shown}"),
        hint=_bilingual("Mã GSO chỉ gồm chữ số; đã giữ nguyên",
                        "GSO codes are digits only; kept as they are"),
        severity="warning", file=file, value=[code for _, code in odd],
    )]


# --------------------------------------------------------------------------- geometry


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygonal parts of ``geom`` (make_valid may add lines or points)."""
    polygons: list[Polygon] = []
    for part in shapely.get_parts(geom):
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon):
            polygons.extend(part.geoms)
    if not polygons:
        return Polygon()
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _checked_geometry(
    geom: BaseGeometry | None, row: int, code: str | None, file: str, report: Report
) -> BaseGeometry | None:
    label_vi, label_en = f"Dòng {row} (mã {code})", f"Row {row} (code {code})"
    if geom is None or geom.is_empty:
        report.add(Issue(
            message=_bilingual(f"{label_vi}: hình học rỗng",
                               f"{label_en}: empty or missing geometry"),
            hint=_bilingual("Vẽ lại ranh giới hoặc xoá dòng",
                            "Redraw the boundary or delete the row"),
            file=file, row=row, code=code,
        ))
        return None
    geom = shapely.force_2d(geom)
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        report.add(Issue(
            message=_bilingual(f"{label_vi}: hình học {geom.geom_type}, không phải vùng",
                               f"{label_en}: {geom.geom_type} geometry, not a polygon"),
            hint=_bilingual("Ranh giới phải là vùng (Polygon)", "Boundaries must be polygons"),
            file=file, row=row, code=code, value=geom.geom_type,
        ))
        return None
    return geom if geom.is_valid else _repaired(geom, row, code, file, report)


def _repaired(
    geom: BaseGeometry, row: int, code: str | None, file: str, report: Report
) -> BaseGeometry | None:
    reason = shapely.is_valid_reason(geom)
    fixed = _polygonal(shapely.make_valid(geom))
    if fixed.is_empty:
        report.add(Issue(
            message=_bilingual(f"Dòng {row} (mã {code}): hình học không hợp lệ ({reason}), "
                               "không sửa được",
                               f"Row {row} (code {code}): invalid geometry ({reason}) "
                               "that cannot be repaired"),
            file=file, row=row, code=code, value=reason,
        ))
        return None
    report.add(Issue(
        message=_bilingual(f"Tệp {file}, dòng {row}, mã {code}: hình học không hợp lệ "
                           f"({reason}), đã tự sửa",
                           f"{file}, row {row}, code {code}: invalid geometry ({reason}); "
                           "repaired automatically (make_valid)"),
        hint=_bilingual("Kiểm tra ranh giới này", "Check this boundary"),
        severity="warning", file=file, row=row, code=code, value=reason,
    ))
    return fixed


# --------------------------------------------------------------------------- CRS


def _is_wgs84_ellipsoid(crs: CRS) -> bool:
    ellipsoid = crs.ellipsoid
    return ellipsoid is not None and bool(
        np.isclose(ellipsoid.semi_major_metre, _WGS84_AXES[0])
        and np.isclose(ellipsoid.inverse_flattening, _WGS84_AXES[1])
    )


def _is_vietnam_tm3(crs: CRS) -> bool:
    """Tell whether ``crs`` is a 3° TM grid of the kind only VN-2000 provinces use."""
    operation = crs.coordinate_operation
    if not crs.is_projected or operation is None:
        return False
    if operation.method_name != "Transverse Mercator":
        return False
    params = {p.name: float(p.value) for p in operation.params if isinstance(p.value, float)}
    expected = {"Scale factor at natural origin": 0.9999, "False easting": 500000.0,
                "False northing": 0.0, "Latitude of natural origin": 0.0}
    if any(not np.isclose(params.get(k, np.nan), v) for k, v in expected.items()):
        return False
    meridian = float(params.get("Longitude of natural origin", 0.0))
    return 102.0 <= meridian <= 110.0


def _means_vn2000(crs: CRS) -> bool:
    if not _is_wgs84_ellipsoid(crs):
        return False
    datum = crs.datum.name if crs.datum is not None else ""
    geodetic = crs.geodetic_crs.name if crs.geodetic_crs is not None else ""
    names = " ".join((crs.name, datum, geodetic)).lower().replace("-", "_")
    return bool(_VN2000_NAME.search(names)) or _is_vietnam_tm3(crs)


def _distance_m(
    route_a: tuple[CRS, CRS], route_b: tuple[CRS, CRS], xy: tuple[float, float]
) -> float:
    """Metres between ``xy`` sent to lon/lat along two (source, target) routes."""
    lon_a, lat_a = Transformer.from_crs(*route_a, always_xy=True).transform(*xy)
    lon_b, lat_b = Transformer.from_crs(*route_b, always_xy=True).transform(*xy)
    return float(_GEOD.inv(lon_a, lat_a, lon_b, lat_b)[2])


def _with_vn2000_shift(crs: CRS) -> CRS:
    """Rebuild ``crs`` on VN-2000 with the official seven-parameter shift."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # proj4 export notes lost metadata
        params = crs.to_dict()
    for key in ("datum", "towgs84", "nadgrids", "ellps", "a", "b", "rf", "f", "R", "type"):
        params.pop(key, None)
    params.update({"ellps": "WGS84", "towgs84": VN2000_TOWGS84, "no_defs": True})
    return CRS.from_dict(params)


def _fix_vn2000(crs: CRS, xy: tuple[float, float], file: str, report: Report) -> CRS:
    """Add the VN-2000 shift when ``crs`` means VN-2000 but would not move the data."""
    wgs84 = CRS.from_epsg(4326)
    if not _means_vn2000(crs) or crs.geodetic_crs is None:
        return crs
    if _distance_m((crs, crs.geodetic_crs), (crs, wgs84), xy) > 1.0:
        return crs  # pyproj already applies a datum shift: nothing to repair
    fixed = _with_vn2000_shift(crs)
    offset = _distance_m((crs, wgs84), (fixed, wgs84), xy)
    report.add(Issue(
        message=_bilingual(
            f"Hệ toạ độ của {file} là VN-2000 nhưng thiếu tham số chuyển sang WGS 84 "
            f"(TOWGS84); đã áp dụng 7 tham số chính thức (QĐ 05/2007/QĐ-BTNMT), dịch "
            f"chuyển {offset:.0f} m tại tâm dữ liệu",
            f"The CRS of {file} is VN-2000 without a datum shift to WGS 84 (no TOWGS84); "
            f"the official 7-parameter datum shift was applied, moving the data "
            f"{offset:.0f} m at its centroid",
        ),
        hint=_bilingual("Sửa tệp .prj hoặc truyền assume_crs nếu đây không phải VN-2000",
                        "Fix the .prj, or pass assume_crs if this is not VN-2000"),
        severity="warning", file=file, value=round(offset, 2),
    ))
    return fixed


def _in_vietnam(bounds: Sequence[float]) -> bool:
    west, south, east, north = _VIETNAM_BOUNDS
    return bool(bounds[0] >= west and bounds[2] <= east and bounds[1] >= south
                and bounds[3] <= north)


def _crs_hint() -> str:
    tm3 = _tm3_proj4(107.75)
    return _bilingual(
        "Truyền assume_crs, ví dụ 'EPSG:3405' (VN-2000 / UTM 48N) hoặc TM-3 Đồng Nai",
        f"Pass assume_crs, e.g. 'EPSG:3405' (VN-2000 / UTM zone 48N) or Đồng Nai TM-3 '{tm3}'",
    )


def _missing_crs(bounds: Sequence[float], file: str, report: Report) -> CRS | None:
    if _in_vietnam(bounds):
        report.add(Issue(
            message=_bilingual(f"{file} không có hệ toạ độ; toạ độ giống kinh/vĩ độ trong Việt "
                               "Nam nên coi là WGS 84 (EPSG:4326)",
                               f"{file} has no CRS; the coordinates look like lon/lat in "
                               "Vietnam, so WGS 84 (EPSG:4326) is assumed"),
            hint=_bilingual("Nếu sai, truyền assume_crs", "If wrong, pass assume_crs"),
            severity="warning", file=file,
        ))
        return CRS.from_epsg(4326)
    report.add(Issue(
        message=_bilingual(f"{file} không có hệ toạ độ và toạ độ không phải kinh/vĩ độ trong "
                           f"Việt Nam (phạm vi {_bounds_text(bounds)})",
                           f"{file} has no CRS and its coordinates are not lon/lat in Vietnam "
                           f"(extent {_bounds_text(bounds)}); they look like projected metres"),
        hint=_crs_hint(), file=file, value=list(bounds),
    ))
    return None


def _bounds_text(bounds: Sequence[float]) -> str:
    return ", ".join(f"{b:.6g}" for b in bounds)


def _parse_crs(value: str, file: str) -> CRS:
    try:
        return CRS.from_user_input(value)
    except CRSError as err:
        raise _fail(file, _bilingual(f"assume_crs '{value}' không hợp lệ",
                                     f"assume_crs '{value}' is not a valid CRS"),
                    hint=_crs_hint(), value=str(err)) from err


def _source_crs(
    raw: gpd.GeoDataFrame, assume_crs: str | None, file: str, report: Report
) -> CRS | None:
    """Find the CRS the coordinates are really in (before the VN-2000 check)."""
    bounds = [float(b) for b in raw.geometry.total_bounds]
    if assume_crs is not None:
        crs = _parse_crs(assume_crs, file)
        if raw.crs is not None and not CRS(raw.crs).equals(crs):
            report.add(Issue(
                message=_bilingual(f"Bỏ qua hệ toạ độ của tệp ({CRS(raw.crs).name}), dùng "
                                   f"assume_crs ({crs.name})",
                                   f"The file's CRS ({CRS(raw.crs).name}) was replaced by "
                                   f"assume_crs ({crs.name})"),
                severity="warning", file=file,
            ))
        return crs
    if raw.crs is None:
        return _missing_crs(bounds, file, report)
    crs = CRS(raw.crs)
    if crs.is_geographic and (max(map(abs, bounds[::2])) > 180 or max(map(abs, bounds[1::2])) > 90):
        report.add(Issue(
            message=_bilingual(f"Tệp ghi hệ {crs.name} nhưng toạ độ là mét "
                               f"(phạm vi {_bounds_text(bounds)})",
                               f"The file declares {crs.name} but the coordinates are metres "
                               f"(extent {_bounds_text(bounds)})"),
            hint=_crs_hint(), file=file, value=bounds,
        ))
        return None
    return crs


def _centroid_xy(geoms: Sequence[BaseGeometry | None]) -> tuple[float, float]:
    kept = [g for g in geoms if g is not None and not g.is_empty]
    centre = shapely.centroid(shapely.GeometryCollection(kept))
    return float(centre.x), float(centre.y)


# --------------------------------------------------------------------------- defects


def _defect_issues(defects: CoverageDefects, file: str) -> list[Issue]:
    issues: list[Issue] = []
    if defects.overlaps:
        big = defects.overlaps[0]
        n, total = len(defects.overlaps), defects.total_overlap_m2
        issues.append(Issue(
            message=_bilingual(
                f"{n} cặp đơn vị chồng lấn, tổng {total:,.0f} m²; lớn nhất {big.code_a}–"
                f"{big.code_b} ({big.area_m2:,.0f} m²)",
                f"{n} pairs of units overlap, {total:,.0f} m² in total; largest "
                f"{big.code_a}–{big.code_b} ({big.area_m2:,.0f} m²)"),
            hint=_bilingual("Số liệu theo diện tích có thể bị tính hai lần",
                            "Area-based figures may count these parts twice"),
            severity="warning", file=file, code=big.code_a, value=n,
        ))
    if defects.gaps:
        big_gap = defects.gaps[0]
        n, total = len(defects.gaps), defects.total_gap_m2
        where = f"{big_gap.lon:.5f}, {big_gap.lat:.5f}"
        issues.append(Issue(
            message=_bilingual(
                f"{n} khe hở giữa các đơn vị, tổng {total:,.0f} m²; lớn nhất "
                f"{big_gap.area_m2:,.0f} m² tại {where}",
                f"{n} gaps between units, {total:,.0f} m² in total; largest "
                f"{big_gap.area_m2:,.0f} m² at lon/lat {where}"),
            severity="warning", file=file, value=n,
        ))
    return issues


# --------------------------------------------------------------------------- entry


def _names(raw: gpd.GeoDataFrame, column: str | None) -> list[str]:
    if column is None:
        return [""] * len(raw)
    return [
        "" if value is None or (isinstance(value, float) and np.isnan(value))
        else unicodedata.normalize("NFC", str(value)).strip()
        for value in raw[column]
    ]


def _columns(
    raw: gpd.GeoDataFrame, code_column: str | None, name_column: str | None, file: str
) -> tuple[str, str | None]:
    present = [str(c) for c in raw.columns if c != raw.geometry.name]
    code_col = _pick_column(present, code_column, CODE_COLUMN_CANDIDATES)
    if code_col is None:
        raise _column_error(file, "mã đơn vị", "unit-code", code_column, present)
    name_col = _pick_column([c for c in present if c != code_col], name_column,
                            NAME_COLUMN_CANDIDATES)
    if name_col is None and name_column is not None:
        raise _column_error(file, "tên đơn vị", "unit-name", name_column, present)
    return code_col, name_col


def read_boundary_file(
    path: str | Path,
    code_column: str | None = None,
    name_column: str | None = None,
    layer: str | None = None,
    assume_crs: str | None = None,
) -> tuple[gpd.GeoDataFrame, Report]:
    """Read a user's boundary file into units with codes, names and WGS 84 geometry.

    Parameters
    ----------
    path : str or Path
        A ``.gpkg``, ``.zip`` (Shapefile inside), ``.shp``, ``.geojson`` or ``.json`` file.
    code_column : str, optional
        Column holding the unit code; detected from :data:`CODE_COLUMN_CANDIDATES`
        (case- and diacritic-insensitive) when omitted.
    name_column : str, optional
        Column holding the unit name; detected from :data:`NAME_COLUMN_CANDIDATES`
        when omitted; names are empty strings if none is found.
    layer : str, optional
        Layer of a GeoPackage (or Shapefile in a zip); required when there are several.
    assume_crs : str, optional
        CRS of the coordinates (anything pyproj accepts, e.g. ``"EPSG:3405"`` or a proj
        string) when the file has none; if the file has one, it is replaced (warning).

    Returns
    -------
    frame : geopandas.GeoDataFrame
        Columns ``code`` (str), ``name`` (str) and ``geometry`` (polygonal), EPSG:4326.
    report : povcore.errors.Report
        Warnings: assumed or repaired CRS (VN-2000 datum shift), repaired geometries,
        non-numeric codes, overlaps and gaps between units larger than 1 m².

    Raises
    ------
    PovmapError
        Unsupported or unreadable file, ambiguous layer, no code column, missing or
        duplicate codes, empty or non-polygon geometries, or coordinates in an unknown
        CRS; the error carries every issue found.
    """
    path = Path(path)
    file = path.name
    raw = _read_raw(path, layer)
    code_col, name_col = _columns(raw, code_column, name_column, file)
    codes = [_normalise_code(v) for v in raw[code_col]]
    report = Report(_code_issues(codes, file))
    geoms = [
        _checked_geometry(g, row, code, file, report)
        for row, (g, code) in enumerate(zip(raw.geometry, codes, strict=True), start=1)
    ]
    crs = _source_crs(raw, assume_crs, file, report)
    report.raise_if_errors(_bilingual(f"{file} có lỗi, chưa nhập được",
                                      f"{file} has errors and was not imported"))
    assert crs is not None  # a missing CRS is an error above
    crs = _fix_vn2000(crs, _centroid_xy(geoms), file, report)
    frame = gpd.GeoDataFrame(
        {"code": pd.Series(codes, dtype="str"),
         "name": pd.Series(_names(raw, name_col), dtype="str")},
        geometry=gpd.GeoSeries(cast(Any, geoms), crs=crs),
    ).to_crs("EPSG:4326")
    if not _in_vietnam(frame.total_bounds.tolist()):
        extent = _bounds_text(frame.total_bounds.tolist())
        report.add(Issue(
            message=_bilingual(f"Dữ liệu nằm ngoài Việt Nam ({extent})",
                               f"The data lie outside Vietnam ({extent})"),
            hint=_crs_hint(), severity="warning", file=file,
        ))
    report.extend(_defect_issues(coverage_defects(frame, _DEFECT_MIN_AREA_M2), file))
    return frame, report


# --------------------------------------------------------------------------- shared


def read_layer(path: str | Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """Open one polygon layer of a user file as it is (no checks, source CRS).

    Parameters
    ----------
    path : str or Path
        A ``.gpkg``, ``.zip`` (Shapefile inside), ``.shp``, ``.geojson`` or ``.json`` file.
    layer : str, optional
        Layer to read when the file has several.

    Returns
    -------
    geopandas.GeoDataFrame
        The raw features with their attribute columns.

    Raises
    ------
    PovmapError
        Unsupported, missing, unreadable or empty file, or an ambiguous layer.
    """
    return _read_raw(Path(path), layer)


def fold_column_name(name: str) -> str:
    """Lower-case ASCII form of a column name used to recognise it.

    >>> fold_column_name("Mã xã"), fold_column_name("Số hộ-di dời")
    ('ma_xa', 'so_ho_di_doi')
    """
    return _fold(name)


def polygons_to_wgs84(
    raw: gpd.GeoDataFrame,
    labels: Sequence[str | None],
    file: str,
    report: Report,
    assume_crs: str | None = None,
) -> gpd.GeoSeries | None:
    """Check the polygons of ``raw`` and bring them to EPSG:4326 (VN-2000 aware).

    Empty and non-polygon geometries become errors in ``report``; invalid ones are
    repaired with a warning; the CRS is found (or assumed) and a VN-2000 CRS without
    its datum shift is corrected, as for boundary files.

    Parameters
    ----------
    raw : geopandas.GeoDataFrame
        Features as read by :func:`read_layer`.
    labels : sequence of str or None
        One label per feature used in messages (a code or a name).
    file : str
        File name used in messages.
    report : povcore.errors.Report
        Receives every issue found.
    assume_crs : str, optional
        CRS of the coordinates, replacing the file's.

    Returns
    -------
    geopandas.GeoSeries or None
        Polygonal geometries in EPSG:4326 (``None`` entries for rejected features), or
        ``None`` when the report holds errors.
    """
    geoms = [
        _checked_geometry(g, row, label, file, report)
        for row, (g, label) in enumerate(zip(raw.geometry, labels, strict=True), start=1)
    ]
    crs = _source_crs(raw, assume_crs, file, report)
    if crs is None or report.errors:
        return None
    crs = _fix_vn2000(crs, _centroid_xy(geoms), file, report)
    return gpd.GeoSeries(np.asarray(geoms, dtype=object), crs=crs).to_crs("EPSG:4326")
