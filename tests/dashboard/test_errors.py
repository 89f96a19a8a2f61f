"""Failures of the server's making answer 503 with a Chinese message; others stay 500.
(The real faults — a full disk, PostgreSQL stopped — are provoked in tests/test_faults.py.)"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.exc import OperationalError, ProgrammingError

from dashboard.errors import register_error_pages
from db.errors import (
    DISK_FULL,
    READ_ONLY,
    UNREACHABLE,
    StorageError,
    storage_errors,
    storage_problem,
)


def _error(message: str) -> OperationalError:
    return OperationalError("INSERT …", {}, sqlite3.OperationalError(message))


@pytest.mark.parametrize(
    ("driver_message", "expected"),
    [
        ("database or disk is full", DISK_FULL),
        ('could not extend file "base/16384/2619": No space left on device', DISK_FULL),
        ("attempt to write a readonly database", READ_ONLY),
        ('connection to server at "127.0.0.1", port 5432 failed: Connection refused', UNREACHABLE),
        ("terminating connection due to administrator command", UNREACHABLE),
        ('relation "observations" does not exist', None),  # a fault of ours: no excuse
    ],
)
def test_err001_driver_messages_become_the_users(driver_message: str, expected: str | None) -> None:
    assert storage_problem(_error(driver_message)) == expected


def test_err002_storage_errors_converts_only_what_it_knows() -> None:
    with pytest.raises(StorageError, match="磁盘空间已满"), storage_errors():
        raise _error("database or disk is full")
    with pytest.raises(ProgrammingError), storage_errors():
        raise ProgrammingError("SELECT", {}, Exception("syntax error"))


@pytest.fixture
def client() -> Iterator[object]:
    app = Flask(__name__)
    register_error_pages(app)

    @app.post("/api/v1/submissions")
    def full() -> str:
        raise StorageError(DISK_FULL)

    @app.get("/region")
    def down() -> str:
        raise _error("connection refused")

    @app.get("/api/v1/broken")
    def broken() -> str:
        raise _error('relation "x" does not exist')

    yield app.test_client()


def test_err003_answers_503_json_for_the_api_text_for_pages_500_for_our_faults(client) -> None:
    answer = client.post("/api/v1/submissions")
    assert answer.status_code == 503 and answer.get_json() == {"error": DISK_FULL}
    assert answer.headers["Retry-After"] == "60"
    page = client.get("/region")
    assert page.status_code == 503 and page.get_data(as_text=True) == UNREACHABLE
    assert client.get("/api/v1/broken").status_code == 500
