"""Check a file's records against the catalogue and the regions, in Chinese.

Every problem is reported — file, sheet, row, column, the value seen and what
is wrong — not just the first. Errors refuse the file (nothing is stored);
提示 (warnings, e.g. a value far from the region's own history, as DHIS2's
outlier checks do) are shown for review but do not block. The work is done
once per distinct region, indicator, period and unit text, and the numbers are
parsed column-wise, so a million rows validate in seconds.
"""

from __future__ import annotations

import difflib
import math
import re
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import TypeVar

import numpy as np
import pandas as pd

from indicators.catalogue import FREQUENCY_ZH, IndicatorDef
from indicators.formatting import number
from indicators.normalise import (
    NormaliseError,
    english_unit,
    fits_frequency,
    fold,
    parse_number,
    parse_period,
    period_kind,
    unit_from_label,
)
from indicators.regions import RegionDirectory, RegionError, UnknownRegionError, normalise_name
from indicators.reporting_duty import impossible_value
from indicators.units import UnitError, conversion_factor, split_unit
from loaders.places import MISSPELLED, is_outside_region

ERROR, WARNING = "错误", "提示"
_Raw = TypeVar("_Raw")  # a cell value as pandas hands it over
OUTLIER_Z = 3.0
OUTLIER_JUMP = 0.5


@dataclass(frozen=True)
class Problem:
    level: str  # 错误 | 提示
    file: str
    sheet: str
    row: int | None
    column: str | None  # the cell (D) or, for a label problem, the field (地区, 指标, 期间, 单位)
    value: str | None
    message: str
    count: int = 1  # cells this line stands for: a reason met many times is one line

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = "，".join(
            part
            for part in (
                f"文件 {self.file}",
                f"工作表 {self.sheet}" if self.sheet else "",
                f"第 {self.row} 行" if self.row else "",
                f"{self.column} 列" if self.column else "",
            )
            if part
        )
        seen = f"（值：“{self.value}”）" if self.value not in (None, "") else ""
        return f"[{self.level}] {where}{seen}：{self.message}"


@dataclass
class Context:
    """What a file is checked against, and whose it is."""

    directory: RegionDirectory
    indicators: Mapping[str, IndicatorDef]
    allowed_regions: set[str] | None = None  # None: any region (administrators, the sample)
    history: Mapping[tuple[str, str], list[float]] = field(default_factory=dict)
    default_indicator: str | None = None
    default_region: str | None = None
    # published tables (national portal exports, yearbooks) cover more regions and
    # indicators than the monitor tracks: those rows are skipped with a 提示
    skip_unknown: bool = False

    def __post_init__(self) -> None:
        self._indicator_index: dict[str, str] = {}
        for indicator in self.indicators.values():
            for name in (indicator.id, indicator.name_zh, indicator.name_en, *indicator.aliases):
                self._indicator_index[normalise_name(name)] = indicator.id

    def resolve_indicator(self, raw: str) -> str:
        name, _ = unit_from_label(raw)
        key = normalise_name(name or raw)
        if key in self._indicator_index:
            return self._indicator_index[key]
        close = difflib.get_close_matches(key, list(self._indicator_index), n=3, cutoff=0.5)
        names = list(
            dict.fromkeys(self.indicators[self._indicator_index[c]].name_zh for c in close)
        )
        hint = f"；您是否要找：{'、'.join(names)}" if names else ""
        raise NormaliseError(f"未知指标“{raw}”{hint}")

    def may_report(self, code: str) -> bool:
        if self.allowed_regions is None:
            return True
        # the region itself or one it lies in (a district of an allowed city)
        return code in self.allowed_regions or any(
            c in self.allowed_regions for c in self.directory.lineage(code)
        )

    def reportable(self) -> set[str] | None:
        """The regions this sender may report (None: any): the only ones whose
        history the outlier check reads, so the only history worth reading."""
        if self.allowed_regions is None:
            return None
        return {region.code for region in self.directory if self.may_report(region.code)}


