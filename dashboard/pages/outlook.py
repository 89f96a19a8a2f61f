"""预期差距: for each target, the value projected for the target year at the
recent rate against the target, as a weather symbol in the style of Germany's
sustainability indicators."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.components.header import Ids as HeaderIds
from dashboard.components.outlook import symbol_word, weather_icon
from dashboard.components.scorecard import (
    indicator_cell,
    latest_text,
    pillar_table,
    target_cell,
)
from dashboard.data import snapshots
from dashboard.i18n import dropdown_labels, href, lang_of, pillar_name, t
from dashboard.security import bounded_year, link_year
from indicators.catalogue import PILLARS
from indicators.formatting import row_value
from indicators.outlook import SYMBOL_ORDER

dash.register_page(
    __name__, path="/outlook", name="预期差距", title="预期差距 · 成渝监测平台", order=3
)


class Ids(StrEnum):
    PILLAR = "outlook-pillar"
    SCOPE = "outlook-scope"
    YEAR = "outlook-year"
    SYMBOL = "outlook-symbol"
    DUE = "outlook-include-due"
    BODY = "outlook-body"
    SHARE = "outlook-share"


def _filter(
    frame: pd.DataFrame,
    pillar: str | None,
    scope: str | None,
    year: Any,
    symbol: str | None,
    include_due: bool,
) -> pd.DataFrame:
    """Targets still ahead by default: once the target year has come the symbol only
    repeats the final verdict (met: sun; missed: thunderstorm)."""
    if not include_due:
        frame = frame[frame.target_year > frame.as_of]
    if pillar:
        frame = frame[frame.pillar == pillar]
    if scope:
        frame = frame[frame.scope_code == scope]
    if year:
        frame = frame[frame.target_year == bounded_year(year)]
    if symbol:
        frame = frame[frame.outlook.fillna("none") == symbol]
    return frame


def _shortfall(row: Any, lang: str) -> str:
    if row.outlook_shortfall is None or pd.isna(row.outlook_shortfall):
        return "—"
    share = float(row.outlook_shortfall)
    if share <= 0:
        return t(lang, "无差距", "none")
    return f"{share:.1%}"


def _table(frame: pd.DataFrame, lang: str) -> Any:
    if frame.empty:
        return html.P(t(lang, "没有符合条件的目标。", "No target matches."), className="text-muted")
    header = [
        t(lang, "展望", "Outlook"),
        t(lang, "指标", "Indicator"),
        t(lang, "范围", "Scope"),
        t(lang, "目标", "Target"),
        t(lang, "最新值", "Latest value"),
        t(lang, "目标年预计值", "Projected for target year"),
        t(lang, "预计差距", "Expected shortfall"),
    ]
    if lang == "zh":
        header.append("说明")

    def cells(row: Any) -> list[html.Td]:
        return [
            html.Td(weather_icon(row.outlook, lang, small=True)),
            indicator_cell(row, lang),
            html.Td(row.scope_label),
            target_cell(row, lang),
            html.Td(latest_text(row, lang)),
            html.Td(row_value(row, row.outlook_projected, lang)),
            html.Td(_shortfall(row, lang)),
            *(
                [html.Td(row.outlook_note or "", className="small text-muted")]
                if lang == "zh"
                else []
            ),
        ]

    return pillar_table(frame, header, cells, "outlook-table", lang)


def _summary(frame: pd.DataFrame, lang: str) -> html.Div:
    counts = frame.outlook.fillna("none").value_counts()
    return html.Div(
        [
            html.Span(
                [
                    weather_icon(s, lang),
                    html.Strong(str(int(counts.get(s, 0))), className="fs-4 ms-2 me-4"),
                ],
                className="d-inline-flex align-items-center",
            )
            for s in SYMBOL_ORDER
        ],
        id="outlook-summary",
        className="mb-3",
    )


def body(
    pillar: str | None,
    scope: str | None,
    year: Any,
    symbol: str | None,
    include_due: bool,
    lang: str,
) -> Any:
    frame = snapshots(lang)
    if frame.empty:
        return dbc.Alert(t(lang, "尚无进展评估结果。", "No progress assessed yet."), color="info")
    shown = _filter(frame, pillar, scope, year, symbol, include_due)
    return html.Div([_summary(shown, lang), _table(shown, lang)])


def layout(
    pillar: str | None = None,
    scope: str | None = None,
    year: str | None = None,
    symbol: str | None = None,
    due: str | None = None,
    lang: str | None = None,
    **_query: str,
) -> html.Div:
    lang = lang_of(lang)
    include_due = due == "1"
    frame = snapshots(lang)
    year_value = link_year(year)
    scopes = (
        frame[["scope_code", "scope_label"]].drop_duplicates().sort_values("scope_code")
        if not frame.empty
        else pd.DataFrame(columns=["scope_code", "scope_label"])
    )
    years = sorted(frame.target_year.unique()) if not frame.empty else []
    return html.Div(
        [
            html.H2(t(lang, "预期差距", "Expected shortfall"), className="h3"),
            html.P(
                t(
                    lang,
                    "按近 5 年的年均变化把各目标的最新值外推到目标年份，与目标比较（参照德国可持续发展指标的天气符号）："
                    "晴——预计差距小于 5%；少云——5%—20%；多云——超过 20% 但方向正确；雷雨——方向相反。",
                    "Each target's latest value extrapolated to the target year at the mean annual change of "
                    "the last 5 years, against the target (after Germany's sustainability indicators): sunny — "
                    "shortfall under 5 %; partly cloudy — 5–20 %; cloudy — over 20 % but moving the right way; "
                    "thunderstorm — moving the wrong way.",
                ),
                className="text-muted",
            ),
            html.P(
                t(
                    lang,
                    "默认只列目标年份尚未到来的目标；已到目标年份的目标，符号只是最终结果（实现为晴，未实现为雷雨）。",
                    "By default only targets still ahead are listed; for a target whose year has "
                    "come, the symbol only repeats the final verdict (met: sunny, missed: thunderstorm).",
                ),
                className="small text-muted mb-1",
            ),
            html.A(
                t(lang, "方法说明", "Method"),
                href=href("/methodology", lang),
                className="small d-block mb-2",
            ),
            dbc.Row(
                [
                    *(
                        dbc.Col(
                            dcc.Dropdown(
                                id=id_,
                                options=options,
                                value=value,
                                placeholder=placeholder,
                                labels=dropdown_labels(lang),
                            ),
                            md=width,
                        )
                        for id_, options, value, placeholder, width in (
                            (
                                Ids.PILLAR,
                                [{"value": k, "label": pillar_name(k, lang)} for k in PILLARS],
                                pillar,
                                t(lang, "全部领域", "All pillars"),
                                3,
                            ),
                            (
                                Ids.SCOPE,
                                [
                                    {"value": c, "label": n}
                                    for c, n in scopes.itertuples(index=False)
                                ],
                                scope,
                                t(lang, "全部范围", "All scopes"),
                                3,
                            ),
                            (
                                Ids.YEAR,
                                [
                                    {"value": int(y), "label": t(lang, f"{y}年", str(y))}
                                    for y in years
                                ],
                                year_value,
                                t(lang, "全部目标年份", "All target years"),
                                2,
                            ),
                            (
                                Ids.SYMBOL,
                                [{"value": x, "label": symbol_word(x, lang)} for x in SYMBOL_ORDER],
                                symbol,
                                t(lang, "全部展望", "All outlooks"),
                                2,
                            ),
                        )
                    ),
                    dbc.Col(
                        [
                            dbc.Checkbox(
                                id=Ids.DUE,
                                label=t(
                                    lang, "含已到目标年份的目标", "Include targets already due"
                                ),
                                value=include_due,
                            ),
                            html.A(
                                t(lang, "本视图链接", "Link to this view"),
                                id=Ids.SHARE,
                                href=_share(pillar, scope, year_value, symbol, include_due, lang),
                                className="small",
                            ),
                        ],
                        md=2,
                    ),
                ],
                className="g-2 mb-3 d-print-none",
            ),
            dcc.Loading(
                html.Div(body(pillar, scope, year_value, symbol, include_due, lang), id=Ids.BODY),
                type="dot",
            ),
        ]
    )


def _share(
    pillar: str | None,
    scope: str | None,
    year: Any,
    symbol: str | None,
    include_due: bool,
    lang: str,
) -> str:
    return href(
        "/outlook",
        lang,
        pillar=pillar,
        scope=scope,
        year=year,
        symbol=symbol,
        due="1" if include_due else None,
    )


@callback(
    Output(Ids.BODY, "children"),
    Output(Ids.SHARE, "href"),
    Input(Ids.PILLAR, "value"),
    Input(Ids.SCOPE, "value"),
    Input(Ids.YEAR, "value"),
    Input(Ids.SYMBOL, "value"),
    Input(Ids.DUE, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def show(
    pillar: str | None,
    scope: str | None,
    year: Any,
    symbol: str | None,
    include_due: bool,
    search: str | None,
) -> tuple[Any, str]:
    lang = lang_of(search)
    due = bool(include_due)
    return (
        body(pillar, scope, year, symbol, due, lang),
        _share(pillar, scope, year, symbol, due, lang),
    )
