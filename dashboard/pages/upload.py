"""数据校验: check a statistics file before sending it — nothing is stored.

Statisticians drop a file (template, wide table, portal export, yearbook
table) and see at once every problem with its row and column, in Chinese, and
can download the report. Templates pre-filled for a region and period are
offered here too.
"""

from __future__ import annotations

import base64
import io
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard.components.locale import DROPDOWN_LABELS_ZH, GRID_LOCALE_ZH
from dashboard.context import region_directory, session_factory
from loaders.intake import check

dash.register_page(
    __name__, path="/upload", name="数据校验", title="数据校验 · 成渝监测平台", order=5
)

LAYOUT_ZH = {
    "template": "本平台模板",
    "wide_regions": "宽表（地区为行）",
    "wide_indicators": "宽表（指标为行）",
    "nbs": "国家数据网站导出表",
    "yearbook": "统计年鉴表",
}
COLUMNS = [
    ("level", "级别", 80),
    ("sheet", "工作表", 100),
    ("row", "行", 70),
    ("column", "列", 70),
    ("value", "原值", 140),
    ("message", "问题", 520),
]


class Ids(StrEnum):
    UPLOAD = "upload-file"
    SUMMARY = "upload-summary"
    GRID = "upload-problems"
    DOWNLOAD_BUTTON = "upload-download-button"
    DOWNLOAD = "upload-download"
    REPORT = "upload-report"
    REGION = "upload-template-region"
    PERIOD = "upload-template-period"
    TEMPLATE_LINKS = "upload-template-links"


def layout(**_query: str) -> html.Div:
    units = sorted((r for r in region_directory() if not r.is_grouping), key=lambda r: r.code)
    return html.Div(
        [
            html.H2("数据校验", className="h3"),
            html.P(
                "上传统计数据文件，立即逐行检查地区、指标、期间、数值和单位。本页只做校验，"
                "不写入数据库；正式报送请通过接口（POST /api/v1/submissions）或投放目录。",
                className="text-muted",
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H3("下载预填模板", className="h6"),
                        dbc.Row(
                            [
                                dbc.Col(
                                    dcc.Dropdown(
                                        id=Ids.REGION,
                                        options=[
                                            {"label": r.name_zh, "value": r.code} for r in units
                                        ],
                                        placeholder="选择地区…",
                                        labels=DROPDOWN_LABELS_ZH,
                                    ),
                                    md=4,
                                ),
                                dbc.Col(
                                    dbc.Input(
                                        id=Ids.PERIOD, value="2025年", placeholder="期间，如 2025年"
                                    ),
                                    md=3,
                                ),
                                dbc.Col(html.Div(id=Ids.TEMPLATE_LINKS, className="pt-2"), md=5),
                            ]
                        ),
                    ]
                ),
                className="mb-3",
            ),
            dcc.Upload(
                id=Ids.UPLOAD,
                children=html.Div(
                    ["将文件拖到此处，或", html.A("点击选择文件"), "（CSV、Excel .xlsx/.xls）"]
                ),
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
                        "headerName": h,
                        "width": w,
                        "wrapText": f == "message",
                        "autoHeight": f == "message",
                    }
                    for f, h, w in COLUMNS
                ],
                defaultColDef={"sortable": True, "resizable": True, "filter": True},
                dashGridOptions={"localeText": GRID_LOCALE_ZH},
                style={"height": "420px"},
            ),
            dbc.Button(
                "下载校验报告（CSV）",
                id=Ids.DOWNLOAD_BUTTON,
                color="secondary",
                className="mt-2",
                disabled=True,
            ),
            dcc.Download(id=Ids.DOWNLOAD),
            dcc.Store(id=Ids.REPORT),
        ]
    )


@callback(
    Output(Ids.TEMPLATE_LINKS, "children"), Input(Ids.REGION, "value"), Input(Ids.PERIOD, "value")
)
def template_links(region: str | None, period: str | None) -> Any:
    if not region or not period:
        return html.Span("选择地区和期间后可下载模板", className="text-muted small")
    query = urlencode({"region": region, "period": period})
    return [
        html.A("Excel 模板", href=f"/api/v1/template?{query}&format=xlsx", className="me-3"),
        html.A("CSV 模板", href=f"/api/v1/template?{query}&format=csv"),
    ]


def summary(filename: str, report: dict[str, Any]) -> dbc.Alert:
    layout_name = LAYOUT_ZH.get(report.get("layout") or "", "无法识别")
    if report["ok"]:
        text = (
            f"“{filename}”校验通过（{layout_name}）：有效数据 {report['rows']} 行，"
            f"提示 {report['warnings']} 条，空值跳过 {report['skipped_blank']} 个。"
        )
        return dbc.Alert(text, color="success", id="upload-result")
    text = (
        f"“{filename}”未通过校验（{layout_name}）：错误 {report['errors']} 条，"
        f"提示 {report['warnings']} 条。请按下表逐行修改后重新上传；整份文件在全部通过前不会导入。"
    )
    return dbc.Alert(text, color="danger", id="upload-result")


@callback(
    Output(Ids.SUMMARY, "children"),
    Output(Ids.GRID, "rowData"),
    Output(Ids.REPORT, "data"),
    Output(Ids.DOWNLOAD_BUTTON, "disabled"),
    Input(Ids.UPLOAD, "contents"),
    State(Ids.UPLOAD, "filename"),
    prevent_initial_call=True,
)
def check_upload(contents: str | None, filename: str | None) -> tuple[Any, ...]:
    if not contents or not filename:
        return None, [], None, True
    content = base64.b64decode(contents.split(",", 1)[1])
    _, report = check(session_factory(), filename, content)
    return summary(filename, report), report["problems"], {"file": filename, **report}, False


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Input(Ids.DOWNLOAD_BUTTON, "n_clicks"),
    State(Ids.REPORT, "data"),
    prevent_initial_call=True,
)
def download_report(_clicks: int | None, report: dict[str, Any] | None) -> Any:
    if not report:
        return None
    frame = pd.DataFrame(report["problems"], columns=[c for c, _, _ in COLUMNS] + ["file"])
    frame = frame.rename(columns={c: h for c, h, _ in COLUMNS} | {"file": "文件"})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return {"content": "\ufeff" + buffer.getvalue(), "filename": f"校验报告-{report['file']}.csv"}
