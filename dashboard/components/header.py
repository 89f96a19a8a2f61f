"""The header every page shares: product name, navigation and the data status."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.context import session_factory
from db.observations import LAYER_NAMES_ZH
from db.progress import snapshots_frame


def header(title: str) -> dbc.Navbar:
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
        for page in dash.page_registry.values()
        if page.get("nav", True)
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(title, href="/", className="fw-bold"),
                dbc.Nav(links, navbar=True, className="ms-auto"),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        className="mb-2",
    )


def data_status() -> html.Div:
    """What the figures on every page rest on: the as-of year, the data layers, and —
    while synthetic data are shown — a 示例数据 banner that cannot be missed."""
    with session_factory()() as session:
        snapshots = snapshots_frame(session)
    if snapshots.empty:
        return html.Div("尚无评估数据", id="data-status", className="px-4 small text-muted")
    layers = set(snapshots.layer.dropna())
    shown = "、".join(LAYER_NAMES_ZH[x] for x in ("published", "reported", "sample") if x in layers)
    parts: list[object] = [
        html.Span(f"数据截至 {int(snapshots.as_of.iloc[0])} 年", className="me-3"),
        html.Span(f"评估所用数据：{shown or '无'}", className="me-3"),
    ]
    if "sample" in layers:
        return dbc.Alert(
            [
                html.Strong("示例数据", className="me-2"),
                "当前展示的统计数据含合成的示例数据（非真实统计），仅供演示；真实数据报送后将替换。",
                html.Div(parts, className="small mt-1"),
            ],
            color="warning",
            id="data-status",
            className="mx-4 mb-0 py-2",
        )
    return html.Div(parts, id="data-status", className="px-4 small text-muted")
