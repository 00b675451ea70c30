"""Offline maps: Leaflet served by the app itself, never from a CDN.

``folium.Map`` links Leaflet, jQuery, Bootstrap, Font Awesome and awesome-markers from
public CDNs (``folium.Map.default_js`` / ``default_css``). In a closed network the map
stays blank. Our maps need Leaflet alone (no markers, no popups, embedded GeoJSON), so
:func:`offline_map` gives each map *instance* its own two links to local copies; the
class-level lists of folium are left alone.

Where the files come from: Leaflet 1.9.3's ``dist`` files (BSD-2-Clause) are vendored
unchanged in ``dashboard/static/vendor/leaflet/`` with their licence, and our own
script and style sheet (:data:`MAP_FILES`: style, hover, TopoJSON decoder, controls)
live in ``dashboard/static/povmap/``, so a plain ``streamlit run dashboard/app.py``
draws the map with no setup step and no network. Streamlit serves ``dashboard/static/``
at ``/app/static/`` when ``server.enableStaticServing`` is true (the folder is
``static/`` beside the main script ``dashboard/app.py``). This package only knows the
URLs; it never reads or writes the files.

How ``st_folium`` uses this: its component iframe (``/component/…/index.html``, same
origin as the app) bundles no Leaflet; it loads every ``default_js`` / ``default_css``
URL of the map and its children, in order, then runs the map script. Root-relative URLs
therefore resolve against the Streamlit server; an app behind ``server.baseUrlPath``
passes its prefix to :func:`asset_urls`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

import folium

STATIC_URL = "/app/static"
LEAFLET_DIR = "vendor/leaflet"
MAP_DIR = "povmap"
#: Our files under ``/app/static/povmap/``: what every map script calls, and its CSS.
MAP_FILES: tuple[str, ...] = ("choropleth.js", "choropleth.css")
#: Files under ``/app/static/vendor/leaflet/`` (``leaflet.css`` refers to ``images/``).
ASSET_FILES: tuple[str, ...] = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)
TILES_ENV = "POVMAP_TILES"
TILES_ATTRIBUTION_ENV = "POVMAP_TILES_ATTRIBUTION"
_LINK_PATTERN = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]*)\"", re.IGNORECASE)


@dataclass(frozen=True)
class AssetUrls:
    """URLs of the local files as the browser requests them: Leaflet, then ours."""

    js: str
    css: str
    map_js: str
    map_css: str

    @property
    def scripts(self) -> list[str]:
        """Scripts in loading order (Leaflet first: ours calls it)."""
        return [self.js, self.map_js]

    @property
    def stylesheets(self) -> list[str]:
        """Style sheets in loading order (ours after Leaflet's, to override it)."""
        return [self.css, self.map_css]


def asset_urls(static: str = STATIC_URL) -> AssetUrls:
    """Local URLs of Leaflet and of the map's own script and CSS under ``static``.

    Parameters
    ----------
    static : str, default "/app/static"
        Where Streamlit serves ``dashboard/static/``; behind
        ``server.baseUrlPath = "povmap"`` use ``"/povmap/app/static"``.

    Returns
    -------
    AssetUrls

    Examples
    --------
    >>> urls = asset_urls()
    >>> urls.js, urls.map_js
    ('/app/static/vendor/leaflet/leaflet.js', '/app/static/povmap/choropleth.js')
    """
    base = static.rstrip("/")
    leaflet, ours = f"{base}/{LEAFLET_DIR}", f"{base}/{MAP_DIR}"
    return AssetUrls(js=f"{leaflet}/leaflet.js", css=f"{leaflet}/leaflet.css",
                     map_js=f"{ours}/{MAP_FILES[0]}", map_css=f"{ours}/{MAP_FILES[1]}")


ASSET_URLS = asset_urls()


def offline_map(*, urls: AssetUrls = ASSET_URLS, **kwargs: Any) -> folium.Map:
    """A ``folium.Map`` that loads only local files and no tiles by default.

    Parameters
    ----------
    urls : AssetUrls, default :data:`ASSET_URLS`
        Where the browser finds Leaflet and the map's own script and CSS.
    **kwargs
        Passed to ``folium.Map``. ``tiles`` defaults to the layer configured by
        ``POVMAP_TILES`` (see :func:`tile_layer`), or none.

    Returns
    -------
    folium.Map
        With instance-level ``default_js`` / ``default_css`` holding only ``urls``.

    Examples
    --------
    >>> offline_map().default_js
    [('leaflet', '/app/static/vendor/leaflet/leaflet.js'), ('povmap', '/app/static/povmap/choropleth.js')]
    """  # noqa: E501
    if "tiles" not in kwargs:
        kwargs["tiles"] = tile_layer()
    fmap = folium.Map(**kwargs)
    # Instance attributes: folium's class-level lists (shared by every Map) stay intact.
    fmap.default_js = [("leaflet", urls.js), ("povmap", urls.map_js)]
    fmap.default_css = [("leaflet_css", urls.css), ("povmap_css", urls.map_css)]
    return fmap


def tile_layer(environ: dict[str, str] | None = None) -> folium.TileLayer | None:
    """Background tiles from ``POVMAP_TILES``, or ``None`` (no tiles, no requests).

    Parameters
    ----------
    environ : dict, optional
        Environment to read; ``os.environ`` by default.

    Returns
    -------
    folium.TileLayer or None
        A layer named "tiles" for the URL template in ``POVMAP_TILES`` (e.g. the
        province's own tile server ``http://10.0.0.5/tiles/{z}/{x}/{y}.png``), credited
        with ``POVMAP_TILES_ATTRIBUTION``.

    Raises
    ------
    ValueError
        If ``POVMAP_TILES`` is set without ``POVMAP_TILES_ATTRIBUTION``.
    """
    env = os.environ if environ is None else environ
    url = env.get(TILES_ENV, "").strip()
    if not url:
        return None
    attribution = env.get(TILES_ATTRIBUTION_ENV, "").strip()
    if not attribution:
        raise ValueError(
            f"{TILES_ENV} is set to '{url}' but {TILES_ATTRIBUTION_ENV} is empty: set it to "
            f"the tile provider's credit line, or unset {TILES_ENV} to show no tiles."
        )
    return folium.TileLayer(tiles=url, attr=attribution, name="tiles", control=False)


def linked_urls(fmap: folium.Map) -> list[str]:
    """Every ``<script src>`` and ``<link href>`` URL in the rendered page of ``fmap``."""
    return _LINK_PATTERN.findall(fmap.get_root().render())
