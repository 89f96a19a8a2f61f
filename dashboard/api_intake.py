"""Intake routes of the API: observations out, submissions in, templates, OpenAPI."""

from __future__ import annotations

import base64
import csv
import io
import json
import math
from collections.abc import Generator, Iterator
from itertools import islice
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request, stream_with_context
from flask.typing import ResponseReturnValue

from dashboard.api import error_response
from dashboard.auth import bearer
from dashboard.context import region_directory, session_factory
from dashboard.uploads import upload_limits
from db.observations import (
    LAYER_NAMES_ZH,
    LISTING_COLUMNS,
    LISTING_KEY,
    page_end,
    stream_observations,
)
from indicators.access import ROLE_ZH, can_review, report_scope
from indicators.normalise import NormaliseError, parse_period
from indicators.regions import RegionError
from indicators.vintages import VINTAGES
from workflows.intake import STATUS_ZH, filename_problem, receive, reporting_template

intake_api = Blueprint("api_v1_intake", __name__, url_prefix="/api/v1")


# the most rows one page may ask for (``limit``); without ``limit`` every row
# matching is streamed in one answer
MAX_LIMIT = 50_000
CURSOR_HELP = "请原样传回上一页答复中的 next_cursor"


def encode_cursor(key: tuple[object, ...]) -> str:
    """An opaque cursor: the keyset position (db.observations.LISTING_KEY) of the
    last row of a page, base64url JSON."""
    raw = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[object, ...]:
    """The key a cursor names; ValueError (in Chinese) for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw.decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"参数 cursor 无效：{CURSOR_HELP}") from exc
    shape = [str] * (len(LISTING_KEY) - 1) + [int]
    if not (
        isinstance(key, list)
        and len(key) == len(shape)
        and all(type(v) is t for v, t in zip(key, shape, strict=True))
        # the database's range and text: a revision beyond 64 bits, or a NUL, is no key
        # a page gave (they reached the driver and failed there: a 500)
        and -(2**63) <= key[-1] < 2**63
        and not any("\x00" in v for v in key[:-1])
    ):
        raise ValueError(f"参数 cursor 无效：{CURSOR_HELP}")
    return tuple(key)


def _limit(raw: str | None) -> int | None:
    if raw is None:
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_LIMIT:
        raise ValueError(f"参数 limit 应为 1 到 {MAX_LIMIT} 之间的整数，收到“{raw[:40]}”")
    return int(raw)


# rows written per chunk of a streamed answer: one write of ~0.4 MB (JSON) rather than
# one per row; an answer of fewer rows is one chunk, sent whole with its length
CHUNK_ROWS = 1000
_ITEM = json.JSONEncoder(ensure_ascii=False)
# the C encoder json.dumps runs, made once instead of once per row (json.dumps with an
# argument builds a JSONEncoder and its C encoder on every call): the same text
_C_ENCODER = (
    None
    if json.encoder.c_make_encoder is None
    else json.encoder.c_make_encoder(
        None, _ITEM.default, json.encoder.encode_basestring, None, ": ", ", ",
        False, False, True,
    )
)  # fmt: skip


def _record(row: tuple[Any, ...]) -> dict[str, Any]:
    """One streamed row as the JSON item ``observations_frame`` used to give
    (``created_at`` comes as text from ``stream_observations``)."""
    item = dict(zip(LISTING_COLUMNS, row, strict=True))
    value = item["value"]
    if value is not None and not math.isfinite(value):
        item["value"] = None
    item["layer_zh"] = LAYER_NAMES_ZH.get(item["layer"])
    return item


def _item_text(row: tuple[Any, ...]) -> str:
    """A row as ``json.dumps(_record(row), ensure_ascii=False)`` writes it."""
    if _C_ENCODER is None:
        return _ITEM.encode(_record(row))
    return "".join(_C_ENCODER(_record(row), 0))


def _json_body(
    rows: Iterator[tuple[Any, ...]], limit: int | None, next_cursor: str | None
) -> Generator[str]:
    """``{"observations": [...], "count": n, "limit": …, "next_cursor": …}``,
    written ``CHUNK_ROWS`` rows at a time as they come from the database."""
    parts = ['{"observations":[']
    count = 0
    for batch in iter(lambda: list(islice(rows, CHUNK_ROWS)), []):
        parts.append(("," if count else "") + ",".join(map(_item_text, batch)))
        count += len(batch)
        if len(batch) == CHUNK_ROWS:
            yield "".join(parts)
            parts = []
    tail = {"count": count, "limit": limit, "next_cursor": next_cursor}
    parts.append("]," + json.dumps(tail, ensure_ascii=False)[1:])
    yield "".join(parts)


def _csv_body(rows: Iterator[tuple[Any, ...]]) -> Generator[str]:
    """A header, then the rows, ``CHUNK_ROWS`` to a chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*LISTING_COLUMNS, "layer_zh"])
    for n, row in enumerate(rows, 1):
        item = _record(row)
        writer.writerow(["" if v is None else v for v in item.values()])
        if n % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _streamed(body: Generator[str], mimetype: str, headers: dict[str, str]) -> Response:
    """The answer streamed chunk by chunk; one of a single chunk (a series, a short
    page) is sent whole, with its length, in one write."""
    first = next(body)
    second = next(body, None)
    if second is None:
        return Response(first, mimetype=mimetype, headers=headers)

    def chunks() -> Iterator[str]:
        try:
            yield first
            yield second
            yield from body
        finally:
            body.close()  # a client gone midway: the database cursor closes now

    return Response(stream_with_context(chunks()), mimetype=mimetype, headers=headers)


