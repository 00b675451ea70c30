"""Zones and scenarios in the real SQLite store: cascade delete, round trips, cache."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from loaders.zones import read_zone_file
from povcore.errors import PovmapError
from povstore.store import Store
from povstore.zones import (
    add_zones,
    cached_zone_stats,
    get_scenario,
    list_scenarios,
    load_zones,
    remove_zone_import,
    save_scenario,
    save_zone_stats,
)


def _layer(tmp_path: Path) -> Path:
    ring = Polygon(box(107.0, 11.0, 107.1, 11.1).exterior.coords,
                   [box(107.02, 11.02, 107.04, 11.04).exterior.coords])
    path = tmp_path / "z.geojson"
    gpd.GeoDataFrame({"Tên": ["Có lỗ", "Vuông"], "Số hộ": [10, None], "Năm": [2023, None]},
                     geometry=[ring, box(107.2, 11.0, 107.3, 11.1)],
                     crs=4326).to_file(path, driver="GeoJSON")
    return path


def test_zones_round_trip_with_holes_and_remove(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.gpkg")
    result = add_zones(store, read_zone_file(_layer(tmp_path), "other"))
    zones = load_zones(store)
    assert list(zones["name"]) == ["Có lỗ", "Vuông"]
    (hole,) = zones.geometry.iloc[0].interiors
    assert Polygon(hole).area == pytest.approx(0.02 * 0.02)
    assert zones["households"].iloc[0] == 10.0
    assert pd.isna(zones["households"].iloc[1])
    assert list(zones["year"].astype("object")) == [2023, pd.NA]
    assert "Đã xoá 2 vùng" in remove_zone_import(store, result.import_id)
    assert load_zones(store).empty
    with pytest.raises(PovmapError, match="#5"):
        remove_zone_import(store, 5)


def test_scenarios_and_stats_cache(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.gpkg")
    first = save_scenario(store, "Lũ", "Chị Hoa", {"filter": [], "budget": 5})
    second = save_scenario(store, "Rừng", "Anh Nam", {"filter": [[{"column": "em_commune",
                                                                      "op": "==", "value": 1}]]})
    assert list(list_scenarios(store)["id"]) == [second, first]
    got = get_scenario(store, first)
    assert (got["name"], got["author"], got["document"]) == ("Lũ", "Chị Hoa",
                                                             {"filter": [], "budget": 5})
    with pytest.raises(PovmapError, match="author"):
        save_scenario(store, "X", " ", {})
    assert cached_zone_stats(store, "k") is None
    save_zone_stats(store, "k", pd.DataFrame({"unit_code": ["26119"], "share": [0.5]}),
                    pd.DataFrame({"zone_id": [1]}))
    per_unit, per_zone = cached_zone_stats(store, "k")
    assert per_unit.to_dict("records") == [{"unit_code": "26119", "share": 0.5}]
    assert list(per_zone["zone_id"]) == [1]
