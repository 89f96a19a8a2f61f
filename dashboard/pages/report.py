"""进展报告: the printable progress report the joint office brings to the joint
Party–government meeting — headline status, charts, the off-track list —
printed from the browser (or saved as PDF) and downloadable as Excel."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.components.outlook import weather_icon
from dashboard.components.report_toolbar import print_on_click, report_toolbar, scope_options
from dashboard.components.scorecard import scorecard_table
from dashboard.components.status import pillar_status_figure, status_tally
from dashboard.data import snapshots
from dashboard.i18n import href, lang_of, layer_name, t
from dashboard.report_workbook import report_workbook
from indicators.outlook import SYMBOL_ORDER
from indicators.summary import OFF_TRACK, headline_targets

dash.register_page(
    __name__, path="/report", name="进展报告", title="进展报告 · 成渝监测平台", order=4
)


class Ids(StrEnum):
    SCOPE = "report-scope"
    BODY = "report-body"
    PRINT = "report-print"
    XLSX = "report-xlsx"
    DOWNLOAD = "report-download"


def _title(lang: str, scope_label: str | None, as_of: int) -> str:
    if scope_label:
        return t(
            lang,
            f"{scope_label}规划目标进展报告（截至 {as_of} 年）",
            f"Progress on the plan targets of {scope_label} (as of {as_of})",
        )
    return t(
        lang,
        f"成渝地区双城经济圈规划目标进展报告（截至 {as_of} 年）",
        f"Chengdu–Chongqing Economic Circle: progress on plan targets (as of {as_of})",
    )


def _notes(frame: Any, lang: str) -> list[str]:
    layers = [
        layer_name(x, lang)
        for x in ("published", "reported", "sample")
        if x in set(frame.layer.dropna())
    ]
    notes = [
        t(lang, f"生成日期：{date.today().isoformat()}", f"Generated: {date.today().isoformat()}"),
        t(
            lang,
            f"评估所用数据：{'、'.join(layers) or '无'}",
            f"Data assessed: {', '.join(layers) or 'none'}",
        ),
        t(
            lang,
            "评估方法见平台“方法”页：目标进度比 R（加拿大统计局、Open SDG）与预期差距天气符号（德国可持续发展指标）。",
            "Method: see the monitor's Method page — the growth ratio R (Statistics Canada, Open SDG) and the "
            "weather symbols of expected shortfall (Germany's sustainability indicators).",
        ),
    ]
    if "sample" in set(frame.layer.dropna()):
        notes.insert(
            0,
            t(
                lang,
                "示例数据：本报告含合成的示例数据，非真实统计，仅供演示。",
                "示例数据 — sample data: this report includes synthetic data, not real statistics; for demonstration only.",
            ),
        )
    return notes


def _scoped(scope: str | None, lang: str) -> tuple[pd.DataFrame, str | None]:
    """The snapshots a report covers and its scope's name (None: the whole set)."""
    frame = snapshots(lang)
    if not scope:
        return frame, None
    frame = frame[frame.scope_code == scope]
    return frame, (frame.scope_label.iloc[0] if not frame.empty else None)


def body(scope: str | None, lang: str) -> Any:
    frame, label = _scoped(scope, lang)
    if frame.empty and not scope:
        return dbc.Alert(
            t(
                lang,
                "尚无进展评估结果，无法生成报告。",
                "No progress assessed yet: nothing to report.",
            ),
            color="info",
        )
    if frame.empty:
        return dbc.Alert(
            t(lang, "该范围没有规划目标。", "No plan target for this scope."), color="warning"
        )
    as_of = int(frame.as_of.iloc[0])
    outlook = frame.outlook.fillna("none").value_counts()
    off = frame[frame.status.isin(OFF_TRACK)]
    chart = pillar_status_figure(frame, lang)
    return html.Div(
        [
            html.H2(_title(lang, label, as_of), className="h3 text-center", id="report-title"),
            html.Ul([html.Li(n) for n in _notes(frame, lang)], className="small text-muted"),
            html.Section(
                [
                    html.H3(t(lang, "一、总体进展", "1. Overall progress"), className="h4"),
                    html.P(
                        t(
                            lang,
                            f"共评估 {len(frame)} 个量化目标。",
                            f"{len(frame)} quantified targets assessed.",
                        )
                    ),
                    status_tally(frame, lang, className="mb-2"),
                    html.Div(
                        [
                            html.Span(
                                [
                                    weather_icon(s, lang),
                                    html.Strong(
                                        str(int(outlook.get(s, 0))), className="fs-5 ms-1 me-3"
                                    ),
                                ],
                                className="d-inline-flex align-items-center",
                            )
                            for s in SYMBOL_ORDER
                        ],
                        className="mb-2",
                    ),
                    dcc.Graph(
                        figure=chart,
                        config={"displaylogo": False, "staticPlot": True},
                        id="report-pillars",
                    ),
                ],
                className="report-section",
            ),
            html.Section(
                [
                    html.H3(t(lang, "二、核心指标", "2. Headline targets"), className="h4"),
                    scorecard_table(
                        headline_targets(frame), lang, show_scope=True, table_id="report-headline"
                    ),
                ],
                className="report-section",
            ),
            html.Section(
                [
                    html.H3(
                        t(
                            lang,
                            f"三、未达预期的目标（{len(off)} 个）",
                            f"3. Targets off track ({len(off)})",
                        ),
                        className="h4",
                    ),
                    html.P(
                        t(
                            lang,
                            "状态为需加快、进展缓慢、偏离或未实现的目标，按领域排列。",
                            "Targets that need acceleration, progress slowly, move away or were missed, by pillar.",
                        ),
                        className="small text-muted",
                    ),
                    scorecard_table(off, lang, show_scope=True, table_id="report-off-track"),
                ],
                className="report-section report-page-break",
            ),
        ]
    )


def layout(scope: str | None = None, lang: str | None = None, **_query: str) -> html.Div:
    lang = lang_of(lang)
    scopes = scope_options(snapshots(lang))
    share = ("本报告链接", "Link to this report")
    return html.Div(
        [
            report_toolbar(Ids, scopes, scope, lang, "/report", "report-share", share),
            dcc.Loading(html.Div(body(scope, lang), id=Ids.BODY), type="dot"),
            dcc.Download(id=Ids.DOWNLOAD),
        ]
    )


@callback(
    Output(Ids.BODY, "children"),
    Output("report-share", "href"),
    Input(Ids.SCOPE, "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show(scope: str | None, search: str | None) -> tuple[Any, str]:
    lang = lang_of(search)
    return body(scope, lang), href("/report", lang, scope=scope)


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Input(Ids.XLSX, "n_clicks"),
    State(Ids.SCOPE, "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def download(_n: int | None, scope: str | None, search: str | None) -> Any:
    lang = lang_of(search)
    frame, label = _scoped(scope, lang)
    if frame.empty:
        return dash.no_update
    title = _title(lang, label, int(frame.as_of.iloc[0]))
    content = report_workbook(frame, lang, title, _notes(frame, lang))
    name = (
        t(lang, "进展报告", "progress-report")
        + f"-{scope or 'ccec'}-{int(frame.as_of.iloc[0])}.xlsx"
    )
    return dcc.send_bytes(content, name)


print_on_click(Ids.PRINT)
