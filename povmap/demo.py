"""Demo review workbooks ("Dữ liệu minh họa") for trying the app without real data.

:func:`write_demo_workbooks` writes one provincial workbook per end-of-year review
2021–2026 in the layout of the official forms (title rows, merged two- or three-row
headers, unit rows grouped by district or by thành thị / nông thôn, subtotal and total
rows). The numbers are invented but plausible, anchored on the published end-2020
figures for old Đồng Nai (docs/DOMAIN.md §2): 3,718 poor households by the provincial
standard (0.41 %), of which A 209 and B 3,509; 3,422 near-poor; by the national
standard 1,710 poor and 1,259 near-poor; 358 poor households with an ethnic-minority
head. Old Bình Phước has higher poverty, border districts most; its ethnic-minority border
and upland units (:data:`_POCKETS`: Bù Gia Mập, Đăk Ơ, the Lộc Ninh and Bù Đốp border, Bù
Đăng's S'tiêng / M'nông communes) start at 10–15 % poor at end-2020, mostly poor A, and
fall to about 5–8.5 % by 2026 (poor-A rates of 5–6 % in the hardest six). Poor-A
households fall 10–20 % a year in most units, some units stagnate.

Values are simulated on the 281 communes of 2021 and summed onto the units of 2024 and
2025 (Nov-2024 mergers; 2024 → 2025 membership, divided communes to their default
unit), so province totals move smoothly across boundary changes. The same seed gives
byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from geodata.crosswalk import membership
from povcore.indicators import DEPRIVATIONS
from povcore.units import registry, review_version
from povexport.sheetheader import write_merged_header

__all__ = ["DEMO_LABEL", "DEMO_YEARS", "DemoFile", "simulate", "write_demo_workbooks"]

DEMO_LABEL = "Dữ liệu minh họa"
DEMO_YEARS: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025, 2026)
_FIXED_TIME = dt.datetime(2030, 1, 1, 0, 0, 0)
_ZIP_TIME = (2030, 1, 1, 0, 0, 0)
_DN_HOUSEHOLDS = 900_000
_BP_HOUSEHOLDS = 280_000
_DISTRICT_POVERTY = {"731": 0.25, "732": 0.6, "734": 2.6, "736": 2.3, "691": 1.8, "692": 1.8,
                     "693": 1.8}
_DISTRICT_EM = {"731": 0.3, "734": 2.6, "736": 2.3, "691": 1.4, "692": 1.4, "693": 1.5}
_BORDER = {"691", "692", "693"}
_DEPRIVATION_SHARE = (0.45, 0.35, 0.10, 0.30, 0.40, 0.08, 0.15, 0.12, 0.10, 0.25, 0.05, 0.20)
_KEYS = ("total_households", "poor", "poor_a", "poor_b", "near_poor", "poor_national",
         "near_poor_national", "poor_em_head", "escaped", "fell_back", "newly_poor",
         *(f"deprived_{k}" for k, _vi, _en in DEPRIVATIONS))

Values = dict[str, int]


@dataclass(frozen=True)
class DemoFile:
    """One demo workbook: where it is, its review year and boundary version."""

    path: Path
    year: int
    boundary_version: str


# --------------------------------------------------------------------------- simulation


@dataclass
class _Commune:
    code: str
    district: str
    urban: bool
    old_dn: bool
    households: float
    rate: float
    a_share: float
    em_share: float
    a_decline: tuple[float, float]
    near_ratio: float
    national_ratio: float
    depriv: tuple[float, ...]


@dataclass(frozen=True)
class _Pocket:
    """A poverty pocket: end-2020 poor rate, poor-A share, poor-A yearly cut, EM share."""

    rate: float
    a_share: float
    a_decline: tuple[float, float]
    em_share: float


_HARDEST = _Pocket(0.14, 0.80, (0.07, 0.11), 0.85)
_HARD = _Pocket(0.10, 0.70, (0.10, 0.16), 0.75)
#: Ethnic-minority border and upland units of former Bình Phước (2025 codes; DOMAIN.md §5,
#: UNITS-2025.md): Bù Gia Mập and Đăk Ơ (S'tiêng, M'nông around Bù Gia Mập National Park),
#: the Lộc Ninh and Bù Đốp border, Bù Đăng's S'tiêng / M'nông communes. The 2021 communes
#: that became these units take the pocket's figures (demo choice, not official data).
_POCKETS: dict[str, _Pocket] = {
    "25222": _HARDEST, "25225": _HARDEST, "25399": _HARDEST, "25420": _HARDEST,
    "25294": _HARDEST, "25309": _HARDEST,
    "25279": _HARD, "25280": _HARD, "25308": _HARD, "25318": _HARD, "25402": _HARD,
    "25405": _HARD, "25267": _HARD,
}


def _commune(rng: random.Random, code: str, district: str, typ: str,
             pocket: _Pocket | None) -> _Commune:
    old_dn = code >= "25900"
    urban = typ in ("Phường", "Thị trấn")
    size = (2.2 if urban else 1.0) * rng.lognormvariate(0, 0.35)
    noise = rng.lognormvariate(0, 0.35)
    factor = _DISTRICT_POVERTY.get(district, 1.0) * noise
    rate = (0.0041 if old_dn else 0.026) * factor * (0.5 if urban else 1.1)
    stagnant = rng.random() < 0.15
    decline = (-0.02, 0.04) if stagnant else (0.10, 0.20)
    em_draw = rng.uniform(0.6, 1.4)
    em = (0.07 if old_dn else 0.40) * _DISTRICT_EM.get(district, 1.0) * em_draw
    a_draw = rng.uniform(0.5, 1.5)
    a_share = (0.045 if old_dn else 0.55) * a_draw * (2.0 if district in ("734", "736") else 1.0)
    if pocket is not None:  # the same draws, damped around the pocket's figures
        rate = pocket.rate * noise ** 0.25 * (0.5 if urban else 1.0)
        a_share = pocket.a_share * (0.9 + 0.1 * a_draw)
        decline = pocket.a_decline
        em = pocket.em_share * (0.9 + 0.1 * em_draw)
    return _Commune(code, district, urban, old_dn, size, rate, min(a_share, 0.9),
                    min(em, 0.95), decline, (0.92 if old_dn else 0.8) * rng.uniform(0.7, 1.3),
                    (0.46 if old_dn else 0.7) * rng.uniform(0.8, 1.2),
                    tuple(s * rng.uniform(0.6, 1.4) for s in _DEPRIVATION_SHARE))


def _communes(rng: random.Random) -> list[_Commune]:
    units = registry("75").units("2021", "commune")
    to_2025 = _mapping("2025")
    out = [_commune(rng, str(c), str(p), str(t), _POCKETS.get(to_2025[str(c)]))
           for c, p, t in zip(units["code"], units["parent_code"], units["type"], strict=True)]
    for old_dn, total in ((True, _DN_HOUSEHOLDS), (False, _BP_HOUSEHOLDS)):
        group = [c for c in out if c.old_dn == old_dn]
        scale = total / sum(c.households for c in group)
        for c in group:
            c.households *= scale
    return out


def _year_values(rng: random.Random, c: _Commune, years: int, prev: Values) -> Values:
    total = round(c.households * 1.015 ** years)
    poor_a = round(prev["poor_a"] * (1 - rng.uniform(*c.a_decline)))
    poor_b = max(0, round(prev["poor_b"] * rng.uniform(0.95, 1.02)))
    poor = poor_a + poor_b
    near = round(prev["near_poor"] * rng.uniform(0.88, 0.97))
    fell_back = round(prev["poor"] * rng.uniform(0.0, 0.02))
    newly = round(prev["poor"] * rng.uniform(0.01, 0.05))
    escaped = prev["poor"] - poor + fell_back + newly
    if escaped < 0:
        newly, escaped = newly - escaped, 0
    return _derived(c, {"total_households": total, "poor": poor, "poor_a": poor_a,
                        "poor_b": poor_b, "near_poor": near, "escaped": escaped,
                        "fell_back": fell_back, "newly_poor": newly})


def _derived(c: _Commune, v: Values) -> Values:
    v["poor_national"] = min(v["poor"], round(v["poor"] * c.national_ratio))
    v["near_poor_national"] = min(v["near_poor"], round(v["near_poor"] * 0.37))
    v["poor_em_head"] = min(v["poor"], round(v["poor"] * c.em_share))
    for (key, _vi, _en), share in zip(DEPRIVATIONS, c.depriv, strict=True):
        v[f"deprived_{key}"] = min(v["poor"], round(v["poor"] * share))
    return v


def _baseline(rng: random.Random, c: _Commune) -> Values:
    poor = round(c.households * c.rate * rng.uniform(0.9, 1.1))
    poor_a = round(poor * c.a_share)
    return {"poor": poor, "poor_a": poor_a, "poor_b": poor - poor_a,
            "near_poor": round(poor * c.near_ratio)}


def simulate(seed: int = 2030) -> dict[int, dict[str, Values]]:
    """Counts per year and 2021 commune code, for the review years 2021–2026.

    Parameters
    ----------
    seed : int
        Random seed; the same seed gives the same numbers.

    Returns
    -------
    dict
        ``{year: {commune_code_2021: {indicator_key: count}}}``.

    Examples
    --------
    >>> sim = simulate()
    >>> v = sim[2023]["26116"]
    >>> v["poor_a"] + v["poor_b"] == v["poor"]
    True
    """
    rng = random.Random(seed)
    communes = _communes(rng)
    prev = {c.code: _baseline(rng, c) for c in communes}
    out: dict[int, dict[str, Values]] = {}
    for i, year in enumerate(DEMO_YEARS, start=1):
        out[year] = {c.code: _year_values(rng, c, i, prev[c.code]) for c in communes}
        prev = out[year]
    return out


def _mapping(version: str) -> dict[str, str]:
    """2021 commune code → unit code of ``version``."""
    units = registry("75").units("2021", "commune")
    to_2024 = dict(zip(units["code"].astype(str), units["successor_code"].astype(str),
                       strict=True))
    if version == "2021":
        return {c: c for c in to_2024}
    if version == "2024":
        return to_2024
    member = membership("75")
    member = member[member["relation"].isin(["whole", "divided_default"])]
    to_2025 = dict(zip(member["old_code"], member["new_code"], strict=True))
    return {old: to_2025[mid] for old, mid in to_2024.items()}


def _aggregate(values: dict[str, Values], mapping: dict[str, str]) -> dict[str, Values]:
    out: dict[str, Values] = {}
    for old, v in values.items():
        acc = out.setdefault(mapping[old], dict.fromkeys(_KEYS, 0))
        for key in _KEYS:
            acc[key] += v[key]
    return out


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class _Column:
    path: tuple[str, ...]
    key: str | None  # count key, "<key>_rate", or None for unit columns


# One row per count column: key, header path in the three-row layout (2021, 2023, 2025),
# header path in the two-row layout with the forms' abbreviations (2022, 2024, 2026).
_LAYOUT_TABLE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("total_households", ("Tổng số hộ",), ("Tổng số hộ dân cư",)),
    ("poor", ("Hộ nghèo (chuẩn tỉnh)", "Tổng số"), ("HN", "SL")),
    ("poor_rate", ("Hộ nghèo (chuẩn tỉnh)", "Tỷ lệ (%)"), ("HN", "TL (%)")),
    ("poor_a", ("Hộ nghèo (chuẩn tỉnh)", "Trong đó", "Hộ nghèo A"), ("HN", "HN A")),
    ("poor_b", ("Hộ nghèo (chuẩn tỉnh)", "Trong đó", "Hộ nghèo B"), ("HN", "HN B")),
    ("near_poor", ("Hộ cận nghèo", "Số hộ"), ("HCN", "SL")),
    ("near_poor_rate", ("Hộ cận nghèo", "Tỷ lệ (%)"), ("HCN", "TL (%)")),
    ("poor_national", ("Theo chuẩn quốc gia", "Hộ nghèo", "Số hộ"), ("HN chuẩn quốc gia",)),
    ("near_poor_national", ("Theo chuẩn quốc gia", "Hộ cận nghèo", "Số hộ"),
     ("HCN chuẩn quốc gia",)),
    ("poor_em_head", ("Chủ hộ DTTS", "Số hộ nghèo"), ("HN có chủ hộ DTTS",)),
    ("escaped", ("Biến động trong năm", "Thoát nghèo"),
     ("Biến động trong năm", "Số hộ thoát nghèo")),
    ("fell_back", ("Biến động trong năm", "Tái nghèo"), ("Biến động trong năm", "Số hộ tái nghèo")),
    ("newly_poor", ("Biến động trong năm", "Phát sinh mới"),
     ("Biến động trong năm", "Hộ nghèo phát sinh")),
)
_DEPRIVED_GROUP = ("Số hộ nghèo thiếu hụt các chỉ số dịch vụ xã hội cơ bản",
                   "Hộ nghèo thiếu hụt (số hộ)")


def _layout(three_rows: bool) -> list[_Column]:
    """Value columns of the three-row or the two-row layout."""
    cols = [_Column(three if three_rows else two, key) for key, three, two in _LAYOUT_TABLE]
    group = _DEPRIVED_GROUP[0 if three_rows else 1]
    return cols + [_Column((group, vi), f"deprived_{k}") for k, vi, _en in DEPRIVATIONS]


def _cell_value(key: str, v: Values) -> float:
    if key.endswith("_rate"):
        total = v["total_households"]
        return round(100.0 * v[key[:-5]] / total, 2) if total else 0.0
    return v[key]


@dataclass(frozen=True)
class _Row:
    stt: str
    code: str
    name: str
    values: Values | None
    bold: bool = False


def _sum(rows: Sequence[Values]) -> Values:
    return {k: sum(v[k] for v in rows) for k in _KEYS}


def _rows_by_district(values: dict[str, Values], version: str) -> list[_Row]:
    reg = registry("75")
    districts = reg.units(version, "district")
    communes = reg.units(version, "commune")
    out = [_Row("", "75", "TỔNG CỘNG TOÀN TỈNH", _sum(list(values.values())), True)]
    for i, (dcode, dname) in enumerate(zip(districts["code"], districts["name"], strict=True)):
        members = communes[communes["parent_code"] == dcode]
        vals = [values[str(c)] for c in members["code"]]
        out.append(_Row(str(i + 1), str(dcode), str(dname), _sum(vals), True))
        out += [_Row("", str(c), str(n), values[str(c)])
                for c, n in zip(members["code"], members["name"], strict=True)]
    return out


def _rows_by_area(values: dict[str, Values], year: int) -> list[_Row]:
    units = registry("75").units("2025", "commune", on=dt.date(year, 12, 31))
    out = [_Row("", "75", "Toàn tỉnh", _sum(list(values.values())), True)]
    for roman, label, urban in (("I", "Thành thị", True), ("II", "Nông thôn", False)):
        members = units[units["type"].isin(["Phường"]) == urban]
        out.append(_Row(roman, "", label, _sum([values[str(c)] for c in members["code"]]),
                        True))
        out += [_Row(str(j + 1), str(c), str(n), values[str(c)])
                for j, (c, n) in enumerate(zip(members["code"], members["name"], strict=True))]
    return out


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class _Spec:
    year: int
    version: str
    three_rows: bool
    with_code: bool


_SPECS = (_Spec(2021, "2021", True, True), _Spec(2022, "2021", False, False),
          _Spec(2023, "2021", True, True), _Spec(2024, "2024", False, True),
          _Spec(2025, "2025", True, True), _Spec(2026, "2025", False, True))


def _write_header(ws: Worksheet, top: int, unit_cols: list[str], cols: list[_Column],
                  depth: int) -> None:
    write_merged_header(ws, top, unit_cols, [c.path for c in cols], depth)
    for row in ws.iter_rows(min_row=top, max_row=top + depth - 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            cell.font = Font(bold=True)


def _write_rows(ws: Worksheet, start: int, rows: list[_Row], cols: list[_Column],
                with_code: bool) -> None:
    offset = 3 if with_code else 2
    for i, row in enumerate(rows):
        r = start + i
        ws.cell(r, 1, row.stt or None)
        if with_code and row.code:
            ws.cell(r, 2, row.code)
        ws.cell(r, offset, row.name).font = Font(bold=row.bold)
        if row.values is None:
            continue
        for j, col in enumerate(cols, start=offset + 1):
            ws.cell(r, j, _cell_value(col.key or "", row.values))


def _sheet(wb: Workbook, spec: _Spec, rows: list[_Row]) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = f"Mẫu 7.1 năm {spec.year}"
    cols = _layout(spec.three_rows)
    unit_cols = (["STT", "Mã ĐVHC" if spec.three_rows else "Mã xã"] if spec.with_code
                 else ["STT"]) + (["Tên đơn vị"] if spec.three_rows else ["Xã, phường, thị trấn"])
    width = len(unit_cols) + len(cols)
    ws.cell(1, 1, f"DỮ LIỆU MINH HỌA — KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {spec.year}")
    ws.cell(2, 1, f"{DEMO_LABEL}, không phải số liệu chính thức / Illustrative data, "
            "not official figures")
    ws.cell(3, 1, "Đơn vị tính: hộ")
    for r in (1, 2):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    ws["A1"].font = Font(bold=True, size=13)
    depth = 3 if spec.three_rows else 2
    _write_header(ws, 5, unit_cols, cols, depth)
    start = 5 + depth
    if spec.three_rows:
        for j in range(width):
            ws.cell(start, j + 1, f"({j + 1})")
        start += 1
    _write_rows(ws, start, rows, cols, spec.with_code)
    ws.cell(start + len(rows) + 1, 2, "Người lập biểu")
    ws.column_dimensions[get_column_letter(len(unit_cols))].width = 28


def _normalised_zip(data: bytes) -> bytes:
    """Re-pack an xlsx with fixed timestamps so equal content gives equal bytes."""
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME), content,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _workbook_bytes(spec: _Spec, rows: list[_Row]) -> bytes:
    wb = Workbook()
    wb.properties.creator = "povmap demo"
    wb.properties.title = f"{DEMO_LABEL} {spec.year}"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME
    _sheet(wb, spec, rows)
    buf = io.BytesIO()
    wb.save(buf)
    return _normalised_zip(buf.getvalue())


def write_demo_workbooks(folder: Path, seed: int = 2030) -> list[DemoFile]:
    """Write the six demo review workbooks (2021–2026) into ``folder``.

    Parameters
    ----------
    folder : Path
        Target folder, created if missing; files are named ``demo_ra_soat_<year>.xlsx``.
    seed : int
        Random seed; the same seed gives byte-identical files.

    Returns
    -------
    list of DemoFile
        Path, review year and boundary version of each file, in year order.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sim = simulate(seed)
    out: list[DemoFile] = []
    for spec in _SPECS:
        assert review_version(spec.year).key == spec.version
        values = _aggregate(sim[spec.year], _mapping(spec.version))
        rows = (_rows_by_area(values, spec.year) if spec.version == "2025"
                else _rows_by_district(values, spec.version))
        path = folder / f"demo_ra_soat_{spec.year}.xlsx"
        path.write_bytes(_workbook_bytes(spec, rows))
        out.append(DemoFile(path, spec.year, spec.version))
    return out
