"""指标: one indicator in the shape users know from Open SDG — a chart, a table, a
map and a definition tab — for one region (the circle unless another is chosen);
downloads of every region's data below.

Only the chosen tab is rendered (``show``): a graph in a hidden tab is laid out at
the wrong size, and a tab not looked at costs nothing."""

from __future__ import annotations

import io
from enum import StrEnum
from functools import cached_property
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import data as frames
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.picker import picker
from dashboard.components.scorecard import PHONE_CARDS, labelled
from dashboard.components.status import status_badge
from dashboard.context import region_directory, snapshot_scope
from dashboard.figures import empty_figure, indicator_chart, ranking_chart
from dashboard.i18n import (
    bound_name,
    dropdown_labels,
    href,
    lang_of,
    layer_name,
    name,
    pillar_name,
    region_name,
    t,
)
from dashboard.maps import MAP_GRAPH_CONFIG, latest_value_map, mapped_codes
from dashboard.security import refuse
from indicators.catalogue import (
    AGGREGATION_EN,
    AGGREGATION_ZH,
    DIRECTION_EN,
    DIRECTION_ZH,
    FREQUENCY_EN,
    FREQUENCY_ZH,
)
from indicators.exports import spreadsheet_safe
from indicators.formatting import (
    in_unit,
    measured,
    row_target,
    series_decimals,
    target_text,
    unit_text,
)
from indicators.progress import Point, trend
from indicators.ranking import latest_annual, like_units, rank_like_units
from indicators.regions import RegionDirectory

dash.register_page(__name__, path="/indicator", name="指标", title="指标 · 成渝监测平台", order=3)

# the download's columns (every region): field, Chinese, English
TABLE = [
    ("region", "地区", "Region"),
    ("period", "期间", "Period"),
    ("value", "数值", "Value"),
    ("unit", "单位", "Unit"),
    ("layer_name", "数据层", "Layer"),
]
NOT_JUDGED = ("baseline", "vision")  # 远景目标 are shown with their sentence, never judged
CIRCLE = "ccec"  # the region shown when none is chosen
# a published figure that is a bound (超过 …): said in the table, never only "lower"


class Ids(StrEnum):
    INDICATOR = "ind-indicator"
    REGION = "ind-region"
    TABS = "ind-tabs"
    BODY = "ind-body"
    SHARE = "ind-share"
    CSV = "ind-download-csv"
    XLSX = "ind-download-xlsx"
    DOWNLOAD = "ind-download"
    # inside the tabs
    CHART = "ind-chart"
    STATUSES = "ind-statuses"
    TREND = "ind-trend"
    TABLE = "ind-table"
    MAP = "ind-map"
    MAP_NOTE = "ind-map-note"
    RANKING = "ind-ranking"
    RANKING_TITLE = "ind-ranking-title"
    DEFINITION = "ind-definition"
    SENTENCES = "ind-sentences"


class Tab(StrEnum):
    CHART = "chart"
    TABLE = "table"
    MAP = "map"
    DEFINITION = "definition"


TAB_LABELS = {
    Tab.CHART: ("图表", "Chart"),
    Tab.TABLE: ("表格", "Table"),
    Tab.MAP: ("地图", "Map"),
    Tab.DEFINITION: ("定义与目标", "Definition"),
}


# ---------------------------------------------------------------- options ---


def _options(lang: str) -> list[dict[str, str]]:
    """Indicators that have targets, headline ones first."""
    targets, indicators = frames.targets(), frames.indicators()
    with_targets = indicators[indicators.id.isin(targets.indicator_id)]
    ordered = with_targets.sort_values(["headline", "id"], ascending=[False, True])
    return [
        {
            "label": f"{r.name_en} ({unit_text(r.unit, lang) or '-'})"
            if lang == "en"
            else f"{r.name_zh}（{r.unit}）",
            "value": r.id,
        }
        for r in frames.records(ordered)
    ]


def _untargeted_option(indicator_id: str, lang: str) -> list[dict[str, str]]:
    """An indicator no plan sets a target for, when data are reported for it (its
    trend is shown instead of a status): reached by its link, not listed."""
    indicators = frames.indicators().set_index("id")
    if indicator_id not in indicators.index or frames.observations(indicator_id).empty:
        return []
    r = indicators.loc[indicator_id]
    label = (
        f"{r.name_en} ({unit_text(r.unit, lang) or '-'}, no target)"
        if lang == "en"
        else f"{r.name_zh}（{r.unit}，无目标）"
    )
    return [{"label": label, "value": indicator_id}]


