"""The app factory: build a Dash app on given settings and database."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import Dash, dcc, html
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from dashboard.api import api
from dashboard.api_intake import intake_api
from dashboard.components.header import data_status, header
from dashboard.context import EXTENSION

HERE = Path(__file__).resolve().parent
TITLE = "成渝地区双城经济圈规划目标监测平台"


def create_app(settings: Settings, factory: sessionmaker[Session]) -> Dash:
    """A Dash app whose pages and API read from ``factory``'s database.

    Every asset is served by the app itself (``serve_locally``, vendored
    Bootstrap CSS): the monitor runs on intranets without outside access.
    """
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        serve_locally=True,
        include_pages_meta=False,
        title=TITLE,
        update_title=None,
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="zh-CN">')
    server = app.server
    server.json.ensure_ascii = False  # type: ignore[attr-defined]
    server.extensions[EXTENSION] = {"session_factory": factory, "settings": settings}
    server.register_blueprint(api)
    server.register_blueprint(intake_api)

    def shell() -> html.Div:
        # a function, so that the data status under the header is read per page load
        return html.Div(
            [
                dcc.Location(id="url"),
                header(TITLE),
                data_status(),
                html.Main(dash.page_container, className="container-fluid px-4 py-3"),
            ]
        )

    app.layout = shell
    return app
