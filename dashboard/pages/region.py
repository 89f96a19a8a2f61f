"""地区: one region or grouping — the targets set for it (status, value, target and
gap by pillar), the indicators it reports, and the targets of the wider scopes its
figures count towards — and two regions compared, one indicator to a row."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import data as frames
from dashboard.components.header import Ids as HeaderIds
from dashboard.components.picker import picker
from dashboard.components.scorecard import (
    indicator_cell,
    latest_text,
    pillar_table,
    scorecard_table,
    target_cell,
)
from dashboard.components.status import status_badge, status_tally
from dashboard.context import region_directory, snapshot_scope
from dashboard.data import per_version, records, snapshots
from dashboard.figures import sparkline_svg
from dashboard.i18n import dropdown_labels, href, lang_of, layer_name, region_name, t
from indicators.comparison import (
    aligned_by_indicator,
    covering_scopes,
    covering_targets,
    latest_figures,
)
from indicators.formatting import measured, row_target, row_value, series_decimals
from indicators.regions import LEVEL_NAMES_EN, LEVEL_NAMES_ZH, Region

dash.register_page(__name__, path="/region", name="地区", title="地区 · 成渝监测平台", order=2)


class Ids(StrEnum):
    REGION = "region-code"
    COMPARE = "region-compare"
    BODY = "region-body"
    SHARE = "region-share"
    SCORECARD = "scorecard-main"
    REPORTED = "region-reported"
    REPORTED_TABLE = "region-reported-table"
    COVERING = "region-covering"
    ALIGNED = "region-aligned"


def _options(frame: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """Scopes with targets, the ones with most targets first."""
    counts = frame.groupby(["scope_code", "scope_label"]).size().reset_index(name="n")
    counts = counts.sort_values(["n", "scope_code"], ascending=[False, True])
    unit = t(lang, "个目标", " targets")
    return [
        {
            "label": f"{r.scope_label}（{r.n}{unit}）"
            if lang == "zh"
            else f"{r.scope_label} ({r.n}{unit})",
            "value": r.scope_code,
        }
        for r in records(counts)
    ]


def _heading(region: Region, mine: pd.DataFrame, lang: str) -> list[Any]:
    """The region's name, level, a link to its extent, and its targets' statuses."""
    level = (LEVEL_NAMES_EN if lang == "en" else LEVEL_NAMES_ZH).get(region.level, region.level)
    return [
        html.H3(region_name(region, lang), className="h4 mb-0"),
        html.Div(
            [
                level,
                " · ",
                html.A(
                    t(lang, "范围与原文", "extent and source"),
                    href=href("/regions", lang, grouping=region.code)
                    if region.is_grouping
                    else href("/regions", lang),
                ),
            ],
            className="small text-muted mb-2",
        ),
        status_tally(mine, lang, className="mb-2")
        if not mine.empty
        else html.P(t(lang, "该地区没有规划目标。", "No plan sets a target for this region.")),
    ]


def _region(frame: pd.DataFrame, region: Region, lang: str) -> html.Div:
    """One region: its own targets, what it reports, the wider targets it counts in."""
    observations = frames.region_observations((region.code,))
    figures = latest_figures(observations)

    def own() -> list[Any]:
        mine = frame[frame.scope_code == region.code]
        return [*_heading(region, mine, lang), scorecard_table(mine, lang, table_id=Ids.SCORECARD)]

    return html.Div(
        [
            # the region's own targets: drawn from the latest snapshots alone, once per
            # progress version and language in this worker (an upload moves only what
            # follows; the circle's scorecard was a third of a miss of 地区)
            *per_version(f"region:own:{region.code}:{lang}", own),
            _reported(region, observations, figures, lang),
            _covering(frame, region, figures, lang),
        ]
    )


def _decimals(units: dict[str, str], values: dict[str, list[float]]) -> dict[str, int]:
    """Each indicator's decimals as on its own page (formatting.series_decimals):
    ``units`` and the ``values`` shown, by indicator; the targets read once."""
    targets = frames.targets()
    targets = targets[targets.indicator_id.isin(units)]
    rows: dict[str, list[tuple[float | None, str, str]]] = {}
    columns = (targets.indicator_id, targets.value, targets.unit, targets.kind)
    for indicator_id, value, unit, kind in zip(*columns, strict=True):
        rows.setdefault(indicator_id, []).append((value, unit, kind))
    return {
        i: series_decimals(unit, rows.get(i, []), values.get(i, [])) for i, unit in units.items()
    }


def _described(ids: Any) -> dict[str, dict[str, Any]]:
    """The catalogue's name, unit, pillar and headline flag of each indicator, by id."""
    indicators = frames.indicators()
    indicators = indicators[indicators.id.isin(set(ids))]
    columns = ["name_zh", "name_en", "unit", "pillar", "headline"]
    return indicators.set_index("id")[columns].to_dict("index")