def _regions(
    indicator_id: str, current: str | None, lang: str
) -> tuple[list[dict[str, str]], str | None]:
    """Regions with targets or data for the indicator, the circle first; the current
    one kept if it has any, else the circle (Open SDG's default: the whole)."""
    indicator = _indicator(indicator_id)
    targets = frames.targets()
    scopes = targets[targets.indicator_id == indicator.name].scope_code
    codes = list(dict.fromkeys([*scopes, *frames.observations(indicator.name).region_code]))
    directory = region_directory()
    codes = sorted((c for c in codes if c in directory.regions), key=lambda c: c != CIRCLE)
    options = [{"label": region_name(directory.regions[c], lang), "value": c} for c in codes]
    if current in codes:
        return options, current
    return options, (CIRCLE if CIRCLE in codes else (codes[0] if codes else None))


def _indicator(indicator_id: object) -> pd.Series:
    """The catalogue's row of the indicator; a clear refusal for an unknown id."""
    indicators = frames.indicators().set_index("id")
    if not isinstance(indicator_id, str) or indicator_id not in indicators.index:
        refuse(f"没有编号为“{str(indicator_id)[:40]}”的指标")
    return indicators.loc[indicator_id]


# ------------------------------------------------------------------ layout ---


def layout(
    id: str = "gdp",  # noqa: A002
    region: str | None = None,
    tab: str | None = None,
    lang: str | None = None,
    **_query: str,
) -> html.Div:
    lang = lang_of(lang)
    options = _options(lang)
    if id not in {o["value"] for o in options}:
        options += _untargeted_option(id, lang)
    if id not in {o["value"] for o in options}:
        return dbc.Alert(
            t(
                lang,
                f"没有编号为“{id}”且设有目标的指标。",
                f"No indicator with targets has the id “{id}”.",
            ),
            color="warning",
        )
    region_options, chosen = _regions(id, region, lang)
    return html.Div(
        [
            html.H2(t(lang, "指标", "Indicator"), className="h3"),
            _choosers(options, id, region_options, chosen, lang),
            dbc.Tabs(
                [dbc.Tab(label=t(lang, *TAB_LABELS[s]), tab_id=s.value) for s in Tab],
                id=Ids.TABS,
                active_tab=(tab if tab in set(Tab) else Tab.CHART.value),
                className="mb-3",
            ),
            dcc.Loading(html.Div(id=Ids.BODY), type="dot"),
            _downloads(lang),
        ]
    )


def _choosers(
    options: list[dict[str, str]],
    indicator_id: str,
    region_options: list[dict[str, str]],
    region: str | None,
    lang: str,
) -> dbc.Row:
    return dbc.Row(
        [
            dbc.Col(
                dcc.Dropdown(
                    id=Ids.INDICATOR,
                    options=options,
                    value=indicator_id,
                    clearable=False,
                    labels=dropdown_labels(lang),
                ),
                md=6,
            ),
            dbc.Col(
                picker(
                    Ids.REGION,
                    region_options,
                    region,
                    t(lang, "选择地区…", "Choose a region…"),
                    lang,
                ),
                md=4,
            ),
            dbc.Col(
                html.A(t(lang, "本视图链接", "Link to this view"), id=Ids.SHARE, className="small"),
                md=2,
                className="pt-2",
            ),
        ],
        className="g-2 mb-3",
    )


def _downloads(lang: str) -> html.Div:
    """Every region's figures of the indicator (the table tab shows one region's)."""
    return html.Div(
        [
            dbc.ButtonGroup(
                [
                    dbc.Button(
                        t(lang, "下载全部地区数据（CSV）", "Download all regions (CSV)"),
                        id=Ids.CSV,
                        color="secondary",
                        outline=True,
                    ),
                    dbc.Button(
                        t(lang, "下载全部地区数据（Excel）", "Download all regions (Excel)"),
                        id=Ids.XLSX,
                        color="secondary",
                        outline=True,
                    ),
                ],
                className="mt-3 flex-wrap",
            ),
            dcc.Download(id=Ids.DOWNLOAD),
        ]
    )


# ------------------------------------------------------- what a tab shows ---


