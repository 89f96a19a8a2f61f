"""A real app process on a free port, and headless Chromium driven by Playwright."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import pytest

from config.settings import PROJECT_ROOT
from db.admin import add_user, command_line
from db.regions import load_directory
from db.session import make_engine, make_session_factory, transaction
from workflows.reminders import overdue_job

if TYPE_CHECKING:
    from tests.conftest import Seeds

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(data_dir: Path, **env: str) -> Iterator[str]:
    """``python -m dashboard`` as a user starts it, on the SQLite database in ``data_dir``
    (created and filled on first run when empty); yields its address."""
    port = _free_port()
    log = (data_dir / "app.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=app_environment(data_dir, **env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # a first start on a shared, loaded machine took 43 s (one test process) and over
        # 60 s (two at once, load 8-15): time to start is not what these tests check
        deadline = time.monotonic() + 240
        while True:
            try:
                urllib.request.urlopen(url + "/api/v1/regions", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data_dir / "app.log").read_text()) from None
                time.sleep(0.3)
        # The first page request draws every page once (dashboard.app.validation_layout):
        # made here, so no test's first page load waits for it (over 30 s, Playwright's
        # default timeout, on a loaded machine with two test workers)
        urllib.request.urlopen(url + "/", timeout=240).read()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def app_environment(data_dir: Path, **env: str) -> dict[str, str]:
    return {**os.environ, "DATA_DIR": str(data_dir), "DATABASE_URL": "", **env}


@pytest.fixture(scope="session")
def live_app(seeds: Seeds, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the SQLite database its first start leaves (regions, catalogue,
    示例数据, published layer: the 'full' seed of tests/conftest.py, copied into its data
    folder, so its start only checks it), shared by the read-only page tests. The first
    start itself is tested by tests/test_manage.py, test_deploy.py and
    tests/workflows/test_first_run.py.

    It holds two accounts, for the tests that sign in only to read (the bar signed in,
    tests/browser/test_layout_widths.py; every page under the security policy,
    test_security_headers.py): an app of their own cost each of those modules about
    20 s of CPU (``manage.py init``, ``create-user``, the app's start)."""
    data_dir = tmp_path_factory.mktemp("app-data")
    with seeds.copy("sqlite", "full", data_dir, "monitor.sqlite") as url:
        add_accounts(url, (REVIEWER, "reviewer", ()), (ADMIN, "admin", ()))
        with running_app(data_dir) as address:
            yield address


@dataclass
class BrowserLog:
    """What the page did that a test must see: console errors and outside requests."""

    errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)


@pytest.fixture
def page(live_app: str) -> Iterator[tuple[object, BrowserLog]]:
    with chromium_page() as opened:
        yield opened


@contextmanager
def chromium_page(
    enforce_csp: bool = False, storage_state: dict[str, Any] | None = None
) -> Iterator[tuple[object, BrowserLog]]:
    """A fresh page of headless Chromium in a context of its own (no cookies, storage
    or cache from another test, but those of ``storage_state``: see ``signed_in``)
    with its console errors and any request leaving this machine recorded.

    The app's Content-Security-Policy forbids evaluating strings as scripts, and
    Playwright's ``wait_for_function`` polls its predicate through ``eval``
    (microsoft/playwright#7395), so pages here ignore the policy unless
    ``enforce_csp``; tests/browser/test_security_headers.py visits every page
    with it enforced."""
    ARTIFACTS.mkdir(exist_ok=True)
    record = BrowserLog()
    context = _chromium().new_context(
        viewport={"width": 1440, "height": 1000},
        locale="zh-CN",
        bypass_csp=not enforce_csp,
        storage_state=storage_state,
    )
    # waits for what the page must show, not timings: 90 s instead of Playwright's 30 s,
    # for a machine shared by several people and two test workers
    context.set_default_timeout(90_000)
    try:
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and record.errors.append(m.text))
        page.on("pageerror", lambda e: record.errors.append(str(e)))
        page.on(
            "request",
            lambda r: (
                urlparse(r.url).hostname not in {"127.0.0.1", "localhost", None}
                and not r.url.startswith("data:")
                and record.outside_requests.append(r.url)
            ),
        )
        yield page, record
    finally:
        context.close()


# One Chromium (and Playwright's driver) for the browser tests that follow each other,
# each test in a new context: starting both took about 2 s a test. Closed before any
# other test runs: while Playwright's sync API is started, its event loop counts as
# the running loop of this thread (asyncio.run would refuse).
_CHROMIUM: dict[str, Any] = {}


