"""审计日志 reads "字段：旧值 → 新值", never raw JSON (issue 18 item 10)."""

from __future__ import annotations

import pytest

from indicators.audit_view import changes_text, object_text, value_text


@pytest.mark.parametrize(
    ("before", "after", "zh", "en"),
    [
        # a reviewed row: the value revised, the decision and the comment
        (
            {"layer": "reported", "observation_id": 7, "value": 120.0, "revision": 1},
            {
                "submission_id": 12,
                "row_no": 3,
                "indicator_id": "gdp",
                "region_code": "510100",
                "period": "2024",
                "unit": "亿元",
                "layer": "reported",
                "observation_id": 9,
                "value": 125.5,
                "revision": 2,
                "decision": "approved",
                "comment": None,
            },
            ["数值：120 → 125.5", "修订次数：1 → 2", "审核结果：通过"],  # the period names the row
            ["value: 120 → 125.5", "revision: 1 → 2", "decision: approved"],
        ),
        # a user's role and regions changed; the name unchanged is not listed
        (
            {"role": "reporter", "display_name": "王", "active": True, "regions": ["510100"]},
            {"role": "reviewer", "display_name": "王", "active": False, "regions": []},
            ["角色：报送员 → 审核员", "启用：是 → 否", "地区：510100 → —"],
            ["role: reporter → reviewer", "active: yes → no", "regions: 510100 → —"],
        ),
        # a submission's status
        (
            {"status": "pending"},
            {"status": "approved", "approved": 3, "rejected": 0, "comment": None},
            ["状态：待审 → 通过", "通过行数：3", "退回行数：0"],
            ["status: pending → approved", "rows approved: 3", "rows rejected: 0"],
        ),
        (None, None, [], []),
        (
            None,
            {"filename": "a.xlsx", "size": 1234567, "sha256": "ab12"},
            ["文件名：a.xlsx", "大小（字节）：1,234,567"],
            ["file name: a.xlsx", "size (bytes): 1,234,567"],
        ),
    ],
)
def test_aud001_changes_read_field_old_to_new(before, after, zh, en) -> None:  # noqa: ANN001
    assert changes_text(before, after) == zh
    assert changes_text(before, after, "en") == en


def test_aud002_the_object_is_named_as_a_person_names_it() -> None:
    after = {"submission_id": 12, "row_no": 3, "indicator_id": "gdp", "region_code": "510100"}
    after |= {"period": "2024"}
    names, regions = {"gdp": "地区生产总值"}, {"510100": "成都市"}
    assert (
        object_text("submission_row", "88", after, "zh", names, regions)
        == "报送 12 第 3 行 · 地区生产总值 · 成都市 · 2024"
    )
    assert object_text("submission_row", "88", after, "en").startswith("submission 12, row 3")
    assert object_text("user", "wang", None) == "用户 wang"
    assert object_text("token", "5", {}, "en") == "token 5"
    assert object_text(None, None, None) == ""


def test_aud003_values_read_as_words_and_numbers() -> None:
    assert value_text(True) == "是" and value_text(False, "en") == "no"
    assert value_text(None) == "—" and value_text(float("nan")) == "—"
    assert value_text(12345.0) == "12,345" and value_text("published") == "公开数据"
    assert value_text(2023) == "2023" and value_text(1234567) == "1,234,567"  # years ungrouped
    assert value_text({"2026": 1.5}) == "2026：1.5"


def test_aud004_an_event_without_an_object_names_nothing() -> None:
    """pandas fills the object id of an event without one with NaN: the audit page drew
    as an administrator (the app's first request) failed on it with a TypeError."""
    assert object_text(None, float("nan"), None) == ""
    assert object_text("user", float("nan"), None) == "用户"
    assert object_text("user", 12, None) == "用户 12"
