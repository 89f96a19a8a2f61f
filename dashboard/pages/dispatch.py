"""项目调度: the monthly dispatch of the major projects — the year's completed
investment against plan by category, region and in total (the share of
dispatches due as the expected line), the projects behind plan, late or with
unresolved problems, which month each project has reported, and the form on
which a project's region files its month.

Reading follows the app's read rule; filing needs an account that reports for
one of the project's regions, checked again in loaders/projects.file_dispatch.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from config.clock import beijing_today
from dashboard.auth import current_account
from dashboard.components.grid import WRAPPED, grid
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.status import REPORTING_COLOURS
from dashboard.context import region_directory, session_factory
from dashboard.figures import category_progress_chart
from dashboard.i18n import dropdown_labels, href, lang_of, region_name, t
from dashboard.maps import MAP_GRAPH_CONFIG, mapped_codes, value_map
from dashboard.project_data import progress, register
from dashboard.security import bounded_year, link_year
from indicators.access import AccessDenied, Account, can_report
from indicators.formatting import share_text
from indicators.projects import (
    BEHIND_TOLERANCE,
    CATEGORIES,
    CATEGORIES_EN,
    DISPATCH_STATES_EN,
    DISPATCH_STATES_ZH,
    dispatch_matrix,
    months_due,
    region_groups,
    rollup,
)
from workflows.projects import DispatchError, file_dispatch

dash.register_page(__name__, path="/dispatch", name="项目调度", title="项目调度 · 成渝监测平台")

# a dispatch is reported or not (no review); months not begun lighter, as most of the grid
STATE_COLOURS = {
    **{s: REPORTING_COLOURS[s] for s in ("approved", "overdue", "missing")},
    "not_due": "#EEEEEE",
}


class Ids(StrEnum):
    YEAR = "dispatch-year"
    BODY = "dispatch-body"
    PROJECT = "dispatch-project"
    MONTH = "dispatch-month"
    MONTH_INV = "dispatch-month-investment"
    YTD = "dispatch-ytd"
    PROGRESS = "dispatch-progress"
    PROBLEMS = "dispatch-problems"
    RESOLVED = "dispatch-resolved"
    SEND = "dispatch-send"
    RESULT = "dispatch-result"


def _amount(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:,.2f}"


def _category(name: str, lang: str) -> str:
    return CATEGORIES_EN.get(name, name) if lang == "en" else name


def summary_cards(frame: pd.DataFrame, year: int, expected: float, lang: str) -> dbc.Row:
    planned, ytd = frame.planned.sum(), frame.ytd.fillna(0).sum()
    cards = [
        (
            t(lang, f"{year}年计划投资", f"Planned {year}"),
            f"{planned:,.1f} " + t(lang, "亿元", "100 m yuan"),
        ),
        (
            t(lang, "年初至今完成", "Completed to date"),
            f"{ytd:,.1f} " + t(lang, "亿元", "100 m yuan"),
        ),
        (t(lang, "完成率", "Completion"), share_text(ytd / planned if planned else None)),
        (t(lang, "时序进度（应报月份/12）", "Expected (months due / 12)"), share_text(expected)),
        (t(lang, "滞后项目", "Behind plan"), str(int(frame.behind.sum()))),
        (t(lang, "逾期未报", "Late dispatch"), str(int(frame.late.sum()))),
        (t(lang, "待协调问题", "Open problems"), str(int(frame.problems.notna().sum()))),
    ]
    return dbc.Row(
        [
            dbc.Col(
                dbc.Card(
                    dbc.CardBody(
                        [
                            html.Div(label, className="small text-muted"),
                            html.Div(value, className="fs-4 fw-bold"),
                        ]
                    ),
                    id=f"dispatch-card-{i}",
                ),
                xs=6,
                md=3,
                xl=True,
                className="mb-2",
            )
            for i, (label, value) in enumerate(cards)
        ],
        className="g-2",
    )


def by_category(frame: pd.DataFrame) -> pd.DataFrame:
    """The year's roll-up per category, every category in the notice's order."""
    groups = register().projects.rename(columns={"id": "project_id"})
    return rollup(frame, groups, "category").set_index("category").reindex(list(CATEGORIES))


def category_table(summed: pd.DataFrame, lang: str) -> dag.AgGrid:
    rows = [
        {
            "category": _category(name, lang),
            "projects": int(row.projects) if pd.notna(row.projects) else 0,
            "planned": _amount(row.planned),
            "ytd": _amount(row.ytd),
            "rate": share_text(row.rate),
            "behind": int(row.behind) if pd.notna(row.behind) else 0,
            "late": int(row.late) if pd.notna(row.late) else 0,
        }
        for name, row in summed.iterrows()
    ]
    return grid(
        "dispatch-categories",
        [
            ("category", "类别", "Category", 200),
            ("projects", "有计划的项目", "Projects with a plan", 130),
            ("planned", "年度计划（亿元）", "Planned (100 m yuan)", 150),
            ("ytd", "年初至今完成（亿元）", "Completed (100 m yuan)", 170),
            ("rate", "完成率", "Completion", 100),
            ("behind", "滞后", "Behind", 80),
            ("late", "逾期未报", "Late", 100),
        ],
        lang,
        rows=rows,
        default_column=WRAPPED,
    )


def region_map(frame: pd.DataFrame, lang: str) -> dict[str, Any] | None:
    """Every drawn unit coloured by the completion rate of the projects of the
    region it lies in (a province's projects colour all its units)."""
    summed = rollup(frame, region_groups(register().regions.itertuples(index=False)), "region_code")
    if summed.empty:
        return None
    directory = region_directory()
    by_region = summed.set_index("region_code")
    hover: dict[str, str] = {}
    values: dict[str, float] = {}
    for code in mapped_codes(directory):
        owner = _nearest(code, set(by_region.index), directory)
        if owner is None or pd.isna(by_region.loc[owner, "rate"]):
            continue
        row = by_region.loc[owner]
        values[code] = round(float(row.rate) * 100, 1)
        hover[code] = f"<b>{region_name(directory[code], lang)}</b><br>" + t(
            lang,
            f"{region_name(directory[owner], lang)}：{int(row.projects)} 个项目，完成 {share_text(row.rate)}",
            f"{region_name(directory[owner], lang)}: {int(row.projects)} projects, {share_text(row.rate)} done",
        )
    return value_map(hover, values, "%", height=420) if values else None


def _nearest(code: str, wanted: set[str], directory: Any) -> str | None:
    return next((c for c in directory.lineage(code) if c in wanted), None)


def project_list(frame: pd.DataFrame, lang: str, table_id: str) -> Any:
    if frame.empty:
        return html.P(t(lang, "无。", "None."), className="text-muted", id=table_id)
    rows = [
        {
            "project": f"[{r.name}]({href('/projects', lang, id=r.project_id)})",
            "regions": r.region_names,
            "planned": _amount(r.planned),
            "ytd": _amount(r.ytd),
            "rate": share_text(r.rate),
            "expected": share_text(r.expected),
            "latest": r.latest_period or "—",
            "problems": r.problems if isinstance(r.problems, str) else "",
        }
        for r in frame.itertuples(index=False)
    ]
    return grid(
        table_id,
        [
            ("project", "项目", "Project", 260),
            ("regions", "地区", "Region", 90),
            ("planned", "年度计划（亿元）", "Planned", 130),
            ("ytd", "年初至今（亿元）", "To date", 130),
            ("rate", "完成率", "Done", 90),
            ("expected", "时序进度", "Expected", 100),
            ("latest", "最近报送", "Last month", 110),
            ("problems", "待协调问题", "Open problems", 260),
        ],
        lang,
        rows=rows,
        default_column=WRAPPED,
        column_extra={"project": {"cellRenderer": "markdown"}},
    )


def matrix_grid(year: int, today: date, lang: str) -> dag.AgGrid:
    data = register()
    matrix = dispatch_matrix(data.projects, data.reports, year, today)
    words = DISPATCH_STATES_EN if lang == "en" else DISPATCH_STATES_ZH
    names = data.projects.set_index("id").name
    wide = matrix.pivot(index="project_id", columns="period", values="state")
    rows = [
        {"project": f"{pid} {names[pid]}", **{p[5:]: words[s] for p, s in states.items()}}
        for pid, states in wide.iterrows()
    ]
    months = [f"{m:02d}" for m in range(1, 13)]
    conditions = [
        {
            "condition": f"params.value == '{words[s]}'",
            "style": {"backgroundColor": c, "color": "#000" if s != "overdue" else "#fff"},
        }
        for s, c in STATE_COLOURS.items()
    ]
    return grid(
        "dispatch-matrix",
        [("project", "项目", "Project", 280)] + [(m, f"{int(m)}月", m, 92) for m in months],
        lang,
        rows=rows,
        column_extra={"project": {"pinned": "left"}}
        | {m: {"filter": False, "cellStyle": {"styleConditions": conditions}} for m in months},
        # every project's row rendered (a register of a few hundred at most), so the page
        # prints whole and each row can be found
        height=None,
    )


def body(year: int, lang: str) -> list[Any]:
    today = beijing_today()
    frame = progress(year, today, lang)
    if frame.empty:
        return [
            dbc.Alert(
                t(lang, f"{year} 年没有项目的年度计划。", f"No project has a plan for {year}."),
                color="info",
            )
        ]
    due = months_due(year, today)
    expected = due / 12
    summed = by_category(frame)
    planned, ytd = frame.planned.sum(), frame.ytd.fillna(0).sum()
    behind = frame[frame.behind].sort_values("rate")
    late = frame[frame.late]
    troubled = frame[frame.problems.notna()]
    figure = region_map(frame, lang)
    sample = bool(register().reports["sample"].any())  # False on no reports at all
    return [
        dbc.Alert(
            t(
                lang,
                "示例数据：调度信息为合成的示例数据（非真实报送），仅供演示；各项目报送后逐月替换。",
                "示例数据 · sample data: the dispatches shown are synthetic, for demonstration only.",
            ),
            color="warning",
            className="py-2",
        )
        if sample
        else None,
        html.P(
            t(
                lang,
                f"截至 {today:%Y-%m-%d}：{year} 年应报 {due} 个月的调度信息（每月 25 日前报送当月）。"
                f"完成率低于时序进度 {BEHIND_TOLERANCE:.0%} 以上为滞后；年度计划为“估算”的，按规划附件投资在建设年限内平均分摊，待项目单位报送年度计划后替换。",
                f"As of {today:%Y-%m-%d}: {due} monthly dispatches of {year} are due "
                f"(each month's by its 25th). Behind plan: completion more than {BEHIND_TOLERANCE:.0%} below the expected share. "
                "Plans marked derived spread the annex's investment evenly over the project's years.",
            ),
            className="small text-muted",
        ),
        summary_cards(frame, year, expected, lang),
        html.H3(t(lang, "分类别进度", "By category"), className="h5 mt-3"),
        dcc.Graph(
            id="dispatch-category-chart",
            figure=category_progress_chart(
                [_category(c, lang) for c in CATEGORIES],
                [None if pd.isna(r) else float(r) for r in summed.rate],
                ytd / planned,
                expected,
                lang,
            ),
            config={"displaylogo": False},
        ),
        category_table(summed, lang),
        html.H3(t(lang, "分地区进度", "By region"), className="h5 mt-3"),
        dcc.Graph(id="dispatch-map", figure=figure, config=MAP_GRAPH_CONFIG)
        if figure
        else html.P("—"),
        html.H3(
            t(lang, f"滞后项目（{len(behind)}）", f"Behind plan ({len(behind)})"),
            className="h5 mt-3",
        ),
        project_list(behind, lang, "dispatch-behind"),
        html.H3(
            t(lang, f"逾期未报（{len(late)}）", f"Late dispatch ({len(late)})"), className="h5 mt-3"
        ),
        project_list(late, lang, "dispatch-late"),
        html.H3(
            t(lang, f"待协调问题（{len(troubled)}）", f"Open problems ({len(troubled)})"),
            className="h5 mt-3",
        ),
        project_list(troubled, lang, "dispatch-troubled"),
        html.H3(t(lang, "逐月报送情况", "Dispatch by month"), className="h5 mt-3"),
        matrix_grid(year, today, lang),
    ]


def _filable(account: Account | None, year: int) -> list[dict[str, str]]:
    """The projects under way in ``year`` the account may file for."""
    if account is None:
        return []
    data = register()
    regions = data.regions.groupby("project_id").region_code.apply(list)
    under_way = data.projects[(data.projects.start_year <= year) & (data.projects.end_year >= year)]
    return [
        {"value": p.id, "label": f"{p.id} {p.name}"}
        for p in under_way.itertuples(index=False)
        if any(can_report(account, c) for c in regions.get(p.id, []))
    ]


def form(account: Account | None, year: int, today: date, lang: str) -> Any:
    options = _filable(account, year)
    if not options:
        return None
    month = f"{today.year}-{today.month:02d}" if today.year == year else f"{year}-12"
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3(t(lang, "报送当月调度信息", "File this month's dispatch"), className="h5"),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label(t(lang, "项目", "Project"), html_for=Ids.PROJECT),
                                dcc.Dropdown(
                                    id=Ids.PROJECT, options=options, labels=dropdown_labels(lang)
                                ),
                            ],
                            md=5,
                        ),
                        *(
                            dbc.Col(
                                [
                                    dbc.Label(t(lang, *label), html_for=id_),
                                    dbc.Input(id=id_, type="text", value=value),
                                ],
                                md=width,
                            )
                            for id_, label, value, width in [
                                (Ids.MONTH, ("月份", "Month"), month, 2),
                                (
                                    Ids.MONTH_INV,
                                    ("本月完成投资（亿元）", "This month (100 m yuan)"),
                                    None,
                                    2,
                                ),
                                (
                                    Ids.YTD,
                                    ("年初至本月累计（亿元）", "Year to date (100 m yuan)"),
                                    None,
                                    3,
                                ),
                            ]
                        ),
                    ],
                    className="g-2",
                ),
                dbc.Label(
                    t(lang, "形象进度", "Physical progress"),
                    html_for=Ids.PROGRESS,
                    className="mt-2",
                ),
                dbc.Textarea(id=Ids.PROGRESS),
                dbc.Label(
                    t(
                        lang,
                        "需协调解决的问题（无则留空）",
                        "Problems needing coordination (blank if none)",
                    ),
                    html_for=Ids.PROBLEMS,
                    className="mt-2",
                ),
                dbc.Textarea(id=Ids.PROBLEMS),
                dbc.Checkbox(
                    id=Ids.RESOLVED,
                    label=t(lang, "上月所报问题已解决", "Earlier problems resolved"),
                    className="mt-2",
                ),
                dbc.Button(t(lang, "报送", "File"), id=Ids.SEND, color="primary", className="mt-2"),
                html.Div(id=Ids.RESULT, className="mt-2"),
            ]
        ),
        className="mb-3",
    )


