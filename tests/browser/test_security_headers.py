"""Issue 17 row 10 in headless Chromium: every page renders under the app's
Content-Security-Policy (scripts from this site and the page's own inline scripts
by hash, no 'unsafe-eval') with no violation reported, signed out and signed in
as an administrator; and no page can be framed, even by another page of the site.

The browser here enforces the policy (``chromium_page(enforce_csp=True)``), so the
waits poll with ``page.evaluate`` (a DevTools call the policy does not govern)
rather than ``wait_for_function`` (which evaluates a string in the page)."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import ADMIN, chromium_page

pytestmark = pytest.mark.browser

# (path, what shows the page has rendered beyond its text: figures, tables)
PUBLIC_PAGES = [
    ("/", "#home-map .js-plotly-plot .choroplethlayer path"),
    ("/indicator", ".js-plotly-plot .main-svg"),
    ("/region", "main table"),
    ("/report", ".js-plotly-plot .main-svg"),
    ("/final", "#final-title"),
    ("/targets", "main .ag-row"),
    ("/outlook", None),
    ("/regions", None),
    ("/methodology", None),
    ("/projects", None),
    ("/dispatch", None),
]
SIGNED_IN_PAGES = [
    ("/completeness", None),
    ("/upload", None),
    ("/submit", None),
    ("/review", None),
    ("/bulletin", None),
    ("/admin", None),
    ("/audit", None),
]
# Chromium reports what a policy blocks as a console error, and to the page as an event
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def _csp_messages(errors: list[str]) -> list[str]:
    return [e for e in errors if "Content Security Policy" in e or "Content-Security-Policy" in e]


def _until(page: object, expression: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.1)


def _visit(page: object, base: str, path: str, rendered: str | None) -> list[str]:
    page.goto(base + path)
    try:
        if rendered:
            page.locator(rendered).first.wait_for(state="attached", timeout=30_000)
        _until(page, "(document.querySelector('main')?.innerText || '').trim().length > 20")
    except Exception as exc:  # a blocked script leaves the page unrendered: say why
        raise AssertionError(
            f"{path} did not render: {page.evaluate('window.__cspViolations')}"
        ) from exc
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__cspViolations")


def _sign_in(page: object, base: str) -> None:
    page.goto(f"{base}/login?next=/admin")
    page.get_by_label("用户名").fill(ADMIN[0])
    page.get_by_label("密码").fill(ADMIN[1])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin")
    page.locator("#account-name", has_text=ADMIN[2]).wait_for(state="attached")


def test_secb001_every_page_renders_under_the_policy_with_no_violation(live_app: str) -> None:
    with chromium_page(enforce_csp=True) as (page, record):
        page.context.add_init_script(WATCH_VIOLATIONS)
        violations = {}
        for path, rendered in PUBLIC_PAGES:
            violations[path] = _visit(page, live_app, path, rendered)
        page.goto(live_app + "/login")
        page.get_by_label("用户名").wait_for()
        violations["/login"] = page.evaluate("window.__cspViolations")
        _sign_in(page, live_app)
        for path, rendered in SIGNED_IN_PAGES + PUBLIC_PAGES[:2]:
            violations[f"{path} (signed in)"] = _visit(page, live_app, path, rendered)
        # the clientside callbacks (inline scripts, allowed by their hashes) run:
        # the English page sets <html lang="en">
        violations["/?lang=en"] = _visit(page, live_app, "/?lang=en", None)
        _until(page, "document.documentElement.lang === 'en'")
    assert {p: v for p, v in violations.items() if v} == {}
    assert _csp_messages(record.errors) == []
    assert record.outside_requests == []


def test_secb002_no_page_can_be_framed_even_by_the_same_site(live_app: str) -> None:
    """A page of this origin tries to frame /admin and /: the browser refuses both
    (frame-ancestors 'none'), showing its own error page instead of the monitor's."""
    with chromium_page(enforce_csp=True) as (page, record):
        page.goto(live_app + "/login")
        for target in ("/admin", "/"):
            framed = page.evaluate(
                """(src) => new Promise((done) => {
                    const frame = document.createElement('iframe');
                    frame.src = src;
                    frame.onload = () => {
                        let text = '';
                        try { text = frame.contentDocument.body.innerText; }
                        catch (e) { text = 'not readable: ' + e.name; }
                        done(text);
                    };
                    document.body.appendChild(frame);
                    setTimeout(() => done('timeout'), 5000);
                })""",
                target,
            )
            assert "成渝" not in framed and "登录" not in framed, (target, framed)
    assert any("frame-ancestors" in e for e in record.errors), record.errors
