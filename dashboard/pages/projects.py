"""重大项目: the register of major projects with filters, the 2022 notice's
category totals beside what the register holds, one project's record and
dispatch history (``?id=``), and — for the joint office — the import of a
register file (whole or nothing, checked in loaders/projects.import_register).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from config.clock import beijing_today
from dashboard.auth import current_account
from dashboard.components.grid import WRAPPED, Column, grid
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.picker import picker
from dashboard.components.validation import problems_grid
from dashboard.context import region_directory, session_factory
from dashboard.i18n import href, lang_of, region_name, t
from dashboard.project_data import progress, region_names, register
from dashboard.uploads import UploadError, decode_upload, upload_limits
from db.projects import reports_frame
from indicators.access import AccessDenied, can_review
from indicators.formatting import share_text
from indicators.project_annex import load_notice
from indicators.projects import CATEGORIES, CATEGORIES_EN, STATUSES, STATUSES_EN
from workflows.projects import import_register

dash.register_page(__name__, path="/projects", name="重大项目", title="重大项目 · 成渝监测平台")

# A project's dispatch history, newest first
HISTORY: list[Column] = [
    ("period", "月份", "Month", 90),
    ("month", "本月完成", "Month", 100),
    ("ytd", "年初至本月", "To date", 110),
    ("progress", "形象进度", "Progress", 260),
    ("problems", "待协调问题", "Problems", 220),
    ("by", "报送人", "By", 100),
    ("current", "版本", "Version", 90),
]

COLUMNS = [
    ("project", "项目", "Project", 300),
    ("category", "类别", "Category", 140),
    ("regions", "所在地", "Location", 90),
    ("unit", "责任单位", "Responsible unit", 150),
    ("years", "建设年限", "Years", 110),
    ("total", "总投资（亿元）", "Total (100 m yuan)", 130),
    ("status", "状态", "Status", 90),
    ("planned", "本年计划（亿元）", "Plan this year", 130),
    ("ytd", "本年累计完成", "Done this year", 120),
    ("rate", "完成率", "Done", 80),
    ("flag", "调度", "Dispatch", 110),
]


class Ids(StrEnum):
    CATEGORY = "projects-category"
    REGION = "projects-region"
    STATUS = "projects-status"
    GRID = "projects-grid"
    SHARE = "projects-share"
    UPLOAD = "projects-upload"
    RESULT = "projects-import-result"
    PROBLEMS = "projects-import-problems"


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _rows(
    category: str | None, region: str | None, status: str | None, lang: str
) -> list[dict[str, Any]]:
    data = register()
    projects = data.projects
    if category:
        projects = projects[projects.category == category]
    if status:
        projects = projects[projects.status == status]
    if region:
        projects = projects[
            projects.id.isin(data.regions[data.regions.region_code == region].project_id)
        ]
    today = beijing_today()
    done = (
        progress(today.year, today, lang).set_index("project_id")
        if len(projects)
        else pd.DataFrame()
    )
    names = region_names(lang)
    rows = []
    for p in projects.itertuples(index=False):
        row = done.loc[p.id] if p.id in done.index else None
        flag = ""
        if row is not None:
            flag = (
                t(lang, "滞后", "behind")
                if row.behind
                else t(lang, "逾期未报", "late")
                if row.late
                else t(lang, "正常", "on plan")
            )
        rows.append(
            {
                "project": f"[{p.id} {p.name}]({href('/projects', lang, id=p.id)})",
                "category": CATEGORIES_EN.get(p.category, p.category)
                if lang == "en"
                else p.category,
                "regions": names.get(p.id, p.location),
                "unit": _text(p.responsible_unit) or t(lang, "未注明", "not given"),
                "years": f"{p.start_year}–{p.end_year}",
                "total": f"{p.total_investment:,.2f}",
                "status": STATUSES_EN.get(p.status, p.status) if lang == "en" else p.status,
                "planned": "" if row is None else f"{row.planned:,.2f}",
                "ytd": "" if row is None or pd.isna(row.ytd) else f"{row.ytd:,.2f}",
                "rate": "" if row is None else share_text(row.rate, missing=""),
                "flag": flag,
            }
        )
    return rows


def notice_table(lang: str) -> dbc.Table:
    """The notice's category totals (2022) beside the register's projects per category."""
    categories, totals = load_notice()
    held = (
        register()
        .projects.groupby("category")
        .agg(n=("id", "size"), total=("total_investment", "sum"))
    )
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(lang, x, y))
                for x, y in [
                    ("类别", "Category"),
                    ("2022年名单项目数", "Listed 2022"),
                    ("估算总投资（亿元）", "Estimated total"),
                    ("2022年计划投资（亿元）", "Planned 2022"),
                    ("在库项目数", "In register"),
                    ("在库总投资（亿元）", "Register total"),
                    ("原文", "Source sentence"),
                ]
            ]
        )
    )
    rows = []
    for c in categories:
        n = int(held.n.get(c.name, 0))
        rows.append(
            html.Tr(
                [
                    html.Td(
                        html.A(
                            CATEGORIES_EN.get(c.name, c.name) if lang == "en" else c.name,
                            href=href("/projects", lang, category=c.name),
                        )
                    ),
                    html.Td(c.project_count),
                    html.Td(
                        f"{c.total_investment:,.0f}" if c.total_investment is not None else "—"
                    ),
                    html.Td(
                        f"{c.planned_investment_2022:,.0f}"
                        if c.planned_investment_2022 is not None
                        else "—"
                    ),
                    html.Td(n),
                    html.Td(f"{held.total.get(c.name, 0):,.2f}" if n else "—"),
                    html.Td(
                        html.Span(f"“{c.quote}”（第 {c.line} 行）", className="small text-muted")
                    ),
                ]
            )
        )
    rows.append(
        html.Tr(
            [
                html.Td(html.Strong(t(lang, "合计", "Total"))),
                html.Td(totals.project_count),
                html.Td(f"{totals.total_investment:,.0f}"),
                html.Td(f"{totals.planned_investment_2022:,.0f}"),
                html.Td(int(held.n.sum())),
                html.Td(f"{held.total.sum():,.2f}"),
                html.Td(
                    html.Span(
                        f"“{totals.quote}”（第 {totals.line} 行）", className="small text-muted"
                    )
                ),
            ]
        )
    )
    return dbc.Table(
        [head, html.Tbody(rows)], bordered=True, size="sm", responsive=True, id="projects-notice"
    )


def project_detail(project_id: str, lang: str) -> Any:
    data = register()
    found = data.projects[data.projects.id == project_id]
    if found.empty:
        return dbc.Alert(
            t(lang, f"项目“{project_id}”不在重大项目库中", f"No project {project_id}"),
            color="warning",
        )
    p = found.iloc[0]
    directory = region_directory()
    regions = "、".join(
        region_name(directory[c], lang)
        for c in data.regions[data.regions.project_id == project_id].region_code
    )
    plans = data.plans[data.plans.project_id == project_id].sort_values("year")
    with session_factory()() as session:
        history = reports_frame(session, project_id, current_only=False)
    facts = [
        (t(lang, "类别", "Category"), p.category),
        (t(lang, "所在地", "Location"), f"{p.location}（{regions}）"),
        (
            t(lang, "责任单位", "Responsible unit"),
            _text(p.responsible_unit) or t(lang, "未注明（规划附件未列）", "not given"),
        ),
        (t(lang, "建设内容", "Content"), _text(p.content) or "—"),
        (t(lang, "建设年限", "Years"), f"{p.start_year}–{p.end_year}"),
        (t(lang, "总投资", "Total investment"), f"{p.total_investment:,.2f} 亿元"),
        (
            t(lang, "“十四五”期间投资", "2021–2025 investment"),
            "—" if pd.isna(p.plan_period_investment) else f"{p.plan_period_investment:,.2f} 亿元",
        ),
        (t(lang, "状态", "Status"), p.status),
        (t(lang, "备注", "Remark"), _text(p.remark) or "—"),
        (t(lang, "来源", "Source"), p.source),
    ]
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3(f"{p.id} {p['name']}", className="h5"),
                html.Dl(
                    [
                        x
                        for label, value in facts
                        for x in (
                            html.Dt(label, className="col-sm-3"),
                            html.Dd(value, className="col-sm-9"),
                        )
                    ],
                    className="row small",
                ),
                html.H4(
                    t(lang, "年度计划投资（亿元）", "Annual plans (100 m yuan)"), className="h6"
                ),
                dbc.Table(
                    [
                        html.Tbody(
                            [
                                html.Tr(
                                    [
                                        html.Td(y),
                                        html.Td(f"{v:,.2f}"),
                                        html.Td(
                                            t(lang, "估算", "derived")
                                            if b == "derived"
                                            else t(lang, "报送", "stated")
                                        ),
                                    ]
                                )
                                for y, v, b in zip(
                                    plans.year, plans.planned_investment, plans.basis, strict=True
                                )
                            ]
                        )
                    ],
                    size="sm",
                    style={"maxWidth": "420px"},
                ),
                html.H4(t(lang, "调度记录", "Dispatch history"), className="h6"),
                grid(
                    "projects-history",
                    HISTORY,
                    lang,
                    rows=[
                        {
                            "period": r.period,
                            "month": ""
                            if pd.isna(r.month_investment)
                            else f"{r.month_investment:,.2f}",
                            "ytd": f"{r.ytd_investment:,.2f}",
                            "progress": r.progress,
                            "problems": r.problems or "",
                            "by": r.actor,
                            "current": t(lang, "现行", "current")
                            if r.is_current
                            else t(lang, "已被更正", "superseded"),
                        }
                        for r in history.sort_values(
                            ["period", "id"], ascending=[False, False]
                        ).itertuples(index=False)
                    ],
                    filter=False,
                    default_column=WRAPPED,
                ),
            ]
        ),
        className="mb-3",
        id="projects-detail",
    )


def import_panel(lang: str) -> Any:
    if not can_review(current_account()):
        return None
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3(t(lang, "导入项目库文件", "Import a register file"), className="h6"),
                html.P(
                    [
                        t(
                            lang,
                            "一行一个项目；整份文件校验通过才导入。",
                            "One row per project; stored only if the whole file passes. ",
                        ),
                        html.A(t(lang, "下载模板", "Template"), href="/api/v1/projects/template"),
                    ],
                    className="small",
                ),
                dcc.Upload(
                    id=Ids.UPLOAD,
                    children=html.Div(
                        t(
                            lang,
                            "将文件拖到此处，或点击选择文件（.xlsx / .csv）",
                            "Drop a file here or choose one",
                        )
                    ),
                    className="border border-2 rounded p-3 text-center bg-light",
                ),
                html.Div(id=Ids.RESULT, className="mt-2"),
                problems_grid(Ids.PROBLEMS, lang),
            ]
        ),
        className="mb-3",
    )


def layout(
    id: str | None = None,  # noqa: A002
    category: str | None = None,
    region: str | None = None,
    status: str | None = None,
    lang: str | None = None,
    **_query: str,
) -> html.Div:
    lang = lang_of(lang)
    directory = region_directory()
    held = sorted(set(register().regions.region_code))
    category_options = [
        {"value": c, "label": CATEGORIES_EN[c] if lang == "en" else c} for c in CATEGORIES
    ]
    region_options = [{"value": c, "label": region_name(directory[c], lang)} for c in held]
    status_options = [
        {"value": s, "label": STATUSES_EN[s] if lang == "en" else s} for s in STATUSES
    ]
    return html.Div(
        [
            html.H2(t(lang, "重大项目", "Major projects"), className="h3"),
            html.P(
                t(
                    lang,
                    "共建重大项目库：规划附件所列项目与联合办公室导入的项目，逐项记录类别、所在地、建设年限、投资和来源；每月调度见“项目调度”。",
                    "The register of joint major projects: from plan annexes and the joint office's imports, "
                    "each with category, location, years, investment and source; monthly dispatch on Project dispatch.",
                ),
                className="text-muted",
            ),
            project_detail(id, lang) if id else None,
            html.H3(
                t(
                    lang,
                    "2022年共建重大项目名单（分类别）与在库项目",
                    "The 2022 list by category and the register",
                ),
                className="h5",
            ),
            notice_table(lang),
            dbc.Row(
                [
                    *(
                        dbc.Col(picker(id_, options, value, t(lang, *everything), lang), md=3)
                        for id_, options, value, everything in [
                            (
                                Ids.CATEGORY,
                                category_options,
                                category,
                                ("全部类别", "All categories"),
                            ),
                            (Ids.REGION, region_options, region, ("全部地区", "All regions")),
                            (Ids.STATUS, status_options, status, ("全部状态", "All statuses")),
                        ]
                    ),
                    dbc.Col(
                        html.A(
                            t(lang, "本视图链接", "Link to this view"),
                            id=Ids.SHARE,
                            href=_share(category, region, status, lang),
                            className="small",
                        ),
                        md=3,
                        className="pt-2",
                    ),
                ],
                className="g-2 my-2",
            ),
            grid(
                Ids.GRID,
                COLUMNS,
                lang,
                rows=_rows(category, region, status, lang),
                height=560,
                page_size=50,
                column_extra={"project": {"cellRenderer": "markdown"}},
            ),
            html.Div(import_panel(lang), className="mt-3"),
        ]
    )


def _share(category: str | None, region: str | None, status: str | None, lang: str) -> str:
    return href("/projects", lang, category=category, region=region, status=status)


@callback(
    Output(Ids.GRID, "rowData"),
    Output(Ids.SHARE, "href"),
    Input(Ids.CATEGORY, "value"),
    Input(Ids.REGION, "value"),
    Input(Ids.STATUS, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def filter_projects(
    category: str | None, region: str | None, status: str | None, search: str | None
) -> tuple[Any, str]:
    lang = lang_of(search)
    return _rows(category, region, status, lang), _share(category, region, status, lang)


@callback(
    Output(Ids.RESULT, "children"),
    Output(Ids.PROBLEMS, "rowData"),
    Output(Ids.GRID, "rowData", allow_duplicate=True),
    Input(Ids.UPLOAD, "contents"),
    State(Ids.UPLOAD, "filename"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def upload(contents: str | None, filename: str | None, search: str | None) -> tuple[Any, Any, Any]:
    """The server decides who may import (loaders/projects.import_register)."""
    lang = lang_of(search)
    if not contents or not filename:
        return dash.no_update, dash.no_update, dash.no_update
    try:
        content = decode_upload(contents)
        outcome = import_register(
            session_factory(), current_account(), filename, content, upload_limits()
        )
    except (AccessDenied, UploadError) as denied:
        return dbc.Alert(str(denied), color="danger"), [], dash.no_update
    alert = dbc.Alert(
        outcome.message, color="success" if outcome.ok else "danger", id="projects-import-outcome"
    )
    problems = [p.to_dict() for p in outcome.problems]
    return alert, problems, _rows(None, None, None, lang) if outcome.ok else dash.no_update
