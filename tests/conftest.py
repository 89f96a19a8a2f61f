"""Fixtures shared by the whole suite: databases on SQLite and PostgreSQL.

Every database test runs on a fresh SQLite file; when TEST_DATABASE_URL names a
PostgreSQL server it runs there too, in a database of its own that is dropped
afterwards.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.scratch import postgres_database
from db.session import make_engine, make_session_factory

BACKENDS = ["sqlite", "postgresql"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--e2e", action="store_true", help="run the headless-browser tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--e2e"):
        if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
            reason = "Chromium 未安装（apt-get install chromium chromium-driver）"
        else:
            return
    else:
        reason = "浏览器测试需加 --e2e 运行"
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@contextmanager
def new_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database on ``backend``; a PostgreSQL one is dropped after."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'test.sqlite'}"
        return
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        pytest.skip("TEST_DATABASE_URL 未设置：跳过 PostgreSQL")
    with postgres_database(server) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    with new_database("sqlite", tmp_path) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend in turn, for one test."""
    with new_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database on each backend, shared by the tests of one module."""
    with new_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture(autouse=True)
def _progress_recomputes_done() -> Iterator[None]:
    """A test that imported data has kicked a background recompute
    (workflows.progress.kick): let it finish before the test's database goes."""
    yield
    from workflows.progress import wait_for_progress

    wait_for_progress(120)
