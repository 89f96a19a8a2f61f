"""方法: the progress methodology, rendered from docs/methodology.md (the same
text the tests hold the code to) and its English version."""

from __future__ import annotations

from functools import cache

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from config.settings import PROJECT_ROOT

dash.register_page(
    __name__, path="/methodology", name="方法", title="评估方法 · 成渝监测平台", order=9
)

DOCS = {
    "zh": PROJECT_ROOT / "docs" / "methodology.md",
    "en": PROJECT_ROOT / "docs" / "methodology.en.md",
}


@cache
def _text(language: str) -> str:
    return DOCS[language].read_text(encoding="utf-8")


def layout(lang: str = "zh", **_query: str) -> html.Div:
    tabs = [
        dbc.Tab(dcc.Markdown(_text(code), className="methodology mt-3"), label=label, tab_id=code)
        for code, label in (("zh", "中文"), ("en", "English"))
    ]
    return html.Div(dbc.Tabs(tabs, active_tab="en" if lang == "en" else "zh"), className="col-xl-9")
