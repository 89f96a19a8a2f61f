"""指标 in Open SDG's shape (issue 18 item 5): chart, table, map and definition tabs
for one region, the circle unless another is chosen; the table only the chosen
region's figures in the indicator's unit; each target's star at its value in the
series' unit; the map the one 总览 draws by value."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from flask.testing import FlaskClient

from config.settings import load_settings
from dashboard.app import create_app
from db.catalogue import indicators_frame, targets_frame
from db.observations import current_observations
from db.session import make_engine, make_session_factory
from indicators.catalogue import CHINESE_TEXT
from indicators.formatting import measured, series_decimals
from tests.helpers import callback, indicator_tab, layout
from workflows.first_run import ensure_ready

# the tabs of dashboard.pages.indicator (a page module is imported by the app only)
TABS = ("chart", "table", "map", "definition")


@pytest.fixture(scope="module")
def world(module_db_url: str) -> Iterator[dict[str, Any]]:
    engine = make_engine(module_db_url)
    factory = make_session_factory(engine)
    ensure_ready(engine, factory)
    app = create_app(load_settings({}), factory)
    yield {"app": app, "client": app.server.test_client(), "factory": factory}
    engine.dispose()


def show(
    client: FlaskClient, indicator: str, region: str | None, tab: str, lang: str = ""
) -> tuple[dict[str, Any], str]:
    return indicator_tab(client, indicator, region, tab, lang)


def find(node: Any, wanted: str) -> dict[str, Any] | None:
    """The component with id ``wanted`` in a callback's answer, or None."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == wanted:
            return node
        children = node.get("props", {}).get("children")
        return find(children, wanted) if children is not None else None
    if isinstance(node, list):
        for child in node:
            found = find(child, wanted)
            if found is not None:
                return found
    return None


def numbers(column: Any) -> list[float]:
    """A figure's x or y: a list, or plotly's typed array ({"dtype", "bdata"} in base64)."""
    if isinstance(column, dict):
        raw = base64.b64decode(column["bdata"])
        return [float(v) for v in np.frombuffer(raw, dtype=np.dtype(column["dtype"]))]
    return [float(v) for v in column]


def texts(node: Any) -> list[str]:
    """Every string in a component tree, in order."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return texts(node.get("props", {}).get("children"))
    if isinstance(node, list):
        return [s for child in node for s in texts(child)]
    return []


def test_itb001_the_page_opens_on_the_circle_with_four_tabs_in_both_languages(world) -> None:
    for lang, labels in (("zh", ["图表", "表格", "地图", "定义与目标"]), ("en", None)):
        page = layout(world["app"], "/indicator", id="gdp", lang=lang)
        assert '"value": "ccec"' in page  # the region chosen: the whole circle
        for tab in TABS:
            assert f'"tab_id": "{tab}"' in page
        assert '"active_tab": "chart"' in page
        for label in labels or ["Chart", "Table", "Map", "Definition"]:
            assert f'"label": "{label}"' in page
    # a region the indicator has no figures or targets for: back to the circle
    assert '"value": "ccec"' in layout(world["app"], "/indicator", id="gdp", region="nowhere")
    assert '"active_tab": "map"' in layout(world["app"], "/indicator", id="gdp", tab="map")


@pytest.mark.parametrize("lang", ["", "?lang=en"])
def test_itb002_each_tab_renders_its_parts(world, lang: str) -> None:
    client = world["client"]
    parts = {
        "chart": ["ind-chart", "ind-statuses"],
        "table": ["ind-table"],
        "map": ["ind-map", "ind-map-note", "ind-ranking"],
        "definition": ["ind-definition", "ind-sentences"],
    }
    for tab, ids in parts.items():
        body, share = show(client, "gdp", "cq_main_urban_metro", tab, lang)
        assert body["props"]["id"] == f"ind-tab-{tab}"
        for wanted in ids:
            assert find(body, wanted) is not None, (tab, wanted)
        assert ("tab=" in share) is (tab != "chart")  # the link opens the same tab
        assert "region=cq_main_urban_metro" in share


def test_itb003_the_table_holds_the_chosen_regions_figures_only_formatted(world) -> None:
    with world["factory"]() as session:
        figures = current_observations(session, "gdp")
        targets = targets_frame(session)
    targets = targets[targets.indicator_id == "gdp"]
    decimals = series_decimals(
        "亿元", zip(targets.value, targets.unit, targets.kind, strict=True), figures.value
    )
    chongqing = figures[figures.region_code == "500000"]
    others = figures[figures.region_code != "500000"]
    body, _ = show(world["client"], "gdp", "500000", "table")
    table = find(body, "ind-table")
    assert table is not None
    rows = table["props"]["children"][1]["props"]["children"]
    assert len(rows) == len(chongqing) > 3
    shown = [texts(row) for row in rows]
    expected = [
        [period, measured(value, "亿元", decimals)]
        for period, value in sorted(zip(chongqing.period, chongqing.value, strict=True))
    ]
    assert [row[:2] for row in shown] == expected  # "33,758亿元": the unit and decimals
    foreign = {measured(v, "亿元", decimals) for v in others.value} - {e[1] for e in expected}
    assert foreign and not foreign & {row[1] for row in shown}


def test_itb004_the_target_star_stands_at_the_targets_value_in_the_series_unit(world) -> None:
    """重庆主城都市区's GDP target is 3万亿元; the series is in 亿元: the star at 30,000."""
    body, _ = show(world["client"], "gdp", "cq_main_urban_metro", "chart")
    figure = find(body, "ind-chart")["props"]["figure"]
    stars = [trace for trace in figure["data"] if trace.get("name") == "规划目标"]
    assert len(stars) == 1
    assert numbers(stars[0]["y"]) == [30000.0] and numbers(stars[0]["x"]) == [2027]
    assert stars[0]["text"] == ["≥30,000亿元"]
    actual = next(trace for trace in figure["data"] if trace.get("name") == "实际值")
    assert 10_000 < max(numbers(actual["y"])) < 30_000  # the same scale: 亿元, not 万亿元


