"""目标库: every target and baseline of the plans, with the sentence that set it."""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html

from config.settings import CONFIG_DIR
from dashboard.components.locale import DROPDOWN_LABELS_ZH, GRID_LOCALE_ZH
from dashboard.context import session_factory
from db.catalogue import targets_frame
from indicators.catalogue import COMPARATOR_NAMES_ZH, KIND_NAMES_ZH, PILLARS
from indicators.formatting import target_text
from indicators.seed_text import context_lines

dash.register_page(__name__, path="/targets", name="目标库", title="目标库 · 成渝监测平台", order=2)


class Ids(StrEnum):
    PLAN = "targets-plan"
    PILLAR = "targets-pillar"
    SCOPE = "targets-scope"
    YEAR = "targets-year"
    HEADLINE = "targets-headline"
    SEARCH = "targets-search"
    GRID = "targets-grid"
    COUNT = "targets-count"
    SHARE = "targets-share"
    SOURCE = "targets-source"


COLUMNS = [
    ("id", "编号", 150),
    ("plan_title", "规划", 220),
    ("indicator_name", "指标", 200),
    ("scope_name", "范围", 130),
    ("kind_zh", "类型", 90),
    ("year", "年份", 80),
    ("target", "目标值 / 基期值", 170),
    ("stretch_zh", "力争", 70),
    ("quote", "规划原文", 420),
    ("section", "章节", 160),
    ("seed_line", "行号", 80),
]


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame.assign(
        kind_zh=frame.kind.map(KIND_NAMES_ZH),
        comparator_zh=frame.comparator.map(COMPARATOR_NAMES_ZH),
        pillar_zh=frame.pillar.map(PILLARS),
        stretch_zh=frame.stretch.map({True: "力争", False: ""}),
        target=[
            target_text(r.value, r.unit, r.comparator, r.value_high, r.kind)
            for r in frame.itertuples()
        ],
    )


def _filter(
    frame: pd.DataFrame,
    plan: str | None,
    pillar: str | None,
    scope: str | None,
    year: int | None,
    headline: bool,
) -> pd.DataFrame:
    if plan:
        frame = frame[frame.plan_id == plan]
    if pillar:
        frame = frame[frame.pillar == pillar]
    if scope:
        frame = frame[frame.scope_code == scope]
    if year:
        frame = frame[frame.year == int(year)]
    if headline:
        frame = frame[frame.headline]
    return frame


def _load() -> pd.DataFrame:
    with session_factory()() as session:
        return _table(targets_frame(session))


def _options(frame: pd.DataFrame, value: str, label: str) -> list[dict[str, Any]]:
    pairs = frame[[value, label]].drop_duplicates().sort_values(value)
    return [{"value": v, "label": lab} for v, lab in pairs.itertuples(index=False)]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    shown = frame[[c for c, _, _ in COLUMNS]]
    return shown.astype(object).where(shown.notna(), None).to_dict(orient="records")


def _share(
    plan: str | None,
    pillar: str | None,
    scope: str | None,
    year: int | None,
    headline: bool,
    search: str | None,
) -> str:
    query = {
        k: v
        for k, v in {
            "plan": plan,
            "pillar": pillar,
            "scope": scope,
            "year": year,
            "headline": "1" if headline else None,
            "q": search,
        }.items()
        if v
    }
    return "/targets" + (f"?{urlencode(query)}" if query else "")


def _count_text(count: int, search: str | None) -> str:
    return f"筛选出 {count} 条" + (f"，表格内再按“{search}”搜索" if search else "")


def _dropdown(
    id_: str, options: list[dict[str, Any]], value: Any, placeholder: str
) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=id_, options=options, value=value, placeholder=placeholder, labels=DROPDOWN_LABELS_ZH
    )