@dataclass
class Result:
    rows: pd.DataFrame  # indicator_id, region_code, period, value, unit, note, sheet, row, column
    problems: list[Problem]
    skipped_blank: int = 0
    # why a file without an error still has no row to import (无可导入数据), else None
    nothing: str | None = None
    # a file naming no indicator (or no region): which is missing ("指标" / "地区") and its
    # readable cells as (the known key: region or indicator, period, value), for
    # indicators.identify to propose the missing one from stored figures
    missing: str | None = None
    unnamed: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self) -> dict[str, object]:
        """The validation report, as shown, downloaded and returned by the API.

        ``errors`` and ``warnings`` count cells; ``problems`` has one line per
        cell, except that a reason met more than three times is one line with
        its count and three examples."""
        errors = sum(p.count for p in self.errors)
        report: dict[str, object] = {
            "ok": self.ok,
            "rows": int(len(self.rows)),
            "errors": errors,
            "warnings": sum(p.count for p in self.problems) - errors,
            "skipped_blank": self.skipped_blank,
            "problems": [p.to_dict() for p in self.problems],
        }
        if self.nothing:
            report["empty"] = True
            report["empty_reason"] = self.nothing
        return report


MOSTLY_BLANK = 0.5  # a form or template with more of its rows blank than this is warned of


def blank_warning(result: Result, filename: str) -> Problem | None:
    """A 提示 when most rows of a template or the online form have no value: the file
    passes (a region may truly have no figure yet), but the sender hears how many
    rows are blank, so a half-filled file is not sent by mistake."""
    blank = result.skipped_blank
    total = blank + int(len(result.rows)) + sum(p.count for p in result.errors if p.row)
    if not total or blank <= total * MOSTLY_BLANK:
        return None
    message = (
        f"共 {total} 行中有 {blank} 行未填数值（空白），只有 {total - blank} 行有数值；"
        "空白行不会导入。如确无数据可忽略本提示，否则请补填后再提交"
    )
    return Problem(WARNING, filename, "", None, "数值", None, message)


def _lookup(
    values: Iterable[_Raw], parse: Callable[[_Raw], str]
) -> dict[_Raw, tuple[str | None, str | None]]:
    """Parse each distinct value once: value → (result, error message); exactly one
    of the two is None."""
    out: dict[_Raw, tuple[str | None, str | None]] = {}
    for value in values:
        try:
            out[value] = (parse(value), None)
        except (NormaliseError, RegionError) as exc:
            out[value] = (None, str(exc))
    return out


def _numbers(raw: pd.Series) -> tuple[np.ndarray, pd.Series, pd.Series, list[str | None]]:
    """Values, in-cell prefixes (万/亿), signs (%/‰) and error messages, column-wise:
    plain numbers convert at once; only the rest go through ``parse_number``."""
    text = raw.astype("string")
    fast = pd.to_numeric(text.str.strip(), errors="coerce")
    values = fast.to_numpy(dtype=float, na_value=np.nan)
    # inf, Infinity and 1e999 are no figure: parse_number refuses them in Chinese
    values[np.isinf(values)] = np.nan
    prefix = pd.Series("", index=raw.index, dtype=object)
    sign = pd.Series("", index=raw.index, dtype=object)
    error: list[str | None] = [None] * len(raw)
    slow = pd.Series(np.isnan(values), index=raw.index) & text.notna()
    for index, cell in text[slow].items():
        position = raw.index.get_loc(index)
        try:
            number = parse_number(cell)
        except NormaliseError as exc:
            error[position] = str(exc)
            continue
        values[position] = np.nan if number.value is None else number.value
        prefix[index], sign[index] = number.prefix, number.sign
    return values, prefix, sign, error


def _unit_of(indicator: IndicatorDef, raw_unit: object, prefix: str, sign: str) -> str:
    unit = None if raw_unit is None or pd.isna(raw_unit) else _unit_cell(str(raw_unit), indicator)
    if sign:
        return sign
    if prefix:
        base = split_unit(unit or indicator.unit)[1]
        return prefix + base
    return unit or indicator.unit


def _unit_cell(cell: str, indicator: IndicatorDef) -> str:
    """A unit column's cell is the unit, or holds it in brackets (``单位（万人）``) — but a
    unit may itself end in brackets (``万套（间）``): the whole cell wins when it is
    the indicator's unit or converts to it."""
    text = english_unit(fold(cell))
    try:
        conversion_factor(text, indicator.unit)
        return text
    except UnitError:
        return unit_from_label(text)[1] or text


def _factor(unit: str, target: str) -> float:
    if unit == "‰" and target == "%":
        return 0.1
    return conversion_factor(unit, target)


