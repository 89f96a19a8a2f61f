"""The header every page shares: product name, navigation, language switch and the data status.

It is drawn by a callback on the URL, so that the language chosen in the
address (``?lang=en``) reaches the navigation and the status line too.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard.auth import csrf_token, current_account, role_name
from dashboard.components.reminders import banner as reminder_banner
from dashboard.context import progress_only, session_factory
from dashboard.i18n import href, lang_of, layer_name, t
from db.progress import assessed_layers
from indicators.access import can_administer, can_audit, can_review, may_submit
from indicators.layers import LAYER_ORDER

TITLE_ZH = "成渝地区双城经济圈规划目标监测平台"
TITLE_EN = "Chengdu–Chongqing Economic Circle Target Monitor"
BRAND_EN = "CCEC Target Monitor"  # on the bar: the full English name took 400 px of it

# (path, Chinese, English): the order of the navigation
NAV = [
    ("/", "总览", "Overview"),
    ("/indicator", "指标", "Indicator"),
    ("/region", "地区", "Region"),
    ("/outlook", "预期差距", "Outlook"),
    ("/report", "进展报告", "Report"),
    ("/final", "终期评估", "Final review"),
    ("/targets", "目标库", "Targets"),
    ("/methodology", "方法", "Method"),
]
# the pages fewer people open, behind 更多 so that the bar fits 1280 px in English
MORE = [
    ("/projects", "重大项目", "Projects"),
    ("/dispatch", "项目调度", "Dispatch"),
    ("/regions", "区划", "Areas"),
    ("/upload", "数据校验", "Check data"),
]


# the workflow pages, for the roles that use them (the server checks again on each)
WORK = [
    ("/submit", "数据填报", "Submit data", may_submit),
    ("/review", "数据审核", "Review", can_review),
    ("/bulletin", "公报读取", "Bulletin reader", can_review),
    ("/completeness", "报送进度", "Reporting progress", lambda account: account is not None),
    ("/audit", "审计日志", "Audit log", can_audit),
    ("/admin", "用户管理", "Users", can_administer),
]


class Ids:
    HEADER = "app-header"
    URL = "url"
    LANG_SWITCH = "lang-switch"
    TOGGLER = "nav-toggler"
    COLLAPSE = "nav-collapse"
    SIGN_IN = "sign-in"
    SIGN_OUT = "sign-out"
    ACCOUNT = "account-name"
    WORK = "nav-workspace"
    MORE = "nav-more"


def switch_href(pathname: str, search: str | None) -> str:
    """The same page and state in the other language."""
    query = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
    if query.pop("lang", None) != "en":
        query["lang"] = "en"
    return pathname + (f"?{urlencode(query)}" if query else "")


def navbar(lang: str, pathname: str, search: str | None) -> dbc.Navbar:
    links = [
        dbc.NavItem(dbc.NavLink(t(lang, zh, en), href=href(path, lang), active=path == pathname))
        for path, zh, en in NAV
    ]
    links.append(
        dbc.NavItem(
            html.A(
                t(lang, "English", "中文"),
                id=Ids.LANG_SWITCH,
                href=switch_href(pathname, search),
                lang=t(lang, "en", "zh-CN"),
                className="nav-link border border-light rounded ms-lg-2 px-2",
            )
        )
    )
    links.insert(len(NAV), _menu(t(lang, "更多", "More"), MORE, lang, pathname, Ids.MORE))
    account = current_account()
    work = [(path, zh, en) for path, zh, en, allowed in WORK if allowed(account)]
    if work:
        links.insert(
            len(NAV) + 1,
            _menu(t(lang, "工作台", "Workspace"), work, lang, pathname, Ids.WORK),
        )
    links.append(dbc.NavItem(_account(lang, pathname, search)))
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    html.Span(t(lang, TITLE_ZH, BRAND_EN), title=t(lang, TITLE_ZH, TITLE_EN)),
                    href=href("/", lang),
                    className="fw-bold",
                ),
                dbc.NavbarToggler(id=Ids.TOGGLER),
                dbc.Collapse(
                    dbc.Nav(links, navbar=True, className="ms-auto"),
                    id=Ids.COLLAPSE,
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        expand="xl",
        className="mb-2 d-print-none",
    )


def _menu(
    label: str, pages: list[tuple[str, str, str]], lang: str, pathname: str, id_: str
) -> dbc.DropdownMenu:
    """A dropdown of pages on the bar; it reads as active while one of them is open."""
    return dbc.DropdownMenu(
        [
            dbc.DropdownMenuItem(t(lang, zh, en), href=href(path, lang), active=path == pathname)
            for path, zh, en in pages
        ],
        label=label,
        nav=True,
        in_navbar=True,
        id=id_,
        toggle_class_name="active" if any(p == pathname for p, _, _ in pages) else "",
    )


def _account(lang: str, pathname: str, search: str | None) -> html.Div:
    """Who is signed in, with a sign-out button (a form POST carrying the CSRF
    token), or a sign-in link that comes back to this page."""
    account = current_account()
    if account is None:
        back = pathname + (search or "")
        return html.A(
            t(lang, "登录", "Sign in"),
            href=f"/login?{urlencode({'next': back, 'lang': lang})}",
            id=Ids.SIGN_IN,
            className="nav-link ms-lg-2",
        )
    role = role_name(account, lang)
    return html.Form(
        [
            html.Span(
                account.display_name,
                title=f"{account.display_name} · {role}",
                id=Ids.ACCOUNT,
                # the bar is full between 1200 and 1400 px (the English one with 工作台 ran
                # 62 px past the window at 1280): the name shows in the collapsed menu and
                # from 1400 px, the name and role always on the sign-out button's hover
                className="text-white small me-2 text-nowrap d-inline d-xl-none d-xxl-inline",
            ),
            dcc.Input(type="hidden", name="csrf", value=csrf_token(), id="sign-out-csrf"),
            html.Button(
                t(lang, "退出", "Sign out"),
                type="submit",
                id=Ids.SIGN_OUT,
                title=f"{account.display_name} · {role}",
                className="btn btn-sm btn-outline-light",
            ),
        ],
        method="POST",
        action="/auth/logout",
        className="d-flex align-items-center ms-lg-3",
    )


# Pages computed from the published layer alone: the 示例数据 banner would misstate them.
PUBLISHED_ONLY = frozenset({"/final"})


def data_status(lang: str, pathname: str = "/") -> html.Div:
    """What the figures on every page rest on: the as-of year, the data layers, and —
    while synthetic data are shown — a 示例数据 banner that cannot be missed (on a page
    built from published figures alone, a line saying so instead)."""
    if pathname in PUBLISHED_ONLY:
        return dbc.Alert(
            t(
                lang,
                "本页只用公开数据（统计公报和政府、统计部门发布的数字，逐条注明出处），不含示例数据和未公开的报送数据。",
                "This page uses published figures only (statistical bulletins and official releases, each cited); "
                "no sample data and no unpublished reports.",
            ),
            color="info",
            id="data-status",
            className="mx-4 mb-0 py-2 small",
        )
    with progress_only(), session_factory()() as session:  # the snapshots alone
        as_of, layers = assessed_layers(session)
    if as_of is None:
        return html.Div(
            t(lang, "尚无评估数据", "No assessment yet"),
            id="data-status",
            className="px-4 small text-muted",
        )
    shown = t(lang, "、", ", ").join(layer_name(x, lang) for x in LAYER_ORDER if x in layers)
    parts: list[object] = [
        html.Span(t(lang, f"数据截至 {as_of} 年", f"Data as of {as_of}"), className="me-3"),
        html.Span(
            t(lang, f"评估所用数据：{shown or '无'}", f"Data assessed: {shown or 'none'}"),
            className="me-3",
        ),
    ]
    if "sample" in layers:
        return dbc.Alert(
            [
                html.Strong(t(lang, "示例数据", "示例数据 · sample data"), className="me-2"),
                t(
                    lang,
                    "当前展示的统计数据含合成的示例数据（非真实统计），仅供演示；真实数据报送后将替换。",
                    "The statistics shown include synthetic sample data (not real statistics), "
                    "for demonstration only; they are replaced as real data are reported.",
                ),
                html.Div(parts, className="small mt-1"),
            ],
            color="warning",
            id="data-status",
            className="mx-4 mb-0 py-2",
        )
    return html.Div(parts, id="data-status", className="px-4 small text-muted")


@callback(
    Output(Ids.HEADER, "children"),
    Input(Ids.URL, "pathname"),
    Input(Ids.URL, "search"),
)
def render_header(pathname: str | None, search: str | None) -> list[object]:
    lang = lang_of(search)
    path = pathname or "/"
    return [navbar(lang, path, search), data_status(lang, path), reminder_banner(lang)]


clientside_callback(
    """(search) => {
        document.documentElement.lang = /[?&]lang=en(&|$)/.test(search || "") ? "en" : "zh-CN";
        return window.dash_clientside.no_update;
    }""",
    Output(Ids.HEADER, "className"),
    Input(Ids.URL, "search"),
)

clientside_callback(
    "(n, open) => n ? !open : open",
    Output(Ids.COLLAPSE, "is_open"),
    Input(Ids.TOGGLER, "n_clicks"),
    State(Ids.COLLAPSE, "is_open"),
    prevent_initial_call=True,
)
