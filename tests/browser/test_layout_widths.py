"""Every public page fits its window: no sideways scroll in English at 1280 px (a
laptop) or in either language at 390 px (a phone), and the bar's links, the 中文 /
English switch and 登录 stay inside the bar; a screenshot of each is kept."""

from __future__ import annotations

import pytest

from dashboard.components.header import MORE, NAV
from tests.browser.conftest import REVIEWER, chromium_page, screenshot_path, sign_in

pytestmark = pytest.mark.browser

PUBLIC = [path for path, _, _ in (*NAV, *MORE)]
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


def slug(path: str) -> str:
    return path.strip("/") or "home"


@pytest.mark.parametrize(("width", "lang"), [(1280, "en"), (1280, "zh"), (390, "zh"), (390, "en")])
def test_widb001_no_sideways_scroll(page, live_app: str, width: int, lang: str) -> None:
    browser_page, record = page
    browser_page.set_viewport_size({"width": width, "height": 900})
    for path in PUBLIC:
        browser_page.goto(live_app + path + ("?lang=en" if lang == "en" else ""))
        browser_page.locator("#data-status").wait_for()
        browser_page.locator("main h2:visible, main h1:visible").first.wait_for()
        browser_page.wait_for_load_state("networkidle")
        fits = browser_page.evaluate(FITS)
        assert fits["page"] <= fits["window"], (path, fits)
        assert fits["bar"] <= fits["window"], (path, fits)
        browser_page.screenshot(path=screenshot_path(f"width-{slug(path)}-{lang}-{width}"))
    assert record.errors == [] and record.outside_requests == []


@pytest.mark.parametrize(("width", "lang"), [(1280, "en"), (1440, "en"), (1280, "zh")])
def test_widb002_the_bar_fits_when_signed_in(workflow_app: str, width: int, lang: str) -> None:
    """Signed in, the bar adds 工作台 and the account: in English at 1280 px the sign-out
    button ran 62 px past the window (12 px at 1440)."""
    with chromium_page() as (browser_page, record):
        sign_in(browser_page, workflow_app, REVIEWER, "/")
        browser_page.set_viewport_size({"width": width, "height": 900})
        browser_page.goto(workflow_app + ("/?lang=en" if lang == "en" else "/"))
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
