"""Every public page in Chinese and in English, and each fits its window.

Each page renders without a console error, the navigation speaks the page's language
and nothing scrolls sideways at 1440 px; in either language at 1280 px (a laptop) and
390 px (a phone) nothing scrolls sideways and the bar's links, the 中文 / English switch
and 登录 stay inside the bar. A screenshot of each is kept.

One walk per language loads each page once, at 1440 px, and narrows the window to 1280
and then 390 px on it: a load costs Chromium about 1.5 s of CPU (the Dash and AG Grid
bundles evaluated again), and loading every page again at each width cost 48 loads of
the 72 (test_languages.py and this module before). Narrowing is at least as strict as
a load at that width: what the page lays out with CSS lays out again, and what a script
sized at load (a figure, a grid) was sized for a wider window and must follow the
narrower one, or it sticks out and the check fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import pytest

from dashboard.components.header import MORE, NAV
from tests.browser.conftest import (
    REVIEWER,
    BrowserLog,
    chromium_page,
    screenshot_path,
    signed_in,
)

pytestmark = pytest.mark.browser

PAGES = [*NAV, *MORE]
NARROWER = [1280, 390]  # the widths each page is narrowed to, widest first
FITS = """() => {
    const bar = document.querySelector('#app-header nav');
    const shown = [...bar.querySelectorAll('.nav-link, .navbar-brand, .navbar-toggler')]
        .filter(e => e.offsetParent !== null);
    return {
        page: document.documentElement.scrollWidth,
        window: window.innerWidth,
        bar: Math.max(...shown.map(e => e.getBoundingClientRect().right)),
    };
}"""
# after a resize: the page and the bar within the window, once the figures have followed
# (their resize handlers run after the event); the check below reads the same figures
SETTLED = f"() => {{ const f = ({FITS})(); return f.page <= f.window && f.bar <= f.window; }}"


def slug(path: str) -> str:
    return path.strip("/") or "home"


@dataclass
class Seen:
    """What one page showed in one language: at 1440 px as loaded, then narrowed."""

    nav: str
    more_toggle_active: int
    html_lang: str
    width_1440: list[int]
    fits: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Walk:
    lang: str
    seen: dict[str, Seen]
    record: BrowserLog


@pytest.fixture(scope="module", params=["zh", "en"])
def walk(request: pytest.FixtureRequest, live_app: str) -> Iterator[Walk]:
    """Every public page in one language (the parameter), each loaded at 1440 px and
    narrowed to 1280 and 390 px, with what it showed at each width."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    lang = request.param
    seen: dict[str, Seen] = {}
    with chromium_page() as (page, record):
        for path, _, _ in PAGES:
            page.set_viewport_size({"width": 1440, "height": 1000})
            page.goto(live_app + path + ("?lang=en" if lang == "en" else ""))
            page.locator("#data-status").wait_for()
            page.locator("main h2:visible, main h1:visible").first.wait_for()
            page.wait_for_load_state("networkidle")
            seen[path] = Seen(
                nav=page.locator("nav").inner_text(),
                more_toggle_active=page.locator("#nav-more .dropdown-toggle.active").count(),
                html_lang=page.evaluate("document.documentElement.lang"),
                width_1440=page.evaluate("[document.documentElement.scrollWidth, innerWidth]"),
            )
            if path not in ("/", "/region", "/outlook", "/report"):  # those keep their own names
                page.screenshot(path=screenshot_path(f"page-{slug(path)}-{lang}"))
            for width in NARROWER:
                page.set_viewport_size({"width": width, "height": 900})
                with suppress(PlaywrightTimeout):  # what it measures the test checks
                    page.wait_for_function(SETTLED, timeout=10_000)
                seen[path].fits[width] = page.evaluate(FITS)
                page.screenshot(path=screenshot_path(f"width-{slug(path)}-{lang}-{width}"))
        yield Walk(lang, seen, record)


def test_lanb001_every_page_in_both_languages(walk: Walk) -> None:
    lang = walk.lang
    for path, zh, en in PAGES:
        page = walk.seen[path]
        assert (en if lang == "en" else zh) in page.nav or (path, zh, en) in MORE, path
        if (path, zh, en) in MORE:  # behind 更多, which reads as active on its pages
            assert ("More" if lang == "en" else "更多") in page.nav
            assert page.more_toggle_active == 1, path
        width = page.width_1440
        assert width[0] <= width[1], (path, width)  # no sideways scroll at 1440
        assert page.html_lang == ("en" if lang == "en" else "zh-CN"), path
    assert walk.record.errors == [] and walk.record.outside_requests == []


@pytest.mark.parametrize("width", NARROWER)
def test_widb001_no_sideways_scroll(walk: Walk, width: int) -> None:
    for path, _, _ in PAGES:
        fits = walk.seen[path].fits[width]
        assert fits["page"] <= fits["window"], (walk.lang, path, fits)
        assert fits["bar"] <= fits["window"], (walk.lang, path, fits)
    assert walk.record.errors == [] and walk.record.outside_requests == []


@pytest.fixture(scope="module")
def reviewer(live_app: str) -> dict[str, Any]:
    return signed_in(live_app, REVIEWER)


@pytest.mark.parametrize(("width", "lang"), [(1280, "en"), (1440, "en"), (1280, "zh")])
def test_widb002_the_bar_fits_when_signed_in(
    live_app: str, reviewer: dict[str, Any], width: int, lang: str
) -> None:
    """Signed in, the bar adds 工作台 and the account: in English at 1280 px the sign-out
    button ran 62 px past the window (12 px at 1440)."""
    with chromium_page(storage_state=reviewer) as (browser_page, record):
        browser_page.set_viewport_size({"width": width, "height": 900})
        browser_page.goto(live_app + ("/?lang=en" if lang == "en" else "/"))
        browser_page.locator("#sign-out").wait_for()
        browser_page.wait_for_load_state("networkidle")
        right = browser_page.evaluate(
            "() => document.querySelector('#sign-out').getBoundingClientRect().right"
        )
        fits = browser_page.evaluate(FITS)
        browser_page.screenshot(path=screenshot_path(f"bar-signed-in-{lang}-{width}"))
        assert right <= width, (lang, width, right)
        assert fits["page"] <= fits["window"], (lang, width, fits)
        assert not record.errors, record.errors