class View:
    """One indicator for one region, in one language: what the tabs draw from.

    A plain class, not a dataclass: Dash executes page modules outside
    ``sys.modules``, where ``dataclasses`` cannot resolve postponed annotations."""

    def __init__(self, indicator: pd.Series, region: str | None, lang: str) -> None:
        self.indicator = indicator  # the catalogue's row, its id as ``name``
        self.region = region
        self.lang = lang

    @classmethod
    def of(cls, indicator_id: object, region: str | None, lang: str) -> View:
        return cls(_indicator(indicator_id), region if isinstance(region, str) else None, lang)

    @property
    def id(self) -> str:
        return str(self.indicator.name)

    @property
    def unit(self) -> str:
        """The indicator's unit as the page's language writes it."""
        return unit_text(self.indicator.unit, self.lang)

    @cached_property
    def directory(self) -> RegionDirectory:
        return region_directory()

    @cached_property
    def targets(self) -> pd.DataFrame:
        """Every target, baseline and vision of the indicator, whatever the scope."""
        targets = frames.targets()
        return targets[targets.indicator_id == self.id]

    @cached_property
    def observations(self) -> pd.DataFrame:
        """Every region's current figures, the region and layer named in the language."""
        observations = frames.observations(self.id)
        regions = self.directory.regions
        observations["region"] = observations.region_code.map(
            lambda c: region_name(regions[c], self.lang) if c in regions else c
        )
        observations["layer_name"] = observations.layer.map(lambda x: layer_name(x, self.lang))
        return observations

    @cached_property
    def series(self) -> pd.DataFrame:
        """The region's annual figures, oldest first."""
        mine = self.observations[self.observations.region_code == self.region]
        return mine[mine.period.astype(str).str.fullmatch(r"\d{4}")].sort_values("period")

    @cached_property
    def snapshots(self) -> pd.DataFrame:
        """The progress of the region's targets of the indicator (a reply that read
        snapshots only here is kept until this indicator's change: snapshot_scope)."""
        with snapshot_scope("indicators", (self.id,)):
            snaps = frames.snapshots(self.lang)
            if snaps.empty:
                return snaps
            return snaps[(snaps.indicator_id == self.id) & (snaps.scope_code == self.region)]

    @cached_property
    def decimals(self) -> int:
        """One number of decimals on every tab (indicators.formatting.series_decimals)."""
        rows = zip(self.targets.value, self.targets.unit, self.targets.kind, strict=True)
        return series_decimals(self.indicator.unit, rows, self.observations.value)

    @cached_property
    def region_targets(self) -> pd.DataFrame:
        """The region's judged targets with ``value`` in the indicator's unit — a 3万亿元
        star on an axis of 亿元 stands at 30,000, not near 0 — and ``label`` as worded."""
        mine = self.targets[
            (self.targets.scope_code == self.region) & ~self.targets.kind.isin(NOT_JUDGED)
        ]
        rows = frames.records(mine)
        unit = self.indicator.unit
        shown = [in_unit(e.value, e.unit, e.kind, unit) for e in rows]
        highs = [
            in_unit(e.value_high, e.unit, e.kind, unit)[0] if pd.notna(e.value_high) else None
            for e in rows
        ]
        labels = [
            target_text(v, u, e.comparator, h, e.kind, lang=self.lang)
            for (v, u), h, e in zip(shown, highs, rows, strict=True)
        ]
        return mine.assign(value=[v for v, _ in shown], label=labels)

    @property
    def untargeted(self) -> bool:
        """No target of the region is judged: its trend is shown instead."""
        return self.region_targets.empty and self.snapshots.empty

    def region_label(self) -> str:
        region = self.directory.regions.get(self.region or "")
        return region_name(region, self.lang) if region else t(self.lang, "（未选地区）", "(none)")


def chart_tab(view: View) -> list[Any]:
    """The region's annual series with its targets (stars at their value in the
    series' unit), the paths they require and the projection; its statuses, or
    its trend when no target is set for it."""
    lang = view.lang
    level = view.region_targets[view.region_targets.kind == "level"]
    snaps = view.snapshots
    if view.series.empty and level.empty and snaps.empty:
        figure: Any = empty_figure(
            t(lang, "该地区没有该指标的年度数据", "No annual figures for this region")
        )
    else:
        figure = indicator_chart(
            view.series,
            view.unit,
            level,
            snaps[snaps.target_id.isin(level.id)] if not snaps.empty else snaps,
            lang,
            view.decimals,
            _totals(snaps, view.indicator.unit, lang),
        )
    return [
        _statuses(view),
        _trend(view) if view.untargeted else None,
        dcc.Graph(id=Ids.CHART, figure=figure, config={"displaylogo": False}),
    ]


