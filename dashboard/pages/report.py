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

from dashboard.components.header import Ids as HeaderIds
from dashboard.components.report_toolbar import report_callbacks, report_page, scope_options
from dashboard.components.scorecard import ranked_table, scorecard_table
from dashboard.components.status import pillar_status_figure, status_tally
from dashboard.context import region_directory
from dashboard.data import per_version, snapshots
from dashboard.i18n import lang_of, layer_name, status_word, t
from dashboard.report_workbook import report_workbook
from indicators.layers import LAYER_ORDER
from indicators.summary import (
    SHOWN_ORDER,
    headline_targets,
    largest_gaps,
    not_off_track,
    ranked_off_track,
    shown_status,
    status_by_scope,
)

dash.register_page(
    __name__, path="/report", name="进展报告", title="进展报告 · 成渝监测平台", order=4
)


class Ids(StrEnum):
    SCOPE = "report-scope"
    BODY = "report-body"
    SHARE = "report-share"
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
    as_of = int(frame.as_of.iloc[0])
    layers = [layer_name(x, lang) for x in LAYER_ORDER if x in set(frame.layer.dropna())]
    notes = [
        t(lang, f"生成日期：{date.today().isoformat()}", f"Generated: {date.today().isoformat()}"),
        t(
            lang,
            f"评估所用数据：{'、'.join(layers) or '无'}",
            f"Data assessed: {', '.join(layers) or 'none'}",
        ),
        *(
            [f"Latest values are of {as_of} unless a year is given; pp: percentage points."]
            if lang == "en"
            else []
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


def _summary_sentence(frame: pd.DataFrame, lang: str) -> str:
    shown = frame.status.map(shown_status).value_counts()
    done, ahead = int(shown.get("achieved", 0)), int(shown.get("on_track", 0))
    behind, missed = int(shown.get("behind", 0)), int(shown.get("missed", 0))
    unknown = int(shown.get("insufficient", 0))
    return t(
        lang,
        f"共评估 {len(frame)} 个量化目标：已完成 {done} 个，达到时序进度 {ahead} 个；"
        f"未达预期 {behind + missed} 个（滞后于时序进度 {behind} 个，未完成 {missed} 个）；"
        f"数据不足 {unknown} 个。",
        f"{len(frame)} quantified targets assessed: {done} achieved, {ahead} on schedule; "
        f"{behind + missed} off track ({behind} behind schedule, {missed} not achieved); "
        f"{unknown} with insufficient data.",
    )


def _by_region(frame: pd.DataFrame, lang: str) -> dbc.Table:
    """Targets of each scope by status: the table by region of page 1."""
    table = status_by_scope(frame)
    labels = dict(zip(frame.scope_code, frame.scope_label, strict=True))
    statuses = [s for s in SHOWN_ORDER if table[s].any()]
    header = [
        t(lang, "范围", "Scope"),
        t(lang, "目标数", "Targets"),
        *[status_word(s, lang) for s in statuses],
    ]
    rows = [
        html.Tr(
            [
                html.Td(labels.get(code, code)),
                html.Td(str(int(row.total)), className="fw-bold"),
                *[html.Td(str(int(row[s])) if row[s] else "·") for s in statuses],
            ]
        )
        for code, row in table.iterrows()
    ]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)],
        size="sm",
        bordered=False,
        responsive=True,
        className="scorecard report-by-region",
        id="report-by-region",
    )


def _compact(figure: dict[str, Any]) -> dict[str, Any]:
    """The pillar chart at the size of half an A4 page (its screen size filled one)."""
    layout = figure["layout"]
    rows = len(figure["data"][0]["y"]) if figure["data"] else 1
    return {
        **figure,
        "layout": {**layout, "height": 22 * rows + 100, "font": {**layout["font"], "size": 12}},
    }


