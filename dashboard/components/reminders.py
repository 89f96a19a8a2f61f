"""The overdue reminders an account has not yet read, shown under the header on
every page from sign-in until dismissed (the daily job writes them:
workflows/reminders.py), one line per region and reporting year with the count
and the earliest due date (db.reminders.digests_for). Dismissing marks them read on the server for the
signed-in account only; the ids come from the server, never from the page."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from dashboard.auth import current_account
from dashboard.context import session_factory
from dashboard.i18n import href, t
from db.reminders import digests_for, mark_all_seen
from db.session import transaction

SHOWN = 5


class Ids:
    BOX = "reminders"
    DISMISS = "reminders-dismiss"


def banner(lang: str) -> dbc.Alert | None:
    account = current_account()
    if account is None:
        return None
    with session_factory()() as session:
        shown, count = digests_for(session, account, limit=SHOWN)
    if not count:
        return None
    return alert(lang, [d.message_en if lang == "en" else d.message for d in shown], count)


def alert(lang: str, messages: list[str], count: int) -> dbc.Alert:
    """The banner for ``count`` reminders of which ``messages`` are shown (also drawn,
    empty, into the app's validation layout so its dismiss callback is checked)."""
    items = [html.Li(message) for message in messages]
    more = count - len(items)
    return dbc.Alert(
        [
            html.Strong(
                t(lang, f"您有 {count} 条数据报送逾期提醒", f"{count} overdue reporting reminders")
            ),
            html.Ul(items, className="mb-1 small"),
            html.Div(
                [
                    html.Span(
                        t(lang, f"另有 {more} 条。", f"{more} more. ") if more > 0 else "",
                        className="small me-2",
                    ),
                    html.A(
                        t(lang, "查看报送进度", "See reporting progress"),
                        href=href("/completeness", lang),
                        className="small me-3",
                    ),
                    dbc.Button(
                        t(lang, "知道了", "Dismiss"),
                        id=Ids.DISMISS,
                        size="sm",
                        color="danger",
                        outline=True,
                    ),
                ]
            ),
        ],
        color="danger",
        id=Ids.BOX,
        className="mx-4 mt-2 mb-0 py-2 d-print-none",
    )


@callback(
    Output(Ids.BOX, "is_open"),
    Input(Ids.DISMISS, "n_clicks"),
    prevent_initial_call=True,
)
def dismiss(n_clicks: int | None) -> Any:
    """Every outstanding reminder of this account is marked read, not only those shown:
    the banner promised the count, and the full list is on 报送进度."""
    account = current_account()
    if account is None or not n_clicks:
        return dash.no_update
    with transaction(session_factory()) as session:
        mark_all_seen(session, account)
    return False