@intake_api.get("/observations")
def observations() -> ResponseReturnValue:
    """Series with status, vintage, revision and source; ``all_revisions=1`` for history.

    Streamed: rows go from the database cursor straight to JSON (default) or CSV
    (``format=csv``), never through a frame. ``limit`` pages them: the answer's
    ``next_cursor`` (and its ``X-Next-Cursor`` and ``Link: rel="next"`` headers),
    passed back as ``cursor``, gives the next page. Pages follow the rows' unique
    key (keyset), so every row is returned exactly once however many are added
    between pages."""
    args = request.args
    region = None
    if "region" in args:
        try:
            region = region_directory().resolve(args["region"]).code
        except RegionError as exc:
            return error_response(str(exc), 404)
    try:
        start = parse_period(args["from"]) if "from" in args else None
        end = parse_period(args["to"]) if "to" in args else None
    except NormaliseError as exc:
        return error_response(str(exc), 400)
    form = args.get("format", "json")
    if form not in ("json", "csv"):
        return error_response(f"参数 format 取值无效（json 或 csv），收到“{form[:40]}”", 400)
    try:
        limit = _limit(args.get("limit"))
        after = decode_cursor(args["cursor"]) if "cursor" in args else None
    except ValueError as exc:
        return error_response(str(exc), 400)
    filters = (
        args.get("indicator"),
        region,
        start,
        end,
        args.get("all_revisions") not in ("1", "true"),
    )
    factory = session_factory()
    through, next_cursor = None, None
    if limit is not None:
        with factory() as session:
            end_of_page = page_end(session, *filters, after, limit)
        if end_of_page is not None:
            through = end_of_page[0]
            next_cursor = encode_cursor(through) if end_of_page[1] else None

    def rows() -> Iterator[tuple[Any, ...]]:
        with factory() as session:
            yield from stream_observations(session, *filters, after=after, through=through)

    headers = {}
    if next_cursor is not None:
        query = {**args.to_dict(), "cursor": next_cursor}
        headers["X-Next-Cursor"] = next_cursor
        headers["Link"] = f'<{request.path}?{urlencode(query)}>; rel="next"'
    if form == "csv":
        headers["Content-Disposition"] = "attachment; filename=observations.csv"
        return _streamed(_csv_body(rows()), "text/csv", headers)
    return _streamed(_json_body(rows(), limit, next_cursor), "application/json", headers)


@intake_api.post("/submissions")
def submissions() -> ResponseReturnValue:
    """A file from a system, with a token; the answer is the validation report.

    One workflow for every channel: a reporter's file waits for review (202,
    status ``pending``, nothing imported) as an upload from 数据填报 does; a
    reviewer's or administrator's token, or one an administrator marked trusted
    (直报), imports at once (201). Every submission writes an ``upload`` audit
    event naming the account, the channel and the outcome.

    The sender's right to submit is checked before the body is read: a viewer's
    token is refused (403) and nothing is stored. A body over MAX_UPLOAD_BYTES was
    refused (413) before this runs."""
    held = bearer()
    if held is None:
        return error_response("缺少或无效的访问令牌（Authorization: Bearer <令牌>）", 401)
    account, trusted = held
    allowed = report_scope(account)
    if allowed is not None and not allowed:
        return error_response(
            f"访问令牌所属账号“{account.username}”（{ROLE_ZH[account.role]}）无报送权限，"
            "不能上传文件；文件未读取，也未保存",
            403,
        )
    upload = request.files.get("file")
    if upload is None:
        return error_response("请以 multipart/form-data 的 file 字段上传文件", 400)
    filename = upload.filename or "upload"
    if problem := filename_problem(filename):
        return error_response(problem, 400)
    for field in ("indicator", "region", "vintage"):
        if filename_problem(request.form.get(field, "")):
            return error_response(f"参数 {field} 含有控制字符（如 NUL）", 400)
    vintage = request.form.get("vintage") or None  # None: as the file's notes say
    if vintage is not None and vintage not in VINTAGES:
        return error_response(f"vintage 取值无效，可选：{'、'.join(VINTAGES)}", 400)
    outcome = receive(
        session_factory(),
        filename,
        upload.read(),
        channel="api",
        user_id=account.id,
        allowed_regions=allowed,
        vintage=vintage,
        default_indicator=request.form.get("indicator"),
        default_region=request.form.get("region"),
        address=request.remote_addr,
        limits=upload_limits(),
        review=not (trusted or can_review(account)),
        actor=account.username,
    )
    body = {
        "submission_id": outcome.submission_id,
        "status": outcome.status,
        "status_zh": STATUS_ZH.get(outcome.status, outcome.status),
        "report": outcome.report,
    }
    code = {"imported": 201, "pending": 202, "duplicate": 200}.get(outcome.status, 422)
    return jsonify(body), code


@intake_api.get("/template")
def template() -> ResponseReturnValue:
    """The reporting template pre-filled for ``region`` and ``period`` (``format=xlsx|csv``)."""
    args = request.args
    ext = "csv" if args.get("format", "xlsx") == "csv" else "xlsx"
    try:
        made = reporting_template(
            session_factory(), args.get("region", ""), args.get("period", ""), ext
        )
    except (RegionError, NormaliseError) as exc:
        return error_response(str(exc), 400)
    mime = (
        "text/csv"
        if ext == "csv"
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    filename = f"template-{made.region_code}-{made.period.replace('/', '_')}.{ext}"
    return Response(
        made.content,
        mimetype=mime,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@intake_api.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    from dashboard.openapi import SPEC

    return jsonify(SPEC)
