"""The monitor's clock: today in Beijing, the calendar every deadline is set in.

One home for the date that reporting deadlines, reminders, dispatch months and
the 终期评估's default year are reckoned from; the ``TODAY`` setting fixes it (a
demonstration as of a given day, a browser test's frozen clock).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from config.settings import SettingsError, load_settings

TIMEZONE = ZoneInfo("Asia/Shanghai")


def beijing_today() -> date:
    """Today in Beijing, or the date the ``TODAY`` setting fixes."""
    fixed = load_settings().today.strip()
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise SettingsError(f"环境变量 TODAY 的值 {fixed!r} 不是日期（YYYY-MM-DD）") from None
    return datetime.now(TIMEZONE).date()
