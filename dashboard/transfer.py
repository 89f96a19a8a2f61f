"""Light transfers (issue 19 item 3): compressed replies and long-lived static files.

- Everything the app computes (pages, Dash's layout, dependencies and callback
  replies, the API's JSON and CSV) is compressed by Flask-Compress with brotli
  or gzip, whichever the browser accepts: a 总览 callback reply of 106 KB
  travels as about 14 KB.
- Static files (Dash's component bundles, /assets/, the favicon, the map's
  boundaries) are compressed once per worker and kept in memory with a strong
  ETag: plotly.min.js is 4.8 MB raw and 1.4 MB with gzip, and compressing it per
  request would cost more CPU than a page. A file whose URL carries its version
  (Dash's fingerprint ``.v4_4_1m…``, the ``?m=`` modification stamp Dash puts on
  /assets/ links, the favicon's ``?v=``) is cached by browsers for a year; the
  others (the plotly bundle and dcc's async chunks, which Dash's loader asks for
  by a fixed name) are revalidated (``no-cache`` with the ETag: a 304 from memory),
  so that an upgrade of Dash can never mix an old chunk with a new renderer.
- plotly.js is ours: dcc.Graph loads ``plotly/package_data/plotly.min.js`` (all
  43 trace types, 4.8 MB) the first time a page draws a graph; that address
  answers ``dashboard/vendor/plotly-ccec.min.js`` instead, the same plotly.js
  version with only the trace types the monitor draws (scatter, bar, heatmap,
  choropleth: 1.4 MB, 0.44 MB with brotli), built by scripts/plotly_bundle/build.sh.
  Chromium parses and compiles it in a third of the time, on every cold visit.

- Dash's own replies that are the same for every visit of a worker once it has
  served its first page — the index page (with the validation layout Dash writes
  into it and the content security policy's hashes of its inline scripts),
  ``/_dash-layout`` and ``/_dash-dependencies`` — are kept with their compressed
  forms and policy and sent from memory (``keep_dash_replies``): Dash rebuilt the
  index's ~27 KB of configuration, the policy hashed its scripts and Compress
  compressed it on every visit, 15 of a cached visit's ~50 ms under load. The
  index's ``end_id`` (a token Dash signs per page load to bind *background*
  callbacks' jobs to it) is then the same for every visit of the worker: the
  monitor has no background callback (``keep_dash_replies`` checks it), so the
  token binds nothing.

The security headers (dashboard/security.py) still decide ``no-store`` for what
is computed; they run before compression (Flask calls ``after_request``
functions in reverse order of registration), so the content security policy
reads the HTML it hashes uncompressed.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import brotli
from dash import Dash
from dash.fingerprint import check_fingerprint
from flask import Flask, Response, g, request, send_file
from flask_compress import Compress

from dashboard.security import content_security_policy

STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon.ico", "/geo/")
VERSION_ARGS = ("m", "v")  # Dash's ?m=<mtime> on /assets/ links and ?v=<version> on the favicon
YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
COMPRESSIBLE = (
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/x-javascript",
    "image/svg+xml",
    "image/vnd.microsoft.icon",
    "image/x-icon",
)
MIN_SIZE = 500  # bytes: below this the headers outweigh the gain
ENCODINGS = ("br", "gzip")
# the address dcc.Graph loads plotly.js from, and what it answers (see the docstring)
PLOTLY_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"
PLOTLY_BUNDLE = Path(__file__).resolve().parent / "vendor" / "plotly-ccec.min.js"


@dataclass(frozen=True)
class KeptFile:
    """One static file as sent for one encoding ("" = as it is)."""

    body: bytes
    mimetype: str
    encoding: str
    etag: str
    cache_control: str


_kept: dict[tuple[str, str], KeptFile] = {}
# Dash's endpoints whose reply is the same for every visit once the app has served a page
DASH_CONSTANT = {"/": "index", "/<path:path>": "index", "/_dash-layout": "layout"}
DASH_CONSTANT["/_dash-dependencies"] = "dependencies"
DASH_BR_QUALITY = 9  # once per worker and reply, as for the static files
POLICY = "ccec_policy"  # g: the content security policy of a page sent from memory


@dataclass
class DashReply:
    """One of Dash's constant replies as first computed, its policy, and its forms."""

    body: bytes
    mimetype: str
    policy: str
    encoded: dict[str, bytes]

    def encoded_as(self, encoding: str) -> bytes:
        if encoding not in self.encoded:
            self.encoded[encoding] = _compress(self.body, encoding)
        return self.encoded[encoding]


def init_compression(server: Flask) -> None:
    """Compression of computed replies. Call before the security headers are
    registered: Flask runs ``after_request`` functions last-registered first, and
    the content security policy must read the page uncompressed."""
    server.config.update(
        COMPRESS_MIMETYPES=list(COMPRESSIBLE),
        COMPRESS_ALGORITHM=list(ENCODINGS),
        COMPRESS_ALGORITHM_STREAMING=["br", "deflate"],
        COMPRESS_MIN_SIZE=MIN_SIZE,
        COMPRESS_LEVEL=6,
        COMPRESS_BR_LEVEL=4,  # brotli 4 compresses JSON better than gzip 6 at a similar cost
    )
    Compress(server)


def keep_static_files(server: Flask) -> None:
    """Static files from memory, compressed once. Call after the security headers
    are registered, so that a file answered from memory passes the same checks
    and gets the same headers; a file it marks as encoded Compress leaves alone."""
    server.before_request(_serve_kept)
    server.before_request(_plotly_bundle)
    server.after_request(_keep_static)


