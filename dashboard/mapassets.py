"""Offline maps: Leaflet served by the app itself, never from a CDN.

``folium.Map`` links Leaflet, jQuery, Bootstrap, Font Awesome and awesome-markers from
public CDNs (``folium.Map.default_js`` / ``default_css``). In a closed network the map
stays blank. Our maps need Leaflet alone (no markers, no popups, embedded GeoJSON), so
:func:`offline_map` gives each map *instance* its own two links to local copies; the
class-level lists of folium are left alone.

Where the files come from: the PyPI package ``xstatic-leaflet`` (Leaflet's ``dist`` files,
BSD-2-Clause) is installed with the app; :func:`ensure_assets` copies ``leaflet.js``,
``leaflet.css`` and ``images/*.png`` into ``dashboard/static/vendor/leaflet/`` at setup.
Streamlit serves that folder at ``/app/static/`` when ``server.enableStaticServing`` is
true (the folder is ``static/`` beside the main script ``dashboard/app.py``).

How ``st_folium`` uses this: its component iframe (``/component/…/index.html``, same
origin as the app) bundles no Leaflet; it loads every ``default_js`` / ``default_css``
URL of the map and its children, in order, then runs the map script. Root-relative URLs
therefore resolve against the Streamlit server; an app behind ``server.baseUrlPath``
passes its prefix to :func:`asset_urls`.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor" / "leaflet"
STATIC_URL = "/app/static"
VENDOR_URL = f"{STATIC_URL}/vendor/leaflet"
LEAFLET_PACKAGE = "xstatic-leaflet"
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


class MissingLeafletError(RuntimeError):
    """The package that ships Leaflet's files is not installed."""


@dataclass(frozen=True)
class AssetUrls:
    """URLs of the local Leaflet files as the browser requests them."""

    js: str
    css: str


def asset_urls(prefix: str = VENDOR_URL) -> AssetUrls:
    """Local URLs of ``leaflet.js`` and ``leaflet.css`` under ``prefix``.

    Parameters
    ----------
    prefix : str, default "/app/static/vendor/leaflet"
        Where the vendor folder is served; behind ``server.baseUrlPath = "povmap"`` use
        ``"/povmap/app/static/vendor/leaflet"``.

    Returns
    -------
    AssetUrls

    Examples
    --------
    >>> asset_urls().js
    '/app/static/vendor/leaflet/leaflet.js'
    """
    base = prefix.rstrip("/")
    return AssetUrls(js=f"{base}/leaflet.js", css=f"{base}/leaflet.css")


ASSET_URLS = asset_urls()


def leaflet_source_dir() -> Path:
    """Folder of Leaflet's ``dist`` files inside the installed ``xstatic-leaflet``.

    Raises
    ------
    MissingLeafletError
        If the package is not installed, with the command that fixes it.
    """
    try:
        from xstatic.pkg import leaflet
    except ImportError as err:
        raise MissingLeafletError(
            f"Leaflet's files come from the Python package '{LEAFLET_PACKAGE}', which is "
            f"not installed. Install the app's dependencies (scripts/bootstrap) or run "
            f"'pip install {LEAFLET_PACKAGE}', then 'povmap setup'."
        ) from err
    return Path(leaflet.BASE_DIR)


def ensure_assets(target_dir: Path = VENDOR_DIR) -> list[Path]:
    """Copy Leaflet's files from the installed package into ``target_dir``.

    Idempotent: a file already identical to the package's is not rewritten. Run by
    ``povmap setup``; the copies are not committed (``dashboard/static/vendor/`` is
    git-ignored). Never touches the network.

    Parameters
    ----------
    target_dir : Path, default ``dashboard/static/vendor/leaflet``
        Destination; ``images/`` is created inside it (``leaflet.css`` refers to
        ``images/layers.png`` relative to itself).

    Returns
    -------
    list of Path
        Every asset in ``target_dir``, in the order of :data:`ASSET_FILES`.

    Raises
    ------
    MissingLeafletError
        If ``xstatic-leaflet`` is not installed.
    FileNotFoundError
        If the installed package lacks one of :data:`ASSET_FILES`.
    """
    source = leaflet_source_dir()
    return [_copy_if_changed(source / name, Path(target_dir) / name) for name in ASSET_FILES]


def _copy_if_changed(src: Path, dest: Path) -> Path:
    if not src.is_file():
        raise FileNotFoundError(
            f"'{src}' is missing from the installed '{LEAFLET_PACKAGE}': reinstall it."
        )
    if dest.is_file() and filecmp.cmp(src, dest, shallow=False):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    shutil.copyfile(src, partial)
    partial.replace(dest)  # atomic: a running server never serves half a file
    return dest


def missing_assets(target_dir: Path = VENDOR_DIR) -> list[Path]:
    """Assets absent from ``target_dir`` (empty when the map can load offline)."""
    return [Path(target_dir) / name for name in ASSET_FILES
            if not (Path(target_dir) / name).is_file()]


def offline_map(*, urls: AssetUrls = ASSET_URLS, **kwargs: Any) -> folium.Map:
    """A ``folium.Map`` that loads only the local Leaflet and no tiles by default.

    Parameters
    ----------
    urls : AssetUrls, default :data:`ASSET_URLS`
        Where the browser finds ``leaflet.js`` and ``leaflet.css``.
    **kwargs
        Passed to ``folium.Map``. ``tiles`` defaults to the layer configured by
        ``POVMAP_TILES`` (see :func:`tile_layer`), or none.

    Returns
    -------
    folium.Map
        With instance-level ``default_js`` / ``default_css`` holding only ``urls``.

    Examples
    --------
    >>> fmap = offline_map()
    >>> fmap.default_js
    [('leaflet', '/app/static/vendor/leaflet/leaflet.js')]
    """
    if "tiles" not in kwargs:
        kwargs["tiles"] = tile_layer()
    fmap = folium.Map(**kwargs)
    # Instance attributes: folium's class-level lists (shared by every Map) stay intact.
    fmap.default_js = [("leaflet", urls.js)]
    fmap.default_css = [("leaflet_css", urls.css)]
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
