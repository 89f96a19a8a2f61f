"""Sign-in, sessions and the check every request passes on the server.

The rules (who may read, report, review, administer) live in
``indicators/access.py``; this module only finds out who is asking and refuses
on the server — pages hide nothing that the server would otherwise allow.

- Sessions: Flask-Login over Flask's signed cookie (HttpOnly, SameSite=Lax,
  Secure when ``SECURE_COOKIES``); the signing key from ``SECRET_KEY`` or a
  random key kept in ``DATA_DIR/secret_key``. The cookie carries the account's
  ``session_version`` from sign-in; every request compares it with the
  account's current one, so sign-out, a new password, a change of role,
  regions or state end every session of the account, copies of the cookie
  included. No remember-me cookie is issued; one sent anyway carries no
  version and signs nobody in.
- Sign-in: a plain server-rendered form (it must work while every Dash route is
  closed to anonymous readers), with a CSRF token, throttled with back-off per
  name+address, per address and per name (db/sign_in_throttle.py: counters in
  the database, so they hold across app workers).
- ``next=`` accepts only a path of this site; the way to the sign-in page
  keeps every parameter of a deep link (URL-encoded).
- Behind ``TRUSTED_PROXIES`` reverse proxies (the shipped nginx: 1), werkzeug's
  ProxyFix takes the client address, scheme and host from their X-Forwarded-*
  headers, so the audit log and the limits see the real client.
- Every state-changing request outside ``/api/`` (which accepts writes only
  with a token, never with the session cookie) must come from this site
  (Origin or Referer): that stops cross-site request forgery of Dash callbacks.
- Reading without an account is a setting (``READ_REQUIRES_LOGIN``).
"""

from __future__ import annotations

import hmac
import os
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from html import escape
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    request,
    session,
)
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from config.settings import Settings
from dashboard.api import error_response
from dashboard.context import EXTENSION, session_factory
from db import audit, models
from db import sign_in_throttle as throttle
from db.session import transaction
from db.users import account_of, authenticate, end_sessions, load_account, token_holder
from indicators.access import ROLE_EN, ROLE_ZH, Account, can_read

SESSION_VERSION = "session_version"  # the key in the session cookie
PUBLIC_PREFIXES = (
    "/login",
    "/auth/",
    "/assets/",
    "/_dash-component-suites/",
    "/_favicon.ico",
    "/api/v1/openapi.json",
    "/health",
)

auth = Blueprint("auth", __name__)


