"""数据审核: the joint office's queue of submitted files; for each, the values
against the currently accepted ones and the region's recent history, with
outlier flags; approve or reject with a comment, whole or row by row. The
server checks the reviewer's role in loaders/review.decide, whatever this page shows.

Every row of the file is on the page (paged, ``PAGE_SIZE`` a page, each row keyed by
its id), and the page holds a sealed view of them (indicators/review_view.py): a
decision names its rows and is refused unless the view held them as they are
now. 全部通过 / 全部退回 of a file longer than a page asks first (通过全部 N 行)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from flask import current_app

from dashboard.auth import current_account
from dashboard.components.access import denied
from dashboard.components.grid import Column, grid
from dashboard.components.header import Ids as HeaderIds
from dashboard.context import session_factory
from dashboard.i18n import lang_of, t
from dashboard.security import bounded_id
from db.review import frame_faces, review_queue, submission_rows_frame
from indicators.access import AccessDenied, can_review, require_review
from indicators.outliers import FLAGS_EN
from indicators.review_view import ViewError, check, seal
from workflows.review import DECISION_ZH, EXPECTED_SECONDS, ReviewError, decide

dash.register_page(__name__, path="/review", name="数据审核", title="数据审核 · 成渝监测平台")

QUEUE = [
    ("submission_id", "编号", "No.", 80),
    ("received_at", "提交时间", "Submitted", 160),
    ("reporter", "报送人", "Reporter", 140),
    ("regions", "地区", "Regions", 160),
    ("periods", "期间", "Periods", 110),
    ("filename", "文件", "File", 200),
    ("pending", "待审行数", "Rows pending", 100),
]
ROWS = [
    ("row_no", "行", "Row", 70),
    ("indicator_name", "指标", "Indicator", 180),
    ("region_name", "地区", "Region", 110),
    ("period", "期间", "Period", 90),
    ("value", "报送值", "Value", 110),
    ("unit", "单位", "Unit", 70),
    ("current", "现行值", "Accepted now", 110),
    ("change", "变动", "Change", 100),
    ("change_pct", "变动%", "Change %", 90),
    ("previous", "上年值", "Year before", 110),
    ("year_change_pct", "较上年%", "On year before %", 100),
    ("z", "修正z值", "Modified z", 90),
    ("history", "近年数值", "Recent years", 200),
    ("flags", "提示", "Flags", 260),
    ("decision", "状态", "State", 90),
]
PAGE_SIZE = 25  # rows a page; 全部通过 of a file longer than this asks first


class Ids(StrEnum):
    QUEUE = "review-queue"
    ROWS = "review-rows"
    COMMENT = "review-comment"
    APPROVE_SELECTED = "review-approve-selected"
    REJECT_SELECTED = "review-reject-selected"
    APPROVE_ALL = "review-approve-all"
    REJECT_ALL = "review-reject-all"
    RESULT = "review-result"
    VIEW = "review-view"  # the sealed view of the rows shown (indicators/review_view.py)
    ASKED = "review-asked"  # the whole-file verdict awaiting confirmation
    CONFIRM = "review-confirm"
    CONFIRM_TEXT = "review-confirm-text"
    CONFIRM_YES = "review-confirm-yes"
    CONFIRM_NO = "review-confirm-no"


def _file_grid(id_: str, columns: list[Column], lang: str, multi: bool) -> dag.AgGrid:
    """The queue (one file chosen) or a file's rows (ticked, paged, a whole page of rows on
    screen, none scrolled away). Rows are keyed by ``key``, their id as a string (AG Grid
    wants strings; its expression evaluator knows no ``String()``)."""
    return grid(
        id_,
        columns,
        lang,
        height=None if multi else 360,
        page_size=PAGE_SIZE if multi else None,
        wrap={"flags"},
        row_id="key",
        selection={
            "mode": "multiRow" if multi else "singleRow",
            "checkboxes": multi,
            "enableClickSelection": not multi,
            # the header box ticks the page on screen, never rows on other pages
            **({"headerCheckbox": True, "selectAll": "currentPage"} if multi else {}),
        },
    )


def _queue_rows() -> list[dict[str, Any]]:
    with session_factory()() as session:
        frame = review_queue(session)
    if frame.empty:
        return []
    frame = frame.assign(
        received_at=frame.received_at.astype(str).str[:19],
        key=frame.submission_id.astype(str),
    )
    return frame[["key", *[c for c, *_ in QUEUE]]].to_dict(orient="records")


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(
            f"{v[0]}: {v[1]:,.2f}" if isinstance(v, list | tuple) and len(v) >= 2 else str(v)
            for v in value
        )
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _signed(pattern: str) -> Any:
    return lambda v: "" if v is None or pd.isna(v) else format(v, pattern)


def _rows(submission_id: int, lang: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The file's rows for the grid, and the sealed view of them for the decision."""
    account = current_account()
    with session_factory()() as session:
        frame = submission_rows_frame(session, submission_id)
    if frame.empty or account is None:
        return [], None
    view = seal(current_app.secret_key, submission_id, account.id, frame_faces(frame))
    words = (lambda f: f) if lang == "zh" else (lambda f: FLAGS_EN.get(f, f))
    frame = frame.assign(
        key=frame.row_id.astype(str),
        history=frame.history.map(lambda h: _text(list(h)[-5:])),
        flags=frame["flags"].map(lambda fs: _text([words(f) for f in fs])),  # not frame.flags
        decision=frame.decision.map(lambda d: DECISION_ZH.get(d, d) if lang == "zh" else d),
        change=frame.change.map(_signed("+,.2f")),
        change_pct=frame.change_pct.map(_signed("+.2f")),
        year_change_pct=frame.year_change_pct.map(_signed("+.2f")),
        z=frame.z.map(_signed("+.1f")),
    )
    records = (
        frame[["key", "row_id", *[c for c, *_ in ROWS]]]
        .astype(object)
        .where(frame.notna(), None)
        .to_dict(orient="records")
    )
    return records, view


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = lang_of(lang)
    if not can_review(current_account()):
        return denied(
            "review-denied",
            lang,
            "数据审核仅限审核员和管理员。",
            "Reviewing is for the joint office's reviewers.",
        )
    queue = _file_grid(Ids.QUEUE, QUEUE, lang, multi=False)
    queue.rowData = _queue_rows()
    return html.Div(
        [
            html.H2(t(lang, "数据审核", "Review submissions"), className="h3"),
            html.P(
                t(
                    lang,
                    "选择一份待审核的文件，对照现行值和近年数值逐行审核；可全部或逐行通过、退回（退回须填写意见）。",
                    "Choose a pending file; compare each row with the accepted value and recent "
                    "years; approve or reject it whole or row by row (a rejection needs a comment).",
                ),
                className="text-muted",
            ),
            html.H3(t(lang, "待审核文件", "Pending files"), className="h5"),
            queue,
            html.H3(t(lang, "文件内容", "The file's rows"), className="h5 mt-3"),
            _file_grid(Ids.ROWS, ROWS, lang, multi=True),
            dbc.Textarea(
                id=Ids.COMMENT,
                placeholder=t(lang, "审核意见（退回时必填）", "Comment (required to reject)"),
                className="my-2",
            ),
            dbc.ButtonGroup(
                [
                    dbc.Button(
                        t(lang, "通过所选行", "Approve selected"),
                        id=Ids.APPROVE_SELECTED,
                        color="success",
                    ),
                    dbc.Button(
                        t(lang, "退回所选行", "Reject selected"),
                        id=Ids.REJECT_SELECTED,
                        color="danger",
                    ),
                    dbc.Button(
                        t(lang, "全部通过", "Approve all"),
                        id=Ids.APPROVE_ALL,
                        color="success",
                        outline=True,
                    ),
                    dbc.Button(
                        t(lang, "全部退回", "Reject all"),
                        id=Ids.REJECT_ALL,
                        color="danger",
                        outline=True,
                    ),
                ]
            ),
            dcc.Loading(html.Div(id=Ids.RESULT, className="mt-2"), type="dot"),
            dcc.Store(id=Ids.VIEW),
            dcc.Store(id=Ids.ASKED),
            dbc.Modal(
                [
                    dbc.ModalHeader(dbc.ModalTitle(t(lang, "确认", "Confirm"))),
                    dbc.ModalBody(id=Ids.CONFIRM_TEXT),
                    dbc.ModalFooter(
                        [
                            dbc.Button(t(lang, "取消", "Cancel"), id=Ids.CONFIRM_NO),
                            dbc.Button(t(lang, "确认", "Confirm"), id=Ids.CONFIRM_YES),
                        ]
                    ),
                ],
                id=Ids.CONFIRM,
                is_open=False,
            ),
        ]
    )


