"""The major-project register and dispatch: seeded from the annex, imported from
a file (whole or not at all), filed month by month by the project's region."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.projects import file_report, plans_frame, projects_frame, reports_frame
from db.session import make_engine, make_session_factory, transaction
from db.users import account_of, create_user
from indicators.access import AccessDenied, Account
from tests.attack_files import declared_rows, xfd_bomb
from workflows.projects import (
    DispatchError,
    file_dispatch,
    import_register,
    load_sample_dispatch,
)

TODAY = date(2026, 11, 22)
CHONGQING_PROJECT = "HY06"
REPORTED_PROJECT = (
    "HY25"  # 涪江渭沱船闸升级改造工程, 重庆, 2023–2027  # 乌江白马航电枢纽工程, 重庆, 2019–2030
)


@pytest.fixture(scope="module")
def world(module_ready_url: str) -> Iterator[sessionmaker[Session]]:
    engine: Engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        create_user(session, "cq", "a-long-password", "reporter", "重庆填报员", ["500000"])
        create_user(session, "sc", "a-long-password", "reporter", "四川填报员", ["510000"])
        create_user(session, "office", "a-long-password", "reviewer", "联合办公室")
    yield factory
    engine.dispose()


@pytest.fixture(scope="module")
def reported(world: sessionmaker[Session]) -> None:
    """October's dispatch of REPORTED_PROJECT, so that the refusal of a lower
    November does not depend on which test filed first (or on another worker)."""
    with transaction(world) as session:
        file_report(session, REPORTED_PROJECT, "2026-10", 8.6, "船闸主体施工", "cq")


def account(factory: sessionmaker[Session], username: str) -> Account:
    with factory() as session:
        user = session.scalars(select(models.User).where(models.User.username == username)).one()
        return account_of(user)


def test_pjl001_the_annex_is_the_register_on_first_run(world) -> None:
    with world() as session:
        projects = projects_frame(session).set_index("id")
        plans = plans_frame(session)
    assert len(projects) == 48 and set(projects.category) == {"现代基础设施网络"}
    assert projects.total_investment.sum() == pytest.approx(991.42)
    baimao = projects.loc[CHONGQING_PROJECT]
    assert baimao["name"] == "乌江白马航电枢纽工程" and baimao.location == "重庆"
    assert "第 6 项" in baimao.source and baimao.seed_line > 15670
    assert set(plans.basis) == {"derived"}
    # 十四五 investment spread over its years in 2021–2025, the rest after 2025
    own = plans[plans.project_id == CHONGQING_PROJECT].set_index("year").planned_investment
    assert own.loc[2021:2025].sum() == pytest.approx(baimao.plan_period_investment)
    assert own.sum() == pytest.approx(baimao.total_investment, rel=1e-3)
    with world() as session:  # every entry written to the audit log
        events = session.scalars(
            select(models.AuditEvent).where(models.AuditEvent.action == "project_change")
        ).all()
    assert len(events) == 48


def test_pjl002_a_reporter_files_a_month_for_a_project_of_their_region(world) -> None:
    report = file_dispatch(
        world,
        account(world, "cq"),
        CHONGQING_PROJECT,
        "2026-10",
        "8.5",
        "大坝主体浇筑完成 80%",
        TODAY,
        month_investment="1.2",
        problems="移民安置用地待协调",
    )
    assert report.is_current and report.ytd_investment == 8.5
    # a correction replaces it as current and keeps it
    file_dispatch(world, account(world, "cq"), CHONGQING_PROJECT, "2026-10", 8.6, "同上", TODAY)
    with world() as session:
        versions = reports_frame(session, CHONGQING_PROJECT, current_only=False)
    assert versions.ytd_investment.tolist() == [8.5, 8.6]
    assert versions.is_current.tolist() == [False, True]


@pytest.mark.parametrize(
    ("who", "project", "period", "ytd", "month", "progress", "message"),
    [
        ("sc", CHONGQING_PROJECT, "2026-10", 1, None, "x", "无权报送项目“乌江白马航电枢纽工程”"),
        (None, CHONGQING_PROJECT, "2026-10", 1, None, "x", "请先登录"),
        ("cq", "HY99", "2026-10", 1, None, "x", "项目“HY99”不在重大项目库中"),
        ("cq", CHONGQING_PROJECT, "2026-13", 1, None, "x", "月份“2026-13”无效"),
        ("cq", CHONGQING_PROJECT, "2026-12", 1, None, "x", "2026-12 尚未开始"),
        (
            "cq",
            CHONGQING_PROJECT,
            "2026-09",
            "一亿",
            None,
            "x",
            "应为有限的数字（亿元）：“一亿”不是数值",
        ),
        ("cq", CHONGQING_PROJECT, "2026-09", "inf", None, "x", "应为有限的数字"),
        ("cq", CHONGQING_PROJECT, "2026-09", "Infinity", None, "x", "应为有限的数字"),
        ("cq", CHONGQING_PROJECT, "2026-09", "1e999", None, "x", "应为有限的数字"),
        ("cq", CHONGQING_PROJECT, "2026-09", float("inf"), None, "x", "应为有限的数字"),
        ("cq", CHONGQING_PROJECT, "2026-09", "nan", None, "x", "应为有限的数字（亿元），收到“nan”"),
        ("cq", CHONGQING_PROJECT, "2026-09", 1, "NaN", "x", "本月完成投资应为有限的数字"),
        ("cq", CHONGQING_PROJECT, "2026-09", "12%", None, "x", "应为金额（亿元），不是比例"),
        ("cq", CHONGQING_PROJECT, "2026-09", -1, None, "x", "不能为负数"),
        (
            "cq",
            CHONGQING_PROJECT,
            "2026-09",
            2,
            3,
            "x",
            "本月完成投资 3 亿元大于年初至本月累计 2 亿元",
        ),
        # HY25 has October's 8.6 on file (the ``reported`` fixture), whatever ran before
        ("cq", REPORTED_PROJECT, "2026-11", 1, None, "x", "小于 2026-10 已报的累计 8.6 亿元"),
        ("cq", CHONGQING_PROJECT, "2026-09", 1, None, " ", "请填写形象进度"),
    ],
)
def test_pjl003_a_dispatch_that_cannot_be_right_is_refused_in_chinese(
    world, reported, who, project, period, ytd, month, progress, message
) -> None:
    who_account = account(world, who) if who else None
    with world() as session:
        before = session.scalar(
            select(models.ProjectReport.id).order_by(models.ProjectReport.id.desc())
        )
    with pytest.raises((DispatchError, AccessDenied), match=message):
        file_dispatch(
            world, who_account, project, period, ytd, progress, TODAY, month_investment=month
        )
    with world() as session:
        after = session.scalar(
            select(models.ProjectReport.id).order_by(models.ProjectReport.id.desc())
        )
    assert after == before  # nothing written


def test_pjl014_amounts_are_read_as_statisticians_write_them(world) -> None:
    """The one number parser: separators, full-width digits, 万 and 亿 in the cell."""
    cq = account(world, "cq")
    for project, typed, ytd in (("HY07", "1,234.5", 1234.5), ("HY24", "５０００万", 0.5)):
        report = file_dispatch(world, cq, project, "2026-03", typed, "施工", TODAY)
        assert report.ytd_investment == pytest.approx(ytd)


def test_pjl015_two_filings_of_one_month_at_once_leave_one_current_report(world) -> None:
    """Validated and written in one transaction with the project locked, and a unique
    partial index behind it: the later filing supersedes the earlier, never both current."""
    cq = account(world, "cq")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def file(value: str) -> None:
        start.wait()
        try:
            file_dispatch(world, cq, "HY28", "2026-05", value, f"施工 {value}", TODAY)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=file, args=(v,)) for v in ("3.1", "3.2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with world() as session:
        versions = reports_frame(session, "HY28", current_only=False)
    month = versions[versions.period == "2026-05"]
    assert len(month) == 2 and month.is_current.sum() == 1
    assert month[month.is_current].id.iloc[0] == month.id.max()  # the later one
    # and the database itself refuses a second current report of the month
    with pytest.raises(IntegrityError), transaction(world) as session:
        session.add(
            models.ProjectReport(
                project_id="HY28", period="2026-05", ytd_investment=1.0, progress="x", actor="x"
            )
        )


def _register(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "项目编号",
            "项目名称",
            "类别",
            "所在地",
            "责任单位",
            "开工年",
            "完工年",
            "总投资（亿元）",
            "项目状态",
            "2026年计划投资（亿元）",
        ]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_pjl004_a_register_file_is_stored_whole_or_not_at_all(world) -> None:
    office = account(world, "office")
    good = _register(
        [
            [
                "CY-001",
                "成渝中线高铁",
                "现代基础设施网络",
                "重庆市、成都市",
                "成渝中线公司",
                2021,
                2027,
                693,
                "续建",
                90,
            ],
            [
                CHONGQING_PROJECT,
                "乌江白马航电枢纽工程",
                "现代基础设施网络",
                "重庆",
                "重庆航运建设发展集团",
                2019,
                2030,
                65.6,
                "续建",
                7.5,
            ],
        ]
    )
    outcome = import_register(world, office, "项目库.xlsx", good)
    assert outcome.ok and (outcome.added, outcome.changed) == (1, 1), outcome.problems
    assert outcome.message == "已导入：新增项目 1 个，更新 1 个"
    with world() as session:
        plans = plans_frame(session).set_index(["project_id", "year"])
        baimao = session.get(models.Project, CHONGQING_PROJECT)
        assert baimao.responsible_unit == "重庆航运建设发展集团" and baimao.seed_line
    assert plans.loc[(CHONGQING_PROJECT, 2026)].tolist() == [7.5, "stated"]
    assert plans.loc[(CHONGQING_PROJECT, 2027)].basis == "derived"  # not in the file: kept
    assert sorted(r for p, r in _regions(world) if p == "CY-001") == ["500000", "510100"]

    bad = _register(
        [
            ["CY-002", "新项目", "现代基础设施网络", "重庆", "某单位", 2026, 2028, 10, "新开工", 3],
            ["CY-003", "坏项目", "交通", "成度", "某单位", 2026, 2028, "十亿", "在建", 3],
        ]
    )
    refused = import_register(world, office, "坏.xlsx", bad)
    assert not refused.ok and refused.message.startswith("未导入：发现错误")
    assert {p.row for p in refused.problems if p.level == "错误"} == {3}
    with world() as session:
        assert session.get(models.Project, "CY-002") is None  # the good row was not stored either

    with pytest.raises(AccessDenied, match="无审核权限"):
        import_register(world, account(world, "cq"), "项目库.xlsx", good)


def test_pjl013_a_register_claiming_a_huge_sheet_is_refused_before_it_is_read(world) -> None:
    """The register is read in the web process (openpyxl): the XFD1048576 workbook and
    a sheet declaring 8 M rows are refused by their declared shape, in Chinese."""
    office = account(world, "office")
    for content in (xfd_bomb(), declared_rows(8_000_000)):
        outcome = import_register(world, office, "项目库.xlsx", content)
        assert not outcome.ok and (outcome.added, outcome.changed) == (0, 0)
        assert "超过上限" in outcome.problems[0].message, outcome.problems


def _regions(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    with factory() as session:
        return [
            tuple(r)
            for r in session.execute(
                select(models.ProjectRegion.project_id, models.ProjectRegion.region_code)
            )
        ]


def test_pjl005_sample_dispatches_are_reproducible_and_marked(world, seeds, tmp_path) -> None:
    counts = []
    for run in ("a", "b"):
        with seeds.copy("sqlite", "ready", tmp_path / run) as url:  # two databases, the same
            engine = make_engine(url)
            factory = make_session_factory(engine)
            load_sample_dispatch(factory, TODAY)
            with factory() as session:
                frame = reports_frame(session)
            counts.append(frame[["project_id", "period", "ytd_investment"]].values.tolist())
            assert frame["sample"].all() and frame.progress.str.startswith("示例数据").all()
            engine.dispose()
    assert counts[0] == counts[1] and len(counts[0]) > 100


def test_pjl006_the_catalogues_category_targets_are_the_notices_figures() -> None:
    """The notice's 2022 totals are targets in the catalogue (plan major_projects_2022)
    and the register pages parse them from the same text: the two must agree."""
    import yaml

    from indicators.project_annex import load_notice
    from workflows.catalogue import CATALOGUE_DIR

    entries = yaml.safe_load((CATALOGUE_DIR / "major_projects_2022.yaml").read_text("utf-8"))[
        "entries"
    ]
    categories, totals = load_notice()
    stated = [
        (c.line, {c.project_count, c.total_investment, c.planned_investment_2022})
        for c in categories
    ] + [
        (
            totals.line,
            {totals.project_count, totals.total_investment, totals.planned_investment_2022},
        )
    ]
    for line, figures in stated:
        in_catalogue = {float(e["value"]) for e in entries if e["line"] == line}
        assert figures <= in_catalogue, (line, figures, in_catalogue)
    assert len(entries) == 3 * (len(categories) + 1)
