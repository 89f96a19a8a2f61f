"""The reporting calendar (报送日历): which periods are due, by when, and what a
cell of the 报送进度 matrix shows.

Periods are spelled as everywhere else in the monitor (indicators/normalise.py):
``2025`` (a year), ``2025Q3`` (a quarter), ``2025-07`` (a month). Cumulative
periods (``2025-01/06``) are what bulletins publish, not what reporters owe, so
the calendar does not know them.

A due rule says: the figures of a period are due by day ``day`` of the month
that comes ``months_after`` months after the period's last month; a month
without that day takes its last day (day 31 in April is 30 April, day 29 in
February is the 28th outside leap years). The defaults follow the statistical
offices' release rhythm: annual data for year Y by 31 March of Y+1, a quarter
by the 20th of the month after it, a month by the 15th of the next month.

States of a cell (region × indicator × period), decided by :func:`cell_state`:

``approved`` (已审核)
    a reported figure is there and accepted.
``received`` (已报送待审核)
    a reported figure is there, awaiting review.
``overdue`` (逾期未报)
    nothing received and the due date has passed (``today > due``: the due
    date itself is still on time).
``missing`` (待报送)
    nothing received, the period has ended and the due date is today or later:
    the reporter is expected to act but is not late.
``not_due`` (未到报送期)
    nothing received and the period has not ended yet, so nothing can be
    reported. Only when the caller says when the period ends (``opens``).

Which periods an indicator owes (:data:`PERIODS_OWED`): every indicator owes
the figure of the year, because the assessments use annual values only
(indicators/progress_run.py) and a year's rate or level is not derivable from
its months; a quarterly indicator owes its quarters too, a monthly one its
months. Each period is due by the rule of its own kind: the annual GDP by 31
March, its quarters by the 20th after each quarter.

A rejected figure counts as nothing received. The rules can be set in
``config/reporting_calendar.yaml``, read by :func:`load_reporting_calendar`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

FREQUENCIES = ("annual", "quarterly", "monthly")
PERIODS_OWED = {
    "annual": ("annual",),
    "quarterly": ("annual", "quarterly"),
    "monthly": ("annual", "monthly"),
}
STATES = ("approved", "received", "overdue", "missing", "not_due")
STATE_ZH = {
    "approved": "已审核",
    "received": "已报送待审核",
    "overdue": "逾期未报",
    "missing": "待报送",
    "not_due": "未到报送期",
}
STATE_EN = {
    "approved": "approved",
    "received": "received, awaiting review",
    "overdue": "overdue",
    "missing": "awaiting report",
    "not_due": "not yet due",
}
_MONTHS_IN = {"annual": 12, "quarterly": 3, "monthly": 1}
_FREQUENCY_ZH = {"annual": "年度", "quarterly": "季度", "monthly": "月度"}
_PATTERNS = {
    "annual": re.compile(r"(\d{4})"),
    "quarterly": re.compile(r"(\d{4})Q([1-4])"),
    "monthly": re.compile(r"(\d{4})-(0[1-9]|1[0-2])"),
}
_EXAMPLES = {"annual": "2025", "quarterly": "2025Q3", "monthly": "2025-07"}
MAX_MONTHS_AFTER = 24


class CalendarError(ValueError):
    """A period, a rule or the calendar file cannot be used; the message says which."""


@dataclass(frozen=True)
class DueRule:
    """Figures of a period are due by ``day`` of the ``months_after``-th month after it."""

    frequency: str
    months_after: int
    day: int


Rules = Mapping[str, DueRule]

DEFAULT_RULES: Rules = MappingProxyType(
    {
        "annual": DueRule("annual", 3, 31),
        "quarterly": DueRule("quarterly", 1, 20),
        "monthly": DueRule("monthly", 1, 15),
    }
)


@dataclass(frozen=True)
class ReportingCalendar:
    """The rules and the first period the monitor checks (None: the caller decides)."""

    rules: Rules = field(default_factory=lambda: DEFAULT_RULES)
    start: str | None = None


# ------------------------------------------------------------------ periods ---


def period_frequency(period: str) -> str:
    """``annual``, ``quarterly`` or ``monthly`` for a canonical period string."""
    for frequency, pattern in _PATTERNS.items():
        if pattern.fullmatch(period):
            return frequency
    raise CalendarError(f"期间“{period}”无法识别（应为 2025、2025Q3 或 2025-07）")


def _first_month(period: str) -> tuple[int, int]:
    """(year, month) of the period's first month."""
    frequency = period_frequency(period)
    year = int(period[:4])
    if frequency == "annual":
        return year, 1
    if frequency == "quarterly":
        return year, 3 * int(period[5]) - 2
    return year, int(period[5:7])


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _period_at(frequency: str, year: int, month: int) -> str:
    """The period of ``frequency`` that contains the month."""
    if frequency == "annual":
        return str(year)
    if frequency == "quarterly":
        return f"{year}Q{(month - 1) // 3 + 1}"
    return f"{year}-{month:02d}"


