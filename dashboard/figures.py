"""Plotly figures from plain frames: no queries here, no Dash callbacks."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Okabe–Ito: distinguishable with the common colour-vision deficiencies
SERIES, TARGET, PATH, PROJECTION = "#0072B2", "#D55E00", "#009E73", "#CC79A7"
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"


def indicator_chart(
    series: pd.DataFrame, unit: str, targets: pd.DataFrame, snapshots: pd.DataFrame
) -> go.Figure:
    """The annual series of one region with its targets, the path each target requires
    (from the baseline at the required rate) and the projection at the actual rate.

    ``series``: period, value, layer; ``targets``: id, year, value, comparator_zh;
    ``snapshots``: target_id, baseline_year, baseline_value, cagr_required, latest_year,
    latest_value, cagr_actual, target_year, target_value.
    """
    figure = go.Figure()
    if not series.empty:
        figure.add_trace(
            go.Scatter(
                x=series.period.astype(int),
                y=series.value,
                mode="lines+markers",
                name="实际值",
                line={"color": SERIES, "width": 3},
                customdata=series.layer_zh,
                hovertemplate="%{x}年：%{y:,.2f} " + unit + "（%{customdata}）<extra></extra>",
            )
        )
    for snap in snapshots.itertuples():
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
                    name=f"{int(snap.target_year)}年目标要求路径",
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
                    name="按当前速度预测",
                    line={"color": PROJECTION, "dash": "dot"},
                )
            )
    if not targets.empty:
        figure.add_trace(
            go.Scatter(
                x=targets.year,
                y=targets.value,
                mode="markers+text",
                name="规划目标",
                marker={"symbol": "star", "size": 16, "color": TARGET},
                text=targets.label,
                textposition="top center",
                hovertemplate="%{x}年目标：%{text}<extra></extra>",
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
    figure.update_yaxes(showgrid=True, gridcolor="#eee")
    return figure


def ranking_chart(latest: pd.DataFrame, unit: str) -> go.Figure:
    """Regions by their latest annual value (``name``, ``value``, ``period``)."""
    ordered = latest.sort_values("value")
    figure = go.Figure(
        go.Bar(
            x=ordered.value,
            y=ordered.name,
            orientation="h",
            marker_color=SERIES,
            text=[f"{v:,.2f}" for v in ordered.value],
            textposition="outside",
            hovertemplate="%{y}：%{x:,.2f} " + unit + "<extra></extra>",
        )
    )
    figure.update_layout(
        font={"family": FONT, "size": 14},
        height=max(260, 26 * len(ordered)),
        margin={"l": 120, "r": 60, "t": 10, "b": 30},
        xaxis_title=unit,
        plot_bgcolor="white",
    )
    return figure
