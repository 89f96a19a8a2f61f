"""报送进度: which region has reported which indicator for a period — approved,
received (awaiting review), awaiting report, overdue or not yet due — against
the reporting calendar (config/reporting_calendar.yaml), with an Excel export.

For signed-in accounts: it names who is late, which is for the people doing
the work, not for anonymous readers. Reporters start on their own regions;
the server checks the sign-in on the page, the filter callback and the export.
"""

from __future__ import annotations

import io
from datetime import date
from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from config.clock import beijing_today
from dashboard.auth import current_account
from dashboard.components.access import denied
from dashboard.components.grid import grid
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.status import REPORTING_COLOURS
from dashboard.context import region_directory, session_factory
from dashboard.data import indicators
from dashboard.i18n import dropdown_labels, href, lang_of, region_name, t
from dashboard.security import text_value
from indicators.access import Account, report_scope
from indicators.completeness import URGENCY, most_urgent, region_summary, state_totals
from indicators.exports import spreadsheet_safe
from indicators.formatting import share_text
from indicators.reporting_calendar import STATE_EN, STATE_ZH, STATES, CalendarError
from workflows.reminders import reporting_calendar, reporting_matrix

dash.register_page(__name__, path="/completeness", name="报送进度", title="报送进度 · 成渝监测平台")

# Okabe–Ito, as the progress statuses; the word is always beside the colour
_DARK_TEXT = {"missing", "not_due", "received"}
_FREQUENCY = {
    "annual": ("年度", "annual"),
    "quarterly": ("季度", "quarterly"),
    "monthly": ("月度", "monthly"),
}

SUMMARY = [
    ("region_name", "地区", "Region", 140),
    ("due", "应报", "Due", 80),
    ("approved", "已审核", "Approved", 90),
    ("received", "待审核", "Awaiting review", 110),
    ("missing", "待报送", "Awaiting report", 110),
    ("overdue", "逾期未报", "Overdue", 100),
    ("not_due", "未到期", "Not yet due", 100),
    ("share", "报送率", "Reported", 90),
]
DETAIL = [
    ("region_name", "地区", "Region", 130),
    ("indicator_name", "指标", "Indicator", 240),
    ("period", "期间", "Period", 100),
    ("due_date", "截止日期", "Due by", 120),
    ("state_name", "状态", "State", 140),
]


ALL = "all"


class Ids(StrEnum):
    PERIOD = "completeness-period"
    REGIONS = "completeness-regions"
    ERROR = "completeness-error"
    TALLY = "completeness-tally"
    SUMMARY = "completeness-summary"
    HEATMAP = "completeness-heatmap"
    DETAIL = "completeness-detail"
    EXPORT = "completeness-export"
    DOWNLOAD = "completeness-download"
    SHARE = "completeness-share"
    BODY = "completeness-body"


def state_name(state: str, lang: str) -> str:
    return (STATE_EN if lang == "en" else STATE_ZH)[state]


def _default_regions(account: Account) -> list[str]:
    scope = report_scope(account)
    return sorted(scope) if scope else []


def _matrix(period: str, regions: list[str] | None, lang: str) -> pd.DataFrame:
    """The matrix with names in ``lang``; raises CalendarError for a period it cannot read."""
    frame = reporting_matrix(session_factory(), period.strip(), beijing_today(), regions or None)
    directory = region_directory()
    names = indicators().set_index("id")[t(lang, "name_zh", "name_en")]
    return frame.assign(
        region_name=frame.region_code.map(lambda c: region_name(directory[c], lang)),
        indicator_name=frame.indicator_id.map(names),
        state_name=frame.state.map(lambda s: state_name(s, lang)),
        due_date=frame.due_date.map(date.isoformat),
    )


