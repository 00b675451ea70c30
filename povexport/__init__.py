"""Meeting-ready outputs: print-quality static maps, the year-end report, the slide deck.

This package sits on the same floor as ``povmaps``: it draws from ``analysis`` results
and frames handed to it (observations, boundaries, crosswalks), never from the store,
the dashboard or folium.
"""

from povexport.deck import DeckInputs, SlideTable, TargetChart, build_deck, deck_bytes
from povexport.provenance import Provenance
from povexport.report import ReportTable, build_report, report_bytes, report_table
from povexport.staticmap import (
    Category,
    MapComposition,
    MapSpec,
    Overlay,
    RenderedMap,
    category_composition,
    compose,
    draw_composition,
    render_map,
)

__all__ = ["Category", "DeckInputs", "MapComposition", "MapSpec", "Overlay", "Provenance",
           "RenderedMap", "ReportTable", "SlideTable", "TargetChart", "build_deck",
           "build_report", "category_composition", "compose", "deck_bytes",
           "draw_composition", "render_map", "report_bytes", "report_table"]
