"""Plotly figures from plain frames: no queries here, no Dash callbacks."""

from __future__ import annotations

import base64
import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.data import records
from dashboard.i18n import bound_name, t
from indicators.formatting import fixed, share_text

# Okabe–Ito: distinguishable with the common colour-vision deficiencies
SERIES, TARGET, PATH, PROJECTION = "#0072B2", "#D55E00", "#009E73", "#CC79A7"
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
# axis ticks as full numbers with thousands grouped (30,000), never SI's "30k"
AXIS_NUMBERS = ",~r"
# room above the highest target star for its label, as a share of the values' span:
# the label stands ~32 px over the star, and the plot is ~280 px high on a phone
LABEL_HEADROOM = 0.2
# a published lower bound points up (the value is at least this), an upper one down
BOUND_MARKER = {"lower": "triangle-up", "upper": "triangle-down"}


def indicator_chart(
    series: pd.DataFrame,
    unit: str,
    targets: pd.DataFrame,
    snapshots: pd.DataFrame,
    lang: str = "zh",
    decimals: int = 2,
    totals: pd.DataFrame | None = None,
) -> go.Figure:
    """The annual series of one region with its targets, the path each target requires
    (from the baseline at the required rate) and the projection at the actual rate.

    ``series``: period, value, layer; ``targets``: id, year, value, comparator_zh;
    ``snapshots``: target_id, baseline_year, baseline_value, cagr_required, latest_year,
    latest_value, cagr_actual, target_year, target_value — all in ``unit``;
    ``decimals``: the indicator's (indicators.formatting.decimals_for); ``totals``:
    cumulative targets (series — the running total they are judged on —, target_year,
    value, label), each drawn as its own line with its star, never on the annual one.
    """
    en = lang == "en"
    shown = f"%{{y:,.{decimals}f}}"
    figure = go.Figure()
    if not series.empty:
        # a published bound (超过5000列) is a triangle, its hover says so: the value is
        # at least (at most) the point, not the point
        bounds = series.bound.fillna("") if "bound" in series else pd.Series("", series.index)
        said = [f"{t(lang, '，', ', ')}{bound_name(b, lang)}" if b else "" for b in bounds]
        figure.add_trace(
            go.Scatter(
                x=series.period.astype(int),
                y=series.value,
                mode="lines+markers",
                name="Actual" if en else "实际值",
                line={"color": SERIES, "width": 3},
                marker={
                    "symbol": [BOUND_MARKER.get(b, "circle") for b in bounds],
                    "size": [12 if b in BOUND_MARKER else 6 for b in bounds],
                },
                customdata=list(zip(series.layer_name, said, strict=True)),
                hovertemplate=(
                    f"%{{x}}: {shown} {unit} (%{{customdata[0]}}%{{customdata[1]}})"
                    if en
                    else f"%{{x}}年：{shown} {unit}（%{{customdata[0]}}%{{customdata[1]}}）"
                )
                + "<extra></extra>",
            )
        )
        for bound in dict.fromkeys(b for b in bounds if b in BOUND_MARKER):
            figure.add_trace(  # the legend's key to the triangles
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    name=bound_name(bound, lang),
                    marker={"symbol": BOUND_MARKER[bound], "size": 12, "color": SERIES},
                )
            )
    for snap in records(snapshots):
        if pd.notna(snap.cagr_required) and pd.notna(snap.baseline_year):
            years = list(range(int(snap.baseline_year), int(snap.target_year) + 1))
            figure.add_trace(
                go.Scatter(
                    x=years,
                    y=[
                        snap.baseline_value * (1 + snap.cagr_required) ** (y - years[0])
                        for y in years
                    ],
                    mode="lines",
                    name=f"Path required by the {int(snap.target_year)} target"
                    if en
                    else f"{int(snap.target_year)}年目标要求路径",
                    line={"color": PATH, "dash": "dash"},
                )
            )
        if pd.notna(snap.cagr_actual) and pd.notna(snap.latest_year):
            years = list(range(int(snap.latest_year), int(snap.target_year) + 1))
            figure.add_trace(
                go.Scatter(
                    x=years,
                    y=[snap.latest_value * (1 + snap.cagr_actual) ** (y - years[0]) for y in years],
                    mode="lines",
                    name="Projection at the current rate" if en else "按当前速度预测",
                    line={"color": PROJECTION, "dash": "dot"},
                )
            )
    if not targets.empty:
        figure.add_trace(
            go.Scatter(
                x=targets.year,
                y=targets.value,
                mode="markers+text",
                name="Plan target" if en else "规划目标",
                marker={"symbol": "star", "size": 16, "color": TARGET},
                text=targets.label,
                textposition="top left",  # and right of a star in the left half: _label_sides
                hovertemplate=("%{x} target: %{text}" if en else "%{x}年目标：%{text}")
                + "<extra></extra>",
            )
        )
    for total in records(totals) if totals is not None else []:
        points = list(total.series or [])
        if not points:
            continue
        span = f"{int(points[0][0])}—{int(total.target_year)}"
        figure.add_trace(
            go.Scatter(
                x=[int(y) for y, _ in points],
                y=[v for _, v in points],
                mode="lines+markers",
                name=f"Running total {span}" if en else f"{span}年累计值",
                line={"color": SERIES, "width": 2, "dash": "dashdot"},
                hovertemplate=(
                    f"%{{x}}: total {shown} {unit}" if en else f"%{{x}}年累计：{shown} {unit}"
                )
                + "<extra></extra>",
            )
        )
        figure.add_trace(
            go.Scatter(
                x=[int(total.target_year)],
                y=[total.value],
                mode="markers+text",
                name="Cumulative target" if en else "累计目标",
                marker={"symbol": "star-open", "size": 16, "color": TARGET},
                text=[total.label],
                textposition="top left",  # or right: _label_sides
                hovertemplate=(f"%{{x}}: {total.label}" if en else f"%{{x}}年：{total.label}")
                + "<extra></extra>",
            )
        )
    figure.update_layout(
        font={"family": FONT, "size": 15},
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        yaxis_title=unit,
        xaxis={"dtick": 1},
        legend={"orientation": "h", "y": -0.15},
        plot_bgcolor="white",
        height=460,
    )
    figure.update_xaxes(showgrid=True, gridcolor="#eee")
    figure.update_yaxes(showgrid=True, gridcolor="#eee", tickformat=AXIS_NUMBERS)
    _label_sides(figure)
    room = _label_room(figure)
    if room is not None:
        figure.update_yaxes(autorangeoptions={"include": [room]})
    return figure


