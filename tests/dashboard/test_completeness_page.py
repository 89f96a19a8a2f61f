"""报送进度 and the reminders banner by crafted requests: signed-in accounts see
the matrix (reporters start on their regions), anonymous requests get nothing,
and dismissing reminders marks only the account's own as read."""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
from openpyxl import load_workbook

from db import models
from db.reminders import count_unseen
from db.session import make_engine, make_session_factory, transaction
from db.users import account_of, create_user
from tests.helpers import HEADER, ORIGIN, find_prop, nothing
from tests.helpers import app_client as client
from workflows.reminders import overdue_job


@pytest.fixture(scope="module")
def factory(module_ready_url: str) -> Iterator[object]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        create_user(session, "cd", "成都-密码-2026", "reporter", "成都市统计局", ["510100"])
        create_user(session, "leader", "领导-密码-2026", "viewer", "领导")
    overdue_job(factory, today=date(2026, 4, 1))
    yield factory
    engine.dispose()


def show(client: object, period: str, regions: list[str] | None) -> object:
    body = {
        "output": "..completeness-body.children...completeness-error.children..."
        "completeness-share.href..",
        "outputs": [
            {"id": "completeness-body", "property": "children"},
            {"id": "completeness-error", "property": "children"},
            {"id": "completeness-share", "property": "href"},
        ],
        "inputs": [
            {"id": "completeness-period", "property": "value", "value": period},
            {"id": "completeness-regions", "property": "value", "value": regions},
        ],
        "state": [{"id": "url", "property": "search", "value": ""}],
        "changedPropIds": ["completeness-period.value"],
    }
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def export(client: object, period: str, regions: list[str]) -> object:
    body = {
        "output": "completeness-download.data",
        "outputs": {"id": "completeness-download", "property": "data"},
        "inputs": [{"id": "completeness-export", "property": "n_clicks", "value": 1}],
        "state": [
            {"id": "completeness-period", "property": "value", "value": period},
            {"id": "completeness-regions", "property": "value", "value": regions},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["completeness-export.n_clicks"],
    }
    return client.post("/_dash-update-component", json=body, headers=ORIGIN)


def test_cpg001_a_reporter_sees_the_matrix_of_a_period(factory) -> None:
    response = show(client(factory, "cd", "成都-密码-2026"), "2025", ["510100"])
    text = json.dumps(response.get_json(), ensure_ascii=False)
    # nothing reported yet, and the annual 2025 figures were due by 31 March 2026
    assert "逾期未报" in text and "成都市" in text and "地区生产总值" in text
    assert response.get_json()["response"]["completeness-share"]["href"] == (
        "/completeness?period=2025&regions=510100"
    )
    summary = find_prop(response.get_json(), "id", "completeness-summary")["rowData"]
    assert [row["region_name"] for row in summary] == ["成都市"]
    assert summary[0]["overdue"] == summary[0]["due"] > 0 and summary[0]["share"] == "0%"


def test_cpg002_a_period_it_cannot_read_gets_a_chinese_error(factory) -> None:
    response = show(client(factory, "cd", "成都-密码-2026"), "2025年第五季度", None)
    error = response.get_json()["response"]["completeness-error"]["children"]
    assert error["props"]["color"] == "danger" and "期间" in json.dumps(error, ensure_ascii=False)


def test_cpg003_anonymous_requests_get_no_matrix_and_no_export(factory) -> None:
    anonymous = client(factory)
    text = json.dumps(show(anonymous, "2025", None).get_json(), ensure_ascii=False)
    assert "仅限登录用户" in text and "逾期未报" not in text
    assert nothing(export(anonymous, "2025", ["510100"]))


def test_cpg004_the_export_has_a_sheet_by_region_and_every_cell(factory) -> None:
    response = export(client(factory, "leader", "领导-密码-2026"), "2025", ["510100"])
    data = response.get_json()["response"]["completeness-download"]["data"]
    assert data["filename"] == "报送进度-2025.xlsx"
    book = load_workbook(io.BytesIO(base64.b64decode(data["content"])))
    assert book.sheetnames == ["按地区", "明细"]
    by_region = list(book["按地区"].values)
    assert by_region[0][:3] == ("地区", "应报", "已审核") and by_region[1][0] == "成都市"
    cells = list(book["明细"].values)
    assert len(cells) - 1 == by_region[1][1]  # every due cell of 2025 is listed


def test_cpg004b_one_reminder_line_per_region_and_year_and_a_labelled_matrix(factory) -> None:
    """The banner reads 成都市：2025年度 N 项逾期，最早截止 … (one line, not one per
    figure); every column of the region × indicator chart is named, never an id."""
    reporter = client(factory, "cd", "成都-密码-2026")
    header = json.dumps(
        reporter.post("/_dash-update-component", json=HEADER, headers=ORIGIN).get_json(),
        ensure_ascii=False,
    )
    lines = re.findall(r"成都市：(\d{4})年度 (\d+) 项逾期，最早截止 (\d{4}-\d{2}-\d{2})", header)
    assert [year for year, _, _ in lines] == ["2026", "2025"]  # the latest year first
    assert ("2025", "2025-02-15") == (lines[1][0], lines[1][2]) and int(lines[1][1]) > 1
    response = show(reporter, "2025", ["510100"]).get_json()
    figure = find_prop(response, "id", "completeness-heatmap")["figure"]
    trace, axis = figure["data"][0], figure["layout"]["xaxis"]
    assert len(axis["ticktext"]) == len(trace["x"]) == len(set(trace["x"])) > 40
    assert "地区生产总值" in axis["ticktext"] and "gdp" not in trace["x"]
    assert all(not re.fullmatch(r"[a-z0-9_]+", label) for label in axis["ticktext"])


def test_cpg005_reminders_show_at_sign_in_until_dismissed(factory) -> None:
    reporter = client(factory, "cd", "成都-密码-2026")
    header = json.dumps(
        reporter.post("/_dash-update-component", json=HEADER, headers=ORIGIN).get_json(),
        ensure_ascii=False,
    )
    assert "条数据报送逾期提醒" in header and "成都市" in header and "/completeness" in header
    viewer = client(factory, "leader", "领导-密码-2026")
    assert "逾期提醒" not in json.dumps(
        viewer.post("/_dash-update-component", json=HEADER, headers=ORIGIN).get_json(),
        ensure_ascii=False,
    )
    body = {
        "output": "reminders.is_open",
        "outputs": {"id": "reminders", "property": "is_open"},
        "inputs": [{"id": "reminders-dismiss", "property": "n_clicks", "value": 1}],
        "state": [],
        "changedPropIds": ["reminders-dismiss.n_clicks"],
    }
    assert nothing(client(factory).post("/_dash-update-component", json=body, headers=ORIGIN))
    answer = reporter.post("/_dash-update-component", json=body, headers=ORIGIN).get_json()
    assert answer["response"]["reminders"]["is_open"] is False
    with factory() as session:
        cd = session.query(models.User).filter_by(username="cd").one()
        assert count_unseen(session, account_of(cd)) == 0
    header = json.dumps(
        reporter.post("/_dash-update-component", json=HEADER, headers=ORIGIN).get_json(),
        ensure_ascii=False,
    )
    assert "逾期提醒" not in header


def test_cpg_since001_a_year_before_the_monitor_was_in_use_owes_nothing(factory) -> None:
    """报送进度 of 2019 (before the calendar's start, 2025): no cell, nothing overdue."""
    response = show(client(factory, "cd", "成都-密码-2026"), "2019", ["510100"])
    assert response.status_code == 200
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert "该期间没有需要报送的指标" in text and "逾期未报" not in text
