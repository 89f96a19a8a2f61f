"""The reporting calendar: due dates, due periods, cell states and the YAML file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from config.settings import CONFIG_DIR
from indicators.reporting_calendar import (
    DEFAULT_RULES,
    FREQUENCIES,
    PERIODS_OWED,
    STATE_EN,
    STATE_ZH,
    STATES,
    CalendarError,
    DueRule,
    cell_state,
    due_date,
    load_reporting_calendar,
    period_end,
    period_frequency,
    period_label,
    periods_due,
    periods_of_year,
    view_periods,
)


@pytest.mark.parametrize(
    ("frequency", "period", "due"),
    [
        ("annual", "2025", date(2026, 3, 31)),
        ("annual", "1999", date(2000, 3, 31)),
        ("quarterly", "2025Q1", date(2025, 4, 20)),
        ("quarterly", "2025Q3", date(2025, 10, 20)),
        ("quarterly", "2025Q4", date(2026, 1, 20)),  # across the year end
        ("monthly", "2025-01", date(2025, 2, 15)),
        ("monthly", "2025-07", date(2025, 8, 15)),
        ("monthly", "2025-11", date(2025, 12, 15)),
        ("monthly", "2025-12", date(2026, 1, 15)),  # across the year end
    ],
)
def test_cal001_default_due_dates(frequency: str, period: str, due: date) -> None:
    assert due_date(frequency, period) == due


def test_cal002_a_day_the_month_lacks_is_its_last_day_leap_years_included() -> None:
    end_of_month = {"monthly": DueRule("monthly", 1, 31)}
    assert due_date("monthly", "2025-03", end_of_month) == date(2025, 4, 30)
    assert due_date("monthly", "2024-01", end_of_month) == date(2024, 2, 29)  # leap year
    assert due_date("monthly", "2025-01", end_of_month) == date(2025, 2, 28)
    assert due_date("monthly", "2100-01", end_of_month) == date(2100, 2, 28)  # not leap
    assert due_date("monthly", "2000-01", end_of_month) == date(2000, 2, 29)  # leap
    february = {"annual": DueRule("annual", 2, 29)}
    assert due_date("annual", "2023", february) == date(2024, 2, 29)
    assert due_date("annual", "2024", february) == date(2025, 2, 28)
    late = {"quarterly": DueRule("quarterly", 14, 1)}  # more than a year after
    assert due_date("quarterly", "2025Q4", late) == date(2027, 2, 1)


def test_cal003_the_period_must_be_of_the_frequency() -> None:
    with pytest.raises(CalendarError, match="季度指标的期间应写作 2025Q3"):
        due_date("quarterly", "2025")
    with pytest.raises(CalendarError, match="无效"):
        due_date("weekly", "2025")
    with pytest.raises(CalendarError, match="没有月度"):
        due_date("monthly", "2025-01", {"annual": DEFAULT_RULES["annual"]})
    for bad in ("2025Q5", "2025-13", "2025-1", "2025-01/06", "25"):
        with pytest.raises(CalendarError, match="无法识别"):
            period_frequency(bad)


def test_cal004_periods_and_labels() -> None:
    assert periods_of_year("quarterly", 2025) == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert periods_of_year("monthly", 2025)[::11] == ["2025-01", "2025-12"]
    assert periods_of_year("annual", 2025) == ["2025"]
    assert period_end("2024-02") == date(2024, 2, 29)
    assert period_end("2025Q4") == date(2025, 12, 31)
    assert period_end("2025") == date(2025, 12, 31)
    assert [period_label(p) for p in ("2025", "2025Q3", "2025-07")] == [
        "2025年",
        "2025年第3季度",
        "2025年7月",
    ]


def test_cal012_every_indicator_owes_the_year() -> None:
    assert set(PERIODS_OWED) == set(FREQUENCIES)
    assert all(kinds[0] == "annual" and kinds[-1] == f for f, kinds in PERIODS_OWED.items())


def test_cal005_periods_due_on_or_before_a_day_from_a_start() -> None:
    assert periods_due("annual", date(2026, 3, 30), since="2024") == ["2024"]
    assert periods_due("annual", date(2026, 3, 31), since="2024") == ["2024", "2025"]
    assert periods_due("quarterly", date(2026, 1, 19), since="2025") == [
        "2025Q1",
        "2025Q2",
        "2025Q3",
    ]
    assert periods_due("quarterly", date(2026, 1, 20), since="2025")[-1] == "2025Q4"
    months = periods_due("monthly", date(2026, 2, 15), since="2025-11")
    assert months == ["2025-11", "2025-12", "2026-01"]
    # a start of another frequency starts at the period that contains it
    assert periods_due("annual", date(2027, 1, 1), since="2025-07") == ["2025"]
    assert periods_due("quarterly", date(2025, 12, 31), since="2025-08") == ["2025Q3"]
    assert periods_due("monthly", date(2025, 1, 1), since="2025") == []


def test_cal006_the_view_of_a_year_lists_what_has_begun() -> None:
    today = date(2026, 4, 15)
    assert view_periods("annual", "2026", today) == ["2026"]  # listed, though not due
    assert view_periods("quarterly", "2026", today) == ["2026Q1"]
    assert view_periods("monthly", "2026", today) == ["2026-01", "2026-02", "2026-03"]
    assert view_periods("monthly", "2025", today) == periods_of_year("monthly", 2025)
    assert view_periods("quarterly", "2026Q4", today) == ["2026Q4"]  # asked for by name
    assert view_periods("annual", "2026Q4", today) == []
    assert view_periods("monthly", "2026Q4", today) == []


def test_cal_since001_nothing_before_the_monitor_was_in_use_is_owed() -> None:
    """The calendar's start: earlier periods are history nobody owes, of any kind."""
    today = date(2026, 4, 15)
    assert view_periods("annual", "2019", today, since="2025") == []
    assert view_periods("monthly", "2024", today, since="2025") == []
    assert view_periods("annual", "2025", today, since="2025") == ["2025"]
    assert view_periods("monthly", "2025", today, since="2025-07") == [
        f"2025-{m:02d}" for m in range(7, 13)
    ]
    assert view_periods("quarterly", "2025", today, since="2025-08") == ["2025Q3", "2025Q4"]
    assert view_periods("annual", "2025", today, since="2025-07") == ["2025"]  # contains it
    assert view_periods("quarterly", "2025Q2", today, since="2025-07") == []
    # the last day of a month is still in it
    assert view_periods("monthly", "2026", date(2026, 1, 31)) == []
    assert view_periods("monthly", "2026", date(2026, 2, 1)) == ["2026-01"]


