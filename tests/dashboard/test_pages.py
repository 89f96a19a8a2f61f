"""The pages' server side over one full database (catalogue, sample data,
snapshots): what each page and callback returns, in both languages, and the
callback endpoint answering a crafted request as the browser would send it."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator

import dash
import pandas as pd
import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from config.settings import load_settings
from dashboard.app import create_app
from db.progress import snapshots_frame
from db.session import make_engine, make_session_factory
from tests.helpers import callback, layout


@pytest.fixture(scope="module")
def app(module_full_url: str) -> Iterator[dash.Dash]:
    engine = make_engine(module_full_url)
    factory = make_session_factory(engine)
    yield create_app(load_settings({}), factory)
    engine.dispose()


@pytest.fixture(scope="module")
def snapshots(module_full_url: str) -> pd.DataFrame:
    engine = make_engine(module_full_url)
    with make_session_factory(engine)() as session:
        frame = snapshots_frame(session)
    engine.dispose()
    return frame


@pytest.fixture(scope="module")
def client(app: dash.Dash) -> FlaskClient:
    return app.server.test_client()


def test_pag001_home_has_a_card_per_headline_indicator_in_both_languages(app: dash.Dash) -> None:
    zh = layout(app, "/")
    en = layout(app, "/", lang="en")
    assert zh.count("headline-card") == en.count("headline-card") >= 8
    assert "年目标：" in zh and "target:" in en
    assert "data:image/svg+xml;base64," in zh  # sparklines
    assert "与上期相比" in zh and "Since the previous period" in en


def _home_map(client: FlaskClient, mode: str, indicator: str, search: str) -> dict:
    """The 总览 map callback's answer, as the browser would get it."""
    return callback(
        client,
        "..home-map.figure...home-share.href..",
        [
            {"id": "home-map-mode", "property": "value", "value": mode},
            {"id": "home-map-indicator", "property": "value", "value": indicator},
        ],
        [{"id": "url", "property": "search", "value": search}],
    )


def test_pag002_map_callback_colours_units_by_value_with_the_unit(client: FlaskClient) -> None:
    response = _home_map(client, "value", "gdp", "?lang=en")
    figure = response["home-map"]["figure"]
    trace = figure["data"][0]
    assert trace["type"] == "choropleth" and trace["geojson"] == "/geo/circle.geojson"
    assert len(trace["locations"]) == len(trace["z"]) >= 10
    assert trace["colorbar"]["title"]["text"] == "100 million yuan"
    assert response["home-share"]["href"] == "/?map=gdp&mode=value&lang=en"


def test_pag003_status_map_names_every_colour(client: FlaskClient) -> None:
    response = _home_map(client, "status", "urbanization_rate", "")
    names = [t["name"] for t in response["home-map"]["figure"]["data"]]
    assert names and "无目标" not in names[:-1]
    assert all(
        n in {"已完成", "达到时序进度", "滞后于时序进度", "未完成", "数据不足", "无目标"}
        or n.startswith("无本地目标（属")  # units under a wider scope's target, named
        for n in names
    )


def test_pag009_status_map_colours_no_unit_by_a_wider_scopes_target(client: FlaskClient) -> None:
    """机场货邮吞吐量 has targets for the circle and for 重庆市 as a whole only: no
    district or city is painted in a status colour (all of 四川 read "missed");
    they are drawn as under those targets, the legend and hover say whose."""
    response = _home_map(client, "status", "airport_cargo_throughput", "")
    figure = response["home-map"]["figure"]
    by_name = {t["name"]: t for t in figure["data"]}
    covered = by_name.pop("无本地目标（属重庆市、成渝地区双城经济圈的目标）")
    assert set(by_name) <= {"无目标"}  # no unit in a status colour
    assert "510100" in covered["locations"] and "500101" in covered["locations"]
    hover = dict(zip(covered["locations"], covered["text"], strict=True))
    assert "本地没有该指标的目标；属成渝地区双城经济圈的目标范围" in hover["510100"]
    assert "属重庆市的目标范围" in hover["500101"]  # the narrowest wider target
    assert "机场货邮吞吐量：各地自身目标的进展" in figure["layout"]["title"]["text"]


def test_pag013_value_map_shows_no_airport_where_there_is_none(client: FlaskClient) -> None:
    """The 示例数据 split the circle's 机场货邮吞吐量 over all its districts and cities,
    so the map by value coloured 渝中区, 内江 and 资阳 as if each had an airport: a
    facility measure stays with the grouping, and they have no figure (无数据)."""
    response = _home_map(client, "value", "airport_cargo_throughput", "")
    figure = response["home-map"]["figure"]
    coloured, *blank = figure["data"]
    assert not set(coloured["locations"]) & {"500103", "511000", "512000"}, coloured
    # drawn pale grey, named 无数据 in the legend and the hover: the whole circle shows
    (grey,) = blank
    assert grey["name"] == "无数据" and not grey["showscale"]
    assert {"500103", "511000", "512000"} <= set(grey["locations"])
    assert not set(grey["locations"]) & set(coloured["locations"])
    assert grey["text"][grey["locations"].index("511000")] == "<b>内江市</b><br>无数据"
    gdp = _home_map(client, "value", "gdp", "")["home-map"]["figure"]["data"][0]
    assert "511000" in gdp["locations"]  # 内江's share of 川南渝西's GDP: a territorial total


