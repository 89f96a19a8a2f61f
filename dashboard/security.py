"""Security headers on every response, and requests that cannot be answered
refused with 400 and a Chinese message before anything parses them.

Headers (issue 17 row 10):

- ``Content-Security-Policy``: scripts only from this site, plus the inline
  scripts the page itself carries (Dash's clientside callbacks and the line that
  starts its renderer), allowed by their SHA-256 hashes, computed from the HTML
  being sent (so a page changed by a new clientside callback cannot drift out of
  its policy). Dash 4.4 and plotly need no ``'unsafe-eval'``; styles allow
  ``'unsafe-inline'`` because plotly, AG Grid and React write ``style``
  attributes and ``<style>`` elements at run time. Nothing of the monitor is
  meant to be shown inside a frame, so ``frame-ancestors 'none'`` (and
  ``X-Frame-Options: DENY``) on every page: not even another page of the same
  site can frame /admin.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` (the
  CSRF check reads the Referer of this site's own requests; other sites get
  none), HSTS when ``SECURE_COOKIES`` (the site is served over HTTPS).
- ``Cache-Control: no-store`` on everything the app computes (pages, Dash's
  layout and callbacks, the API, sign-in): they may carry an account's data or a
  form's CSRF token. Static files (Dash's bundles, /assets/, the map's
  boundaries) and the OpenAPI description keep their own caching
  (dashboard/transfer.py: a year when the URL carries the version, else revalidated).

Requests (issue 17 row 12), answered 400 with a Chinese message instead of a 500:
JSON nested deeper than ``MAX_JSON_DEPTH`` (found on the raw bytes, without
recursion, before Flask or Dash parse it); a NUL in the path, the query or a
plain form; a route's integer id beyond the INTEGER id columns (2**31 - 1); a
Dash callback request of the wrong shape (``callback_problem``: a URL part that
is not text, a dropdown value that is an object, an integer no browser sends, a
NUL in a field's text, an output no callback has); a ``RecursionError`` raised
anywhere; and what the pages refuse through ``bounded_id``, ``bounded_year``,
``text_value`` and ``date_value`` (``InvalidInput``).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import math
import re
from datetime import datetime
from functools import lru_cache
from typing import Any, NoReturn
from urllib.parse import unquote

from dash.exceptions import CallbackException, DependencyException
from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import BadRequest

from config.settings import Settings

log = logging.getLogger(__name__)

MAX_ID = 2**31 - 1  # the ids are INTEGER columns: PostgreSQL's int4 ends here
MAX_JSON_DEPTH = 64
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/geo/")
CACHEABLE = ("/api/v1/openapi.json",)
HSTS = "max-age=31536000"

POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self' 'unsafe-inline'"),
    ("img-src", "'self' data: blob:"),
    ("font-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)


class InvalidInput(BadRequest):
    """A request value this app cannot use: answered 400 with ``description``."""


def refuse(message: str) -> NoReturn:
    raise InvalidInput(description=message)


def _shown(value: Any) -> str:
    text = repr(value)
    return text[:40] + ("…" if len(text) > 40 else "")


def bounded_int(value: Any, what: str, low: int = 1, high: int = MAX_ID) -> int:
    """``value`` as an integer in [low, high], or 400 with a Chinese message.

    Callbacks and routes receive numbers from the browser, which anyone can
    craft: "1 OR 1=1", 2**70, 1.5, a list. Each is refused (``InvalidInput``)
    rather than becoming a 500 from ``int()``, an overflow or the driver.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        refuse(f"无效的{what}：{_shown(value)}（应为整数）")
    if not low <= value <= high:
        shown = value if value.bit_length() < 80 else "过大的数"
        refuse(f"无效的{what}：{shown}（应在 {low} 到 {high} 之间）")
    return value


def bounded_id(value: Any, what: str = "编号") -> int:
    """A positive integer id that fits the INTEGER id columns (PostgreSQL int4)."""
    return bounded_int(value, what, 1, MAX_ID)


def bounded_year(value: Any, what: str = "年份") -> int:
    """A year from the browser (a dropdown's value, a query parameter)."""
    return bounded_int(value, what, 1900, 2100)


