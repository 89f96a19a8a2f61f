"""Sign-in, sessions and the check every request passes on the server.

The rules (who may read, report, review, administer) live in
``indicators/access.py``; this module only finds out who is asking and refuses
on the server — pages hide nothing that the server would otherwise allow.

- Sessions: Flask-Login over Flask's signed cookie (HttpOnly, SameSite=Lax,
  Secure when ``SECURE_COOKIES``); the signing key from ``SECRET_KEY`` or a
  random key kept in ``DATA_DIR/secret_key``.
- Sign-in: a plain server-rendered form (it must work while every Dash route is
  closed to anonymous readers), with a CSRF token, and a rate limit read from
  the audit log (5 failures per name or address in 15 minutes), so it holds
  across app workers.
- Every state-changing request outside ``/api/`` (which accepts writes only
  with a token, never with the session cookie) must come from this site
  (Origin or Referer): that stops cross-site request forgery of Dash callbacks.
- Reading without an account is a setting (``READ_REQUIRES_LOGIN``).
"""

from __future__ import annotations

import hmac
import os
import secrets
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from urllib.parse import urlparse

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
from sqlalchemy.orm import Session

from config.settings import Settings
from dashboard.api import error_response
from dashboard.context import EXTENSION, session_factory
from db import audit
from db.session import transaction
from db.users import account_of, authenticate, load_account, user_for_token
from indicators.access import ROLE_EN, ROLE_ZH, Account, can_read

# per name, and per address (higher: an office behind one NAT shares it)
FAILURES_PER_NAME, FAILURES_PER_ADDRESS = 5, 30
FAILURE_WINDOW = timedelta(minutes=15)
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
        with session_factory()() as db:
            account = load_account(db, int(user_id))
        return SessionUser(account) if account else None

    server.register_blueprint(auth)
    server.before_request(guard)


def current_account() -> Account | None:
    """The signed-in account of this request, or None."""
    user = current_user
    return user.account if getattr(user, "is_authenticated", False) else None


def token_account() -> Account | None:
    """The account behind this request's ``Authorization: Bearer`` token, if valid."""
    if "ccec_token_account" not in g:
        header = request.headers.get("Authorization", "")
        account = None
        if header.startswith("Bearer "):
            with session_factory()() as db:
                user = user_for_token(db, header.removeprefix("Bearer ").strip())
                account = account_of(user) if user is not None else None
        g.ccec_token_account = account
    return g.ccec_token_account


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
    return redirect(f"/login?next={escape(request.full_path.rstrip('?'))}")


# ----------------------------------------------------------------- sign-in ---


def csrf_token() -> str:
    """The token the sign-in and sign-out forms carry, kept in the signed session."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _csrf_ok() -> bool:
    sent = request.form.get("csrf", "")
    return bool(sent) and hmac.compare_digest(sent, session.get("csrf", ""))


def _safe_next(target: str | None) -> str:
    """Only paths on this site: a sign-in link must not send anyone elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//"):
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


def _record_failure(db: Session, username: str, address: str) -> None:
    """Failed attempts are what the rate limit counts, so every one is logged."""
    audit.record(
        db,
        audit.SIGN_IN_FAILED,
        username or "-",
        object_type="user",
        object_id=username,
        detail=address,
    )


@auth.post("/auth/login")
def login() -> Response:
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    address = request.remote_addr or ""
    if not _csrf_ok():
        return _login_page("表单已过期，请重新登录", username, 400)
    since = datetime.now(UTC) - FAILURE_WINDOW
    with transaction(session_factory()) as db:
        by_name, by_address = audit.failures_since(db, username, address, since)
        if by_name >= FAILURES_PER_NAME or by_address >= FAILURES_PER_ADDRESS:
            _record_failure(db, username, address)
            return _login_page("登录失败次数过多，请 15 分钟后再试", username, 429)
        user = authenticate(db, username, password)
        if user is None:
            _record_failure(db, username, address)
            return _login_page("用户名或密码不正确", username, 401)
        account = account_of(user)
        audit.record(
            db,
            audit.SIGN_IN,
            user.username,
            user_id=user.id,
            object_type="user",
            object_id=user.username,
            detail=address,
        )
    session.clear()  # a fresh session on sign-in: no fixation
    login_user(SessionUser(account))
    csrf_token()
    return redirect(_safe_next(request.form.get("next")))


@auth.post("/auth/logout")
def logout() -> Response:
    account = current_account()
    if account is not None and _csrf_ok():
        with transaction(session_factory()) as db:
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