def test_itb005_the_map_tab_is_the_value_map_of_the_overview(world) -> None:
    client = world["client"]
    body, _ = show(client, "gdp", "ccec", "map")
    mine = find(body, "ind-map")["props"]["figure"]
    home = callback(
        client,
        "..home-map.figure...home-share.href..",
        [
            {"id": "home-map-mode", "property": "value", "value": "value"},
            {"id": "home-map-indicator", "property": "value", "value": "gdp"},
        ],
        [{"id": "url", "property": "search", "value": ""}],
    )["home-map"]["figure"]
    (trace, *_), (overview, *_) = mine["data"], home["data"]  # then the units without a figure
    assert trace["type"] == "choropleth" and trace["locations"] == overview["locations"]
    assert trace["z"] == overview["z"] and len(trace["locations"]) >= 10
    assert trace["colorbar"]["tickformat"] == ",~r"  # 20,000, never "20k"
    chengdu = trace["text"][trace["locations"].index("510100")]
    assert "<b>成都市</b><br>20" in chengdu and chengdu.endswith("亿元")
    note = " ".join(texts(find(body, "ind-map-note")))
    assert "最新年度值" in note and f"{len(trace['locations'])} 个地区" in note


def test_itb006_the_definition_tab_says_what_and_where_the_targets_come_from(world) -> None:
    client = world["client"]
    body, _ = show(client, "urbanization_rate", "510100", "definition")
    shown = " ".join(texts(body))
    with world["factory"]() as session:
        indicator = indicators_frame(session).set_index("id").loc["urbanization_rate"]
    for fact in (indicator.definition, "单位", "%", "来源", indicator.source, "方向", "越高越好"):
        assert fact in shown, fact
    assert "常住人口城镇化率达到66%左右" in shown and "《成渝地区双城经济圈建设规划纲要》" in shown
    # the catalogue's English definition (definition_en) is what English readers get
    body, _ = show(client, "urbanization_rate", "510100", "definition", "?lang=en")
    english = " ".join(texts(find(body, "ind-definition")))
    assert indicator.definition_en in english and indicator.definition not in english
    assert "Urban resident population as a share" in english and "higher is better" in english
    # and the body that publishes it (source_en), not the Chinese name
    assert indicator.source_en and indicator.source_en in english
    assert indicator.source not in english and not CHINESE_TEXT.search(english)


def test_itb007_choosing_another_indicator_keeps_the_region_or_returns_to_the_circle(
    world,
) -> None:
    def regions_for(indicator: str, current: str) -> Any:
        return callback(
            world["client"],
            "..ind-region.options...ind-region.value..",
            [{"id": "ind-indicator", "property": "value", "value": indicator}],
            [
                {"id": "ind-region", "property": "value", "value": current},
                {"id": "url", "property": "search", "value": ""},
            ],
        )["ind-region"]

    kept = regions_for("gdp", "500000")
    assert kept["value"] == "500000" and kept["options"][0]["value"] == "ccec"
    assert regions_for("gdp", "nowhere")["value"] == "ccec"
