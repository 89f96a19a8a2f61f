"""总览: what a leader reads from across the room — the circle's size (GDP, population,
GDP per head: components.context_cards), the headline targets as cards,
targets by status and pillar, a map of the circle, what changed since the
previous period."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.components.context_cards import context_row
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.scorecard import PHONE_CARDS, labelled
from dashboard.components.status import (
    STATUS_COLOURS,
    pillar_status_figure,
    status_badge,
    status_colour,
    status_tally,
)
from dashboard.context import region_directory, snapshot_scope
from dashboard.data import headline as load_headline
from dashboard.data import indicators as load_indicators
from dashboard.data import moved as load_moved
from dashboard.data import observations, per_version, pillar_counts, records
from dashboard.data import snapshots as load_snapshots
from dashboard.data import unit_statuses as load_unit_statuses
from dashboard.figures import empty_figure, sparkline_svg
from dashboard.i18n import (
    bound_sign,
    dropdown_labels,
    figure_year,
    href,
    lang_of,
    region_name,
    status_word,
    t,
)
from dashboard.maps import (
    MAP_GRAPH_CONFIG,
    NONE_COLOUR,
    category_map,
    latest_value_map,
    mapped_codes,
)
from indicators.formatting import (
    row_target,
    row_value,
    split_figure,
)
from indicators.regions import RegionDirectory
from indicators.summary import SHOWN_ORDER, shown_status

dash.register_page(
    __name__, path="/", name="总览", title="成渝地区双城经济圈规划目标监测平台", order=0
)


class Ids(StrEnum):
    MODE = "home-map-mode"
    INDICATOR = "home-map-indicator"
    MAP = "home-map"
    SHARE = "home-share"
    MORE = "home-changes-more"
    MORE_BODY = "home-changes-rest"


def _figure(text: str, sign: str = "") -> list[Any]:
    """The number large, its unit words smaller and with it on one line; ``sign``
    (≥ for a published lower bound) before the number, as large."""
    number, words = split_figure(text)
    return [sign + number, html.Span(words, className="headline-unit")] if words else [sign + text]


def _card(row: Any, lang: str) -> dbc.Col:
    indicator_link = href("/indicator", lang, id=row.indicator_id, region=row.scope_code)
    series = [v for _, v in (row.series or [])]
    target = row_target(row, lang)
    latest_year, latest_value = row.latest_year, row.latest_value
    # a published bound (超5000列) reads as one: ≥5,000列（2025，下限）
    bound = None if pd.isna(latest_value) else getattr(row, "latest_bound", None)
    if pd.isna(latest_value) and row.series:  # e.g. the target year passed without a figure
        latest_year, latest_value = row.series[-1]
    year = "" if pd.isna(latest_year) else figure_year(int(latest_year), bound, lang)
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.A(
                        row.indicator_name_en if lang == "en" else row.indicator_name,
                        href=indicator_link,
                        className="headline-name",
                    ),
                    html.Div(row.scope_label, className="small text-muted"),
                    html.Div(
                        [
                            html.A(
                                _figure(row_value(row, latest_value, lang), bound_sign(bound)),
                                href=indicator_link,
                                className="headline-value",
                            ),
                            html.Span(year, className="text-muted ms-1"),
                        ]
                    ),
                    html.Div(
                        [
                            html.A(
                                t(
                                    lang,
                                    f"{int(row.target_year)}年目标：{target}",
                                    f"{int(row.target_year)} target: {target}",
                                ),
                                href=href("/targets", lang, target=row.target_id),
                            ),
                        ],
                        className="mb-1",
                    ),
                    html.Div(
                        [
                            status_badge(row.status, lang, className="fs-6 me-2"),
                            html.Img(
                                src=sparkline_svg(series, status_colour(row.status)),
                                alt=t(lang, "趋势", "trend"),
                                className="sparkline",
                            )
                            if len(series) > 1
                            else None,
                        ],
                        className="d-flex align-items-center justify-content-between",
                    ),
                ]
            ),
            className="headline-card h-100",
            style={"borderLeft": f"6px solid {status_colour(row.status)}"},
        ),
        xl=3,
        lg=4,
        sm=6,
        className="mb-3",
    )


def _headline(lang: str) -> Any:
    """The headline targets' cards: which targets, from the latest snapshots' census and
    the catalogue (indicators.summary.headline_targets, once per version); their figures
    from those targets' snapshots alone, drawn once per progress version and language."""
    picked = load_headline(lang)
    with snapshot_scope("targets", tuple(row.target_id for row in picked)):
        return per_version(f"home:headline:{lang}", lambda: _cards(picked, lang))


