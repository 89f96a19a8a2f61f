"""方法: the progress methodology, rendered from docs/methodology.md (the same
text the tests hold the code to)."""

from __future__ import annotations

from functools import lru_cache

import dash
from dash import dcc, html

from config.settings import PROJECT_ROOT

dash.register_page(
    __name__, path="/methodology", name="方法", title="评估方法 · 成渝监测平台", order=9
)

METHODOLOGY = PROJECT_ROOT / "docs" / "methodology.md"


@lru_cache(maxsize=1)
def _text() -> str:
    return METHODOLOGY.read_text(encoding="utf-8")


def layout(**_query: str) -> html.Div:
    return html.Div(
        dcc.Markdown(_text(), className="methodology", link_target="_blank"), className="col-xl-9"
    )