def _chromium() -> Any:
    browser = _CHROMIUM.get("browser")
    if browser is None or not browser.is_connected():  # first use, or it crashed
        _close_chromium()
        from playwright.sync_api import sync_playwright

        _CHROMIUM["driver"] = sync_playwright().start()
        _CHROMIUM["browser"] = _CHROMIUM["driver"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
    return _CHROMIUM["browser"]


def _close_chromium() -> None:
    browser, driver = _CHROMIUM.pop("browser", None), _CHROMIUM.pop("driver", None)
    try:
        if browser is not None and browser.is_connected():
            browser.close()
    finally:
        if driver is not None:
            driver.stop()


@pytest.hookimpl(trylast=True)  # after the test's fixtures (its page) are torn down
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if nextitem is None or nextitem.path.parent != item.path.parent:
        _close_chromium()


def pdf_pages(data: bytes) -> int:
    """Pages of a PDF Chromium printed (its page objects are written uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


def screenshot_path(name: str) -> Path:
    return ARTIFACTS / f"{name}.png"


# ------------------------------------------- the reporting workflow's app ---
# 成都's statistician and the joint office's reviewer on an app of its own per
# test module (the tests change data): tests/browser/test_reporting_loop.py
# (files) and test_online_entry.py (the online form).

REPORTER = ("cd_stat", "成都-登录密码-2026", "成都市统计局")
REVIEWER = ("office", "审核-登录密码-2026", "联合办公室")
ADMIN = ("sec_admin", "安全检查-管理员-口令-2026", "安全检查管理员")
INDICATOR = "international_brand_presence_rate"
NAME = "国际知名品牌入驻率"


def add_accounts(url: str, *accounts: tuple[tuple[str, str, str], str, tuple[str, ...]]) -> None:
    """Accounts ((username, password, name), role, region names) added to the database
    at ``url`` as ``manage.py create-user`` adds them (db.admin.add_user, audited as
    the command line's), in this process: a manage.py process spends about 1.6 s of
    CPU on its imports and the checks of a first start."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        with factory() as session:
            directory = load_directory(session)
        with transaction(factory) as session:
            for (username, password, name), role, regions in accounts:
                codes = [directory.resolve(region).code for region in regions]
                add_user(session, command_line("tests"), username, password, role, name, codes)
    finally:
        engine.dispose()


Accounts = tuple[tuple[tuple[str, str, str], str, tuple[str, ...]], ...]


@contextmanager
def seeded_app(
    seeds: Seeds,
    seed: str,
    data_dir: Path,
    accounts: Accounts,
    prepare: Callable[[str], object] = lambda url: None,
    **env: str,
) -> Iterator[str]:
    """An app of its own (for a module whose tests change data) on a copy of ``seed``
    in ``data_dir`` with ``accounts`` and what ``prepare`` does to its database (given
    its URL); yields the app's address. The database a first start leaves, without
    running one: ``manage.py init`` cost 6.7 s of CPU a module."""
    with seeds.copy("sqlite", seed, data_dir, "monitor.sqlite") as url:
        add_accounts(url, *accounts)
        prepare(url)
        with running_app(data_dir, **env) as address:
            yield address


def _overdue_on_1_april_2026(url: str) -> None:
    """``manage.py mark-overdue --today 2026-04-01``'s job."""
    engine = make_engine(url)
    try:
        assert overdue_job(make_session_factory(engine), date(2026, 4, 1)) > 0
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def workflow_app(seeds: Seeds, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An app of its own (this test changes data) on a copy of the default start's
    database ('full' seed), with a reporter for 成都, a reviewer, and the overdue
    reminders of 1 April 2026."""
    accounts = ((REPORTER, "reporter", ("成都市",)), (REVIEWER, "reviewer", ()))
    data_dir = tmp_path_factory.mktemp("workflow-data")
    with seeded_app(seeds, "full", data_dir, accounts, _overdue_on_1_april_2026) as address:
        yield address


def sign_in(page: object, base: str, who: tuple[str, str, str], next_: str) -> None:
    page.goto(f"{base}/login?next={next_}")
    page.get_by_label("用户名").fill(who[0])
    page.get_by_label("密码").fill(who[1])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{next_}")
    page.locator("#account-name", has_text=who[2]).wait_for(state="attached")


def signed_in(base: str, who: tuple[str, str, str]) -> dict[str, Any]:
    """The cookies of ``who`` signed in, for ``chromium_page(storage_state=...)``: the
    parametrised cases of a test that only reads signed in share one sign-in (two page
    loads, each about 1.5 s of Chromium's CPU, and the password's hash) instead of
    signing in each."""
    with chromium_page() as (page, record):
        sign_in(page, base, who, "/")
        assert record.errors == [] and record.outside_requests == []
        return page.context.storage_state()


def map_text(page: object, base: str, mode: str) -> str:
    """The 总览 map's traces as JSON (hover texts name each unit's value or status)."""
    page.goto(f"{base}/?map={INDICATOR}&mode={mode}")
    page.locator(
        "#home-map .js-plotly-plot .choroplethlayer, #home-map .js-plotly-plot"
    ).first.wait_for()
    page.wait_for_function(
        "() => { const g = document.querySelector('#home-map .js-plotly-plot');"
        " return g && g.data && g.data.length > 0; }"
    )
    return page.evaluate(
        "() => JSON.stringify(document.querySelector('#home-map .js-plotly-plot').data"
        ".map(t => [t.name, t.text, t.hovertext, t.customdata]))"
    )


def chengdu_hover(traces_json: str) -> list[str]:
    """Every hover text about 成都市, with the name of the trace (status) it sits in."""
    found = []
    for name, *texts in json.loads(traces_json):
        for column in texts:
            for text in column or []:
                if isinstance(text, str) and "<b>成都市</b>" in text:
                    found.append(f"{name}|{text}")
    return found


def chengdu_hover_when(
    page: object, base: str, mode: str, shows: Callable[[list[str]], bool]
) -> list[str]:
    """成都's hover texts on the 总览 map once they ``shows`` what an approval brings, or
    as they are after 90 s (the test's assertion then says what they were): the approval
    recomputes the progress in the background ("约 2 秒内更新", workflows.review), so a
    map read at once may still show the state before it (loop001 failed so, once)."""
    deadline = time.monotonic() + 90
    while True:
        found = chengdu_hover(map_text(page, base, mode))
        if shows(found) or time.monotonic() > deadline:
            return found
        time.sleep(1)