def _cards(picked: list[Any], lang: str) -> Any:
    if not picked:
        return html.P(t(lang, "尚无核心指标的评估结果。", "No headline target assessed yet."))
    return dbc.Row([_card(row, lang) for row in picked], id="home-headline")


def _map_options(snapshots: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    def options() -> list[dict[str, str]]:
        ordered = (
            snapshots[["indicator_id", "indicator_name", "indicator_name_en", "headline"]]
            .drop_duplicates("indicator_id")
            .sort_values(["headline", "indicator_id"], ascending=[False, True])
        )
        return [
            {
                "label": r.indicator_name_en if lang == "en" else r.indicator_name,
                "value": r.indicator_id,
            }
            for r in records(ordered)
        ]

    return per_version(f"home-map-options:{lang}", options)  # the latest snapshots'


# units with no target of their own under a wider scope's target: a pale tint of
# their own, never that target's status colour; units with no target at all: grey
WIDER_COLOUR = "#CFE0EE"


def status_figure(indicator_id: str, lang: str) -> Any:
    """Each unit coloured by the status of a target set for it (indicators.summary.
    unit_statuses); a unit under a wider scope's target only is drawn as covered by
    it and says whose target it is; the title names the indicator, year and scope."""
    directory = region_directory()
    snapshots = load_snapshots(lang)
    statuses = load_unit_statuses(indicator_id, lang)  # summary.unit_statuses, once per version
    drawn = set(mapped_codes(directory))
    classes: dict[str, dict[str, str]] = {s: {} for s in SHOWN_ORDER}
    for code, row in statuses.own.items():
        if code in drawn:
            classes[shown_status(row.status)][code] = _unit_hover(directory, code, row, lang)
    wider = {
        code: _unit_hover(directory, code, row, lang, own=False)
        for code, row in statuses.wider.items()
        if code in drawn and code not in statuses.own
    }
    scopes = {statuses.wider[c].scope_code for c in wider}
    uncovered = {
        c: f"<b>{region_name(directory[c], lang)}</b><br>"
        + t(lang, "该指标无覆盖此地的目标", "no target of this indicator covers it")
        for c in drawn - set(statuses.own) - set(wider)
    }
    figure = category_map(
        [(status_word(s, lang), STATUS_COLOURS[s], classes[s]) for s in SHOWN_ORDER]
        + [(_wider_label(directory, scopes, lang), WIDER_COLOUR, wider)]
        + [(t(lang, "无目标", "no target"), NONE_COLOUR, uncovered)],
        height=520,
    )
    mine = snapshots[snapshots.indicator_id == indicator_id] if not snapshots.empty else snapshots
    if not mine.empty:
        name = mine.indicator_name_en.iloc[0] if lang == "en" else mine.indicator_name.iloc[0]
        as_of = int(mine.as_of.iloc[0])
        figure["layout"]["title"] = {
            "text": t(
                lang,
                f"{name}：各地自身目标的进展（截至{as_of}年）",
                f"{name}: progress on each unit's own target (as of {as_of})",
            ),
            "font": {"size": 15},
            "x": 0,
        }
        figure["layout"]["margin"]["t"] = 36
    return figure


def _unit_hover(
    directory: RegionDirectory, code: str, row: Any, lang: str, own: bool = True
) -> str:
    word = status_word(row.status, lang)
    target = row_target(row, lang)
    scope = region_name(directory[row.scope_code], lang)
    head = f"<b>{region_name(directory[code], lang)}</b><br>"
    year = int(row.target_year)
    if own:
        return head + t(
            lang,
            f"{scope} {year}年目标 {target}：{word}",
            f"{scope} {year} target {target}: {word}",
        )
    return head + t(
        lang,
        f"本地没有该指标的目标；属{scope}的目标范围<br>{scope}整体 {year}年目标 {target}：{word}",
        f"no target of its own; under the target of {scope}<br>"
        f"{scope} as a whole, {year} target {target}: {word}",
    )


def _wider_label(directory: RegionDirectory, scopes: set[str], lang: str) -> str:
    """The legend entry of units covered only by wider targets: whose targets."""
    if len(scopes) > 3:
        return t(lang, "无本地目标（属更大范围的目标）", "no own target (under wider targets)")
    names = [region_name(directory[c], lang) for c in sorted(scopes)]
    return t(
        lang,
        f"无本地目标（属{'、'.join(names)}的目标）",
        f"no own target (under {', '.join(names)})",
    )


def value_figure(indicator_id: str, lang: str) -> Any:
    """Each unit coloured by its latest annual value of the indicator (dashboard.maps)."""
    unit = load_indicators().set_index("id").unit.get(indicator_id, "")
    return latest_value_map(observations(indicator_id), unit, region_directory(), lang)


CHANGES_SHOWN = 10


def _change_row(row: Any, directory: RegionDirectory, lang: str, header: list[str]) -> html.Tr:
    better = row.change == "improved"
    return html.Tr(
        labelled(
            [
                html.Td(
                    ("▲ " if better else "▼ ")
                    + t(lang, "改善" if better else "变差", "better" if better else "worse"),
                    className="fw-bold text-nowrap",
                ),
                html.Td(
                    html.A(
                        row.indicator_name_en if lang == "en" else row.indicator_name,
                        href=href("/indicator", lang, id=row.indicator_id, region=row.scope_code),
                    )
                ),
                html.Td(region_name(directory[row.scope_code], lang)),
                html.Td(
                    html.A(
                        str(int(row.target_year)), href=href("/targets", lang, target=row.target_id)
                    )
                ),
                html.Td(
                    [
                        status_badge(row.previous_status, lang, className="me-1"),
                        "→ ",
                        status_badge(row.status, lang),
                    ],
                    className="text-nowrap",
                ),
            ],
            header,
        )
    )


def _changes_table(rows: pd.DataFrame, directory: RegionDirectory, lang: str) -> Any:
    header = [
        t(lang, "变化", "Change"),
        t(lang, "指标", "Indicator"),
        t(lang, "范围", "Scope"),
        t(lang, "目标年", "Target year"),
        t(lang, "上期 → 本期", "Before → now"),
    ]
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in header])),
            html.Tbody([_change_row(r, directory, lang, header) for r in records(rows)]),
        ],
        size="sm",
        hover=True,
        responsive=True,
        className=PHONE_CARDS,
    )