def _summary_rows(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    summary = region_summary(frame)
    names = frame.drop_duplicates("region_code").set_index("region_code").region_name
    summary = summary.assign(
        region_name=summary.region_code.map(names),
        share=summary.reported_share.map(share_text),
    )
    return summary[[c for c, *_ in SUMMARY]].to_dict("records")


def tally(frame: pd.DataFrame, lang: str) -> html.Div:
    totals = state_totals(frame)
    return html.Div(
        [
            html.Span(
                f"{state_name(state, lang)} {totals[state]}",
                className="badge me-2 fs-6",
                style={
                    "backgroundColor": REPORTING_COLOURS[state],
                    "color": "#000" if state in _DARK_TEXT else "#fff",
                },
                **{"data-state": state},
            )
            for state in STATES
        ],
        className="mb-2",
    )


WIDE = 40  # more columns than this: the figure gets its own width
COLUMN_WIDTH = 18
LABEL_SPACE = 200


def heatmap(frame: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Region × indicator, each cell the state that needs action first; a dict
    figure (plotly's validation costs more than the data here)."""
    worst = most_urgent(frame)
    if worst.empty:
        return {"data": [], "layout": {"height": 120}}
    names = frame.drop_duplicates("indicator_id").set_index("indicator_id").indicator_name
    regions = frame.drop_duplicates("region_code").set_index("region_code").region_name
    ys = list(dict.fromkeys(frame.region_code))
    xs = list(dict.fromkeys(frame.indicator_id))
    urgency = {s: i for i, s in enumerate(URGENCY)}
    grid = worst.pivot(index="region_code", columns="indicator_id", values="state").reindex(
        index=ys, columns=xs
    )
    z = [[None if pd.isna(s) else urgency[s] for s in row] for row in grid.to_numpy()]
    text = [
        [
            "" if pd.isna(s) else f"{regions[y]} · {names[x]}<br>{state_name(s, lang)}"
            for x, s in zip(xs, row, strict=True)
        ]
        for y, row in zip(ys, grid.to_numpy(), strict=True)
    ]
    n = len(URGENCY)
    scale = []
    for i, state in enumerate(URGENCY):
        scale += [[i / n, REPORTING_COLOURS[state]], [(i + 1) / n, REPORTING_COLOURS[state]]]
    return {
        "data": [
            {
                "type": "heatmap",
                "z": z,
                "x": [str(names[x]) for x in xs],  # names (unique per indicator), not ids
                "y": [regions[y] for y in ys],
                "text": text,
                "hoverinfo": "text",
                "colorscale": scale,
                "zmin": -0.5,
                "zmax": n - 0.5,
                "showscale": False,
                "xgap": 1,
                "ygap": 1,
            }
        ],
        "layout": {
            "height": 18 * len(ys) + LABEL_SPACE,
            # every column labelled: wide matrices get a width of their own (the page
            # scrolls sideways) instead of losing their labels
            **({"width": 110 + COLUMN_WIDTH * len(xs)} if len(xs) > WIDE else {}),
            "margin": {"l": 110, "r": 10, "t": 10, "b": LABEL_SPACE - 40},
            "xaxis": {
                "tickangle": -60,
                "tickmode": "array",
                "tickvals": [str(names[x]) for x in xs],
                "ticktext": [short_label(str(names[x])) for x in xs],
            },
            "yaxis": {"autorange": "reversed", "automargin": True},
            "font": {"family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif", "size": 11},
        },
    }


def short_label(name: str, limit: int = 14) -> str:
    """An axis label short enough to read at -60°; the hover has the whole name."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _rules_text(lang: str) -> str:
    rules = reporting_calendar().rules
    parts = [
        t(
            lang,
            f"{_FREQUENCY[f][0]}数据：期末后第 {r.months_after} 个月 {r.day} 日前",
            f"{_FREQUENCY[f][1]}: by day {r.day} of the {r.months_after}th month after the period",
        )
        for f, r in rules.items()
    ]
    return t(lang, "报送截止规则（北京时间）：", "Due dates (Beijing time): ") + t(
        lang, "；", "; "
    ).join(parts)


def _denied(lang: str) -> dbc.Alert:
    return denied(
        "completeness-denied",
        lang,
        "报送进度仅限登录用户查看。请先登录。",
        "Reporting progress is for signed-in users. Please sign in.",
    )


def _share(period: str | None, regions: list[str] | None, lang: str) -> str:
    """``regions=all`` says "every region" apart from a reporter's default of their own."""
    return href("/completeness", lang, period=period, regions=",".join(regions or []) or ALL)


def layout(
    period: str | None = None,
    regions: str | None = None,
    lang: str | None = None,
    **_query: str,
) -> html.Div:
    lang = lang_of(lang)
    account = current_account()
    if account is None:
        return _denied(lang)
    period = period or str(beijing_today().year - 1)
    if regions == ALL:
        chosen = []
    else:
        chosen = regions.split(",") if regions else _default_regions(account)
    directory = region_directory()
    units = [r for r in directory if not r.is_grouping and r.in_circle != "outside"]
    body, error = _body(period, chosen, lang)
    return html.Div(
        [
            html.H2(t(lang, "报送进度", "Reporting progress"), className="h3"),
            html.P(
                [
                    t(
                        lang,
                        "各地区各指标某一期间的报送情况：已审核、已报送待审核、待报送、逾期未报、未到报送期。"
                        "示例数据和公开数据不计入，只统计各地区报送的数据。",
                        "What each region has reported for a period: approved, awaiting review, "
                        "awaiting report, overdue, not yet due. Only the regions' own reports count "
                        "(not sample or published data).",
                    ),
                    html.Br(),
                    html.Span(_rules_text(lang), className="small"),
                ],
                className="text-muted",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(t(lang, "期间", "Period"), html_for=Ids.PERIOD),
                            dbc.Input(
                                id=Ids.PERIOD,
                                value=period,
                                debounce=True,
                                placeholder="2025、2025Q3、2025-07",
                            ),
                        ],
                        md=2,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(t(lang, "地区", "Regions"), html_for=Ids.REGIONS),
                            dcc.Dropdown(
                                id=Ids.REGIONS,
                                options=[
                                    {"value": r.code, "label": region_name(r, lang)} for r in units
                                ],
                                value=chosen,
                                multi=True,
                                placeholder=t(lang, "全部地区", "All regions"),
                                labels=dropdown_labels(lang),
                            ),
                        ],
                        md=7,
                    ),
                    dbc.Col(
                        [
                            dbc.Button(
                                t(lang, "导出 Excel", "Export Excel"),
                                id=Ids.EXPORT,
                                color="secondary",
                                outline=True,
                                size="sm",
                                className="me-2 mt-4",
                            ),
                            html.A(
                                t(lang, "本视图链接", "Link to this view"),
                                id=Ids.SHARE,
                                href=_share(period, chosen, lang),
                                className="small",
                            ),
                        ],
                        md=3,
                    ),
                ],
                className="g-2 mb-2",
            ),
            html.Div(error, id=Ids.ERROR),
            dcc.Loading(html.Div(body, id=Ids.BODY), type="dot"),
            dcc.Download(id=Ids.DOWNLOAD),
        ]
    )


