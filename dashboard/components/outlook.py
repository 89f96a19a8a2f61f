"""The weather symbol of a target's expected shortfall (Germany's DNS style),
drawn from the SVGs in assets/weather/, always with its word beside or in the
image's alt text and title."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.i18n import name
from indicators.outlook import SYMBOL_EN, SYMBOL_ZH


def symbol_word(symbol: str | None, lang: str) -> str:
    return name(SYMBOL_ZH, SYMBOL_EN, symbol if isinstance(symbol, str) else "none", lang)


def weather_icon(
    symbol: str | None, lang: str, small: bool = False, with_word: bool = True
) -> html.Span:
    symbol = symbol if isinstance(symbol, str) and not pd.isna(symbol) else "none"
    word = symbol_word(symbol, lang)
    return html.Span(
        [
            html.Img(
                src=f"/assets/weather/{symbol}.svg",
                alt=word,
                title=word,
                className="weather-icon-sm" if small else "weather-icon",
            ),
            html.Span(word, className="ms-1 small") if with_word else None,
        ],
        className="d-inline-flex align-items-center text-nowrap",
    )
