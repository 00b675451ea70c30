"""Read zone polygon layers: disaster-risk areas and special-use forests.

The resettlement plan (Kế hoạch 60/KH-UBND, docs/DOMAIN.md §1 and §5) moves people out of
areas hit by natural disasters and out of special-use forests (Decision 590/QĐ-TTg,
2022). A zone layer is a GeoPackage, zipped Shapefile or GeoJSON in any CRS, VN-2000
included (the CRS logic of :mod:`loaders.boundary_file` is reused). Every feature is a
zone of one *type* given for the whole file, with optional attributes recognised by
their header like the review-workbook headers are (case, diacritics, spacing and
Shapefile's 10-character truncation do not matter):

================== ==============================================================
field              headers recognised (folded), e.g.
================== ==============================================================
name               Tên, Tên vùng, Tên khu vực, Name
legal_basis        Căn cứ pháp lý, Quyết định, Văn bản, Legal basis
households         Số hộ, Số hộ trong vùng, Số hộ đang sinh sống, Households
relocate_households Số hộ cần di dời, Số hộ bố trí, Households to relocate
relocation_form    Hình thức (bố trí), tập trung / xen ghép / ổn định tại chỗ
status             Trạng thái, Tình trạng, Status
year               Năm, Năm quyết định, Year
================== ==============================================================

Reading is all or nothing: any error (bad count, unknown relocation form, empty or
non-polygon geometry, unknown CRS) rejects the file and names the feature (row),
column and value with a fix. Messages are Vietnamese first, then English after " / ".
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from loaders.boundary_file import fold_column_name, polygons_to_wgs84, read_layer
from loaders.tidy import parse_number
from povcore.errors import Issue, PovmapError, Report
from povcore.labels import Labelled
from povcore.names import fold
from povcore.units import registry

__all__ = [
    "RELOCATION_FORMS",
    "ZONE_COLUMNS",
    "ZONE_FIELDS",
    "ZONE_TYPES",
    "ParsedZones",
    "ZoneType",
    "get_zone_type",
    "read_zone_file",
]


@dataclass(frozen=True)
class ZoneType(Labelled):
    """One zone type: stable key, labels and the map style of its overlay."""

    color: str
    dash: str


#: Zone types (keys are a public interface: ``povmap zones import --type``). Categories
#: of the resettlement programme, Decision 590/QĐ-TTg (2022), docs/DOMAIN.md §5.
ZONE_TYPES: dict[str, ZoneType] = {
    z.key: z for z in (
        ZoneType("flood", "Ngập lụt / lũ", "Flooding", "#1f78b4", "8 4"),
        ZoneType("flash_flood_landslide", "Lũ quét – sạt lở đất", "Flash flood – landslide",
                 "#b15928", "2 4"),
        ZoneType("riverbank_erosion", "Sạt lở bờ sông", "Riverbank erosion", "#e31a1c",
                 "10 3 2 3"),
        ZoneType("special_use_forest", "Rừng đặc dụng", "Special-use forest", "#1b7837",
                 "1 0"),
        ZoneType("other", "Khác", "Other", "#6a3d9a", "4 4"),
    )
}

#: Relocation forms (hình thức bố trí dân cư, Decision 590/QĐ-TTg): key → (vi, en).
RELOCATION_FORMS: dict[str, tuple[str, str]] = {
    "concentrated": ("Tập trung", "Concentrated"),
    "interspersed": ("Xen ghép", "Interspersed"),
    "in_place": ("Ổn định tại chỗ", "Stabilised in place"),
}

#: Header aliases of each attribute, written folded (no diacritics, spaces).
ZONE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("ten", "ten vung", "ten khu vuc", "ten khu", "ten diem", "ten rung",
             "ten vung rui ro", "name", "zone name", "ten goi"),
    "legal_basis": ("can cu phap ly", "can cu", "van ban", "quyet dinh", "so quyet dinh",
                    "van ban phap ly", "legal basis", "basis", "decision"),
    "households": ("so ho", "so ho trong vung", "so ho dang sinh song", "ho trong vung",
                   "so ho sinh song", "ho dan", "households", "households inside"),
    "relocate_households": ("so ho can di doi", "so ho di doi", "ho di doi", "ho can di doi",
                            "so ho bo tri", "so ho can bo tri", "ho bo tri",
                            "households to relocate", "relocate households", "relocation"),
    "relocation_form": ("hinh thuc", "hinh thuc bo tri", "hinh thuc di doi",
                        "hinh thuc bo tri dan cu", "relocation form", "form"),
    "status": ("trang thai", "tinh trang", "tien do", "status"),
    "year": ("nam", "nam quyet dinh", "nam thuc hien", "nam phe duyet", "year"),
}

#: Columns of :attr:`ParsedZones.frame` (besides ``geometry``).
ZONE_COLUMNS = ("zone_type", *ZONE_FIELDS)
_SHAPEFILE_FIELD_WIDTH = 10
_YEARS = (1990, 2035)
_FORM_KEYS = {fold(vi): key for key, (vi, _en) in RELOCATION_FORMS.items()} | {
    fold(en): key for key, (_vi, en) in RELOCATION_FORMS.items()} | {
    fold(key): key for key in RELOCATION_FORMS}


def _bilingual(vi: str, en: str) -> str:
    return f"{vi} / {en}"


def get_zone_type(key: str) -> ZoneType:
    """Front door of :data:`ZONE_TYPES`; Vietnamese labels are accepted too.

    >>> get_zone_type("flood").label_vi, get_zone_type("Rừng đặc dụng").key
    ('Ngập lụt / lũ', 'special_use_forest')
    >>> get_zone_type("fire")
    Traceback (most recent call last):
    ...
    povcore.errors.PovmapError: Loại vùng 'fire' không hợp lệ / Unknown zone type 'fire'. \
