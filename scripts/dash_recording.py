"""What a browser sends to a Dash app: the callback requests of each page visit.

Recorded from headless Chromium (Playwright, Debian's chromium) so that the
benchmarks and the load test replay exactly what users' browsers send, and
stay right when a page's callbacks change.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import urlparse

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CALLBACK_PATH = "/_dash-update-component"
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon.ico", "/geo/")
# the page router has rendered the page and no callback is pending: on a cold
# start Chromium can be idle on the network while it parses the bundles, before
# the first callback is sent
SETTLED = """() => {
    const content = document.getElementById('_pages_content');
    return content && content.children.length > 0
        && !document.querySelector('[data-dash-is-loading="true"]');
}"""
Recorded = tuple[str, str, dict[str, Any]]  # (visit name, request path, JSON body)


def _path(url: str) -> str:
    parts = urlparse(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def capture_callbacks(
    page: Any,
    base: str,
    visits: list[tuple[str, str]],
    static: list[str] | None = None,
    settled: str = SETTLED,
) -> list[Recorded]:
    """Open each ``(name, path)`` in the Playwright ``page`` in turn, waiting until the
    network is idle; every callback request the browser sent, tagged with its visit.
    ``static``, when given, receives the path of every static file the browser asked
    for (bundles, assets, plotly and dcc's async chunks), each once. ``settled`` is
    the script that says a page is drawn (the monitor's router by default)."""
    recorded: list[Recorded] = []
    current = {"name": ""}

    def on_request(request: Any) -> None:
        if CALLBACK_PATH in request.url:
            body = json.loads(request.post_data or "{}")
            recorded.append((current["name"], _path(request.url), body))
        elif static is not None and urlparse(request.url).path.startswith(STATIC_PREFIXES):
            if _path(request.url) not in static:
                static.append(_path(request.url))

    page.on("request", on_request)
    try:
        for name, path in visits:
            current["name"] = name
            page.goto(base + path)
            page.wait_for_function(settled)
            page.wait_for_load_state("networkidle")
    finally:
        page.remove_listener("request", on_request)
    return recorded


def record_visits(
    base: str,
    visits: list[tuple[str, str]],
    static: list[str] | None = None,
    settled: str = SETTLED,
) -> list[Recorded]:
    """``capture_callbacks`` in a browser of its own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        try:
            return capture_callbacks(page, base, visits, static, settled)
        finally:
            browser.close()
