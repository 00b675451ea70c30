"""Demo zone layers and ethnic-minority area classes ("Dữ liệu minh họa").

Invented but plausible, placed over the real areas named in docs/DOMAIN.md §5 using
the public unit centroids of the registry (``povcore/data/units_75.csv``):

* special-use forests — Cát Tiên National Park around Đak Lua / Nam Cát Tiên / Tà Lài
  and its part in former Bình Phước (Bù Đăng, now Phước Sơn),
  the Đồng Nai Culture and Nature Reserve around Trị An lake and Phú Lý, Bù Gia Mập
  National Park (with an enclave left out as a hole);
* floods along the upper Đồng Nai and La Ngà rivers and the lower Đồng Nai (Biên Hòa,
  Long Hưng, Đại Phước, Nhơn Trạch); flash floods / landslides in old Tân Phú and Định
  Quán; riverbank erosion sites (Long Hưng, Đại Phước, Tà Lài, Thanh Sơn);
* ethnic-minority area classes for the end-2021 review on the 2021 communes (the
  version Decision 861/QĐ-TTg of 2021 was decided on): highest ethnic-minority shares,
  region III and extremely difficult villages in the former Bình Phước border communes.

Zone files are GeoJSON with Vietnamese headers (read by the real zone importer); the
area classes are a tidy CSV that re-states the stored 2021 values of each commune with
the class indicators added, so the tidy importer replaces nothing it should keep.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geodata.crosswalk import build_crosswalk
from povcore.units import registry

__all__ = ["BORDER_CODES", "DEMO_ZONES_LABEL", "em_class_rows", "write_demo_zone_files"]

DEMO_ZONES_LABEL = "Dữ liệu minh họa"
_METRIC = "EPSG:32648"

#: Former Bình Phước communes on the Cambodian border (demo choice of 8, DOMAIN §5).
BORDER_CODES = ("25222", "25225", "25279", "25280", "25294", "25308", "25309", "25318")
_REGION_III = ("25399", "25222", "25402")  # Đak Nhau, Bù Gia Mập, Thọ Sơn
_REGION_II = ("25225", "25294", "25309", "25279", "25405", "25267", "26134")
_DONG_NAI_EM = ("26116", "26119", "26122", "26134", "26158", "26170", "26173", "26206",
                "26209", "26215", "26221", "26227", "26359", "26362", "26446", "26428")


@dataclass(frozen=True)
class _Zone:
    name: str
    basis: str
    households: int
    relocate: int
    form: str
    status: str
    year: int
    geometry: BaseGeometry


def _xy(code: str) -> tuple[float, float]:
    unit = registry("75").unit("2025", code)
    point = gpd.GeoSeries([Point(float(unit["lon"]), float(unit["lat"]))], crs=4326)
    p = point.to_crs(_METRIC)
    return float(p.x.iloc[0]), float(p.y.iloc[0])


def _blob(rng: random.Random, centre: tuple[float, float], radius: float,
          wobble: float = 0.25, n: int = 28) -> Polygon:
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    radii = [radius * (1 + rng.uniform(-wobble, wobble)) for _ in angles]
    return Polygon([(centre[0] + r * float(np.cos(a)), centre[1] + r * float(np.sin(a)))
                    for r, a in zip(radii, angles, strict=True)])


def _around(rng: random.Random, codes: tuple[str, ...], pad: float) -> BaseGeometry:
    points = shapely.MultiPoint([_xy(c) for c in codes])
    return shapely.buffer(points.convex_hull, pad, quad_segs=6).union(
        _blob(rng, _xy(codes[0]), pad * 0.8))


def _river(codes: tuple[str, ...], width: float) -> BaseGeometry:
    return LineString([_xy(c) for c in codes]).buffer(width, cap_style="round")


def _strip(code: str, length: float, width: float, angle: float) -> BaseGeometry:
    x, y = _xy(code)
    dx, dy = length / 2 * np.cos(angle), length / 2 * np.sin(angle)
    return LineString([(x - dx, y - dy), (x + dx, y + dy)]).buffer(width, cap_style="flat")


#: Cát Tiên National Park in former Bình Phước: 4,469 ha in Bù Đăng (Đăng Hà, now in xã
#: Phước Sơn 25420) of the park's 70,546 ha (park figures as published by the tourism site
#: dalattrip.com, "Vườn Quốc Gia Cát Tiên"). Placed south-west of the unit's centroid, by
#: the Đồng Nai river facing Đak Lua: offset in metres (EPSG:32648) and radius of a disc of
#: about 4,469 ha.
_CAT_TIEN_BP = ("25420", (-4650.0, -7900.0), 3770.0)


def _cat_tien_binh_phuoc(rng: random.Random) -> _Zone:
    code, (dx, dy), radius = _CAT_TIEN_BP
    x, y = _xy(code)
    return _Zone("Vườn quốc gia Cát Tiên (phần Bình Phước cũ)", _DEMO_BASIS, 140, 40,
                 "Ổn định tại chỗ", "Chưa thực hiện", 2023,
                 _blob(rng, (x + dx, y + dy), radius, 0.1))


def _forests(rng: random.Random, extra: random.Random) -> list[_Zone]:
    bu_gia_map = _blob(rng, _xy("25222"), 9000, 0.15)
    enclave = _blob(rng, _xy("25222"), 1500, 0.1)
    return [
        _Zone("Vườn quốc gia Cát Tiên (phần Đồng Nai)", _DEMO_BASIS, 520, 180,
              "Tập trung", "Đang thực hiện", 2022,
              _around(rng, ("26119", "26122", "26134"), 5000)),
        _Zone("Khu Bảo tồn thiên nhiên – văn hóa Đồng Nai", _DEMO_BASIS, 780,
              240, "Xen ghép", "Chưa thực hiện", 2023, _around(rng, ("26170", "26173"), 7000)),
        _Zone("Vườn quốc gia Bù Gia Mập", _DEMO_BASIS, 310, 95,
              "Ổn định tại chỗ", "Đang thực hiện", 2022, bu_gia_map.difference(enclave)),
        _cat_tien_binh_phuoc(extra),
    ]


def _hazards(rng: random.Random) -> dict[str, list[_Zone]]:
    def z(name: str, hh: int, rel: int, form: str, year: int, geom: BaseGeometry) -> _Zone:
        return _Zone(name, _DEMO_BASIS, hh, rel, form,
                     rng.choice(["Chưa thực hiện", "Đang thực hiện", "Hoàn thành"]), year, geom)

    return {
        "flood": [
            z("Ngập lũ thượng nguồn sông Đồng Nai", 1350, 260, "Xen ghép", 2023,
              _river(("26119", "26122", "26134", "26215", "26209"), 1500)),
            z("Ngập lũ sông La Ngà", 640, 120, "Ổn định tại chỗ", 2023,
              _river(("26215", "26227", "26206"), 1100)),
            z("Ngập triều hạ lưu sông Đồng Nai", 1820, 310, "Tập trung", 2024,
              _river(("26068", "26380", "26383", "26491"), 1300)),
            z("Ngập triều Nhơn Trạch", 950, 140, "Xen ghép", 2024,
              _river(("26491", "26485", "26503"), 1200)),
            z("Vùng trũng ven hồ Trị An", 430, 90, "Ổn định tại chỗ", 2022,
              _blob(rng, _xy("26170"), 2500)),
        ],
        "flash_flood_landslide": [
            z("Lũ quét – sạt lở Tân Phú", 120, 60, "Tập trung", 2023,
              _blob(rng, _xy("26116"), 1800)),
            z("Sạt lở đất Định Quán", 85, 40, "Tập trung", 2024, _blob(rng, _xy("26206"), 1500)),
            z("Lũ quét Phú Hòa", 60, 25, "Xen ghép", 2024, _blob(rng, _xy("26221"), 1300)),
        ],
        "riverbank_erosion": [
            z("Sạt lở bờ sông Đồng Nai – Long Hưng (2024)", 75, 75, "Tập trung", 2024,
              _strip("26380", 1800, 350, 0.6)),
            z("Sạt lở bờ sông Đại Phước", 48, 30, "Xen ghép", 2023, _blob(rng, _xy("26491"), 650)),
            z("Sạt lở bờ sông Tà Lài", 36, 36, "Tập trung", 2022, _blob(rng, _xy("26134"), 600)),
            z("Sạt lở bờ sông Thanh Sơn", 22, 10, "Ổn định tại chỗ", 2023,
              _blob(rng, _xy("26209"), 500)),
        ],
    }


# No legal text is invented: the province enters the real decision of each zone.
_DEMO_BASIS = "Dữ liệu minh họa — chưa có căn cứ pháp lý"

_HEADERS = ("Tên vùng", "Căn cứ pháp lý", "Số hộ trong vùng", "Số hộ cần di dời",
            "Hình thức bố trí", "Trạng thái", "Năm")


def _feature_collection(zones: list[_Zone]) -> dict[str, object]:
    geoms = gpd.GeoSeries([z.geometry for z in zones], crs=_METRIC).to_crs(4326)
    features = []
    for zone, geom in zip(zones, geoms, strict=True):
        values = (zone.name, zone.basis, zone.households, zone.relocate, zone.form, zone.status,
                  zone.year)
        features.append({"type": "Feature",
                         "properties": {**dict(zip(_HEADERS, values, strict=True)),
                                        "Ghi chú": DEMO_ZONES_LABEL},
                         "geometry": shapely.geometry.mapping(shapely.set_precision(geom, 1e-6))})
    return {"type": "FeatureCollection", "name": DEMO_ZONES_LABEL, "features": features}


def write_demo_zone_files(folder: Path, seed: int = 2030) -> dict[str, Path]:
    """Write one GeoJSON per zone type under ``folder``; returns type → path.

    The same seed gives identical files (so importing them again is a no-op).
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    # A second generator for zones added later, so the earlier zones keep their shapes.
    layers = {"special_use_forest": _forests(rng, random.Random(seed + 1)), **_hazards(rng)}
    out: dict[str, Path] = {}
    for key, zones in layers.items():
        path = folder / f"vung_minh_hoa_{key}.geojson"
        path.write_text(json.dumps(_feature_collection(zones), ensure_ascii=False),
                        encoding="utf-8")
        out[key] = path
    return out