def link_year(text: str | None) -> int | None:
    """A year written in a link or a query (``?year=2025``), or None if it is none."""
    try:
        return bounded_year(text) if text else None
    except InvalidInput:
        return None


def text_value(value: Any, what: str) -> str | None:
    """A text field's value (a dropdown of names or periods, a text box): text or nothing."""
    if value is None or isinstance(value, str):
        return value
    refuse(f"参数“{what}”应为文本")


def date_value(value: Any, what: str = "日期") -> datetime | None:
    """An ISO date (a date picker's value) between 1900 and 2200, or None when empty."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or not 1900 <= moment.year <= 2200:
        refuse(f"无效的{what}：{_shown(value)}（应为 YYYY-MM-DD）")
    return moment


# ------------------------------------------------------------ deep JSON ---

# a JSON string, to its closing quote or the end (never backtracks: linear time)
_JSON_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\Z)', re.DOTALL)
_BRACKETS = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text ``body`` nests arrays and objects deeper than ``limit``.

    No parsing and no recursion: strings are cut out, every bracket but the
    others dropped, then innermost pairs "()" are removed pass by pass, each
    pass lowering the deepest nesting by one; anything left after ``limit``
    passes is deeper. Brackets never closed (the parser would recurse into them
    before noticing) count as nesting too. Linear in the body per pass, in C.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS).translate(_BRACKETS)
    if b"(" * (limit + 1) in brackets:
        return True
    for passes in range(limit + 1):
        if passes + brackets.count(b"(") <= limit:
            return False
        reduced = brackets.replace(b"()", b"")
        if reduced == brackets:  # no pair left: only unmatched brackets, ")))(((("
            return True
        brackets = reduced
    return True


# ------------------------------------------------------- Dash callbacks ---

MAX_SAFE_INTEGER = 2**53  # no number a browser sends as an integer is larger
_TEXT_PROPS = {"search", "pathname", "hash", "href", "start_date", "end_date", "date"}
_COUNT_PROPS = {"n_clicks", "n_clicks_timestamp", "n_submit", "n_blur"}
_SCALARS = (str, int, float, bool)


def _scalar(value: Any) -> bool:
    """A plain value a field sends; text without NUL (PostgreSQL's text cannot hold it)."""
    if isinstance(value, str):
        return "\x00" not in value
    return value is None or isinstance(value, _SCALARS)


def _prop_problem(prop: str, value: Any) -> str | None:
    """Whether ``value`` cannot be what a browser sends for ``prop``: the shapes
    the monitor's components send (a URL part is text, a click count a number, a
    dropdown's value a scalar or a list of them, a grid's selected rows a list of
    flat records). Properties whose shape only the page knows pass."""
    if value is None:
        return None
    if prop in _TEXT_PROPS:
        if prop == "pathname" and not (isinstance(value, str) and value.startswith("/")):
            return "应为以 / 开头的路径"
        # a link's query reaches the page's layout decoded: %00 is a NUL there too
        ok = isinstance(value, str) and "\x00" not in unquote(value)
        return None if ok else "应为不含空字符的文本"
    if prop in _COUNT_PROPS:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        return None if ok else "应为非负数"
    if prop == "value":
        items = value if isinstance(value, list) else [value]
        return None if all(_scalar(v) for v in items) else "应为文本（不含空字符）、数字或其列表"
    if prop == "selectedRows":
        ok = isinstance(value, list) and all(
            isinstance(row, dict) and all(_scalar(v) for v in row.values()) for row in value
        )
        return None if ok else "应为记录的列表（文本不含空字符）"
    return None


def _numbers_problem(payload: Any) -> str | None:
    """An integer beyond what JavaScript holds exactly, or a non-finite number,
    anywhere in the request: never sent by the pages (walked without recursion)."""
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            if abs(item) > MAX_SAFE_INTEGER:
                return "数值超出范围"
        elif isinstance(item, float) and not math.isfinite(item):
            return "数值无效"
    return None


def callback_problem(payload: Any) -> str | None:
    """What is wrong with a Dash callback request's shape, or None."""
    if not isinstance(payload, dict):
        return "回调请求格式错误"
    if not isinstance(payload.get("output"), str):
        return "回调请求缺少 output"
    for part in ("inputs", "state"):
        items = payload.get(part, [])
        if not isinstance(items, list):
            return f"回调请求的 {part} 应为列表"
        for item in items:
            # a pattern-matching input (ALL) arrives as a list of such dicts
            for entry in item if isinstance(item, list) else [item]:
                if not isinstance(entry, dict) or not isinstance(entry.get("property"), str):
                    return f"回调请求的 {part} 格式错误"
                problem = _prop_problem(entry["property"], entry.get("value"))
                if problem:
                    return f"参数 {entry['property']} 的值无效（{problem}）"
    changed = payload.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "回调请求的 changedPropIds 格式错误"
    return _numbers_problem(payload)


CALLBACKS = "ccec_callback_map"  # server.extensions: the Dash app's callback_map


def callback_shape_problem(payload: dict[str, Any], callbacks: dict[str, Any]) -> str | None:
    """A request naming a registered callback must carry as many inputs, states and
    outputs as that callback has: Dash indexes them by position and answered a crafted
    request with fewer (or more) with a 500 (IndexError, "Wrong length output_spec")."""
    spec = callbacks.get(payload["output"])
    if spec is None:  # an unknown output: Dash's KeyError, answered 400 below
        return None
    for part in ("inputs", "state"):
        if len(payload.get(part, [])) != len(spec.get(part, [])):
            return f"回调请求的 {part} 与回调定义不符（应有 {len(spec.get(part, []))} 项）"
        # and each in its place: Dash hands them to the callback by position, whatever
        # they name, so a request naming its search "pathname" had 用户管理 drawn for an
        # administrator while the page cache, reading the names, kept it as 总览 for everyone
        sent_list, wanted_list = payload.get(part, []), spec.get(part, [])
        for n, (sent, wanted) in enumerate(zip(sent_list, wanted_list, strict=True)):
            if _misplaced(sent, wanted):
                return (
                    f"回调请求的 {part} 第 {n + 1} 项与回调定义不符"
                    f"（应为 {wanted.get('id')}.{wanted.get('property')}）"
                )
    output = payload["output"]
    if output.startswith(".."):  # several outputs: "..a.children...b.data.."
        expected = len(output.strip(".").split("..."))
        outputs = payload.get("outputs")
        if not isinstance(outputs, list) or len(outputs) != expected:
            return f"回调请求的 outputs 与回调定义不符（应有 {expected} 项）"
    return None


def _misplaced(sent: Any, wanted: dict[str, Any]) -> bool:
    """Whether an input or state of a request is not the one the callback declares at
    its place (a plain id; a pattern-matching one, sent as a dict or a list, is Dash's to
    match)."""
    wanted_id = wanted.get("id")
    if not isinstance(wanted_id, str) or wanted_id.startswith("{"):
        return False
    return not (
        isinstance(sent, dict)
        and sent.get("id") == wanted_id
        and sent.get("property") == wanted.get("property")
    )


# -------------------------------------------------------------- headers ---


def _inline_scripts(html: str) -> tuple[str, ...]:
    """The text of every inline script the browser would run (not JSON data
    blocks, not scripts inside comments)."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    scripts = []
    for match in re.finditer(r"<script\b([^>]*)>(.*?)</script\s*>", html, re.DOTALL | re.I):
        attrs, text = match.group(1).lower(), match.group(2)
        if re.search(r"\bsrc\s*=", attrs) or not text:
            continue
        kind = re.search(r"\btype\s*=\s*[\"']?([^\"'\s>]+)", attrs)
        if kind and kind.group(1) not in ("text/javascript", "application/javascript", "module"):
            continue  # data blocks (Dash's _dash-config) are never run
        scripts.append(text)
    return tuple(scripts)


@lru_cache(maxsize=64)
def _script_sources(scripts: tuple[str, ...]) -> str:
    hashes = (
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts
    )
    return " ".join(["'self'", *sorted(set(hashes))])


def content_security_policy(response: Response) -> str:
    """The policy for ``response``: its own inline scripts' hashes for an HTML page."""
    directives = dict(POLICY)
    if (
        response.mimetype == "text/html"
        and not response.is_streamed
        and not response.direct_passthrough
    ):
        scripts = _inline_scripts(response.get_data(as_text=True))
        if scripts:
            directives["script-src"] = _script_sources(scripts)
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _static(path: str) -> bool:
    return path.startswith(STATIC_PREFIXES) or path in CACHEABLE


def add_security_headers(response: Response, settings: Settings) -> Response:
    headers = response.headers
    # a page sent from memory (dashboard.transfer) brings its policy, computed once from
    # the page as written: its body here may already be compressed
    headers["Content-Security-Policy"] = g.get("ccec_policy") or content_security_policy(response)
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    if settings.secure_cookies:
        headers["Strict-Transport-Security"] = HSTS
    if not _static(request.path) and not g.get("ccec_revalidate"):
        # (a read API answer keyed by the data version keeps its ETag and
        # "private, no-cache": dashboard/page_cache.versioned_read)
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers.pop("ETag", None)
        headers.pop("Last-Modified", None)
    return response


# ------------------------------------------------------- refused requests ---


def _answer(message: str, status: int = 400) -> Response:
    if request.path.startswith(("/api/", "/_dash-", "/health")):
        response = jsonify({"error": message})
    else:
        response = Response(message, mimetype="text/plain")
    response.status_code = status
    return response


def check_request() -> Response | None:
    """Before any view: what would otherwise reach a parser or the database as a
    500 is answered 400 here."""
    values = [request.path, *request.args.values()]
    if request.mimetype == "application/x-www-form-urlencoded":
        values += request.form.values()
    if any("\x00" in v for v in values):
        return _answer("请求中含有空字符（NUL），无法处理")
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            return _answer(f"无效的编号 {name}（超出范围）")
    if request.is_json and json_depth_exceeds(request.get_data(cache=True)):
        return _answer(f"请求的 JSON 嵌套过深（超过 {MAX_JSON_DEPTH} 层），无法处理")
    if request.path.endswith("/_dash-update-component") and request.method == "POST":
        # parsed once here; Flask keeps the result for Dash's own get_json()
        payload = request.get_json(silent=True)
        problem = "回调请求不是有效的 JSON" if payload is None else callback_problem(payload)
        if not problem:
            problem = callback_shape_problem(payload, current_app.extensions.get(CALLBACKS, {}))
        if problem:
            return _answer(problem)
    return None


def register_security(server: Flask, settings: Settings) -> None:
    """Wire the checks and headers into ``server`` (call after ``init_auth``:
    the reading rule refuses an anonymous request before its body is looked at)."""
    server.before_request(check_request)
    server.after_request(lambda response: add_security_headers(response, settings))

    @server.errorhandler(InvalidInput)
    def _invalid(exc: InvalidInput) -> Response:
        return _answer(exc.description or "请求格式错误")

    @server.errorhandler(KeyError)
    def _unknown_callback(exc: KeyError) -> Response:
        # Dash's answer to a callback request naming an output no callback has
        if request.path.endswith(
            "/_dash-update-component"
        ) and "Callback function not found" in str(exc):
            return _answer("未知的回调（output 不存在）")
        raise exc

    @server.errorhandler(CallbackException)
    def _misshapen_callback(exc: CallbackException) -> Response:
        # Dash's answer to outputs or inputs that are not the callback's own
        if request.path.endswith("/_dash-update-component"):
            log.warning("回调请求与回调定义不符：%s", exc)
            return _answer("回调请求与回调定义不符")
        raise exc

    @server.errorhandler(DependencyException)
    def _no_such_file(exc: DependencyException) -> Response:
        # Dash's answer to a /_dash-component-suites/ path that is no file of the
        # package (or no package): a 500 with a traceback logged, for any address
        log.info("组件文件不存在：%s", request.path)
        return _answer("文件不存在", 404)

    @server.errorhandler(RecursionError)
    def _too_deep(exc: RecursionError) -> Response:
        log.warning("请求嵌套过深：%s %s", request.method, request.path, exc_info=exc)
        return _answer("请求的数据嵌套过深，无法处理")
