"""Systems send files with a token; the answer is the validation report."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from config.settings import load_settings
from dashboard.app import create_app
from db.models import AuditEvent
from db.session import make_engine, make_session_factory, transaction
from db.users import create_token, create_user, revoke_token

CSV = "地区,指标,期间,数值,单位,备注\n{}\n"


@pytest.fixture(scope="module")
def world(module_ready_url: str) -> Iterator[tuple[FlaskClient, dict[str, str]]]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    tokens = {}
    with transaction(factory) as session:
        create_user(session, "cq", "password-1234", "reporter", regions=["500000"])
        create_user(session, "office", "password-1234", "reviewer")
        tokens["cq"] = create_token(session, "cq", "重庆统计平台")
        tokens["cq-direct"] = create_token(session, "cq", "重庆直报系统", trusted=True)
        tokens["office"] = create_token(session, "office", "联合办公室")
        tokens["revoked"] = create_token(session, "office", "旧令牌")
    with transaction(factory) as session:
        from db.models import ApiToken

        revoke_token(session, session.query(ApiToken).filter_by(name="旧令牌").one().id)
    yield create_app(load_settings({}), factory).server.test_client(), tokens
    engine.dispose()


def post(client: FlaskClient, token: str | None, body: str, name: str = "data.csv", **form):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = {"file": (io.BytesIO(body.encode("utf-8")), name), **form}
    return client.post(
        "/api/v1/submissions", data=data, headers=headers, content_type="multipart/form-data"
    )


def test_apii001_a_token_is_required_and_revocable(world) -> None:
    client, tokens = world
    assert (
        post(client, None, CSV.format("重庆市,地区生产总值,2020年,25002.79,亿元,")).status_code
        == 401
    )
    assert (
        post(
            client, tokens["revoked"], CSV.format("重庆市,地区生产总值,2020年,1,亿元,")
        ).status_code
        == 401
    )


def _uploads(client: FlaskClient) -> dict[str, tuple[str, str, str]]:
    """The ``upload`` audit events: file → (who, channel, outcome)."""
    factory = client.application.extensions["ccec_monitor"]["session_factory"]
    with factory() as session:
        return {
            e.after["filename"]: (e.actor, e.after["channel"], e.after["status"])
            for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "upload"))
        }


def test_apii002_a_reporter_sends_for_its_own_region_only_and_waits_for_review(world) -> None:
    """One workflow for every channel: a reporter's token is a reporter's upload."""
    client, tokens = world
    ok = post(
        client,
        tokens["cq"],
        CSV.format("重庆市,地区生产总值,2020年,25002.79,亿元,"),
        name="cq-2020.csv",
    )
    body = ok.get_json()
    assert ok.status_code == 202 and (body["status"], body["status_zh"]) == ("pending", "待审核")
    assert "inserted" not in body["report"] and body["report"]["rows"] == 1
    gdp = client.get(
        "/api/v1/observations",
        query_string={"indicator": "gdp", "region": "重庆", "from": "2020年"},
    ).get_json()
    assert gdp["observations"] == []  # nothing imported until a reviewer approves
    assert _uploads(client)["cq-2020.csv"] == ("cq", "api", "pending")
    refused = post(client, tokens["cq"], CSV.format("成都市,地区生产总值,2020年,17716.7,亿元,"))
    assert refused.status_code == 422
    assert refused.get_json()["report"]["problems"][0]["message"] == "您无权报送“成都市”的数据"


def test_apii006_a_trusted_system_token_imports_at_once(world) -> None:
    client, tokens = world
    direct = post(
        client,
        tokens["cq-direct"],
        CSV.format("重庆市,地区生产总值,2019年,23605.77,亿元,"),
        name="cq-direct-2019.csv",
    )
    assert direct.status_code == 201, direct.get_json()
    assert direct.get_json()["status"] == "imported"
    assert direct.get_json()["report"]["inserted"] == 1
    assert _uploads(client)["cq-direct-2019.csv"] == ("cq", "api", "imported")
    # a trusted token is still bound to its account's regions
    other = post(client, tokens["cq-direct"], CSV.format("成都市,地区生产总值,2019年,1,亿元,"))
    assert other.status_code == 422


def test_apii003_observations_come_back_with_status_and_source(world) -> None:
    client, tokens = world
    post(
        client,
        tokens["office"],
        CSV.format("成都市,地区生产总值,2021年,19900,亿元,"),
        name="cd.csv",
        vintage="final",
    )
    body = client.get(
        "/api/v1/observations",
        query_string={"indicator": "gdp", "region": "成都", "from": "2021年"},
    ).get_json()
    (row,) = body["observations"]
    assert (row["value"], row["vintage"], row["layer_zh"], row["source_file"]) == (
        19900.0,
        "final",
        "报送数据",
        "cd.csv",
    )


def test_apii004_template_is_prefilled_for_region_and_period(world) -> None:
    client, _ = world
    response = client.get("/api/v1/template", query_string={"region": "成都", "period": "2025年"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["填报数据", "填报说明"]
    rows = list(workbook["填报数据"].values)
    assert rows[0] == (
        "领域",
        "地区",
        "指标",
        "期间",
        "数值",
        "单位",
        "上期数值",
        "允许范围",
        "备注",
    )
    assert all(r[1] == "成都市" and r[3] == "2025年" for r in rows[1:]) and len(rows) > 10
    assert "安岳、安居、潼南、大足柠檬产业集群种植面积" not in {r[2] for r in rows}
    bad = client.get("/api/v1/template", query_string={"region": "成都", "period": "明年"})
    assert bad.status_code == 400 and "期间“明年”无法识别" in bad.get_json()["error"]


def test_apii005_openapi_describes_the_routes(world) -> None:
    client, _ = world
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/submissions", "/api/v1/observations", "/api/v1/progress"} <= set(spec["paths"])