Hợp lệ / valid: flood, flash_flood_landslide, riverbank_erosion, special_use_forest, other.
    """
    if key in ZONE_TYPES:
        return ZONE_TYPES[key]
    wanted = fold(key)
    for zone_type in ZONE_TYPES.values():
        if wanted in (fold(zone_type.label_vi), fold(zone_type.label_en), fold(zone_type.key)):
            return zone_type
    raise PovmapError(
        f"Loại vùng '{key}' không hợp lệ / Unknown zone type '{key}'. Hợp lệ / valid: "
        f"{', '.join(ZONE_TYPES)}.")


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold_column_name(name).replace("_", " ")).strip()


def _match_field(header: str) -> str | None:
    """The field a header names: exact folded alias, else a Shapefile-truncated one."""
    key = _header_key(header)
    for field, aliases in ZONE_FIELDS.items():
        if key in aliases:
            return field
    compact = key.replace(" ", "")
    if len(header) == _SHAPEFILE_FIELD_WIDTH:
        hits = {f for f, aliases in ZONE_FIELDS.items()
                for a in aliases if a.replace(" ", "").startswith(compact)}
        if len(hits) == 1:
            return hits.pop()
    return None


def match_columns(columns: Sequence[str], file: str, report: Report) -> dict[str, str]:
    """Map each recognised field to the one column holding it (ambiguity is an error)."""
    found: dict[str, list[str]] = {}
    for column in columns:
        field = _match_field(str(column))
        if field is not None:
            found.setdefault(field, []).append(str(column))
    for field, cols in found.items():
        if len(cols) > 1:
            report.add(Issue(
                message=_bilingual(f"Nhiều cột cùng là '{field}': {', '.join(cols)}",
                                   f"Several columns mean '{field}': {', '.join(cols)}"),
                hint=_bilingual("Đổi tên hoặc xoá các cột thừa",
                                "Rename or delete the extra columns"),
                file=file, column=cols[1], value=cols))
    return {field: cols[0] for field, cols in found.items()}


@dataclass(frozen=True)
class ParsedZones:
    """A validated zone layer ready to store.

    ``frame`` has :data:`ZONE_COLUMNS` and ``geometry`` (EPSG:4326), one row per zone;
    counts are float (NaN when not given), ``year`` is a nullable integer.
    """

    frame: gpd.GeoDataFrame
    report: Report
    file_name: str
    sha256: str
    zone_type: str
    columns: dict[str, str]


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) \
        or (isinstance(value, str) and not value.strip())


def _number(value: object) -> float | None:
    try:
        return parse_number(value)
    except ValueError:
        return None


def _text(value: object) -> str | None:
    return None if _blank(value) else str(value).strip()


class _Cells:
    """Per-feature attribute parsing that records issues with row and column."""

    def __init__(self, file: str, report: Report) -> None:
        self.file = file
        self.report = report

    def error(self, row: int, column: str, message: str, hint: str, value: object) -> None:
        self.report.add(Issue(message=message, hint=hint, file=self.file, row=row,
                              column=column, value=value))

    def count(self, value: object, row: int, column: str) -> float:
        if _blank(value):
            return math.nan
        number = _number(value)
        if number is None or number < 0 or not float(number).is_integer():
            self.error(row, column,
                       _bilingual(f"Số hộ không hợp lệ: '{value}'", f"Invalid count: '{value}'"),
                       _bilingual("Ghi số nguyên ≥ 0 hoặc để trống",
                                  "Write a whole number ≥ 0 or leave it blank"), value)
            return math.nan
        return float(number)

    def form(self, value: object, row: int, column: str) -> str | None:
        if _blank(value):
            return None
        key = _FORM_KEYS.get(fold(str(value)))
        if key is None:
            valid = ", ".join(vi for vi, _en in RELOCATION_FORMS.values())
            self.error(row, column,
                       _bilingual(f"Hình thức bố trí không hợp lệ: '{value}'",
                                  f"Unknown relocation form '{value}'"),
                       _bilingual(f"Hợp lệ: {valid}", f"Valid: {valid}"), value)
        return key

    def year(self, value: object, row: int, column: str) -> int | None:
        if _blank(value):
            return None
        number = _number(value)
        if number is None or not float(number).is_integer() \
                or not _YEARS[0] <= number <= _YEARS[1]:
            self.error(row, column,
                       _bilingual(f"Năm không hợp lệ: '{value}'", f"Invalid year: '{value}'"),
                       _bilingual(f"Ghi năm {_YEARS[0]}–{_YEARS[1]}",
                                  f"Write a year {_YEARS[0]}–{_YEARS[1]}"), value)
            return None
        return int(number)


def _attributes(raw: gpd.GeoDataFrame, columns: dict[str, str], zone_type: ZoneType,
                file: str, report: Report) -> pd.DataFrame:
    cells = _Cells(file, report)
    records = []
    for row, (_, feature) in enumerate(raw.iterrows(), start=1):
        def get(field: str, feature: pd.Series = feature) -> object:
            return feature[columns[field]] if field in columns else None

        households = cells.count(get("households"), row, columns.get("households", ""))
        relocate = cells.count(get("relocate_households"), row,
                               columns.get("relocate_households", ""))
        record: dict[str, object] = {
            "zone_type": zone_type.key,
            "name": _text(get("name")) or f"{zone_type.label_vi} {row}",
            "legal_basis": _text(get("legal_basis")),
            "households": households,
            "relocate_households": relocate,
            "relocation_form": cells.form(get("relocation_form"), row,
                                          columns.get("relocation_form", "")),
            "status": _text(get("status")),
            "year": cells.year(get("year"), row, columns.get("year", "")),
        }
        if relocate > households:
            cells.error(row, columns["relocate_households"],
                        _bilingual(f"Số hộ cần di dời ({relocate:g}) lớn hơn số hộ trong vùng "
                                   f"({households:g})",
                                   f"Households to relocate ({relocate:g}) exceed households "
                                   f"inside ({households:g})"),
                        _bilingual("Kiểm tra hai cột này", "Check these two columns"), relocate)
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(ZONE_COLUMNS))
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _name_warning(columns: dict[str, str], present: list[str], file: str, report: Report) -> None:
    if "name" in columns:
        return
    recognised = ", ".join(ZONE_FIELDS["name"][:4])
    report.add(Issue(
        message=_bilingual(f"Không có cột tên vùng; đặt tên theo loại và số dòng. Các cột: "
                           f"{', '.join(present)}",
                           f"No zone-name column; zones are named by type and row. Columns: "
                           f"{', '.join(present)}"),
        hint=_bilingual(f"Thêm cột tên ({recognised}, …)", f"Add a name column ({recognised}, …)"),
        severity="warning", file=file))


_PROVINCE_PAD_DEG = 0.25  # centroids lie inside their units: pad the box by ~25 km


def _outside_province(frame: gpd.GeoDataFrame, province: str, file: str,
                      report: Report) -> None:
    """Warn about zones whose box misses the province (box of unit centroids, padded)."""
    units = registry(province).frame
    lon, lat = units["lon"].dropna().astype(float), units["lat"].dropna().astype(float)
    if lon.empty:
        return
    west, east = lon.min() - _PROVINCE_PAD_DEG, lon.max() + _PROVINCE_PAD_DEG
    south, north = lat.min() - _PROVINCE_PAD_DEG, lat.max() + _PROVINCE_PAD_DEG
    for row, (name, geom) in enumerate(zip(frame["name"], frame.geometry, strict=True),
                                       start=1):
        minx, miny, maxx, maxy = geom.bounds
        if maxx < west or minx > east or maxy < south or miny > north:
            report.add(Issue(
                message=_bilingual(f"Vùng '{name}' nằm ngoài tỉnh (kinh độ {minx:.4f}–{maxx:.4f},"
                                   f" vĩ độ {miny:.4f}–{maxy:.4f})",
                                   f"Zone '{name}' lies outside the province (lon "
                                   f"{minx:.4f}–{maxx:.4f}, lat {miny:.4f}–{maxy:.4f})"),
                hint=_bilingual("Kiểm tra hệ toạ độ (--assume-crs) hoặc bỏ vùng này",
                                "Check the CRS (--assume-crs) or drop this zone"),
                severity="warning", file=file, row=row))


def read_zone_file(path: str | Path, zone_type: str, layer: str | None = None,
                   assume_crs: str | None = None, province: str = "75") -> ParsedZones:
    """Read and validate a zone layer; nothing is stored here.

    Parameters
    ----------
    path : str or Path
        ``.gpkg``, ``.zip`` (Shapefile inside), ``.shp``, ``.geojson`` or ``.json``.
    zone_type : str
        A key of :data:`ZONE_TYPES` (or its Vietnamese or English label).
    layer : str, optional
        Layer to read when the file has several.
    assume_crs : str, optional
        CRS of the coordinates when the file has none or a wrong one.
    province : str
        Registry of the province; zones outside it are warned about.

    Returns
    -------
    ParsedZones
        The zones in EPSG:4326 with their attributes, and the warnings.

    Raises
    ------
    PovmapError
        Unknown type, unreadable file, or any invalid feature or attribute; the error
        carries every issue found (file, row, column, value, fix).
    """
    path = Path(path)
    kind = get_zone_type(zone_type)
    file = path.name
    raw = read_layer(path, layer)
    report = Report()
    present = [str(c) for c in raw.columns if c != raw.geometry.name]
    columns = match_columns(present, file, report)
    _name_warning(columns, present, file, report)
    attributes = _attributes(raw, columns, kind, file, report)
    geometry = polygons_to_wgs84(raw, attributes["name"].tolist(), file, report, assume_crs)
    report.raise_if_errors(_bilingual(f"{file} có lỗi, chưa nhập vùng nào",
                                      f"{file} has errors; no zone was imported"))
    assert geometry is not None  # errors were raised above
    frame = gpd.GeoDataFrame(attributes, geometry=geometry.to_numpy(), crs="EPSG:4326")
    _outside_province(frame, province, file, report)
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    return ParsedZones(frame, report, file, digest, kind.key, columns)