def _statuses(view: View) -> html.Div | None:
    """Each target's status after its region and year. A pair wraps as a unit
    where the line has room for it; on a phone a long region name may wrap, but
    "2027年目标：" and its badge never part (no line ends at the colon)."""
    if view.snapshots.empty:
        return None
    lang = view.lang
    return html.Div(
        [
            html.Span(
                [
                    t(lang, s.scope_name, region_name(view.directory[s.scope_code], lang)) + " ",
                    html.Span(
                        [
                            # a space read aloud and copied in English, the gap drawn in Chinese
                            t(lang, f"{s.target_year}年目标：", f"{s.target_year} target: "),
                            status_badge(s.status, lang, className=t(lang, "ms-1", "")),
                        ],
                        className="text-nowrap",
                    ),
                ],
            )
            for s in frames.records(view.snapshots)
        ],
        className="d-flex flex-wrap column-gap-4",
        id=Ids.STATUSES,
    )


def _totals(snaps: pd.DataFrame, unit: str, lang: str) -> pd.DataFrame:
    """The region's cumulative targets with the running totals they are judged on
    (the snapshot's series) and their values in the indicator's ``unit``."""
    mine = snaps[snaps.kind == "cumulative"] if not snaps.empty else snaps
    rows = frames.records(mine)
    return pd.DataFrame(
        {
            "series": [r.series for r in rows],
            "target_year": [r.target_year for r in rows],
            "value": [in_unit(r.target_value, r.target_unit, r.kind, unit)[0] for r in rows],
            "label": [row_target(r, lang) for r in rows],
        }
    )


def _trend(view: View) -> html.Div | None:
    """Without a target for the region: Open SDG's methodology 1 on its annual series
    (indicators.progress.trend), the status word and how it was reached."""
    if view.series.empty:
        return None
    lang, indicator = view.lang, view.indicator
    by_year = view.series.groupby("period").value.last()
    points = [Point(int(period), float(value)) for period, value in by_year.items()]
    limit = getattr(indicator, "trend_limit", None)
    limit = None if limit is None or pd.isna(limit) else float(limit)  # NaN in the frame: none
    result = trend(points, indicator.direction, points[-1].year, limit)
    if result.value is None:
        how = t(lang, result.note, "two annual values of an indicator with a direction needed")
    else:
        years = f"{result.base.year}—{result.latest.year}"
        how = t(
            lang,
            result.note,
            f"{years} direction-adjusted annual growth {result.value * 100:+.2f}%",
        )
    return html.Div(
        [
            t(lang, "无目标值，按趋势评估：", "No target; judged on its trend: "),
            status_badge(result.status, lang, method=True, className="ms-1"),
            html.Span(f"（{how}）" if lang != "en" else f" ({how})", className="small ms-2"),
            html.A(
                t(lang, "方法", "Method"),
                href=href("/methodology", lang),
                className="small ms-2",
            ),
        ],
        id=Ids.TREND,
        className="mb-2",
    )


def table_tab(view: View) -> list[Any]:
    """The chosen region's figures only, each in the indicator's unit and decimals
    (indicators.formatting.measured); on a phone each row a card."""
    lang = view.lang
    heading = html.H3(
        t(
            lang,
            f"{view.region_label()} · 各期数据",
            f"{view.region_label()}: figures by period",
        ),
        className="h6",
    )
    mine = view.observations[view.observations.region_code == view.region]
    if mine.empty:
        note = t(lang, "该地区没有该指标的数据。", "No figures of this indicator for the region.")
        return [heading, html.P(note, className="text-muted", id=Ids.TABLE)]
    notes = bool(mine.bound.astype(bool).any())  # the column only where a figure is a bound
    header = [
        t(lang, "期间", "Period"),
        t(lang, "数值", "Value"),
        t(lang, "数据层", "Layer"),
        *([t(lang, "说明", "Note")] if notes else []),
    ]
    rows = [
        html.Tr(
            labelled(
                [
                    html.Td(str(r.period)),
                    html.Td(measured(r.value, view.indicator.unit, view.decimals, lang)),
                    html.Td(r.layer_name),
                    *([html.Td(bound_name(r.bound, lang))] if notes else []),
                ],
                header,
            )
        )
        for r in frames.records(mine.sort_values("period"))
    ]
    table = dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)],
        bordered=False,
        hover=True,
        size="sm",
        className=f"indicator-data {PHONE_CARDS}",
        id=Ids.TABLE,
    )
    return [heading, table]


