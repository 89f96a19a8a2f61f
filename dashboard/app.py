"""The app factory: build a Dash app on given settings and database."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import dash
from dash import Dash, _callback, dcc, html
from dash.development.base_component import Component
from flask import Response, request
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from dashboard.api import api
from dashboard.api_intake import intake_api
from dashboard.api_projects import projects_api
from dashboard.auth import drawing_every_page, init_auth
from dashboard.components import reminders
from dashboard.components.header import TITLE_ZH, render_header
from dashboard.components.header import Ids as HeaderIds
from dashboard.context import EXTENSION
from dashboard.errors import register_error_pages
from dashboard.health import health, log_requests
from dashboard.maps import GEOJSON_FILE, GEOJSON_URL
from dashboard.page_cache import init_page_cache
from dashboard.security import CALLBACKS, register_security
from dashboard.transfer import init_compression, keep_dash_replies, keep_static_files
from dashboard.warm import init_warming

HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)
_NOT_PAGES = ("/api/", "/health", "/_dash-", "/assets/", "/geo/", "/static/")


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
        title=TITLE_ZH,
        update_title=None,
        # True only until the first request: see _check_callbacks_against_every_page
        suppress_callback_exceptions=True,
        # Dash turns async on whenever asgiref is importable (a test dependency brings it):
        # the same synchronous app in production, tests and benchmarks
        use_async=False,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    _hand_callbacks_to_each_app()
    app.index_string = app.index_string.replace("<html>", '<html lang="zh-CN">')
    server = app.server
    server.json.ensure_ascii = False  # type: ignore[attr-defined]
    server.extensions[EXTENSION] = {"session_factory": factory, "settings": settings}
    # the callbacks as Dash registers them (filled in place on the first request), for the
    # request check that refuses a callback request not shaped like its callback
    server.extensions[CALLBACKS] = app.callback_map
    server.config["MAX_CONTENT_LENGTH"] = settings.max_upload_bytes  # 413 before a byte is read
    init_auth(server, settings)
    init_compression(server)  # before the security headers: see dashboard.transfer
    register_security(server, settings)
    keep_static_files(server)
    init_page_cache(app)
    init_warming(app)  # after a recompute, the replies visitors ask most
    _check_callbacks_against_every_page(app)
    keep_dash_replies(app)  # after the validation layout's install: it is in the index
    server.add_url_rule(GEOJSON_URL, "circle_geojson", _circle_geojson)
    server.register_blueprint(api)
    server.register_blueprint(intake_api)
    server.register_blueprint(projects_api)
    server.register_blueprint(health)
    register_error_pages(server)
    log_requests(server)

    app.layout = html.Div(
        [
            dcc.Location(id=HeaderIds.URL),
            html.Header(id=HeaderIds.HEADER),
            html.Main(dash.page_container, className="container-fluid px-4 py-3"),
        ]
    )
    return app


@cache
def _geojson_bytes() -> bytes:
    return GEOJSON_FILE.read_bytes()


def _circle_geojson() -> Response:
    """The map's boundaries, shipped with the project; cached by browsers for a day."""
    response = Response(_geojson_bytes(), mimetype="application/geo+json")
    response.cache_control.max_age = 86400
    response.cache_control.public = True
    return response


def validation_layout(app: Dash) -> tuple[html.Div, bool]:
    """The app's frame and every page as an administrator sees it, reduced to the
    components that carry an id, each with its id alone: what Dash checks each
    callback's ids and properties against (a typo in an id is reported instead of the
    callback silently never firing). Dash sends this layout with every page, so the
    pages' content (tables, figures, the report) is left out: 4.3 MB drawn, ~20 KB sent.
    With it, whether every page drew (a page that failed is left out)."""
    with drawing_every_page():
        pages = [_drawn(page) for page in dash.page_registry.values()]
        header = render_header("/", "")
    drawn = [app.layout, *header, reminders.alert("zh", [], 1), *pages]
    return html.Div(list(_with_ids(drawn))), all(page is not None for page in pages)


