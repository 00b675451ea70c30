"""The status map: same map component, five status classes, territory outside = no data."""

from __future__ import annotations

import folium
import pandas as pd

from analysis.progress import STATUS_COLOURS
from povmaps.choropleth import NO_DATA_COLOUR
from povmaps.status import status_view
from tests.test_choropleth import legend_rows, make_units, units_features


def _units() -> pd.DataFrame:
    return pd.DataFrame({
        "unit_code": ["26000", "26001", "26002", "26003", "26004"],
        "status": ["met", "behind", "behind", "insufficient_data", "missed"],
        "baseline": [10.0, 20.0, 5.0, float("nan"), 8.0],
        "latest": [2.0, 19.0, 6.0, float("nan"), 7.0],
        "latest_year": [2025, 2023, 2023, None, 2025],
        "reduction_pct": [80.0, 5.0, -20.0, float("nan"), 12.5]})


def _page(lang: str = "vi") -> tuple[str, dict[str, int]]:
    frame = make_units()  # 6 units: 26005 is outside the territory
    view = status_view(frame, _units(), lang)
    fmap = folium.Map()
    view.group.add_to(fmap)
    return fmap.get_root().render() + view.legend_html, view.counts


def test_legend_lists_every_status_with_counts_and_outside_as_no_data() -> None:
    page, counts = _page()
    rows = legend_rows(page)
    assert [(c, lab, n) for c, _col, lab, n in rows] == [
        (0, "đạt", 1), (1, "đúng tiến độ", 0), (2, "chậm", 2), (3, "không đạt", 1),
        (4, "chưa đủ số liệu", 1), (-1, "Không có dữ liệu", 1)]
    assert counts == {"met": 1, "on_track": 0, "behind": 2, "missed": 1,
                      "insufficient_data": 1}


def test_units_are_filled_with_their_status_colour_and_tooltips_say_why() -> None:
    page, _ = _page("en")
    props = {f["properties"]["code"]: f["properties"] for f in units_features(page)}
    assert props["26001"]["fill"] == STATUS_COLOURS["behind"]
    assert props["26003"]["fill"] == STATUS_COLOURS["insufficient_data"]
    assert props["26005"]["fill"] == NO_DATA_COLOUR
    values = [v for k, v in props["26002"].items() if k.startswith("t")]
    assert values == ["behind", "5", "6 (2023)", "−20.0 %"]
    assert "&lt;img" in props["26000"]["name"]  # names stay escaped