def _label_sides(figure: go.Figure) -> None:
    """Each star's label stands above it towards the middle of the chart: left of
    a star in the right half (a target at the last year is the chart's right
    edge), right of one in the left half — never cut at the plot's edge."""
    # (a legend's key trace has no point: x [None])
    xs = [
        float(x) for trace in figure.data if trace.x is not None for x in trace.x if x is not None
    ]
    if not xs:
        return
    middle = (min(xs) + max(xs)) / 2
    for trace in figure.data:
        if "text" in (trace.mode or "") and trace.x is not None:
            trace.textposition = ["top right" if float(x) < middle else "top left" for x in trace.x]


def _label_room(figure: go.Figure) -> float | None:
    """A value the y range must reach: ``LABEL_HEADROOM`` of the values' span above
    the highest labelled star, so its label (drawn above it) lies inside the plot,
    not cut at its top edge — at 390 px as at 1280; None without a star."""

    def values(trace: Any) -> list[float]:
        found = [float(v) for v in trace.y if v is not None] if trace.y is not None else []
        return [v for v in found if math.isfinite(v)]

    stars = [v for trace in figure.data if "text" in (trace.mode or "") for v in values(trace)]
    if not stars:
        return None
    every = [v for trace in figure.data for v in values(trace)]
    span = max(every) - min(every) or abs(max(stars)) or 1.0
    return max(stars) + LABEL_HEADROOM * span


def ranking_chart(latest: pd.DataFrame, unit: str, decimals: int = 2) -> go.Figure:
    """Regions by their latest annual value (``name``, ``value``, ``period``)."""
    ordered = latest.sort_values("value")
    figure = go.Figure(
        go.Bar(
            x=ordered.value,
            y=ordered.name,
            orientation="h",
            marker_color=SERIES,
            text=[fixed(v, decimals) for v in ordered.value],
            textposition="outside",
            cliponaxis=False,  # the longest bar's figure stands in the margin, not cut
            hovertemplate=f"%{{y}}：%{{x:,.{decimals}f}} {unit}<extra></extra>",
        )
    )
    figure.update_layout(
        font={"family": FONT, "size": 14},
        height=max(260, 26 * len(ordered)),
        margin={"l": 120, "r": 60, "t": 10, "b": 30},
        xaxis_title=unit,
        xaxis_tickformat=AXIS_NUMBERS,
        plot_bgcolor="white",
    )
    return figure


