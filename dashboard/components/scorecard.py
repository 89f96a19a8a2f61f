"""A table of targets with status, value, target and gap, grouped by pillar —
the scorecard of the 地区 page and the lists of the 进展报告."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard.components.status import status_badge
from dashboard.data import records
from dashboard.i18n import bound_sign, figure_year, href, pillar_name, t
from indicators.catalogue import PILLARS
from indicators.formatting import (
    decimals_for,
    measured,
    row_gap,
    row_target,
    row_value,
    short_en,
)


def value_text(value: float | None, unit: str, lang: str, decimals: int | None = None) -> str:
    """A measured value as it reads on a page, with its unit; ``decimals`` as the
    indicator's (indicators.formatting.decimals_for), by the value's magnitude if not given."""
    if value is None or pd.isna(value):
        return "—"
    shown = decimals_for(unit, float(value)) if decimals is None else decimals
    return measured(float(value), unit, shown, lang)


def target_label(row: Any, lang: str) -> str:
    """A snapshot's target in the indicator's unit (indicators.formatting.row_target)."""
    return row_target(row, lang)


def indicator_label(row: Any, lang: str) -> str:
    return row.indicator_name_en if lang == "en" else row.indicator_name


def latest_text(row: Any, lang: str, short: bool = False) -> str:
    """The latest value with its year: "65.84%（2025）"; ``short`` (the printed
    report's English, whose notes say so): no year when it is the assessment's."""
    text = row_value(row, row.latest_value, lang)
    if pd.isna(row.latest_year):
        return text
    year = int(row.latest_year)
    # a published bound (超5000列) reads as one: "≥5,000列（2025，下限）"
    bound = getattr(row, "latest_bound", None)
    if bound_sign(bound):
        return bound_sign(bound) + text + figure_year(year, bound, lang)
    as_of = getattr(row, "as_of", None)
    if short and lang == "en" and row.kind != "cumulative" and as_of is not None and year == as_of:
        return text
    base = getattr(row, "baseline_year", None)
    if row.kind == "cumulative" and base is not None and not pd.isna(base):
        # a running total over the target's period, not the year's figure
        span = f"{int(base) + 1}—{year}"
        return text + (f"（{span}年累计）" if lang == "zh" else f" (total {span})")
    return text + figure_year(year, None, lang)


def indicator_cell(row: Any, lang: str) -> html.Td:
    """The indicator, linked to its page for the target's scope."""
    return html.Td(
        html.A(
            indicator_label(row, lang),
            href=href("/indicator", lang, id=row.indicator_id, region=row.scope_code),
        )
    )


def _plain(text: str) -> str:
    return text


def _words(lang: str, short: bool) -> Callable[[str], str]:
    """How a cell's text is worded: the printed report's English tables shorten
    "percentage points" to "pp" (its notes say so), everything else as written."""
    return short_en if short and lang == "en" else _plain


def target_cell(row: Any, lang: str, short: bool = False) -> html.Td:
    """The target, linked to its plan sentence; a target set in several plans once,
    each plan named and linked to its own sentence (``same_targets``, ``plans``)."""
    sep = "：" if lang == "zh" else ": "
    link = html.A(
        _words(lang, short)(f"{int(row.target_year)}{sep}{target_label(row, lang)}"),
        href=href("/targets", lang, target=row.target_id),
        title=getattr(row, "plan_title", None) or None,
    )
    ids = getattr(row, "same_targets", None)
    if not isinstance(ids, list) or len(ids) < 2:
        return html.Td(link)
    plans = [
        html.A(f"《{title}》", href=href("/targets", lang, target=target), className="me-1")
        for target, title in zip(ids, row.plans, strict=True)
    ]
    return html.Td(
        [
            link,
            html.Div(
                [
                    t(lang, f"同一目标见于 {len(ids)} 个规划：", f"Set in {len(ids)} plans: "),
                    *plans,
                ],
                className="small text-muted same-target-plans",
            ),
        ]
    )


PHONE_CARDS = "cards-on-phone"  # style.css: each row a card below 576 px, cells labelled


def labelled(cells: list[html.Td], header: list[str]) -> list[html.Td]:
    """Cells carrying their column's name (``data-label``), which a row shown as a
    card on a phone prints before each value instead of a header row."""
    for cell, name in zip(cells, header, strict=False):
        setattr(cell, "data-label", name)
    return cells


def _scorecard(
    header: list[str], rows: list[html.Tr], class_name: str, table_id: str | None
) -> dbc.Table:
    """A scorecard table: compact, its rows cards on a phone (each value after its
    column's name)."""
    return dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)],
        bordered=False,
        hover=True,
        size="sm",
        responsive=True,
        className=f"{class_name} {PHONE_CARDS}",
        id=table_id,
    )


