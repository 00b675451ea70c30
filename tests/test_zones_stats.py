"""Zone statistics per unit: known areas on hand-made geometry, invariants on real data."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from analysis.zones import zone_statistics

KM = 1000.0


def _units() -> gpd.GeoDataFrame:
    """Two 2 km × 2 km units side by side in UTM 48N metres: A [0,2]×[0,2], B [2,4]×[0,2]."""
    x0, y0 = 700_000.0, 1_200_000.0
    return gpd.GeoDataFrame({"unit_code": ["A", "B"]},
                            geometry=[box(x0, y0, x0 + 2 * KM, y0 + 2 * KM),
                                      box(x0 + 2 * KM, y0, x0 + 4 * KM, y0 + 2 * KM)],
                            crs=32648)


def _at(minx: float, miny: float, maxx: float, maxy: float) -> Polygon:
    x0, y0 = 700_000.0, 1_200_000.0
    return box(x0 + minx * KM, y0 + miny * KM, x0 + maxx * KM, y0 + maxy * KM)


def _zones(rows: list[tuple[int, str, float | None, Polygon | MultiPolygon]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"zone_id": [r[0] for r in rows], "zone_type": [r[1] for r in rows],
         "households": [r[2] for r in rows], "relocate_households": [None] * len(rows)},
        geometry=[r[3] for r in rows], crs=32648)


def _row(stats, unit: str, zone_type: str) -> dict:
    p = stats.per_unit
    (row,) = p[(p["unit_code"] == unit) & (p["zone_type"] == zone_type)].to_dict("records")
    return row


def test_square_inside_one_unit() -> None:
    stats = zone_statistics(_units(), _zones([(1, "flood", 40.0, _at(0.5, 0.5, 1.5, 1.5))]))
    a = _row(stats, "A", "flood")
    assert a["area_m2"] == pytest.approx(1_000_000.0, rel=1e-9)
    assert a["share"] == pytest.approx(0.25)
    assert a["households"] == pytest.approx(40.0)
    assert set(stats.per_unit["unit_code"]) == {"A"}


def test_zone_with_a_hole() -> None:
    ring = Polygon(_at(0, 0, 2, 2).exterior.coords, [_at(0.5, 0.5, 1.5, 1.5).exterior.coords])
    stats = zone_statistics(_units(), _zones([(1, "special_use_forest", 30.0, ring)]))
    a = _row(stats, "A", "special_use_forest")
    assert a["area_m2"] == pytest.approx(3_000_000.0, rel=1e-9)  # 4 km² minus the 1 km² hole
    assert a["share"] == pytest.approx(0.75)


def test_zone_crossing_two_units_apportions_households_by_area() -> None:
    crossing = _at(1.0, 0.0, 4.0, 1.0)  # 1 km² in A, 2 km² in B
    stats = zone_statistics(_units(), _zones([(7, "flood", 90.0, crossing)]))
    a, b = _row(stats, "A", "flood"), _row(stats, "B", "flood")
    assert (a["area_m2"], b["area_m2"]) == (pytest.approx(1e6), pytest.approx(2e6))
    assert (a["share"], b["share"]) == (pytest.approx(0.25), pytest.approx(0.5))
    assert (a["households"], b["households"]) == (pytest.approx(30.0), pytest.approx(60.0))
    zone = stats.per_zone.set_index("unit_code")
    assert zone.loc["A", "zone_share"] == pytest.approx(1 / 3)
    assert zone.loc["B", "outside_share"] == pytest.approx(0.0)


def test_overlapping_zones_of_one_type_count_area_once_but_households_each() -> None:
    stats = zone_statistics(_units(), _zones([
        (1, "flood", 10.0, _at(0, 0, 1, 2)),
        (2, "flood", 6.0, _at(0.5, 0, 1.5, 2)),
        (3, "riverbank_erosion", None, _at(0, 0, 0.5, 0.5)),
    ]))
    a = _row(stats, "A", "flood")
    assert a["area_m2"] == pytest.approx(3_000_000.0)  # union 1.5 km × 2 km, not 4 km²
    assert a["share"] == pytest.approx(0.75)
    assert a["households"] == pytest.approx(16.0)
    erosion = _row(stats, "A", "riverbank_erosion")
    assert (erosion["share"], erosion["households"]) == (pytest.approx(0.0625), 0.0)


def test_multipolygon_zone_and_part_outside_every_unit() -> None:
    parts = MultiPolygon([_at(0, 0, 1, 1), _at(3, 1, 4, 2), _at(5, 0, 6, 1)])  # last outside
    stats = zone_statistics(_units(), _zones([(4, "other", 200.0, parts)]))
    a, b = _row(stats, "A", "other"), _row(stats, "B", "other")
    assert (a["share"], b["share"]) == (pytest.approx(0.25), pytest.approx(0.25))
    # Households are shared over the zone's part inside the units: 100 + 100.
    assert (a["households"], b["households"]) == (pytest.approx(100.0), pytest.approx(100.0))
    assert stats.per_zone["outside_share"].iloc[0] == pytest.approx(1 / 3)
    wide = stats.wide()
    assert wide.loc["A", "area_ha_other"] == pytest.approx(100.0)
    assert wide.loc["B", "households_in_zones"] == pytest.approx(100.0)


def test_units_in_lonlat_are_measured_in_metres() -> None:
    units = _units().to_crs(4326)
    zones = _zones([(1, "flood", 10.0, _at(0, 0, 1, 1))]).to_crs(4326)
    a = _row(zone_statistics(units, zones), "A", "flood")
    assert a["area_m2"] == pytest.approx(1e6, rel=1e-6)


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real_units(shared_geodata: Path,
               tmp_path_factory: pytest.TempPathFactory) -> gpd.GeoDataFrame:
    from geodata.boundaries import load_boundaries
    from povcore.config import Settings

    cfg = Settings(data_dir=tmp_path_factory.mktemp("data"), geodata_dir=shared_geodata,
                   province="75")
    frame = load_boundaries("2025", "commune", cfg).frame
    assert len(frame) == 95
    return gpd.GeoDataFrame({"unit_code": frame["code"].astype(str)},
                            geometry=frame.geometry.to_numpy(), crs=frame.crs)


_ZONE_TYPES = ["flood", "special_use_forest", "riverbank_erosion"]


@st.composite
def _random_zones(draw: st.DrawFn) -> list[tuple[float, float, float, float, str, int]]:
    n = draw(st.integers(min_value=1, max_value=8))
    return [(draw(st.floats(106.4, 107.6)), draw(st.floats(10.6, 12.2)),
             draw(st.floats(0.005, 0.3)), draw(st.floats(0.005, 0.3)),
             draw(st.sampled_from(_ZONE_TYPES)), draw(st.integers(0, 5000)))
            for _ in range(n)]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=_random_zones())
def test_real_boundaries_shares_in_unit_interval_households_sum_to_zone_total(
        real_units: gpd.GeoDataFrame, specs: list) -> None:
    zones = gpd.GeoDataFrame(
        {"zone_id": range(1, len(specs) + 1), "zone_type": [s[4] for s in specs],
         "households": [float(s[5]) for s in specs], "relocate_households": [np.nan] * len(specs)},
        geometry=[box(x, y, x + w, y + h) for x, y, w, h, _t, _n in specs], crs=4326)
    stats = zone_statistics(real_units, zones)
    assert ((stats.per_unit["share"] >= 0) & (stats.per_unit["share"] <= 1)).all()
    per_zone = stats.per_zone.groupby("zone_id")["households"].sum()
    for zone_id, total in zip(zones["zone_id"], zones["households"], strict=True):
        if zone_id in per_zone.index:  # a zone wholly outside the province has no part
            assert per_zone[zone_id] == pytest.approx(total, rel=1e-9, abs=1e-6)
    by_type = stats.per_unit.groupby("zone_type")["area_m2"].sum()
    for zone_type, area in by_type.items():
        union = zones[zones["zone_type"] == zone_type].to_crs(32648).union_all()
        assert area <= union.area * (1 + 1e-9)
