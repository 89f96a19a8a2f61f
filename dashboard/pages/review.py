"""数据审核: the joint office's queue of submitted files; for each, the values
against the currently accepted ones and the region's recent history, with
outlier flags; approve or reject with a comment, whole or row by row. The
server checks the reviewer's role in loaders/review.decide, whatever this page shows."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.auth import current_account
from dashboard.context import session_factory
from dashboard.i18n import grid_locale, lang_of, t
from dashboard.security import bounded_id
from db.review import review_queue, submission_rows_frame
from indicators.access import AccessDenied, can_review
from loaders.review import DECISION_ZH, ReviewError, decide

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
    ("change_pct", "变动%", "Change %", 90),
    ("history", "近年数值", "Recent years", 200),
    ("flags", "提示", "Flags", 260),
    ("decision", "状态", "State", 90),
]


class Ids(StrEnum):
    QUEUE = "review-queue"
    ROWS = "review-rows"
    COMMENT = "review-comment"
    APPROVE_SELECTED = "review-approve-selected"
    REJECT_SELECTED = "review-reject-selected"
    APPROVE_ALL = "review-approve-all"
    REJECT_ALL = "review-reject-all"
    RESULT = "review-result"


def _grid(id_: str, columns: list[tuple[str, str, str, int]], lang: str, multi: bool) -> dag.AgGrid:
    return dag.AgGrid(
        id=id_,
        rowData=[],
        columnDefs=[
            {
                "field": f,
                "headerName": t(lang, zh, en),
                "width": w,
                "filter": True,
                "wrapText": f == "flags",
                "autoHeight": f == "flags",
            }
            for f, zh, en, w in columns
        ],
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={
            "localeText": grid_locale(lang),
            "rowSelection": {
                "mode": "multiRow" if multi else "singleRow",
                "checkboxes": multi,
                "enableClickSelection": not multi,
            },
        },
        getRowId="String(params.data.row_id)" if multi else "String(params.data.submission_id)",
        style={"height": "360px"},
    )


def _queue_rows() -> list[dict[str, Any]]:
    with session_factory()() as session:
        frame = review_queue(session)
    if frame.empty:
        return []
    frame = frame.assign(received_at=frame.received_at.astype(str).str[:19])
    return frame[[c for c, *_ in QUEUE]].to_dict(orient="records")


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "、".join(
            f"{v[0]}: {v[1]:,.2f}" if isinstance(v, list | tuple) and len(v) >= 2 else str(v)
            for v in value
        )
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _rows(submission_id: int, lang: str) -> list[dict[str, Any]]:
    with session_factory()() as session:
        frame = submission_rows_frame(session, submission_id)
    if frame.empty:
        return []
    frame = frame.assign(
        history=frame.history.map(_text),
        flags=frame["flags"].map(_text),  # not frame.flags: pandas' own attribute
        decision=frame.decision.map(lambda d: DECISION_ZH.get(d, d) if lang == "zh" else d),
        change_pct=frame.change_pct.map(lambda v: "" if pd.isna(v) else f"{v:+.1f}"),
    )
    return (
        frame[["row_id", *[c for c, *_ in ROWS]]]
        .astype(object)
        .where(frame.notna(), None)
        .to_dict(orient="records")
    )


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = lang_of(lang)
    if not can_review(current_account()):
        return dbc.Alert(
            t(
                lang,
                "数据审核仅限审核员和管理员。",
                "Reviewing is for the joint office's reviewers.",
            ),
            color="warning",
            id="review-denied",
        )
    queue = _grid(Ids.QUEUE, QUEUE, lang, multi=False)
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
            _grid(Ids.ROWS, ROWS, lang, multi=True),
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
        ]
    )


def _submission_id(selected: list[dict[str, Any]]) -> int:
    """The chosen file's id, as the grid sends it back (the browser's word: checked)."""
    return bounded_id(selected[0].get("submission_id"), "提交编号")


@callback(
    Output(Ids.ROWS, "rowData"),
    Input(Ids.QUEUE, "selectedRows"),
    Input(Ids.RESULT, "children"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show_rows(selected: list[dict[str, Any]] | None, _result: Any, search: str | None) -> Any:
    """The chosen file's rows, again after each decision."""
    if not selected or not can_review(current_account()):
        return []
    return _rows(_submission_id(selected), lang_of(search))


@callback(
    Output(Ids.RESULT, "children"),
    Output(Ids.QUEUE, "rowData"),
    Input(Ids.APPROVE_SELECTED, "n_clicks"),
    Input(Ids.REJECT_SELECTED, "n_clicks"),
    Input(Ids.APPROVE_ALL, "n_clicks"),
    Input(Ids.REJECT_ALL, "n_clicks"),
    State(Ids.QUEUE, "selectedRows"),
    State(Ids.ROWS, "selectedRows"),
    State(Ids.COMMENT, "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def review(
    _a: int | None,
    _b: int | None,
    _c: int | None,
    _d: int | None,
    submission: list[dict[str, Any]] | None,
    rows: list[dict[str, Any]] | None,
    comment: str | None,
    search: str | None,
) -> tuple[Any, ...]:
    lang = lang_of(search)
    if not submission:
        return (
            dbc.Alert(t(lang, "请先选择一份文件", "Choose a file first"), color="warning"),
            dash.no_update,
        )
    submission_id = _submission_id(submission)
    trigger = dash.ctx.triggered_id
    verdict = "approve" if trigger in (Ids.APPROVE_SELECTED, Ids.APPROVE_ALL) else "reject"
    if trigger in (Ids.APPROVE_ALL, Ids.REJECT_ALL):
        decisions: dict[int, str] | str = verdict
    else:
        if not rows:
            return (
                dbc.Alert(t(lang, "请先勾选要审核的行", "Select rows first"), color="warning"),
                dash.no_update,
            )
        decisions = {bounded_id(r.get("row_id"), "行编号"): verdict for r in rows}
    try:
        outcome = decide(
            session_factory(), submission_id, current_account(), decisions, comment or ""
        )
    except (AccessDenied, ReviewError) as error:
        return (
            dbc.Alert(str(error), color="danger", id="review-outcome"),
            dash.no_update,
        )
    text = t(
        lang,
        outcome.message,
        f"Submission {submission_id}: {outcome.approved} approved, {outcome.rejected} rejected, "
        f"{outcome.pending} pending.",
    )
    return (
        dbc.Alert(text, color="success", id="review-outcome"),
        _queue_rows(),  # the rows grid follows the result through show_rows
    )
