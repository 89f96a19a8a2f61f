"""What a page shows a visitor whose role may not use it.

One home so that every refused page says it the same way (a warning, in the page's
language, under an id of its own that tests and the validation layout find), instead of
six copies of the same alert that had begun to differ.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc

from dashboard.i18n import t


def denied(id_: str, lang: str, zh: str, en: str) -> dbc.Alert:
    """The notice in place of a page (or a callback's answer) the account may not see."""
    return dbc.Alert(t(lang, zh, en), color="warning", id=id_)
