"""How a status looks: a colour that colour-blind readers can tell apart
(Okabe–Ito), always with its word beside it."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard.figures import status_pillar_chart
from dashboard.i18n import pillar_name, status_word, t
from indicators.final_evaluation import VERDICT_EN, VERDICT_ZH
from indicators.summary import SHOWN_ORDER, shown_status, status_counts

STATUS_COLOURS = {
    "achieved": "#0072B2",
    "on_track": "#009E73",
    "needs_acceleration": "#F0E442",
    "limited": "#E69F00",
    "deterioration": "#D55E00",
    "missed": "#CC79A7",
    "insufficient": "#BBBBBB",
}
_DARK_TEXT = {"needs_acceleration", "limited", "insufficient"}
# the states of a reporting cell (indicators/reporting_calendar.STATES), same palette
REPORTING_COLOURS = {
    "approved": "#009E73",
    "received": "#56B4E9",
    "missing": "#F0E442",
    "overdue": "#D55E00",
    "not_due": "#BBBBBB",
}


# 终期评估's verdicts (indicators/final_evaluation.VERDICTS), same palette
VERDICT_COLOURS = {
    "done": "#0072B2",
    "mostly_done": "#56B4E9",
    "not_done": "#D55E00",
    "no_data": "#BBBBBB",
}
_DARK_VERDICTS = {"mostly_done", "no_data"}


def verdict_badge(verdict: str, lang: str, **kwargs: object) -> html.Span:
    """A final verdict as a coloured badge with its word."""
    word = t(lang, VERDICT_ZH[verdict], VERDICT_EN[verdict])
    return _badge(word, VERDICT_COLOURS[verdict], verdict in _DARK_VERDICTS, **kwargs)


def status_colour(status: str) -> str:
    return STATUS_COLOURS[shown_status(status)]


def status_badge(status: str, lang: str, **kwargs: object) -> html.Span:
    shown = shown_status(status)
    return _badge(status_word(shown, lang), STATUS_COLOURS[shown], shown in _DARK_TEXT, **kwargs)


def _badge(word: str, colour: str, dark_text: bool, **kwargs: object) -> html.Span:
    """A coloured badge with its word: colour alone never carries the meaning."""
    return html.Span(
        word,
        className="badge status-badge " + kwargs.pop("className", ""),  # type: ignore[operator]
        style={"backgroundColor": colour, "color": "#222" if dark_text else "#fff"},
        **kwargs,  # type: ignore[arg-type]
    )


def status_tally(frame: pd.DataFrame, lang: str, size: str = "fs-5", **kwargs: Any) -> html.Div:
    """How many targets are in each status, best first: the badge, then the count."""
    counts = frame.status.map(shown_status).value_counts() if not frame.empty else {}
    return html.Div(
        [
            html.Span(
                [
                    status_badge(s, lang, className="fs-6 me-1"),
                    html.Span(str(int(counts[s])), className=f"{size} fw-bold me-4"),
                ],
                className="d-inline-flex align-items-center mb-1",
            )
            for s in SHOWN_ORDER
            if counts.get(s, 0)
        ],
        **kwargs,
    )


def pillar_status_figure(frame: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Targets per pillar stacked by status, labelled in ``lang``."""
    counts = status_counts(frame)
    return status_pillar_chart(
        counts,
        {p: pillar_name(p, lang) for p in counts.index},
        {s: status_word(s, lang) for s in counts.columns},
        STATUS_COLOURS,
        t(lang, "目标数（个）", "Targets"),
    )