def validate(
    records: pd.DataFrame, filename: str, context: Context, *, grouped: bool = True
) -> Result:
    """Check every record; return the clean rows (in the indicators' units) and every
    problem — a reason met often as one line (``group``), unless ``grouped`` is False
    (the online form flags each of its rows)."""
    problems: list[Problem] = []
    frame = records.reset_index(drop=True)

    def add(level: str, index: int, column: str | None, value: object, message: str) -> None:
        row = frame.loc[index]
        problems.append(
            Problem(
                level,
                filename,
                str(row.get("sheet") or ""),
                int(row["row"]) if pd.notna(row.get("row")) else None,
                column or (row.get("column") or None),
                None
                if value is None or (isinstance(value, float) and pd.isna(value))
                else str(value),
                message,
            )
        )

    values, prefix, sign, number_error = _numbers(frame["value"])
    blank = np.isnan(values) & np.array([e is None for e in number_error], dtype=bool)
    region_raw = frame["region"].fillna(context.default_region or "")
    indicator_raw = frame["indicator"].fillna(context.default_indicator or "")
    # a file that names no region (or indicator) anywhere hears so once, with the way to name it
    no_region = not (region_raw != "").any()
    no_indicator = not (indicator_raw != "").any()
    regions = _lookup(
        region_raw.unique(),
        lambda r: _region_code(context, r) if r else _missing("地区", no_region),
    )
    indicators = _lookup(
        indicator_raw.unique(),
        lambda i: context.resolve_indicator(i) if i else _missing("指标", no_indicator),
    )
    periods = _lookup(frame["period"].unique(), parse_period)
    # plain lists: the loop below touches every row, and list indexing is cheap
    region_raw_l, indicator_raw_l = region_raw.tolist(), indicator_raw.tolist()
    period_raw_l, value_raw_l = frame["period"].tolist(), frame["value"].tolist()
    unit_raw_l = [
        None if u is None or (isinstance(u, float) and pd.isna(u)) else u
        for u in frame["unit"].tolist()
    ]
    prefix_l, sign_l = prefix.tolist(), sign.tolist()
    region_code = [regions[r][0] for r in region_raw_l]
    indicator_id = [indicators[i][0] for i in indicator_raw_l]
    period = [periods[p][0] for p in period_raw_l]
    out_value = np.full(len(frame), np.nan)
    out_unit: list[str | None] = [None] * len(frame)
    unit_cache: dict[tuple[str, object, str, str], tuple[float | None, str, str | None]] = {}
    outlier_cache: dict[tuple[str, str], _Spread | None] = {}
    seen: dict[tuple[str, str, str], int] = {}
    skipped: dict[str, list[tuple[int, str]]] = {}  # field → (record, raw label) outside
    for i in range(len(frame)):
        if blank[i]:
            continue
        bad = False
        for field_name, mapping, raw in (
            ("地区", regions, region_raw_l[i]),
            ("指标", indicators, indicator_raw_l[i]),
            ("期间", periods, period_raw_l[i]),
        ):
            message = mapping[raw][1]
            if message == OUTSIDE or (
                message and context.skip_unknown and message.startswith(("未知地区", "未知指标"))
            ):
                skipped.setdefault(field_name, []).append((i, raw))
                bad = True
            elif message:
                add(ERROR, i, field_name, raw, message)
                bad = True
        error = number_error[i]
        if error:
            add(ERROR, i, None, value_raw_l[i], error)
            bad = True
        # a lookup that failed gave None and a message, reported just above
        code, ind_id, per = region_code[i], indicator_id[i], period[i]
        if bad or code is None or ind_id is None or per is None:
            continue
        indicator = context.indicators[ind_id]
        key = (indicator.id, unit_raw_l[i], prefix_l[i], sign_l[i])
        if key not in unit_cache:
            unit = _unit_of(indicator, unit_raw_l[i], prefix_l[i], sign_l[i])
            try:
                unit_cache[key] = (_factor(unit, indicator.unit), unit, None)
            except UnitError:
                unit_cache[key] = (
                    None,
                    unit,
                    f"单位“{unit}”不能换算为指标“{indicator.name_zh}”的单位“{indicator.unit}”",
                )
        factor, unit, message = unit_cache[key]
        if factor is None:  # the unit does not convert; the message says so
            add(ERROR, i, "单位", unit_raw_l[i] or unit, message or "")
            continue
        if not fits_frequency(per, indicator.frequency):
            add(
                ERROR,
                i,
                None,
                period_raw_l[i],
                f"指标“{indicator.name_zh}”为{FREQUENCY_ZH[indicator.frequency]}指标，"
                f"不接受{FREQUENCY_ZH[period_kind(per)]}期间",
            )
            continue
        if not context.may_report(code):
            name = context.directory[code].name_zh
            add(ERROR, i, None, region_raw_l[i], f"您无权报送“{name}”的数据")
            continue
        value = float(values[i]) * factor  # a Python float: an overflow is inf, not a warning
        if not math.isfinite(value):
            add(ERROR, i, None, value_raw_l[i], f"数值换算为“{indicator.unit}”后超出可表示的范围")
            continue
        if factor != 1.0:
            value = float(f"{value:.12g}")  # no float noise from 0.28 万列 → 列
        impossible = _impossible(indicator, value)
        if impossible:
            add(ERROR, i, None, value_raw_l[i], impossible)
            continue
        duplicate = (indicator.id, code, per)
        if duplicate in seen:
            first = frame.loc[seen[duplicate], "row"]
            add(ERROR, i, None, value_raw_l[i], f"与第 {first} 行重复（同一地区、指标、期间）")
            continue
        seen[duplicate] = i
        series = (indicator.id, code)
        if series not in outlier_cache:
            outlier_cache[series] = _Spread.of(context.history.get(series))
        spread = outlier_cache[series]
        outlier = spread.judge(value) if spread else None
        if outlier:
            add(WARNING, i, None, value_raw_l[i], outlier)
        out_value[i] = value
        out_unit[i] = indicator.unit
    keep = ~np.isnan(out_value)
    rows = pd.DataFrame(
        {
            "indicator_id": np.array(indicator_id, dtype=object)[keep],
            "region_code": np.array(region_code, dtype=object)[keep],
            "period": np.array(period, dtype=object)[keep],
            "value": out_value[keep],
            "unit": np.array(out_unit, dtype=object)[keep],
            "note": frame["note"][keep].to_numpy() if "note" in frame else None,
            "sheet": frame["sheet"][keep].to_numpy(),
            "row": frame["row"][keep].to_numpy(),
            "column": frame["column"][keep].to_numpy(),
        }
    )
    for field_name, cells in skipped.items():
        first = cells[0][0]
        names = list(dict.fromkeys(raw for _, raw in cells))
        add(WARNING, first, field_name, None, _skip_line(field_name, len(cells), names))
        problems[-1] = replace(problems[-1], count=len(cells))
    nothing = None
    if not rows.shape[0] and not any(p.level == ERROR for p in problems):
        nothing = _nothing_reason(skipped, frame, int(blank.sum()))
        problems.insert(0, Problem(ERROR, filename, "", None, None, None, nothing))
    missing, unnamed = None, []
    if no_indicator != no_region:  # one of the two is named nowhere: keep what is readable
        missing = "指标" if no_indicator else "地区"
        keys, lookup, raws = (
            (region_code, regions, region_raw_l)
            if no_indicator
            else (indicator_id, indicators, indicator_raw_l)
        )
        unnamed = [
            (named, when, float(values[i]))
            for i in range(len(frame))
            if not blank[i]
            and not number_error[i]
            and not np.isnan(values[i])
            and (named := keys[i]) is not None  # its lookup succeeded
            and (when := period[i]) is not None
        ]
    problems = group(problems) if grouped else problems
    return Result(rows, problems, int(blank.sum()), nothing, missing, unnamed)


