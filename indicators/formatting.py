"""How a target reads in Chinese: "≥9000 公里", "66% 左右", "1—2 个"."""

from __future__ import annotations


def number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def target_text(
    value: float, unit: str, comparator: str, value_high: float | None = None, kind: str = "level"
) -> str:
    """The target as a person would say it, with the comparator the wording means."""
    shown = number(abs(value)) if kind == "change" else number(value)
    if kind == "change":
        shown = ("下降" if value < 0 else "增长") + shown
    if kind == "growth":
        shown = "年均增长" + shown
    if comparator == "range" and value_high is not None:
        return f"{shown}—{number(value_high)}{unit}"
    prefix = {"at_least": "≥", "at_most": "≤"}.get(comparator, "")
    suffix = "左右" if comparator == "about" else ""
    return f"{prefix}{shown}{unit}{suffix}"