def map_tab(view: View) -> list[Any]:
    """Each unit of the circle by its latest annual value (dashboard.maps, the map
    总览 draws by value), then the like units ranked for one year and layer."""
    lang = view.lang
    units = set(mapped_codes(view.directory))
    latest = latest_annual(view.observations, units)
    figure = latest_value_map(
        view.observations, view.indicator.unit, view.directory, lang, view.decimals
    )
    if figure is None:
        return [
            html.P(
                t(lang, "该指标暂无区县（市）数据。", "No figures of the districts and cities."),
                className="text-muted",
                id=Ids.MAP_NOTE,
            ),
            _ranking(view),
        ]
    years = sorted({str(p) for p in latest.period})
    span = years[0] if len(years) == 1 else f"{years[0]}—{years[-1]}"
    note = t(
        lang,
        f"各区县（市）的最新年度值（{span}年，{len(latest)} 个地区；年份见各地提示），颜色越深数值越大。",
        f"Each district's or city's latest annual figure ({span}, {len(latest)} units; "
        "hover for the year); darker is higher.",
    )
    return [
        html.P(note, className="small text-muted", id=Ids.MAP_NOTE),
        dcc.Graph(id=Ids.MAP, figure=figure, config=MAP_GRAPH_CONFIG),
        _ranking(view),
    ]


def _ranking(view: View) -> html.Div:
    """重庆's districts and counties with 四川's cities, one year and one data layer
    (indicators.ranking), the heading saying which; never a province among them."""
    lang = view.lang
    result = rank_like_units(view.observations, like_units(view.directory))
    rows = result.rows.rename(columns={"region": "name"})
    if len(rows) < 2 or result.year is None or result.layer is None:
        heading = t(lang, "地区排名", "Regions ranked")
        body: Any = html.P(
            t(lang, "地区数据不足，暂无排名。", "Too few regions report it to rank."),
            className="text-muted",
        )
    else:
        layer = layer_name(result.layer, lang)
        heading = t(
            lang,
            f"地区排名：重庆各区县与四川各市（{result.year}年 · {layer} · {len(rows)} 个）",
            f"Regions ranked: the districts and counties of Chongqing and the cities of "
            f"Sichuan ({result.year}, {layer}, {len(rows)})",
        )
        body = dcc.Graph(
            id=Ids.RANKING,
            figure=ranking_chart(rows, view.unit, view.decimals),
            config={"displaylogo": False, "displayModeBar": False},
        )
    note = (
        html.P(
            t(
                lang,
                f"另有 {result.left_out} 个地区只有其他年份或其他数据层的数据，未列入排名。",
                f"{result.left_out} more regions have figures for other years or layers only "
                "and are not ranked.",
            ),
            className="small text-muted",
        )
        if result.left_out
        else None
    )
    return html.Div([html.H3(heading, className="h6 mt-3", id=Ids.RANKING_TITLE), body, note])


def definition_tab(view: View) -> list[Any]:
    """What the indicator measures (in English where the catalogue holds it), its
    unit, source and direction, the plan sentences that set its targets, and the
    trend the chart tab judges it on where no target is set for the region."""
    return [
        _definition(view),
        _trend(view) if view.untargeted else None,
        html.H3(t(view.lang, "规划目标与原文", "Targets and the plans' sentences"), className="h6"),
        _sentences(view),
    ]


def _english(indicator: pd.Series, name: str) -> str | None:
    """The catalogue's English ``definition_en`` or ``source_en``; None where the
    row was stored before its column was (0017, 0019) and holds none."""
    value = getattr(indicator, name, None)
    return value if isinstance(value, str) and value.strip() else None


