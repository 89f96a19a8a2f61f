"""Who may do what: roles, region scopes and the rules the server applies to
every page, callback and API route. Pure, so the rules are tested on their own
and the web layer only asks.

- viewer (leaders): reads;
- reporter: reads, and submits data for the regions bound to the account;
- reviewer (joint office): reads, reviews every region's submissions, reads the audit log;
- admin: everything, including users and tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("viewer", "reporter", "reviewer", "admin")
ROLE_ZH = {
    "viewer": "浏览者",
    "reporter": "填报员",
    "reviewer": "审核员",
    "admin": "管理员",
}
ROLE_EN = {
    "viewer": "viewer",
    "reporter": "reporter",
    "reviewer": "reviewer",
    "admin": "administrator",
}


@dataclass(frozen=True)
class Account:
    """The signed-in person (or the system behind an API token), as the rules see it."""

    id: int
    username: str
    display_name: str
    role: str
    regions: frozenset[str] = field(default_factory=frozenset)


class AccessDenied(PermissionError):
    """An action the account may not take; the message is Chinese and says why."""


def can_read(account: Account | None, read_requires_login: bool) -> bool:
    return account is not None or not read_requires_login


def can_report(account: Account | None, region: str) -> bool:
    """Reporters for their own regions; reviewers and administrators for any."""
    if account is None:
        return False
    scope = report_scope(account)
    return scope is None or region in scope


def report_scope(account: Account) -> set[str] | None:
    """The regions an account may submit rows for; None means any (reviewers,
    administrators). A viewer's scope is empty."""
    if account.role in ("reviewer", "admin"):
        return None
    return set(account.regions) if account.role == "reporter" else set()


def may_submit(account: Account | None) -> bool:
    """Whether the account submits data at all (for some region)."""
    return account is not None and account.role in ("reporter", "reviewer", "admin")


def can_review(account: Account | None) -> bool:
    return account is not None and account.role in ("reviewer", "admin")


def can_audit(account: Account | None) -> bool:
    return can_review(account)


def can_administer(account: Account | None) -> bool:
    return account is not None and account.role == "admin"


def require_report(account: Account | None, region: str, region_name: str) -> None:
    if account is None:
        raise AccessDenied("请先登录再报送数据")
    if not can_report(account, region):
        raise AccessDenied(f"账号“{account.username}”无权报送或修改{region_name}的数据")


def require_review(account: Account | None) -> Account:
    """The account, if it may review; refused (Chinese) otherwise. Returned so that
    the caller holds it as signed in, not ``None``."""
    if account is None:
        raise AccessDenied("请先登录")
    if not can_review(account):
        raise AccessDenied(f"账号“{account.username}”（{ROLE_ZH[account.role]}）无审核权限")
    return account


def require_admin(account: Account | None) -> None:
    if account is None:
        raise AccessDenied("请先登录")
    if not can_administer(account):
        raise AccessDenied(f"账号“{account.username}”（{ROLE_ZH[account.role]}）无管理权限")