def _body(period: str, regions: list[str] | None, lang: str) -> tuple[list[Any], Any]:
    """The page below the controls, and an error for a period it cannot read."""
    try:
        frame = _matrix(period, regions, lang)
    except CalendarError as exc:
        return [], dbc.Alert(str(exc), color="danger", id="completeness-period-error")
    if frame.empty:
        return [
            dbc.Alert(
                t(lang, "该期间没有需要报送的指标。", "Nothing is due for this period."),
                color="info",
            )
        ], None
    return [
        html.Div(tally(frame, lang), id=Ids.TALLY),
        html.H3(t(lang, "按地区", "By region"), className="h5 mt-3"),
        grid(
            Ids.SUMMARY,
            SUMMARY,
            lang,
            rows=_summary_rows(frame, lang),
            height=min(400, 52 + 42 * frame.region_code.nunique()),
            filter=False,
        ),
        html.H3(
            t(lang, "地区 × 指标（取最需处理的状态）", "Region × indicator (most urgent state)"),
            className="h5 mt-3",
        ),
        html.Div(
            dcc.Graph(id=Ids.HEATMAP, figure=heatmap(frame, lang), config={"displaylogo": False}),
            style={"overflowX": "auto"},
        ),
        html.P(
            t(
                lang,
                "颜色同上方图例；空白表示该地区不需报送该指标（其报送模板中没有）。悬停查看指标名称。",
                "Colours as in the tally above; blank: the region does not report that indicator "
                "(not in its template). Hover for names.",
            ),
            className="small text-muted",
        ),
        html.H3(t(lang, "明细", "Every cell"), className="h5 mt-3"),
        grid(
            Ids.DETAIL,
            DETAIL,
            lang,
            rows=frame[[c for c, *_ in DETAIL]].to_dict("records"),
            height=560,
            page_size=50,
        ),
    ], None


@callback(
    Output(Ids.BODY, "children"),
    Output(Ids.ERROR, "children"),
    Output(Ids.SHARE, "href"),
    Input(Ids.PERIOD, "value"),
    Input(Ids.REGIONS, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def show(period: str | None, regions: list[str] | None, search: str | None) -> tuple[Any, ...]:
    lang = lang_of(search)
    if current_account() is None:  # the server decides, whatever the page shows
        return [], _denied(lang), dash.no_update
    period = text_value(period, "期间")
    if not period:
        return dash.no_update, None, dash.no_update
    body, error = _body(period, regions, lang)
    return body, error, _share(period, regions, lang)


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Input(Ids.EXPORT, "n_clicks"),
    State(Ids.PERIOD, "value"),
    State(Ids.REGIONS, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def export(
    _n: int | None, period: str | None, regions: list[str] | None, search: str | None
) -> Any:
    lang = lang_of(search)
    if current_account() is None or not text_value(period, "期间"):
        return dash.no_update
    try:
        frame = _matrix(period, regions, lang)
    except CalendarError:
        return dash.no_update
    return dcc.send_bytes(
        workbook(frame, lang), t(lang, "报送进度", "reporting-progress") + f"-{period}.xlsx"
    )


def workbook(frame: pd.DataFrame, lang: str) -> bytes:
    """按地区 and 明细 sheets, with the headers the page shows."""
    summary = pd.DataFrame(_summary_rows(frame, lang)).rename(
        columns={c: t(lang, zh, en) for c, zh, en, _ in SUMMARY}
    )
    detail = frame[[c for c, *_ in DETAIL]].rename(
        columns={c: t(lang, zh, en) for c, zh, en, _ in DETAIL}
    )
    buffer = io.BytesIO()
    summary, detail = spreadsheet_safe(summary), spreadsheet_safe(detail)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        summary.to_excel(writer, sheet_name=t(lang, "按地区", "by region"), index=False)
        detail.to_excel(writer, sheet_name=t(lang, "明细", "cells"), index=False)
    return buffer.getvalue()
