"""Meeting-ready outputs: print-quality static maps, the year-end report, the slide deck.

This package sits on the same floor as ``povmaps``: it draws from ``analysis``
results and the store's frames handed to it, never from the dashboard or folium.
"""

from povexport.provenance import Provenance
from povexport.staticmap import MapComposition, MapSpec, Overlay, RenderedMap, render_map

__all__ = ["MapComposition", "MapSpec", "Overlay", "Provenance", "RenderedMap", "render_map"]
