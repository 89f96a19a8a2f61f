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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import pytest

from config.settings import PROJECT_ROOT

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
    start itself is tested by the other apps here, tests/test_manage.py and test_deploy.py."""
    data_dir = tmp_path_factory.mktemp("app-data")
    with seeds.copy("sqlite", "full", data_dir, "monitor.sqlite"), running_app(data_dir) as url:
        yield url


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
def chromium_page(enforce_csp: bool = False) -> Iterator[tuple[object, BrowserLog]]:
    """A fresh page of headless Chromium in a context of its own (no cookies, storage
    or cache from another test) with its console errors and any request leaving this
    machine recorded.

    The app's Content-Security-Policy forbids evaluating strings as scripts, and
    Playwright's ``wait_for_function`` polls its predicate through ``eval``
    (microsoft/playwright#7395), so pages here ignore the policy unless
    ``enforce_csp``; tests/browser/test_security_headers.py visits every page
    with it enforced."""
    ARTIFACTS.mkdir(exist_ok=True)
    record = BrowserLog()
    context = _chromium().new_context(
        viewport={"width": 1440, "height": 1000}, locale="zh-CN", bypass_csp=not enforce_csp
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
INDICATOR = "international_brand_presence_rate"
NAME = "国际知名品牌入驻率"


def manage_cli(data_dir: Path, *args: str, stdin: str = "", **env: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=app_environment(data_dir, **env),
        input=stdin,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def workflow_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An app of its own (this test changes data), with a reporter for 成都, a
    reviewer, and the overdue reminders of 1 April 2026."""
    data_dir = tmp_path_factory.mktemp("workflow-data")
    manage_cli(data_dir, "init")
    username, password, name = REPORTER
    manage_cli(
        data_dir,
        *("create-user", username, "--role", "reporter", "--name", name),
        *("--region", "成都市", "--password-stdin"),
        stdin=password + "\n",
    )
    username, password, name = REVIEWER
    manage_cli(
        data_dir,
        *("create-user", username, "--role", "reviewer", "--name", name, "--password-stdin"),
        stdin=password + "\n",
    )
    manage_cli(data_dir, "mark-overdue", "--today", "2026-04-01")
    with running_app(data_dir) as url:
        yield url


def sign_in(page: object, base: str, who: tuple[str, str, str], next_: str) -> None:
    page.goto(f"{base}/login?next={next_}")
    page.get_by_label("用户名").fill(who[0])
    page.get_by_label("密码").fill(who[1])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{next_}")
    page.locator("#account-name", has_text=who[2]).wait_for(state="attached")


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
