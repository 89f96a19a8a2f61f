"""Database failures of the server's making (disk full, data folder not writable,
database down) answer 503 with a Chinese message saying what happened and what
to do — JSON for the API and Dash's callbacks, text for pages — instead of a
bare 500; the log keeps the traceback.

A request larger than allowed (dashboard/uploads.py) answers 413 the same ways,
before its body is read; an upload refused so is recorded (declared size, who,
why) without its bytes."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import RequestEntityTooLarge

from dashboard.context import session_factory, settings
from dashboard.uploads import CALLBACK_PATH, init_upload_limits, sender
from db.errors import StorageError, storage_problem
from workflows.intake import allow_anonymous_check, record_unread_refusal

log = logging.getLogger(__name__)


def _answer(message: str, status: int = 503) -> Response:
    if request.path.startswith(("/api/", "/_dash-", "/health")):
        response = jsonify({"error": message})
    else:
        response = Response(message, mimetype="text/plain")
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = "60"
    return response


MIB = 1024 * 1024
UPLOAD_PATHS = {"/api/v1/submissions": "api", CALLBACK_PATH: "page"}


def _mb(size: int) -> str:
    return f"{size / MIB:,.1f} MB" if size >= MIB else f"{size:,} 字节"


def _too_large_message() -> str:
    limit = request.max_content_length
    size = request.content_length
    sent = f"请求大小 {_mb(size)}，" if size is not None else ""
    over = f"超过上限 {_mb(limit)}" if limit is not None else "超过上限"
    file_limit = current_app.config.get("MAX_CONTENT_LENGTH")
    per_file = f"单个文件不能超过 {_mb(file_limit)}，" if file_limit is not None else ""
    return f"上传的内容过大：{sent}{over}；{per_file}请拆分后重新上传。内容未读取，也未保存。"


def _record_too_large(message: str) -> None:
    """An upload refused by its size, recorded without its bytes (never read);
    an anonymous client's only within its check allowance, so refusals cannot
    flood the log."""
    channel = UPLOAD_PATHS.get(request.path)
    if channel is None or request.method != "POST":
        return
    try:
        who = sender(channel)
        factory = session_factory()
        if who.user_id is None and not allow_anonymous_check(
            factory, who.address or "", settings().check_rate_limit, None, request.content_length
        ):
            return
        record_unread_refusal(factory, who, "", request.content_length, message)
    except Exception:  # the refusal stands whether or not it could be recorded
        log.exception("未能记录拒收的上传")


def register_error_pages(server: Flask) -> None:
    init_upload_limits(server)

    @server.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge) -> Response:
        message = _too_large_message()
        log.warning(
            "请求过大，已拒绝：%s %s（%s 字节）",
            request.method,
            request.path,
            request.content_length,
        )
        _record_too_large(message)
        return _answer(message, 413)

    @server.errorhandler(StorageError)
    def storage(exc: StorageError) -> Response:
        log.error("存储失败：%s", exc, exc_info=exc.__cause__ or exc)
        return _answer(str(exc))

    @server.errorhandler(DBAPIError)
    def database(exc: DBAPIError) -> Response:
        message = storage_problem(exc)
        if message is None:
            raise exc  # a fault of ours: a 500 with its traceback in the log
        log.error("数据库不可用：%s", exc, exc_info=exc)
        return _answer(message)