def _figure_text(value: Any, period: Any, unit: str, decimals: int, lang: str) -> str:
    """ "58.3%（2025）": a figure in the indicator's unit with its period; — for none."""
    if value is None or pd.isna(value):
        return "—"
    shown = measured(float(value), unit, decimals, lang)
    return f"{shown}（{period}）" if lang == "zh" else f"{shown} ({period})"


def _reported(
    region: Region, observations: pd.DataFrame, figures: pd.DataFrame, lang: str
) -> html.Div:
    """Every indicator the region has figures for, targets or not: its latest figure,
    the data layer and the trend of its annual figures."""
    title = t(lang, "本地报送的指标", "Indicators reported for this region")
    if figures.empty:
        note = t(lang, "该地区尚无数据。", "No figures for this region yet.")
        return html.Div([html.H4(title, className="h5 mt-4"), html.P(note)], id=Ids.REPORTED)
    described = _described(figures.indicator_id)
    figures = figures[figures.indicator_id.isin(described)]
    annual = observations[observations.period.astype(str).str.fullmatch(r"\d{4}")]
    series = {
        key: group.value.astype(float).to_list()
        for key, group in annual.sort_values("period").groupby("indicator_id")
    }
    latest = dict(zip(figures.indicator_id, figures.value.astype(float), strict=True))
    decimals = _decimals(
        {i: d["unit"] for i, d in described.items()},
        {i: series.get(i) or [latest[i]] for i in latest},
    )
    header = [
        t(lang, "指标", "Indicator"),
        t(lang, "最新值", "Latest value"),
        t(lang, "数据层", "Layer"),
        t(lang, "走势", "Trend"),
    ]

    def cells(row: Any) -> list[html.Td]:
        indicator = described[row.indicator_id]
        spark = sparkline_svg(series.get(row.indicator_id, []))
        name = indicator["name_en"] if lang == "en" else indicator["name_zh"]
        shown = _figure_text(
            row.value, row.period, indicator["unit"], decimals[row.indicator_id], lang
        )
        return [
            html.Td(
                html.A(name, href=href("/indicator", lang, id=row.indicator_id, region=region.code))
            ),
            html.Td(shown),
            html.Td(layer_name(row.layer, lang)),
            html.Td(html.Img(src=spark, alt="", className="sparkline") if spark else "—"),
        ]

    shown = figures.assign(
        pillar=figures.indicator_id.map(lambda i: described[i]["pillar"]),
        _headline=figures.indicator_id.map(lambda i: not described[i]["headline"]),
    ).sort_values(["_headline", "indicator_id"])
    count = t(lang, f"（{len(shown)} 个）", f" ({len(shown)})")
    return html.Div(
        [
            html.H4(title + count, className="h5 mt-4"),
            pillar_table(shown, header, cells, Ids.REPORTED_TABLE, lang, order=()),
        ],
        id=Ids.REPORTED,
    )