def test_pag004_region_scorecard_lists_every_target_of_the_region(
    app: dash.Dash, snapshots: pd.DataFrame
) -> None:
    expected = int((snapshots.scope_code == "cq_central_urban").sum())
    html = layout(app, "/region", code="cq_central_urban")
    assert html.count("/targets?target=") == expected > 0
    compared = layout(app, "/region", code="510100", compare="cq_central_urban")
    assert "region-aligned" in compared and "成都市" in compared
    assert "没有代码为 nowhere 的地区" in layout(app, "/region", code="nowhere")


def test_pag005_outlook_filters_by_symbol(client: FlaskClient) -> None:
    response = callback(
        client,
        "..outlook-body.children...outlook-share.href..",
        [
            {"id": "outlook-pillar", "property": "value", "value": None},
            {"id": "outlook-scope", "property": "value", "value": "ccec"},
            {"id": "outlook-year", "property": "value", "value": None},
            {"id": "outlook-symbol", "property": "value", "value": "sun"},
            {"id": "outlook-include-due", "property": "value", "value": True},
        ],
        [{"id": "url", "property": "search", "value": ""}],
    )
    text = json.dumps(response["outlook-body"]["children"], ensure_ascii=False)
    assert "/assets/weather/sun.svg" in text
    assert "thunderstorm.svg" not in text.split("outlook-table")[1]
    assert response["outlook-share"]["href"] == "/outlook?scope=ccec&symbol=sun&due=1"


def test_pag006_report_workbook_has_every_target_and_the_sample_warning(
    client: FlaskClient, snapshots: pd.DataFrame
) -> None:
    response = callback(
        client,
        "report-download.data",
        [{"id": "report-xlsx", "property": "n_clicks", "value": 1}],
        [
            {"id": "report-scope", "property": "value", "value": None},
            {"id": "url", "property": "search", "value": "?lang=en"},
        ],
    )
    data = response["report-download"]["data"]
    assert data["filename"] == "progress-report-ccec-2025.xlsx"
    book = load_workbook(io.BytesIO(base64.b64decode(data["content"])))
    assert book.sheetnames == [  # the report's order, then every target
        "About",
        "By region",
        "Largest gaps",
        "Status by pillar",
        "Headline targets",
        "Off track",
        "Appendix - other",
        "All targets",
    ]
    assert "示例数据" in str(book["About"]["A2"].value)
    all_targets = book["All targets"]
    header = [c.value for c in all_targets[1]]
    # every target once: one set in several plans is one row naming all its ids and plans
    ids = [
        i
        for row in all_targets.iter_rows(min_row=2, values_only=True)
        for i in row[header.index("Target id")].split("、")
    ]
    assert sorted(ids) == sorted(snapshots.target_id) and all_targets.max_row - 1 < len(ids)
    statuses = {
        row[header.index("Status")] for row in all_targets.iter_rows(min_row=2, values_only=True)
    }
    assert statuses <= {  # the five words of plan evaluation
        "achieved",
        "on schedule",
        "behind schedule",
        "not achieved",
        "insufficient data",
    }
    off = book["Off track"]
    off_header = [c.value for c in off[1]]
    off_rows = list(off.iter_rows(min_row=2, values_only=True))
    off_statuses = {row[off_header.index("Status")] for row in off_rows}
    assert off_statuses and off_statuses <= {"behind schedule", "not achieved"}
    # ranked as the report: headline targets first, then the largest gap (share of target)
    headline = dict(zip(snapshots.target_id, snapshots.headline.astype(bool), strict=True))
    flags = [headline[row[off_header.index("Target id")].split("、")[0]] for row in off_rows]
    assert flags == sorted(flags, reverse=True) and any(flags) and not all(flags)
    shares = [
        row[off_header.index("Gap / target (%)")]
        for row, flag in zip(off_rows, flags, strict=True)
        if not flag
    ]
    sized = [v for v in shares if v is not None and v == v]
    assert sized == sorted(sized, reverse=True) and shares[: len(sized)] == sized
    assert [row[0] for row in off_rows] == list(range(1, len(off_rows) + 1))
    appendix = book["Appendix - other"].max_row - 1
    assert appendix + len(off_rows) == all_targets.max_row - 1


def test_pag007_targets_page_opens_one_target_with_its_sentence(app: dash.Dash) -> None:
    html = layout(app, "/targets", target="outline-014")
    assert "targets-source-card" in html and "66%" in html
    assert "《成渝地区双城经济圈建设规划纲要》 · 第二章 第四节 发展目标" in html
    assert "原文第" not in html  # no line numbers of the project's compilation


