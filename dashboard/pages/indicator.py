"""指标: one indicator — definition, the plan sentences of its targets, the series of a
region with targets, required paths and projection, a ranking, the data, downloads."""

from __future__ import annotations

import io
from enum import StrEnum
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import data as frames
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.status import status_badge
from dashboard.context import region_directory
from dashboard.figures import indicator_chart, ranking_chart
from dashboard.i18n import (
    dropdown_labels,
    grid_locale,
    href,
    lang_of,
    layer_name,
    name,
    pillar_name,
    region_name,
    t,
)
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
    decimals_for,
    in_unit,
    indicator_decimals,
    row_target,
    target_text,
    unit_text,
)
from indicators.progress import Point, trend
from indicators.ranking import like_units, rank_like_units

dash.register_page(__name__, path="/indicator", name="指标", title="指标 · 成渝监测平台", order=3)

TABLE = [
    ("region", "地区", "Region", 150),
    ("period", "期间", "Period", 100),
    ("value", "数值", "Value", 120),
    ("unit", "单位", "Unit", 80),
    ("layer_name", "数据层", "Layer", 100),
]


NOT_JUDGED = ("baseline", "vision")  # 远景目标 are shown with their sentence, never judged


class Ids(StrEnum):
    INDICATOR = "ind-indicator"
    REGION = "ind-region"
    BODY = "ind-body"
    SHARE = "ind-share"
    CSV = "ind-download-csv"
    XLSX = "ind-download-xlsx"
    DOWNLOAD = "ind-download"


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


def _trend(indicator: Any, series: Any, lang: str) -> html.Div | None:
    """Without a target for the region: Open SDG's methodology 1 on its annual series
    (indicators.progress.trend), the status word and how it was reached."""
    if series.empty:
        return None
    by_year = series.sort_values("period").groupby("period").value.last()
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
        id="ind-trend",
        className="mb-2",
    )


def layout(
    id: str = "gdp",  # noqa: A002
    region: str | None = None,
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
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.INDICATOR,
                            options=options,
                            value=id,
                            clearable=False,
                            labels=dropdown_labels(lang),
                        ),
                        md=6,
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.REGION,
                            options=region_options,
                            value=chosen,
                            placeholder=t(lang, "选择地区…", "Choose a region…"),
                            labels=dropdown_labels(lang),
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        html.A(
                            t(lang, "本视图链接", "Link to this view"),
                            id=Ids.SHARE,
                            className="small",
                        ),
                        md=2,
                        className="pt-2",
                    ),
                ],
                className="g-2 mb-3",
            ),
            dcc.Loading(html.Div(id=Ids.BODY), type="dot"),
            dbc.ButtonGroup(
                [
                    dbc.Button(
                        t(lang, "下载数据（CSV）", "Download data (CSV)"),
                        id=Ids.CSV,
                        color="secondary",
                        outline=True,
                    ),
                    dbc.Button(
                        t(lang, "下载数据（Excel）", "Download data (Excel)"),
                        id=Ids.XLSX,
                        color="secondary",
                        outline=True,
                    ),
                ],
                className="mt-3",
            ),
            dcc.Download(id=Ids.DOWNLOAD),
        ]
    )


def _data(indicator_id: str, lang: str) -> dict[str, Any]:
    indicators = frames.indicators().set_index("id")
    if not isinstance(indicator_id, str) or indicator_id not in indicators.index:
        refuse(f"没有编号为“{str(indicator_id)[:40]}”的指标")
    targets = frames.targets()
    observations = frames.observations(indicator_id)
    snapshots = frames.snapshots(lang)
    directory = region_directory()
    observations["region"] = observations.region_code.map(
        lambda c: region_name(directory.regions[c], lang) if c in directory.regions else c
    )
    observations["layer_name"] = observations.layer.map(lambda x: layer_name(x, lang))
    return {
        "indicator": indicators.loc[indicator_id],
        "targets": targets[targets.indicator_id == indicator_id],
        "observations": observations,
        "snapshots": snapshots[snapshots.indicator_id == indicator_id]
        if not snapshots.empty
        else snapshots,
    }


