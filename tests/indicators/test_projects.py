from datetime import date

import pandas as pd
import pytest

from indicators.projects import (
    derived_plans,
    dispatch_matrix,
    months_due,
    project_progress,
    region_groups,
    rollup,
    status_in,
)

PROJECTS = pd.DataFrame(
    {
        "id": ["A", "B", "C", "D"],
        "category": ["现代基础设施网络", "现代基础设施网络", "公共服务", "公共服务"],
        "start_year": [2024, 2026, 2025, 2019],
        "end_year": [2027, 2026, 2028, 2022],
    }
)
PLANS = pd.DataFrame(
    {
        "project_id": ["A", "B", "C"],
        "year": [2026, 2026, 2026],
        "planned_investment": [12.0, 6.0, 24.0],
        "basis": ["stated", "derived", "stated"],
    }
)


def _reports(rows: list[tuple[str, str, float, str | None, bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(p, m, ytd, f"{p} {m}", problems, resolved) for p, m, ytd, problems, resolved in rows],
        columns=[
            "project_id",
            "period",
            "ytd_investment",
            "progress",
            "problems",
            "problems_resolved",
        ],
    )


def test_prj001_status_follows_the_years() -> None:
    assert [status_in(2024, 2026, y) for y in (2023, 2024, 2025, 2026, 2027)] == [
        "前期",
        "新开工",
        "续建",
        "续建",
        "建成投用",
    ]


def test_prj002_derived_plans_spread_the_annex_figures() -> None:
    # 2023–2027, 十四五 30 of 50: 10 a year in 2023–2025, the other 20 over 2026–2027
    assert derived_plans(2023, 2027, 50, 30) == {2023: 10, 2024: 10, 2025: 10, 2026: 10, 2027: 10}
    assert derived_plans(2021, 2022, 8, 8) == {2021: 4, 2022: 4}
    assert derived_plans(2020, 2023, 13, None) == {}  # no 十四五 figure: nothing estimated


def test_prj003_a_months_dispatch_is_due_on_its_25th() -> None:
    assert months_due(2026, date(2026, 11, 22)) == 10
    assert months_due(2026, date(2026, 11, 25)) == 10  # the 25th itself is still on time
    assert months_due(2026, date(2026, 11, 26)) == 11
    assert months_due(2025, date(2026, 1, 1)) == 12 and months_due(2027, date(2026, 1, 1)) == 0


def test_prj004_the_matrix_owes_months_of_projects_under_way_only() -> None:
    reports = _reports([("A", "2026-10", 9.0, None, False)])
    matrix = dispatch_matrix(PROJECTS, reports, 2026, date(2026, 11, 22))
    assert set(matrix.project_id) == {"A", "B", "C"}  # D ended in 2022
    states = matrix.set_index(["project_id", "period"]).state
    assert states[("A", "2026-10")] == "approved"
    assert states[("B", "2026-10")] == "overdue"
    assert states[("A", "2026-11")] == "missing" and states[("A", "2026-12")] == "not_due"


def test_prj005_behind_plan_is_more_than_ten_points_under_the_years_share() -> None:
    reports = _reports(
        [
            ("A", "2026-09", 7.0, None, False),
            ("A", "2026-10", 8.5, "征地拆迁待协调", False),  # 71 % of plan, 83 % of the year due
            ("B", "2026-10", 4.5, "已解决的问题", True),  # 75 %: within 10 points
            ("C", "2026-09", 20.0, None, False),  # no October: late, not behind
        ]
    )
    progress = project_progress(PLANS, reports, 2026, date(2026, 11, 22)).set_index("project_id")
    assert progress.loc["A", "rate"] == pytest.approx(8.5 / 12)
    assert progress.loc["A", "expected"] == pytest.approx(10 / 12)
    assert bool(progress.loc["A", "behind"]) and progress.loc["A", "problems"] == "征地拆迁待协调"
    assert not progress.loc["B", "behind"] and pd.isna(progress.loc["B", "problems"])
    assert progress.loc["C", "late"] and not progress.loc["C", "behind"]
    assert progress.loc["A", "latest_period"] == "2026-10"


def test_prj006_rollups_sum_plans_and_completion_by_group() -> None:
    reports = _reports([("A", "2026-10", 9.0, None, False), ("C", "2026-10", 6.0, None, False)])
    progress = project_progress(PLANS, reports, 2026, date(2026, 11, 22))
    by_category = rollup(progress, PROJECTS.rename(columns={"id": "project_id"}), "category")
    row = by_category.set_index("category").loc["现代基础设施网络"]
    assert (row.projects, row.planned, row.ytd, row.late) == (2, 18.0, 9.0, 1)
    regions = region_groups([("A", "500000"), ("A", "510000"), ("C", "510000")])
    by_region = rollup(progress, regions, "region_code").set_index("region_code")
    assert by_region.loc["510000", "planned"] == 36.0  # a project in two regions counts in both
    assert by_region.loc["510000", "rate"] == pytest.approx(15 / 36)


@pytest.mark.parametrize("path", ["docs/methodology.md", "docs/methodology.en.md"])
def test_prj007_the_methodologys_worked_example(path: str) -> None:
    """docs/methodology.md §10, example 12: 8.5 of 12 by October is behind, 9.0 is not."""
    from config.settings import PROJECT_ROOT

    text = (PROJECT_ROOT / path).read_text(encoding="utf-8")
    assert "8.5/12 = 70.8%" in text.replace(" %", "%") and "10/12 = 83.3%" in text.replace(
        " %", "%"
    )
    for ytd, behind in [(8.5, True), (9.0, False)]:
        reports = _reports([("A", "2026-10", ytd, None, False)])
        row = project_progress(PLANS, reports, 2026, date(2026, 11, 22)).iloc[0]
        assert round(row.rate * 100, 1) == round(ytd / 12 * 100, 1)
        assert bool(row.behind) is behind
