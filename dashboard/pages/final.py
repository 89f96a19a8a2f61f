"""终期评估: the final evaluation of the 2021–2025 targets on published figures.

What leaders ask for once a plan period is over: which target was met, on the
figures governments and statistics bureaus have published, with the evidence.
Only the published layer counts (示例数据 and statistics still in review never
do); each verdict shows the figure, its source and the plan's sentence. Printed
from the browser on A4, or downloaded as Excel. The method is on the 方法 page
(indicators/final_evaluation.py).
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
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.report_toolbar import report_callbacks, report_page, scope_options
from dashboard.components.scorecard import indicator_cell, pillar_table, value_text
from dashboard.components.status import verdict_badge
from dashboard.data import final_evaluation, indicators
from dashboard.i18n import bound_name, bound_sign, figure_year, href, lang_of, pillar_name, t
from indicators.catalogue import PILLARS
from indicators.exports import spreadsheet_safe
from indicators.final_evaluation import (
    MOSTLY_DONE,
    VERDICT_EN,
    VERDICT_ZH,
    VERDICTS,
    notable_misses,
    tally,
)
from indicators.formatting import target_text
from workflows.published import parse_source_note

dash.register_page(
    __name__, path="/final", name="终期评估", title="终期评估 · 成渝监测平台", order=4
)


class Ids(StrEnum):
    SCOPE = "final-scope"
    BODY = "final-body"
    PRINT = "final-print"
    XLSX = "final-xlsx"
    DOWNLOAD = "final-download"
    SHARE = "final-share"


def through_year() -> int:
    """The last year whose targets are due: the year before today's (Beijing)."""
    return beijing_today().year - 1


def evaluated(scope: str | None, lang: str) -> tuple[pd.DataFrame, str | None]:
    """The verdicts of the targets due, with labels and parsed sources; the scope's name."""
    frame = final_evaluation(lang, through_year())
    if frame.empty:
        return frame, None
    names = indicators().set_index("id")
    frame = frame.assign(
        indicator_name_en=frame.indicator_id.map(names.name_en),
        unit=frame.indicator_id.map(names.unit),
        target_year=frame.year,
        target_value=frame.value,
        target_unit=frame.unit,
    )
    sources = pd.DataFrame([parse_source_note(n) for n in frame.source_note], index=frame.index)
    frame = pd.concat([frame, sources], axis=1)
    if not scope:
        return frame, None
    frame = frame[frame.scope_code == scope]
    return frame, (frame.scope_label.iloc[0] if not frame.empty else None)


def _title(lang: str, label: str | None, year: int) -> str:
    zh = f"{label or '成渝地区双城经济圈'}规划目标终期评估（目标年份在 {year} 年及以前）"
    en = f"{label or 'Chengdu–Chongqing Economic Circle'}: final evaluation of plan targets due by {year}"
    return t(lang, zh, en)


def _notes(lang: str) -> list[Any]:
    share = int(MOSTLY_DONE * 100)
    return [
        t(lang, f"生成日期：{date.today().isoformat()}", f"Generated: {date.today().isoformat()}"),
        t(
            lang,
            "只用公开数据：统计公报、统计局和政府发布的数字，每条注明发布者、原文和网址；示例数据和未公开的报送数据不参与评估。",
            "Published figures only — statistical bulletins and releases of statistics bureaus and governments, "
            "each with its publisher, wording and address; sample data and unpublished reports are never used.",
        ),
        html.Span(
            [
                t(
                    lang,
                    f"已完成：目标年份的公开数据达到目标；基本完成：未达到，但已走完规划要求的路程的 {share}% 以上；"
                    "未完成：不足此数；无公开数据：目标年份尚无公开数字（不以其他年份代替）。详见",
                    f"Completed: the target year's published figure meets the target; mostly completed: missed, "
                    f"but at least {share}% of the way the plan asked for was covered; not completed: less; "
                    "no published figure: none for the target year (no other year stands in). See ",
                ),
                html.A(t(lang, "方法", "Method"), href=href("/methodology", lang)),
                t(lang, "。", "."),
            ]
        ),
    ]


def _summary(frame: pd.DataFrame, lang: str) -> html.Div:
    counts = tally(frame.verdict)
    known = len(frame) - counts["no_data"]
    finished = counts["done"] + counts["mostly_done"]
    words = "、".join(f"{VERDICT_ZH[v]} {counts[v]} 个" for v in VERDICTS)
    words_en = ", ".join(f"{VERDICT_EN[v]} {counts[v]}" for v in VERDICTS)
    rate = f"{finished / known:.0%}" if known else "—"
    headline = frame[frame.headline.fillna(False).astype(bool)]
    head = tally(headline.verdict)
    return html.Div(
        [
            html.P(
                t(
                    lang,
                    f"纳入评估的量化目标 {len(frame)} 个：{words}。有公开数据的 {known} 个目标中，"
                    f"已完成和基本完成的占 {rate}。",
                    f"{len(frame)} quantified targets due: {words_en}. Of the {known} with a published "
                    f"figure, {rate} were completed or mostly completed.",
                ),
                id="final-summary",
            ),
            html.Div(
                [
                    html.Span(
                        [
                            verdict_badge(v, lang, className="fs-6 me-1"),
                            html.Span(str(counts[v]), className="fs-5 fw-bold me-4"),
                        ],
                        className="d-inline-flex align-items-center mb-1",
                    )
                    for v in VERDICTS
                ],
                id="final-tally",
            ),
            html.P(
                t(
                    lang,
                    f"其中核心指标目标 {len(headline)} 个："
                    + "、".join(f"{VERDICT_ZH[v]} {head[v]} 个" for v in VERDICTS)
                    + "。",
                    f"Headline targets among them: {len(headline)} — "
                    + ", ".join(f"{VERDICT_EN[v]} {head[v]}" for v in VERDICTS)
                    + ".",
                ),
                className="small",
            ),
        ]
    )


