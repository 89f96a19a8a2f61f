"""Honest outcomes (issue 15): a file with nothing to import is never "imported" or
"校验通过"; skipped cells and repeated problems are reported once per reason.

The files under fixtures/real/ are real exports of the national statistics portal
found in public repositories (fixtures/real/README.md says where from)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.observations import observations_frame
from tests.helpers import data_dir, manage
from workflows.intake import STATUS_ZH, check, receive

if TYPE_CHECKING:
    from tests.conftest import Seeds

FIXTURES = Path(__file__).parents[1] / "loaders" / "fixtures"
REAL = FIXTURES / "real"
NATIONAL = FIXTURES / "nbs_national_gbk.csv"  # 年度数据: the nation's figures only


@pytest.fixture
def ready(sqlite_ready: sessionmaker[Session]) -> sessionmaker[Session]:
    return sqlite_ready  # a database with the regions and the catalogue


def stored(factory: sessionmaker[Session]) -> dict[tuple[str, str, str], float]:
    with factory() as session:
        frame = observations_frame(session)
    return {(r.indicator_id, r.region_code, r.period): r.value for r in frame.itertuples()}


def test_out001_nothing_importable_is_its_own_outcome_naming_why(
    ready: sessionmaker[Session],
) -> None:
    outcome = receive(ready, NATIONAL.name, NATIONAL.read_bytes(), recompute=False)
    assert outcome.status == "empty" and not outcome.ok
    assert STATUS_ZH["empty"] == "无可导入数据，未导入"
    report = outcome.report
    assert report["ok"] is False and report["empty"] is True and report["rows"] == 0
    reason = report["empty_reason"]
    assert reason.startswith("无可导入数据") and "全国" in reason and "年末总人口" in reason
    assert report["problems"][0]["message"] == reason
    assert stored(ready) == {}
    # the dry run says the same: no green "校验通过…有效数据 0 行"
    _, checked = check(ready, NATIONAL.name, NATIONAL.read_bytes())
    assert checked["ok"] is False and checked["empty"] is True


def test_out002_the_page_shows_a_refusal_not_a_pass(ready: sessionmaker[Session]) -> None:
    from dashboard.components.validation import summary

    _, report = check(ready, NATIONAL.name, NATIONAL.read_bytes())
    alert = summary(NATIONAL.name, report)
    assert alert.color == "danger"
    assert "无可导入数据" in alert.children and "校验通过" not in alert.children
    assert "全国" in alert.children


def test_out003_the_command_line_exits_non_zero(seeds: Seeds, tmp_path: Path) -> None:
    data_dir(seeds, tmp_path, "published")  # as import-file prepares an empty folder
    result = manage(tmp_path, "import-file", str(NATIONAL))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "无可导入数据，未导入" in result.stdout
    assert "已导入" not in result.stdout
    real = manage(tmp_path, "import-file", str(REAL / "nbs_provinces_population_10y.csv"))
    assert real.returncode == 0 and "已导入（新增 20" in real.stdout


def test_out004_the_api_answers_422(seeds: Seeds, tmp_path: Path) -> None:
    from config.settings import load_settings
    from dashboard.app import create_app
    from db.session import make_engine, make_session_factory, transaction
    from db.users import create_token, create_user

    # a database as ensure_ready(sample=False, published=False) leaves it
    with seeds.copy("sqlite", "ready", tmp_path) as url:
        engine = make_engine(url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        create_user(session, "office", "password-1234", "reviewer")
        token = create_token(session, "office", "联合办公室")
    client = create_app(load_settings({}), factory).server.test_client()
    answer = client.post(
        "/api/v1/submissions",
        data={"file": (io.BytesIO(NATIONAL.read_bytes()), NATIONAL.name)},
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["status"] == "empty" and body["report"]["empty_reason"].startswith("无可导入数据")
    engine.dispose()


def test_out005_a_31_province_export_reports_on_one_screen(ready: sessionmaker[Session]) -> None:
    path = REAL / "nbs_provinces_population_10y.csv"
    outcome = receive(ready, path.name, path.read_bytes(), recompute=False)
    assert outcome.status == "imported" and outcome.report["inserted"] == 20
    problems = outcome.report["problems"]
    assert len(problems) <= 5  # was 290 lines, one per skipped cell
    (skip,) = [p for p in problems if "不在本系统范围内" in p["message"]]
    assert skip["count"] == 290 and skip["column"] == "地区"
    assert "“北京市”、“天津市”、“河北省”等 29 个" in skip["message"]
    assert outcome.report["warnings"] >= 290  # counts stay counts of cells
    values = stored(ready)
    assert values[("population", "500000", "2024")] == 3190
    assert values[("population", "510000", "2015")] == 8196


def test_out006_a_cut_indicator_line_is_one_error_saying_how_to_name_it(
    ready: sessionmaker[Session],
) -> None:
    path = REAL / "nbs_provinces_gdp_census_20y.csv"
    lines = path.read_bytes().split(b"\r\n")
    cut = b"\r\n".join(line for line in lines if not line.startswith("指标".encode("gbk")))
    outcome = receive(ready, "cut.csv", cut, recompute=False)
    assert outcome.status == "refused"
    errors = [p for p in outcome.report["problems"] if p["level"] == "错误"]
    assert len(errors) == 1, errors
    assert "缺少指标" in errors[0]["message"] and "--indicator" in errors[0]["message"]
    assert "indicator 字段" in errors[0]["message"] and errors[0]["count"] == 589
    named = receive(ready, "cut.csv", cut, default_indicator="地区生产总值", recompute=False)
    assert named.status == "imported" and named.report["inserted"] == 38
    assert stored(ready)[("gdp", "500000", "2016")] == 18271.1


def test_out009_the_indicator_a_cut_export_holds_is_proposed_from_published_figures(
    ready: sessionmaker[Session],
) -> None:
    """The same cut export, once the published layer holds 重庆's and 四川's GDP: the error
    names 地区生产总值 as the likely indicator, from the values; nothing is imported on it."""
    from workflows.published import load_published

    load_published(ready)
    path = REAL / "nbs_provinces_gdp_census_20y.csv"
    lines = path.read_bytes().split(b"\r\n")
    cut = b"\r\n".join(line for line in lines if not line.startswith("指标".encode("gbk")))
    _, report = check(ready, "cut.csv", cut)
    assert report["proposed"]["code"] == "gdp" and report["proposed"]["name"] == "地区生产总值"
    assert report["proposed"]["agreeing"] >= 3
    assert report["proposed"]["agreeing"] == report["proposed"]["compared"]
    (error,) = [p for p in report["problems"] if p["level"] == "错误"]
    assert "它很可能是“地区生产总值”" in error["message"] and "--indicator gdp" in error["message"]
    outcome = receive(ready, "cut.csv", cut, recompute=False)
    assert outcome.status == "refused" and "--indicator gdp" in str(outcome.report["problems"])


def test_out007_no_region_line_says_so_once_instead_of_outside_the_monitor(
    ready: sessionmaker[Session],
) -> None:
    text = "数据库：分省年度数据\n时间：最近5年\n指标,2023年,2022年\n地区生产总值(亿元),30614.3,28771.8\n"
    outcome = receive(ready, "no_region.csv", text.encode("gbk"), recompute=False)
    (error,) = outcome.report["problems"]
    assert error["level"] == "错误" and error["message"].startswith("缺少地区：")
    assert "--region" in error["message"] and "不在本系统范围内" not in error["message"]
    named = receive(
        ready, "no_region.csv", text.encode("gbk"), default_region="重庆市", recompute=False
    )
    assert named.status == "imported"
    assert stored(ready)[("gdp", "500000", "2023")] == 30614.3


def test_out008_provinces_outside_are_skipped_in_any_layout_never_suggested(
    ready: sessionmaker[Session],
) -> None:
    # the portal's lines deleted: a plain wide table, yet 北京 is outside, not a typo of 渝北区
    text = (
        "指标：地区生产总值(亿元)\n地区,2022年\n北京市,41610.9\n重庆市,29129.03\nBeijing,41610.9\n"
    )
    outcome = receive(ready, "plain.csv", text.encode("utf-8"), recompute=False)
    assert outcome.status == "imported", outcome.report["problems"]
    assert outcome.report["layout"] == "wide_regions"
    (skip,) = outcome.report["problems"]
    assert skip["level"] == "提示" and "“北京市”、“Beijing”" in skip["message"]
    assert "您是否要找" not in skip["message"]
