"""The major-project register and the monthly dispatch: seeding from the plan's
annex, importing a register file, filing a month's dispatch, and reminding of
late ones.

Seeding: the annex of 共建长江上游航运中心实施方案 (48 projects, parsed from the
seed text by indicators/project_annex/) enters the register on first run.
The annex gives no responsible unit and no annual plan: the unit stays empty
until a register import names it, and each year's plan is the estimate of
indicators.projects.derived_plans (basis ``derived``), which a stated plan
replaces. The annex's projects are all 现代基础设施网络 (shipping
infrastructure); their status is what their years imply this year.
"""

from __future__ import annotations

import logging
import math
import random
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from db import models
from db.catalogue import plan_ids, plans
from db.projects import (
    ProjectRecord,
    file_report,
    has_projects,
    lock_project,
    plans_frame,
    project_regions,
    projects_frame,
    reports_frame,
    store_projects,
)
from db.regions import load_directory
from db.reminders import dispatch_reminder_keys
from db.session import transaction
from indicators.access import AccessDenied, Account, can_report, require_review
from indicators.normalise import NormaliseError, parse_number
from indicators.project_annex import AnnexProject, load_annex, location_regions
from indicators.projects import derived_plans, dispatch_matrix, due_date, months_due, status_in
from indicators.regions import RegionDirectory
from indicators.units import in_yi
from loaders.project_register import RegisterRow, read_register, register_template
from loaders.readers.sandbox import LimitError, Limits, check_shape, current_limits
from loaders.validate import ERROR, Problem

log = logging.getLogger(__name__)

ANNEX_PLAN = "shipping_centre"
ANNEX_PREFIX = "HY"  # 航运
ANNEX_CATEGORY = "现代基础设施网络"
SEEDER = "系统（首次运行）"
SAMPLE_ACTOR = "示例数据"
SAMPLE_SEED = 20220130  # the notice's date: reproducible sample dispatches
_PERIOD = re.compile(r"(\d{4})-(\d{2})")


class DispatchError(ValueError):
    """A dispatch that cannot be stored; the message is Chinese and says why."""


def annex_records(directory: RegionDirectory, year: int) -> list[ProjectRecord]:
    return [_annex_record(p, directory, year) for p in load_annex().projects]


def _annex_record(project: AnnexProject, directory: RegionDirectory, year: int) -> ProjectRecord:
    plans = derived_plans(
        project.start_year,
        project.end_year,
        project.total_investment,
        project.plan_period_investment,
    )
    return ProjectRecord(
        id=f"{ANNEX_PREFIX}{project.number:02d}",
        name=project.name,
        category=ANNEX_CATEGORY,
        location=project.location,
        start_year=project.start_year,
        end_year=project.end_year,
        total_investment=project.total_investment,
        status=status_in(project.start_year, project.end_year, year),
        source=(
            "《共建长江上游航运中心实施方案》附件“共建长江上游航运中心重大基础设施项目”"
            f"{project.section}第 {project.number} 项（第 {project.first_line} 行）"
        ),
        origin="annex",
        region_codes=tuple(location_regions(project.location, directory)),
        plans={y: (amount, "derived") for y, amount in plans.items()},
        plan_id=ANNEX_PLAN,
        section=project.section,
        waterway=project.waterway,
        content=project.content,
        plan_period_investment=project.plan_period_investment,
        remark=project.remark,
        seed_line=project.first_line,
    )


def seed_register(factory: sessionmaker[Session], today: date, sample: bool) -> int:
    """On an empty register: the annex's projects, and with ``sample`` the 示例数据
    dispatches of this year. Returns how many projects were added."""
    with factory() as session:
        if has_projects(session):
            return 0
        directory = load_directory(session)
    records = annex_records(directory, today.year)
    with transaction(factory) as session:
        added, _ = store_projects(session, records, SEEDER)
    if sample:
        load_sample_dispatch(factory, today)
    log.info("首次启动：重大项目库载入 %d 个项目", added)
    return added


