"""指标: one indicator — definition, the plan sentences of its targets, the series of a
region with targets, required paths and projection, a ranking, the data, downloads."""

from __future__ import annotations

import io
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard.components.locale import DROPDOWN_LABELS_ZH, GRID_LOCALE_ZH
from dashboard.context import region_directory, session_factory
from dashboard.figures import indicator_chart, ranking_chart
from db.catalogue import indicators_frame, targets_frame
from db.observations import LAYER_NAMES_ZH, current_observations
from db.progress import snapshots_frame
from indicators.catalogue import AGGREGATION_ZH, DIRECTION_ZH, FREQUENCY_ZH, PILLARS
from indicators.formatting import target_text
from indicators.progress import STATUS_ZH

dash.register_page(__name__, path="/indicator", name="指标", title="指标 · 成渝监测平台", order=3)

TABLE = [
    ("region", "地区", 150),
    ("period", "期间", 100),
    ("value", "数值", 120),
    ("unit", "单位", 80),
    ("layer_zh", "数据层", 100),
]


class Ids(StrEnum):
    INDICATOR = "ind-indicator"
    REGION = "ind-region"
    BODY = "ind-body"
    SHARE = "ind-share"
    CSV = "ind-download-csv"
    XLSX = "ind-download-xlsx"
    DOWNLOAD = "ind-download"


def _options() -> list[dict[str, str]]:
    """Indicators that have targets, headline ones first."""
    with session_factory()() as session:
        targets = targets_frame(session)
        indicators = indicators_frame(session)
    with_targets = indicators[indicators.id.isin(targets.indicator_id)]
    ordered = with_targets.sort_values(["headline", "id"], ascending=[False, True])
    return [{"label": f"{r.name_zh}（{r.unit}）", "value": r.id} for r in ordered.itertuples()]


def layout(id: str = "gdp", region: str | None = None, **_query: str) -> html.Div:  # noqa: A002
    options = _options()
    region_options, chosen = _regions(id, region)
    return html.Div(
        [
            html.H2("指标", className="h3"),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.INDICATOR,
                            options=options,
                            value=id,
                            clearable=False,
                            labels=DROPDOWN_LABELS_ZH,
                        ),
                        md=6,
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.REGION,
                            options=region_options,
                            value=chosen,
                            placeholder="选择地区…",
                            labels=DROPDOWN_LABELS_ZH,
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        html.A("本视图链接", id=Ids.SHARE, className="small"),
                        md=2,
                        className="pt-2",
                    ),
                ],
                className="g-2 mb-3",
            ),
            dcc.Loading(html.Div(id=Ids.BODY), type="dot"),
            dbc.ButtonGroup(
                [
                    dbc.Button("下载数据（CSV）", id=Ids.CSV, color="secondary", outline=True),
                    dbc.Button("下载数据（Excel）", id=Ids.XLSX, color="secondary", outline=True),
                ],
                className="mt-3",
            ),
            dcc.Download(id=Ids.DOWNLOAD),
        ]
    )


def _data(indicator_id: str) -> dict[str, Any]:
    with session_factory()() as session:
        indicators = indicators_frame(session).set_index("id")
        targets = targets_frame(session)
        observations = current_observations(session, indicator_id)
        snapshots = snapshots_frame(session)
    directory = region_directory()
    observations["region"] = observations.region_code.map(
        lambda c: directory.regions[c].name_zh if c in directory.regions else c
    )
    observations["layer_zh"] = observations.layer.map(LAYER_NAMES_ZH)
    return {
        "indicator": indicators.loc[indicator_id],
        "targets": targets[targets.indicator_id == indicator_id],
        "observations": observations,
        "snapshots": snapshots[snapshots.indicator_id == indicator_id]
        if not snapshots.empty
        else snapshots,
    }


def _regions(indicator_id: str, current: str | None) -> tuple[list[dict[str, str]], str | None]:
    """Regions with targets or data for the indicator; the current one kept if it has."""
    data = _data(indicator_id)
    codes = list(dict.fromkeys([*data["targets"].scope_code, *data["observations"].region_code]))
    directory = region_directory()
    options = [
        {"label": directory.regions[c].name_zh, "value": c} for c in codes if c in directory.regions
    ]
    return options, (current if current in codes else (codes[0] if codes else None))


@callback(
    Output(Ids.REGION, "options"),
    Output(Ids.REGION, "value"),
    Input(Ids.INDICATOR, "value"),
    State(Ids.REGION, "value"),
    prevent_initial_call=True,
)
def regions_for(indicator_id: str, current: str | None) -> tuple[list[dict[str, str]], str | None]:
    return _regions(indicator_id, current)