def _covering(
    frame: pd.DataFrame, region: Region, figures: pd.DataFrame, lang: str
) -> html.Div | None:
    """The targets of the wider scopes the region lies under (the circle, a 都市圈,
    its province), narrowest first, each scope folded: the scope's verdict beside
    the region's own latest figure, which counts towards it."""
    covering = covering_targets(frame, region_directory(), region.code)
    if covering.empty:
        return None
    local = {
        i: (float(v), str(p))
        for i, v, p in zip(figures.indicator_id, figures.value, figures.period, strict=True)
    }
    header = [
        t(lang, "指标", "Indicator"),
        t(lang, "目标", "Target"),
        t(lang, "范围整体最新值", "Latest, whole scope"),
        t(lang, "状态", "Status"),
        t(lang, "本地最新值", "Latest, this region"),
    ]

    def cells(row: Any) -> list[html.Td]:
        here = local.get(row.indicator_id)
        value = None if here is None else row_value(row, here[0], lang)
        period = "" if here is None else t(lang, f"（{here[1]}）", f" ({here[1]})")
        return [
            indicator_cell(row, lang),
            target_cell(row, lang),
            html.Td(latest_text(row, lang)),
            html.Td(status_badge(row.status, lang)),
            html.Td(value + period if value else "—"),
        ]

    scopes = []
    groups = covering.groupby(["covering_width", "scope_code"], sort=True)  # narrowest first
    for i, (key, targets) in enumerate(groups):
        with_local = int(targets.indicator_id.isin(local).sum())
        scope = targets.scope_label.iloc[0]
        summary = t(
            lang,
            f"{scope}：{len(targets)} 个目标，本地有数据的 {with_local} 个",
            f"{scope}: {len(targets)} targets, {with_local} with figures of this region",
        )
        scopes.append(
            html.Details(
                [
                    html.Summary(summary, className="fw-bold"),
                    status_tally(targets, lang, size="fs-6", className="mt-2"),
                    pillar_table(targets, header, cells, f"{Ids.COVERING}-{key[1]}", lang),
                ],
                open=i == 0 and len(targets) <= 30,  # the narrowest, when short
                className="mb-2",
            )
        )
    return html.Div(
        [
            html.H4(
                t(lang, "所在区域的目标", "Targets of the wider areas it lies in"),
                className="h5 mt-4",
            ),
            html.P(
                t(
                    lang,
                    "这些目标为更大范围设定，本地数据计入其中；状态是整个范围的，不是本地的。",
                    "These targets are set for a wider area that this region's figures count "
                    "towards; the status is the whole area's, not this region's.",
                ),
                className="small text-muted",
            ),
            *scopes,
        ],
        id=Ids.COVERING,
    )


def _comparison(frame: pd.DataFrame, regions: list[Region], lang: str) -> html.Div:
    """The regions side by side, one indicator to a row: each one's latest figure
    with its year and its own target due soonest; — where it has none."""
    codes = [r.code for r in regions]
    indicators = frames.indicators()
    figures = latest_figures(frames.region_observations(tuple(codes)))
    rows = aligned_by_indicator(indicators, figures, frame, codes)
    described = _described(rows.indicator_id)
    shown = {
        i: [float(v) for v in (_field(r, f"value@{c}") for c in codes) if v is not None]
        for i, r in zip(rows.indicator_id, records(rows), strict=True)
    }
    decimals = _decimals({i: d["unit"] for i, d in described.items()}, shown)
    targets = {r.target_id: r for r in records(frame.drop_duplicates("target_id"))}
    names = [region_name(r, lang) for r in regions]
    header = [t(lang, "指标", "Indicator"), *names]

    def cells(row: Any) -> list[html.Td]:
        indicator = described[row.indicator_id]
        label = indicator["name_en"] if lang == "en" else indicator["name_zh"]
        return [
            html.Td(html.A(label, href=href("/indicator", lang, id=row.indicator_id))),
            *[
                html.Td(
                    [
                        html.Div(
                            _figure_text(
                                _field(row, f"value@{c}"),
                                _field(row, f"period@{c}"),
                                indicator["unit"],
                                decimals[row.indicator_id],
                                lang,
                            )
                        ),
                        _own_target(targets, _field(row, f"target@{c}"), lang),
                    ]
                )
                for c in codes
            ],
        ]

    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(_heading(r, frame[frame.scope_code == r.code], lang), md=6)
                    for r in regions
                ]
            ),
            html.P(
                t(
                    lang,
                    f"{len(rows)} 个指标，每行一个：各地最新值（年份）及其本地目标中最近到期的一个；“—”为无数据。",
                    f"{len(rows)} indicators, one to a row: each region's latest figure (year) "
                    "and its own target due soonest; “—” where it has no figure.",
                ),
                className="small text-muted",
            ),
            pillar_table(rows, header, cells, Ids.ALIGNED, lang, order=()),
        ]
    )


