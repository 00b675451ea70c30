"""Legend of the zone overlays on the poverty map (no priority layer there).

:func:`povmaps.overlays.overlay_legend_html` also lists the priority page's
selected / not-selected fills, which the poverty map does not draw; this legend has
only each zone type's outline and the ethnic-minority outline, in the same styles.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from analysis.viewstate import Notice
from loaders.zones import ZONE_TYPES
from povmaps.overlays import EM_STYLE, zone_style

__all__ = ["ZONES_TOGGLE", "zone_legend_html"]

#: Sidebar switch of the poverty map.
ZONES_TOGGLE = Notice("Hiện vùng quy hoạch, vùng DTTS", "Show planning and ethnic-minority zones")
_TITLE = Notice("Lớp phủ (bật/tắt ở góc phải bản đồ)", "Overlays (toggle at the map's top right)")
_EM = Notice("Xã vùng đồng bào DTTS & miền núi", "Ethnic-minority area commune")
_BORDER = {"1 0": "solid", "2 4": "dotted", "1 6": "dotted"}


def _swatch(colour: str, dash: str) -> str:
    border = _BORDER.get(dash, "dashed")
    return (f'<span style="display:inline-block;width:20px;height:11px;'
            f'vertical-align:middle;border:3px {border} {colour}"></span>')


def zone_legend_html(zone_types: Sequence[str], with_em: bool, lang: str = "vi") -> str:
    """Legend rows for the zone types present and, if ``with_em``, the EM outline.

    >>> page = zone_legend_html(sorted(ZONE_TYPES)[:1], True, "en")
    >>> page.count('class="povmap-ov-row"'), 'data-zone-type="em"' in page
    (2, True)
    """
    rows = []
    for key in zone_types:
        label = ZONE_TYPES[key].label(lang)
        style = zone_style(key)
        rows.append(f'<div class="povmap-ov-row" data-zone-type="{html.escape(key)}">'
                    f'{_swatch(str(style.get("color", "#333")), str(style.get("dashArray")))}'
                    f' {html.escape(label)}</div>')
    if with_em:
        rows.append(f'<div class="povmap-ov-row" data-zone-type="em">'
                    f'{_swatch(str(EM_STYLE["color"]), str(EM_STYLE["dashArray"]))} '
                    f'{html.escape(_EM.text(lang))}</div>')
    return (f'<div class="povmap-overlay-legend" style="font-size:0.85rem;line-height:1.6">'
            f'<strong class="povmap-fold-title">{html.escape(_TITLE.text(lang))}</strong>'
            f'{"".join(rows)}</div>')
