"""在线填报 on 数据填报: the region's template as a form (workflows/online_entry.py).

Rows grouped by pillar, each with its unit, the previous period's accepted value
and the allowed range; the intake's validator checks what is typed (on leaving
a field) and flags each row; 保存草稿 keeps the fields on the server, 提交审核
files the form for review. Each callback asks workflows.online_entry, which
checks the signed-in account against the region on every request.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, html

from dashboard.auth import current_account
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.submission_history import GRID as HISTORY
from dashboard.components.submission_history import history_rows
from dashboard.context import region_directory, session_factory
from dashboard.i18n import lang_of, region_name, t
from dashboard.uploads import sender
from db.errors import StorageError
from indicators.access import AccessDenied
from indicators.formatting import number
from indicators.normalise import NormaliseError
from workflows.intake import ERROR, STATUS_ZH, Result
from workflows.online_entry import (
    CHANNEL,
    NOTE,
    Form,
    check_form,
    clean_fields,
    file,
    last_value_text,
    open_form,
    save,
)

VALUE = "entry-value"
NOTE_FIELD = "entry-note"
MESSAGE = "entry-message"


class Ids:
    # the page's region and period pickers, which choose the form's rows (the page's Ids
    # take their values from here: the component cannot import the page that holds it)
    REGION = "submit-region"
    PERIOD = "submit-period"
    FORM = "entry-form"
    SUMMARY = "entry-summary"
    SAVE = "entry-save"
    SEND = "entry-send"
    STATUS = "entry-status"


def section(lang: str) -> html.Div:
    """The form's place on the page; its rows come with the region and period."""
    return html.Div(
        [
            html.Div(id=Ids.FORM),
            html.Div(
                [
                    html.Div(id=Ids.SUMMARY),
                    dbc.Button(
                        t(lang, "保存草稿", "Save draft"),
                        id=Ids.SAVE,
                        color="secondary",
                        outline=True,
                        className="me-2",
                    ),
                    dbc.Button(
                        t(lang, "提交审核", "Submit for review"), id=Ids.SEND, color="primary"
                    ),
                ],
                # stays in view while a long form scrolls: the count and the buttons
                className="sticky-bottom bg-white border-top pt-2 pb-2",
            ),
            html.Div(id=Ids.STATUS, className="mt-2"),
        ]
    )


# the grid's columns: one line per indicator on a desktop; on a phone the name,
# then unit · last period · allowed range, then the value and the note side by side
COLUMNS = (
    ("指标", "Indicator", {"xs": 12, "lg": 4}),
    ("单位", "Unit", {"xs": 4, "lg": 1}),
    ("上期", "Last period", {"xs": 5, "lg": 2}),
    ("允许范围", "Allowed", {"xs": 3, "lg": 1}),
    ("本期数值", "Value", {"xs": 7, "lg": 2}),
    ("备注", "Note", {"xs": 5, "lg": 2}),
)


def _phone_label(text: str) -> html.Span:
    """What a cell is, said on a phone only (the column headings show on wide screens)."""
    return html.Span(text, className="d-lg-none")


def _row(form: Form, index: int, lang: str) -> dbc.Row:
    row = form.rows[index]
    ind = row.indicator
    last = last_value_text(row)
    if lang == "en" and row.last_value is not None:
        last = f"{row.last_period}: {number(row.last_value)}"
    range_text = row.range_text()
    if lang == "en" and range_text == "不限":
        range_text = "any"
    key = {"ind": ind.id}
    value = [
        dbc.Input(
            id={"type": VALUE, **key},
            value=form.draft.get(ind.id, ""),
            debounce=True,
            size="sm",
            inputmode="decimal",
            placeholder=t(lang, "数值", "value"),
        ),
        html.Div(id={"type": MESSAGE, **key}, className="small"),
    ]
    note = dbc.Input(
        id={"type": NOTE_FIELD, **key},
        value=form.draft.get(NOTE + ind.id, ""),
        debounce=True,
        size="sm",
        placeholder=t(lang, "备注（可选）", "note (optional)"),
    )
    cells = [
        html.Span(ind.name_en if lang == "en" else ind.name_zh, className="fw-medium"),
        html.Span(ind.unit),
        html.Span([_phone_label(t(lang, "上期 ", "last ")), last or "—"], className="text-muted"),
        html.Span([_phone_label(t(lang, "允许 ", "allowed ")), range_text], className="text-muted"),
        value,
        note,
    ]
    return dbc.Row(
        [
            dbc.Col(cell, **width, className="small")
            for cell, (*_, width) in zip(cells, COLUMNS, strict=True)
        ],
        id=f"entry-row-{ind.id}",
        className="g-1 py-1 border-bottom align-items-start entry-row",
    )


