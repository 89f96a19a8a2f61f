"""What a failed database write means for the person who asked for it.

A full disk, a data folder that cannot be written or a database that does not
answer are not the user's fault, and their files must not silently vanish; the
web layer shows these messages (in Chinese, with what to do) instead of a
server error, and the log keeps the driver's own words.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError

DISK_FULL = "服务器磁盘空间已满，本次提交未能保存；已保存的数据不受影响。请联系系统管理员清理磁盘后重新提交。"
READ_ONLY = "服务器数据目录不可写，本次提交未能保存；已保存的数据不受影响。请联系系统管理员检查数据目录权限。"
UNREACHABLE = "数据库暂时无法连接，本次操作未完成；已保存的数据不受影响。请稍后重试。"

_SIGNS = [
    (DISK_FULL, ("database or disk is full", "no space left on device", "disk full")),
    (READ_ONLY, ("readonly database", "read-only file system", "unable to open database file")),
    (
        UNREACHABLE,
        (
            "connection refused",
            "server closed the connection",
            "terminating connection",
            "connection is closed",
            "could not connect",
            "the database system is starting up",
            "the database system is shutting down",
            "consuming input failed",
        ),
    ),
]


class StorageError(Exception):
    """The database could not do what was asked, for a reason of the server's."""


def storage_problem(exc: BaseException) -> str | None:
    """The user's message for a database failure of the server's making, else None."""
    if not isinstance(exc, DBAPIError | OSError):
        return None
    text = str(exc).lower()
    for message, signs in _SIGNS:
        if any(sign in text for sign in signs):
            return message
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return UNREACHABLE
    return None


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn a database failure of the server's making into StorageError (its message
    for the user); anything else passes unchanged."""
    try:
        yield
    except DBAPIError as exc:
        message = storage_problem(exc)
        if message is None:
            raise
        raise StorageError(message) from exc
