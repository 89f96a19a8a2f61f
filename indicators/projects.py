"""Major projects (重大项目) as targets with progress: the register's words, the
estimate of a year's plan where the register has none, and the monthly
dispatch judged against the plan.

The joint office's notice of 2022-01-30 asks each project's dispatch of the
month (当月调度信息) by the 25th of that month. Progress of a year is the
investment completed from January to the latest month reported (year to date)
over the year's planned investment; the expected line is the share of the
year's dispatches already due (as of 22 November: January–October, 10/12),
because a figure for November cannot be asked before 25 November. A project is
behind plan (滞后) when its completion rate falls more than
``BEHIND_TOLERANCE`` (10 percentage points) below that line; a project whose
dispatch is late has no rate and is listed as such, not as behind.

Pure pandas: the frames come from db/projects.py, so the rules are tested on
small hand-made frames.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from indicators.reporting_calendar import cell_state

CATEGORIES = (
    "现代基础设施网络",
    "现代产业体系",
    "科技创新中心",
    "巴蜀文化旅游走廊",
    "生态屏障",
    "公共服务",
)
CATEGORIES_EN = {
    "现代基础设施网络": "modern infrastructure",
    "现代产业体系": "modern industry",
    "科技创新中心": "science and innovation centre",
    "巴蜀文化旅游走廊": "Bashu culture and tourism corridor",
    "生态屏障": "ecological barrier",
    "公共服务": "public services",
}
STATUSES = ("前期", "新开工", "续建", "建成投用")
STATUSES_EN = {
    "前期": "preparation",
    "新开工": "starting",
    "续建": "under construction",
    "建成投用": "in service",
}
DUE_DAY = 25
PLAN_PERIOD = (2021, 2025)  # 十四五
BEHIND_TOLERANCE = 0.10
DISPATCH_STATES_ZH = {
    "approved": "已报送",
    "overdue": "逾期未报",
    "missing": "待报送",
    "not_due": "未到报送期",
}
DISPATCH_STATES_EN = {
    "approved": "reported",
    "overdue": "overdue",
    "missing": "awaiting report",
    "not_due": "not yet due",
}


# what project_progress returns for each project
PROGRESS_COLUMNS = [
    "project_id",
    "planned",
    "basis",
    "ytd",
    "latest_period",
    "rate",
    "expected",
    "behind",
    "late",
    "progress",
    "problems",
]


def status_in(start_year: int, end_year: int, year: int) -> str:
    """The register status a project's years imply in ``year``: before its start
    前期, in its first year 新开工, up to its last year 续建, after it 建成投用."""
    if year < start_year:
        return "前期"
    if year == start_year:
        return "新开工"
    if year <= end_year:
        return "续建"
    return "建成投用"


def derived_plans(
    start_year: int, end_year: int, total: float, plan_period: float | None
) -> dict[int, float]:
    """Estimated annual plans from an annex's figures, for a register that gives
    none: the 十四五 investment spread evenly over the project's years within
    2021–2025, the rest of the total evenly over its years outside them. Nothing
    when the annex gives no 十四五 figure (a central-government project)."""
    if plan_period is None:
        return {}
    years = range(start_year, end_year + 1)
    inside = [y for y in years if PLAN_PERIOD[0] <= y <= PLAN_PERIOD[1]]
    outside = [y for y in years if y not in inside]
    plans: dict[int, float] = {}
    if inside:
        plans.update({y: round(plan_period / len(inside), 4) for y in inside})
    rest = total - (plan_period if inside else 0.0)
    if outside and rest > 0:
        plans.update({y: round(rest / len(outside), 4) for y in outside})
    return plans


def due_date(period: str) -> date:
    """A month's dispatch (``2026-10``) is due on the 25th of that month."""
    year, month = (int(x) for x in period.split("-"))
    return date(year, month, DUE_DAY)


def months_due(year: int, as_of: date) -> int:
    """How many of ``year``'s monthly dispatches are due by ``as_of`` (0–12)."""
    if as_of.year < year:
        return 0
    if as_of.year > year:
        return 12
    return as_of.month if as_of.day > DUE_DAY else as_of.month - 1


