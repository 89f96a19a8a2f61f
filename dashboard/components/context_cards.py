"""总览's context cards: the circle's GDP, resident population and GDP per head —
latest figure and year, growth, share of the nation — beside the headline targets.

The figures are worked out by ``indicators.context.context_cards`` from the current
observations (best layer first) and the national totals (``workflows.national_totals``);
this module only reads them and words them. Every card names the layer of its
figure (公开数据 / 报送数据 / 示例数据), a sum of members or a computed figure says so,
a bound reads 超过, and the sources are one hover or click away.
"""

from __future__ import annotations

import logging
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.context import observation_scope, region_directory, session_factory
from dashboard.data import indicators as load_indicators
from dashboard.i18n import layer_name, t
from db.observations import current_observations, observation_sources
from indicators.context import (
    GDP,
    GDP_GROWTH,
    PER_CAPITA,
    POPULATION,
    ContextCard,
    Figure,
    Growth,
    Share,
    context_cards,
)
from indicators.formatting import decimals_for, measured
from workflows.national_totals import COLUMNS as NATIONAL_COLUMNS
from workflows.national_totals import NationalTotalsError, national_totals
from workflows.published import parse_source_note

log = logging.getLogger(__name__)
SCOPE = "ccec"
ROW_ID = "home-context"
NAMES = {
    GDP: ("地区生产总值", "Gross regional product"),
    POPULATION: ("常住人口（年末）", "Resident population (year-end)"),
    PER_CAPITA: ("人均地区生产总值", "GRP per head"),
}
LAYER_COLOURS = {"published": "success", "reported": "primary", "sample": "warning"}


def _value(figure: Figure, unit: str, lang: str) -> str:
    shown = measured(figure.value, unit, decimals_for(unit, figure.value), lang)
    if figure.bound == "lower":
        return t(lang, f"超过 {shown}", f"over {shown}")
    if figure.bound == "upper":
        return t(lang, f"不超过 {shown}", f"at most {shown}")
    return shown


def _growth(growth: Growth | None, lang: str) -> str:
    if growth is None:
        return t(lang, "增速：无可比的上年数", "Growth: no figure for the year before")
    pct = f"{growth.percent:+.1f}%"
    if growth.kind == "real":
        return t(lang, f"实际增长 {pct}（可比价）", f"Real growth {pct}")
    return t(
        lang,
        f"比{growth.base_year}年 {pct}（名义，按当年数值计算）",
        f"{pct} on {growth.base_year} (nominal, from the values)",
    )


def _national_title(share: Share, lang: str) -> str:
    parts = []
    for nation in share.national:
        unit = "亿元" if nation["indicator_id"] == GDP else "万人"
        value = measured(float(nation["value"]), unit, 0, lang)
        parts.append(
            t(
                lang,
                f"全国{nation['period']}年 {value}：{nation['release']}；原文“{nation['wording']}”（{nation['url']}）",
                f"China {nation['period']}: {value} — {nation['release']}; "
                f"“{nation['wording']}” ({nation['url']})",
            )
        )
    return "\n".join(parts)


def _share(share: Share | None, lang: str) -> Any:
    if share is None:
        return html.Div(
            t(lang, "占全国：未载全国同年数", "Share of China: no national figure for that year"),
            className="small text-muted",
        )
    pct = f"{share.percent:.1f}%"
    if share.kind == "relative":
        words = t(lang, f"为全国平均的 {pct}", f"{pct} of the national average")
    elif share.bound == "lower":
        words = t(lang, f"占全国 {pct}以上", f"over {pct} of China")
    else:
        words = t(lang, f"占全国 {pct}", f"{pct} of China")
    return html.Div(
        [
            html.Span(words, className="fw-semibold"),
            " ",
            html.A(
                t(lang, "全国数", "national figure"),
                href=share.national[0].get("release_url") or share.national[0]["url"],
                title=_national_title(share, lang),
                target="_blank",
                rel="noopener",
                className="small",
            ),
        ]
    )


def _origin(card: ContextCard, lang: str) -> str:
    if card.origin == "members":
        return t(lang, "成员地区合计（按目录汇总规则）", "sum of the member units (catalogue rule)")
    if card.origin == "computed":
        return t(
            lang, "由地区生产总值与年末常住人口计算", "computed from GRP and year-end population"
        )
    return ""


def _source(figure: Figure, sources: pd.DataFrame, lang: str) -> Any:
    notes = [parse_source_note(n) for n in sources[sources.id.isin(figure.ids)].source_note]
    cited = [n for n in notes if n["publisher"]]
    if not cited:
        return None
    return html.A(
        t(lang, "来源", "source"),
        href=cited[0]["url"] or None,
        title="\n".join(
            f"{n['publisher']}：“{n['wording']}”" if n["wording"] else n["publisher"] for n in cited
        ),
        target="_blank",
        rel="noopener",
        className="small ms-2",
    )


def _card(card: ContextCard, sources: pd.DataFrame, lang: str) -> dbc.Col:
    zh, en = NAMES[card.key]
    body: list[Any] = [html.Div(t(lang, zh, en), className="headline-name")]
    figure = card.figure
    if figure is None:
        body.append(html.P(t(lang, "暂无数据", "No figure held"), className="text-muted mb-0"))
    else:
        origin = _origin(card, lang)
        body += [
            html.Div(
                [
                    html.Span(_value(figure, card.unit, lang), className="context-value"),
                    html.Span(
                        t(lang, f"（{figure.year}）", f" ({figure.year})"), className="text-muted"
                    ),
                ]
            ),
            html.Div(_growth(card.growth, lang), className="small"),
            _share(card.share, lang),
            html.Div(
                [
                    dbc.Badge(
                        layer_name(figure.layer, lang),
                        color=LAYER_COLOURS.get(figure.layer, "secondary"),
                        className="me-1 context-layer",
                    ),
                    html.Span(origin, className="small text-muted") if origin else None,
                    _source(figure, sources, lang),
                ],
                className="mt-1",
            ),
        ]
    return dbc.Col(
        dbc.Card(dbc.CardBody(body), className="context-card h-100"),
        xs=12,
        md=4,
        className="mb-3",
    )


def context_row(lang: str) -> html.Div:
    """The three cards of the circle (or a line saying no figure is held)."""
    members = [m.code for m in region_directory().leaf_members(SCOPE)]
    rules = load_indicators().set_index("id").aggregation.to_dict()
    problem = None
    try:
        national = national_totals()
    except NationalTotalsError as error:  # the cards still stand; the shares say why not
        log.error("全国总量不可用：%s", error)
        national, problem = pd.DataFrame(columns=list(NATIONAL_COLUMNS)), str(error)
    series = (GDP, POPULATION, GDP_GROWTH)
    # one session, one read of the three series and of their rows' sources (by id: rows
    # are never edited), kept until those series change
    with observation_scope("indicators", series), session_factory()() as session:
        observations = current_observations(session, indicators=series)
        cards = context_cards(observations, national, SCOPE, members, rules)
        ids = sorted({i for c in cards if c.figure is not None for i in c.figure.ids})
        sources = observation_sources(session, ids)
    return html.Div(
        [
            html.H3(t(lang, "经济圈概况", "The circle at a glance"), className="h4"),
            dbc.Row([_card(c, sources, lang) for c in cards]),
            html.P(problem, className="small text-danger") if problem else None,
        ],
        id=ROW_ID,
    )
