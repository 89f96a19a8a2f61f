"""总览: the landing page. Until progress assessment lands, it says what the
monitor holds and where to go."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.context import region_directory, session_factory
from db.catalogue import targets_frame
from db.observations import LAYER_NAMES_ZH
from db.progress import snapshots_frame
from indicators.progress import STATUS_ORDER, STATUS_ZH

dash.register_page(
    __name__, path="/", name="总览", title="成渝地区双城经济圈规划目标监测平台", order=0
)


def _card(label: str, value: int, href: str) -> dbc.Col:
    return dbc.Col(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(label, className="text-muted"),
                    html.A(str(value), href=href, className="fs-2 fw-bold"),
                ]
            )
        ),
        md=3,
        xs=6,
        className="mb-2",
    )


def _progress_summary() -> html.Div:
    with session_factory()() as session:
        snapshots = snapshots_frame(session)
    if snapshots.empty:
        return html.Div("尚无进展评估结果：数据报送后将自动评估。", className="text-muted mb-3")
    # met (final) and achieved (early) are both 已实现 to a reader: one badge
    counts = snapshots.status.map(STATUS_ZH).value_counts()
    words = list(dict.fromkeys(STATUS_ZH[s] for s in STATUS_ORDER))
    layers = sorted({LAYER_NAMES_ZH.get(x, x) for x in snapshots.layer.dropna()})
    return html.Div(
        [
            html.H3(f"目标进展（截至 {int(snapshots.as_of.iloc[0])} 年）", className="h5"),
            html.Div(
                [
                    html.Span(
                        f"{word} {int(counts.get(word, 0))}",
                        className="badge text-bg-light border me-2 fs-6",
                    )
                    for word in words
                    if counts.get(word, 0)
                ],
                className="mb-1",
            ),
            html.Div(
                [
                    f"数据来源：{'、'.join(layers) or '无'}。",
                    html.A("评估方法", href="/methodology"),
                ],
                className="small text-muted mb-3",
            ),
        ]
    )


def layout(**_query: str) -> html.Div:
    directory = region_directory()
    groupings = sum(r.is_grouping for r in directory)
    with session_factory()() as session:
        frame = targets_frame(session)
    targets = int((frame.kind != "baseline").sum()) if not frame.empty else 0
    plans = frame.plan_id.nunique() if not frame.empty else 0
    return html.Div(
        [
            html.H2("成渝地区双城经济圈规划目标监测平台", className="h3"),
            html.P(
                "跟踪《成渝地区双城经济圈建设规划纲要》及相关规划设定的量化目标："
                "目标库、统计数据报送与审核、进展评估。",
                className="lead",
            ),
            dbc.Row(
                [
                    _card("含量化目标或基期值的规划", plans, "/targets"),
                    _card("量化目标", targets, "/targets"),
                    _card(
                        "核心指标目标",
                        int(frame.headline[frame.kind != "baseline"].sum())
                        if not frame.empty
                        else 0,
                        "/targets?headline=1",
                    ),
                    _card("地区与区域组合", len(directory), "/regions"),
                ]
            ),
            _progress_summary(),
            dbc.Alert(
                [
                    f"已载入 {len(directory) - groupings} 个行政区划单元和 {groupings} 个区域组合。",
                    html.A("查看地区与区域组合 →", href="/regions", className="alert-link ms-2"),
                ],
                color="info",
            ),
        ]
    )