class SessionUser(UserMixin):
    """Flask-Login's view of an account."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def get_id(self) -> str:
        return str(self.account.id)


def session_secret(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        # several workers may start at once: each writes its own candidate, and the
        # first hard link wins, so every worker signs cookies with the same key
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f"secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        candidate.write_text(secrets.token_hex(32), encoding="utf-8")
        candidate.chmod(0o600)
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text(encoding="utf-8").strip()


def init_auth(server: Flask, settings: Settings) -> None:
    if settings.trusted_proxies > 0:
        hops = settings.trusted_proxies
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    server.secret_key = session_secret(settings)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
    )
    manager = LoginManager()
    manager.init_app(server)

    @manager.user_loader
    def _load(user_id: str) -> SessionUser | None:
        # a session without a version (a remember-me cookie, a cookie from before
        # migration 0008) or with an old one is no session at all
        version = session.get(SESSION_VERSION)
        if not isinstance(version, int) or not str(user_id).isdecimal():
            return None
        with session_factory()() as db:
            account = load_account(db, int(user_id), version)
        return SessionUser(account) if account else None

    server.register_blueprint(auth)
    server.before_request(guard)


# The account the pages are drawn for while the app builds its validation layout (every
# page as an administrator sees it, so that each callback's components are known); None at
# any other time. Set only by ``drawing_every_page`` and only for the duration of that draw.
_DRAWING_FOR: ContextVar[Account | None] = ContextVar("ccec_drawing_for", default=None)

# who the validation layout is drawn for: the one role that sees every component
LAYOUT_ACCOUNT = Account(id=0, username="validation-layout", display_name="", role="admin")


@contextmanager
def drawing_every_page() -> Iterator[None]:
    """Within this block ``current_account`` is ``LAYOUT_ACCOUNT``: the pages' layouts
    drawn here are never sent to anyone (dashboard.app's validation layout)."""
    token = _DRAWING_FOR.set(LAYOUT_ACCOUNT)
    try:
        yield
    finally:
        _DRAWING_FOR.reset(token)


def current_account() -> Account | None:
    """The signed-in account of this request, or None."""
    drawing = _DRAWING_FOR.get()
    if drawing is not None:
        return drawing
    user = current_user
    return user.account if getattr(user, "is_authenticated", False) else None


def bearer() -> tuple[Account, bool] | None:
    """The account behind this request's ``Authorization: Bearer`` token and whether
    the token is trusted (直报); None without a valid token. Read once per request:
    the one place the API's token is checked (the guard, uploads, submissions)."""
    if "ccec_bearer" not in g:
        header = request.headers.get("Authorization", "")
        held = None
        if header.startswith("Bearer "):
            with session_factory()() as db:
                found = token_holder(db, header.removeprefix("Bearer ").strip())
                held = (account_of(found[0]), found[1]) if found is not None else None
        g.ccec_bearer = held
    return g.ccec_bearer


def token_account() -> Account | None:
    """The account behind this request's ``Authorization: Bearer`` token, if valid."""
    held = bearer()
    return held[0] if held is not None else None


def _settings() -> Settings:
    return current_app.extensions[EXTENSION]["settings"]


def _same_site() -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer")
    return bool(source) and urlparse(source).netloc == request.host


def guard() -> ResponseReturnValue | None:
    """Runs before every request: same-site writes, then the reading rule."""
    path = request.path
    bearer = request.headers.get("Authorization", "").startswith("Bearer ")
    # API writes authenticate by token only, never by the session cookie: no forgery risk
    writes = request.method not in ("GET", "HEAD", "OPTIONS") and not path.startswith("/api/")
    if writes and not _same_site():
        return error_response("请求来源无效：只接受本站页面发出的提交（CSRF 防护）", 403)
    if path.startswith(PUBLIC_PREFIXES):
        return None
    if bearer:  # a system with a token: valid and unrevoked, or nothing at all
        if token_account() is None:
            return error_response("访问令牌无效、已过期或已撤销", 401)
        return None
    if can_read(current_account(), _settings().read_requires_login):
        return None
    if path.startswith(("/_dash-", "/api/")):
        return error_response("请先登录", 401)
    return redirect("/login?" + urlencode({"next": request.full_path.rstrip("?")}))


# ----------------------------------------------------------------- sign-in ---


def csrf_token() -> str:
    """The token the sign-in and sign-out forms carry, kept in the signed session.
    Empty while every page is drawn for the validation layout (``drawing_every_page``):
    that drawing is never sent, and writing the session then gave the worker's first
    visitor, usually anonymous, a session cookie (read and verified on each of their
    later requests) for a form they were never shown."""
    if _DRAWING_FOR.get() is not None:
        return ""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _csrf_ok() -> bool:
    sent = request.form.get("csrf", "")
    return bool(sent) and hmac.compare_digest(sent, session.get("csrf", ""))


def _safe_next(target: str | None) -> str:
    r"""Only a path of this site: a sign-in link must not send anyone elsewhere.

    Browsers drop tabs and line breaks from a URL and read a backslash as a
    slash, so "/\t/evil.example" and "/\evil.example" mean "//evil.example":
    any control or format character and any backslash is refused outright, and
    what remains must parse with no scheme and no host, as a path beginning with
    exactly one slash."""
    if not target or not target.startswith("/") or target[1:2] == "/":
        return "/"
    if "\\" in target or any(unicodedata.category(c)[0] == "C" for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return "/"
    if parts.path.startswith("//"):
        return "/"
    return target


LOGIN_PAGE = """<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
<link rel="stylesheet" href="/assets/style.css"></head>
<body class="bg-light"><main class="container" style="max-width: 28rem; padding-top: 8vh">
<h1 class="h4 mb-1">成渝地区双城经济圈规划目标监测平台</h1>
<p class="text-muted">{subtitle}</p>
{message}
<form method="post" action="/auth/login" class="card card-body">
<input type="hidden" name="csrf" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<input type="hidden" name="lang" value="{lang}">
<label class="form-label" for="username">{user_label}</label>
<input class="form-control mb-2" id="username" name="username" autocomplete="username" required
 value="{username}">
<label class="form-label" for="password">{password_label}</label>
<input class="form-control mb-3" id="password" name="password" type="password"
 autocomplete="current-password" required>
<button class="btn btn-primary" type="submit">{button}</button>
</form>
<p class="small text-muted mt-3">{note}</p>
</main></body></html>"""


def _login_page(message: str = "", username: str = "", status: int = 200) -> Response:
    en = request.values.get("lang") == "en"
    alert = (
        f'<div class="alert alert-danger" role="alert">{escape(message)}</div>' if message else ""
    )
    html = LOGIN_PAGE.format(
        html_lang="en" if en else "zh-CN",
        title="Sign in" if en else "登录",
        subtitle="Sign in" if en else "登录",
        message=alert,
        csrf=csrf_token(),
        next=escape(_safe_next(request.values.get("next"))),
        lang="en" if en else "zh",
        user_label="User name" if en else "用户名",
        password_label="Password" if en else "密码",
        button="Sign in" if en else "登录",
        username=escape(username),
        note=(
            "Accounts are created by the joint office's administrators."
            if en
            else "账号由联合办公室管理员创建；忘记密码请联系管理员。"
        ),
    )
    return Response(html, status=status, mimetype="text/html")


@auth.get("/login")
def login_form() -> Response:
    return _login_page()


def _throttled(wait: timedelta, username: str) -> Response:
    minutes = throttle.minutes(wait)
    response = _login_page(f"登录尝试过于频繁，请 {minutes} 分钟后再试", username, 429)
    response.headers["Retry-After"] = str(max(1, int(wait.total_seconds())))
    return response


@auth.post("/auth/login")
def login() -> Response:
    username = request.form.get("username", "").strip()[:200]
    password = request.form.get("password", "")
    address = request.remote_addr or ""
    if not _csrf_ok():
        return _login_page("表单已过期，请重新登录", username, 400)
    factory = session_factory()
    # charged before the (slow) password check, in a short transaction of its own
    with transaction(factory) as db:
        attempt = throttle.admit(db, username, address)
    if attempt.refused_for is not None:
        return _throttled(attempt.refused_for, username)
    with transaction(factory) as db:
        user = authenticate(db, username, password)
        if user is None:
            throttle.log_failure(db, username, address, attempt)
        else:
            throttle.succeeded(db, attempt)
            account = account_of(user)
            version = user.session_version
            audit.record(
                db,
                audit.SIGN_IN,
                user.username,
                user_id=user.id,
                object_type="user",
                object_id=user.username,
                detail=address,
            )
    if user is None:
        message = "用户名或密码不正确"
        if attempt.wait is not None:
            message += f"；失败次数过多，请 {throttle.minutes(attempt.wait)} 分钟后再试"
        return _login_page(message, username, 401)
    session.clear()  # a fresh session on sign-in: no fixation
    login_user(SessionUser(account))
    session[SESSION_VERSION] = version
    csrf_token()
    return redirect(_safe_next(request.form.get("next")))


@auth.post("/auth/logout")
def logout() -> Response:
    """Sign out everywhere: the account's session version moves on, so a copy of
    this cookie (or one on another device) is signed out too."""
    account = current_account()
    if account is not None and _csrf_ok():
        with transaction(session_factory()) as db:
            user = db.get(models.User, account.id)
            if user is not None:
                end_sessions(user)
            audit.record(
                db,
                audit.SIGN_OUT,
                account.username,
                user_id=account.id,
                object_type="user",
                object_id=account.username,
            )
        logout_user()
        session.clear()
    return redirect("/")


def role_name(account: Account, lang: str) -> str:
    return (ROLE_EN if lang == "en" else ROLE_ZH)[account.role]
