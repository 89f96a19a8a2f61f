"""地区: the scorecard of one region or grouping — every target it has, with
status, value, target and gap by pillar — and two regions side by side."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.components.header import Ids as HeaderIds
from dashboard.components.scorecard import scorecard_table
from dashboard.components.status import status_tally
from dashboard.context import region_directory
from dashboard.data import records, snapshots
from dashboard.i18n import dropdown_labels, href, lang_of, region_name, t
from indicators.regions import LEVEL_NAMES_EN, LEVEL_NAMES_ZH

dash.register_page(__name__, path="/region", name="地区", title="地区 · 成渝监测平台", order=2)


class Ids(StrEnum):
    REGION = "region-code"
    COMPARE = "region-compare"
    BODY = "region-body"
    SHARE = "region-share"


def _options(frame: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """Scopes with targets, the ones with most targets first."""
    counts = frame.groupby(["scope_code", "scope_label"]).size().reset_index(name="n")
    counts = counts.sort_values(["n", "scope_code"], ascending=[False, True])
    unit = t(lang, "个目标", " targets")
    return [
        {
            "label": f"{r.scope_label}（{r.n}{unit}）"
            if lang == "zh"
            else f"{r.scope_label} ({r.n}{unit})",
            "value": r.scope_code,
        }
        for r in records(counts)
    ]


def _card(frame: pd.DataFrame, code: str, lang: str, table_id: str) -> html.Div:
    directory = region_directory()
    region = directory.regions.get(code)
    if region is None:
        return dbc.Alert(
            t(lang, f"没有代码为 {code} 的地区。", f"No region with code {code}."), color="warning"
        )
    mine = frame[frame.scope_code == code]
    level = (LEVEL_NAMES_EN if lang == "en" else LEVEL_NAMES_ZH).get(region.level, region.level)
    return html.Div(
        [
            html.H3(region_name(region, lang), className="h4 mb-0"),
            html.Div(
                [
                    level,
                    " · ",
                    html.A(
                        t(lang, "范围与原文", "extent and source"),
                        href=href("/regions", lang, grouping=code)
                        if region.is_grouping
                        else href("/regions", lang),
                    ),
                ],
                className="small text-muted mb-2",
            ),
            status_tally(mine, lang, className="mb-2")
            if not mine.empty
            else html.P(t(lang, "该地区没有规划目标。", "No plan sets a target for this region.")),
            scorecard_table(mine, lang, table_id=table_id),
        ]
    )


def body(code: str | None, compare: str | None, lang: str) -> Any:
    frame = snapshots(lang)
    if frame.empty:
        return dbc.Alert(t(lang, "尚无进展评估结果。", "No progress assessed yet."), color="info")
    if not code:
        return html.P(t(lang, "请选择地区。", "Choose a region."), className="text-muted")
    if not compare or compare == code:
        return _card(frame, code, lang, "scorecard-main")
    return dbc.Row(
        [
            dbc.Col(_card(frame, code, lang, "scorecard-main"), lg=6),
            dbc.Col(_card(frame, compare, lang, "scorecard-compare"), lg=6),
        ]
    )


def layout(
    code: str = "ccec", compare: str | None = None, lang: str | None = None, **_query: str
) -> html.Div:
    lang = lang_of(lang)
    frame = snapshots(lang)
    options = _options(frame, lang) if not frame.empty else []
    return html.Div(
        [
            html.H2(t(lang, "地区目标进展", "Targets of a region"), className="h3"),
            html.P(
                t(
                    lang,
                    "一个地区或区域组合的全部规划目标：状态、最新值、目标与预计差距；可与另一地区并排对比。",
                    "Every plan target of a region or grouping: status, latest value, target and expected "
                    "shortfall; compare with another region side by side.",
                ),
                className="text-muted",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.REGION,
                            options=options,
                            value=code,
                            clearable=False,
                            labels=dropdown_labels(lang),
                        ),
                        md=5,
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.COMPARE,
                            options=options,
                            value=compare,
                            placeholder=t(lang, "与另一地区对比…", "Compare with…"),
                            labels=dropdown_labels(lang),
                        ),
                        md=5,
                    ),
                    dbc.Col(
                        html.A(
                            t(lang, "本视图链接", "Link to this view"),
                            id=Ids.SHARE,
                            href=_share(code, compare, lang),
                            className="small",
                        ),
                        md=2,
                        className="pt-2",
                    ),
                ],
                className="g-2 mb-3 d-print-none",
            ),
            dcc.Loading(html.Div(body(code, compare, lang), id=Ids.BODY), type="dot"),
        ]
    )


def _share(code: str | None, compare: str | None, lang: str) -> str:
    return href("/region", lang, code=code, compare=compare)


@callback(
    Output(Ids.BODY, "children"),
    Output(Ids.SHARE, "href"),
    Input(Ids.REGION, "value"),
    Input(Ids.COMPARE, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def show(code: str | None, compare: str | None, search: str | None) -> tuple[Any, str]:
    lang = lang_of(search)
    return body(code, compare, lang), _share(code, compare, lang)