def _field(row: Any, field: str) -> Any:
    """A field of a comparison row (its name holds "@", not an attribute name)."""
    return getattr(row, field, None)


def _own_target(targets: dict[str, Any], target_id: str | None, lang: str) -> html.Div | None:
    """The region's own target, its year, wording in the indicator's unit and status."""
    row = targets.get(target_id) if target_id is not None else None
    if row is None:
        return None
    year = int(row.target_year)
    return html.Div(
        [
            html.A(
                t(lang, f"{year}年目标 ", f"{year} target ") + row_target(row, lang),
                href=href("/targets", lang, target=target_id),
                className="me-1",
            ),
            status_badge(row.status, lang),
        ],
        className="small",
    )


def body(code: str | None, compare: str | None, lang: str) -> Any:
    """The region's (or the two regions') targets, figures and covering targets: read of
    the latest snapshots, which scopes they hold and the rows of these regions and the
    scopes they lie under alone (kept until those change: context.snapshot_scope)."""
    with snapshot_scope("census", ()):
        frame = snapshots(lang)
        shown = [c for c in (code, compare) if c and c in region_directory().regions]
        covering = covering_scopes(frame, region_directory(), code) if code in shown else {}
        with snapshot_scope("regions", (*shown, *covering)):
            return _body(frame, code, compare, lang)


def _body(frame: pd.DataFrame, code: str | None, compare: str | None, lang: str) -> Any:
    if frame.empty:
        return dbc.Alert(t(lang, "尚无进展评估结果。", "No progress assessed yet."), color="info")
    if not code:
        return html.P(t(lang, "请选择地区。", "Choose a region."), className="text-muted")
    directory = region_directory()
    for asked in (code, compare):
        if asked and asked not in directory.regions:
            return dbc.Alert(
                t(lang, f"没有代码为 {asked} 的地区。", f"No region with code {asked}."),
                color="warning",
            )
    if not compare or compare == code:
        return _region(frame, directory[code], lang)
    return _comparison(frame, [directory[code], directory[compare]], lang)


def layout(
    code: str = "ccec", compare: str | None = None, lang: str | None = None, **_query: str
) -> html.Div:
    lang = lang_of(lang)
    with snapshot_scope("census", ()):  # the scopes and their counts, not the verdicts
        frame = snapshots(lang)
        options = _options(frame, lang) if not frame.empty else []
    return html.Div(
        [
            html.H2(t(lang, "地区目标进展", "Targets of a region"), className="h3"),
            html.P(
                t(
                    lang,
                    "一个地区或区域组合的规划目标、本地报送的指标及其所在区域的目标；"
                    "与另一地区对比时按指标逐行对齐。",
                    "The plan targets of a region or grouping, the indicators it reports and "
                    "the targets of the wider areas it lies in; compared with another region, "
                    "one indicator to a row.",
                ),
                className="text-muted",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.REGION,
                            options=options,
                            value=code,
                            clearable=False,
                            labels=dropdown_labels(lang),
                        ),
                        md=5,
                    ),
                    dbc.Col(
                        picker(
                            Ids.COMPARE,
                            options,
                            compare,
                            t(lang, "与另一地区对比…", "Compare with…"),
                            lang,
                        ),
                        md=5,
                    ),
                    dbc.Col(
                        html.A(
                            t(lang, "本视图链接", "Link to this view"),
                            id=Ids.SHARE,
                            href=_share(code, compare, lang),
                            className="small",
                        ),
                        md=2,
                        className="pt-2",
                    ),
                ],
                className="g-2 mb-3 d-print-none",
            ),
            dcc.Loading(html.Div(body(code, compare, lang), id=Ids.BODY), type="dot"),
        ]
    )


def _share(code: str | None, compare: str | None, lang: str) -> str:
    return href("/region", lang, code=code, compare=compare)


@callback(
    Output(Ids.BODY, "children"),
    Output(Ids.SHARE, "href"),
    Input(Ids.REGION, "value"),
    Input(Ids.COMPARE, "value"),
    State(HeaderIds.URL, "search"),
    prevent_initial_call=True,
)
def show(code: str | None, compare: str | None, search: str | None) -> tuple[Any, str]:
    lang = lang_of(search)
    return body(code, compare, lang), _share(code, compare, lang)
