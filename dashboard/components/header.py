"""The header every page shares: product name and navigation."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc


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
