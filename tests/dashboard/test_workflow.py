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
from tests.helpers import (
    ORIGIN,
    approve_all_body,
    review_body,
    show_rows_body,
    sign_in,
)

GOOD = "地区,指标,期间,数值,单位,备注\n成都市,地区生产总值,2024年,23511.3,亿元,\n"
OTHERS = "地区,指标,期间,数值,单位,备注\n重庆市,地区生产总值,2024年,32193.2,亿元,\n"


@pytest.fixture(scope="module")
def factory(module_ready_url: str) -> Iterator[object]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
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


def approve_all(client: object, submission_id: int, view: dict | None) -> str:
    response = client.post(
        "/_dash-update-component", json=approve_all_body(submission_id, view), headers=ORIGIN
    )
    return json.dumps(response.get_json(), ensure_ascii=False)


def show_rows(client: object, submission_id: int) -> tuple[list[dict], dict | None]:
    """The rows the review page lists for a chosen file, and the view it holds."""
    body = show_rows_body([{"submission_id": submission_id}])
    response = client.post("/_dash-update-component", json=body, headers=ORIGIN)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer = response.get_json()["response"]
    return answer["review-rows"]["rowData"], answer["review-view"]["data"]


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
    assert show_rows(viewer, submission.id) == ([], None)
    reviewer = client_for(factory, "office", "审核-密码-2026")
    (row,), view = show_rows(reviewer, submission.id)
    assert "无审核权限" in approve_all(viewer, submission.id, view)
    with factory() as session:
        assert session.get(models.Submission, submission.id).status == "pending"
    assert (row["region_name"], row["value"], row["decision"]) == ("成都市", 23511.3, "待审核")
    assert row["key"] == str(row["row_id"]) and view["rows"] == [row["row_id"]]
    assert isinstance(row["flags"], str) and isinstance(row["history"], str)
    answer = approve_all(reviewer, submission.id, view)
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


def _decisions(factory) -> list[tuple[int, str]]:
    with factory() as session:
        return sorted(
            (i, d)
            for i, d in session.execute(
                select(models.SubmissionRow.id, models.SubmissionRow.decision)
            )
        )


def test_wfl003_a_decision_on_rows_the_page_did_not_hold_is_refused(factory) -> None:
    reporter = client_for(factory, "cd", "成都-密码-2026")
    for name, year in (("a.csv", 2021), ("b.csv", 2020)):
        text = (
            "地区,指标,期间,数值,单位,备注\n"
            f"成都市,地区生产总值,{year}年,{year * 9},亿元,\n"
            f"成都市,常住人口,{year}年,2100,万人,\n"
        )
        assert "已提交审核" in send(reporter, name, text)
    with factory() as session:
        a, b = session.scalars(
            select(models.Submission.id)
            .where(models.Submission.filename.in_(["a.csv", "b.csv"]))
            .order_by(models.Submission.filename)
        )
    reviewer = client_for(factory, "office", "审核-密码-2026")
    rows_a, view_a = show_rows(reviewer, a)
    rows_b, _ = show_rows(reviewer, b)
    before = _decisions(factory)

    def answer(body: dict) -> str:
        return json.dumps(
            reviewer.post("/_dash-update-component", json=body, headers=ORIGIN).get_json(),
            ensure_ascii=False,
        )

    # file b's row, ticked while the page held file a's rows
    crafted = review_body(b, view_a, "review-approve-selected", rows=[rows_b[0]])
    assert f"页面显示的不是提交编号 {b}" in answer(crafted)
    # file b's row named as file a's, on file a's page
    crafted = review_body(a, view_a, "review-approve-selected", rows=[rows_b[0]])
    assert f"不属于提交编号 {a}" in answer(crafted)
    # the view itself altered to hold b's row
    forged = {**view_a, "rows": [*view_a["rows"], rows_b[0]["row_id"]]}
    assert "页面数据无法核验" in answer(
        review_body(a, forged, "review-approve-selected", [rows_b[0]])
    )
    # no view at all
    assert "页面未载入该文件的数据行" in answer(review_body(a, None))
    assert _decisions(factory) == before  # nothing changed

    # a stale page: one row decided since it was shown, then 全部通过 on the old page
    _, fresh = show_rows(reviewer, a)
    assert "通过 1 行" in answer(review_body(a, fresh, "review-approve-selected", [rows_a[0]]))
    assert "页面已过期" in answer(review_body(a, view_a))
    with factory() as session:
        pending = session.scalars(
            select(models.SubmissionRow.decision).where(models.SubmissionRow.submission_id == a)
        ).all()
    assert sorted(pending) == ["approved", "pending"]
    # the page as it is now decides the rest
    _, now = show_rows(reviewer, a)
    assert "通过 1 行" in answer(review_body(a, now))
