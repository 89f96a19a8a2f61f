"""How a status looks: a colour that colour-blind readers can tell apart
(Okabe–Ito), always with its word beside it."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard.figures import status_pillar_chart
from dashboard.i18n import method_word, pillar_name, status_word, t
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
    "behind": "#E69F00",  # 滞后于时序进度: the three classes above, read as one
}
_DARK_TEXT = {"needs_acceleration", "limited", "insufficient", "behind"}
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


def status_badge(status: str, lang: str, method: bool = False, **kwargs: object) -> html.Span:
    """A status in the reader's five words, the method's class in its tooltip when
    it says more (滞后于时序进度 · 需加快); ``method``: the class itself (the
    no-target trend, which has no schedule to be behind)."""
    if method:
        word = method_word(status, lang)
        return _badge(word, STATUS_COLOURS[status], status in _DARK_TEXT, **kwargs)
    shown = shown_status(status)
    if shown != status and status != "met":
        kwargs.setdefault("title", method_word(status, lang))
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


def pillar_status_figure(
    frame: pd.DataFrame, lang: str, counts: pd.DataFrame | None = None
) -> dict[str, Any]:
    """Targets per pillar stacked by status, labelled in ``lang``; ``counts``: the
    frame's ``status_counts`` when made already (dashboard.data.pillar_counts)."""
    counts = status_counts(frame) if counts is None else counts
    return status_pillar_chart(
        counts,
        {p: pillar_name(p, lang) for p in counts.index},
        {s: status_word(s, lang) for s in counts.columns},
        STATUS_COLOURS,
        t(lang, "目标数（个）", "Targets"),
    )
