"""Light transfers (issue 19 item 3): compressed replies, static files cached by
browsers for a year when their URL carries the version, revalidated otherwise,
and the content security policy still computed on the page as written."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import brotli
import plotly.graph_objects as go
import pytest
from flask import session
from plotly.basedatatypes import BaseTraceType

import dashboard
from config.settings import load_settings
from dashboard.app import create_app
from dashboard.auth import csrf_token, drawing_every_page
from dashboard.security import _inline_scripts
from dashboard.transfer import PLOTLY_BUNDLE, PLOTLY_PATH, chosen_encoding
from db.session import make_engine, make_session_factory
from tests.helpers import HEADER_CALLBACK, ORIGIN

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@pytest.fixture(scope="module")
def client(module_ready_url: str) -> Iterator[object]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    yield create_app(load_settings({}), factory).server.test_client()
    engine.dispose()


def decoded(response: object) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding", "")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    assert not encoding, encoding
    return body


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("identity", ""),
        ("", ""),
        ("*", "br"),
        ("gzip;q=abc", ""),
    ],
)
def test_tra001_the_encoding_a_client_accepts(accept: str, chosen: str) -> None:
    assert chosen_encoding(accept) == chosen


def test_tra002_callback_replies_and_pages_are_compressed(client) -> None:
    plain = client.post("/_dash-update-component", json=HEADER_CALLBACK, headers=ORIGIN)
    for accept, encoding in (("br", "br"), ("gzip", "gzip")):
        packed = client.post(
            "/_dash-update-component",
            json=HEADER_CALLBACK,
            headers={**ORIGIN, "Accept-Encoding": accept},
        )
        assert packed.status_code == 200
        assert packed.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert len(packed.get_data()) < len(plain.get_data())
        assert json.loads(decoded(packed)) == plain.get_json()
        assert packed.headers["Cache-Control"] == "no-store"  # still the user's reply
    assert "Content-Encoding" not in plain.headers  # a client that asks for none gets none


def test_tra003_the_page_policy_hashes_the_scripts_as_written(client) -> None:
    page = client.get("/", headers=BROWSER)
    assert page.headers["Content-Encoding"] == "br"
    html = decoded(page).decode()
    policy = page.headers["Content-Security-Policy"]
    for script in _inline_scripts(html):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_tra004_versioned_bundles_cached_for_a_year_the_rest_revalidated(client) -> None:
    index = client.get("/").get_data(as_text=True)
    bundle = re.search(r'src="(/_dash-component-suites/dash/dcc/[^"]+\.js)"', index).group(1)
    asset = re.search(r'href="(/assets/vendor/bootstrap\.min\.css\?m=[^"]+)"', index).group(1)
    for path in (bundle, asset):
        first = client.get(path, headers=BROWSER)
        assert first.status_code == 200
        assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert first.headers["Content-Encoding"] == "br"
        again = client.get(path, headers=BROWSER)  # from the worker's memory
        assert again.get_data() == first.get_data()
        assert decoded(again) == client.get(path).get_data()  # the same file, uncompressed
        first.close()
    # plotly and dcc's async chunks keep a fixed name: revalidated, 304 when unchanged
    plotly = "/_dash-component-suites/plotly/package_data/plotly.min.js"
    sent = client.get(plotly, headers={"Accept-Encoding": "gzip"})
    assert sent.status_code == 200 and sent.headers["Content-Encoding"] == "gzip"
    assert sent.headers["Cache-Control"] == "public, no-cache"
    assert len(sent.get_data()) < len(decoded(sent)) / 2
    etag = sent.headers["ETag"]
    revalidated = client.get(plotly, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert revalidated.status_code == 304 and revalidated.get_data() == b""
    other = client.get(plotly, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert other.status_code == 200  # another encoding is another representation
    assert other.headers["ETag"] != etag
    # a route's own lifetime stays (the map's boundaries: a day)
    boundaries = client.get("/geo/circle.geojson", headers=BROWSER)
    assert boundaries.headers["Cache-Control"] == "max-age=86400, public"
    assert json.loads(decoded(boundaries))["type"] == "FeatureCollection"


def test_tra005_dash_index_layout_and_dependencies_sent_from_memory(client) -> None:
    """The same bytes and policy on every visit once the app has served a page; a client
    that takes no encoding gets the page as written; Dash computes none of them again."""
    for path in ("/", "/_dash-layout", "/_dash-dependencies"):
        first = client.get(path, headers=BROWSER)
        again = client.get(path, headers=BROWSER)
        assert first.status_code == again.status_code == 200
        assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "br"
        assert first.get_data() == again.get_data()
        assert first.headers["Content-Security-Policy"] == again.headers["Content-Security-Policy"]
        assert first.headers["Cache-Control"] == "no-store"
        assert decoded(again) == client.get(path).get_data()
    page = client.get("/indicator?id=gdp", headers=BROWSER)  # any page: the same index
    assert decoded(page) == client.get("/").get_data()
    html = decoded(page).decode()
    assert '"validation_layout"' in html  # the settled app's index, with the callbacks' check
    for script in _inline_scripts(html):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in page.headers["Content-Security-Policy"]
    assert (
        client.get("/", headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
    )
    assert client.get("/nowhere?x=%00").status_code == 400  # the request checks still refuse


def test_tra006_drawing_every_page_sets_no_session_cookie(client) -> None:
    """The validation layout draws the header as an administrator sees it, sign-out form
    and its CSRF token included: the worker's first visitor got a session cookie from it."""
    with client.application.test_request_context("/"):
        with drawing_every_page():
            assert csrf_token() == ""
        assert "csrf" not in session


def test_tra007_plotly_served_with_the_trace_types_the_pages_draw(client) -> None:
    """dcc.Graph's plotly.js address answers our bundle (dashboard/vendor), which
    registers every trace type a page of the monitor draws: a figure of a type left
    out would be drawn empty. A new type means scripts/plotly_bundle/build.sh again."""
    sent = client.get(PLOTLY_PATH, headers=BROWSER)
    assert sent.status_code == 200 and sent.mimetype == "text/javascript"
    bundle = decoded(sent).decode()
    assert bundle == PLOTLY_BUNDLE.read_text(encoding="utf-8")
    assert len(bundle) < 2_000_000  # the full plotly.min.js is 4.8 MB
    registered = set(re.findall(r'moduleType:"trace",name:"(\w+)"', bundle))
    traces = {
        name.lower()
        for name in dir(go)
        if isinstance(getattr(go, name), type) and issubclass(getattr(go, name), BaseTraceType)
    }
    source = "\n".join(
        path.read_text(encoding="utf-8") for path in Path(dashboard.__file__).parent.rglob("*.py")
    )
    found = re.findall(r'go\.(\w+)\(|"type": "(\w+)"', source)
    drawn = {(call or kind).lower() for call, kind in found} & traces
    assert drawn >= {"scatter", "bar", "choropleth", "heatmap"}  # the finder still finds them
    assert drawn <= registered, drawn - registered