def layout(year: str | None = None, lang: str | None = None, **_query: str) -> html.Div:
    lang = lang_of(lang)
    today = beijing_today()
    chosen = link_year(year) or today.year
    years = sorted({today.year, today.year - 1, chosen}, reverse=True)
    return html.Div(
        [
            html.H2(t(lang, "项目调度", "Project dispatch"), className="h3"),
            html.P(
                t(
                    lang,
                    "共建重大项目逐月调度：年初至今完成投资对照年度计划，滞后项目和待协调问题供联合办公室跟进。",
                    "Monthly dispatch of the joint major projects: investment completed to date against the "
                    "year's plan; projects behind plan and open problems for the joint office.",
                ),
                className="text-muted",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.YEAR,
                            options=[{"value": y, "label": str(y)} for y in years],
                            value=chosen,
                            clearable=False,
                        ),
                        md=2,
                    ),
                    dbc.Col(
                        html.A(
                            t(lang, "重大项目库", "Project register"),
                            href=href("/projects", lang),
                            className="small",
                        ),
                        className="pt-2",
                    ),
                ],
                className="mb-2",
            ),
            form(current_account(), chosen, today, lang),
            dcc.Loading(html.Div(body(chosen, lang), id=Ids.BODY), type="dot"),
        ]
    )


