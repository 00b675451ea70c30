"""Offline map assets: local Leaflet and the map's own script and CSS, beside the app."""

from __future__ import annotations

from pathlib import Path

import folium
import pytest
from streamlit import file_util

from povmaps.mapassets import (
    ASSET_FILES,
    ASSET_URLS,
    MAP_FILES,
    asset_urls,
    linked_urls,
    offline_map,
    tile_layer,
)

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LOCAL_LINKS = ["/app/static/vendor/leaflet/leaflet.js", "/app/static/povmap/choropleth.js",
               "/app/static/vendor/leaflet/leaflet.css", "/app/static/povmap/choropleth.css"]


@pytest.fixture
def no_tiles_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POVMAP_TILES", raising=False)
    monkeypatch.delenv("POVMAP_TILES_ATTRIBUTION", raising=False)


def test_asset_urls_are_local_paths_under_app_static() -> None:
    assert ASSET_URLS.js == "/app/static/vendor/leaflet/leaflet.js"
    assert ASSET_URLS.css == "/app/static/vendor/leaflet/leaflet.css"
    assert ASSET_URLS.map_js == "/app/static/povmap/choropleth.js"
    assert ASSET_URLS.map_css == "/app/static/povmap/choropleth.css"
    behind_proxy = asset_urls("/povmap/app/static/")
    assert behind_proxy.js == "/povmap/app/static/vendor/leaflet/leaflet.js"
    assert behind_proxy.map_css == "/povmap/app/static/povmap/choropleth.css"


def test_every_asset_url_is_a_file_in_the_folder_streamlit_serves_for_app_py() -> None:
    served = Path(file_util.get_app_static_dir(str(APP)))
    assert served == APP.parent / "static"
    # /app/static/<path> maps to <served>/<path>
    for url in (*ASSET_URLS.scripts, *ASSET_URLS.stylesheets):
        assert url.startswith("/app/static/")
        assert (served / url.removeprefix("/app/static/")).is_file(), url
    vendor = served / "vendor" / "leaflet"
    assert all((vendor / name).is_file() for name in ASSET_FILES)
    assert "BSD 2-Clause" in (vendor / "LICENSE").read_text(encoding="utf-8")
    assert all((served / "povmap" / name).is_file() for name in MAP_FILES)


@pytest.mark.usefixtures("no_tiles_env")
def test_offline_map_links_exactly_the_local_leaflet() -> None:
    fmap = offline_map()
    rendered = fmap.get_root().render()
    assert linked_urls(fmap) == LOCAL_LINKS
    assert "cdn" not in rendered.lower()
    assert "http://" not in rendered
    assert "https://" not in rendered
    assert not any(isinstance(c, folium.TileLayer) for c in fmap._children.values())


@pytest.mark.usefixtures("no_tiles_env")
def test_plain_folium_map_still_uses_cdns_so_the_check_can_fail() -> None:
    offline_map()  # must not change folium's class-level defaults
    urls = linked_urls(folium.Map(tiles=None))
    assert any("cdn.jsdelivr.net" in u for u in urls)
    assert folium.Map.default_js[0][1].startswith("https://")
    assert set(LOCAL_LINKS).isdisjoint(urls)


def test_offline_map_custom_prefix() -> None:
    urls = asset_urls("/x/app/static")
    fmap = offline_map(urls=urls, tiles=None)
    assert linked_urls(fmap) == [url.replace("/app/", "/x/app/") for url in LOCAL_LINKS]


def test_tile_layer_absent_without_env() -> None:
    assert tile_layer({}) is None
    assert tile_layer({"POVMAP_TILES": "  "}) is None


def test_tile_layer_from_env_with_attribution() -> None:
    layer = tile_layer({"POVMAP_TILES": "http://127.0.0.1:8080/{z}/{x}/{y}.png",
                        "POVMAP_TILES_ATTRIBUTION": "Sở TN&MT Đồng Nai"})
    assert isinstance(layer, folium.TileLayer)
    assert layer.tiles == "http://127.0.0.1:8080/{z}/{x}/{y}.png"
    assert layer.options["attribution"] == "Sở TN&MT Đồng Nai"


def test_tile_layer_without_attribution_is_an_actionable_error() -> None:
    with pytest.raises(ValueError, match="POVMAP_TILES_ATTRIBUTION"):
        tile_layer({"POVMAP_TILES": "http://127.0.0.1:8080/{z}/{x}/{y}.png"})


def test_offline_map_uses_env_tiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POVMAP_TILES", "http://127.0.0.1:8080/{z}/{x}/{y}.png")
    monkeypatch.setenv("POVMAP_TILES_ATTRIBUTION", "Tỉnh Đồng Nai")
    fmap = offline_map()
    tiles = [c for c in fmap._children.values() if isinstance(c, folium.TileLayer)]
    assert [t.tiles for t in tiles] == ["http://127.0.0.1:8080/{z}/{x}/{y}.png"]
    assert linked_urls(fmap) == LOCAL_LINKS


def test_vendored_leaflet_is_the_released_dist_unchanged() -> None:
    """The committed copy equals Leaflet's dist files as xstatic-leaflet ships them."""
    from xstatic.pkg import leaflet  # dev dependency: provenance of the vendored copy

    vendor = APP.parent / "static" / "vendor" / "leaflet"
    for name in ASSET_FILES:
        assert (vendor / name).read_bytes() == (Path(leaflet.BASE_DIR) / name).read_bytes(), name
    js = (vendor / "leaflet.js").read_bytes()
    assert b"Leaflet 1.9." in js[:200]
    css = (vendor / "leaflet.css").read_text(encoding="utf-8")
    assert "url(images/layers.png)" in css
    for png in vendor.glob("images/*.png"):
        assert png.read_bytes()[:8] == PNG_SIGNATURE
