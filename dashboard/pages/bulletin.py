"""公报读取: the joint office uploads a statistics bulletin, an 经济运行情况 release or a
government work report (.txt / .html) and sees the figures the reader proposes — indicator,
region, period, value, growth — each with its sentence; it downloads them as entries of the
published layer (config/published/figures.yaml) to confirm one by one. Nothing is stored.

For reviewers and administrators: the server checks the role on the page and on both
callbacks, whatever the browser sends.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard.auth import current_account
from dashboard.components.header import Ids as HeaderIds
from dashboard.context import region_directory, settings
from dashboard.data import catalogue
from dashboard.i18n import dropdown_labels, grid_locale, lang_of, region_name, t
from dashboard.security import text_value
from dashboard.uploads import UploadError, decode_upload
from indicators.access import can_review
from indicators.bulletin import Proposal
from indicators.regions import RegionError
from loaders.bulletin import (
    GRADES,
    BulletinFileError,
    entries_yaml,
    indicator_names,
    propose_from,
    published_entries,
    read_bytes,
)
from loaders.intake import safe_filename
from loaders.published import VINTAGE_ORDER

dash.register_page(__name__, path="/bulletin", name="公报读取", title="公报读取 · 成渝监测平台")

COLUMNS = [
    ("indicator_name", "指标", "Indicator", 200),
    ("indicator", "指标代码", "Id", 150),
    ("region", "地区", "Region", 90),
    ("period", "期间", "Period", 100),
    ("value", "数值", "Value", 110),
    ("unit", "单位", "Unit", 70),
    ("comparator", "口径", "Bound", 80),
    ("growth", "增速(%)", "Growth (%)", 90),
    ("wording", "原文", "Sentence", 520),
]
COMPARATOR_ZH = {"equal": "", "at_least": "下限", "about": "约数", "at_most": "上限"}


class Ids(StrEnum):
    UPLOAD = "bulletin-file"
    REGION = "bulletin-region"
    PUBLISHER = "bulletin-publisher"
    URL = "bulletin-url"
    VINTAGE = "bulletin-vintage"
    GRADE = "bulletin-grade"
    SUMMARY = "bulletin-summary"
    GRID = "bulletin-proposals"
    DOWNLOAD_BUTTON = "bulletin-download-button"
    DOWNLOAD = "bulletin-download"
    DOWNLOAD_ERROR = "bulletin-download-error"


def _denied(lang: str) -> dbc.Alert:
    return dbc.Alert(
        t(
            lang,
            "公报读取仅限联合办公室的审核员和管理员。",
            "The bulletin reader is for the joint office's reviewers.",
        ),
        color="warning",
        id="bulletin-denied",
    )


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = lang_of(lang)
    if not can_review(current_account()):
        return _denied(lang)
    limit = settings().max_upload_bytes
    regions = sorted(region_directory(), key=lambda r: (r.is_grouping, r.code))
    return html.Div(
        [
            html.H2(t(lang, "公报读取", "Bulletin reader"), className="h3"),
            html.P(
                t(
                    lang,
                    "上传统计公报、经济运行情况或政府工作报告（.txt、.html），逐句找出目标库指标的数字，"
                    "连同原文列出；核对后可下载为公开数据层（config/published/figures.yaml）的条目。"
                    "本页不写入数据库。",
                    "Upload a statistical bulletin, an economic release or a government work report "
                    "(.txt, .html): the catalogue's figures are listed with their sentences, and "
                    "can be downloaded as entries of the published layer to confirm. Nothing is stored.",
                ),
                className="text-muted",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.REGION,
                            options=[
                                {"label": region_name(r, lang), "value": r.code} for r in regions
                            ],
                            placeholder=t(
                                lang, "地区（默认从标题识别）", "Region (from the title)"
                            ),
                            labels=dropdown_labels(lang),
                        ),
                        md=3,
                    ),
                    dbc.Col(
                        dbc.Input(
                            id=Ids.PUBLISHER,
                            placeholder=t(lang, "发布者，如 重庆市统计局", "Publisher"),
                        ),
                        md=3,
                    ),
                    dbc.Col(dbc.Input(id=Ids.URL, placeholder=t(lang, "原文网址", "URL")), md=3),
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.VINTAGE,
                            options=list(VINTAGE_ORDER),
                            value="initial",
                            clearable=False,
                        ),
                        md=2,
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.GRADE, options=list(GRADES), value="B", clearable=False
                        ),
                        md=1,
                    ),
                ],
                className="mb-2 g-2",
            ),
            dcc.Upload(
                id=Ids.UPLOAD,
                children=html.Div(
                    [
                        t(lang, "将公报文件拖到此处，或", "Drop a bulletin here, or "),
                        html.A(t(lang, "点击选择文件", "choose a file")),
                        t(
                            lang,
                            f"（.txt、.md、.html，不超过 {limit / 1024 / 1024:g} MB）",
                            f" (.txt, .md, .html, at most {limit / 1024 / 1024:g} MB)",
                        ),
                    ]
                ),
                max_size=limit,
                className="border border-2 rounded p-4 text-center bg-light mb-3",
                style={"borderStyle": "dashed"},
            ),
            dcc.Loading(html.Div(id=Ids.SUMMARY), type="dot"),
            dag.AgGrid(
                id=Ids.GRID,
                rowData=[],
                columnDefs=[
                    {
                        "field": f,
                        "headerName": t(lang, zh, en),
                        "width": w,
                        "filter": True,
                        "wrapText": f == "wording",
                        "autoHeight": f == "wording",
                    }
                    for f, zh, en, w in COLUMNS
                ],
                defaultColDef={"sortable": True, "resizable": True},
                dashGridOptions={"localeText": grid_locale(lang)},
                style={"height": "480px"},
            ),
            dbc.Button(
                t(lang, "下载为公开数据条目（YAML）", "Download as published-layer entries (YAML)"),
                id=Ids.DOWNLOAD_BUTTON,
                color="secondary",
                className="mt-2",
            ),
            html.Div(id=Ids.DOWNLOAD_ERROR, className="mt-2"),
            dcc.Download(id=Ids.DOWNLOAD),
        ]
    )


def _read(contents: Any, filename: Any, region: Any) -> tuple[str, str | None, list[Proposal]]:
    """The file's shown name, its region and its proposals; raises BulletinFileError or
    UploadError with a Chinese message."""
    if not isinstance(contents, str) or not isinstance(filename, str):
        raise BulletinFileError("请先选择公报文件")
    name = safe_filename(filename)
    text = read_bytes(name, decode_upload(contents))
    chosen = text_value(region, "地区") or None
    found, proposals = propose_from(
        text, chosen, directory=region_directory(), catalogue=catalogue()
    )
    return name, found, proposals


def _rows(proposals: list[Proposal]) -> list[dict[str, Any]]:
    names = indicator_names(catalogue())
    return [
        {
            "indicator_name": names.get(p.indicator, p.indicator),
            "indicator": p.indicator,
            "region": p.region or "？",
            "period": p.period,
            "value": p.value,
            "unit": p.unit,
            "comparator": COMPARATOR_ZH.get(p.comparator, p.comparator),
            "growth": p.growth,
            "wording": p.wording,
        }
        for p in proposals
    ]


@callback(
    Output(Ids.SUMMARY, "children"),
    Output(Ids.GRID, "rowData"),
    Input(Ids.UPLOAD, "contents"),
    State(Ids.UPLOAD, "filename"),
    State(Ids.REGION, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def read_upload(contents: Any, filename: Any, region: Any, search: str | None) -> tuple[Any, ...]:
    lang = lang_of(search)
    if not can_review(current_account()):
        return _denied(lang), []
    try:
        name, found, proposals = _read(contents, filename, region)
    except (BulletinFileError, UploadError, RegionError) as error:
        return dbc.Alert(str(error), color="danger", id="bulletin-error"), []
    if not proposals:
        return (
            dbc.Alert(
                t(
                    lang,
                    f"{name}：未找到可识别的指标数据",
                    f"{name}: no figure of the catalogue found",
                ),
                color="warning",
                id="bulletin-error",
            ),
            [],
        )
    where = region_name(region_directory()[found], lang) if found else t(lang, "未识别", "unknown")
    text = t(
        lang,
        f"{name}：地区 {where}，{len(proposals)} 条候选数据，请对照原文逐条核对。",
        f"{name}: region {where}, {len(proposals)} proposed figures; check each against its sentence.",
    )
    return dbc.Alert(text, color="info", id="bulletin-result"), _rows(proposals)


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Output(Ids.DOWNLOAD_ERROR, "children"),
    Input(Ids.DOWNLOAD_BUTTON, "n_clicks"),
    State(Ids.UPLOAD, "contents"),
    State(Ids.UPLOAD, "filename"),
    State(Ids.REGION, "value"),
    State(Ids.PUBLISHER, "value"),
    State(Ids.URL, "value"),
    State(Ids.VINTAGE, "value"),
    State(Ids.GRADE, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def download_entries(
    _clicks: int | None,
    contents: Any,
    filename: Any,
    region: Any,
    publisher: Any,
    url: Any,
    vintage: Any,
    grade: Any,
    search: str | None,
) -> tuple[Any, ...]:
    """The proposals as figures.yaml entries, read again from the file on the server."""
    lang = lang_of(search)
    if not can_review(current_account()):
        return None, _denied(lang)
    try:
        name, _, proposals = _read(contents, filename, region)
        entries = published_entries(
            proposals,
            text_value(publisher, "发布者") or "",
            text_value(url, "网址"),
            str(vintage),
            str(grade),
        )
    except (BulletinFileError, UploadError, RegionError) as error:
        return None, dbc.Alert(str(error), color="danger", id="bulletin-error")
    content = entries_yaml(entries, name)
    return {"content": content, "filename": f"{Path(name).stem}-公开数据候选.yaml"}, None
