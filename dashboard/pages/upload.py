"""数据校验: check a statistics file before sending it — nothing is stored.

Statisticians drop a file (template, wide table, portal export, yearbook
table) and see at once every problem with its row and column, in Chinese, and
can download the report. Templates pre-filled for a region and period are
offered here too.

The check is open to everyone when reading needs no sign-in, so an anonymous
client may check at most CHECK_RATE_LIMIT files per 10 minutes (counted in the
database, across workers); files are read in a confined child process and a
file over the size or shape limits is refused and recorded without its bytes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import data
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.picker import picker, region_picker
from dashboard.components.upload_box import upload_box
from dashboard.components.validation import (
    problems_grid,
    report_csv,
    summary,
    template_links,
)
from dashboard.context import region_directory, session_factory, settings
from dashboard.i18n import lang_of, t
from dashboard.uploads import UploadError, decode_upload, sender, upload_limits
from workflows.intake import (
    CHECK_WINDOW,
    allow_anonymous_check,
    check,
    filename_problem,
    refusal_report,
    safe_filename,
)

dash.register_page(
    __name__, path="/upload", name="数据校验", title="数据校验 · 成渝监测平台", order=5
)


class Ids(StrEnum):
    UPLOAD = "upload-file"
    SUMMARY = "upload-summary"
    GRID = "upload-problems"
    DOWNLOAD_BUTTON = "upload-download-button"
    DOWNLOAD = "upload-download"
    REPORT = "upload-report"
    REGION = "upload-template-region"
    PERIOD = "upload-template-period"
    TEMPLATE_LINKS = "upload-template-links"
    INDICATOR = "upload-default-indicator"
    DEFAULT_REGION = "upload-default-region"


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = lang_of(lang)
    units = sorted((r for r in region_directory() if not r.is_grouping), key=lambda r: r.code)
    limit = settings().max_upload_bytes
    return html.Div(
        [
            html.H2(t(lang, "数据校验", "Check a data file"), className="h3"),
            html.P(
                t(
                    lang,
                    "上传统计数据文件，立即逐行检查地区、指标、期间、数值和单位。本页只做校验，"
                    "不写入数据库；正式报送请通过接口（POST /api/v1/submissions）或投放目录。",
                    "Upload a statistics file to check every row's region, indicator, period, value "
                    "and unit at once. Nothing is stored here; submit through the API (POST "
                    "/api/v1/submissions) or the drop folder.",
                ),
                className="text-muted",
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H3(
                            t(lang, "下载预填模板", "Download a pre-filled template"),
                            className="h6",
                        ),
                        dbc.Row(
                            [
                                dbc.Col(
                                    region_picker(
                                        Ids.REGION,
                                        units,
                                        None,
                                        t(lang, "选择地区…", "Choose a region…"),
                                        lang,
                                    ),
                                    md=4,
                                ),
                                dbc.Col(
                                    dbc.Input(
                                        id=Ids.PERIOD,
                                        value=t(lang, "2025年", "2025"),
                                        placeholder=t(lang, "期间，如 2025年", "Period, e.g. 2025"),
                                    ),
                                    md=3,
                                ),
                                dbc.Col(html.Div(id=Ids.TEMPLATE_LINKS, className="pt-2"), md=5),
                            ]
                        ),
                    ]
                ),
                className="mb-3",
            ),
            upload_box(
                Ids.UPLOAD,
                lang,
                ("将文件拖到此处，或", "Drop a file here, or "),
                ("CSV、Excel .xlsx/.xls", "CSV, Excel .xlsx/.xls"),
                limit,
            ),
            _naming(lang, units),
            dcc.Loading(html.Div(id=Ids.SUMMARY), type="dot"),
            problems_grid(Ids.GRID, lang),
            dbc.Button(
                t(lang, "下载校验报告（CSV）", "Download the report (CSV)"),
                id=Ids.DOWNLOAD_BUTTON,
                color="secondary",
                className="mt-2",
                disabled=True,
            ),
            dcc.Download(id=Ids.DOWNLOAD),
            dcc.Store(id=Ids.REPORT),
        ]
    )


def _naming(lang: str, units: list[Any]) -> dbc.Row:
    """Where a file names no indicator or region (a portal export whose 指标 line was cut,
    a yearbook table of one region), the person names it here: the pages' way of
    what --indicator / --region and the API's indicator / region fields do."""
    return dbc.Row(
        [
            dbc.Col(
                html.Span(
                    t(
                        lang,
                        "文件未注明指标或地区时：",
                        "If the file names no indicator or region:",
                    ),
                    className="text-muted small",
                ),
                md=3,
                className="pt-2",
            ),
            dbc.Col(
                picker(
                    Ids.INDICATOR,
                    [
                        {"label": row.name_zh, "value": row.id}
                        for row in data.indicators().itertuples()
                    ],
                    None,
                    t(lang, "指标…", "Indicator…"),
                    lang,
                ),
                md=5,
            ),
            dbc.Col(
                region_picker(Ids.DEFAULT_REGION, units, None, t(lang, "地区…", "Region…"), lang),
                md=4,
            ),
        ],
        className="mb-3",
    )


