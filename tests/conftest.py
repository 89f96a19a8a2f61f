"""Fixtures shared by the whole suite: databases on SQLite and PostgreSQL.

Every database test runs on a fresh SQLite file; when TEST_DATABASE_URL names a
PostgreSQL server it runs there too, in a database of its own that is dropped
afterwards.

A database the app has prepared (``ensure_ready``: regions, catalogue, project register,
snapshots, and with some seeds the 示例数据 and the published layer) takes seconds of CPU
to build; the suite builds each such seed once per session and backend and hands every
module or test that asks for it its own copy (SQLite: the file copied, milliseconds;
PostgreSQL: ``CREATE DATABASE … TEMPLATE``). Copies, not shares: a test that changes its
database changes nobody else's.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db.scratch import postgres_database
from db.session import make_engine, make_session_factory

BACKENDS = ["sqlite", "postgresql"]

# What each seed holds: the arguments ensure_ready builds it with ("schema": the
# migrations alone, no rows).
SEEDS: dict[str, dict[str, bool]] = {
    "schema": {},  # migrated to head and empty: what migrate.upgrade leaves
    "ready": {"sample": False, "published": False},  # a first start without data
    "sample": {"sample": True, "published": False},  # and the 示例数据
    # and the published layer, without the 示例数据: what import-file, mark-overdue and the
    # other commands that prepare the database themselves (sample=False) leave, and a
    # start with LOAD_SAMPLE_DATA=false
    "published": {"sample": False, "published": True},
    "full": {"sample": True, "published": True},  # and the published layer: the default start
    "full-2026-11-27": {"sample": True, "published": True},  # the default start on that day
}
# The TODAY setting a seed is built under: the sample dispatches of the project register
# run up to the last month due on that day (tests/browser/test_dispatch_page.py).
SEED_TODAY: dict[str, str] = {"full-2026-11-27": "2026-11-27"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--e2e", action="store_true", help="run the headless-browser tests")


def pytest_configure(config: pytest.Config) -> None:
    """pytest-xdist hands the test files out in the order ``_longest_first`` gives, not
    by their number of tests (its default): that put the one-test files last -- the
    load test, the reporting loop, the dispatch page, the deployment -- 20-30 s each,
    which then ran with the other worker idle (about 25 s of a 436 s run)."""
    config.option.loadscopereorder = False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _unique_node_ids(items)
    _longest_first(items)
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


def _longest_first(items: list[pytest.Item]) -> None:
    """Files whose tests take longest first, so that the files handed out last are short
    and the two workers finish together: those with a test that must run alone
    (``exclusive``), then the browser tests and the tests at the top of tests/ (real
    processes: the app, gunicorn, manage.py), then the rest; the collection order within
    each group. A file's tests stay together (``--dist loadfile``)."""

    exclusive = {Path(str(item.path)) for item in items if item.get_closest_marker("exclusive")}

    def group(item: pytest.Item) -> int:
        path = Path(str(item.path))
        if path in exclusive:
            return 0
        if "browser" in item.keywords or path.parent.name == "tests":
            return 1
        return 2

    items.sort(key=group)  # stable: the collection order within a group