@callback(
    Output(Ids.BODY, "children"),
    Output(Ids.SHARE, "href"),
    Input(Ids.INDICATOR, "value"),
    Input(Ids.REGION, "value"),
)
def show(indicator_id: str, region: str | None) -> tuple[Any, str]:
    data = _data(indicator_id)
    indicator = data["indicator"]
    share = "/indicator?" + urlencode(
        {"id": indicator_id, **({"region": region} if region else {})}
    )
    definition = dbc.Card(
        dbc.CardBody(
            [
                html.H3(f"{indicator.name_zh}（{indicator.unit}）", className="h5"),
                html.P(indicator.definition or "", className="mb-1"),
                html.P(
                    f"领域：{PILLARS.get(indicator.pillar, indicator.pillar)} · "
                    f"方向：{DIRECTION_ZH.get(indicator.direction)} · "
                    f"频率：{FREQUENCY_ZH.get(indicator.frequency)} · "
                    f"区域汇总：{AGGREGATION_ZH.get(indicator.aggregation)} · 来源：{indicator.source}",
                    className="small text-muted mb-0",
                ),
            ]
        ),
        className="mb-3",
    )
    targets = data["targets"]
    sentences = (
        html.Ul(
            [
                html.Li(
                    [
                        html.Strong(f"{t.scope_name} {t.year}年："),
                        target_text(t.value, t.unit, t.comparator, t.value_high, t.kind),
                        "　",
                        html.A(f"“{t.quote}”", href=f"/targets?{urlencode({'q': t.quote[:12]})}"),
                        html.Span(
                            f"（《{t.plan_title}》 第 {t.seed_line} 行）",
                            className="small text-muted",
                        ),
                    ]
                )
                for t in targets.itertuples()
            ]
        )
        if not targets.empty
        else html.P("该指标没有规划目标。", className="text-muted")
    )
    series = data["observations"]
    series = (
        series[(series.region_code == region) & series.period.str.fullmatch(r"\d{4}")]
        if region
        else series.iloc[0:0]
    )
    scope_targets = targets[(targets.scope_code == region) & (targets.kind != "baseline")]
    scope_targets = scope_targets.assign(
        label=[
            target_text(t.value, t.unit, t.comparator, t.value_high, t.kind)
            for t in scope_targets.itertuples()
        ]
    )
    snaps = data["snapshots"]
    snaps = snaps[snaps.scope_code == region] if not snaps.empty and region else snaps.iloc[0:0]
    level = scope_targets[scope_targets.kind == "level"]
    chart = dcc.Graph(
        id="ind-chart",
        figure=indicator_chart(
            series.sort_values("period"),
            indicator.unit,
            level,
            snaps[snaps.target_id.isin(level.id)] if not snaps.empty else snaps,
        ),
        config={"displaylogo": False},
    )
    statuses = (
        html.Div(
            [
                html.Span(
                    f"{s.scope_name} {s.target_year}年目标：{STATUS_ZH[s.status]}",
                    className="badge text-bg-light border me-2",
                )
                for s in snaps.itertuples()
            ]
        )
        if not snaps.empty
        else None
    )
    latest = data["observations"]
    latest = latest[latest.period.str.fullmatch(r"\d{4}")]
    units = {r.code for r in region_directory() if not r.is_grouping}
    latest = (
        latest[latest.region_code.isin(units)]
        .sort_values("period")
        .groupby("region_code")
        .tail(1)
        .rename(columns={"region": "name"})
    )
    ranking = (
        dcc.Graph(figure=ranking_chart(latest, indicator.unit))
        if len(latest) > 1
        else html.P("地区数据不足，暂无排名。", className="text-muted")
    )
    table = dag.AgGrid(
        rowData=data["observations"]
        .sort_values(["region_code", "period"])[[c for c, _, _ in TABLE]]
        .to_dict(orient="records"),
        columnDefs=[{"field": f, "headerName": h, "width": w, "filter": True} for f, h, w in TABLE],
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": 20,
            "localeText": GRID_LOCALE_ZH,
        },
        style={"height": "420px"},
    )
    body = [
        definition,
        html.H3("规划目标与原文", className="h6"),
        sentences,
        statuses,
        chart,
        html.H3("地区排名（最新年度）", className="h6 mt-3"),
        ranking,
        html.H3("数据", className="h6 mt-3"),
        table,
    ]
    return html.Div(body), share


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Input(Ids.CSV, "n_clicks"),
    Input(Ids.XLSX, "n_clicks"),
    State(Ids.INDICATOR, "value"),
    prevent_initial_call=True,
)
def download(_csv: int | None, _xlsx: int | None, indicator_id: str) -> Any:
    frame = _data(indicator_id)["observations"][[c for c, _, _ in TABLE]]
    frame = frame.rename(columns={c: h for c, h, _ in TABLE})
    if dash.ctx.triggered_id == Ids.XLSX:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name=indicator_id[:31])
        return dcc.send_bytes(buffer.getvalue(), f"{indicator_id}.xlsx")
    return {"content": "\ufeff" + frame.to_csv(index=False), "filename": f"{indicator_id}.csv"}