SKIP_LABEL = {"地区": "地区", "指标": "指标", "期间": "期间"}
OUTSIDE = "不在本系统范围内"
EXAMPLES = 3
GROUP_OVER = 3  # a reason met more often than this is reported once, with a count


def _skip_line(field_name: str, cells: int, names: list[str]) -> str:
    shown = "、".join(f"“{n}”" for n in names[:EXAMPLES])
    more = f"等 {len(names)} 个" if len(names) > EXAMPLES else ""
    return f"{field_name}{shown}{more}不在本系统范围内：已跳过 {cells} 个数值"


def _nothing_reason(
    skipped: dict[str, list[tuple[int, str]]], frame: pd.DataFrame, blank: int
) -> str:
    """无可导入数据 and why: which indicators, regions or periods were outside the monitor."""
    parts = []
    for field_name, cells in skipped.items():
        names = list(dict.fromkeys(raw for _, raw in cells))
        shown = "、".join(f"“{n}”" for n in names[:5])
        shown += f"等 {len(names)} 个" if len(names) > 5 else ""
        parts.append(f"{field_name}（{shown}）不在本系统监测范围内")
    if blank and not parts:
        parts.append(f"文件中的 {blank} 个数值单元格全部为空")
    elif not parts and frame.empty:
        parts.append("文件中没有数据单元格")
    elif blank:
        parts.append(f"另有 {blank} 个空单元格")
    return "无可导入数据：" + "；".join(parts) + "。文件未导入"