def pillar_table(
    frame: pd.DataFrame,
    header: list[str],
    cells: Callable[[Any], list[html.Td]],
    table_id: str | None,
    lang: str,
    order: Sequence[str] = ("indicator_id", "target_year"),
) -> dbc.Table:
    """Rows grouped under a header row per pillar, in the catalogue's pillar order;
    within a pillar by ``order`` (the columns to sort by; empty: as given)."""
    rank = {p: i for i, p in enumerate(PILLARS)}
    ordered = sorted(
        records(frame.sort_values(list(order)) if order else frame),
        key=lambda r: rank.get(r.pillar, len(rank)),
    )
    body: list[html.Tr] = []
    for i, row in enumerate(ordered):
        if i == 0 or row.pillar != ordered[i - 1].pillar:
            body.append(
                html.Tr(
                    html.Th(
                        pillar_name(row.pillar, lang), colSpan=len(header), className="table-light"
                    )
                )
            )
        body.append(html.Tr(labelled(cells(row), header)))
    return _scorecard(header, body, "scorecard", table_id)


def gap_cell_text(row: Any, lang: str) -> str:
    """The gap as it reads in a table: in the indicator's unit, 无 when there is none,
    — for a target met or without a gap."""
    if row.gap is None or pd.isna(row.gap) or row.status in ("met", "achieved"):
        return "—"
    return row_gap(row, row.gap, lang) if row.gap > 0 else t(lang, "无", "none")


def _cells(row: Any, lang: str, show_scope: bool, short: bool = False) -> list[html.Td]:
    words = _words(lang, short)
    return [
        indicator_cell(row, lang),
        *([html.Td(row.scope_label)] if show_scope else []),
        target_cell(row, lang, short),
        html.Td(words(latest_text(row, lang, short))),
        html.Td(status_badge(row.status, lang)),
        html.Td(words(gap_cell_text(row, lang))),
    ]


def _header(lang: str, show_scope: bool) -> list[str]:
    return [
        t(lang, "指标", "Indicator"),
        *([t(lang, "范围", "Scope")] if show_scope else []),
        t(lang, "目标", "Target"),
        t(lang, "最新值", "Latest value"),
        t(lang, "状态", "Status"),
        t(lang, "预计差距", "Expected shortfall"),
    ]


def scorecard_table(
    snapshots: pd.DataFrame,
    lang: str,
    show_scope: bool = False,
    table_id: str | None = None,
    short: bool = False,
) -> Any:
    """Each target's status, latest value, target and gap, by pillar (the weather
    symbols of the outlook only on 预期差距, for the targets still ahead); ``short``:
    the printed report's English ("pp")."""
    if snapshots.empty:
        return html.P(t(lang, "没有目标。", "No targets."), className="text-muted")
    return pillar_table(
        snapshots,
        _header(lang, show_scope),
        lambda row: _cells(row, lang, show_scope, short),
        table_id,
        lang,
    )


def share_of_target_text(share: float | None) -> str:
    """A gap as a share of its target: "30%", "<1%" for a small non-zero one."""
    if share is None or pd.isna(share):
        return "—"
    return "<1%" if share < 0.01 else f"{share:.0%}"


def ranked_table(frame: pd.DataFrame, lang: str, table_id: str, short: bool = True) -> Any:
    """Targets in the order given (indicators.summary.ranked_off_track), one line
    each, numbered, with the gap's share of the target when ``gap_share`` is there;
    in the report's English "pp" for percentage points (``short``)."""
    if frame.empty:
        return html.P(t(lang, "没有目标。", "No targets."), className="text-muted")
    shares = "gap_share" in frame
    header = [
        "№",
        *_header(lang, True),
        *([t(lang, "差距占目标", "Gap / target")] if shares else []),
    ]
    rows = [
        html.Tr(
            labelled(
                [
                    html.Td(str(i)),
                    *_cells(row, lang, True, short),
                    *([html.Td(share_of_target_text(row.gap_share))] if shares else []),
                ],
                header,
            )
        )
        for i, row in enumerate(records(frame), start=1)
    ]
    return _scorecard(header, rows, "scorecard ranked", table_id)
