"""The data rows under the header: each cell parsed and checked, every problem
named with its row and column, the good rows turned into ``RegisterRow``s."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Iterator, Sequence

from indicators.normalise import NormaliseError, fold, parse_number
from indicators.place_names import Places
from indicators.projects import CATEGORIES, STATUSES
from indicators.regions import RegionDirectory, RegionError
from loaders.project_register.columns import BY_KEY, FIRST_YEAR, LAST_YEAR, MAX_LENGTH, RegisterRow
from loaders.project_register.header import Header
from loaders.project_register.sheets import Sheet
from loaders.readers.labels import clean
from loaders.validate import ERROR, WARNING, Problem

_TOTAL_ROW = re.compile(r"^(?:合计|小计|总计)(?:$|[:(])")
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\))")
_PLACE_SEPARATORS = re.compile(r"[、,/;]")
_YEAR = re.compile(r"[+-]?\d+年?")


class Reader:
    def __init__(
        self,
        filename: str,
        sheet: Sheet,
        header: Header,
        directory: RegionDirectory,
        plan_ids: Collection[str],
    ) -> None:
        self.filename = filename
        self.sheet = sheet
        self.header = header
        self.places = Places(directory)
        self.plan_ids = {str(p).strip() for p in plan_ids}
        self.problems: list[Problem] = []
        self.seen_ids: dict[str, int] = {}

    def add(
        self, level: str, row: int | None, column: int | str | None, value: str | None, message: str
    ) -> None:
        label = self.header.labels.get(column) if isinstance(column, int) else column
        self.problems.append(
            Problem(level, self.filename, self.sheet.name, row, label, value, message)
        )

    def read(self) -> list[RegisterRow]:
        for column, level, message in self.header.problems:
            self.add(level, self.header.number, column, None, message)
        rows = []
        for number, cells in self._data_rows():
            row = _Row(self, number, cells).read()
            if row is not None:
                rows.append(row)
        return rows

    def _data_rows(self) -> Iterator[tuple[int, list[str | None]]]:
        named = [self.header.columns[k] for k in ("id", "name") if k in self.header.columns]
        for number, cells in self.sheet.rows[self.header.index + 1 :]:
            texts = [(column, clean(c)) for column, c in enumerate(cells)]
            filled = [t for c, t in texts if t is not None and c not in self.header.ignored]
            if not filled:
                continue  # blank, or a 序号 and nothing else
            first = next(_squash(t) for _, t in texts if t is not None)
            labels = [_squash(cells[c] or "") for c in named if c < len(cells)]
            if any(_TOTAL_ROW.match(k) for k in (first, *labels)):
                continue  # 合计 / 小计 / 总计
            heading = _squash(filled[0])
            if len(filled) == 1 and (_SECTION.match(heading) or heading in CATEGORIES):
                continue  # a section heading: 一、现代基础设施网络
            yield number, cells


class _Row:
    """One data row: each cell parsed and checked, every problem added to the reader."""

    def __init__(self, reader: Reader, number: int, cells: list[str | None]) -> None:
        self.reader = reader
        self.header = reader.header
        self.number = number
        self.cells = cells

    def cell(self, key: str | int) -> tuple[int | None, str | None]:
        column = key if isinstance(key, int) else self.header.columns.get(key)
        if column is None or column >= len(self.cells):
            return column, None
        return column, clean(self.cells[column])

    def add(self, level: str, key: str | int, value: str | None, message: str) -> None:
        column = key if isinstance(key, int) else self.header.columns.get(key)
        self.reader.add(level, self.number, column, value, message)

    def error(self, key: str | int, value: str | None, message: str) -> None:
        self.add(ERROR, key, value, message)

    def text(self, key: str) -> str | None:
        """The cell's text; an empty required cell is an error (a missing column is not:
        it was reported once, under the header)."""
        column, text = self.cell(key)
        field_ = BY_KEY[key]
        if text is None and field_.required and column is not None:
            self.error(key, None, f"必填项“{field_.label}”为空")
        if text is not None and key in MAX_LENGTH and len(text) > MAX_LENGTH[key]:
            self.error(
                key,
                text,
                f"{field_.label}不能超过 {MAX_LENGTH[key]} 个字符（现有 {len(text)} 个）",
            )
        return text

    def read(self) -> RegisterRow | None:
        before = len(self.reader.problems)
        project_id = self.project_id()
        name = self.text("name")
        category = self.choice("category", CATEGORIES)
        plan_id = self.plan_id()
        location, codes = self.location()
        responsible_unit = self.text("responsible_unit")
        start_year = self.year("start_year")
        end_year = self.year("end_year")
        total = self.total_investment()
        status = self.choice("status", STATUSES)
        plans = self.plans()
        content = self.text("content")
        remark = self.text("remark")
        self.cross_checks(start_year, end_year, total, plans)
        if any(p.level == ERROR for p in self.reader.problems[before:]):
            return None
        if (
            project_id is None
            or name is None
            or category is None
            or location is None
            or start_year is None
            or end_year is None
            or total is None
            or status is None
        ):
            return None  # a required column is missing from the header (reported once)
        return RegisterRow(
            row=self.number,
            id=project_id,
            name=name,
            category=category,
            plan_id=plan_id,
            location=location,
            region_codes=codes,
            responsible_unit=responsible_unit,
            start_year=start_year,
            end_year=end_year,
            total_investment=total,
            status=status,
            annual_plans=plans,
            content=content,
            remark=remark,
        )

    def project_id(self) -> str | None:
        text = self.text("id")
        if text is None:
            return None
        project_id = fold(text)
        seen = self.reader.seen_ids
        if project_id in seen:
            self.error(
                "id",
                text,
                f"项目编号“{project_id}”重复：第 {seen[project_id]} 行和第 {self.number} 行使用了同一编号",
            )
        else:
            seen[project_id] = self.number
        return project_id

    def choice(self, key: str, allowed: Sequence[str]) -> str | None:
        text = self.text(key)
        if text is None:
            return None
        value = _squash(text)
        if value in allowed:
            return value
        close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.5)
        hint = f"；您是否要找：{close[0]}" if close else ""
        what = BY_KEY[key].label
        self.error(key, text, f"{what}“{text}”无效，应为以下之一：{'、'.join(allowed)}{hint}")
        return None

    def plan_id(self) -> str | None:
        text = self.text("plan_id")
        if text is None:
            return None
        value = fold(text)
        if value in self.reader.plan_ids:
            return value
        close = difflib.get_close_matches(value, sorted(self.reader.plan_ids), n=3, cutoff=0.6)
        hint = f"；您是否要找：{'、'.join(close)}" if close else ""
        self.error("plan_id", text, f"未知规划“{text}”：应为规划目录中的规划编号{hint}")
        return None

    def location(self) -> tuple[str | None, tuple[str, ...]]:
        text = self.text("location")
        if text is None:
            return None, ()
        codes: list[str] = []
        failed = False
        for part in _split_places(text):
            try:
                region = self.reader.places.resolve(part)
            except RegionError as error:
                self.error("location", text, str(error))
                failed = True
                continue
            if region.code not in codes:
                codes.append(region.code)
        if failed:
            return None, ()
        if not codes:
            self.error("location", text, "所在地未写出任何地区名称")
            return None, ()
        return text, tuple(codes)

    def year(self, key: str) -> int | None:
        text = self.text(key)
        if text is None:
            return None
        value = _squash(text)
        if _YEAR.fullmatch(value):
            year = int(value.rstrip("年"))
            if FIRST_YEAR <= year <= LAST_YEAR:
                return year
        what = BY_KEY[key].label
        self.error(
            key, text, f"{what}应为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的整数年份，收到“{text}”"
        )
        return None

    def total_investment(self) -> float | None:
        text = self.text("total_investment")
        if text is None:
            return None
        value = self.money("total_investment", "total_investment", text, "总投资")
        if value is None and _is_missing(text):
            self.error("total_investment", text, "必填项“总投资”为空")
        return value

    def money(self, unit_key: str, key: str | int, text: str, what: str) -> float | None:
        """亿元, or None (reported unless the cell says "no figure": — / 无 / …)."""
        unit = self.header.units.get(unit_key, "亿元")
        try:
            parsed = parse_number(text)
        except NormaliseError:
            parsed = None
        if parsed is not None:
            if parsed.value is None:
                return None
            if not parsed.prefix and not parsed.sign:
                if parsed.value < 0:
                    self.error(key, text, f"{what}不能为负数，收到“{text}”")
                    return None
                return parsed.value * self.header.factors.get(unit_key, 1.0)
        self.error(key, text, f"{what}应为数字（{unit}），收到“{text}”")
        return None

    def plans(self) -> dict[int, float]:
        plans: dict[int, float] = {}
        for year, column in sorted(self.header.plans.items()):
            _, text = self.cell(column)
            if text is None:
                continue
            value = self.money(str(year), column, text, f"{year}年计划投资")
            if value is not None:
                plans[year] = value
        return plans

    def cross_checks(
        self, start: int | None, end: int | None, total: float | None, plans: dict[int, float]
    ) -> None:
        if start is not None and end is not None:
            if start > end:
                self.error(
                    "start_year",
                    self.cell("start_year")[1],
                    f"开工年（{start}）晚于完工年（{end}）",
                )
            else:
                for year, value in plans.items():
                    if not start <= year <= end:
                        self.add(
                            WARNING,
                            self.header.plans[year],
                            self.cell(self.header.plans[year])[1],
                            f"{year}年的计划投资 {_format(value)} 亿元不在开工年（{start}）至完工年（{end}）之间",
                        )
        if total is not None and plans:
            planned = sum(plans.values())
            if planned - total > 1e-9 * max(1.0, total):
                years = "、".join(str(y) for y in sorted(plans))
                self.error(
                    "total_investment",
                    self.cell("total_investment")[1],
                    f"各年计划投资合计 {_format(planned)} 亿元（{years}年）超过总投资 {_format(total)} 亿元",
                )


def _squash(text: str) -> str:
    """Half-width, no blanks: the key that 类别, 状态, years and 合计 are compared on."""
    return re.sub(r"\s+", "", fold(text))


def _is_missing(text: str) -> bool:
    try:
        return parse_number(text).value is None
    except NormaliseError:
        return False


def _format(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _split_places(text: str) -> Iterable[str]:
    return [p for p in (clean(x) for x in _PLACE_SEPARATORS.split(fold(text))) if p]
