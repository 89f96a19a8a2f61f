"""The progress report as an Excel workbook: what the joint office takes to the
joint meeting and edits further — the report's parts in the report's order (the
table by region, the five largest gaps, status by pillar, the headline targets,
the ranked off-track list, the other targets), then every target; each sheet a
plain table."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.components.outlook import symbol_word
from dashboard.components.scorecard import indicator_label, target_label
from dashboard.data import records
from dashboard.i18n import bound_name, pillar_name, status_word, t
from indicators.exports import spreadsheet_safe
from indicators.formatting import row_decimals, unit_text
from indicators.summary import (
    SHOWN_ORDER,
    headline_targets,
    largest_gaps,
    not_off_track,
    ranked_off_track,
    shown_status,
    status_by_scope,
    status_counts,
)


def _targets_sheet(frame: pd.DataFrame, lang: str, ranked: bool = False) -> pd.DataFrame:
    """One row a target; ``ranked``: in the order given, numbered, with the gap's
    share of the target (as the report lists them), else by pillar and indicator."""
    rows = (
        frame
        if ranked
        else frame.sort_values(["pillar", "indicator_id", "scope_code", "target_year"])
    )
    objects = records(rows)
    decimals = [row_decimals(r) for r in objects]
    lead: dict[str, list[object]] = {}
    if ranked:
        lead[t(lang, "序号", "No.")] = list(range(1, len(rows) + 1))
    table = pd.DataFrame(
        {
            **lead,
            t(lang, "领域", "Pillar"): [pillar_name(p, lang) for p in rows.pillar],
            t(lang, "指标", "Indicator"): [indicator_label(r, lang) for r in objects],
            t(lang, "范围", "Scope"): rows.scope_label.to_list(),
            t(lang, "目标年份", "Target year"): rows.target_year.astype(int).to_list(),
            t(lang, "目标", "Target"): [target_label(r, lang) for r in objects],
            t(lang, "单位", "Unit"): [unit_text(u, lang) for u in rows.unit],
            t(lang, "最新年份", "Latest year"): rows.latest_year.astype("Int64").to_list(),
            t(lang, "最新值", "Latest value"): _rounded(rows.latest_value, decimals),
            # 下限: the latest figure was published as "超过 X" (at least X), not X itself
            t(lang, "最新值界限", "Latest value is a"): [
                bound_name(getattr(r, "latest_bound", None), lang, short=True) for r in objects
            ],
            t(lang, "状态", "Status"): [status_word(shown_status(s), lang) for s in rows.status],
            t(lang, "目标年预计值", "Projected"): _rounded(rows.outlook_projected, decimals),
            t(lang, "预计差距（%）", "Expected shortfall (%)"): (rows.outlook_shortfall * 100)
            .round(1)
            .to_list(),
            t(lang, "展望", "Outlook"): [symbol_word(s, lang) for s in rows.outlook],
            t(lang, "数据层", "Data layer"): rows.layer.fillna("").to_list(),
            t(lang, "规划", "Plans"): [_joined(r, "plans", "plan_title", "；") for r in objects],
            t(lang, "目标编号", "Target id"): [
                _joined(r, "same_targets", "target_id", "、") for r in objects
            ],
        }
    )
    if ranked and "gap_share" in rows:
        position = table.columns.get_loc(t(lang, "状态", "Status")) + 1
        shares = (rows.gap_share * 100).round(1).to_list()
        table.insert(position, t(lang, "差距占目标（%）", "Gap / target (%)"), shares)
    return table


def _joined(row: object, many: str, one: str, sep: str) -> str:
    """A target set in several plans: every plan (or target id), else its own."""
    values = getattr(row, many, None)
    if isinstance(values, list) and values:
        return sep.join(str(v) for v in values)
    return str(getattr(row, one, "") or "")


def _rounded(values: pd.Series, decimals: list[int]) -> list[float | None]:
    """Figures as numbers (the sheet stays computable), each with its indicator's
    decimals, as the pages show them (indicators.formatting)."""
    return [
        None if pd.isna(v) else round(float(v), d) for v, d in zip(values, decimals, strict=True)
    ]


def _status_sheet(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    counts = status_counts(frame)
    table = counts.rename(
        index=lambda p: pillar_name(p, lang), columns=lambda s: status_word(s, lang)
    )
    table.loc[t(lang, "合计", "Total")] = table.sum()
    return table.rename_axis(t(lang, "领域", "Pillar")).reset_index()


def _region_sheet(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    table = status_by_scope(frame)
    labels = dict(zip(frame.scope_code, frame.scope_label, strict=True))
    words = {s: status_word(s, lang) for s in SHOWN_ORDER}
    out = table[["total", *SHOWN_ORDER]].rename(
        columns={"total": t(lang, "目标数", "Targets"), **words}
    )
    out.index = [labels.get(c, c) for c in out.index]
    return out.rename_axis(t(lang, "范围", "Scope")).reset_index()


def report_workbook(frame: pd.DataFrame, lang: str, title: str, notes: list[str]) -> bytes:
    """The workbook's bytes: a cover sheet (title and the notes: as-of year, data
    layers, the 示例数据 warning, the summary), then the report's tables in its
    order, then every target."""
    sheets = {
        t(lang, "说明", "About"): pd.DataFrame({title: notes}),
        t(lang, "分地区", "By region"): _region_sheet(frame, lang),
        t(lang, "差距最大", "Largest gaps"): _targets_sheet(largest_gaps(frame), lang, True),
        t(lang, "分领域状态", "Status by pillar"): _status_sheet(frame, lang),
        t(lang, "核心指标", "Headline targets"): _targets_sheet(headline_targets(frame), lang),
        t(lang, "未达预期", "Off track"): _targets_sheet(ranked_off_track(frame), lang, True),
        t(lang, "附录·其余目标", "Appendix - other"): _targets_sheet(
            not_off_track(frame), lang, True
        ),
        t(lang, "全部目标", "All targets"): _targets_sheet(frame, lang),
    }
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, unsafe in sheets.items():
            table = spreadsheet_safe(unsafe)  # no cell a spreadsheet reads as a formula
            table.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for cell in sheet[1]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="DDEBF7")
                cell.alignment = Alignment(wrap_text=True, vertical="center")
            for i, column in enumerate(table.columns, start=1):
                longest = max([len(str(column)), *(len(str(v)) for v in table[column].head(200))])
                sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest * 1.6))
            sheet.freeze_panes = "A2"
    return buffer.getvalue()