@callback(
    Output(Ids.TEMPLATE_LINKS, "children"),
    Input(Ids.REGION, "value"),
    Input(Ids.PERIOD, "value"),
    State(HeaderIds.URL, "search"),
)
def show_template_links(region: str | None, period: str | None, search: str | None) -> Any:
    return template_links(region, period, lang_of(search))


@callback(
    Output(Ids.SUMMARY, "children"),
    Output(Ids.GRID, "rowData"),
    Output(Ids.REPORT, "data"),
    Output(Ids.DOWNLOAD_BUTTON, "disabled"),
    Input(Ids.UPLOAD, "contents"),
    # choosing the indicator or region a file names nowhere (or the one the check proposes)
    # checks the file again with it
    Input(Ids.INDICATOR, "value"),
    Input(Ids.DEFAULT_REGION, "value"),
    State(Ids.UPLOAD, "filename"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def check_upload(
    contents: str | None,
    indicator: str | None,
    region: str | None,
    filename: str | None,
    search: str | None,
) -> tuple[Any, ...]:
    if not contents or not filename or not isinstance(contents, str):
        return None, [], None, True
    shown = safe_filename(str(filename))
    named = {
        "default_indicator": indicator if isinstance(indicator, str) else None,
        "default_region": region if isinstance(region, str) else None,
    }
    report = _report(contents, str(filename), **named)
    return (
        summary(shown, report, lang_of(search)),
        report["problems"],
        {"file": shown, **report},
        False,
    )


def _report(
    contents: str,
    filename: str,
    default_indicator: str | None = None,
    default_region: str | None = None,
) -> dict[str, Any]:
    """The check's report; refused before the file is read when its name holds
    control characters, its contents are no base64, or an anonymous client is past
    its limit."""
    shown = safe_filename(filename)
    if problem := filename_problem(filename):
        return refusal_report(shown, problem)
    try:
        content = decode_upload(contents)
    except UploadError as error:
        return refusal_report(shown, str(error))
    who = sender("check")
    limit = settings().check_rate_limit
    if who.user_id is None and not allow_anonymous_check(
        session_factory(), who.address or "", limit, shown, len(content)
    ):
        minutes = int(CHECK_WINDOW.total_seconds() // 60)
        return refusal_report(
            shown,
            f"校验过于频繁：未登录时同一地址每 {minutes} 分钟最多校验 {limit} 个文件，"
            "请稍后再试，或登录后校验",
        )
    _, report = check(
        session_factory(),
        shown,
        content,
        limits=upload_limits(),
        sender=who,
        default_indicator=default_indicator,
        default_region=default_region,
    )
    return report


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Input(Ids.DOWNLOAD_BUTTON, "n_clicks"),
    State(Ids.REPORT, "data"),
    prevent_initial_call=True,
)
def download_report(_clicks: int | None, report: Any) -> Any:
    """The check report as CSV; the store's contents come from the browser, so a
    report of the wrong shape downloads nothing instead of failing."""
    made = report_csv(report)
    if made is None:
        return None
    content, name = made
    return {"content": content, "filename": name}
