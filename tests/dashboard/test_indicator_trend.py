"""指标 page: an indicator without a target shows Open SDG's trend status for the
region chosen, a negative series included (issue 20 item 6)."""

from __future__ import annotations

from collections.abc import Iterator

import dash
import pytest
from flask.testing import FlaskClient

from config.settings import load_settings
from dashboard.app import create_app
from db import models
from db.session import make_engine, make_session_factory, transaction
from tests.helpers import indicator_tab, layout

SERIES = {
    # 重庆市 port container throughput (no plan sets a target): 100 → 130 in three
    # years, +9.1 % a year → 符合进度
    ("port_container_throughput", "500000"): [("2020", 100.0), ("2023", 130.0)],
    # a negative growth series: −2 % → −3 %; higher is better, the magnitude grew
    # (+14.47 % a year), sign −1 × direction +1 → −14.47 % → 偏离 (not 数据不足)
    ("gdp_growth", "510100"): [("2020", -2.0), ("2023", -3.0)],
    # 成都 good-air days ratio (targets are set for other scopes only): 90 → 92 % is
    # +0.735 % a year, moderate; near its limit of 100 the cut-offs shrink by 0.374 → on track
    ("good_air_days_ratio", "510100"): [("2020", 90.0), ("2023", 92.0)],
    # a target region: the status of its targets, no trend
    ("gdp", "chuannan_yuxi"): [("2020", 100.0), ("2023", 90.0)],
}


@pytest.fixture(scope="module")
def app(module_ready_url: str) -> Iterator[dash.Dash]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        for (indicator, region), points in SERIES.items():
            unit = session.get(models.Indicator, indicator).unit
            for period, value in points:
                session.add(
                    models.Observation(
                        indicator_id=indicator,
                        region_code=region,
                        period=period,
                        layer="reported",
                        value=value,
                        unit=unit,
                    )
                )
    yield create_app(load_settings({}), factory)
    engine.dispose()


@pytest.fixture(scope="module")
def client(app: dash.Dash) -> FlaskClient:
    return app.server.test_client()


def _children(
    client: FlaskClient, indicator: str, region: str, lang: str = "", tab: str = "chart"
) -> object:
    return indicator_tab(client, indicator, region, tab, lang)[0]


def body(
    client: FlaskClient, indicator: str, region: str, lang: str = "", tab: str = "chart"
) -> str:
    return str(_children(client, indicator, region, lang, tab))


def trend_of(client: FlaskClient, indicator: str, region: str, lang: str = "") -> str:
    """The text of the trend line (id ind-trend), '' when the page has none."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "ind-trend":
                found.append(str(node))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(_children(client, indicator, region, lang))
    return found[0] if found else ""


def test_itr001_a_no_target_indicator_opens_and_shows_its_trend(
    app: dash.Dash, client: FlaskClient
) -> None:
    page = layout(app, "/indicator", id="port_container_throughput")
    assert "港口集装箱吞吐量（万标箱，无目标）" in page
    assert "没有编号为" not in page
    shown = trend_of(client, "port_container_throughput", "500000")
    assert "无目标值，按趋势评估" in shown
    assert "符合进度" in shown and "+9.14%" in shown
    english = trend_of(client, "port_container_throughput", "500000", "?lang=en")
    assert "No target; judged on its trend" in english and "on track" in english


def test_itr002_a_negative_series_gets_a_verdict_not_insufficient_data(
    client: FlaskClient,
) -> None:
    shown = trend_of(client, "gdp_growth", "510100")
    assert "偏离" in shown and "-14.47%" in shown and "数据不足" not in shown


def test_itr003_a_region_with_targets_shows_no_trend(client: FlaskClient) -> None:
    assert trend_of(client, "gdp", "chuannan_yuxi") == ""
    assert "ind-trend" not in body(client, "gdp", "chuannan_yuxi")


def test_itr004_the_2035_goal_stands_beside_the_indicator_without_a_verdict(
    client: FlaskClient,
) -> None:
    shown = body(client, "gdp", "ccec", tab="definition")
    assert "到2035年，建成实力雄厚、特色鲜明的双城经济圈" in shown
    assert "远景目标（不评估）" in shown
    english = body(client, "gdp", "ccec", "?lang=en", tab="definition")
    assert "vision (not assessed)" in english


def test_itr005_cut_offs_shrink_near_the_indicators_limit(client: FlaskClient) -> None:
    shown = trend_of(client, "good_air_days_ratio", "510100")
    assert "符合进度" in shown and "+0.74%" in shown and "乘以 0.374" in shown