def test_pag008_geojson_is_served_by_the_app(client: FlaskClient) -> None:
    response = client.get("/geo/circle.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert len(response.get_json()["features"]) > 60


def test_pag010_a_target_of_several_plans_is_one_row_on_region_naming_its_plans(
    app: dash.Dash,
) -> None:
    """中心城市间1小时通达 (≤1小时, 2025, the circle) is set by 纲要, 碳达峰 and the joint
    implementation plan: one row on 地区, its plans named and linked."""
    page = layout(app, "/region", code="ccec")
    assert page.count("target=outline-023") == 2  # the row's target and its plan link
    assert page.count("target=carbon_peak-003") == 1
    assert page.count("target=joint_implementation-001") == 1
    assert "同一目标见于 3 个规划：" in page


def _node(tree: object, wanted: str) -> dict | None:
    """The component with id ``wanted`` in a page's JSON tree."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == wanted:
            return tree
        tree = tree.get("props", {}).get("children")
    if isinstance(tree, list):
        for child in tree:
            found = _node(child, wanted)
            if found is not None:
                return found
    elif isinstance(tree, dict):
        return _node(tree, wanted)
    return None


def test_pag011_a_city_shows_what_it_reports_and_the_wider_targets_it_counts_in(
    app: dash.Dash,
) -> None:
    """成都 has two targets of its own (both about consumption) and reports GDP and
    urbanisation: 地区 lists its figures and the circle's targets they count towards."""
    page = json.loads(layout(app, "/region", code="510100"))
    reported = json.dumps(_node(page, "region-reported"), ensure_ascii=False)
    for name in ("地区生产总值", "常住人口城镇化率"):
        assert name in reported
    assert "/indicator?id=gdp&region=510100" in reported  # its own series, a click away
    covering = json.dumps(_node(page, "region-covering"), ensure_ascii=False)
    assert "成渝地区双城经济圈：" in covering and "个目标，本地有数据的" in covering
    assert "状态是整个范围的，不是本地的" in covering
    english = layout(app, "/region", code="510100", lang="en")
    assert "Indicators reported for this region" in english
    assert "Targets of the wider areas it lies in" in english
    assert "region-covering" not in layout(app, "/region", code="ccec")  # nothing wider


def test_pag012_compare_puts_one_indicator_on_one_row(app: dash.Dash) -> None:
    """成都 (2 targets) beside 重庆中心城区 (10): one table, one row per indicator, a
    column per region, "—" where a region has no figure."""
    page = json.loads(layout(app, "/region", code="510100", compare="cq_central_urban"))
    table = _node(page, "region-aligned")
    header = [
        c["props"]["children"]
        for c in table["props"]["children"][0]["props"]["children"]["props"]["children"]
    ]
    assert header == ["指标", "成都市", "重庆中心城区"]
    rows = [
        r["props"]["children"]
        for r in table["props"]["children"][1]["props"]["children"]
        if isinstance(r["props"]["children"], list)  # not a pillar's heading (one Th)
    ]
    links = [r[0]["props"]["children"]["props"]["href"] for r in rows]
    assert len(links) == len(set(links)) > 10  # each indicator once
    assert all(len(r) == 3 for r in rows)
    by_link = {link: json.dumps(r, ensure_ascii=False) for link, r in zip(links, rows, strict=True)}
    road = by_link["/indicator?id=urban_road_length"]
    assert "—" in road and "公里（20" in road and "年目标" in road  # 成都 none, 重庆 its target
    brands = by_link["/indicator?id=international_brand_presence_rate"]
    assert "%（2025）" in brands and "2025年目标 90%" in brands


def test_pag014_a_latest_figure_published_as_a_bound_reads_as_one(
    app: dash.Dash, snapshots: pd.DataFrame
) -> None:
    """A snapshot whose latest figure was published as a bound ("超5000列", a Jan–Oct
    total standing for its year) says so (latest_bound), and 地区's scorecard writes
    "≥X（year，下限）" for it where it wrote the number alone, read as the year's figure."""
    bounded = snapshots[snapshots.latest_bound == "lower"]
    assert not bounded.empty  # the shipped published layer decides targets on lower bounds
    assert set(snapshots.latest_bound.dropna()) <= {"lower", "upper"}
    assert all("下限" in note for note in bounded.note)  # the assessment's own note agrees
    scope = bounded.scope_code.value_counts().index[0]
    text = layout(app, "/region", code=scope)
    mine = bounded[bounded.scope_code == scope]
    assert text.count("，下限）") >= len(mine)
    assert "≥" in text
    plain = snapshots[snapshots.latest_bound.isna() & snapshots.latest_value.notna()]
    assert not plain.empty  # most figures are values: no sign, no word
    english = layout(app, "/region", code=scope, lang="en")
    assert english.count(", lower bound)") >= len(mine)