def _count_table(frame: pd.DataFrame, by: str, label: Any, lang: str, id_: str) -> dbc.Table:
    """Targets per verdict for each value of ``by`` (pillar or scope), with totals."""
    counts = frame.groupby([by, "verdict"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(VERDICTS), fill_value=0)
    if by == "pillar":
        order = [p for p in PILLARS if p in counts.index]
        counts = counts.loc[order]
    else:
        counts = counts.sort_values("done", ascending=False)
    header = [
        label,
        *(t(lang, VERDICT_ZH[v], VERDICT_EN[v]) for v in VERDICTS),
        t(lang, "合计", "Total"),
    ]
    rows = [
        html.Tr(
            [
                html.Td(pillar_name(key, lang) if by == "pillar" else key),
                *(html.Td(str(int(row[v])), className="text-end") for v in VERDICTS),
                html.Td(str(int(row.sum())), className="text-end fw-bold"),
            ]
        )
        for key, row in counts.iterrows()
    ]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)],
        size="sm",
        bordered=True,
        responsive=True,  # scrolls inside its box on a phone, not the page
        className="w-auto",
        id=id_,
    )


def _share_text(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.0%}"


def _figure_text(row: Any, lang: str) -> str:
    if row.figure_value is None or pd.isna(row.figure_value):
        return "—"
    year = int(row.figure_year)
    # a published bound (超过5000列: at least 5,000) read as one, never as the figure itself
    bound = getattr(row, "figure_bound", None)
    return (
        bound_sign(bound)
        + value_text(row.figure_value, row.unit, lang)
        + figure_year(year, bound, lang)
    )


def _target_cell(row: Any, lang: str) -> html.Td:
    """The target as said, with the plan's sentence under it (the evidence of the goal)."""
    sep = "：" if lang == "zh" else ": "
    goal = target_text(row.value, row.target_unit, row.comparator, row.value_high, row.kind, lang)
    return html.Td(
        [
            html.A(
                f"{int(row.year)}{sep}{goal}", href=href("/targets", lang, target=row.target_id)
            ),
            html.Div(f"“{row.quote}”", className="small text-muted final-quote"),
        ]
    )


def _source_cell(row: Any, lang: str) -> html.Td:
    """Who published the figure, linked, its wording under it; derived or none said so."""
    if isinstance(row.figure_source, str) and row.figure_source.startswith("derived:"):
        return html.Td(
            t(lang, "由成员地区的公开数据汇总", "summed from the members' published figures")
        )
    if not row.publisher:
        return html.Td(row.note or "—", className="small text-muted")
    name = html.A(row.publisher, href=row.url) if row.url else html.Span(row.publisher)
    return html.Td(
        [name, html.Div(f"“{row.wording}”", className="small text-muted final-quote")],
        className="small",
    )


def _cells(row: Any, lang: str) -> list[html.Td]:
    return [
        indicator_cell(row, lang),
        html.Td(row.scope_label),
        _target_cell(row, lang),
        html.Td(_figure_text(row, lang)),
        html.Td(verdict_badge(row.verdict, lang)),
        html.Td(_share_text(row.completion), className="text-end"),
        _source_cell(row, lang),
    ]


def _detail_table(frame: pd.DataFrame, lang: str, id_: str, empty: str) -> Any:
    """Each target with its sentence, figure, verdict, share of the way and source."""
    if frame.empty:
        return html.P(empty, className="text-muted")
    header = [
        t(lang, "指标", "Indicator"),
        t(lang, "范围", "Scope"),
        t(lang, "目标（规划原文）", "Target (the plan's sentence)"),
        t(lang, "公开数据", "Published figure"),
        t(lang, "结论", "Verdict"),
        t(lang, "完成程度", "Share of the way"),
        t(lang, "出处", "Source"),
    ]
    return pillar_table(frame, header, lambda row: _cells(row, lang), id_, lang)


