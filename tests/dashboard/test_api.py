from __future__ import annotations

from collections.abc import Iterator

import dash
import pytest
from flask.testing import FlaskClient

from config.settings import load_settings
from dashboard.app import create_app
from db.session import make_engine, make_session_factory
from tests.helpers import layout


@pytest.fixture(scope="module")
def app(module_full_url: str) -> Iterator[dash.Dash]:
    """One app over one fully set-up database (catalogue, sample, snapshots) per module."""
    engine = make_engine(module_full_url)
    factory = make_session_factory(engine)
    yield create_app(load_settings({}), factory)
    engine.dispose()


@pytest.fixture(scope="module")
def client(app: dash.Dash) -> FlaskClient:
    return app.server.test_client()


def test_api001_regions_lists_every_region_and_grouping(client: FlaskClient) -> None:
    body = client.get("/api/v1/regions").get_json()
    by_code = {r["code"]: r for r in body["regions"]}
    assert body["count"] == len(by_code) > 80
    assert by_code["510100"]["name_zh"] == "成都市"
    assert by_code["510700"]["partial"] is True
    assert by_code["510700"]["excludes"] == ["510727", "510726"]
    assert by_code["ccec_cq"]["level"] == "province_part"
    assert {"code": "500154", "partial": True} in by_code["ccec_cq"]["members"]
    assert by_code["wandakai"]["source"]["plan"] == "wandakai"


@pytest.mark.parametrize("name", ["成都", "成都市", "Chengdu", "510100"])
def test_api002_name_query_resolves_any_spelling(client: FlaskClient, name: str) -> None:
    assert client.get("/api/v1/regions", query_string={"name": name}).get_json()["code"] == "510100"


def test_api003_unknown_name_is_a_404_with_a_chinese_message(client: FlaskClient) -> None:
    response = client.get("/api/v1/regions", query_string={"name": "成度"})
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"].startswith("未知地区“成度”")
    assert "成都市" in body["suggestions"]


def test_api004_regions_page_renders_in_chinese(app: dash.Dash, client: FlaskClient) -> None:
    """The HTML shell is the same for every path (Dash draws the page in the browser), so
    the page itself is the layout registered at /regions: the areas and groupings, in Chinese."""
    response = client.get("/regions")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.get_data(as_text=True)
    page = layout(app, "/regions")
    assert "地区与区域组合" in page and "区域组合" in page
    assert '"id": "regions-grouping"' in page and "万达开" in page  # a grouping to choose


def test_api005_targets_carry_their_provenance(client: FlaskClient) -> None:
    body = client.get("/api/v1/targets", query_string={"plan": "outline", "year": 2025}).get_json()
    urbanisation = next(t for t in body["targets"] if t["indicator_id"] == "urbanization_rate")
    assert urbanisation["value"] == 66 and urbanisation["comparator"] == "about"
    assert urbanisation["provenance"]["plan_title"] == "成渝地区双城经济圈建设规划纲要"
    assert urbanisation["provenance"]["quote"] == "常住人口城镇化率达到66%左右"
    assert urbanisation["provenance"]["seed_line"] == 235


def test_api006_targets_filter_by_scope_spelling_and_headline(client: FlaskClient) -> None:
    body = client.get(
        "/api/v1/targets", query_string={"scope": "万达开", "headline": "0"}
    ).get_json()
    assert body["count"] > 0
    assert {t["scope_code"] for t in body["targets"]} == {"wandakai"}
    assert not any(t["headline"] for t in body["targets"])


def test_api007_bad_target_filters_get_chinese_errors(client: FlaskClient) -> None:
    assert client.get("/api/v1/targets?year=二〇二五").get_json()["error"].startswith("参数 year")
    assert client.get("/api/v1/targets?scope=火星").status_code == 404


def test_api008_indicators_list_definitions(client: FlaskClient) -> None:
    body = client.get("/api/v1/indicators").get_json()
    rd = next(i for i in body["indicators"] if i["id"] == "rd_intensity")
    assert rd["aggregation"] == "ratio" and rd["numerator_id"] == "rd_spending"
    assert rd["denominator_id"] == "gdp" and rd["headline"] is True
    assert rd["definition"] == "研究与试验发展经费支出占地区生产总值的比重"
    assert rd["definition_en"] == (  # stored from indicators.yaml (issue 18, item 9)
        "R&D expenditure as a share of gross regional product (R&D expenditure intensity)"
    )


def test_api009_progress_results_carry_status_and_inputs(client: FlaskClient) -> None:
    body = client.get("/api/v1/progress").get_json()
    assert body["count"] > 300
    row = body["results"][0]
    assert row["status_zh"] and row["inputs_digest"] and row["computed_at"]
    urban = client.get("/api/v1/progress", query_string={"target": "outline-014"}).get_json()
    assert urban["count"] == 1 and urban["results"][0]["indicator_id"] == "urbanization_rate"
    assert urban["results"][0]["layer"] == "sample"


def test_api010_progress_filters_by_region_spelling_and_rejects_bad_years(
    client: FlaskClient,
) -> None:
    body = client.get("/api/v1/progress", query_string={"region": "重庆"}).get_json()
    assert body["count"] > 0 and {r["scope_code"] for r in body["results"]} == {"500000"}
    assert client.get("/api/v1/progress?as_of=去年").status_code == 400
    assert client.get("/api/v1/progress?as_of=1990").get_json()["count"] == 0
