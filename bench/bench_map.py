"""Server-side cost of one map rerun, the map payload, and a naive folium.Choropleth.

Run: ``.venv/bin/python bench/bench_map.py [geodata_dir]`` (default: $POVMAP_GEODATA or
../shared/geodata next to the repository).

A temporary data folder gets the demo data; boundaries are the real ones. What the server
does on every rerun of the map page after the indicator or the year changed is
:func:`povmaps.mapview.build_view` plus rendering what ``st_folium`` sends to the
browser: the base map (``base_map``: script, HTML, header) and the units feature group,
with streamlit_folium's own helpers. Cached inputs (observations, crosswalks, web
layers, province outline) are loaded once before timing, as the app caches them.
Figures are medians of 20 reruns; each rerun changes the indicator (or the year), so
no rerun repeats the previous one.

For comparison: a naive ``folium.Choropleth`` of the full-resolution 2025 geometry (the
whole GeoPackage layer as GeoJSON), its time to build and render and its HTML size
(median of 5).
"""

from __future__ import annotations

import itertools
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
from _common import geodata_dir
from streamlit_folium import (
    _get_feature_group_string,
    _get_header,
    _get_html,
    _get_map_string,
    generate_js_hash,
)

RUNS = 20
NAIVE_RUNS = 5
INDICATORS = ("poor_rate", "poor_a_rate", "near_poor_rate", "poor_b_rate", "poor_a")
FULL_2025 = ("new_2025/dong_nai_2025_wards.gpkg", "wards", "ward_code")


def _quiet_streamlit() -> None:
    """The cached dashboard helpers run here without a Streamlit runtime: hush warnings."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if name.startswith("streamlit") and isinstance(logger, logging.Logger):
            logger.setLevel(logging.ERROR)


def render_payload(fmap: folium.Map, group: folium.FeatureGroup) -> dict[str, str]:
    """What ``st_folium(fmap, feature_group_to_add=group)`` sends, rendered its way."""
    fmap.get_root().render()
    fmap.render()
    html = _get_html(fmap)
    header = _get_header(fmap)
    script = _get_map_string(fmap)
    generate_js_hash(script, "povmap", False)
    group_js = _get_feature_group_string(group, map=fmap, idx=0)
    return {"script": script, "html": html, "header": header, "feature_group": group_js}


def _nbytes(parts: dict[str, str]) -> int:
    return sum(len(v.encode("utf-8")) for v in parts.values())


def _median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def _states(change: str, years: list[int], base_year: int) -> Iterator[tuple[str, int]]:
    if change == "indicator":
        for ind in itertools.cycle(INDICATORS):
            yield ind, base_year
    else:
        for year in itertools.cycle(years):
            yield "poor_rate", year


def bench_rebuild(label: str, version: str, base_year: int, years: list[int],
                  change: str, ctx: dict[str, object]) -> None:
    """Median time of build_view + payload rendering over RUNS reruns."""
    from analysis.viewstate import ViewState
    from dashboard.data import web_layer
    from povmaps.choropleth import base_map
    from povmaps.mapview import build_view

    obs: pd.DataFrame = ctx["obs"]  # type: ignore[assignment]
    crosswalks = ctx["crosswalks"]
    outline: gpd.GeoDataFrame = ctx["outline"]  # type: ignore[assignment]
    web = web_layer(version, "commune")
    states = _states(change, years, base_year)
    # One warm-up rerun (the app's first run also pays for the topology skeleton).
    ind, year = next(states)
    build_view(obs, ViewState(indicator=ind, year=year), year, web, crosswalks)
    total, build, render = [], [], []
    payload = 0
    for _ in range(RUNS):
        ind, year = next(states)
        t0 = time.perf_counter()
        view = build_view(obs, ViewState(indicator=ind, year=year), year, web, crosswalks)
        t1 = time.perf_counter()
        parts = render_payload(base_map(outline.total_bounds, outline), view.group)
        t2 = time.perf_counter()
        total.append(t2 - t0)
        build.append(t1 - t0)
        render.append(t2 - t1)
        payload = _nbytes(parts)
        assert view.n_units == len(web)
    sizes = {k: len(v.encode("utf-8")) for k, v in parts.items()}
    print(f"map_rebuild {len(web)} units ({label}, change={change}): "
          f"median_ms={_median_ms(total):.1f} build_view_ms={_median_ms(build):.1f} "
          f"render_ms={_median_ms(render):.1f} payload_bytes={payload} "
          f"(base_script={sizes['script']} html={sizes['html']} header={sizes['header']} "
          f"feature_group={sizes['feature_group']})", flush=True)


def _timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return _median_ms(times), out


def bench_naive(geodata: Path, obs: pd.DataFrame) -> None:
    """A naive folium.Choropleth of the full-resolution 2025 layer."""
    from povcore.config import settings
    from povstore.imports import unit_values
    from povstore.store import Store

    path, layer, code_col = FULL_2025
    full = gpd.read_file(geodata / path, layer=layer).to_crs(4326)
    values = unit_values(Store(settings().store_path), 2025, "poor_rate")
    frame = pd.DataFrame({"code": list(values), "value": list(values.values())})

    def build() -> str:
        fmap = folium.Map(location=[11.2, 107.0], zoom_start=9)
        folium.Choropleth(geo_data=full.to_json(), data=frame, columns=["code", "value"],
                          key_on=f"feature.properties.{code_col}", fill_color="YlOrRd",
                          bins=5, legend_name="poor_rate (%)").add_to(fmap)
        return fmap.get_root().render()

    ms, html = _timed(build, NAIVE_RUNS)
    print(f"naive_folium_choropleth {len(full)} units (full-resolution 2025 gpkg, "
          f"{len(obs)} observations in store): median_ms={ms:.1f} "
          f"html_bytes={len(str(html).encode('utf-8'))}", flush=True)


def main() -> None:
    geodata = geodata_dir()
    if not (geodata / FULL_2025[0]).exists():
        sys.exit(f"no real boundaries at {geodata}: pass the geodata folder as argument")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["POVMAP_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["POVMAP_GEODATA"] = str(geodata)
        from dashboard import data
        from povcore.config import settings
        from povmap.importing import load_demo
        from povstore.store import Store

        _quiet_streamlit()
        Store(settings().store_path).migrate()
        load_demo(settings())
        token = data.store_token()
        t0 = time.perf_counter()
        ctx: dict[str, object] = {"obs": data.observations(token),
                                  "crosswalks": data.crosswalks(token),
                                  "outline": data.province_outline()}
        data.web_layer("2021", "commune")
        print(f"setup (cold caches: boundaries, web layers, crosswalks): "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        bench_rebuild("year 2025, collected", "2025", 2025, [2025, 2026], "indicator", ctx)
        bench_rebuild("years 2025/2026, collected", "2025", 2025, [2025, 2026], "year", ctx)
        bench_rebuild("year 2022, collected", "2021", 2022, [2021, 2022, 2023], "indicator",
                      ctx)
        bench_rebuild("years 2021-2023, collected", "2021", 2022, [2021, 2022, 2023], "year",
                      ctx)
        bench_naive(geodata, ctx["obs"])  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