def _reason_key(problem: Problem) -> tuple[str, str | None, str]:
    """What makes two problems the same reason: level, field and message without the
    quoted values and row numbers that differ from cell to cell."""
    text = re.sub(r"“[^”]*”", "“…”", problem.message.split("；")[0])
    text = re.sub(r"\d+(?:\.\d+)?", "#", text)
    field_name = problem.column if problem.column in ("地区", "指标", "期间", "单位") else None
    return problem.level, field_name, text


def group(problems: list[Problem]) -> list[Problem]:
    """One line per reason met more than GROUP_OVER times (its count, three examples);
    rarer problems stay one line per cell so that each can be found and fixed."""
    buckets: dict[tuple[str, str | None, str], list[Problem]] = {}
    for problem in problems:
        buckets.setdefault(_reason_key(problem), []).append(problem)
    out: list[Problem] = []
    for same in buckets.values():
        cells = sum(p.count for p in same)
        if len(same) <= GROUP_OVER and not same[0].message.startswith(_WHOLE_FILE):
            out.extend(same)
            continue
        first = same[0]
        if first.message.startswith(_WHOLE_FILE):
            message = f"{first.message}（涉及 {cells} 个数值）"
        else:
            examples = "；".join(_where(p) for p in same[:EXAMPLES])
            message = f"{first.message}（同类问题共 {cells} 处，例如：{examples}）"
        out.append(replace(first, message=message, count=cells))
    return out


def _where(problem: Problem) -> str:
    place = "".join(
        part
        for part in (
            f"工作表 {problem.sheet} " if problem.sheet else "",
            f"第 {problem.row} 行" if problem.row else "",
            f" {problem.column} 列" if problem.column and problem.column not in SKIP_LABEL else "",
        )
    )
    seen = f"“{problem.value}”" if problem.value not in (None, "") else ""
    return f"{place}{seen}" or "整个文件"


_WHOLE_FILE = ("缺少地区：", "缺少指标：")
_NAMES = {
    "地区": ("地区", "--region", "region", "“地区：重庆市”一行或地区列"),
    "指标": ("指标", "--indicator", "indicator", "“指标：地区生产总值(亿元)”一行或指标列"),
}


def _missing(what: str, whole_file: bool = False) -> str:
    if not whole_file or what not in _NAMES:
        raise NormaliseError(f"缺少{what}")
    name, option, form, line = _NAMES[what]
    raise NormaliseError(
        f"缺少{name}：文件没有注明{name}（导出时{name}行被删去，或表中没有{name}列）。"
        f"请在导入时指定{name}：页面上的“{name}”选项、命令行 {option}、接口的 {form} 字段；"
        f"或在文件的表头上方加上{line}"
    )


def _region_code(context: Context, raw: str) -> str:
    """The region's code; a province or city outside the monitor (北京市, Beijing, 全国) is
    OUTSIDE — skipped with one notice in any layout, never "did you mean 渝北区"."""
    try:
        return context.directory.resolve(raw).code
    except UnknownRegionError:
        key = normalise_name(raw)
        if key in MISSPELLED:
            return context.directory.resolve(MISSPELLED[key]).code
        if is_outside_region(raw):
            raise NormaliseError(OUTSIDE) from None
        raise


def _impossible(indicator: IndicatorDef, value: float) -> str | None:
    """Outside the allowed range (indicators.reporting_duty.allowed_range, which the
    template and the online form show beside each row)."""
    return impossible_value(indicator.name_zh, indicator.unit, value)


@dataclass(frozen=True)
class _Spread:
    """A region's own history of one indicator, summarised once for the outlier check."""

    mean: float
    sd: float
    count: int
    last: float

    @classmethod
    def of(cls, history: list[float] | None) -> _Spread | None:
        if not history:
            return None
        return cls(statistics.fmean(history), statistics.pstdev(history), len(history), history[-1])

    def judge(self, value: float) -> str | None:
        """DHIS2-style: far from the history (z-score), or a jump from the last value."""
        if self.count >= 3 and self.sd > 0 and abs(value - self.mean) > OUTLIER_Z * self.sd:
            return (
                f"与该地区历史数据差异较大（历史均值 {number(self.mean)}，标准差 "
                f"{number(self.sd)}，超过 {OUTLIER_Z:g} 倍标准差），请核实"
            )
        if self.last and abs(value / self.last - 1) > OUTLIER_JUMP:
            return f"较该地区最近一期数值 {number(self.last)} 变化超过 {OUTLIER_JUMP:.0%}，请核实"
        return None
