"""审计日志: every sign-in, upload, approval, rejection, catalogue and user change,
with who, when, what and the values before and after — for reviewers and
administrators, filterable and exportable. The log is append-only: this page
only reads it, and the server checks the role on the page and on the export."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.auth import current_account
from dashboard.components.access import denied
from dashboard.components.grid import grid
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.picker import picker
from dashboard.context import region_directory, session_factory
from dashboard.data import indicators
from dashboard.i18n import href, lang_of, region_name, t
from dashboard.security import InvalidInput, date_value, text_value
from db.audit import ACTION_NAMES, events_frame
from indicators.access import can_audit
from indicators.audit_view import changes_text, object_text
from indicators.exports import spreadsheet_safe

dash.register_page(__name__, path="/audit", name="审计日志", title="审计日志 · 成渝监测平台")

COLUMNS = [
    ("at", "时间", "Time", 170),
    ("actor", "操作人", "Who", 120),
    ("action_name", "操作", "Action", 130),
    ("object", "对象", "Object", 240),
    ("changes", "变更（字段：旧值 → 新值）", "Changes (field: before → after)", 360),
    ("detail", "说明", "Detail", 200),
]
# the export keeps the values as recorded as well, for whoever checks the log
RECORDED = [
    ("before", "变更前（原始记录）", "Before (as recorded)"),
    ("after", "变更后（原始记录）", "After (as recorded)"),
]


class Ids(StrEnum):
    ACTION = "audit-action"
    ACTOR = "audit-actor"
    DATES = "audit-dates"
    GRID = "audit-grid"
    COUNT = "audit-count"
    EXPORT = "audit-export"
    DOWNLOAD = "audit-download"
    SHARE = "audit-share"


def _denied(lang: str) -> dbc.Alert:
    return denied(
        "audit-denied",
        lang,
        "审计日志仅限审核员和管理员查看。请用相应账号登录。",
        "The audit log is for reviewers and administrators. Sign in with such an account.",
    )


def _json(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _frame(
    action: str | None, actor: str | None, start: str | None, end: str | None, lang: str
) -> pd.DataFrame:
    action, actor = text_value(action, "操作"), text_value(actor, "操作人")
    since, until = date_value(start, "起始日期"), date_value(end, "截止日期")
    since = since.replace(tzinfo=UTC) if since else None
    until = (until + timedelta(days=1)).replace(tzinfo=UTC) if until else None
    with session_factory()() as session:
        frame = events_frame(session, action or None, actor or None, since, until)
    names = {k: (zh if lang == "zh" else en) for k, (zh, en) in ACTION_NAMES.items()}
    indicator_names = indicators().set_index("id")["name_en" if lang == "en" else "name_zh"]
    directory = region_directory()
    region_names = {r.code: region_name(r, lang) for r in directory}
    return frame.assign(
        at=frame["at"].map(lambda v: pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")),
        action_name=frame.action.map(lambda a: names.get(a, a)),
        object=[
            object_text(o_type, o_id, after, lang, indicator_names.to_dict(), region_names)
            for o_type, o_id, after in zip(
                frame.object_type, frame.object_id, frame.after, strict=True
            )
        ],
        changes=[
            t(lang, "；", "; ").join(changes_text(before, after, lang))
            for before, after in zip(frame.before, frame.after, strict=True)
        ],
        before=frame.before.map(_json),
        after=frame.after.map(_json),
        detail=frame.detail.fillna(""),
    )


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame[[c for c, *_ in COLUMNS]].to_dict(orient="records")


def layout(
    action: str | None = None,
    actor: str | None = None,
    start: str | None = None,
    end: str | None = None,
    lang: str | None = None,
    **_query: str,
) -> html.Div:
    lang = lang_of(lang)
    if not can_audit(current_account()):
        return _denied(lang)
    try:
        frame = _frame(action, actor, start, end, lang)
    except InvalidInput as refused:  # a date typed into the link
        return dbc.Alert(refused.description, color="warning")
    options = [
        {"value": k, "label": zh if lang == "zh" else en} for k, (zh, en) in ACTION_NAMES.items()
    ]
    return html.Div(
        [
            html.H2(t(lang, "审计日志", "Audit log"), className="h3"),
            html.P(
                t(
                    lang,
                    "登录、上传、审核、目标库和用户变更的完整记录（只增不改）：谁、何时、做了什么、变更前后的值。",
                    "Every sign-in, upload, review, catalogue and user change, append-only: who, "
                    "when, what, and the values before and after.",
                ),
                className="text-muted",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        picker(
                            Ids.ACTION, options, action, t(lang, "全部操作", "All actions"), lang
                        ),
                        md=3,
                    ),
                    dbc.Col(
                        dbc.Input(
                            id=Ids.ACTOR,
                            value=actor or "",
                            placeholder=t(lang, "操作人", "Who"),
                            debounce=True,
                        ),
                        md=2,
                    ),
                    dbc.Col(
                        dcc.DatePickerRange(
                            id=Ids.DATES,
                            start_date=start,
                            end_date=end,
                            max_date_allowed=date.today() + timedelta(days=1),
                            display_format="YYYY-MM-DD",
                            start_date_placeholder_text=t(lang, "起始日期", "From"),
                            end_date_placeholder_text=t(lang, "截止日期", "To"),
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        [
                            dbc.Button(
                                t(lang, "导出 CSV", "Export CSV"),
                                id=Ids.EXPORT,
                                color="secondary",
                                outline=True,
                                size="sm",
                                className="me-2",
                            ),
                            html.A(
                                t(lang, "本视图链接", "Link to this view"),
                                id=Ids.SHARE,
                                href=_share(action, actor, start, end, lang),
                                className="small",
                            ),
                        ],
                        md=3,
                    ),
                ],
                className="g-2 mb-2",
            ),
            html.Div(_count(len(frame), lang), id=Ids.COUNT, className="small text-muted mb-1"),
            grid(
                Ids.GRID,
                COLUMNS,
                lang,
                rows=_rows(frame),
                height=620,
                page_size=50,
                wrap={"changes", "object"},
            ),
            dcc.Download(id=Ids.DOWNLOAD),
        ]
    )


def _count(n: int, lang: str) -> str:
    return t(
        lang,
        f"共 {n} 条（最多显示 5000 条，新的在前）",
        f"{n} events (newest first, at most 5,000)",
    )


def _share(
    action: str | None, actor: str | None, start: str | None, end: str | None, lang: str
) -> str:
    return href("/audit", lang, action=action, actor=actor, start=start, end=end)


@callback(
    Output(Ids.GRID, "rowData"),
    Output(Ids.COUNT, "children"),
    Output(Ids.SHARE, "href"),
    Input(Ids.ACTION, "value"),
    Input(Ids.ACTOR, "value"),
    Input(Ids.DATES, "start_date"),
    Input(Ids.DATES, "end_date"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def filter_events(
    action: str | None, actor: str | None, start: str | None, end: str | None, search: str | None
) -> tuple[Any, ...]:
    lang = lang_of(search)
    if not can_audit(current_account()):  # the server decides, whatever the page shows
        return [], t(lang, "无权查看", "Not allowed"), dash.no_update
    frame = _frame(action, actor, start, end, lang)
    return _rows(frame), _count(len(frame), lang), _share(action, actor, start, end, lang)


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Input(Ids.EXPORT, "n_clicks"),
    State(Ids.ACTION, "value"),
    State(Ids.ACTOR, "value"),
    State(Ids.DATES, "start_date"),
    State(Ids.DATES, "end_date"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def export(
    _n: int | None,
    action: str | None,
    actor: str | None,
    start: str | None,
    end: str | None,
    search: str | None,
) -> Any:
    lang = lang_of(search)
    if not can_audit(current_account()):
        return dash.no_update
    frame = _frame(action, actor, start, end, lang)
    frame = frame[[*(c for c, *_ in COLUMNS), *(c for c, *_ in RECORDED)]]
    headers = {c: t(lang, zh, en) for c, zh, en, _ in COLUMNS}
    frame = frame.rename(columns={**headers, **{c: t(lang, zh, en) for c, zh, en in RECORDED}})
    frame = spreadsheet_safe(frame)  # a user name like =HYPERLINK(…) stays text
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return {"content": "\ufeff" + frame.to_csv(index=False), "filename": f"audit-{stamp}.csv"}
