"""管理: users, roles, region scopes and API tokens, for administrators. Every
action is checked on the server and written to the audit log (db/admin.py)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.auth import current_account
from dashboard.components.access import denied
from dashboard.components.grid import Column, grid
from dashboard.components.header import Ids as HeaderIds
from dashboard.context import region_directory, session_factory
from dashboard.i18n import dropdown_labels, lang_of, region_name, t
from dashboard.security import MAX_ID, InvalidInput, bounded_int, text_value
from db.admin import add_user, change_user, issue_token, tokens_frame, users_frame, withdraw_token
from db.session import transaction
from db.users import UserError
from indicators.access import ROLE_EN, ROLE_ZH, ROLES, can_administer

dash.register_page(__name__, path="/admin", name="用户管理", title="用户管理 · 成渝监测平台")


class Ids(StrEnum):
    USERS = "admin-users"
    TOKENS = "admin-tokens"
    USERNAME = "admin-username"
    NAME = "admin-display-name"
    ROLE = "admin-role"
    REGIONS = "admin-regions"
    PASSWORD = "admin-password"
    ACTIVE = "admin-active"
    CREATE = "admin-create"
    SAVE = "admin-save"
    USER_RESULT = "admin-user-result"
    TOKEN_USER = "admin-token-user"
    TOKEN_NAME = "admin-token-name"
    TOKEN_DAYS = "admin-token-days"
    TOKEN_TRUSTED = "admin-token-trusted"
    TOKEN_CREATE = "admin-token-create"
    TOKEN_REVOKE_ID = "admin-token-revoke-id"
    TOKEN_REVOKE = "admin-token-revoke"
    TOKEN_RESULT = "admin-token-result"


def _users(lang: str) -> list[dict[str, Any]]:
    with session_factory()() as session:
        frame = users_frame(session)
    roles = ROLE_EN if lang == "en" else ROLE_ZH
    return frame.assign(
        role_name=frame.role.map(roles),
        active_name=frame.active.map(
            {True: t(lang, "启用", "active"), False: t(lang, "停用", "disabled")}
        ),
        created_at=frame.created_at.astype(str).str[:19],
    ).to_dict(orient="records")


def _tokens(lang: str) -> list[dict[str, Any]]:
    with session_factory()() as session:
        frame = tokens_frame(session)
    now = pd.Timestamp.now(tz="UTC")
    expires = pd.to_datetime(frame.expires_at, utc=True)
    state = [
        t(lang, "已撤销", "revoked")
        if pd.notna(revoked)
        else t(lang, "已过期", "expired")
        if pd.notna(until) and until <= now
        else t(lang, "有效", "valid")
        for revoked, until in zip(frame.revoked_at, expires, strict=True)
    ]
    return frame.assign(
        state=state,
        created_at=_stamp(frame.created_at),
        expires_at=_stamp(frame.expires_at),
        revoked_at=_stamp(frame.revoked_at),
        trusted=frame.trusted.map({True: t(lang, "直报", "direct"), False: ""}),
    ).to_dict(orient="records")


def _stamp(column: pd.Series) -> pd.Series:
    return column.map(lambda v: "" if pd.isna(v) else str(v)[:19])


# Every column flexes to share the box (AG Grid does not use the width of a flex column).
USER_COLUMNS: list[Column] = [
    ("username", "用户名", "User name", 100),
    ("display_name", "名称", "Name", 100),
    ("role_name", "角色", "Role", 100),
    ("regions", "地区", "Regions", 100),
    ("active_name", "状态", "State", 100),
    ("created_at", "创建时间", "Created", 100),
]
TOKEN_COLUMNS: list[Column] = [
    ("id", "编号", "Id", 100),
    ("name", "名称", "Name", 100),
    ("username", "用户", "User", 100),
    ("state", "状态", "State", 100),
    ("trusted", "直报", "Direct", 100),
    ("created_at", "创建时间", "Created", 100),
    ("expires_at", "失效时间", "Expires", 100),
    ("revoked_at", "撤销时间", "Revoked", 100),
]


def _table_beside(
    form: Any, id_: str, rows: list[dict[str, Any]], columns: list[Column], lang: str
) -> dbc.Row:
    """The users or the tokens (the columns share the width, one row chosen to edit)
    beside the form that edits them."""
    table = grid(
        id_,
        columns,
        lang,
        rows=rows,
        height=320,
        default_column={"flex": 1},
        selection={"mode": "singleRow"},
    )
    return dbc.Row([dbc.Col(table, lg=8), dbc.Col(form, lg=4)], className="mb-4")


def _denied(lang: str) -> dbc.Alert:
    return denied(
        "admin-denied", lang, "用户管理仅限管理员。", "User administration is for administrators."
    )


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = lang_of(lang)
    if not can_administer(current_account()):
        return _denied(lang)
    units = sorted((r for r in region_directory() if not r.is_grouping), key=lambda r: r.code)
    roles = ROLE_EN if lang == "en" else ROLE_ZH
    labels = dropdown_labels(lang)
    user_form = dbc.Card(
        dbc.CardBody(
            [
                dbc.Input(
                    id=Ids.USERNAME, placeholder=t(lang, "用户名", "User name"), className="mb-2"
                ),
                dbc.Input(
                    id=Ids.NAME,
                    placeholder=t(lang, "显示名称（如 成都市统计局）", "Display name"),
                    className="mb-2",
                ),
                dcc.Dropdown(
                    id=Ids.ROLE,
                    options=[{"value": r, "label": roles[r]} for r in ROLES],
                    placeholder=t(lang, "角色", "Role"),
                    labels=labels,
                    className="mb-2",
                ),
                dcc.Dropdown(
                    id=Ids.REGIONS,
                    options=[{"value": r.code, "label": region_name(r, lang)} for r in units],
                    multi=True,
                    placeholder=t(lang, "可报送的地区（填报员必填）", "Regions (reporters)"),
                    labels=labels,
                    className="mb-2",
                ),
                dbc.Input(
                    id=Ids.PASSWORD,
                    type="password",
                    placeholder=t(lang, "密码", "Password"),
                ),
                dbc.FormText(
                    t(
                        lang,
                        "至少 12 位，不能是常见密码或用户名；修改用户时留空则密码不变。",
                        "At least 12 characters, not a common password nor the user name; "
                        "leave blank when editing to keep the password.",
                    ),
                    className="d-block mb-2",
                ),
                dbc.Checkbox(
                    id=Ids.ACTIVE, label=t(lang, "启用", "Active"), value=True, className="mb-2"
                ),
                dbc.Button(
                    t(lang, "新建用户", "Create user"),
                    id=Ids.CREATE,
                    color="primary",
                    className="me-2",
                ),
                dbc.Button(t(lang, "保存修改", "Save changes"), id=Ids.SAVE, color="secondary"),
                html.Div(id=Ids.USER_RESULT, className="mt-2"),
            ]
        )
    )
    with session_factory()() as session:
        usernames = list(users_frame(session).username)
    token_form = dbc.Card(
        dbc.CardBody(
            [
                dcc.Dropdown(
                    id=Ids.TOKEN_USER,
                    options=usernames,
                    placeholder=t(lang, "令牌所属用户", "User"),
                    labels=labels,
                    className="mb-2",
                ),
                dbc.Input(
                    id=Ids.TOKEN_NAME,
                    placeholder=t(lang, "令牌名称（如 成都数据接口）", "Token name"),
                    className="mb-2",
                ),
                dbc.Input(
                    id=Ids.TOKEN_DAYS,
                    type="number",
                    min=1,
                    placeholder=t(
                        lang,
                        "有效天数（留空：撤销前一直有效）",
                        "Valid for days (empty: until revoked)",
                    ),
                    className="mb-2",
                ),
                dbc.Checkbox(
                    id=Ids.TOKEN_TRUSTED,
                    value=False,
                    label=t(
                        lang,
                        "直报：可信系统，文件直接导入、不经审核",
                        "Direct: a trusted system, its files skip review",
                    ),
                    className="mb-2",
                ),
                dbc.Button(
                    t(lang, "新建令牌", "Create token"),
                    id=Ids.TOKEN_CREATE,
                    color="primary",
                    className="mb-3",
                ),
                dbc.Input(
                    id=Ids.TOKEN_REVOKE_ID,
                    type="number",
                    placeholder=t(lang, "令牌编号", "Token id"),
                    className="mb-2",
                ),
                dbc.Button(
                    t(lang, "撤销令牌", "Revoke token"),
                    id=Ids.TOKEN_REVOKE,
                    color="danger",
                    outline=True,
                ),
                html.Div(id=Ids.TOKEN_RESULT, className="mt-2"),
            ]
        )
    )
    return html.Div(
        [
            html.H2(t(lang, "用户与访问令牌", "Users and API tokens"), className="h3"),
            html.P(
                t(
                    lang,
                    "每项变更都记入审计日志（变更前后的值）。",
                    "Every change is written to the audit log with the values before and after.",
                ),
                className="text-muted",
            ),
            _table_beside(user_form, Ids.USERS, _users(lang), USER_COLUMNS, lang),
            html.H3(t(lang, "访问令牌（系统接口）", "API tokens"), className="h5"),
            _table_beside(token_form, Ids.TOKENS, _tokens(lang), TOKEN_COLUMNS, lang),
        ]
    )


def _refused(lang: str) -> dbc.Alert:
    return dbc.Alert(
        t(lang, "仅管理员可执行此操作。", "Only administrators may do this."), color="danger"
    )


@callback(
    Output(Ids.USER_RESULT, "children"),
    Output(Ids.USERS, "rowData"),
    Input(Ids.CREATE, "n_clicks"),
    Input(Ids.SAVE, "n_clicks"),
    State(Ids.USERNAME, "value"),
    State(Ids.NAME, "value"),
    State(Ids.ROLE, "value"),
    State(Ids.REGIONS, "value"),
    State(Ids.PASSWORD, "value"),
    State(Ids.ACTIVE, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def save_user(
    _create: int | None,
    _save: int | None,
    username: str | None,
    name: str | None,
    role: str | None,
    regions: list[str] | None,
    password: str | None,
    active: bool,
    search: str | None,
) -> tuple[Any, Any]:
    lang = lang_of(search)
    account = current_account()
    if not can_administer(account):
        return _refused(lang), dash.no_update
    username = (text_value(username, "用户名") or "").strip()
    if not username:
        return dbc.Alert(
            t(lang, "请填写用户名", "Enter a user name"), color="danger"
        ), dash.no_update
    try:
        with transaction(session_factory()) as session:
            if dash.ctx.triggered_id == Ids.CREATE:
                add_user(
                    session, account, username, password or "", role or "", name, regions or []
                )
                done = t(lang, f"已新建用户 {username}", f"User {username} created")
            else:
                change_user(
                    session,
                    account,
                    username,
                    role=role or None,
                    regions=regions,
                    active=bool(active),
                    password=password or None,
                )
                done = t(lang, f"已保存用户 {username}", f"User {username} saved")
    except UserError as error:
        return dbc.Alert(str(error), color="danger"), dash.no_update
    return dbc.Alert(done, color="success"), _users(lang)


def _typed(value: Any, what: str, high: int) -> int:
    """A number the administrator typed: anything not a whole number up to
    ``high`` is said in the form, like the other mistakes."""
    try:
        return bounded_int(value, what, -high, high)
    except InvalidInput as refused:
        raise UserError(refused.description) from None


@callback(
    Output(Ids.TOKEN_RESULT, "children"),
    Output(Ids.TOKENS, "rowData"),
    Input(Ids.TOKEN_CREATE, "n_clicks"),
    Input(Ids.TOKEN_REVOKE, "n_clicks"),
    State(Ids.TOKEN_USER, "value"),
    State(Ids.TOKEN_NAME, "value"),
    State(Ids.TOKEN_DAYS, "value"),
    State(Ids.TOKEN_TRUSTED, "value"),
    State(Ids.TOKEN_REVOKE_ID, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def manage_token(
    _create: int | None,
    _revoke: int | None,
    username: str | None,
    name: str | None,
    days: int | None,
    trusted: bool | None,
    token_id: int | None,
    search: str | None,
) -> tuple[Any, Any]:
    lang = lang_of(search)
    account = current_account()
    if not can_administer(account):
        return _refused(lang), dash.no_update
    try:
        with transaction(session_factory()) as session:
            if dash.ctx.triggered_id == Ids.TOKEN_CREATE:
                if not username or not name:
                    raise UserError("请选择用户并填写令牌名称")
                token = issue_token(
                    session,
                    account,
                    username,
                    name,
                    _typed(days, "有效天数", 36500) if days else None,
                    trusted=trusted is True,
                )
                shown: Any = [
                    t(
                        lang,
                        "令牌只显示这一次，请立即复制保存：",
                        "Shown only once — copy it now: ",
                    ),
                    html.Code(token, id="admin-new-token"),
                ]
            else:
                if token_id is None:
                    raise UserError("请填写要撤销的令牌编号")
                withdraw_token(session, account, _typed(token_id, "令牌编号", MAX_ID))
                shown = t(lang, f"已撤销令牌 {token_id}", f"Token {token_id} revoked")
    except UserError as error:
        return dbc.Alert(str(error), color="danger"), dash.no_update
    return dbc.Alert(shown, color="success"), _tokens(lang)
