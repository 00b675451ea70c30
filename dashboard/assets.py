"""Files of ``dashboard/static/`` that a page needs as text rather than as a URL.

Streamlit serves ``dashboard/static/`` at ``/app/static/`` and the maps link their files
from there (:mod:`povmaps.mapassets`). ``st.html`` outside the map iframe cannot link a
style sheet, so the legend shown beside the map carries the map's CSS inline.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from povmaps.mapassets import MAP_DIR, MAP_FILES

STATIC_DIR = Path(__file__).with_name("static")


@cache
def map_css() -> str:
    """The map's style sheet (``static/povmap/choropleth.css``), read once."""
    css = next(name for name in MAP_FILES if name.endswith(".css"))
    return (STATIC_DIR / MAP_DIR / css).read_text(encoding="utf-8")


def styled(markup: str) -> str:
    """``markup`` (legend, title) preceded by the map's CSS, for ``st.html``.

    >>> styled("<div class='povmap-legend'></div>").startswith("<style>")
    True
    """
    return f"<style>{map_css()}</style>{markup}"