def _section(title: str, children: list[Any], className: str = "") -> html.Section:
    return html.Section(
        [html.H3(title, className="h4"), *children], className=f"report-section {className}"
    )


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
    ranked = ranked_off_track(frame)
    rest = not_off_track(frame)
    return html.Div(
        [
            html.H2(_title(lang, label, as_of), className="h3 text-center", id="report-title"),
            html.Ul([html.Li(n) for n in _notes(frame, lang)], className="small text-muted"),
            _section(
                t(lang, "一、摘要", "1. Summary"),
                [
                    html.P(_summary_sentence(frame, lang), id="report-summary-sentence"),
                    status_tally(frame, lang, className="mb-2"),
                    html.H4(
                        t(lang, "差距最大的五个目标", "The five largest gaps"), className="h6 mt-2"
                    ),
                    ranked_table(largest_gaps(frame), lang, "report-largest-gaps"),
                    html.H4(t(lang, "分地区进展", "Progress by region"), className="h6 mt-2"),
                    _by_region(frame, lang),
                ],
                "report-summary",
            ),
            _section(
                t(lang, "二、分领域进展与核心指标", "2. Progress by pillar; headline targets"),
                [
                    dcc.Graph(
                        figure=_compact(pillar_status_figure(frame, lang)),
                        config={"displaylogo": False, "staticPlot": True},
                        id="report-pillars",
                        className="report-chart",
                    ),
                    scorecard_table(
                        headline_targets(frame),
                        lang,
                        show_scope=True,
                        table_id="report-headline",
                        short=True,
                    ),
                ],
                "report-page-break",
            ),
            _section(
                t(
                    lang,
                    f"三、未达预期的目标（{len(ranked)} 个，按差距排序）",
                    f"3. Targets off track ({len(ranked)}, largest gap first)",
                ),
                [
                    html.P(
                        t(
                            lang,
                            "滞后于时序进度或未完成的目标：核心指标在前，其余按差距占目标的比例从大到小排列。",
                            "Targets behind schedule or not achieved: headline targets first, "
                            "then by the gap as a share of the target.",
                        ),
                        className="small text-muted",
                    ),
                    ranked_table(ranked, lang, "report-off-track"),
                ],
                "report-page-break report-long",
            ),
            _section(
                t(
                    lang,
                    f"附录：其余目标（{len(rest)} 个）",
                    f"Appendix: the other targets ({len(rest)})",
                ),
                [ranked_table(rest, lang, "report-appendix")],
                "report-long report-appendix",
            ),
        ],
        className=f"report report-{lang}",
    )


def kept_body(scope: str | None, lang: str) -> Any:
    """``body`` once per progress version, scope, language and day (it names the
    day) in this worker: the report reads the snapshots alone, and its ~20,000
    components took most of a cache miss (issue 19). Only the whole circle and the
    directory's scopes are kept: a stream of made-up ``scope`` values must not fill
    the worker's memory."""
    if scope is not None and scope not in region_directory().regions:
        return body(scope, lang)
    return per_version(f"report:{scope}:{lang}:{date.today()}", lambda: body(scope, lang))


def layout(scope: str | None = None, lang: str | None = None, **_query: str) -> html.Div:
    lang = lang_of(lang)
    share = ("本报告链接", "Link to this report")
    return report_page(
        Ids, scope_options(snapshots(lang)), scope, lang, "/report", share, kept_body
    )


report_callbacks(Ids, "/report", kept_body)


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Input(Ids.XLSX, "n_clicks"),
    State(Ids.SCOPE, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def download(_n: int | None, scope: str | None, search: str | None) -> Any:
    lang = lang_of(search)
    frame, label = _scoped(scope, lang)
    if frame.empty:
        return dash.no_update
    title = _title(lang, label, int(frame.as_of.iloc[0]))
    notes = [*_notes(frame, lang), _summary_sentence(frame, lang)]
    content = report_workbook(frame, lang, title, notes)
    name = (
        t(lang, "进展报告", "progress-report")
        + f"-{scope or 'ccec'}-{int(frame.as_of.iloc[0])}.xlsx"
    )
    return dcc.send_bytes(content, name)