def period_start(period: str) -> date:
    year, month = _first_month(period)
    return date(year, month, 1)


def period_end(period: str) -> date:
    """The last day of the period."""
    year, month = _add_months(*_first_month(period), _MONTHS_IN[period_frequency(period)] - 1)
    return date(year, month, calendar.monthrange(year, month)[1])


def next_period(period: str) -> str:
    frequency = period_frequency(period)
    return _period_at(frequency, *_add_months(*_first_month(period), _MONTHS_IN[frequency]))


def previous_period(period: str) -> str:
    """The period before, of the same kind: 2024 before 2025, 2025Q2 before 2025Q3,
    2024-12 before 2025-01; a cumulative period (2025-01/06) the same months of
    the year before (2024-01/06), as bulletins compare them."""
    if re.fullmatch(r"\d{4}-01/(0[1-9]|1[0-2])", period):
        return f"{int(period[:4]) - 1}{period[4:]}"
    frequency = period_frequency(period)
    return _period_at(frequency, *_add_months(*_first_month(period), -_MONTHS_IN[frequency]))


def periods_of_year(frequency: str, year: int) -> list[str]:
    """Every period of ``frequency`` in the calendar year, in order."""
    _check_frequency(frequency)
    step = _MONTHS_IN[frequency]
    return [_period_at(frequency, year, month) for month in range(1, 13, step)]


def period_label(period: str) -> str:
    """How people write the period: 2025年 · 2025年第3季度 · 2025年7月."""
    frequency = period_frequency(period)
    if frequency == "annual":
        return f"{period}年"
    if frequency == "quarterly":
        return f"{period[:4]}年第{period[5]}季度"
    return f"{period[:4]}年{int(period[5:7])}月"


def _check_frequency(frequency: str) -> None:
    if frequency not in FREQUENCIES:
        raise CalendarError(f"频度“{frequency}”无效，可选：{'、'.join(FREQUENCIES)}")


# -------------------------------------------------------------- due dates ---


def due_date(frequency: str, period: str, rules: Rules = DEFAULT_RULES) -> date:
    """The last day on which the figures of ``period`` are on time.

    ``period`` must be of ``frequency`` (a quarterly indicator's quarter, not
    its year): the rule is chosen by the frequency, and a mismatch is an error
    rather than a silent guess.
    """
    _check_frequency(frequency)
    if not _PATTERNS[frequency].fullmatch(period):
        raise CalendarError(
            f"{_FREQUENCY_ZH[frequency]}指标的期间应写作 {_EXAMPLES[frequency]}，实为“{period}”"
        )
    rule = rules.get(frequency)
    if rule is None:
        raise CalendarError(f"报送日历没有{_FREQUENCY_ZH[frequency]}（{frequency}）的规则")
    last = period_end(period)
    year, month = _add_months(last.year, last.month, rule.months_after)
    return date(year, month, min(rule.day, calendar.monthrange(year, month)[1]))


def periods_due(
    frequency: str, as_of: date, rules: Rules = DEFAULT_RULES, *, since: str
) -> list[str]:
    """Every period of ``frequency``, from the one that contains the start of
    ``since`` on, whose due date is on or before ``as_of``, oldest first.

    ``since`` may be of any frequency: ``2025`` starts monthly periods at
    2025-01, ``2025-07`` starts annual ones at 2025. Pass the day before today
    as ``as_of`` to get the overdue periods.
    """
    _check_frequency(frequency)
    year, month = _first_month(since)
    period = _period_at(frequency, year, month)
    found: list[str] = []
    while due_date(frequency, period, rules) <= as_of:  # due dates grow with the period
        found.append(period)
        period = next_period(period)
    return found