# ---------------------------------------------------------------- ethnic-minority classes


def _class_of(code_2025: str, former: str) -> tuple[int, int, int]:
    """Region (0–3), border flag, mountainous flag of a 2025 unit (demo choice)."""
    region = 3 if code_2025 in _REGION_III else 2 if code_2025 in _REGION_II else 0
    typ = str(registry("75").unit("2025", code_2025)["type"])
    if not region and (code_2025 in _DONG_NAI_EM or (former == "70" and typ == "Xã")):
        region = 1
    mountainous = int((former == "70" and typ == "Xã") or code_2025 in _DONG_NAI_EM[:12])
    return region, int(code_2025 in BORDER_CODES), mountainous


def em_class_rows(households: dict[str, float], seed: int = 2030) -> pd.DataFrame:
    """Area classes for the 2021 communes: unit_code, indicator, value.

    ``households`` maps each 2021 commune code to its total households (to size the
    ethnic-minority household counts). Each commune takes the class of the 2025 unit
    most of it went to; about one in six former communes of a classified unit is left
    out, so some 2025 units are only partly classified.
    """
    rng = random.Random(seed)
    weights = build_crosswalk("2021", "2025").weights
    dominant = (weights.sort_values("weight", ascending=False)
                .drop_duplicates("old_code").set_index("old_code")["new_code"].astype(str))
    units = registry("75").units("2025", "commune").set_index("code")
    rows: list[tuple[str, str, float]] = []
    for old, total in sorted(households.items()):
        new = dominant.get(old)
        if new is None:
            continue
        region, border, mountain = _class_of(new, str(units.loc[new, "former_province"]))
        if region and rng.random() < 0.17 and new not in BORDER_CODES:
            region, mountain = 0, 0
        share = (rng.uniform(0.35, 0.6) if border else rng.uniform(0.2, 0.35) if region >= 2
                 else rng.uniform(0.06, 0.2) if region else rng.uniform(0.0, 0.02))
        villages = rng.randint(2, 4) if border else rng.randint(0, 2) if region >= 2 else 0
        rows += [(old, "ethnic_region", region), (old, "border_commune", border),
                 (old, "mountainous", mountain), (old, "extremely_difficult_villages", villages),
                 (old, "em_households", float(round(total * share)))]
    return pd.DataFrame(rows, columns=["unit_code", "indicator", "value"])


def write_em_csv(path: Path, stored: pd.DataFrame, year: int = 2021) -> Path:
    """Tidy CSV of the stored ``year`` values on version 2021 plus the area classes."""
    rows = stored[(stored["year"] == year) & (stored["boundary_version"].astype(str) == "2021")]
    totals = rows[rows["indicator"] == "total_households"].set_index("unit_code")["value"]
    classes = em_class_rows({str(k): float(v) for k, v in totals.items()})
    keep = rows[~rows["indicator"].isin(classes["indicator"].unique())][
        ["unit_code", "indicator", "value"]]
    frame = pd.concat([keep, classes], ignore_index=True).sort_values(["unit_code", "indicator"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["unit_code", "boundary_version", "year", "indicator", "value"])
        for code, indicator, value in frame[["unit_code", "indicator", "value"]].to_numpy():
            writer.writerow([code, "2021", year, indicator, f"{float(value):g}"])
    return path
