"""目标库: every target and baseline of the plans, with the sentence that set it."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, html

from config.settings import CONFIG_DIR
from dashboard.components.grid import grid
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.picker import picker
from dashboard.context import reference_only, region_directory, session_factory
from dashboard.i18n import (
    href,
    lang_of,
    name,
    pillar_name,
    region_name,
    t,
)
from dashboard.security import bounded_year, link_year, refuse, text_value
from db.catalogue import indicators_frame, targets_frame
from indicators.catalogue import COMPARATOR_NAMES_ZH, KIND_NAMES_EN, KIND_NAMES_ZH, PILLARS
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


# what a reader knows a target by: the plan's title and section, never the
# catalogue's id or a line number of the project's compilation of the texts
COLUMNS = [
    ("plan_title", "规划", "Plan", 220),
    ("section", "章节", "Section", 180),
    ("indicator_name", "指标", "Indicator", 200),
    ("scope_name", "范围", "Scope", 130),
    ("kind_name", "类型", "Kind", 90),
    ("year", "年份", "Year", 80),
    ("target", "目标值 / 基期值", "Target / baseline", 170),
    ("stretch_name", "力争", "Stretch", 70),
    ("quote", "规划原文", "Plan sentence (Chinese)", 420),
]
# each row's key (links, selection), and the indicator's definition in the page's
# language (the indicator column's tooltip), not shown as columns
HIDDEN = ["id", "indicator_definition"]


def _table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    directory = region_directory()
    return frame.assign(
        kind_name=frame.kind.map(lambda k: name(KIND_NAMES_ZH, KIND_NAMES_EN, k, lang)),
        comparator_zh=frame.comparator.map(COMPARATOR_NAMES_ZH),
        stretch_name=frame.stretch.map({True: t(lang, "力争", "stretch"), False: ""}),
        target=[
            target_text(r.value, r.unit, r.comparator, r.value_high, r.kind, lang=lang)
            for r in frame.itertuples()
        ],
        indicator_name=frame.indicator_name_en if lang == "en" else frame.indicator_name,
        scope_name=[region_name(directory[c], lang) for c in frame.scope_code],
    )


def _filter(
    frame: pd.DataFrame,
    plan: str | None,
    pillar: str | None,
    scope: str | None,
    year: int | None,
    headline: bool,
    target: str | None = None,
) -> pd.DataFrame:
    if target:
        return frame[frame.id == target]
    if plan:
        frame = frame[frame.plan_id == plan]
    if pillar:
        frame = frame[frame.pillar == pillar]
    if scope:
        frame = frame[frame.scope_code == scope]
    if year:
        frame = frame[frame.year == bounded_year(year)]
    if headline:
        frame = frame[frame.headline]
    return frame


def _load(lang: str) -> pd.DataFrame:
    with reference_only(), session_factory()() as session:
        frame = targets_frame(session)
        if not frame.empty:
            indicators = indicators_frame(session).set_index("id")
            definitions = indicators.definition
            if lang == "en":  # a database stored before 0017 has no English yet
                definitions = indicators.definition_en.where(
                    indicators.definition_en.fillna("") != "", definitions
                )
            frame = frame.assign(
                indicator_name_en=frame.indicator_id.map(indicators.name_en),
                indicator_definition=frame.indicator_id.map(definitions),
            )
    return _table(frame, lang)


def _options(frame: pd.DataFrame, value: str, label: str) -> list[dict[str, Any]]:
    pairs = frame[[value, label]].drop_duplicates().sort_values(value)
    return [{"value": v, "label": lab} for v, lab in pairs.itertuples(index=False)]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    shown = frame[[*HIDDEN, *(c for c, *_ in COLUMNS)]]
    return shown.astype(object).where(shown.notna(), None).to_dict(orient="records")


def _share(
    plan: str | None,
    pillar: str | None,
    scope: str | None,
    year: int | None,
    headline: bool,
    search: str | None,
    lang: str,
) -> str:
    return href(
        "/targets",
        lang,
        plan=plan,
        pillar=pillar,
        scope=scope,
        year=year,
        headline="1" if headline else None,
        q=search,
    )


def _count_text(count: int, search: str | None, lang: str) -> str:
    if lang == "en":
        return f"{count} shown" + (f", searched for “{search}” in the table" if search else "")
    return f"筛选出 {count} 条" + (f"，表格内再按“{search}”搜索" if search else "")


def layout(
    plan: str | None = None,
    pillar: str | None = None,
    scope: str | None = None,
    year: str | None = None,
    headline: str | None = None,
    q: str | None = None,
    target: str | None = None,
    lang: str | None = None,
    **_query: str,
) -> html.Div:
    lang = lang_of(lang)
    frame = _load(lang)
    if frame.empty:
        return dbc.Alert(
            t(
                lang,
                "目标库尚未载入。请运行 python manage.py load-catalogue。",
                "The catalogue is not loaded. Run python manage.py load-catalogue.",
            ),
            color="warning",
        )
    n_targets, n_baselines = (  # 远景目标 (vision) are listed, not counted as targets
        int((~frame.kind.isin(["baseline", "vision"])).sum()),
        int((frame.kind == "baseline").sum()),
    )
    year_value = link_year(year)
    is_headline = headline in ("1", "true")
    shown = _filter(frame, plan, pillar, scope, year_value, is_headline, target)
    plans = (
        frame[["plan_id", "plan_title", "seed_line"]]
        .groupby(["plan_id", "plan_title"], as_index=False)
        .min()
    )
    plan_options = [
        {"value": p, "label": t}
        for p, t, _ in plans.sort_values("seed_line").itertuples(index=False)
    ]
    pillar_options = [{"value": k, "label": pillar_name(k, lang)} for k in PILLARS]
    scope_options = _options(frame, "scope_code", "scope_name")
    year_options = [
        {"value": int(y), "label": t(lang, f"{y}年", str(y))} for y in sorted(frame.year.unique())
    ]
    pickers = [  # id, options, value, the words for no choice, width
        (Ids.PLAN, plan_options, plan, ("全部规划", "All plans"), 3),
        (Ids.PILLAR, pillar_options, pillar, ("全部领域", "All pillars"), 2),
        (Ids.SCOPE, scope_options, scope, ("全部范围", "All scopes"), 2),
        (Ids.YEAR, year_options, year_value, ("全部年份", "All years"), 2),
    ]
    filters = dbc.Row(
        [
            *(
                dbc.Col(picker(id_, options, value, t(lang, *everything), lang), lg=width, md=6)
                for id_, options, value, everything, width in pickers
            ),
            dbc.Col(
                dbc.Checkbox(
                    id=Ids.HEADLINE,
                    label=t(lang, "仅看核心指标", "Headline only"),
                    value=is_headline,
                ),
                lg=1,
                md=6,
                className="pt-2",
            ),
            dbc.Col(
                dbc.Input(
                    id=Ids.SEARCH,
                    type="search",
                    value=q or "",
                    placeholder=t(lang, "搜索指标、原文…（中文）", "Search indicators, sentences…"),
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
            html.H2(t(lang, "目标库", "Target catalogue"), className="h3"),
            html.P(
                t(
                    lang,
                    f"各规划设定的量化目标与基期值，共 {len(frame)} 条（目标 {n_targets} 条，基期值 "
                    f"{n_baselines} 条），均可追溯到规划原文。点击一行查看原文上下文。",
                    f"The quantified targets and baselines the plans set: {len(frame)} entries "
                    f"({n_targets} targets, {n_baselines} baselines), each traced to the plan's "
                    "sentence. Click a row to read the sentence in its context.",
                ),
                className="text-muted",
            ),
            filters,
            html.Div(
                [
                    html.Span(id=Ids.COUNT, children=_count_text(len(shown), q, lang)),
                    html.A(
                        t(lang, "本视图链接", "Link to this view"),
                        id=Ids.SHARE,
                        className="ms-3 small",
                        href=_share(plan, pillar, scope, year_value, is_headline, q, lang),
                    ),
                    html.A(
                        t(lang, "显示全部", "Show all"),
                        href=href("/targets", lang),
                        className="ms-3 small",
                    )
                    if target
                    else None,
                ],
                className="mb-2",
            ),
            grid(
                Ids.GRID,
                COLUMNS,
                lang,
                rows=_rows(shown),
                height=620,
                page_size=50,
                wrap={"quote", "section", "plan_title"},
                column_extra={"indicator_name": {"tooltipField": "indicator_definition"}},
                hidden=HIDDEN,
                row_id="id",
                selection={"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
                options={"quickFilterText": q or "", "enableBrowserTooltips": True},
            ),
            html.Div(
                source_card(frame, target, lang) if target in set(shown.id) else None,
                id=Ids.SOURCE,
                className="mt-3",
            ),
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
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def filter_targets(
    plan: str | None,
    pillar: str | None,
    scope: str | None,
    year: int | None,
    headline: bool,
    search: str | None,
    url_search: str | None,
) -> tuple[Any, ...]:
    lang = lang_of(url_search)
    shown = _filter(_load(lang), plan, pillar, scope, year, bool(headline))
    options = dash.Patch()
    options["quickFilterText"] = search or ""
    return (
        _rows(shown),
        _count_text(len(shown), search, lang),
        _share(plan, pillar, scope, year, bool(headline), search, lang),
        options,
    )


def source_card(frame: pd.DataFrame, target_id: str, lang: str) -> dbc.Card:
    """The target and the plan's sentence in its context (the lines around it)."""
    entry = frame[frame.id == target_id].iloc[0]
    lines = context_lines(
        CONFIG_DIR / "sources" / "001_a9d4b781dc1e95d7.txt", int(entry.seed_line), before=2, after=4
    )
    heading = t(
        lang,
        f"{entry.indicator_name} · {entry.scope_name} · {entry.year}年：{entry.target}",
        f"{entry.indicator_name} · {entry.scope_name} · {entry.year}: {entry.target}",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H5(heading),
                html.P(entry.indicator_definition, className="small mb-1"),
                html.P(
                    f"《{entry.plan_title}》 · {entry.section}",
                    className="text-muted",
                    lang="zh-CN",
                ),
                html.Blockquote(html.Mark(entry.quote), className="blockquote fs-6", lang="zh-CN"),
                html.Pre(  # the sentence's context, as the plan reads (no line numbers)
                    "\n".join(text.strip() for _, text in lines if text.strip()),
                    className="small bg-light p-2",
                    style={"whiteSpace": "pre-wrap"},
                    lang="zh-CN",
                ),
            ]
        ),
        id="targets-source-card",
    )


@callback(
    Output(Ids.SOURCE, "children"),
    Input(Ids.GRID, "selectedRows"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def show_source(rows: list[dict[str, Any]] | None, search: str | None) -> Any:
    if not rows:
        return None
    lang = lang_of(search)
    target_id = text_value(rows[0].get("id"), "目标编号")
    frame = _load(lang)
    if target_id not in set(frame.id):
        refuse(f"目标库中没有编号为“{target_id}”的目标")
    return source_card(frame, target_id, lang)
