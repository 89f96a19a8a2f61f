"""重大项目 and 项目调度 by crafted requests: the server decides who files a
project's month and who imports the register, whatever the page shows."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from config.settings import load_settings
from dashboard.app import create_app
from db import models
from db.session import make_engine, make_session_factory, transaction
from db.users import create_user
from tests.helpers import ORIGIN, sign_in


@pytest.fixture(scope="module")
def factory(module_ready_url: str) -> Iterator[object]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        create_user(session, "cq", "重庆-密码-2026", "reporter", "重庆填报员", ["500000"])
        create_user(session, "sc", "四川-密码-2026", "reporter", "四川填报员", ["510000"])
        create_user(session, "office", "审核-密码-2026", "reviewer", "联合办公室")
    yield factory
    engine.dispose()


APPS: list[object] = []


def _output_key(first: str) -> str:
    """The callback's output key as Dash registered it (an output that allows
    duplicates carries a hash after its id)."""
    return next(key for key in APPS[-1].callback_map if key.startswith(f"..{first}"))


def client(factory: object, username: str | None = None, password: str = "") -> object:
    app = create_app(load_settings({}), factory)
    APPS.append(app)
    client = app.server.test_client()
    if username:
        sign_in(client, username, password)
    return client


def dispatch(client: object, project: str, ytd: str) -> str:
    states = {
        "dispatch-project": project,
        "dispatch-month": "2026-10",
        "dispatch-month-investment": "",
        "dispatch-ytd": ytd,
        "dispatch-progress": "主体工程施工",
        "dispatch-problems": "",
        "dispatch-resolved": False,
        "dispatch-year": 2026,
    }
    body = {
        "output": "..dispatch-result.children...dispatch-body.children..",
        "outputs": [
            {"id": "dispatch-result", "property": "children"},
            {"id": "dispatch-body", "property": "children"},
        ],
        "inputs": [{"id": "dispatch-send", "property": "n_clicks", "value": 1}],
        "state": [{"id": k, "property": "value", "value": v} for k, v in states.items()]
        + [{"id": "url", "property": "search", "value": ""}],
        "changedPropIds": ["dispatch-send.n_clicks"],
    }
    response = client.post("/_dash-update-component", json=body, headers=ORIGIN)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


def reports(factory: object, project: str) -> list[float]:
    with factory() as session:
        return list(
            session.scalars(
                select(models.ProjectReport.ytd_investment).where(
                    models.ProjectReport.project_id == project
                )
            )
        )


def test_prp001_only_the_projects_region_files_its_month(factory) -> None:
    # HY06 lies in 重庆: 四川's reporter and anonymous requests are refused
    assert "无权报送项目“乌江白马航电枢纽工程”" in dispatch(
        client(factory, "sc", "四川-密码-2026"), "HY06", "8"
    )
    assert "请先登录" in dispatch(client(factory), "HY06", "8")
    assert reports(factory, "HY06") == []
    assert "已报送：HY06 2026-10" in dispatch(client(factory, "cq", "重庆-密码-2026"), "HY06", "8")
    assert reports(factory, "HY06") == [8.0]


def _register() -> str:
    book = Workbook()
    book.active.append(
        ["项目编号", "项目名称", "类别", "所在地", "开工年", "完工年", "总投资（亿元）", "项目状态"]
    )
    book.active.append(["GG-01", "区域医疗中心", "公共服务", "成都市", 2024, 2027, 30, "续建"])
    buffer = io.BytesIO()
    book.save(buffer)
    return "data:application/octet-stream;base64," + base64.b64encode(buffer.getvalue()).decode()


def upload(client: object) -> str:
    body = {
        "output": _output_key("projects-import-result.children"),
        "outputs": [
            {"id": "projects-import-result", "property": "children"},
            {"id": "projects-import-problems", "property": "rowData"},
            {"id": "projects-grid", "property": "rowData"},
        ],
        "inputs": [{"id": "projects-upload", "property": "contents", "value": _register()}],
        "state": [
            {"id": "projects-upload", "property": "filename", "value": "项目库.xlsx"},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["projects-upload.contents"],
    }
    response = client.post("/_dash-update-component", json=body, headers=ORIGIN)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_prp002_only_the_joint_office_imports_the_register(factory) -> None:
    assert "无审核权限" in upload(client(factory, "cq", "重庆-密码-2026"))
    with factory() as session:
        assert session.get(models.Project, "GG-01") is None
    answer = upload(client(factory, "office", "审核-密码-2026"))
    assert "已导入：新增项目 1 个" in answer and "GG-01 区域医疗中心" in answer
    with factory() as session:
        assert session.get(models.Project, "GG-01").category == "公共服务"
