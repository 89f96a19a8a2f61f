"""Sign-in, sessions and the server-side checks, by crafted HTTP requests: the
rules hold for the Dash callback endpoint and the API, not only in the pages."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import dash
import pytest
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie
from sqlalchemy import select

from config.settings import load_settings
from dashboard.app import create_app
from db import models
from db import sign_in_throttle as throttle
from db.admin import change_user, command_line
from db.session import make_engine, make_session_factory, transaction
from db.users import create_token, create_user, revoke_token
from tests.helpers import HEADER, ORIGIN, find_prop, nothing, sign_in


@pytest.fixture(scope="module")
def world(module_ready_url: str) -> Iterator[tuple[object, str]]:
    engine = make_engine(module_ready_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        create_user(session, "cd", "成都-密码-2026", "reporter", "成都市统计局", ["510100"])
        create_user(session, "leader", "领导-密码-2026", "viewer", "领导")
        token = create_token(session, "cd", "成都数据接口")
    yield factory, token
    engine.dispose()


def app_for(world: tuple[object, str], read_requires_login: bool) -> dash.Dash:
    factory, _ = world
    settings = load_settings({"READ_REQUIRES_LOGIN": str(read_requires_login).lower()})
    return create_app(settings, factory)


def hidden(page: str, name: str) -> str:
    """The value of a hidden field of a page, as the browser would send it."""
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def throttle_row(world: tuple[object, str], scope: str, *subject: str) -> models.SignInThrottle:
    factory, _ = world
    with factory() as session:
        return session.get(models.SignInThrottle, throttle._key(scope, *subject))


def end_wait(world: tuple[object, str], key: str) -> None:
    """As if the wait had run out."""
    factory, _ = world
    with transaction(factory) as session:
        row = session.get(models.SignInThrottle, key)
        row.blocked_until = datetime.now(UTC) - timedelta(seconds=1)


def audit_actions(world: tuple[object, str], actor: str) -> list[str]:
    factory, _ = world
    with factory() as session:
        events = session.scalars(
            select(models.AuditEvent)
            .where(models.AuditEvent.actor == actor)
            .order_by(models.AuditEvent.id)
        )
        return [e.action for e in events]


def test_aut001_sign_in_page_is_chinese_and_carries_a_csrf_token(world) -> None:
    client = app_for(world, False).server.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "用户名" in page and "密码" in page and 'name="csrf"' in page
    assert '<html lang="zh-CN">' in page


def test_aut002_a_wrong_password_is_refused_in_chinese_and_recorded(world) -> None:
    client = app_for(world, False).server.test_client()
    response = sign_in(client, "leader", "错误的密码")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert audit_actions(world, "leader")[-1] == "sign_in_failed"


def test_aut003_signed_in_the_header_names_the_account_and_sign_out_is_recorded(world) -> None:
    client = app_for(world, False).server.test_client()
    response = sign_in(client, "cd", "成都-密码-2026", next_="/region?code=510100")
    assert response.status_code == 302 and response.headers["Location"] == "/region?code=510100"
    header = client.post("/_dash-update-component", json=HEADER, headers=ORIGIN)
    text = json.dumps(header.get_json(), ensure_ascii=False)
    assert "成都市统计局" in text and "填报员" in text and "/auth/logout" in text
    csrf = find_prop(header.get_json(), "name", "csrf")["value"]
    client.post("/auth/logout", data={"csrf": csrf}, headers=ORIGIN)
    assert audit_actions(world, "cd")[-2:] == ["sign_in", "sign_out"]
    after = client.post("/_dash-update-component", json=HEADER, headers=ORIGIN)
    assert "成都市统计局" not in json.dumps(after.get_json(), ensure_ascii=False)


def test_aut004_sign_in_is_throttled_with_back_off_across_workers(world) -> None:
    """Row 8: 5 failures of a name from an address earn a 1-minute wait, seen by
    another worker; attempts during it are refused without being counted or
    logged one by one; the next failure after it doubles the wait."""
    factory, _ = world
    address = "203.0.113.4"
    client = app_for(world, False).server.test_client()
    for _ in range(4):
        assert sign_in(client, "ratelimited", "x", address=address).status_code == 401
    fifth = sign_in(client, "ratelimited", "x", address=address)
    assert fifth.status_code == 401 and "请 1 分钟后再试" in fifth.get_data(as_text=True)
    other_worker = app_for(world, False).server.test_client()
    for _ in range(10):
        refused = sign_in(other_worker, "ratelimited", "x", address=address)
        assert refused.status_code == 429 and "请 1 分钟后再试" in refused.get_data(as_text=True)
        assert 0 < int(refused.headers["Retry-After"]) <= 60
    pair = throttle_row(world, "pair", "ratelimited", address)
    assert pair.failures == 5 and pair.refused == 10  # refusals are not failures
    assert audit_actions(world, "ratelimited") == ["sign_in_failed"] * 2  # first, and the wait
    end_wait(world, pair.key)
    sixth = sign_in(other_worker, "ratelimited", "x", address=address)
    assert sixth.status_code == 401 and "请 2 分钟后再试" in sixth.get_data(as_text=True)
    with factory() as session:
        last = session.scalars(
            select(models.AuditEvent)
            .where(models.AuditEvent.actor == "ratelimited")
            .order_by(models.AuditEvent.id.desc())
        ).first()
    assert "失败 6 次，暂停 2 分钟" in last.detail and "另有 10 次尝试被拒" in last.detail
    assert last.detail.startswith(address)


def test_aut011_an_attacker_cannot_lock_the_owner_out(world) -> None:
    """Row 8: failures for a name from the attacker's address do not stop the
    owner signing in from another address, however often they are repeated."""
    attacker = app_for(world, False).server.test_client()
    for _ in range(3):  # three rounds of failures, each waited out
        for _ in range(5):
            sign_in(attacker, "leader", "guess-guess-guess", address="203.0.113.66")
        end_wait(world, throttle_row(world, "pair", "leader", "203.0.113.66").key)
    blocked = sign_in(attacker, "leader", "guess-guess-guess", address="203.0.113.66")
    assert sign_in(attacker, "leader", "x", address="203.0.113.66").status_code == 429
    assert blocked.status_code == 401 and "分钟后再试" in blocked.get_data(as_text=True)
    owner = app_for(world, False).server.test_client()
    signed_in = sign_in(owner, "leader", "领导-密码-2026", address="198.51.100.7")
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\r\n/evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\\\\evil.example/",
        "https://evil.example/",
        "http:/evil.example/",
        " //evil.example/",
        "/\u200b/evil.example/",
        "evil.example",
    ],
)
def test_aut005_a_sign_in_never_redirects_off_site(world, target: str) -> None:
    """Row 5: ``next`` that a browser would read as another site lands on /."""
    client = app_for(world, False).server.test_client()
    response = sign_in(client, "leader", "领导-密码-2026", next_=target)
    assert response.headers["Location"] == "/"


def test_aut012_the_attack_link_with_an_encoded_tab_stays_on_the_site(world) -> None:
    """Row 5 exactly as reported: /login?next=%2F%09%2Fevil.example%2F."""
    client = app_for(world, False).server.test_client()
    page = client.get("/login?next=%2F%09%2Fevil.example%2F").get_data(as_text=True)
    assert hidden(page, "next") == "/"
    response = sign_in(client, "leader", "领导-密码-2026", next_=hidden(page, "next"))
    assert response.headers["Location"] == "/"
    kept = sign_in(client, "leader", "领导-密码-2026", next_="/region?code=510100&lang=en")
    assert kept.headers["Location"] == "/region?code=510100&lang=en"


def test_aut013_a_deep_link_keeps_every_parameter_through_sign_in(world) -> None:
    """Row 7: the way to /login carries ``next`` URL-encoded, the form escapes it
    once for HTML, and sign-in returns to the link with both parameters."""
    client = app_for(world, True).server.test_client()
    first = client.get("/indicator?id=gdp&region=510100")
    assert first.status_code == 302
    location = urlsplit(first.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query) == {"next": ["/indicator?id=gdp&region=510100"]}
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert 'value="/indicator?id=gdp&amp;region=510100"' in page
    response = sign_in(client, "leader", "领导-密码-2026", next_=hidden(page, "next"))
    assert response.headers["Location"] == "/indicator?id=gdp&region=510100"


@pytest.mark.parametrize("origin", [None, "https://evil.example"])
def test_aut006_callbacks_from_another_site_are_refused(world, origin: str | None) -> None:
    client = app_for(world, False).server.test_client()
    headers = {"Origin": origin} if origin else {}
    response = client.post("/_dash-update-component", json=HEADER, headers=headers)
    assert response.status_code == 403 and "CSRF" in response.get_json()["error"]


def test_aut007_when_reading_needs_an_account_anonymous_requests_get_nothing(world) -> None:
    client = app_for(world, True).server.test_client()
    page = client.get("/indicator?id=gdp")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")
    assert client.post("/_dash-update-component", json=HEADER, headers=ORIGIN).status_code == 401
    assert client.get("/_dash-layout").status_code == 401
    api = client.get("/api/v1/targets")
    assert api.status_code == 401 and api.get_json()["error"] == "请先登录"
    assert client.get("/login").status_code == 200
    with client.get("/assets/style.css") as css:
        assert css.status_code == 200
    sign_in(client, "leader", "领导-密码-2026")
    assert client.get("/api/v1/targets").status_code == 200
    assert client.post("/_dash-update-component", json=HEADER, headers=ORIGIN).status_code == 200


def test_aut008_a_token_reads_while_valid_and_is_refused_once_revoked(world) -> None:
    factory, token = world
    client = app_for(world, True).server.test_client()
    good = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/targets", headers=good).status_code == 200
    bad = client.get("/api/v1/targets", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and "令牌" in bad.get_json()["error"]
    with transaction(factory) as session:
        row = session.scalars(
            select(models.ApiToken).where(models.ApiToken.name == "成都数据接口")
        ).one()
        revoke_token(session, row.id)
    assert client.get("/api/v1/targets", headers=good).status_code == 401


EXPORT = {
    "output": "audit-download.data",
    "outputs": {"id": "audit-download", "property": "data"},
    "inputs": [{"id": "audit-export", "property": "n_clicks", "value": 1}],
    "state": [
        {"id": "audit-action", "property": "value", "value": None},
        {"id": "audit-actor", "property": "value", "value": ""},
        {"id": "audit-dates", "property": "start_date", "value": None},
        {"id": "audit-dates", "property": "end_date", "value": None},
        {"id": "url", "property": "search", "value": ""},
    ],
    "changedPropIds": ["audit-export.n_clicks"],
}


def test_aut009_only_reviewers_and_admins_export_the_audit_log(world) -> None:
    factory, _ = world
    with transaction(factory) as session:
        create_user(session, "office", "审核-密码-2026", "reviewer", "联合办公室")
    anonymous = app_for(world, False).server.test_client()
    assert nothing(anonymous.post("/_dash-update-component", json=EXPORT, headers=ORIGIN))
    viewer = app_for(world, False).server.test_client()
    sign_in(viewer, "leader", "领导-密码-2026")
    assert nothing(viewer.post("/_dash-update-component", json=EXPORT, headers=ORIGIN))
    reviewer = app_for(world, False).server.test_client()
    sign_in(reviewer, "office", "审核-密码-2026")
    response = reviewer.post("/_dash-update-component", json=EXPORT, headers=ORIGIN)
    data = response.get_json()["response"]["audit-download"]["data"]
    assert data["filename"].startswith("audit-") and "操作人" in data["content"]
    assert "登录" in data["content"] and "office" in data["content"]


def _save_user(username: str, role: str, regions: list[str]) -> dict:
    values = {
        "admin-username": username,
        "admin-display-name": "新用户",
        "admin-role": role,
        "admin-regions": regions,
        "admin-password": "新用户-初始密码-2026",
        "admin-active": True,
    }
    return {
        "output": "..admin-user-result.children...admin-users.rowData..",
        "outputs": [
            {"id": "admin-user-result", "property": "children"},
            {"id": "admin-users", "property": "rowData"},
        ],
        "inputs": [
            {"id": "admin-create", "property": "n_clicks", "value": 1},
            {"id": "admin-save", "property": "n_clicks", "value": None},
        ],
        "state": [
            *({"id": k, "property": "value", "value": v} for k, v in values.items()),
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["admin-create.n_clicks"],
    }


def test_aut010_only_an_administrator_creates_users_and_it_is_audited(world) -> None:
    factory, _ = world
    with transaction(factory) as session:
        create_user(session, "root", "管理员-密码-2026", "admin", "管理员")
    viewer = app_for(world, False).server.test_client()
    sign_in(viewer, "leader", "领导-密码-2026")
    refused = viewer.post(
        "/_dash-update-component", json=_save_user("x1", "viewer", []), headers=ORIGIN
    )
    assert "仅管理员" in json.dumps(refused.get_json(), ensure_ascii=False)
    admin = app_for(world, False).server.test_client()
    sign_in(admin, "root", "管理员-密码-2026")
    bad = admin.post(
        "/_dash-update-component", json=_save_user("x2", "reporter", []), headers=ORIGIN
    )
    assert "填报员必须绑定至少一个地区" in json.dumps(bad.get_json(), ensure_ascii=False)
    good = admin.post(
        "/_dash-update-component", json=_save_user("x3", "reporter", ["510100"]), headers=ORIGIN
    )
    assert "已新建用户 x3" in json.dumps(good.get_json(), ensure_ascii=False)
    with factory() as session:
        users = {u.username for u in session.scalars(select(models.User))}
        event = session.scalars(
            select(models.AuditEvent).where(models.AuditEvent.action == "user_create")
        ).all()
    assert "x1" not in users and "x2" not in users and "x3" in users
    assert [e.object_id for e in event] == ["x3"] and event[0].after["regions"] == ["510100"]


def _signed_in_copy(world, username: str, password: str) -> tuple[FlaskClient, FlaskClient]:
    """A signed-in client, and a second one holding a copy of its session cookie."""
    app = app_for(world, True)
    original, thief = app.server.test_client(), app.server.test_client()
    assert sign_in(original, username, password).status_code == 302
    thief.set_cookie("session", original.get_cookie("session").value)
    assert thief.get("/api/v1/targets").status_code == 200  # the copy works, as a cookie does
    return original, thief


def _change(world, username: str, **changes: object) -> None:
    factory, _ = world
    with transaction(factory) as session:
        change_user(session, command_line("test"), username, **changes)


@pytest.mark.parametrize(
    "how",
    ["sign-out", "password", "role", "regions", "deactivate+activate"],
)
def test_aut014_a_copied_cookie_dies_when_the_session_should_end(world, how: str) -> None:
    """Row 6: sign-out, a new password, a new role or regions, and deactivation
    (even followed by re-activation) end every copy of the session cookie."""
    factory, _ = world
    username = f"copy-{how}"
    with transaction(factory) as session:
        create_user(session, username, "复制-密码-2026-长", "reporter", regions=["510100"])
    original, thief = _signed_in_copy(world, username, "复制-密码-2026-长")
    if how == "sign-out":
        page = original.get("/login").get_data(as_text=True)
        original.post("/auth/logout", data={"csrf": hidden(page, "csrf")}, headers=ORIGIN)
    elif how == "password":
        _change(world, username, password="换过的-密码-2026-长")
    elif how == "role":
        _change(world, username, role="viewer")
    elif how == "regions":
        _change(world, username, regions=["510100", "500000"])
    else:
        _change(world, username, active=False)
        _change(world, username, active=True)
    refused = thief.get("/api/v1/targets")
    assert refused.status_code == 401 and refused.get_json()["error"] == "请先登录"
    assert original.get("/api/v1/targets").status_code == 401
    assert thief.post("/_dash-update-component", json=HEADER, headers=ORIGIN).status_code == 401


def test_aut015_a_change_that_changes_nothing_keeps_the_session(world) -> None:
    factory, _ = world
    with transaction(factory) as session:
        create_user(session, "steady", "稳定-密码-2026-长", "viewer")
    original, _ = _signed_in_copy(world, "steady", "稳定-密码-2026-长")
    _change(world, "steady", role="viewer", active=True)  # 保存 with nothing changed
    assert original.get("/api/v1/targets").status_code == 200


def test_aut016_a_remember_me_cookie_signs_nobody_in(world) -> None:
    """Row 6: no remember-me cookie is issued, and a forged one (signed with the
    app's own key) carries no session version, so it is no session."""
    factory, _ = world
    app = app_for(world, True)
    client = app.server.test_client()
    signed_in = sign_in(client, "leader", "领导-密码-2026")
    assert "remember_token" not in signed_in.headers.get("Set-Cookie", "")
    with factory() as session:
        leader = session.scalar(select(models.User).where(models.User.username == "leader"))
    with app.server.test_request_context():
        forged = encode_cookie(str(leader.id))
    stranger = app.server.test_client()
    stranger.set_cookie("remember_token", forged)
    assert stranger.get("/api/v1/targets").status_code == 401


@pytest.mark.parametrize(("proxies", "recorded"), [("1", "198.51.100.23"), ("0", "127.0.0.1")])
def test_aut017_behind_trusted_proxies_the_real_client_is_recorded(
    world, proxies: str, recorded: str
) -> None:
    """Build: ProxyFix with TRUSTED_PROXIES=1 takes the client from X-Forwarded-For
    (the last hop, the one nginx appends); with 0 the header is ignored."""
    factory, _ = world
    settings = load_settings({"TRUSTED_PROXIES": proxies})
    client = create_app(settings, factory).server.test_client()
    forwarded = {"X-Forwarded-For": "10.9.9.9, 198.51.100.23", "X-Forwarded-Proto": "https"}
    response = sign_in(client, "leader", "领导-密码-2026", headers=forwarded)
    assert response.status_code == 302
    with factory() as session:
        event = session.scalars(
            select(models.AuditEvent)
            .where(models.AuditEvent.actor == "leader", models.AuditEvent.action == "sign_in")
            .order_by(models.AuditEvent.id.desc())
        ).first()
    assert event.detail == recorded


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaa", "至少 12 位"),
        ("aaaaaaaaaaaa", "重复"),
        ("password1234", "过于常见"),
        ("Password-2026!", "过于常见"),
        ("weakling-user", "与用户名相同"),
    ],
)
def test_aut018_user_management_refuses_weak_passwords(world, password: str, reason: str) -> None:
    """Row 14: 用户管理 refuses short, common and name-like passwords, on create and on save."""
    factory, _ = world
    with transaction(factory) as session:
        if session.scalar(select(models.User).where(models.User.username == "root2")) is None:
            create_user(session, "root2", "管理员二-密码-2026", "admin", "管理员")
    admin = app_for(world, False).server.test_client()
    sign_in(admin, "root2", "管理员二-密码-2026", address="192.0.2.18")
    for button in ("admin-create", "admin-save"):
        request = _save_user("weakling-user", "viewer", [])
        request["inputs"] = [
            {"id": b, "property": "n_clicks", "value": 1 if b == button else None}
            for b in ("admin-create", "admin-save")
        ]
        request["changedPropIds"] = [f"{button}.n_clicks"]
        for state in request["state"]:
            if state["id"] == "admin-password":
                state["value"] = password
        response = admin.post("/_dash-update-component", json=request, headers=ORIGIN)
        assert reason in json.dumps(response.get_json(), ensure_ascii=False), button
        if button == "admin-create":  # refused: so create it properly for the save path
            with transaction(factory) as session:
                if (
                    session.scalar(
                        select(models.User).where(models.User.username == "weakling-user")
                    )
                    is None
                ):
                    create_user(session, "weakling-user", "弱者-初始密码-2026", "viewer")


def test_aut019_parallel_attempts_cannot_slip_past_the_limit(world) -> None:
    """Row 8 across workers: attempts are charged before the slow password check,
    so 12 wrong passwords sent at once from two workers get the password checked
    at most 5 times; the rest are refused with the wait."""
    workers = [app_for(world, False).server for _ in range(2)]

    def attempt(i: int) -> int:
        client = workers[i % 2].test_client()
        return sign_in(client, "parallel", "wrong-password", address="203.0.113.99").status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(attempt, range(12)))
    assert codes.count(401) == 5 and codes.count(429) == 7
    pair = throttle_row(world, "pair", "parallel", "203.0.113.99")
    factory, _ = world
    with factory() as session:
        details = session.scalars(
            select(models.AuditEvent.detail).where(models.AuditEvent.actor == "parallel")
        ).all()
    # refusals not yet reported, plus those the row of the 5th failure reported
    reported = sum(int(n) for d in details for n in re.findall(r"另有 (\d+) 次尝试被拒", d))
    assert pair.failures == 5 and pair.refused + reported == 7 and len(details) == 2