def body(scope: str | None, lang: str) -> Any:
    frame, label = evaluated(scope, lang)
    year = through_year()
    if frame.empty:
        return dbc.Alert(
            t(lang, "该范围没有目标年份已过的规划目标。", "No plan target due in this scope."),
            color="info",
        )
    judged = frame[frame.verdict != "no_data"]
    missing = frame[frame.verdict == "no_data"]
    misses = notable_misses(frame)
    return html.Div(
        [
            html.H2(_title(lang, label, year), className="h3 text-center", id="final-title"),
            html.Ul([html.Li(n) for n in _notes(lang)], className="small text-muted"),
            _section(t(lang, "一、总体情况", "1. Overall"), [_summary(frame, lang)]),
            _section(
                t(lang, "二、分领域", "2. By pillar"),
                [_count_table(frame, "pillar", t(lang, "领域", "Pillar"), lang, "final-by-pillar")],
            ),
            _section(
                t(lang, "三、分地区", "3. By region"),
                [
                    _count_table(
                        frame, "scope_label", t(lang, "范围", "Scope"), lang, "final-by-region"
                    )
                ],
            ),
            _section(
                t(
                    lang,
                    f"四、主要未完成目标（{len(misses)} 个）",
                    f"4. Notable misses ({len(misses)})",
                ),
                [
                    html.P(
                        t(
                            lang,
                            "未完成的目标，按完成程度从低到高。",
                            "Targets not completed, least of the way covered first.",
                        ),
                        className="small text-muted",
                    ),
                    _detail_table(
                        misses, lang, "final-misses", t(lang, "没有未完成的目标。", "None.")
                    ),
                ],
            ),
            _section(
                t(
                    lang,
                    f"五、有公开数据的目标逐项结论（{len(judged)} 个）",
                    f"5. Every target with a published figure ({len(judged)})",
                ),
                [_detail_table(judged, lang, "final-judged", t(lang, "尚无。", "None yet."))],
                page_break=True,
            ),
            _section(
                t(
                    lang,
                    f"六、无公开数据的目标（{len(missing)} 个）",
                    f"6. Targets without a published figure ({len(missing)})",
                ),
                [_detail_table(missing, lang, "final-no-data", t(lang, "没有。", "None."))],
                page_break=True,
            ),
        ]
    )


def _section(title: str, children: list[Any], page_break: bool = False) -> html.Section:
    """A numbered part of the report; the long lists start on a new printed page."""
    return html.Section(
        [html.H3(title, className="h4"), *children],
        className="report-section" + (" report-page-break" if page_break else ""),
    )


def layout(scope: str | None = None, lang: str | None = None, **_query: str) -> html.Div:
    lang = lang_of(lang)
    scopes = scope_options(evaluated(None, lang)[0])
    return report_page(Ids, scopes, scope, lang, "/final", ("本页链接", "Link to this page"), body)


report_callbacks(Ids, "/final", body)


def workbook(frame: pd.DataFrame, lang: str) -> bytes:
    """Every verdict with its target, sentence, figure and source, one row each."""
    columns = {
        "pillar": ("领域", "Pillar"),
        "indicator_name": ("指标", "Indicator"),
        "scope_label": ("范围", "Scope"),
        "plan_title": ("规划", "Plan"),
        "quote": ("规划原文", "Plan sentence"),
        "year": ("目标年份", "Target year"),
        "goal": ("目标", "Target"),
        "figure_value": ("公开数据", "Published figure"),
        "unit": ("单位", "Unit"),
        "figure_year": ("数据年份", "Figure's year"),
        "bound_word": ("界限", "Bound"),
        "verdict_word": ("结论", "Verdict"),
        "completion": ("完成程度", "Share of the way"),
        "gap": ("差距", "Shortfall"),
        "publisher": ("发布者", "Publisher"),
        "wording": ("原文措辞", "Wording"),
        "url": ("网址", "URL"),
        "vintage": ("数据版本", "Vintage"),
        "note": ("说明", "Note"),
    }
    out = frame.assign(
        pillar=frame.pillar.map(lambda p: pillar_name(p, lang)),
        goal=[
            target_text(r.value, r.target_unit, r.comparator, r.value_high, r.kind, lang)
            for r in frame.itertuples()
        ],
        verdict_word=frame.verdict.map(VERDICT_ZH if lang == "zh" else VERDICT_EN),
        bound_word=frame.figure_bound.map(lambda b: bound_name(b, lang, short=True)),
    )
    out = out[list(columns)].rename(columns={k: t(lang, zh, en) for k, (zh, en) in columns.items()})
    buffer = io.BytesIO()
    spreadsheet_safe(out).to_excel(buffer, index=False, sheet_name=t(lang, "终期评估", "final"))
    return buffer.getvalue()


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Input(Ids.XLSX, "n_clicks"),
    State(Ids.SCOPE, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def download(_n: int | None, scope: str | None, search: str | None) -> Any:
    lang = lang_of(search)
    scope = scope if isinstance(scope, str) else None
    frame, _ = evaluated(scope, lang)
    if frame.empty:
        return dash.no_update
    name = t(lang, "终期评估", "final-evaluation") + f"-{scope or 'ccec'}-{through_year()}.xlsx"
    return dcc.send_bytes(workbook(frame, lang), name)
