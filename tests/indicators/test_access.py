import pytest

from indicators.access import (
    AccessDenied,
    Account,
    can_administer,
    can_read,
    can_report,
    can_review,
    report_scope,
    require_report,
    require_review,
)

CHENGDU = Account(1, "cd", "成都填报员", "reporter", frozenset({"510100"}))
VIEWER = Account(2, "leader", "领导", "viewer")
REVIEWER = Account(3, "office", "联合办公室", "reviewer")
ADMIN = Account(4, "admin", "管理员", "admin")


def test_acc001_a_reporter_reports_only_for_its_own_regions() -> None:
    assert can_report(CHENGDU, "510100")
    assert not can_report(CHENGDU, "500000")
    with pytest.raises(AccessDenied, match="无权报送或修改重庆市的数据"):
        require_report(CHENGDU, "500000", "重庆市")


def test_acc002_viewers_and_anonymous_cannot_write_or_review() -> None:
    assert not can_report(VIEWER, "510100") and not can_report(None, "510100")
    assert not can_review(VIEWER) and not can_review(CHENGDU) and not can_review(None)
    with pytest.raises(AccessDenied, match="无审核权限"):
        require_review(VIEWER)
    with pytest.raises(AccessDenied, match="请先登录"):
        require_review(None)


def test_acc003_reviewers_review_any_region_and_only_admins_administer() -> None:
    assert can_review(REVIEWER) and can_report(REVIEWER, "500000")
    assert not can_administer(REVIEWER) and can_administer(ADMIN)


def test_acc004_anonymous_reading_is_a_setting() -> None:
    assert can_read(None, read_requires_login=False)
    assert not can_read(None, read_requires_login=True)
    assert can_read(VIEWER, read_requires_login=True)


def test_acc005_the_submission_scope_is_the_reporters_regions_or_any() -> None:
    assert report_scope(CHENGDU) == {"510100"}
    assert report_scope(REVIEWER) is None and report_scope(ADMIN) is None
    # a viewer bound to regions still submits for none of them
    assert report_scope(Account(5, "v", "领导", "viewer", frozenset({"510100"}))) == set()
