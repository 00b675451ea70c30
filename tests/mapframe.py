"""Read the boxes a map carries into its frame (title, legend, stamp) without a browser.

The dashboard's maps are ``st_folium`` components; their swapped feature groups carry
``povmap.frameControls(group, [{position, kind, html, fold}, …])`` calls
(:class:`povmaps.choropleth.FrameControls`). AppTest sees the component's arguments,
so the tests read the boxes from there, as the browser's ``choropleth.js`` would.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

_CALL = re.compile(r"povmap\.frameControls\(\w+, (.*)\);$", re.MULTILINE)


def frame_specs(script: str) -> list[dict[str, Any]]:
    """Every box spec in a rendered feature-group script, in order."""
    return [spec for raw in _CALL.findall(script) for spec in json.loads(raw)]


def map_frame(at: Any) -> dict[str, str]:
    """Boxes of the page's one ``st_folium`` map: kind → markup."""
    (args,) = [json.loads(e.proto.json_args) for e in at.get("component_instance")
               if e.proto.component_name.endswith("st_folium")]
    boxes: dict[str, str] = {}
    for spec in frame_specs(args["feature_group"]):
        assert spec["kind"] not in boxes, f"two {spec['kind']} boxes on one map"
        boxes[spec["kind"]] = spec["html"]
    return boxes


def texts(markup: str, css_class: str) -> list[str]:
    """Unescaped texts of the elements of class ``css_class`` (inner tags dropped).

    >>> texts('<div class="a"><span class="k">K: </span>1 &lt; 2</div>', "a")
    ['K: 1 < 2']
    """
    found = re.findall(rf'<(\w+) class="{re.escape(css_class)}"[^>]*>(.*?)</\1>', markup)
    return [html.unescape(re.sub(r"<[^>]+>", "", text)) for _, text in found]