def _moved(lang: str) -> pd.DataFrame:
    """Targets whose status moved: headline targets first, then the worsened ones
    (sorted once per progress version: dashboard.data.per_version)."""

    def sort() -> pd.DataFrame:
        moved = load_moved(lang)
        if moved.empty:
            return moved
        return moved.assign(_worse=moved.change == "worsened").sort_values(
            ["headline", "_worse", "pillar", "indicator_id"], ascending=[False, False, True, True]
        )

    return per_version(f"home-moved:{lang}", sort)


@callback(
    Output(Ids.MORE_BODY, "children"),
    Output(Ids.MORE, "style"),
    Input(Ids.MORE, "n_clicks"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def more_changes(_clicks: int | None, search: str | None) -> tuple[Any, dict[str, str]]:
    lang = lang_of(search)
    with snapshot_scope("statuses", ()):  # status changes: the statuses alone
        rest = _moved(lang).iloc[CHANGES_SHOWN:]
        return _changes_table(rest, region_directory(), lang), {"display": "none"}


def _changes(lang: str, directory: RegionDirectory) -> Any:
    """Targets whose status moved since the previous period: the count, the headline
    targets and the worsened ones first, the whole list one click away."""
    moved = _moved(lang)
    if moved.empty:
        nothing = t(
            lang,
            "与上期相比，各目标状态没有变化。",
            "No target changed status since the previous period.",
        )
        return html.Div(
            [html.P(nothing, className="text-muted"), *_more_button(0, lang)], id="home-changes"
        )
    better, worse = int((moved.change == "improved").sum()), int((moved.change == "worsened").sum())
    children: list[Any] = [
        html.P(
            t(
                lang,
                f"状态改善 {better} 个，变差 {worse} 个（含目标年份已到、由进度判断转为最终结果的目标）。",
                f"{better} targets improved and {worse} worsened (including targets whose year has "
                "come, judged final now).",
            ),
            className="mb-1",
        ),
        _changes_table(moved.head(CHANGES_SHOWN), directory, lang),
    ]
    children += _more_button(len(moved) - CHANGES_SHOWN, lang)
    return html.Div(children, id="home-changes")


def _more_button(more: int, lang: str) -> list[Any]:
    """The button to the rest of the list and its place: always drawn (hidden when
    nothing is left), so that its callback finds them on every database."""
    return [
        dbc.Button(
            t(lang, f"显示其余 {more} 项变化", f"Show {more} more changes"),
            id=Ids.MORE,
            color="link",
            className="px-0 d-print-none",
            style=None if more > 0 else {"display": "none"},
        ),
        html.Div(id=Ids.MORE_BODY),
    ]


def layout(
    lang: str | None = None,
    map: str | None = None,
    mode: str | None = None,  # noqa: A002
    **_query: str,
) -> html.Div:
    """总览. Of the latest snapshots it reads which targets they hold and their statuses
    (and the year before's): the tallies, the pillar counts, the changes; the figures of
    the headline indicators' and of the mapped indicator's alone — kept until those
    change, not after every recompute (context.snapshot_scope)."""
    with snapshot_scope("statuses", ()):
        return _overview(lang_of(lang), map, mode)


def _overview(lang: str, map: str | None, mode: str | None) -> html.Div:  # noqa: A002
    directory = region_directory()
    snapshots = load_snapshots(lang)
    title = html.H2(
        t(
            lang,
            "成渝地区双城经济圈规划目标进展总览",
            "Chengdu–Chongqing Economic Circle: progress overview",
        ),
        className="h3",
    )
    if snapshots.empty:
        return html.Div(
            [
                title,
                context_row(lang),
                dbc.Alert(
                    t(
                        lang,
                        "尚无进展评估结果：数据报送后将自动评估。",
                        "No progress assessed yet: targets are assessed once data arrive.",
                    ),
                    color="info",
                ),
            ]
        )
    as_of = int(snapshots.as_of.iloc[0])
    options = _map_options(snapshots, lang)
    indicator = map if map in {o["value"] for o in options} else options[0]["value"]
    mode = "value" if mode == "value" else "status"
    figure = map_figure(indicator, mode, lang)
    return html.Div(
        [
            title,
            html.P(
                t(
                    lang,
                    f"截至 {as_of} 年，{len(snapshots)} 个量化目标的进展评估。数字链接到指标，目标链接到规划原文。",
                    f"Progress on {len(snapshots)} quantified targets as of {as_of}. "
                    "Numbers link to their indicator, targets to the plan's sentence.",
                ),
                className="lead mb-2",
            ),
            status_tally(snapshots, lang, "fs-4", id="home-status-summary"),
            html.Div(
                html.A(
                    t(lang, "评估方法", "How progress is assessed"), href=href("/methodology", lang)
                ),
                className="small mb-3",
            ),
            context_row(lang),
            html.H3(
                t(lang, "核心指标（经济圈）", "Headline targets (economic circle)"), className="h4"
            ),
            # drawn from the progress snapshots alone: once per progress version and
            # language in this worker, not on every visit after an upload (the context
            # cards above show observations and are drawn each time)
            _headline(lang),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.H3(
                                t(lang, "各领域目标进展", "Targets by pillar and status"),
                                className="h4",
                            ),
                            dcc.Graph(
                                id="home-pillars",
                                figure=per_version(
                                    f"home:pillars:{lang}",
                                    lambda: pillar_status_figure(snapshots, lang, pillar_counts()),
                                ),
                                config={"displaylogo": False},
                            ),
                        ],
                        lg=5,
                    ),
                    dbc.Col(
                        [
                            html.H3(t(lang, "地图", "Map"), className="h4"),
                            dbc.Row(
                                [
                                    dbc.Col(
                                        dbc.RadioItems(
                                            id=Ids.MODE,
                                            options=[
                                                {
                                                    "label": t(lang, "按进展状态", "by status"),
                                                    "value": "status",
                                                },
                                                {
                                                    "label": t(lang, "按指标数值", "by value"),
                                                    "value": "value",
                                                },
                                            ],
                                            value=mode,
                                            inline=True,
                                        ),
                                        md=5,
                                    ),
                                    dbc.Col(
                                        dcc.Dropdown(
                                            id=Ids.INDICATOR,
                                            options=options,
                                            value=indicator,
                                            clearable=False,
                                            labels=dropdown_labels(lang),
                                        ),
                                        md=7,
                                    ),
                                ],
                                className="g-2 mb-1",
                            ),
                            dcc.Loading(
                                dcc.Graph(id=Ids.MAP, figure=figure, config=MAP_GRAPH_CONFIG),
                                type="dot",
                            ),
                            html.A(
                                t(lang, "本视图链接", "Link to this view"),
                                id=Ids.SHARE,
                                href=_share(indicator, mode, lang),
                                className="small",
                            ),
                        ],
                        lg=7,
                    ),
                ],
                className="mt-2",
            ),
            html.H3(t(lang, "与上期相比", "Since the previous period"), className="h4 mt-3"),
            html.P(
                t(
                    lang,
                    f"{as_of - 1} 年与 {as_of} 年评估结果对比。",
                    f"Assessment as of {as_of - 1} against {as_of}.",
                ),
                className="small text-muted",
            ),
            per_version(f"home:changes:{lang}", lambda: _changes(lang, directory)),
        ]
    )


def _share(indicator: str, mode: str, lang: str) -> str:
    return href("/", lang, map=indicator, mode=mode)


@callback(
    Output(Ids.MAP, "figure"),
    Output(Ids.SHARE, "href"),
    Input(Ids.MODE, "value"),
    Input(Ids.INDICATOR, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def show_map(mode: str, indicator: str, search: str | None) -> tuple[Any, str]:
    lang = lang_of(search)
    return map_figure(indicator, mode, lang), _share(indicator, mode, lang)


def map_figure(indicator: str, mode: str, lang: str) -> Any:
    if mode == "value":  # the latest observations: drawn each time
        figure = value_figure(indicator, lang)
    else:  # the indicator's progress snapshots alone: once per progress version
        with snapshot_scope("indicators", (indicator,)):
            figure = per_version(
                f"home:status-map:{indicator}:{lang}", lambda: status_figure(indicator, lang)
            )
    if figure is not None:
        return figure
    return empty_figure(t(lang, "该指标暂无地区数据", "No regional data for this indicator"))