def _unique_node_ids(items: list[pytest.Item]) -> None:
    """Every test has an id of its own: pytest-xdist schedules by id, and with
    ``--dist loadfile`` runs one test of those sharing an id (the others are never run
    nor reported). schemathesis 4.32.5 names its test per API operation
    (``test_afz001…[GET /api/v1/regions]``) but under pytest 9.2 the ten share the
    function's id (it sets ``Function._nodeid``, which pytest 9.2 no longer reads), so
    the operation is put into the id here; any other repeat stops the run."""
    for item in items:
        label = getattr(item, "operation_label", None)  # schemathesis.pytest's items
        if label and item._id.params is None:  # type: ignore[attr-defined]
            item._id = item._id.with_params(label)  # type: ignore[attr-defined]
    repeated = sorted(i for i, n in Counter(item.nodeid for item in items).items() if n > 1)
    if repeated:
        raise pytest.UsageError(f"tests sharing an id (pytest-xdist would run one): {repeated}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    """With pytest-xdist (``-n 2 --dist loadfile``) a test marked ``exclusive`` runs while
    no other worker runs one: it restarts the PostgreSQL server every worker uses, or
    measures how fast the app answers. Two lock files in the run's temporary folder
    (the workers' folders lie in it): every test holds the main one shared, from the
    setup of its fixtures to their teardown; an exclusive test takes the gate first (so
    the others cannot keep slipping in before it), then the main one alone. Without
    xdist nothing is locked."""
    if not hasattr(item.config, "workerinput"):
        return (yield)
    run = item.config._tmp_path_factory.getbasetemp().parent  # type: ignore[attr-defined]
    exclusive = item.get_closest_marker("exclusive") is not None
    with open(run / "tests.gate", "a") as gate, open(run / "tests.lock", "a") as lock:
        fcntl.flock(gate, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        if not exclusive:
            fcntl.flock(gate, fcntl.LOCK_UN)
        return (yield)  # the files' locks go when they are closed


@contextmanager
def new_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database on ``backend``; a PostgreSQL one is dropped after."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'test.sqlite'}"
        return
    with postgres_database(_postgres_server()) as url:
        yield url


def _postgres_server() -> str:
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        pytest.skip("TEST_DATABASE_URL 未设置：跳过 PostgreSQL")
    return server


class Seeds:
    """Databases prepared by ``ensure_ready`` once per session, each built when first
    asked for, handed out as copies. The SQLite seeds lie in ``folder``, which the
    workers of one pytest-xdist run share: the first to ask builds, the others wait for
    it and copy the file. The PostgreSQL seeds are per process (a template is dropped
    by the process that made it, at its end)."""

    def __init__(self, folder: Path, stack: ExitStack) -> None:
        self._folder = folder
        self._stack = stack  # drops the PostgreSQL seeds when the session ends
        self._urls: dict[tuple[str, str], str] = {}

    def _seed(self, backend: str, seed: str) -> str:
        if (backend, seed) not in self._urls:
            if backend == "sqlite":
                path = self._folder / f"seed-{seed}.sqlite"
                with open(path.with_suffix(".lock"), "a") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
                    if not path.with_suffix(".done").exists():
                        path.unlink(missing_ok=True)  # a build that broke off
                        _build(f"sqlite:///{path}", seed)
                        path.with_suffix(".done").touch()
                url = f"sqlite:///{path}"
            else:
                url = self._stack.enter_context(postgres_database(_postgres_server(), "ccec_seed"))
                _build(url, seed)
            self._urls[backend, seed] = url
        return self._urls[backend, seed]

    @contextmanager
    def copy(
        self, backend: str, seed: str, folder: Path, name: str = "test.sqlite"
    ) -> Iterator[str]:
        """The URL of a new database holding what ``seed`` holds (on SQLite the file
        ``name`` in ``folder``); a PostgreSQL one is dropped after."""
        if backend == "sqlite":
            source = make_url(self._seed(backend, seed)).database
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / name
            with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
                src.backup(dst)
            yield f"sqlite:///{target}"
            return
        template = make_url(self._seed(backend, seed)).database
        with postgres_database(_postgres_server(), template=template) as url:
            yield url


def _build(url: str, seed: str) -> None:
    from db import migrate
    from workflows.first_run import ensure_ready  # the app's whole import: only when needed

    engine = make_engine(url)
    today = os.environ.get("TODAY")
    try:
        if seed in SEED_TODAY:
            os.environ["TODAY"] = SEED_TODAY[seed]
        if seed == "schema":
            migrate.upgrade(engine)
        else:
            ensure_ready(engine, make_session_factory(engine), **SEEDS[seed])
    finally:
        engine.dispose()  # a template nobody is connected to; a SQLite file without WAL
        if today is None:
            os.environ.pop("TODAY", None)
        else:
            os.environ["TODAY"] = today


@pytest.fixture(scope="session")
def seeds(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeds]:
    if hasattr(request.config, "workerinput"):  # pytest-xdist: the run's folder, shared
        folder = tmp_path_factory.getbasetemp().parent / "seeds"
        folder.mkdir(exist_ok=True)
    else:
        folder = tmp_path_factory.mktemp("seeds")
    with ExitStack() as stack:
        yield Seeds(folder, stack)


def _seeded(seed: str, scope: str) -> Callable[..., Iterator[str]]:
    def fixture(
        request: pytest.FixtureRequest, seeds: Seeds, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[str]:
        with seeds.copy(request.param, seed, tmp_path_factory.mktemp(seed)) as url:
            yield url

    fixture.__doc__ = f"A copy of the {seed!r} seed ({SEEDS[seed]}) on each backend, per {scope}."
    return pytest.fixture(scope=scope, params=BACKENDS)(fixture)  # type: ignore[call-overload]


# A database as ensure_ready(**SEEDS[seed]) leaves it, of one's own: per test, or shared
# by the tests of a module (which then must not depend on each other's changes);
# schema_url: migrated and empty (a module whose tests each began with migrate.upgrade on
# db_url overrides db_url with it: the 18 migrations cost ~1.4-2.8 s a test, measured).
schema_url = _seeded("schema", "function")
ready_url = _seeded("ready", "function")
sample_url = _seeded("sample", "function")
published_url = _seeded("published", "function")
full_url = _seeded("full", "function")
module_ready_url = _seeded("ready", "module")
module_sample_url = _seeded("sample", "module")
module_full_url = _seeded("full", "module")


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


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    """The work a test left to this process's background threads (a recompute kicked by
    an import, workflows.progress.kick; replies the page cache stores,
    dashboard.page_cache) is finished before any of its fixtures is torn down. An
    autouse fixture waited for the recompute, but after the others' teardown (autouse
    fixtures are set up first, so torn down last): a thread that opened a connection
    between the engine's dispose and the database's drop left it in a pool nobody
    holds, and a later test failed when the garbage collector closed it
    (ResourceWarning, an error here; shown with a delayed recompute, and the likely
    cause of test_prj003[sqlite] and test_vin003 failing under pytest-xdist). Only modules a test imported are waited for; a recompute still
    running after 120 s fails the test that left it."""
    progress = sys.modules.get("workflows.progress")
    if progress is not None and not progress.wait_for_progress(120):
        pytest.fail("测试结束 120 秒后后台进展评估仍在运行：其连接会在数据库删除后泄漏")
    page_cache = sys.modules.get("dashboard.page_cache")
    if page_cache is not None:
        page_cache.flush()
    return (yield)


@pytest.fixture
def sqlite_ready(seeds: Seeds, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A session factory on a copy of the "ready" seed (regions and catalogue, no data)
    on SQLite: for tests of what files become, which the backend does not change."""
    with seeds.copy("sqlite", "ready", tmp_path) as url:
        engine = make_engine(url)
        yield make_session_factory(engine)
        engine.dispose()