def load_sample_dispatch(factory: sessionmaker[Session], today: date) -> int:
    """Synthetic monthly dispatches (示例数据, ``sample`` set) of this year for every
    project with a plan, up to the last month due: each project keeps a pace
    drawn once (80–120 % of its plan's share of the year), every sixth skips the
    latest month (so the pages show late ones), every fifth carries a problem.
    Fixed seed."""
    year = today.year
    due = months_due(year, today)
    rng = random.Random(SAMPLE_SEED + year)
    written = 0
    with transaction(factory) as session:
        projects = projects_frame(session)
        plans = plans_frame(session)
        plans = plans[plans.year == year].set_index("project_id").planned_investment
        planned = [p for p in projects.itertuples(index=False) if p.id in plans.index]
        for n, project in enumerate(planned if due else []):
            pace = rng.uniform(0.8, 1.2)
            last = due - 1 if n % 6 == 5 else due  # every sixth is a month late
            trouble = n % 5 == 2
            ytd = 0.0
            for month in range(1, last + 1):
                target = plans[project.id] * pace * month / 12
                step = round(max(target - ytd, 0.0), 2)
                ytd = round(ytd + step, 2)
                file_report(
                    session,
                    project.id,
                    f"{year}-{month:02d}",
                    ytd,
                    f"示例数据：按计划推进第 {month} 个月",
                    SAMPLE_ACTOR,
                    month_investment=step,
                    problems="示例数据：用地、环评等前期手续待协调" if trouble else None,
                    sample=True,
                )
                written += 1
    return written


@dataclass(frozen=True)
class ImportOutcome:
    added: int
    changed: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not any(p.level == ERROR for p in self.problems)

    @property
    def message(self) -> str:
        if not self.ok:
            errors = sum(p.level == ERROR for p in self.problems)
            return f"未导入：发现错误 {errors} 条，项目库未作任何改动"
        return f"已导入：新增项目 {self.added} 个，更新 {self.changed} 个"


def import_register(
    factory: sessionmaker[Session],
    account: Account | None,
    filename: str,
    content: bytes,
    limits: Limits | None = None,
) -> ImportOutcome:
    """Check a register file and store it whole, or nothing when any row has an
    error. Only the joint office (reviewers, administrators) keeps the register.

    A project already in the register keeps the annual plans the file does not
    give (an annex project's estimates for other years), and its file-given
    years replace the estimates (basis ``stated``).
    """
    reviewer = require_review(account)
    try:  # a register is read in this process: its size and declared shape first
        check_shape(filename, content, limits or current_limits())
    except LimitError as error:
        return ImportOutcome(
            0,
            0,
            [Problem(ERROR, filename, error.sheet or "", error.row, None, None, error.problem)],
        )
    with factory() as session:
        directory = load_directory(session)
        known_plans = plan_ids(session)
    rows, problems = read_register(filename, content, directory, known_plans)
    if any(p.level == ERROR for p in problems) or not rows:
        return ImportOutcome(0, 0, problems)
    with transaction(factory) as session:
        records = [_imported(session, row, filename) for row in rows]
        added, changed = store_projects(session, records, reviewer.username, reviewer.id or None)
    return ImportOutcome(added, changed, problems)


def _imported(session: Session, row: RegisterRow, filename: str) -> ProjectRecord:
    known = session.get(models.Project, row.id)
    plans = {p.year: (p.planned_investment, p.basis) for p in known.plans} if known else {}
    plans.update({year: (amount, "stated") for year, amount in row.annual_plans.items()})
    keep = (lambda name: getattr(known, name)) if known else (lambda name: None)
    return ProjectRecord(
        id=row.id,
        name=row.name,
        category=row.category,
        location=row.location,
        start_year=row.start_year,
        end_year=row.end_year,
        total_investment=row.total_investment,
        status=row.status,
        source=f"项目库文件“{filename}”第 {row.row} 行",
        origin="import",
        region_codes=row.region_codes,
        plans=plans,
        plan_id=row.plan_id or keep("plan_id"),
        section=keep("section"),
        waterway=keep("waterway"),
        content=row.content or keep("content"),
        responsible_unit=row.responsible_unit,
        plan_period_investment=keep("plan_period_investment"),
        remark=row.remark or keep("remark"),
        seed_line=keep("seed_line"),
    )


