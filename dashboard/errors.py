"""Database failures of the server's making (disk full, data folder not writable,
database down) answer 503 with a Chinese message saying what happened and what
to do — JSON for the API and Dash's callbacks, text for pages — instead of a
bare 500; the log keeps the traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from sqlalchemy.exc import DBAPIError

from db.errors import StorageError, storage_problem

log = logging.getLogger(__name__)


def _answer(message: str) -> Response:
    if request.path.startswith(("/api/", "/_dash-", "/health")):
        response = jsonify({"error": message})
    else:
        response = Response(message, mimetype="text/plain")
    response.status_code = 503
    response.headers["Retry-After"] = "60"
    return response


def register_error_pages(server: Flask) -> None:
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