def layout(
    plan: str | None = None,
    pillar: str | None = None,
    scope: str | None = None,
    year: str | None = None,
    headline: str | None = None,
    q: str | None = None,
    **_query: str,
) -> html.Div:
    frame = _load()
    if frame.empty:
        return dbc.Alert(
            "目标库尚未载入。请运行 python manage.py load-catalogue。", color="warning"
        )
    year_value = int(year) if year and year.isdigit() else None
    is_headline = headline in ("1", "true")
    shown = _filter(frame, plan, pillar, scope, year_value, is_headline)
    plans = (
        frame[["plan_id", "plan_title", "seed_line"]]
        .groupby(["plan_id", "plan_title"], as_index=False)
        .min()
    )
    filters = dbc.Row(
        [
            dbc.Col(
                _dropdown(
                    Ids.PLAN,
                    [
                        {"value": p, "label": t}
                        for p, t, _ in plans.sort_values("seed_line").itertuples(index=False)
                    ],
                    plan,
                    "全部规划",
                ),
                lg=3,
                md=6,
            ),
            dbc.Col(
                _dropdown(
                    Ids.PILLAR,
                    [{"value": k, "label": v} for k, v in PILLARS.items()],
                    pillar,
                    "全部领域",
                ),
                lg=2,
                md=6,
            ),
            dbc.Col(
                _dropdown(
                    Ids.SCOPE, _options(frame, "scope_code", "scope_name"), scope, "全部范围"
                ),
                lg=2,
                md=6,
            ),
            dbc.Col(
                _dropdown(
                    Ids.YEAR,
                    [{"value": int(y), "label": f"{y}年"} for y in sorted(frame.year.unique())],
                    year_value,
                    "全部年份",
                ),
                lg=2,
                md=6,
            ),
            dbc.Col(
                dbc.Checkbox(id=Ids.HEADLINE, label="仅看核心指标", value=is_headline),
                lg=1,
                md=6,
                className="pt-2",
            ),
            dbc.Col(
                dbc.Input(
                    id=Ids.SEARCH,
                    type="search",
                    value=q or "",
                    placeholder="搜索指标、原文…（中文）",
                    debounce=True,
                ),
                lg=2,
                md=6,
            ),
        ],
        className="g-2 mb-2",
    )
    return html.Div(
        [
            html.H2("目标库", className="h3"),
            html.P(
                f"各规划设定的量化目标与基期值，共 {len(frame)} 条（目标 "
                f"{int((frame.kind != 'baseline').sum())} 条，基期值 "
                f"{int((frame.kind == 'baseline').sum())} 条），均可追溯到规划原文。点击一行查看原文上下文。",
                className="text-muted",
            ),
            filters,
            html.Div(
                [
                    html.Span(id=Ids.COUNT, children=_count_text(len(shown), q)),
                    html.A(
                        "本视图链接",
                        id=Ids.SHARE,
                        className="ms-3 small",
                        href=_share(plan, pillar, scope, year_value, is_headline, q),
                    ),
                ],
                className="mb-2",
            ),
            dag.AgGrid(
                id=Ids.GRID,
                rowData=_rows(shown),
                columnDefs=[
                    {
                        "field": f,
                        "headerName": h,
                        "width": w,
                        "filter": True,
                        **({"wrapText": True, "autoHeight": True} if f == "quote" else {}),
                    }
                    for f, h, w in COLUMNS
                ],
                defaultColDef={"sortable": True, "resizable": True},
                dashGridOptions={
                    "pagination": True,
                    "paginationPageSize": 50,
                    "localeText": GRID_LOCALE_ZH,
                    "rowSelection": {
                        "mode": "singleRow",
                        "checkboxes": False,
                        "enableClickSelection": True,
                    },
                    "quickFilterText": q or "",
                },
                getRowId="params.data.id",
                style={"height": "620px"},
            ),
            html.Div(id=Ids.SOURCE, className="mt-3"),
        ]
    )


@callback(
    Output(Ids.GRID, "rowData"),
    Output(Ids.COUNT, "children"),
    Output(Ids.SHARE, "href"),
    Output(Ids.GRID, "dashGridOptions"),
    Input(Ids.PLAN, "value"),
    Input(Ids.PILLAR, "value"),
    Input(Ids.SCOPE, "value"),
    Input(Ids.YEAR, "value"),
    Input(Ids.HEADLINE, "value"),
    Input(Ids.SEARCH, "value"),
    prevent_initial_call=True,
)
def filter_targets(
    plan: str | None,
    pillar: str | None,
    scope: str | None,
    year: int | None,
    headline: bool,
    search: str | None,
) -> tuple[Any, ...]:
    shown = _filter(_load(), plan, pillar, scope, year, bool(headline))
    options = dash.Patch()
    options["quickFilterText"] = search or ""
    return (
        _rows(shown),
        _count_text(len(shown), search),
        _share(plan, pillar, scope, year, bool(headline), search),
        options,
    )


@callback(
    Output(Ids.SOURCE, "children"), Input(Ids.GRID, "selectedRows"), prevent_initial_call=True
)
def show_source(rows: list[dict[str, Any]] | None) -> Any:
    if not rows:
        return None
    row = rows[0]
    frame = _load()
    entry = frame[frame.id == row["id"]].iloc[0]
    lines = context_lines(
        CONFIG_DIR / "sources" / "001_a9d4b781dc1e95d7.txt", int(entry.seed_line), before=2, after=4
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H5(
                    f"{entry.indicator_name} · {entry.scope_name} · {entry.year}年：{entry.target}"
                ),
                html.P(
                    f"《{entry.plan_title}》 {entry.section} · 原文第 {entry.seed_line} 行",
                    className="text-muted",
                ),
                html.Blockquote(html.Mark(entry.quote), className="blockquote fs-6"),
                html.Pre(
                    "\n".join(f"{n:>6}  {text}" for n, text in lines if text.strip()),
                    className="small bg-light p-2",
                    style={"whiteSpace": "pre-wrap"},
                ),
            ]
        ),
        id="targets-source-card",
    )
