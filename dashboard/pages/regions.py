"""地区: the regions of the circle and the groupings plans set targets for."""

from __future__ import annotations

from enum import StrEnum

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard.components.grid import grid
from dashboard.components.header import Ids as HeaderIds
from dashboard.context import plan_titles, region_directory
from dashboard.i18n import dropdown_labels, href, lang_of, region_name, t
from dashboard.maps import IN_CIRCLE_NAMES_EN, IN_CIRCLE_STYLE, MAP_GRAPH_CONFIG, region_map
from indicators.regions import LEVEL_NAMES_EN, LEVEL_NAMES_ZH, Region, RegionDirectory

dash.register_page(__name__, path="/regions", name="区划", title="区划 · 成渝监测平台", order=6)


class Ids(StrEnum):
    GROUPING = "regions-grouping"
    MAP = "regions-map"
    DETAIL = "regions-grouping-detail"
    SHARE = "regions-share-link"
    TABLE = "regions-table"


def _summary(directory: RegionDirectory, lang: str) -> dbc.Row:
    circle = directory.leaf_members("ccec") if "ccec" in directory.regions else []
    units = [r for r in directory if not r.is_grouping and r.level != "province"]
    figures = [
        (
            t(lang, "规划范围内区县（市）", "Units in the circle"),
            sum(not m.partial for m in circle),
        ),
        (t(lang, "部分纳入", "Partly in the circle"), sum(m.partial for m in circle)),
        (t(lang, "区域组合", "Groupings"), sum(r.is_grouping for r in directory)),
        (t(lang, "规划范围外单元", "Units outside"), sum(r.in_circle == "outside" for r in units)),
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


def _table_rows(directory: RegionDirectory, lang: str) -> list[dict[str, object]]:
    def name(code: str | None) -> str:
        return region_name(directory[code], lang) if code else ""

    levels = LEVEL_NAMES_EN if lang == "en" else LEVEL_NAMES_ZH
    partial = t(lang, "（部分）", " (part)")

    return [
        {
            "code": r.code,
            "name_zh": r.name_zh,
            "name_en": r.name_en,
            "level": levels.get(r.level, r.level),
            "parent": name(r.parent),
            "in_circle": IN_CIRCLE_NAMES_EN[r.in_circle]
            if lang == "en"
            else IN_CIRCLE_STYLE[r.in_circle][0],
            "partial_note": r.partial_note or "",
            "members": t(lang, "、", ", ").join(
                name(m.code) + (partial if m.partial else "") for m in r.members
            ),
            "aliases": "、".join(r.aliases),
        }
        for r in sorted(directory, key=lambda r: (r.is_grouping, r.code))
    ]


COLUMNS = [
    ("code", "代码", "Code", 110),
    ("name_zh", "名称", "Chinese name", 150),
    ("name_en", "英文名", "English name", 160),
    ("level", "层级", "Level", 100),
    ("parent", "上级", "Parent", 100),
    ("in_circle", "纳入情况", "In the circle", 150),
    ("partial_note", "说明", "Note (Chinese)", 200),
    ("members", "成员", "Members", 320),
    ("aliases", "别名", "Aliases", 160),
]


def _grouping_detail(directory: RegionDirectory, region: Region | None, lang: str) -> html.Div:
    if region is None:
        return html.Div(
            t(
                lang,
                "选择一个区域组合，在地图上查看其范围及界定范围的规划原文。",
                "Choose a grouping to see its extent on the map and the plan sentence that defines it.",
            ),
            className="text-muted",
        )
    partial = t(lang, "（部分）", " (part)")
    members = [
        region_name(directory[m.code], lang) + (partial if m.partial else "")
        for m in region.members
    ]
    children: list[object] = [
        html.H5(f"{region.name_zh}（{region.name_en}）"),
        html.P([html.Strong(t(lang, "成员：", "Members: ")), t(lang, "、", ", ").join(members)]),
        html.A(
            t(lang, "该区域的目标进展 →", "Targets of this grouping →"),
            href=href("/region", lang, code=region.code),
            className="d-block mb-2",
        ),
    ]
    if region.source:
        children.append(
            html.Blockquote(
                [
                    html.P(region.source.quote, className="mb-1"),
                    html.Footer(
                        t(
                            lang,
                            f"《{plan_titles().get(region.source.plan, region.source.plan)}》，原文第 {region.source.line} 行",
                            f"《{plan_titles().get(region.source.plan, region.source.plan)}》, line {region.source.line}",
                        ),
                        className="blockquote-footer mt-1",
                    ),
                ],
                className="blockquote fs-6 border-start border-4 ps-3",
                lang="zh-CN",
            )
        )
    return html.Div(children)


def layout(grouping: str | None = None, lang: str | None = None, **_query: str) -> html.Div:
    lang = lang_of(lang)
    directory = region_directory()
    groupings = sorted((r for r in directory if r.is_grouping), key=lambda r: r.code)
    selected = directory.regions.get(grouping or "")
    highlight = {m.code for m in directory.leaf_members(selected.code)} if selected else None
    return html.Div(
        [
            html.H2(t(lang, "地区与区域组合", "Areas and groupings"), className="h3"),
            html.P(
                t(
                    lang,
                    "成渝地区双城经济圈规划范围内的区县和城市，以及各规划设定目标所针对的区域组合。"
                    "地图边界随系统发布，不从外部加载。",
                    "The districts, counties and cities of the circle, and the groupings the plans set "
                    "targets for. The map's boundaries ship with the monitor; nothing is loaded from outside.",
                ),
                className="text-muted",
            ),
            _summary(directory, lang),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Graph(
                            id=Ids.MAP,
                            figure=region_map(directory, highlight, lang),
                            config=MAP_GRAPH_CONFIG,
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        [
                            dbc.Label(t(lang, "区域组合", "Grouping"), html_for=Ids.GROUPING),
                            dcc.Dropdown(
                                id=Ids.GROUPING,
                                options=[
                                    {"label": region_name(g, lang), "value": g.code}
                                    for g in groupings
                                ],
                                value=selected.code if selected else None,
                                placeholder=t(lang, "选择区域组合…", "Choose a grouping…"),
                                labels=dropdown_labels(lang),
                            ),
                            html.Div(
                                _grouping_detail(directory, selected, lang),
                                id=Ids.DETAIL,
                                className="mt-3",
                            ),
                            html.A(
                                t(lang, "本视图链接", "Link to this view"),
                                id=Ids.SHARE,
                                href=_share_href(grouping, lang),
                                className="small",
                            ),
                        ],
                        lg=5,
                    ),
                ],
                className="mb-3",
            ),
            html.H3(t(lang, "地区一览", "All areas"), className="h5"),
            grid(
                Ids.TABLE,
                COLUMNS,
                lang,
                rows=_table_rows(directory, lang),
                height=640,
                page_size=20,
            ),
        ]
    )


def _share_href(grouping: str | None, lang: str) -> str:
    return href("/regions", lang, grouping=grouping)


@callback(
    Output(Ids.MAP, "figure"),
    Output(Ids.DETAIL, "children"),
    Output(Ids.SHARE, "href"),
    Input(Ids.GROUPING, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def show_grouping(code: str | None, search: str | None) -> tuple[object, html.Div, str]:
    lang = lang_of(search)
    directory = region_directory()
    selected = directory.regions.get(code or "")
    highlight = {m.code for m in directory.leaf_members(code)} if selected else None
    return (
        region_map(directory, highlight, lang),
        _grouping_detail(directory, selected, lang),
        _share_href(code, lang),
    )
