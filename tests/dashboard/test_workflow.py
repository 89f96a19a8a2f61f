"""数据填报 and 数据审核 by crafted requests to the Dash callback endpoint: the
server refuses what the account may not do, whatever the page would show."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from config.settings import load_settings
from dashboard.app import create_app
from db import models
from db.session import make_engine, make_session_factory, transaction
from db.users import create_user
from loaders.first_run import ensure_ready
from tests.dashboard.test_auth import ORIGIN, sign_in

GOOD = "地区,指标,期间,数值,单位,备注\n成都市,地区生产总值,2024年,23511.3,亿元,\n"
OTHERS = "地区,指标,期间,数值,单位,备注\n重庆市,地区生产总值,2024年,32193.2,亿元,\n"


@pytest.fixture(scope="module")
def factory(module_db_url: str) -> Iterator[object]:
    engine = make_engine(module_db_url)
    factory = make_session_factory(engine)
    ensure_ready(engine, factory, sample=False, published=False)
    with transaction(factory) as session:
        create_user(session, "cd", "成都-密码-2026", "reporter", "成都市统计局", ["510100"])
        create_user(session, "leader", "领导-密码-2026", "viewer", "领导")
        create_user(session, "office", "审核-密码-2026", "reviewer", "联合办公室")
    yield factory
    engine.dispose()


def client_for(factory: object, username: str, password: str) -> object:
    client = create_app(load_settings({}), factory).server.test_client()
    sign_in(client, username, password)
    return client


def send(client: object, filename: str, text: str) -> str:
    contents = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
    body = {
        "output": "..submit-result.children...submit-history.rowData..",
        "outputs": [
            {"id": "submit-result", "property": "children"},
            {"id": "submit-history", "property": "rowData"},
        ],
        "inputs": [{"id": "submit-send", "property": "n_clicks", "value": 1}],
        "state": [
            {
                "id": "submit-file",
                "property": "data",
                "value": {"filename": filename, "contents": contents},
            },
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["submit-send.n_clicks"],
    }
    response = client.post("/_dash-update-component", json=body, headers=ORIGIN)
    return json.dumps(response.get_json(), ensure_ascii=False)


def approve_all(client: object, submission_id: int) -> str:
    response = client.post(
        "/_dash-update-component", json=approve_all_body(submission_id), headers=ORIGIN
    )
    return json.dumps(response.get_json(), ensure_ascii=False)


def approve_all_body(submission_id: int) -> dict:
    """What 数据审核 sends when 全部通过 is pressed with the file chosen."""
    return {
        "output": "..review-result.children...review-queue.rowData..",
        "outputs": [
            {"id": "review-result", "property": "children"},
            {"id": "review-queue", "property": "rowData"},
        ],
        "inputs": [
            {"id": "review-approve-selected", "property": "n_clicks", "value": None},
            {"id": "review-reject-selected", "property": "n_clicks", "value": None},
            {"id": "review-approve-all", "property": "n_clicks", "value": 1},
            {"id": "review-reject-all", "property": "n_clicks", "value": None},
        ],
        "state": [
            {
                "id": "review-queue",
                "property": "selectedRows",
                "value": [{"submission_id": submission_id}],
            },
            {"id": "review-rows", "property": "selectedRows", "value": []},
            {"id": "review-comment", "property": "value", "value": "与统计公报一致"},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["review-approve-all.n_clicks"],
    }


def show_rows(client: object, submission_id: int) -> list[dict]:
    """The rows the review page lists for a chosen file."""
    body = {
        "output": "review-rows.rowData",
        "outputs": {"id": "review-rows", "property": "rowData"},
        "inputs": [
            {
                "id": "review-queue",
                "property": "selectedRows",
                "value": [{"submission_id": submission_id}],
            },
            {"id": "review-result", "property": "children", "value": None},
        ],
        "state": [{"id": "url", "property": "search", "value": ""}],
        "changedPropIds": ["review-queue.selectedRows"],
    }
    response = client.post("/_dash-update-component", json=body, headers=ORIGIN)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"]["review-rows"]["rowData"]


def test_wfl001_a_chengdu_reporter_cannot_submit_chongqing_rows_even_by_a_crafted_request(
    factory,
) -> None:
    reporter = client_for(factory, "cd", "成都-密码-2026")
    answer = send(reporter, "others.csv", OTHERS)
    assert "无权报送“重庆市”的数据" in answer
    with factory() as session:
        rows = session.scalars(select(models.SubmissionRow)).all()
    assert rows == []


def test_wfl002_a_viewer_cannot_approve_and_a_reviewer_can(factory) -> None:
    reporter = client_for(factory, "cd", "成都-密码-2026")
    assert "已提交审核" in send(reporter, "chengdu.csv", GOOD)
    with factory() as session:
        submission = session.scalars(
            select(models.Submission).where(models.Submission.status == "pending")
        ).one()
    viewer = client_for(factory, "leader", "领导-密码-2026")
    assert show_rows(viewer, submission.id) == []
    assert "无审核权限" in approve_all(viewer, submission.id)
    with factory() as session:
        assert session.get(models.Submission, submission.id).status == "pending"
    reviewer = client_for(factory, "office", "审核-密码-2026")
    (row,) = show_rows(reviewer, submission.id)
    assert (row["region_name"], row["value"], row["decision"]) == ("成都市", 23511.3, "待审核")
    assert isinstance(row["flags"], str) and isinstance(row["history"], str)
    answer = approve_all(reviewer, submission.id)
    assert f"提交编号 {submission.id}" in answer and "通过 1 行" in answer, answer
    with factory() as session:
        assert session.get(models.Submission, submission.id).status == "approved"
        value = session.scalars(
            select(models.Observation.value).where(
                models.Observation.region_code == "510100",
                models.Observation.layer == "reported",
                models.Observation.is_current,
            )
        ).one()
    assert value == 23511.3