def file_dispatch(
    factory: sessionmaker[Session],
    account: Account | None,
    project_id: str,
    period: str,
    ytd_investment: float | str | None,
    progress: str | None,
    today: date,
    *,
    month_investment: float | str | None = None,
    problems: str | None = None,
    problems_resolved: bool = False,
) -> models.ProjectReport:
    """Check and store one month's dispatch for a project of the account's regions.

    Refused (DispatchError / AccessDenied, Chinese): a project that is not in the
    register, a month not begun yet, a value that is not a non-negative number,
    a month's investment above the year to date, a year-to-date figure below an
    earlier month's of the same year, no 形象进度.
    """
    if account is None:
        raise AccessDenied("请先登录再报送项目调度信息")
    match = _PERIOD.fullmatch((period or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise DispatchError(f"月份“{period}”无效，应为 YYYY-MM，如 2026-10")
    if due_date(period).replace(day=1) > today:
        raise DispatchError(f"{period} 尚未开始，不能报送")
    ytd = _amount(ytd_investment, "年初至本月累计完成投资", required=True)
    assert ytd is not None  # required
    month = _amount(month_investment, "本月完成投资", required=False)
    if month is not None and month > ytd + 1e-9:
        raise DispatchError(f"本月完成投资 {month:g} 亿元大于年初至本月累计 {ytd:g} 亿元")
    progress_text = (progress or "").strip()
    if not progress_text:
        raise DispatchError("请填写形象进度")
    # checked against the reports as they are, and written, in one transaction with the
    # project locked: two filings of one month take turns, the later superseding
    with transaction(factory) as session:
        project = lock_project(session, project_id)
        if project is None:
            raise DispatchError(f"项目“{project_id}”不在重大项目库中")
        if not any(can_report(account, r.region_code) for r in project.regions):
            raise AccessDenied(
                f"账号“{account.username}”无权报送项目“{project.name}”的调度信息（不在其负责地区）"
            )
        earlier = reports_frame(session, project_id)
        year = period[:4]
        before = earlier[(earlier.period.str.startswith(year)) & (earlier.period < period)]
        if len(before) and ytd + 1e-9 < float(before.ytd_investment.iloc[-1]):
            last = before.iloc[-1]
            raise DispatchError(
                f"年初至本月累计 {ytd:g} 亿元小于 {last.period} 已报的累计 "
                f"{float(last.ytd_investment):g} 亿元"
            )
        return file_report(
            session,
            project_id,
            period,
            ytd,
            progress_text,
            account.username,
            month_investment=month,
            problems=(problems or "").strip() or None,
            problems_resolved=problems_resolved,
            user_id=account.id or None,
        )


def _amount(raw: float | str | None, what: str, required: bool) -> float | None:
    """An amount in 亿元 read by the one number parser of every file
    (indicators.normalise.parse_number): thousands separators and full-width digits
    as statisticians type them, 亿 or 万 written in the cell; nothing infinite,
    NaN-like, negative or in per cent."""
    if isinstance(raw, str) and raw.strip().lower().lstrip("+-") == "nan":
        raise DispatchError(f"{what}应为有限的数字（亿元），收到“{raw}”")
    try:
        number = parse_number(raw.strip() if isinstance(raw, str) else raw)
    except NormaliseError as error:
        raise DispatchError(f"{what}应为有限的数字（亿元）：{error}") from None
    if number.value is None:
        if required:
            raise DispatchError(f"请填写{what}（亿元）")
        return None
    if number.sign:
        raise DispatchError(f"{what}应为金额（亿元），不是比例，收到“{raw}”")
    value = number.value * in_yi(number.prefix)  # 5000万 is 0.5 亿元
    if not math.isfinite(value):
        raise DispatchError(f"{what}应为有限的数字（亿元），收到“{raw}”")
    if value < 0:
        raise DispatchError(f"{what}不能为负数，收到 {raw}")
    return value


def overdue_dispatch_reminders(session: Session, today: date) -> int:
    """One reminder per project × month of this year whose dispatch is late, to
    the project's first region (its reporters see it); each written once."""
    projects = projects_frame(session)
    reports = reports_frame(session)
    late = dispatch_matrix(projects, reports, today.year, today)
    late = late[late.state == "overdue"]
    if late.empty:
        return 0
    known = dispatch_reminder_keys(session)
    first_region: dict[str, str] = {}
    for project_id, code in sorted(project_regions(session)):
        first_region.setdefault(project_id, code)
    names = projects.set_index("id").name
    created = 0
    for row in late.itertuples(index=False):
        region = first_region.get(row.project_id)
        if (row.project_id, row.period) in known or region is None:
            continue
        session.add(
            models.Reminder(
                region_code=region,
                indicator_id=None,
                project_id=row.project_id,
                period=row.period,
                due_date=row.due_date,
                kind="dispatch",
                message=(
                    f"重大项目“{names[row.project_id]}” {row.period} 调度信息已逾期"
                    f"（应于 {row.due_date:%Y-%m-%d} 前报送）"
                ),
            )
        )
        created += 1
    return created


def blank_register(factory: sessionmaker[Session], year: int) -> bytes:
    """The empty register (.xlsx) to fill in and import: ``year``'s and the next
    year's plan columns, the stored catalogue's plan ids on its 说明 sheet."""
    with factory() as session:
        known = [plan.id for plan in plans(session)]  # in the compilation's order
    return register_template(years=(year, year + 1), plan_ids=known)
