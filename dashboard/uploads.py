"""Uploads through the web app: how large a request may be, and who sent a file.

A file may be at most MAX_UPLOAD_BYTES on every channel. The API receives it as
multipart (the request body is limited to MAX_UPLOAD_BYTES, Flask's
MAX_CONTENT_LENGTH); the pages' dcc.Upload sends it base64-encoded inside a
callback's JSON, a third larger, so the callback endpoint allows a body that
holds a file of MAX_UPLOAD_BYTES after base64 (plus room for the rest of the
JSON), and the callback checks the decoded file itself. Both are refused with
413 from the Content-Length, before anything is read or stored.
"""

from __future__ import annotations

import base64
import binascii

from flask import Flask, abort, current_app, request

from dashboard.auth import current_account, token_account
from dashboard.context import settings
from workflows.intake import Limits, Sender

CALLBACK_PATH = "/_dash-update-component"
# the JSON around the file in a callback: data-URL prefix, file name, the other
# inputs and states, the outputs' ids
CALLBACK_MARGIN = 256 * 1024


class UploadError(ValueError):
    """An upload that cannot be taken as sent; the message is Chinese."""


def callback_body_limit(max_upload_bytes: int) -> int:
    """The largest callback body: a file of ``max_upload_bytes`` in base64, and the rest."""
    return 4 * -(-max_upload_bytes // 3) + CALLBACK_MARGIN


def body_limit() -> int | None:
    """The largest body this request may have (None: no limit set)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and request.path == CALLBACK_PATH:
        return callback_body_limit(limit)
    return limit


def limit_request_body() -> None:
    """Before anything else reads the request: set its limit, and refuse (413) a
    body whose declared length is over it without reading a byte of it."""
    limit = body_limit()
    if limit is None:
        return
    request.max_content_length = limit
    length = request.content_length
    if length is not None and length > limit:
        abort(413)


def init_upload_limits(server: Flask) -> None:
    """Run ``limit_request_body`` first of all the app's before-request functions."""
    server.before_request_funcs.setdefault(None, []).insert(0, limit_request_body)


def upload_limits() -> Limits:
    return Limits.from_settings(settings())


def decode_upload(contents: str) -> bytes:
    """The file of a dcc.Upload ``contents`` (a base64 data URL)."""
    try:
        _, encoded = contents.split(",", 1)
        return base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise UploadError(
            "上传的文件内容无法解码（不是有效的 base64 数据）：请重新选择文件上传"
        ) from None


def sender(channel: str) -> Sender:
    """Who sends this request's file: the token's or the signed-in account, else 匿名."""
    address = request.remote_addr or ""
    account = token_account() if channel == "api" else current_account()
    if account is None:
        return Sender("匿名", channel, None, address)
    return Sender(account.username, channel, account.id or None, address)