def _regions(
    indicator_id: str, current: str | None, lang: str
) -> tuple[list[dict[str, str]], str | None]:
    """Regions with targets or data for the indicator; the current one kept if it has."""
    data = _data(indicator_id, lang)
    codes = list(dict.fromkeys([*data["targets"].scope_code, *data["observations"].region_code]))
    directory = region_directory()
    options = [
        {"label": region_name(directory.regions[c], lang), "value": c}
        for c in codes
        if c in directory.regions
    ]
    return options, (current if current in codes else (codes[0] if codes else None))


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
    State(HeaderIds.URL, "search"),
)
def show(indicator_id: str, region: str | None, search: str | None) -> tuple[Any, str]:
    lang = lang_of(search)
    data = _data(indicator_id, lang)
    indicator = data["indicator"]
    share = href("/indicator", lang, id=indicator_id, region=region)
    unit = unit_text(indicator.unit, lang)
    facts = [
        (t(lang, "领域", "Pillar"), pillar_name(indicator.pillar, lang)),
        (t(lang, "方向", "Direction"), name(DIRECTION_ZH, DIRECTION_EN, indicator.direction, lang)),
        (t(lang, "频率", "Frequency"), name(FREQUENCY_ZH, FREQUENCY_EN, indicator.frequency, lang)),
        (
            t(lang, "区域汇总", "Regional totals"),
            name(AGGREGATION_ZH, AGGREGATION_EN, indicator.aggregation, lang),
        ),
        (t(lang, "来源", "Source"), indicator.source),
    ]
    colon = t(lang, "：", ": ")
    # a database stored before 0017 has no English yet: the Chinese sentence, marked so
    english = lang == "en" and isinstance(indicator.definition_en, str) and indicator.definition_en
    definition_text = indicator.definition_en if english else indicator.definition or ""
    definition = dbc.Card(
        dbc.CardBody(
            [
                html.H3(
                    f"{indicator.name_en} ({unit or '-'})"
                    if lang == "en"
                    else f"{indicator.name_zh}（{indicator.unit}）",
                    className="h5",
                ),
                html.P(
                    definition_text,
                    className="mb-1",
                    lang="en" if english else "zh-CN",
                ),
                html.P(
                    " · ".join(f"{k}{colon}{v}" for k, v in facts),
                    className="small text-muted mb-0",
                ),
            ]
        ),
        className="mb-3",
    )
    directory = region_directory()
    targets = data["targets"]
    sentences = (
        html.Ul(
            [
                html.Li(
                    [
                        html.Strong(
                            f"{region_name(directory[e.scope_code], lang)} "
                            + t(lang, f"{e.year}年：", f"{e.year}: ")
                        ),
                        html.A(
                            target_text(
                                e.value, e.unit, e.comparator, e.value_high, e.kind, lang=lang
                            ),
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
                for e in frames.records(targets)
            ]
        )
        if not targets.empty
        else html.P(
            t(lang, "该指标没有规划目标。", "No plan sets a target for this indicator."),
            className="text-muted",
        )
    )
    series = data["observations"]
    series = (
        series[(series.region_code == region) & series.period.str.fullmatch(r"\d{4}")]
        if region
        else series.iloc[0:0]
    )
    scope_targets = targets[(targets.scope_code == region) & ~targets.kind.isin(NOT_JUDGED)]
    # on the chart, targets in the indicator's unit: a 3万亿元 star on an axis of 亿元
    # stands at 30,000, not near 0
    shown = [
        in_unit(e.value, e.unit, e.kind, indicator.unit) for e in frames.records(scope_targets)
    ]
    highs = [
        in_unit(e.value_high, e.unit, e.kind, indicator.unit)[0] if pd.notna(e.value_high) else None
        for e in frames.records(scope_targets)
    ]
    scope_targets = scope_targets.assign(
        value=[v for v, _ in shown],
        label=[
            target_text(v, u, e.comparator, h, e.kind, lang=lang)
            for (v, u), h, e in zip(shown, highs, frames.records(scope_targets), strict=True)
        ],
    )
    decimals = _decimals(indicator, targets, data["observations"])
    snaps = data["snapshots"]
    snaps = snaps[snaps.scope_code == region] if not snaps.empty and region else snaps.iloc[0:0]
    level = scope_targets[scope_targets.kind == "level"]
    chart = dcc.Graph(
        id="ind-chart",
        figure=indicator_chart(
            series.sort_values("period"),
            unit,
            level,
            snaps[snaps.target_id.isin(level.id)] if not snaps.empty else snaps,
            lang,
            decimals,
            _totals(snaps, indicator.unit, lang),
        ),
        config={"displaylogo": False},
    )
    statuses = (
        html.Div(
            [
                html.Span(
                    [
                        t(
                            lang,
                            f"{s.scope_name} {s.target_year}年目标：",
                            f"{region_name(directory[s.scope_code], lang)} {s.target_year} target: ",
                        ),
                        status_badge(s.status, lang, className="ms-1"),
                    ],
                    className="me-4 d-inline-flex align-items-center",
                )
                for s in frames.records(snaps)
            ],
            id="ind-statuses",
        )
        if not snaps.empty
        else None
    )
    ranking = _ranking(data["observations"], directory, unit, decimals, lang)
    table = dag.AgGrid(
        id="ind-table",
        rowData=data["observations"]
        .sort_values(["region_code", "period"])
        .assign(value=lambda f: f.value.astype(float).round(decimals))[[c for c, *_ in TABLE]]
        .to_dict(orient="records"),
        columnDefs=[
            {"field": f, "headerName": t(lang, zh, en), "width": w, "filter": True}
            for f, zh, en, w in TABLE
        ],
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": 20,
            "localeText": grid_locale(lang),
        },
        columnSize="responsiveSizeToFit",  # the five columns fit a phone's width too
        style={"height": "420px"},
    )
    untargeted = scope_targets.empty and snaps.empty
    body = [
        definition,
        html.H3(t(lang, "规划目标与原文", "Targets and the plans' sentences"), className="h6"),
        sentences,
        statuses,
        _trend(indicator, series, lang) if untargeted else None,
        chart,
        ranking,
        html.H3(t(lang, "数据", "Data"), className="h6 mt-3"),
        table,
    ]
    return html.Div(body), share


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


def _ranking(
    observations: pd.DataFrame, directory: Any, unit: str, decimals: int, lang: str
) -> html.Div:
    """重庆's districts and counties with 四川's cities, one year and one data layer
    (indicators.ranking), the heading saying which; never a province among them."""
    result = rank_like_units(observations, like_units(directory))
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
        body = dcc.Graph(id="ind-ranking", figure=ranking_chart(rows, unit, decimals))
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
    return html.Div([html.H3(heading, className="h6 mt-3", id="ind-ranking-title"), body, note])


def _decimals(indicator: Any, targets: pd.DataFrame, observations: pd.DataFrame) -> int:
    """The indicator's decimals (indicators.formatting): by its targets in its own
    unit, else by the typical size of its figures."""
    rows = zip(targets.value, targets.unit, targets.kind, strict=True)
    decimals = indicator_decimals(rows, indicator.unit)
    if decimals is not None:
        return decimals
    if observations.empty:
        return decimals_for(indicator.unit)
    return decimals_for(indicator.unit, float(observations.value.astype(float).abs().median()))


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
    frame = _data(indicator_id, lang)["observations"][[c for c, *_ in TABLE]]
    frame = spreadsheet_safe(frame.rename(columns={c: t(lang, zh, en) for c, zh, en, _ in TABLE}))
    if dash.ctx.triggered_id == Ids.XLSX:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name=indicator_id[:31])
        return dcc.send_bytes(buffer.getvalue(), f"{indicator_id}.xlsx")
    return {"content": "\ufeff" + frame.to_csv(index=False), "filename": f"{indicator_id}.csv"}
