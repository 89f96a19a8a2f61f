"""地区: the regions of the circle and the groupings plans set targets for."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlencode

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboard.components.locale import DROPDOWN_LABELS_ZH, GRID_LOCALE_ZH
from dashboard.context import plan_titles, region_directory
from dashboard.maps import IN_CIRCLE_STYLE, MAP_GRAPH_CONFIG, region_map
from indicators.regions import LEVEL_NAMES_ZH, Region, RegionDirectory

dash.register_page(__name__, path="/regions", name="地区", title="地区 · 成渝监测平台", order=1)


class Ids(StrEnum):
    GROUPING = "regions-grouping"
    MAP = "regions-map"
    DETAIL = "regions-grouping-detail"
    SHARE = "regions-share-link"
    TABLE = "regions-table"


def _summary(directory: RegionDirectory) -> dbc.Row:
    circle = directory.leaf_members("ccec") if "ccec" in directory.regions else []
    units = [r for r in directory if not r.is_grouping and r.level != "province"]
    figures = [
        ("规划范围内区县（市）", sum(not m.partial for m in circle)),
        ("部分纳入", sum(m.partial for m in circle)),
        ("区域组合", sum(r.is_grouping for r in directory)),
        ("规划范围外单元", sum(r.in_circle == "outside" for r in units)),
    ]
    return dbc.Row(
        [
            dbc.Col(
                dbc.Card(
                    dbc.CardBody(
                        [
                            html.Div(label, className="text-muted"),
                            html.Div(str(n), className="fs-2 fw-bold"),
                        ]
                    )
                ),
                md=3,
                xs=6,
                className="mb-2",
            )
            for label, n in figures
        ]
    )


def _table_rows(directory: RegionDirectory) -> list[dict[str, object]]:
    def name(code: str | None) -> str:
        return directory[code].name_zh if code else ""

    return [
        {
            "code": r.code,
            "name_zh": r.name_zh,
            "name_en": r.name_en,
            "level": LEVEL_NAMES_ZH.get(r.level, r.level),
            "parent": name(r.parent),
            "in_circle": IN_CIRCLE_STYLE[r.in_circle][0],
            "partial_note": r.partial_note or "",
            "members": "、".join(
                name(m.code) + ("（部分）" if m.partial else "") for m in r.members
            ),
            "aliases": "、".join(r.aliases),
        }
        for r in sorted(directory, key=lambda r: (r.is_grouping, r.code))
    ]


COLUMNS = [
    ("code", "代码", 110),
    ("name_zh", "名称", 150),
    ("name_en", "英文名", 160),
    ("level", "层级", 100),
    ("parent", "上级", 100),
    ("in_circle", "纳入情况", 150),
    ("partial_note", "说明", 200),
    ("members", "成员", 320),
    ("aliases", "别名", 160),
]


def _grouping_detail(directory: RegionDirectory, region: Region | None) -> html.Div:
    if region is None:
        return html.Div(
            "选择一个区域组合，在地图上查看其范围及界定范围的规划原文。", className="text-muted"
        )
    members = [
        directory[m.code].name_zh + ("（部分）" if m.partial else "") for m in region.members
    ]
    children: list[object] = [
        html.H5(f"{region.name_zh}（{region.name_en}）"),
        html.P([html.Strong("成员："), "、".join(members)]),
    ]
    if region.source:
        children.append(
            html.Blockquote(
                [
                    html.P(region.source.quote, className="mb-1"),
                    html.Footer(
                        f"《{plan_titles().get(region.source.plan, region.source.plan)}》，原文第 {region.source.line} 行",
                        className="blockquote-footer mt-1",
                    ),
                ],
                className="blockquote fs-6 border-start border-4 ps-3",
            )
        )
    return html.Div(children)


def layout(grouping: str | None = None, **_query: str) -> html.Div:
    directory = region_directory()
    groupings = sorted((r for r in directory if r.is_grouping), key=lambda r: r.code)
    selected = directory.regions.get(grouping or "")
    highlight = {m.code for m in directory.leaf_members(selected.code)} if selected else None
    return html.Div(
        [
            html.H2("地区与区域组合", className="h3"),
            html.P(
                "成渝地区双城经济圈规划范围内的区县和城市，以及各规划设定目标所针对的区域组合。"
                "地图边界随系统发布，不从外部加载。",
                className="text-muted",
            ),
            _summary(directory),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Graph(
                            id=Ids.MAP,
                            figure=region_map(directory, highlight),
                            config=MAP_GRAPH_CONFIG,
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("区域组合", html_for=Ids.GROUPING),
                            dcc.Dropdown(
                                id=Ids.GROUPING,
                                options=[{"label": g.name_zh, "value": g.code} for g in groupings],
                                value=selected.code if selected else None,
                                placeholder="选择区域组合…",
                                labels=DROPDOWN_LABELS_ZH,
                            ),
                            html.Div(
                                _grouping_detail(directory, selected),
                                id=Ids.DETAIL,
                                className="mt-3",
                            ),
                            html.A(
                                "本视图链接",
                                id=Ids.SHARE,
                                href=_share_href(grouping),
                                className="small",
                            ),
                        ],
                        lg=5,
                    ),
                ],
                className="mb-3",
            ),
            html.H3("地区一览", className="h5"),
            dag.AgGrid(
                id=Ids.TABLE,
                rowData=_table_rows(directory),
                columnDefs=[
                    {"field": f, "headerName": h, "width": w, "filter": True} for f, h, w in COLUMNS
                ],
                defaultColDef={"sortable": True, "resizable": True},
                dashGridOptions={
                    "pagination": True,
                    "paginationPageSize": 20,
                    "localeText": GRID_LOCALE_ZH,
                },
                style={"height": "640px"},
            ),
        ]
    )


def _share_href(grouping: str | None) -> str:
    return "/regions" + (f"?{urlencode({'grouping': grouping})}" if grouping else "")


@callback(
    Output(Ids.MAP, "figure"),
    Output(Ids.DETAIL, "children"),
    Output(Ids.SHARE, "href"),
    Input(Ids.GROUPING, "value"),
    prevent_initial_call=True,
)
def show_grouping(code: str | None) -> tuple[object, html.Div, str]:
    directory = region_directory()
    selected = directory.regions.get(code or "")
    highlight = {m.code for m in directory.leaf_members(code)} if selected else None
    return (
        region_map(directory, highlight),
        _grouping_detail(directory, selected),
        _share_href(code),
    )