def form_table(form: Form, lang: str) -> html.Div:
    """The rows under a heading per pillar, in the template's order."""
    last = form.rows[0].last_period if form.rows else ""
    head = dbc.Row(
        [
            dbc.Col(t(lang, zh if zh != "上期" else f"上期（{last}）", en), **width)
            for zh, en, width in COLUMNS
        ],
        className="g-1 small fw-bold border-bottom d-none d-lg-flex",
    )
    body: list[Any] = [head]
    pillar = None
    for index, row in enumerate(form.rows):
        if row.pillar_zh != pillar:
            pillar = row.pillar_zh
            name = row.pillar_en if lang == "en" else row.pillar_zh
            body.append(html.H4(name, className="h6 bg-light px-2 py-1 mt-3 mb-0 pillar"))
        body.append(_row(form, index, lang))
    title = t(
        lang,
        f"{form.region_name} {form.period_shown} 在线填报：{len(form.rows)} 项指标",
        f"Online entry, {region_name(region_directory()[form.region_code], lang)} {form.period}: "
        f"{len(form.rows)} indicators",
    )
    saved = t(lang, "（已载入保存的草稿）", " (saved draft loaded)") if form.draft else ""
    return html.Div([html.H3(title + saved, className="h6 mt-3"), *body])


# what saving and sending read of the form: values, notes, their ids, region, period, language
FORM_STATE = (
    State({"type": VALUE, "ind": ALL}, "value"),
    State({"type": NOTE_FIELD, "ind": ALL}, "value"),
    State({"type": VALUE, "ind": ALL}, "id"),
    State(Ids.REGION, "value"),
    State(Ids.PERIOD, "value"),
    State(HeaderIds.URL, "search"),
)