@callback(
    Output(Ids.BODY, "children", allow_duplicate=True),
    Input(Ids.YEAR, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def change_year(year: int, search: str | None) -> list[Any]:
    return body(bounded_year(year), lang_of(search))


@callback(
    Output(Ids.RESULT, "children"),
    Output(Ids.BODY, "children"),
    Input(Ids.SEND, "n_clicks"),
    State(Ids.PROJECT, "value"),
    State(Ids.MONTH, "value"),
    State(Ids.MONTH_INV, "value"),
    State(Ids.YTD, "value"),
    State(Ids.PROGRESS, "value"),
    State(Ids.PROBLEMS, "value"),
    State(Ids.RESOLVED, "value"),
    State(Ids.YEAR, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def send(
    _n: int | None,
    project: str | None,
    month: str | None,
    month_investment: str | None,
    ytd: str | None,
    progress_text: str | None,
    problems: str | None,
    resolved: bool | None,
    year: int,
    search: str | None,
) -> tuple[Any, Any]:
    lang = lang_of(search)
    if not project:
        return dbc.Alert(t(lang, "请选择项目", "Choose a project"), color="warning"), dash.no_update
    try:
        report = file_dispatch(
            session_factory(),
            current_account(),
            project,
            month or "",
            ytd,
            progress_text,
            beijing_today(),
            month_investment=month_investment,
            problems=problems,
            problems_resolved=bool(resolved),
        )
    except (DispatchError, AccessDenied) as error:
        return dbc.Alert(str(error), color="danger", id="dispatch-outcome"), dash.no_update
    done = t(
        lang,
        f"已报送：{project} {report.period}，年初至本月累计 {report.ytd_investment:g} 亿元",
        f"Filed: {project} {report.period}, {report.ytd_investment:g} to date",
    )
    return dbc.Alert(done, color="success", id="dispatch-outcome"), body(bounded_year(year), lang)