def chosen_encoding(accept_encoding: str) -> str:
    """The encoding of ``ENCODINGS`` the client takes (its q-values read), or ""."""
    offered: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        offered[name.strip()] = quality
    usable = [e for e in ENCODINGS if offered.get(e, offered.get("*", 0.0)) > 0]
    return usable[0] if usable else ""


def _static_request() -> bool:
    return request.method == "GET" and request.path.startswith(STATIC_PREFIXES)


def _key() -> tuple[str, str]:
    return request.path, chosen_encoding(request.headers.get("Accept-Encoding", ""))


def _versioned() -> bool:
    if any(name in request.args for name in VERSION_ARGS):
        return True
    return (
        request.path.startswith("/_dash-component-suites/") and check_fingerprint(request.path)[1]
    )


def _send(kept: KeptFile) -> Response:
    cache_control = YEAR if _versioned() else kept.cache_control
    if request.if_none_match.contains(kept.etag):
        response = Response(status=304)
    else:
        response = Response(kept.body, mimetype=kept.mimetype)
        if kept.encoding:
            response.headers["Content-Encoding"] = kept.encoding
    response.set_etag(kept.etag)
    response.headers["Cache-Control"] = cache_control
    response.headers["Vary"] = "Accept-Encoding"
    return response


def _serve_kept() -> Response | None:
    """A static file this worker has sent before: from memory, or 304."""
    if not _static_request():
        return None
    kept = _kept.get(_key())
    if kept is None:
        return None
    g.ccec_kept = True
    return _send(kept)


def _plotly_bundle() -> Response | None:
    """Our plotly.js bundle where dcc.Graph asks for the full one (kept afterwards
    like any static file)."""
    if request.method != "GET" or request.path != PLOTLY_PATH:
        return None
    return send_file(PLOTLY_BUNDLE, mimetype="text/javascript", etag=False, max_age=None)


def _compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=9)  # once per worker and file: worth the time
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=9, mtime=0)
    return body


def _keep_static(response: Response) -> Response:
    """The first time a static file is sent: compress it, keep it, send it as kept.
    The files are those of the installed packages and the assets folder (a path
    that matches none answers 404 and is not kept), so the memory is bounded."""
    if not _static_request() or response.status_code != 200 or g.get("ccec_kept"):
        return response
    response.direct_passthrough = False  # send_file's file wrapper: read it
    body = response.get_data()
    response.close()
    path, encoding = _key()
    if response.mimetype not in COMPRESSIBLE or len(body) < MIN_SIZE:
        encoding = ""
    # a route's own lifetime (the map's boundaries: a day) stays; Dash's year for a
    # fingerprinted bundle is given again by _send when the URL carries the version
    own = response.headers.get("Cache-Control", "")
    digest = hashlib.sha256(body).hexdigest()[:20]
    kept = KeptFile(
        body=_compress(body, encoding),
        mimetype=response.mimetype or "application/octet-stream",
        encoding=encoding,
        etag=f"{digest}-{encoding or 'identity'}",
        cache_control=own if "max-age" in own and "31536000" not in own else REVALIDATE,
    )
    _kept[(path, encoding)] = kept
    return _send(kept)


def keep_dash_replies(app: Dash) -> None:
    """Dash's index page, layout and dependencies from memory once computed (see the
    module's docstring). Register after the sign-in guard and the request checks (they
    refuse before this answers) and after the security headers (it hands them the
    page's policy, computed once, through ``g``)."""
    server = app.server
    kept: dict[str, DashReply] = {}

    def constant_kind() -> str | None:
        if request.method != "GET" or request.url_rule is None:
            return None
        # the index Dash serves before its first page (no validation layout yet) is
        # not the one it serves after: only the settled app's replies are kept
        if app.config.suppress_callback_exceptions or _has_background_callbacks(app):
            return None
        return DASH_CONSTANT.get(request.url_rule.rule)

    def serve() -> Response | None:
        kind = constant_kind()
        reply = kept.get(kind) if kind else None
        if reply is None:
            return None
        g.ccec_dash_kept = True
        return _send_dash_reply(reply)

    def keep(response: Response) -> Response:
        kind = constant_kind()
        if (
            kind is None
            or g.get("ccec_dash_kept")
            or response.status_code != 200
            or response.is_streamed
            or "Content-Encoding" in response.headers
        ):
            return response
        body = response.get_data()
        reply = DashReply(body, response.mimetype or "", content_security_policy(response), {})
        kept[kind] = reply
        return _send_dash_reply(reply)

    server.before_request(serve)
    server.after_request(keep)


def _has_background_callbacks(app: Dash) -> bool:
    return any(entry.get("background") for entry in app.callback_map.values())


def _send_dash_reply(reply: DashReply) -> Response:
    encoding = chosen_encoding(request.headers.get("Accept-Encoding", ""))
    if encoding and len(reply.body) >= MIN_SIZE:
        response = Response(reply.encoded_as(encoding), mimetype=reply.mimetype)
        response.headers["Content-Encoding"] = encoding
    else:
        response = Response(reply.body, mimetype=reply.mimetype)
    response.headers["Vary"] = "Accept-Encoding"
    g.setdefault(POLICY, reply.policy)  # dashboard.security: the page's own hashes, kept
    return response
