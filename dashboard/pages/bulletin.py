"""公报读取: the joint office uploads a statistics bulletin, an 经济运行情况 release or a
government work report (.txt / .html) and sees the figures the reader proposes — indicator,
region, period, value, growth — each with its sentence. Reading stores nothing. The reviewer
then fills in the citation (publisher, URL, vintage, grade), ticks the proposals checked
against their sentences (correcting a value or period in the grid if need be) and presses
确认入库: workflows.confirm_figures writes them into the published layer exactly as a
figures.yaml entry is written, with an audit event each, and the page says what was stored and
what was skipped and why. The proposals may also be downloaded as figures.yaml entries.

Only proposals the page showed can be stored: reading hands the page a sealed view of them
(indicators/bulletin_view.py), and 确认入库 names proposals by their ids in it.

For reviewers and administrators: the server checks the role on the page and on every
callback, whatever the browser sends.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from flask import current_app

from dashboard.auth import current_account
from dashboard.components.access import denied
from dashboard.components.grid import grid
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.picker import region_picker
from dashboard.components.upload_box import upload_box
from dashboard.context import region_directory, session_factory, settings
from dashboard.data import catalogue
from dashboard.i18n import lang_of, region_name, t
from dashboard.security import text_value
from dashboard.uploads import UploadError, decode_upload
from indicators.access import AccessDenied, can_review, require_review
from indicators.bulletin import Proposal
from indicators.bulletin_view import ProposalViewError, chosen, face_of, seal_proposals, shown
from indicators.regions import RegionError
from indicators.vintages import GRADES, VINTAGE_ORDER, VINTAGES
from workflows.bulletin import (
    BulletinFileError,
    entries_yaml,
    indicator_names,
    propose_from,
    published_entries,
    read_bytes,
)
from workflows.confirm_figures import (
    ConfirmError,
    citation,
    confirm,
    proposal_figures,
)
from workflows.intake import safe_filename

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
    ("result", "入库结果", "Result", 180),  # filled by 确认入库
    ("wording", "原文", "Sentence", 520),
]
WRAPPED = ("wording", "result")
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
    CONFIRM = "bulletin-confirm"
    CONFIRM_RESULT = "bulletin-confirm-result"
    VIEW = "bulletin-view"  # the sealed proposals shown (indicators/bulletin_view.py)


EDITABLE = ("value", "period")  # what the reviewer may correct before confirming
VINTAGE_EN = {
    "estimate": "estimate",
    "initial": "initial",
    "final": "final (verified)",
    "census_revision": "census revision",
}


def _denied(lang: str) -> dbc.Alert:
    return denied(
        "bulletin-denied",
        lang,
        "公报读取仅限联合办公室的审核员和管理员。",
        "The bulletin reader is for the joint office's reviewers.",
    )


def _field(label: str, control: Any, for_id: str, md: int) -> dbc.Col:
    """A control of the citation row under its label (the label names the control for
    screen readers and for the browser tests)."""
    return dbc.Col(
        [dbc.Label(label, html_for=for_id, className="small text-muted mb-0"), control], md=md
    )


def _pen(field: str) -> str:
    """The mark on the header of a column the reviewer may correct."""
    return "  ✎" if field in EDITABLE else ""


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
                    "连同原文列出（读取时不写入数据库）。填写发布者和原文网址，对照原文勾选核对无误的"
                    "数据（数值、期间可在表中更正），按“确认入库”写入公开数据层；也可下载为"
                    "config/published/figures.yaml 的条目。",
                    "Upload a statistical bulletin, an economic release or a government work report "
                    "(.txt, .html): the catalogue's figures are listed with their sentences (reading "
                    "stores nothing). Fill in the publisher and URL, tick the figures checked against "
                    "their sentences (a value or period may be corrected in the grid) and press "
                    "Confirm to store them in the published layer; or download them as entries.",
                ),
                className="text-muted",
            ),
            # the dropdowns first: a Dash dropdown's hidden focus input is 208 px wide and
            # would reach past the right edge of a narrow last column
            dbc.Row(
                [
                    _field(
                        t(lang, "地区", "Region"),
                        region_picker(
                            Ids.REGION,
                            regions,
                            None,
                            t(lang, "默认从标题识别", "From the title"),
                            lang,
                        ),
                        Ids.REGION,
                        2,
                    ),
                    _field(
                        t(lang, "数据版本", "Vintage"),
                        dcc.Dropdown(
                            id=Ids.VINTAGE,
                            options=[
                                {"label": t(lang, VINTAGES[v], VINTAGE_EN[v]), "value": v}
                                for v in VINTAGE_ORDER
                            ],
                            value="initial",
                            clearable=False,
                        ),
                        Ids.VINTAGE,
                        2,
                    ),
                    _field(
                        t(lang, "可信度等级", "Grade"),
                        dcc.Dropdown(
                            id=Ids.GRADE, options=list(GRADES), value="B", clearable=False
                        ),
                        Ids.GRADE,
                        2,
                    ),
                    _field(
                        t(lang, "发布者（必填）", "Publisher (required)"),
                        dbc.Input(
                            id=Ids.PUBLISHER,
                            placeholder=t(lang, "如 重庆市统计局", "e.g. 重庆市统计局"),
                        ),
                        Ids.PUBLISHER,
                        3,
                    ),
                    _field(
                        t(lang, "原文网址（必填）", "URL (required)"),
                        dbc.Input(id=Ids.URL, type="url", placeholder="https://"),
                        Ids.URL,
                        3,
                    ),
                ],
                className="mb-2 g-2",
            ),
            upload_box(
                Ids.UPLOAD,
                lang,
                ("将公报文件拖到此处，或", "Drop a bulletin here, or "),
                (".txt、.md、.html", ".txt, .md, .html"),
                limit,
            ),
            dcc.Loading(html.Div(id=Ids.SUMMARY), type="dot"),
            grid(
                Ids.GRID,
                [(f, zh + _pen(f), en + _pen(f), w) for f, zh, en, w in COLUMNS],
                lang,
                height=480,
                wrap=set(WRAPPED),
                column_extra={f: {"editable": True, "cellDataType": "text"} for f in EDITABLE},
                row_id="key",
                selection={"mode": "multiRow", "checkboxes": True, "headerCheckbox": True},
                options={"singleClickEdit": True, "stopEditingWhenCellsLoseFocus": True},
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Button(
                            t(lang, "确认入库（勾选的数据）", "Confirm the ticked figures"),
                            id=Ids.CONFIRM,
                            color="primary",
                        ),
                        width="auto",
                    ),
                    dbc.Col(
                        dbc.Button(
                            t(
                                lang,
                                "下载为公开数据条目（YAML）",
                                "Download as published-layer entries (YAML)",
                            ),
                            id=Ids.DOWNLOAD_BUTTON,
                            color="secondary",
                        ),
                        width="auto",
                    ),
                ],
                className="mt-2 g-2",
            ),
            dcc.Loading(html.Div(id=Ids.CONFIRM_RESULT, className="mt-2"), type="dot"),
            html.Div(id=Ids.DOWNLOAD_ERROR, className="mt-2"),
            dcc.Download(id=Ids.DOWNLOAD),
            dcc.Store(id=Ids.VIEW),
        ]
    )


# the citation fields and the page's language, as both the download and 确认入库 read them
CITED = (
    State(Ids.PUBLISHER, "value"),
    State(Ids.URL, "value"),
    State(Ids.VINTAGE, "value"),
    State(Ids.GRADE, "value"),
    State(HeaderIds.URL, "search"),
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
    """The grid's rows, keyed by each proposal's id in the sealed view (its place, as text:
    AG Grid wants string ids)."""
    names = indicator_names(catalogue())
    return [
        {
            "key": str(number),
            "pid": number,
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
        for number, p in enumerate(proposals)
    ]


def _view(name: str, proposals: list[Proposal]) -> dict[str, Any] | None:
    """The sealed view of the proposals shown, for 确认入库 to name them by id."""
    account = current_account()
    if account is None:
        return None
    faces = [face_of(p) for p in proposals]
    return seal_proposals(current_app.secret_key, account.id, name, faces)


@callback(
    Output(Ids.SUMMARY, "children"),
    Output(Ids.GRID, "rowData"),
    Output(Ids.VIEW, "data"),
    Input(Ids.UPLOAD, "contents"),
    State(Ids.UPLOAD, "filename"),
    State(Ids.REGION, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def read_upload(contents: Any, filename: Any, region: Any, search: str | None) -> tuple[Any, ...]:
    lang = lang_of(search)
    if not can_review(current_account()):
        return _denied(lang), [], None
    try:
        name, found, proposals = _read(contents, filename, region)
    except (BulletinFileError, UploadError, RegionError) as error:
        return dbc.Alert(str(error), color="danger", id="bulletin-error"), [], None
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
            None,
        )
    where = region_name(region_directory()[found], lang) if found else t(lang, "未识别", "unknown")
    text = t(
        lang,
        f"{name}：地区 {where}，{len(proposals)} 条候选数据，请对照原文逐条核对。",
        f"{name}: region {where}, {len(proposals)} proposed figures; check each against its sentence.",
    )
    return (
        dbc.Alert(text, color="info", id="bulletin-result"),
        _rows(proposals),
        _view(name, proposals),
    )


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Output(Ids.DOWNLOAD_ERROR, "children"),
    Input(Ids.DOWNLOAD_BUTTON, "n_clicks"),
    State(Ids.UPLOAD, "contents"),
    State(Ids.UPLOAD, "filename"),
    State(Ids.REGION, "value"),
    *CITED,
    prevent_initial_call=True,
)
def download_entries(
    _clicks: int | None,
    contents: Any,
    filename: Any,
    region: Any,
    *cited: Any,
) -> tuple[Any, ...]:
    """The proposals as figures.yaml entries, read again from the file on the server."""
    publisher, url, vintage, grade, search = cited
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


@callback(
    Output(Ids.CONFIRM_RESULT, "children"),
    Output(Ids.GRID, "rowData", allow_duplicate=True),
    Input(Ids.CONFIRM, "n_clicks"),
    State(Ids.GRID, "selectedRows"),
    State(Ids.GRID, "rowData"),
    State(Ids.VIEW, "data"),
    *CITED,
    prevent_initial_call=True,
)
def confirm_selected(
    _clicks: int | None,
    selected: Any,
    rows: Any,
    view: Any,
    *cited: Any,
) -> tuple[Any, Any]:
    """The ticked proposals into the published layer: the account checked again, the ids
    checked against the sealed view, the citation checked, then workflows.confirm_figures.
    The grid's rows come back with what became of each ticked one (入库结果)."""
    publisher, url, vintage, grade, search = cited
    lang = lang_of(search)
    account = current_account()
    try:
        require_review(account)
        assert account is not None  # for the type checker: require_review refused None
        _, held = shown(current_app.secret_key, view, account.id)
        ticked = [r.get("pid") for r in (selected or []) if isinstance(r, dict)]
        picked = chosen(held, ticked)
        cite = citation(text_value(publisher, "发布者"), text_value(url, "网址"), vintage, grade)
        edits = {
            int(r["pid"]): r
            for r in (rows or [])
            if isinstance(r, dict) and isinstance(r.get("pid"), int) and r["pid"] in held
        }
        names = indicator_names(catalogue())
        figures = proposal_figures(held, picked, edits, cite, names)
        outcome = confirm(session_factory(), figures, account)
    except AccessDenied:
        return _denied(lang), dash.no_update
    except (ProposalViewError, ConfirmError) as error:
        return dbc.Alert(str(error), color="danger", id="bulletin-confirm-error"), dash.no_update
    said = outcome.results()
    result = {number: said[f.label] for number, f in zip(picked, figures, strict=True)}
    rows = [
        r | {"result": result[r["pid"]]} if r.get("pid") in result else r for r in edits.values()
    ]
    english = (
        f"Stored {len(outcome.stored)} figure(s) in the published layer; "
        f"{len(outcome.kept)} kept as history (a newer release is held); "
        f"{len(outcome.skipped)} skipped. "
    )
    alert = dbc.Alert(
        (english if lang == "en" else "") + outcome.message,
        color="success" if outcome.stored else "warning",
        id="bulletin-confirmed",
    )
    return alert, sorted(rows, key=lambda r: int(r["pid"]))
