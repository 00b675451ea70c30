"""Offline map assets: local Leaflet only, copied from the installed package."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import folium
import pytest
from streamlit import file_util

from dashboard import mapassets
from dashboard.mapassets import (
    ASSET_FILES,
    ASSET_URLS,
    MissingLeafletError,
    asset_urls,
    ensure_assets,
    linked_urls,
    missing_assets,
    offline_map,
    tile_layer,
)

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def leaflet_package() -> Path:
    """Leaflet's files from xstatic-leaflet; absent locally → skip, absent in CI → fail."""
    try:
        return mapassets.leaflet_source_dir()
    except MissingLeafletError as err:
        if os.environ.get("CI"):
            pytest.fail(str(err))
        pytest.skip(str(err))


@pytest.fixture
def no_tiles_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POVMAP_TILES", raising=False)
    monkeypatch.delenv("POVMAP_TILES_ATTRIBUTION", raising=False)


def test_asset_urls_are_local_paths_under_app_static() -> None:
    assert ASSET_URLS.js == "/app/static/vendor/leaflet/leaflet.js"
    assert ASSET_URLS.css == "/app/static/vendor/leaflet/leaflet.css"
    behind_proxy = asset_urls("/povmap/app/static/vendor/leaflet/")
    assert behind_proxy.js == "/povmap/app/static/vendor/leaflet/leaflet.js"


def test_vendor_dir_is_inside_the_folder_streamlit_serves_for_app_py() -> None:
    served = Path(file_util.get_app_static_dir(str(APP)))
    assert served == mapassets.STATIC_DIR
    assert served / "vendor" / "leaflet" == mapassets.VENDOR_DIR
    # /app/static/<path> maps to <served>/<path>
    relative = mapassets.VENDOR_DIR.relative_to(served).as_posix()
    assert ASSET_URLS.js == f"/app/static/{relative}/leaflet.js"


@pytest.mark.usefixtures("no_tiles_env")
def test_offline_map_links_exactly_the_local_leaflet() -> None:
    fmap = offline_map()
    rendered = fmap.get_root().render()
    assert linked_urls(fmap) == [ASSET_URLS.js, ASSET_URLS.css]
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
    assert {ASSET_URLS.js, ASSET_URLS.css}.isdisjoint(urls)


def test_offline_map_custom_prefix() -> None:
    urls = asset_urls("/x/app/static/vendor/leaflet")
    fmap = offline_map(urls=urls, tiles=None)
    assert linked_urls(fmap) == ["/x/app/static/vendor/leaflet/leaflet.js",
                                 "/x/app/static/vendor/leaflet/leaflet.css"]


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
    assert linked_urls(fmap) == [ASSET_URLS.js, ASSET_URLS.css]


def test_ensure_assets_copies_real_leaflet_files(leaflet_package: Path, tmp_path: Path) -> None:
    target = tmp_path / "vendor" / "leaflet"
    paths = ensure_assets(target)
    assert [p.relative_to(target).as_posix() for p in paths] == list(ASSET_FILES)
    js = (target / "leaflet.js").read_bytes()
    assert len(js) > 100_000
    assert b"Leaflet 1.9." in js[:200]
    css = (target / "leaflet.css").read_text(encoding="utf-8")
    assert len(css) > 10_000
    assert ".leaflet-container" in css
    assert "url(images/layers.png)" in css
    for png in target.glob("images/*.png"):
        assert png.read_bytes()[:8] == PNG_SIGNATURE
    assert sorted(p.name for p in target.glob("images/*")) == sorted(
        Path(n).name for n in ASSET_FILES if n.startswith("images/"))
    assert missing_assets(target) == []


def test_ensure_assets_is_idempotent_and_repairs(leaflet_package: Path, tmp_path: Path) -> None:
    first = ensure_assets(tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in first}
    (tmp_path / "leaflet.css").write_text("broken", encoding="utf-8")
    second = ensure_assets(tmp_path)
    assert second == first
    assert (tmp_path / "leaflet.css").read_bytes() == (leaflet_package / "leaflet.css").read_bytes()
    unchanged = [p for p in second if p.name != "leaflet.css"]
    assert all(p.stat().st_mtime_ns == stamps[p] for p in unchanged)
    assert not list(tmp_path.rglob("*.partial"))


def test_missing_assets_lists_every_file_of_an_empty_folder(tmp_path: Path) -> None:
    assert missing_assets(tmp_path) == [tmp_path / n for n in ASSET_FILES]


def test_missing_package_gives_the_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "xstatic.pkg", None)
    with pytest.raises(MissingLeafletError, match="pip install xstatic-leaflet"):
        ensure_assets(tmp_path)
    assert list(tmp_path.iterdir()) == []