def months_of(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def dispatch_matrix(
    projects: pd.DataFrame, reports: pd.DataFrame, year: int, as_of: date
) -> pd.DataFrame:
    """Project × month of ``year`` with the state of its dispatch: reported
    (``approved``), ``overdue`` (nothing after the 25th), ``missing`` (this
    month, not yet the 25th) or ``not_due`` (a month not begun). Only projects
    under way in that year (start ≤ year ≤ end) owe dispatches.

    ``projects``: id, start_year, end_year; ``reports``: project_id, period
    (current reports only). Columns: project_id, period, due_date, state.
    """
    owing = projects[(projects.start_year <= year) & (projects.end_year >= year)]
    filed = set(zip(reports.project_id, reports.period, strict=True)) if len(reports) else set()
    rows = []
    for project_id in owing.id:
        for period in months_of(year):
            due = due_date(period)
            got = (project_id, period) in filed
            state = cell_state(got, got, due, as_of, opens=due.replace(day=1))
            rows.append((project_id, period, due, state))
    return pd.DataFrame(rows, columns=["project_id", "period", "due_date", "state"])


def project_progress(
    plans: pd.DataFrame,
    reports: pd.DataFrame,
    year: int,
    as_of: date,
) -> pd.DataFrame:
    """One row per project with a plan for ``year``: planned, completed year to
    date (the latest current report of the year), the month it runs to, the
    completion rate, the expected share (months due / 12), behind (bool), late
    (no report for a month already due), and the latest report's unresolved
    problems.

    ``plans``: project_id, year, planned_investment, basis; ``reports``:
    project_id, period, ytd_investment, problems, problems_resolved, progress.
    """
    year_plans = plans[(plans.year == year) & (plans.planned_investment > 0)]
    if year_plans.empty:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    due = months_due(year, as_of)
    expected = due / 12
    of_year = reports[reports.period.str.startswith(f"{year}-")] if len(reports) else reports
    latest = (
        of_year.sort_values("period").groupby("project_id").tail(1).set_index("project_id")
        if len(of_year)
        else pd.DataFrame(
            columns=["period", "ytd_investment", "problems", "problems_resolved", "progress"]
        )
    )
    last_due = f"{year}-{due:02d}" if due else None
    rows = []
    for plan in year_plans.itertuples(index=False):
        report = latest.loc[plan.project_id] if plan.project_id in latest.index else None
        ytd = float(report.ytd_investment) if report is not None else None
        period = report.period if report is not None else None
        late = last_due is not None and (period is None or period < last_due)
        rate = ytd / plan.planned_investment if ytd is not None else None
        behind = rate is not None and not late and rate < expected - BEHIND_TOLERANCE
        open_problems = (
            report.problems
            if report is not None and report.problems and not report.problems_resolved
            else None
        )
        rows.append(
            (
                plan.project_id,
                float(plan.planned_investment),
                plan.basis,
                ytd,
                period,
                rate,
                expected,
                behind,
                late,
                report.progress if report is not None else None,
                open_problems,
            )
        )
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


def rollup(progress: pd.DataFrame, groups: pd.DataFrame, by: str) -> pd.DataFrame:
    """Planned and completed investment summed over the groups in ``groups``
    (columns project_id and ``by``: a category, a region — a project in two
    regions counts in both — or one constant for the total), with the rate, the
    number of projects, of those behind, of those late."""
    columns = [by, "projects", "planned", "ytd", "rate", "behind", "late"]
    if progress.empty:
        return pd.DataFrame(columns=columns)
    joined = progress.drop(columns=[by], errors="ignore").merge(
        groups[["project_id", by]], on="project_id"
    )
    summed = joined.groupby(by).agg(
        projects=("project_id", "nunique"),
        planned=("planned", "sum"),
        ytd=("ytd", lambda s: s.fillna(0).sum()),
        behind=("behind", "sum"),
        late=("late", "sum"),
    )
    summed["rate"] = summed.ytd / summed.planned
    return summed.reset_index()[columns]


def region_groups(project_regions: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """(project_id, region_code) pairs as the ``groups`` frame of :func:`rollup`."""
    return pd.DataFrame(list(project_regions), columns=["project_id", "region_code"])
