"""The major-project routes of the API on a database holding the annex's 48
projects and no sample dispatches, with the clock fixed at 2026-11-22."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.http import parse_options_header

from config.settings import load_settings
from dashboard.app import create_app
from db.projects import file_report
from db.session import make_engine, make_session_factory, transaction
from indicators.projects import CATEGORIES, STATUSES
from workflows.first_run import ensure_ready

TODAY = "2026-11-22"
ITEM_KEYS = {
    "id",
    "section",
    "waterway",
    "content",
    "remark",
    "name",
    "category",
    "plan_id",
    "location",
    "regions",
    "responsible_unit",
    "start_year",
    "end_year",
    "total_investment",
    "plan_period_investment",
    "status",
    "source",
    "seed_line",
    "origin",
    "plans",
    "progress",
}
PROGRESS_KEYS = {
    "planned",
    "ytd",
    "latest_period",
    "rate",
    "expected",
    "behind",
    "late",
    "problems",
}


@pytest.fixture(scope="module")
def world(module_db_url: str) -> Iterator[tuple[FlaskClient, sessionmaker[Session]]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TODAY", TODAY)  # the register's statuses and "today" of the routes
        engine = make_engine(module_db_url)
        factory = make_session_factory(engine)
        ensure_ready(engine, factory, sample=False, published=False)
        yield create_app(load_settings({}), factory).server.test_client(), factory
        engine.dispose()


@pytest.fixture
def client(world: tuple[FlaskClient, sessionmaker[Session]]) -> FlaskClient:
    return world[0]


def projects(client: FlaskClient, **query: str) -> dict:
    response = client.get("/api/v1/projects", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_apj001_lists_the_annex_projects_with_their_totals(client: FlaskClient) -> None:
    body = projects(client)
    assert body["count"] == len(body["projects"]) == 48
    assert (body["year"], body["as_of"], body["unit"]) == (2026, TODAY, "亿元")
    assert [p["id"] for p in body["projects"]] == [f"HY{n:02d}" for n in range(1, 49)]
    assert sum(p["total_investment"] for p in body["projects"]) == pytest.approx(991.42)
    assert sum(p["plan_period_investment"] or 0 for p in body["projects"]) == pytest.approx(425.49)
    assert all(set(p) == ITEM_KEYS for p in body["projects"])
    first = body["projects"][0]
    assert first["origin"] == "annex" and first["plan_id"] == "shipping_centre"
    assert first["seed_line"] > 0 and "共建长江上游航运中心" in first["source"]
    assert set(first["regions"]) <= {"500000", "510000"} and first["regions"]
    assert all(p["category"] == "现代基础设施网络" for p in body["projects"])


def test_apj002_plans_and_progress_of_this_year(client: FlaskClient) -> None:
    body = projects(client)
    by_id = {p["id"]: p for p in body["projects"]}
    hy06 = by_id["HY06"]  # 2019–2030: a derived plan every year, 10.7143 in 2026
    years = [p["year"] for p in hy06["plans"]]
    assert years == sorted(years) and years[0] == 2019 and years[-1] == 2030
    assert {p["basis"] for p in hy06["plans"]} == {"derived"}
    plan_2026 = next(p for p in hy06["plans"] if p["year"] == 2026)
    progress = hy06["progress"]
    assert set(progress) == PROGRESS_KEYS
    assert progress["planned"] == pytest.approx(plan_2026["planned_investment"])
    # 22 November: January–October due; nothing reported yet, so late and no rate
    assert progress["expected"] == pytest.approx(10 / 12)
    assert progress["late"] is True and progress["behind"] is False
    assert progress["ytd"] is None and progress["rate"] is None
    # a project without a plan this year (ended before 2026) has no progress
    ended = [p for p in body["projects"] if p["end_year"] < 2026]
    assert ended and all(p["progress"] is None for p in ended)
    with_plan = [p for p in body["projects"] if p["progress"] is not None]
    assert with_plan and all(
        any(q["year"] == 2026 and q["planned_investment"] > 0 for q in p["plans"])
        for p in with_plan
    )


def test_apj003_filters_by_category(client: FlaskClient) -> None:
    assert projects(client, category="现代基础设施网络")["count"] == 48
    none = projects(client, category="现代产业体系")
    assert none["count"] == 0 and none["projects"] == []
    response = client.get("/api/v1/projects", query_string={"category": "水利"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "“水利”" in error and all(c in error for c in CATEGORIES)


@pytest.mark.parametrize("spelling", ["重庆", "重庆市", "Chongqing", "500000"])
def test_apj004_filters_by_region_in_any_spelling(client: FlaskClient, spelling: str) -> None:
    body = projects(client, region=spelling)
    assert body["count"] == 24
    assert all("500000" in p["regions"] for p in body["projects"])
    sichuan = projects(client, region="四川省")
    assert sichuan["count"] == 24 and all("510000" in p["regions"] for p in sichuan["projects"])
    assert not {p["id"] for p in body["projects"]} & {p["id"] for p in sichuan["projects"]}


def test_apj005_unknown_region_spelling_is_a_400_naming_it(client: FlaskClient) -> None:
    response = client.get("/api/v1/projects", query_string={"region": "成度"})
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("未知地区“成度”")


def test_apj006_filters_by_status(client: FlaskClient) -> None:
    every = projects(client)["projects"]
    for status in STATUSES:
        body = projects(client, status=status)
        assert {p["id"] for p in body["projects"]} == {
            p["id"] for p in every if p["status"] == status
        }
    # as of 2026 the annex's projects are under way (续建) or finished (建成投用)
    assert projects(client, status="续建")["count"] == 21
    assert projects(client, status="建成投用")["count"] == 27
    response = client.get("/api/v1/projects", query_string={"status": "在建"})
    assert response.status_code == 400
    assert "“在建”" in response.get_json()["error"] and "续建" in response.get_json()["error"]


def test_apj007_reports_current_by_default_and_every_version_with_all(
    world: tuple[FlaskClient, sessionmaker[Session]],
) -> None:
    client, factory = world
    assert client.get("/api/v1/projects/HY06/reports").get_json()["count"] == 0
    with transaction(factory) as session:
        file_report(session, "HY06", "2026-10", 6.0, "主体工程施工", "重庆市交通局")
        file_report(
            session,
            "HY06",
            "2026-10",
            6.5,
            "主体工程施工（更正）",
            "重庆市交通局",
            month_investment=0.8,
            problems="征地拆迁滞后",
        )
    current = client.get("/api/v1/projects/HY06/reports").get_json()
    assert current["count"] == 1 and current["unit"] == "亿元"
    (report,) = current["reports"]
    assert report["period"] == "2026-10" and report["is_current"] is True
    assert report["ytd_investment"] == 6.5 and report["month_investment"] == 0.8
    assert report["progress"] == "主体工程施工（更正）" and report["problems"] == "征地拆迁滞后"
    assert report["problems_resolved"] is False and report["sample"] is False
    assert report["actor"] == "重庆市交通局" and report["reported_at"].endswith("+00:00")
    every = client.get("/api/v1/projects/HY06/reports", query_string={"all": "1"}).get_json()
    assert every["count"] == 2
    assert [r["ytd_investment"] for r in every["reports"]] == [6.0, 6.5]
    assert [r["is_current"] for r in every["reports"]] == [False, True]
    assert every["reports"][0]["month_investment"] is None
    # the register's progress now runs to October
    progress = next(p for p in projects(client)["projects"] if p["id"] == "HY06")["progress"]
    assert progress["ytd"] == 6.5 and progress["latest_period"] == "2026-10"
    assert progress["late"] is False and progress["problems"] == "征地拆迁滞后"
    assert progress["rate"] == pytest.approx(6.5 / progress["planned"])


def test_apj008_unknown_project_is_a_404_in_chinese(client: FlaskClient) -> None:
    response = client.get("/api/v1/projects/XX99/reports")
    assert response.status_code == 404
    assert response.get_json() == {"error": "项目“XX99”不在重大项目库中"}


def test_apj009_template_downloads_as_xlsx(client: FlaskClient) -> None:
    response = client.get("/api/v1/projects/template")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition and disposition.isascii()
    kind, options = parse_options_header(disposition)
    assert (kind, options["filename"]) == ("attachment", "重大项目库模板.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["重大项目", "说明"]
    header = next(book["重大项目"].values)
    assert {"项目编号", "项目名称", "2026年计划投资（亿元）", "2027年计划投资（亿元）"} <= set(
        header
    )
    notes = [row[2] for row in book["说明"].values if row[0] == "所属规划可用编号"]
    assert notes and "shipping_centre" in notes[0]


def test_apj010_anonymous_reading_is_refused_when_login_is_required(
    world: tuple[FlaskClient, sessionmaker[Session]],
) -> None:
    _, factory = world
    settings = load_settings({"READ_REQUIRES_LOGIN": "true"})
    closed = create_app(settings, factory).server.test_client()
    for path in ("/api/v1/projects", "/api/v1/projects/HY01/reports", "/api/v1/projects/template"):
        response = closed.get(path)
        assert response.status_code == 401, path
        assert response.get_json() == {"error": "请先登录"}


def test_apj011_openapi_describes_the_project_routes(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    listing = paths["/api/v1/projects"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"category", "region", "status"}
    error = {"$ref": "#/components/schemas/Error"}
    assert listing["responses"]["400"]["content"]["application/json"]["schema"] == error
    reports = paths["/api/v1/projects/{id}/reports"]["get"]
    assert {"name": "id", "in": "path"}.items() <= reports["parameters"][0].items()
    assert reports["responses"]["404"]["content"]["application/json"]["schema"] == error
    assert "/api/v1/projects/template" in paths
    assert spec["components"]["schemas"]["Error"]["required"] == ["error"]
