"""Every action the code writes to the audit log has a name on 审计日志."""

from __future__ import annotations

from db import audit, uploads


def test_aud001_refusals_and_anonymous_checks_are_named_in_both_languages() -> None:
    for action in (uploads.REFUSED, uploads.ANONYMOUS_CHECK, audit.SIGN_IN_FAILED):
        zh, en = audit.ACTION_NAMES[action]
        assert zh and en and zh != en