def _fields(values: list[Any], notes: list[Any], ids: list[dict[str, str]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for id_, value, note in zip(ids, values or [], notes or [], strict=False):
        if isinstance(id_, dict):
            fields[str(id_.get("ind"))] = value
            fields[NOTE + str(id_.get("ind"))] = note
    return fields


def _form(region: Any, period: Any) -> Form:
    return open_form(session_factory(), current_account(), str(region or ""), str(period or ""))


@callback(
    Output(Ids.FORM, "children"),
    Input(Ids.REGION, "value"),
    Input(Ids.PERIOD, "value"),
    State(HeaderIds.URL, "search"),
)
def show_form(region: str | None, period: str | None, search: str | None) -> Any:
    lang = lang_of(search)
    if not region or not period:
        hint = t(lang, "选择地区和期间后显示填报表", "Choose a region and a period for the form")
        return html.P(hint, className="text-muted small")
    try:
        form = _form(region, period)
    except (AccessDenied, NormaliseError) as refused:
        return dbc.Alert(str(refused), color="warning", id="entry-refused")
    if not form.rows:
        text = t(
            lang, "本期没有需要报送的指标。", "Nothing is due from this region for the period."
        )
        return html.P(text, className="text-muted")
    return form_table(form, lang)


@callback(
    Output({"type": VALUE, "ind": ALL}, "invalid"),
    Output({"type": MESSAGE, "ind": ALL}, "children"),
    Output(Ids.SUMMARY, "children"),
    Input({"type": VALUE, "ind": ALL}, "value"),
    Input({"type": NOTE_FIELD, "ind": ALL}, "value"),
    State({"type": VALUE, "ind": ALL}, "id"),
    State(Ids.REGION, "value"),
    State(Ids.PERIOD, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=False,  # a loaded draft is checked as it appears
)
def check_typed(
    values: list[Any],
    notes: list[Any],
    ids: list[dict[str, str]],
    region: Any,
    period: Any,
    search: str | None,
) -> tuple[Any, ...]:
    """Every row checked by the intake's validator as the reporter leaves a field."""
    lang = lang_of(search)
    blank = ([False] * len(ids), [None] * len(ids))
    if not ids:
        return *blank, None
    try:
        form = _form(region, period)
        fields = clean_fields(form, _fields(values, notes, ids))
        result, by_row = check_form(session_factory(), current_account(), form, fields)
    except (AccessDenied, NormaliseError) as refused:
        return *blank, dbc.Alert(str(refused), color="warning")
    invalid, messages = [], []
    for id_ in ids:
        problems = by_row.get(str(id_.get("ind")), [])
        invalid.append(any(p.level == ERROR for p in problems))
        messages.append(
            [
                html.Div(
                    p.message,
                    className="text-danger" if p.level == ERROR else "text-warning-emphasis",
                )
                for p in problems
            ]
            or None
        )
    return invalid, messages, _summary(result, len(form.rows), lang)


def _summary(result: Result, total: int, lang: str) -> Any:
    """How much is filled, how many errors, and what concerns the whole form (the
    validator's blank warning). An empty form is not an error yet: nothing typed."""
    if result.nothing:
        text = t(lang, f"尚未填写数值（共 {total} 项）。", f"Nothing filled yet ({total} rows).")
        return dbc.Alert(text, color="light", id="entry-check", className="py-2 small")
    errors = sum(p.count for p in result.errors if p.row is not None)
    filled = int(len(result.rows)) + errors
    whole = [p.message for p in result.problems if p.row is None]
    lines = [
        t(
            lang,
            f"已填 {filled} / {total} 项；错误 {errors} 处。",
            f"{filled} of {total} filled; {errors} error(s).",
        ),
        *whole,
    ]
    color = "danger" if errors else ("warning" if whole else "success")
    return dbc.Alert(
        [html.Div(x) for x in lines], color=color, id="entry-check", className="py-2 small"
    )


@callback(
    Output(Ids.STATUS, "children", allow_duplicate=True),
    Input(Ids.SAVE, "n_clicks"),
    *FORM_STATE,
    prevent_initial_call=True,
)
def save_draft(
    n: int | None,
    values: list[Any],
    notes: list[Any],
    ids: list[dict[str, str]],
    region: Any,
    period: Any,
    search: str | None,
) -> Any:
    lang = lang_of(search)
    if not n:
        return dash.no_update
    try:
        form = _form(region, period)
        count = save(
            session_factory(),
            current_account(),
            form,
            clean_fields(form, _fields(values, notes, ids)),
        )
    except (AccessDenied, NormaliseError, StorageError) as refused:
        return dbc.Alert(str(refused), color="danger", id="entry-outcome")
    text = t(
        lang,
        f"草稿已保存（{count} 项数值），下次登录可继续填写。",
        f"Draft saved ({count} values); you can continue after signing in again.",
    )
    return dbc.Alert(text, color="info", id="entry-outcome", className="py-2")


@callback(
    Output(Ids.STATUS, "children", allow_duplicate=True),
    Output(HISTORY, "rowData", allow_duplicate=True),
    Input(Ids.SEND, "n_clicks"),
    *FORM_STATE,
    prevent_initial_call=True,
)
def send_form(
    n: int | None,
    values: list[Any],
    notes: list[Any],
    ids: list[dict[str, str]],
    region: Any,
    period: Any,
    search: str | None,
) -> tuple[Any, Any]:
    lang = lang_of(search)
    account = current_account()
    if not n:
        return dash.no_update, dash.no_update
    try:
        form = _form(region, period)
        outcome = file(
            session_factory(),
            account,
            form,
            clean_fields(form, _fields(values, notes, ids)),
            address=sender(CHANNEL).address,
        )
    except (AccessDenied, NormaliseError, StorageError) as refused:
        return dbc.Alert(str(refused), color="danger", id="entry-outcome"), dash.no_update
    history = history_rows(account, lang) if account else dash.no_update
    if outcome.status != "pending":
        errors = [
            f"第 {p['row']} 行：{p['message']}" if p.get("row") else p["message"]
            for p in outcome.report.get("problems", [])
            if p.get("level") == ERROR
        ][:10]
        head = outcome.report.get("failure") or STATUS_ZH.get(outcome.status, outcome.status)
        body = [html.Strong(head), html.Ul([html.Li(x) for x in errors]) if errors else None]
        return dbc.Alert(body, color="danger", id="entry-outcome"), history
    warnings = [p["message"] for p in outcome.report.get("problems", []) if p.get("row") is None]
    text = t(
        lang,
        f"已提交审核（提交编号 {outcome.submission_id}，{outcome.report.get('rows', 0)} 项数值）。"
        "审核结果将显示在下方记录中。",
        f"Submitted for review (no. {outcome.submission_id}, {outcome.report.get('rows', 0)} values); "
        "the outcome will show below.",
    )
    body = [html.Div(text), *[html.Div(w, className="small") for w in warnings]]
    return dbc.Alert(body, color="success", id="entry-outcome"), history