def _drawn(page: dict[str, Any]) -> Any:
    """One page for the check. A page that fails to draw (a bug of that page) is logged
    and left out -- its callbacks then report their ids as missing in the browser --
    rather than failing the request that draws the check, which would be every first
    page visit of a worker."""
    try:
        return page["layout"]() if callable(page["layout"]) else page["layout"]
    except Exception:
        log.exception("验证布局：页面 %s 绘制失败，其回调未纳入检查", page.get("path"))
        return None


def _with_ids(tree: object) -> Iterator[Component]:
    """Each component in ``tree`` that has an id, as a bare copy holding only that id
    (its type and namespace, which the check reads, kept)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Component):
            if getattr(node, "id", None) is not None:
                bare = copy.copy(node)  # keeps what some components set per instance:
                bare.__dict__ = {  # _type, _namespace, _prop_names, available_properties
                    key: value
                    for key, value in node.__dict__.items()
                    if key.startswith(("_", "available_"))
                } | {"id": node.id}
                yield bare
            stack.extend(getattr(node, name, None) for name in node._prop_names)
        elif isinstance(node, list | tuple):
            stack.extend(node)


def _check_callbacks_against_every_page(app: Dash) -> None:
    """On the first request, install ``validation_layout`` and turn Dash's callback
    check on (``suppress_callback_exceptions`` off, as Dash's docs set it on
    ``app.config``). Built with the check on, Dash's pages would draw every page on that
    request for whoever asked first -- usually an anonymous visitor, who sees a page's
    refusal and not its components -- and this would then draw them all again."""
    installed = False

    def install() -> None:
        nonlocal installed
        # only a page needs it (Dash writes it into the page's HTML): the API, the health
        # check and the bundles answer at once on a new worker
        if not installed and not request.path.startswith(_NOT_PAGES):
            app.validation_layout = _drawn_once(app)
            app.config.suppress_callback_exceptions = False
            installed = True

    app.server.before_request(install)


# the validation layout per set of pages: ids and component types do not depend on the
# data (components a callback names are drawn on every database: test val001b), so a
# process that builds several apps (tests, benchmarks) draws every page once, not per app.
# Keyed by each page's module, path and layout function's name: Dash runs the page modules
# again for each app, so the layout functions are new objects every time (keyed by their
# id(), a test module with an app per test drew every page per test: 23 of test_security's
# 40 s of CPU)
_DRAWN: dict[tuple[tuple[str, str, str], ...], html.Div] = {}


def _drawn_once(app: Dash) -> html.Div:
    key = tuple(
        (page["module"], page["path"], getattr(page["layout"], "__qualname__", ""))
        for page in dash.page_registry.values()
    )
    drawn = _DRAWN.get(key)
    if drawn is None:
        drawn, complete = validation_layout(app)
        if complete:  # a page that failed to draw (on this app's database) is tried again
            _DRAWN[key] = drawn
    return drawn


_REGISTERED: tuple[dict[str, Any], list[Any], list[Any]] | None = None


def _hand_callbacks_to_each_app() -> None:
    """Dash moves the callbacks registered with ``dash.callback`` (the pages') from
    its process-wide registry into the first app that serves a request, leaving it
    empty: a second app in the same process (tests, benchmarks) would answer every
    callback with an error. Keep the registry as the pages left it and put it back
    for each new app."""
    global _REGISTERED
    if _REGISTERED is None:
        _REGISTERED = (
            dict(_callback.GLOBAL_CALLBACK_MAP),
            list(_callback.GLOBAL_CALLBACK_LIST),
            list(_callback.GLOBAL_INLINE_SCRIPTS),
        )
        return
    _callback.GLOBAL_CALLBACK_MAP.clear()
    _callback.GLOBAL_CALLBACK_MAP.update(_REGISTERED[0])
    _callback.GLOBAL_CALLBACK_LIST[:] = _REGISTERED[1]
    _callback.GLOBAL_INLINE_SCRIPTS[:] = _REGISTERED[2]