def sparkline_svg(values: list[float], colour: str = SERIES) -> str:
    """A trend line as an inline SVG data URI: dozens per page cost nothing to draw,
    where as many plotly graphs would each load and lay out a chart."""
    width, height, pad = 120, 32, 3
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / (len(values) - 1)
    points = " ".join(
        f"{pad + i * step:.1f},{height - pad - (v - low) / span * (height - 2 * pad):.1f}"
        for i, v in enumerate(values)
    )
    last_x, last_y = points.rsplit(" ", 1)[-1].split(",")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><polyline fill="none" stroke="{colour}" '
        f'stroke-width="2" points="{points}"/><circle cx="{last_x}" cy="{last_y}" r="3" '
        f'fill="{colour}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def status_pillar_chart(
    counts: pd.DataFrame,
    pillar_names: dict[str, str],
    status_names: dict[str, str],
    colours: dict[str, str],
    axis_title: str,
) -> dict[str, Any]:
    """Targets per pillar, stacked by status; the legend names every colour.

    A plain figure dict: plotly's graph objects validate every property, which
    cost more than the whole query behind the chart.
    """
    labels = [pillar_names[p] for p in counts.index]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": labels,
            "x": [int(v) for v in counts[status]],
            "name": status_names[status],
            "marker": {"color": colours[status]},
            "hovertemplate": "%{y} · " + status_names[status] + "：%{x}<extra></extra>",
        }
        for status in counts.columns
        if counts[status].any()
    ]
    return {
        "data": data,
        "layout": {
            "barmode": "stack",
            "font": {"family": FONT, "size": 15},
            "height": max(300, 40 * len(labels) + 120),
            # the legend above the bars: below them it ran into the axis title
            "margin": {"l": 110, "r": 20, "t": 40, "b": 40},
            "legend": {
                "orientation": "h",
                "x": 0,
                "y": 1.0,
                "yanchor": "bottom",
                "traceorder": "normal",
            },
            "xaxis": {"title": {"text": axis_title}, "showgrid": True, "gridcolor": "#eee"},
            # room for the longest pillar name ("Urban–rural integration" was cut at 110 px)
            "yaxis": {"autorange": "reversed", "automargin": True},
            "plot_bgcolor": "white",
        },
    }


def empty_figure(message: str) -> go.Figure:
    """A blank chart that says, in words, why there is nothing to draw."""
    figure = go.Figure()
    figure.update_layout(
        annotations=[{"text": message, "showarrow": False, "font": {"size": 18, "family": FONT}}],
        xaxis={"visible": False},
        yaxis={"visible": False},
        plot_bgcolor="white",
        height=320,
    )
    return figure


def category_progress_chart(
    names: list[str], rates: list[float | None], total_rate: float, expected: float, lang: str
) -> dict[str, Any]:
    """Completion by category (项目调度) as bars with the total last, the expected share as a
    dashed line: the picture of "ahead or behind the year" a leader reads at a glance.
    ``rates`` are shares (0.84), None where a category has no plan."""
    shown = [*rates, total_rate]
    return {
        "data": [
            {
                "type": "bar",
                "x": [*names, t(lang, "合计", "All")],
                "y": [None if r is None else round(r * 100, 1) for r in shown],
                "text": [
                    t(lang, "无计划", "no plan") if r is None else share_text(r) for r in shown
                ],
                "textposition": "outside",
                "marker": {"color": [SERIES] * len(names) + ["#56B4E9"]},
                "name": t(lang, "完成率", "Completion"),
                "hovertemplate": "%{x}: %{y}%<extra></extra>",
            }
        ],
        "layout": {
            "height": 300,
            "margin": {"l": 50, "r": 20, "t": 30, "b": 60},
            "yaxis": {
                "title": {"text": "%"},
                "range": [0, max([110] + [r * 110 for r in shown if r])],
            },
            "shapes": [
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "y0": expected * 100,
                    "y1": expected * 100,
                    "line": {"color": TARGET, "dash": "dash", "width": 2},
                }
            ],
            "annotations": [
                {
                    "xref": "paper",
                    "x": 1,
                    "y": expected * 100,
                    "xanchor": "right",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "text": t(lang, f"时序进度 {expected:.0%}", f"expected {expected:.0%}"),
                    "font": {"color": TARGET},
                }
            ],
            "font": {"family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"},
        },
    }