@pytest.mark.parametrize(
    ("received", "approved", "today", "opens", "state"),
    [
        (True, True, date(2027, 1, 1), None, "approved"),
        (True, False, date(2027, 1, 1), None, "received"),
        (True, False, date(2025, 6, 1), date(2026, 1, 1), "received"),  # early is fine
        (False, False, date(2026, 3, 31), None, "missing"),  # the due date is on time
        (False, False, date(2026, 4, 1), None, "overdue"),
        (False, False, date(2026, 1, 1), date(2026, 1, 1), "missing"),  # window opens
        (False, False, date(2025, 12, 31), date(2026, 1, 1), "not_due"),
        (False, False, date(2025, 12, 31), None, "missing"),
    ],
)
def test_cal007_cell_states(
    received: bool, approved: bool, today: date, opens: date | None, state: str
) -> None:
    assert cell_state(received, approved, date(2026, 3, 31), today, opens=opens) == state
    assert set(STATE_ZH) == set(STATE_EN) == set(STATES)


def test_cal008_the_shipped_file_holds_the_defaults() -> None:
    calendar = load_reporting_calendar(CONFIG_DIR / "reporting_calendar.yaml")
    assert dict(calendar.rules) == dict(DEFAULT_RULES)
    assert calendar.start == "2025"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reporting_calendar.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
rules:
  annual: {months_after: 2, day: 28}
  quarterly: {months_after: 1, day: 25}
  monthly: {months_after: 1, day: 10}
"""


def test_cal009_a_valid_file_changes_the_rules(tmp_path: Path) -> None:
    calendar = load_reporting_calendar(_write(tmp_path, GOOD + "start: 2024\n"))
    assert calendar.start == "2024"  # an unquoted year is read as a number, taken as a period
    assert due_date("annual", "2025", calendar.rules) == date(2026, 2, 28)
    assert due_date("monthly", "2025-07", calendar.rules) == date(2025, 8, 10)
    assert load_reporting_calendar(_write(tmp_path, GOOD)).start is None


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            GOOD.replace("day: 25", "day: 32"),
            ["字段 rules.quarterly.day：应在 1–31 之间（该月的第几日），实为 32"],
        ),
        (
            GOOD.replace("day: 10", "day: 10日"),
            ["字段 rules.monthly.day：应为整数（该月的第几日），实为 '10日'"],
        ),
        (
            GOOD.replace("months_after: 2", "months_after: 0"),
            ["字段 rules.annual.months_after：应在 1–24 之间"],
        ),
        (
            GOOD.replace("months_after: 2, ", "").replace("day: 10", "day: true"),
            ["字段 rules.annual.months_after：缺少此字段", "字段 rules.monthly.day：应为整数"],
        ),
        (
            GOOD.replace("  monthly: {months_after: 1, day: 10}\n", "  weekly: {day: 1}\n"),
            ["字段 rules.weekly：未知频度", "字段 rules.monthly：缺少月度数据的规则"],
        ),
        (
            GOOD.replace("day: 28}", "day: 28, hour: 9}") + "starts: 2025\n",
            ["字段 rules.annual.hour：未知字段", "字段 starts：未知字段"],
        ),
        (GOOD + "start: 2025Q5\n", ["字段 start：期间 '2025Q5' 无法识别"]),
        ("rules: [annual]\n", ["字段 rules：应为映射"]),
        ("start: '2025'\n", ["字段 rules：缺少此字段"]),
        ("- annual\n", ["顶层应为映射"]),
        ("rules: {annual: 3}\n", ["字段 rules.annual：应为映射（months_after、day），实为 3"]),
    ],
)
def test_cal010_every_error_names_its_field(tmp_path: Path, text: str, messages: list[str]) -> None:
    with pytest.raises(CalendarError) as caught:
        load_reporting_calendar(_write(tmp_path, text))
    assert "报送日历 reporting_calendar.yaml 有" in str(caught.value)
    for message in messages:
        assert message in str(caught.value)


def test_cal011_an_unreadable_file_is_refused_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match="不是有效的 YAML"):
        load_reporting_calendar(_write(tmp_path, "rules: {annual: [\n"))
    with pytest.raises(CalendarError, match="找不到报送日历文件"):
        load_reporting_calendar(tmp_path / "missing.yaml")
