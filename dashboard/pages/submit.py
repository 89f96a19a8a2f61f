"""数据填报: a reporter picks the region and period, then either fills in the
online form (在线填报, dashboard/components/online_entry.py: the template's rows,
checked while typing, saved as a draft, submitted for review) or downloads the
pre-filled template, uploads it, reads the check row by row, corrects and
uploads again, then submits it for review; below, the history of their own
submissions and what became of them. The server checks the account and its
regions on every action (workflows/online_entry.py, workflows/review.py), whatever
this page shows."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard.auth import current_account
from dashboard.components import online_entry
from dashboard.components.access import denied
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.picker import region_picker
from dashboard.components.submission_history import history_grid, history_rows
from dashboard.components.upload_box import upload_box
from dashboard.components.validation import problems_grid, summary, template_links
from dashboard.context import region_directory, session_factory
from dashboard.i18n import lang_of, t
from dashboard.uploads import UploadError, decode_upload, sender, upload_limits
from db.errors import StorageError
from indicators.access import AccessDenied, may_submit, report_scope
from workflows.intake import (
    ERROR,
    STATUS_ZH,
    check,
    filename_problem,
    refusal_report,
    safe_filename,
)
from workflows.review import submit

dash.register_page(__name__, path="/submit", name="数据填报", title="数据填报 · 成渝监测平台")


class Ids(StrEnum):
    REGION = online_entry.Ids.REGION
    PERIOD = online_entry.Ids.PERIOD
    TEMPLATE = "submit-template"
    UPLOAD = "submit-upload"
    SUMMARY = "submit-summary"
    GRID = "submit-problems"
    FILE = "submit-file"
    SEND = "submit-send"
    RESULT = "submit-result"
    HISTORY = "submit-history"
    TABS = "submit-tabs"


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = lang_of(lang)
    account = current_account()
    if not may_submit(account):
        return denied(
            "submit-denied",
            lang,
            "数据填报需以填报员账号登录。",
            "Sign in with a reporter's account to submit data.",
        )
    directory = region_directory()
    allowed = report_scope(account)
    units = sorted(
        (r for r in directory if not r.is_grouping and (allowed is None or r.code in allowed)),
        key=lambda r: r.code,
    )
    return html.Div(
        [
            html.H2(t(lang, "数据填报", "Submit data"), className="h3"),
            html.P(
                t(
                    lang,
                    "选择地区和期间后，可直接在下方“在线填报”逐项填写（输入时即校验，可保存草稿），"
                    "也可下载预填模板，填写后在“上传文件”中上传、逐行查看校验结果。"
                    "提交后由审核员审核，审核通过的数据才会进入监测。",
                    "Choose the region and period, then fill in the online form below (checked as "
                    "you type, with drafts), or download the pre-filled template and upload it under "
                    "'Upload a file' to read the check row by row. Submissions are reviewed; only "
                    "approved figures enter the monitor.",
                ),
                className="text-muted",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        region_picker(
                            Ids.REGION,
                            units,
                            units[0].code if len(units) == 1 else None,
                            t(lang, "地区", "Region"),
                            lang,
                        ),
                        md=4,
                    ),
                    dbc.Col(dbc.Input(id=Ids.PERIOD, value="2025年"), md=2),
                    dbc.Col(html.Div(id=Ids.TEMPLATE, className="pt-2"), md=6),
                ],
                className="g-2 mb-3",
            ),
            dbc.Tabs(
                [
                    dbc.Tab(
                        online_entry.section(lang),
                        label=t(lang, "在线填报", "Online entry"),
                        tab_id="online",
                        className="pt-2",
                    ),
                    dbc.Tab(
                        html.Div(
                            [
                                upload_box(
                                    Ids.UPLOAD,
                                    lang,
                                    (
                                        "将填好的文件拖到此处，或",
                                        "Drop the completed file here, or ",
                                    ),
                                ),
                                dcc.Loading(html.Div(id=Ids.SUMMARY), type="dot"),
                                problems_grid(Ids.GRID, lang),
                                dbc.Button(
                                    t(lang, "提交审核", "Submit for review"),
                                    id=Ids.SEND,
                                    color="primary",
                                    className="mt-2",
                                    disabled=True,
                                ),
                                html.Div(id=Ids.RESULT, className="mt-2"),
                                dcc.Store(id=Ids.FILE),
                            ]
                        ),
                        label=t(lang, "上传文件", "Upload a file"),
                        tab_id="file",
                        className="pt-3",
                    ),
                ],
                id=Ids.TABS,
                active_tab="online",
            ),
            html.H3(t(lang, "我的报送记录", "My submissions"), className="h5 mt-4"),
            history_grid(account, lang),
        ]
    )


@callback(
    Output(Ids.TEMPLATE, "children"),
    Input(Ids.REGION, "value"),
    Input(Ids.PERIOD, "value"),
    State(HeaderIds.URL, "search"),
)
def show_template(region: str | None, period: str | None, search: str | None) -> Any:
    return template_links(region, period, lang_of(search))


@callback(
    Output(Ids.SUMMARY, "children"),
    Output(Ids.GRID, "rowData"),
    Output(Ids.FILE, "data"),
    Output(Ids.SEND, "disabled"),
    Input(Ids.UPLOAD, "contents"),
    State(Ids.UPLOAD, "filename"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def check_file(contents: str | None, filename: str | None, search: str | None) -> tuple[Any, ...]:
    """The check only (nothing stored): the reporter corrects until it passes."""
    lang = lang_of(search)
    account = current_account()
    if not may_submit(account) or not contents or not filename or not isinstance(contents, str):
        return None, [], None, True
    shown = safe_filename(str(filename))
    try:
        if problem := filename_problem(str(filename)):
            raise UploadError(problem)
        content = decode_upload(contents)
    except UploadError as error:
        report = refusal_report(shown, str(error))
    else:
        _, report = check(
            session_factory(),
            shown,
            content,
            allowed_regions=report_scope(account),
            limits=upload_limits(),
            sender=sender("upload"),
        )
    keep = {"filename": shown, "contents": contents} if report["ok"] else None
    return summary(shown, report, lang), report["problems"], keep, not report["ok"]


@callback(
    Output(Ids.RESULT, "children"),
    Output(Ids.HISTORY, "rowData"),
    Input(Ids.SEND, "n_clicks"),
    State(Ids.FILE, "data"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def send(_n: int | None, kept: dict[str, str] | None, search: str | None) -> tuple[Any, ...]:
    lang = lang_of(search)
    account = current_account()
    if not kept or not isinstance(kept, dict):
        return dash.no_update, dash.no_update
    try:
        filename = str(kept.get("filename") or "upload")
        if problem := filename_problem(filename):
            raise UploadError(problem)
        content = decode_upload(str(kept.get("contents") or ""))
        outcome = submit(
            session_factory(),
            filename,
            content,
            account,
            address=sender("upload").address,
            limits=upload_limits(),
        )
    except (AccessDenied, StorageError, UploadError) as refused:
        return dbc.Alert(str(refused), color="danger", id="submit-outcome"), dash.no_update
    if outcome.status != "pending":
        problems = [
            f"第 {p['row']} 行：{p['message']}" if p.get("row") else p["message"]
            for p in outcome.report.get("problems", [])
            if p.get("level") == ERROR
        ][:10]
        message = [
            html.Strong(
                outcome.report.get("failure") or STATUS_ZH.get(outcome.status, outcome.status)
            ),
            html.Ul([html.Li(x) for x in problems]) if problems else None,
        ]
        return dbc.Alert(message, color="danger", id="submit-outcome"), history_rows(account, lang)
    text = t(
        lang,
        f"已提交审核（提交编号 {outcome.submission_id}）。审核结果将显示在下方记录中。",
        f"Submitted for review (no. {outcome.submission_id}); the outcome will show below.",
    )
    return dbc.Alert(text, color="success", id="submit-outcome"), history_rows(account, lang)