def _definition(view: View) -> dbc.Card:
    lang, indicator = view.lang, view.indicator
    english = _english(indicator, "definition_en")
    text = english if lang == "en" and english else (indicator.definition or "")
    source = _english(indicator, "source_en") if lang == "en" else None
    source = source or indicator.source  # a row stored before 0019: the Chinese name
    facts = [
        (t(lang, "单位", "Unit"), view.unit or "—"),
        (t(lang, "领域", "Pillar"), pillar_name(indicator.pillar, lang)),
        (t(lang, "方向", "Direction"), name(DIRECTION_ZH, DIRECTION_EN, indicator.direction, lang)),
        (t(lang, "频率", "Frequency"), name(FREQUENCY_ZH, FREQUENCY_EN, indicator.frequency, lang)),
        (
            t(lang, "区域汇总", "Regional totals"),
            name(AGGREGATION_ZH, AGGREGATION_EN, indicator.aggregation, lang),
        ),
        (t(lang, "来源", "Source"), source or "—"),
    ]
    title = (
        f"{indicator.name_en} ({view.unit or '-'})"
        if lang == "en"
        else f"{indicator.name_zh}（{indicator.unit}）"
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3(title, className="h5"),
                html.P(text, className="mb-2", lang="en" if lang == "en" and english else "zh-CN"),
                html.Dl(
                    [
                        part
                        for label, value in facts
                        for part in (
                            html.Dt(label, className="col-4 col-lg-2 text-muted fw-normal"),
                            html.Dd(value, className="col-8 col-lg-10 mb-1"),
                        )
                    ],
                    className="row small mb-0",
                ),
            ]
        ),
        className="mb-3",
        id=Ids.DEFINITION,
    )


def _sentences(view: View) -> html.Ul | html.P:
    """Every plan sentence that sets a target (or a baseline, a vision) of the
    indicator, whatever the scope, each linked to its place in 目标库."""
    lang = view.lang
    if view.targets.empty:
        return html.P(
            t(lang, "该指标没有规划目标。", "No plan sets a target for this indicator."),
            className="text-muted",
            id=Ids.SENTENCES,
        )
    return html.Ul(
        [
            html.Li(
                [
                    html.Strong(
                        f"{region_name(view.directory[e.scope_code], lang)} "
                        + t(lang, f"{e.year}年：", f"{e.year}: ")
                    ),
                    html.A(
                        target_text(e.value, e.unit, e.comparator, e.value_high, e.kind, lang=lang),
                        href=href("/targets", lang, target=e.id),
                    ),
                    "　",
                    html.Q(e.quote, lang="zh-CN"),
                    html.Span(
                        t(
                            lang,
                            f"（《{e.plan_title}》 {e.section}）",
                            f" (《{e.plan_title}》, {e.section})",
                        ),
                        className="small text-muted",
                    ),
                ]
            )
            for e in frames.records(view.targets)
        ],
        id=Ids.SENTENCES,
    )


TAB_BODIES = {
    Tab.CHART: chart_tab,
    Tab.TABLE: table_tab,
    Tab.MAP: map_tab,
    Tab.DEFINITION: definition_tab,
}


# --------------------------------------------------------------- callbacks ---


@callback(
    Output(Ids.REGION, "options"),
    Output(Ids.REGION, "value"),
    Input(Ids.INDICATOR, "value"),
    State(Ids.REGION, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def regions_for(
    indicator_id: str, current: str | None, search: str | None
) -> tuple[list[dict[str, str]], str | None]:
    return _regions(indicator_id, current, lang_of(search))


@callback(
    Output(Ids.BODY, "children"),
    Output(Ids.SHARE, "href"),
    Input(Ids.INDICATOR, "value"),
    Input(Ids.REGION, "value"),
    Input(Ids.TABS, "active_tab"),
    State(HeaderIds.URL, "search"),
)
def show(
    indicator_id: str, region: str | None, tab: str | None, search: str | None
) -> tuple[Any, str]:
    """The chosen tab of the chosen indicator and region, and the link to this view."""
    lang = lang_of(search)
    view = View.of(indicator_id, region, lang)
    chosen = Tab(tab) if tab in set(Tab) else Tab.CHART
    shown_tab = None if chosen == Tab.CHART else chosen.value
    share = href("/indicator", lang, id=view.id, region=view.region, tab=shown_tab)
    return html.Div(TAB_BODIES[chosen](view), id=f"ind-tab-{chosen.value}"), share


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Input(Ids.CSV, "n_clicks"),
    Input(Ids.XLSX, "n_clicks"),
    State(Ids.INDICATOR, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def download(_csv: int | None, _xlsx: int | None, indicator_id: str, search: str | None) -> Any:
    lang = lang_of(search)
    frame = View.of(indicator_id, None, lang).observations[[c for c, *_ in TABLE]]
    frame = spreadsheet_safe(frame.rename(columns={c: t(lang, zh, en) for c, zh, en in TABLE}))
    if dash.ctx.triggered_id == Ids.XLSX:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name=indicator_id[:31])
        return dcc.send_bytes(buffer.getvalue(), f"{indicator_id}.xlsx")
    return {"content": "\ufeff" + frame.to_csv(index=False), "filename": f"{indicator_id}.csv"}