def _submission_id(selected: list[dict[str, Any]]) -> int:
    """The chosen file's id, as the grid sends it back (the browser's word: checked)."""
    return bounded_id(selected[0].get("submission_id"), "提交编号")


@callback(
    Output(Ids.ROWS, "rowData"),
    Output(Ids.VIEW, "data"),
    Input(Ids.QUEUE, "selectedRows"),
    Input(Ids.RESULT, "children"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def show_rows(selected: list[dict[str, Any]] | None, _result: Any, search: str | None) -> Any:
    """The chosen file's rows and their sealed view, again after each decision."""
    if not selected or not can_review(current_account()):
        return [], None
    return _rows(_submission_id(selected), lang_of(search))


def _whole(verdict: str, pending: int, lang: str) -> str:
    """The question 全部通过 / 全部退回 asks of a file longer than a page."""
    if verdict == "approve":
        return t(lang, f"通过全部 {pending} 行", f"Approve all {pending} rows")
    return t(lang, f"退回全部 {pending} 行", f"Reject all {pending} rows")


@callback(
    Output(Ids.RESULT, "children"),
    Output(Ids.QUEUE, "rowData"),
    Output(Ids.CONFIRM, "is_open"),
    Output(Ids.CONFIRM_TEXT, "children"),
    Output(Ids.CONFIRM_YES, "children"),
    Output(Ids.ASKED, "data"),
    Input(Ids.APPROVE_SELECTED, "n_clicks"),
    Input(Ids.REJECT_SELECTED, "n_clicks"),
    Input(Ids.APPROVE_ALL, "n_clicks"),
    Input(Ids.REJECT_ALL, "n_clicks"),
    Input(Ids.CONFIRM_YES, "n_clicks"),
    Input(Ids.CONFIRM_NO, "n_clicks"),
    State(Ids.QUEUE, "selectedRows"),
    State(Ids.ROWS, "selectedRows"),
    State(Ids.COMMENT, "value"),
    State(HeaderIds.URL, "search"),
    State(Ids.VIEW, "data"),
    State(Ids.ASKED, "data"),
    prevent_initial_call=True,
)
def review(
    _a: int | None,
    _b: int | None,
    _c: int | None,
    _d: int | None,
    _yes: int | None,
    _no: int | None,
    submission: list[dict[str, Any]] | None,
    rows: list[dict[str, Any]] | None,
    comment: str | None,
    search: str | None,
    view_data: dict[str, Any] | None,
    asked: str | None,
) -> tuple[Any, ...]:
    """A decision on the rows the page holds: the ticked ones, or every pending row
    of the view (asked first when the file is longer than a page)."""
    lang = lang_of(search)
    keep = (dash.no_update,) * 3
    trigger = dash.ctx.triggered_id
    if trigger == Ids.CONFIRM_NO:
        return dash.no_update, dash.no_update, False, *keep
    if not submission:
        return (
            _alert(t(lang, "请先选择一份文件", "Choose a file first")),
            dash.no_update,
            False,
            *keep,
        )
    submission_id = _submission_id(submission)
    account = current_account()
    try:
        require_review(account)  # before the view: its refusal would hide this one
        assert account is not None  # for the type checker: require_review refused None
        view = check(current_app.secret_key, view_data, submission_id, account.id)
    except (AccessDenied, ViewError) as error:
        return _alert(str(error), "danger"), dash.no_update, False, *keep
    if trigger == Ids.CONFIRM_YES:
        verdict = "approve" if asked == "approve" else "reject"
        decisions = {row_id: verdict for row_id in view.pending}
    elif trigger in (Ids.APPROVE_ALL, Ids.REJECT_ALL):
        verdict = "approve" if trigger == Ids.APPROVE_ALL else "reject"
        if len(view.pending) > PAGE_SIZE:
            question = _whole(verdict, len(view.pending), lang)
            return dash.no_update, dash.no_update, True, question + "？", question, verdict
        decisions = {row_id: verdict for row_id in view.pending}
    else:
        if not rows:
            return (
                _alert(t(lang, "请先勾选要审核的行", "Select rows first")),
                dash.no_update,
                False,
                *keep,
            )
        verdict = "approve" if trigger == Ids.APPROVE_SELECTED else "reject"
        decisions = {bounded_id(r.get("row_id"), "行编号"): verdict for r in rows}
    if not decisions:
        decisions = verdict  # nothing pending on the page: decide() says the file is done
    try:
        outcome = decide(
            session_factory(), submission_id, account, decisions, comment or "", view=view
        )
    except (AccessDenied, ReviewError) as error:
        return _alert(str(error), "danger"), dash.no_update, False, *keep
    text = t(
        lang,
        outcome.message,
        f"Submission {submission_id}: {outcome.approved} approved, {outcome.rejected} rejected, "
        f"{outcome.pending} pending."
        + (
            f" Progress is being reassessed in the background (about {EXPECTED_SECONDS} s)."
            if outcome.inserted or outcome.revised
            else ""
        ),
    )
    # the rows grid follows the result through show_rows, with a new view
    return _alert(text, "success"), _queue_rows(), False, *keep


def _alert(text: str, color: str = "warning") -> dbc.Alert:
    return dbc.Alert(text, color=color, id="review-outcome")