def view_periods(
    frequency: str, period: str, today: date, *, since: str | None = None
) -> list[str]:
    """The periods of kind ``frequency`` in the 报送进度 view of ``period``.

    ``since`` is the calendar's ``start``, the first period the monitor checks:
    periods before the one of ``frequency`` that contains its first month are
    history from before the monitor was in use, owed by nobody, and left out
    (``2025`` keeps 2025, 2025Q1 and 2025-01 on; ``2025-07`` keeps 2025, 2025Q3,
    2025-07 on).

    For a year (``2025``) that is what a joint-office user means by "the
    reporting of 2025": the annual figure 2025 always (so it never vanishes
    from the year's view; it is ``not_due`` until the year ends), and the
    quarters and months of 2025 that have ended by ``today`` (those whose
    reporting has begun). For a quarter or a month, that one period, ended or
    not, and nothing of the other kinds.
    """
    _check_frequency(frequency)
    kind = period_frequency(period)
    if kind != "annual":
        found = [period] if kind == frequency else []
    elif frequency == "annual":
        found = [period]
    else:
        found = [p for p in periods_of_year(frequency, int(period)) if period_end(p) < today]
    if since is None:
        return found
    first = period_start(_period_at(frequency, *_first_month(since)))
    return [p for p in found if period_start(p) >= first]


# ------------------------------------------------------------------ states ---


def cell_state(
    received: bool, approved: bool, due: date, today: date, *, opens: date | None = None
) -> str:
    """The state of one cell (see the module docstring).

    ``received`` means a current reported figure that was not rejected;
    ``approved`` that it was accepted (it implies ``received``). ``opens`` is the
    first day on which the period can be reported (the day after it ends); left
    out, a period with nothing received is ``missing`` until its due date passes.
    """
    if approved:
        return "approved"
    if received:
        return "received"
    if today > due:
        return "overdue"
    if opens is not None and today < opens:
        return "not_due"
    return "missing"


# ----------------------------------------------------------- the YAML file ---


def load_reporting_calendar(path: Path) -> ReportingCalendar:
    """Read and check ``config/reporting_calendar.yaml``; refuse it whole, listing
    every problem with the field it concerns, so a typo never turns into a
    silently wrong deadline."""
    name = Path(path).name
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CalendarError(f"找不到报送日历文件 {path}") from None
    except yaml.YAMLError as exc:
        raise CalendarError(f"报送日历 {name} 不是有效的 YAML：{exc}") from None
    problems: list[str] = []
    rules: dict[str, DueRule] = {}
    start: str | None = None
    if not isinstance(data, dict):
        problems.append("顶层应为映射，包含 rules（各频度的报送规则）和可选的 start")
        data = {}
    for key in data:
        if key not in ("rules", "start"):
            problems.append(f"字段 {key}：未知字段，可用字段为 rules、start")
    raw_rules = data.get("rules")
    if raw_rules is None:
        problems.append("字段 rules：缺少此字段（应列出 annual、quarterly、monthly 的规则）")
    elif not isinstance(raw_rules, dict):
        problems.append(f"字段 rules：应为映射（频度: 规则），实为 {raw_rules!r}")
    else:
        for frequency in raw_rules:
            if frequency not in FREQUENCIES:
                problems.append(f"字段 rules.{frequency}：未知频度，可选：{'、'.join(FREQUENCIES)}")
        for frequency in FREQUENCIES:
            if frequency not in raw_rules:
                problems.append(f"字段 rules.{frequency}：缺少{_FREQUENCY_ZH[frequency]}数据的规则")
                continue
            rule = _rule(frequency, raw_rules[frequency], problems)
            if rule is not None:
                rules[frequency] = rule
    if data.get("start") is not None:
        start = str(data["start"]).strip()
        try:
            period_frequency(start)
        except CalendarError:
            problems.append(
                f"字段 start：期间 {data['start']!r} 无法识别（应为 2025、2025Q3 或 2025-07）"
            )
            start = None
    if problems:
        raise CalendarError(f"报送日历 {name} 有 {len(problems)} 处错误：\n" + "\n".join(problems))
    return ReportingCalendar(MappingProxyType(rules), start)


def _rule(frequency: str, raw: Any, problems: list[str]) -> DueRule | None:
    where = f"字段 rules.{frequency}"
    if not isinstance(raw, dict):
        problems.append(f"{where}：应为映射（months_after、day），实为 {raw!r}")
        return None
    for key in raw:
        if key not in ("months_after", "day"):
            problems.append(f"{where}.{key}：未知字段，可用字段为 months_after、day")
    values: dict[str, int] = {}
    for key, low, high, meaning in (
        ("months_after", 1, MAX_MONTHS_AFTER, "报告期结束后的第几个月"),
        ("day", 1, 31, "该月的第几日"),
    ):
        value = raw.get(key)
        if value is None:
            problems.append(f"{where}.{key}：缺少此字段（{meaning}）")
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}.{key}：应为整数（{meaning}），实为 {value!r}")
        elif not low <= value <= high:
            problems.append(f"{where}.{key}：应在 {low}–{high} 之间（{meaning}），实为 {value}")
        else:
            values[key] = value
    if len(values) < 2:
        return None
    return DueRule(frequency, values["months_after"], values["day"])
