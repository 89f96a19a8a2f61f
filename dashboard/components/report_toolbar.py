"""The toolbar of a printable report page (进展报告, 终期评估): a scope dropdown,
print / save as PDF, Excel download and a link to the page as shown.

One home so that both reports offer the same controls in the same words, and
print the same way (the browser's own print, which Chromium saves as an A4 PDF).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard.components.header import Ids as HeaderIds
from dashboard.i18n import dropdown_labels, href, lang_of, t

PRINT_JS = "(n) => { if (n) { window.print(); } return window.dash_clientside.no_update; }"


def scope_options(frame: pd.DataFrame) -> pd.DataFrame:
    """The scopes a report's rows cover (scope_code, scope_label), by code."""
    if frame.empty:
        return pd.DataFrame(columns=["scope_code", "scope_label"])
    return frame[["scope_code", "scope_label"]].drop_duplicates().sort_values("scope_code")


def report_toolbar(
    ids: Any,
    scopes: pd.DataFrame,
    scope: str | None,
    lang: str,
    path: str,
    share_id: str,
    share_label: tuple[str, str],
) -> dbc.Row:
    """The controls above a report; ``ids`` names SCOPE, PRINT and XLSX."""
    known = set(scopes.scope_code)
    return dbc.Row(
        [
            dbc.Col(
                dcc.Dropdown(
                    id=ids.SCOPE,
                    options=[{"value": c, "label": n} for c, n in scopes.itertuples(index=False)],
                    value=scope if scope in known else None,
                    placeholder=t(lang, "全部范围（整个经济圈及各区域）", "All scopes"),
                    labels=dropdown_labels(lang),
                ),
                md=5,
            ),
            dbc.Col(
                [
                    dbc.Button(
                        t(lang, "打印 / 另存为 PDF", "Print / save as PDF"),
                        id=ids.PRINT,
                        color="primary",
                        className="me-2",
                    ),
                    dbc.Button(
                        t(lang, "下载 Excel", "Download Excel"),
                        id=ids.XLSX,
                        color="secondary",
                        outline=True,
                    ),
                    html.A(
                        t(lang, *share_label),
                        id=share_id,
                        href=href(path, lang, scope=scope),
                        className="small ms-3",
                    ),
                ],
                md=7,
            ),
        ],
        className="g-2 mb-3 d-print-none",
    )


def print_on_click(button_id: str) -> None:
    """Open the browser's print dialog when ``button_id`` is clicked (client side)."""
    clientside_callback(
        PRINT_JS,
        Output(button_id, "className"),
        Input(button_id, "n_clicks"),
        prevent_initial_call=True,
    )


Body = Callable[[str | None, str], Any]
"""A report's body for a scope (None: all) in a language."""


def report_page(
    ids: Any,
    scopes: pd.DataFrame,
    scope: str | None,
    lang: str,
    path: str,
    share_label: tuple[str, str],
    body: Body,
) -> html.Div:
    """A report page: the toolbar, the body for ``scope``, and the Excel download's target;
    ``ids`` names SCOPE, PRINT, XLSX, SHARE, BODY and DOWNLOAD."""
    return html.Div(
        [
            report_toolbar(ids, scopes, scope, lang, path, ids.SHARE, share_label),
            dcc.Loading(html.Div(body(scope, lang), id=ids.BODY), type="dot"),
            dcc.Download(id=ids.DOWNLOAD),
        ]
    )


def report_callbacks(ids: Any, path: str, body: Body) -> None:
    """What a report page does without a round trip of its own: a new scope redraws the
    body and the link to the page as shown; the print button prints."""

    @callback(
        Output(ids.BODY, "children"),
        Output(ids.SHARE, "href"),
        Input(ids.SCOPE, "value"),
        State(HeaderIds.URL, "search"),
        prevent_initial_call=True,
    )
    def show(scope: str | None, search: str | None) -> tuple[Any, str]:
        lang = lang_of(search)
        scope = scope if isinstance(scope, str) else None  # a crafted request's value
        return body(scope, lang), href(path, lang, scope=scope)

    print_on_click(ids.PRINT)
