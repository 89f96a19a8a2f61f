"""The register's columns: what each is called (and may also be called), whether it
is required, and the row a project becomes once its cells are read."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.projects import CATEGORIES, STATUSES

FIRST_YEAR, LAST_YEAR = 1990, 2100

# The widths of the database columns (db.models.Project): longer text would be refused there.
MAX_LENGTH = {"id": 40, "name": 200, "location": 100, "responsible_unit": 200}


@dataclass(frozen=True)
class RegisterRow:
    row: int  # 1-based row in the sheet (the line in a CSV file), as a person sees it
    id: str  # 项目编号 (full-width letters and digits folded to half-width)
    name: str  # 项目名称
    category: str  # one of CATEGORIES
    plan_id: str | None  # 所属规划: a plan id from the catalogue (shipping_centre), optional
    location: str  # 所在地 as written
    region_codes: tuple[str, ...]  # resolved from 所在地, in the order written, no repeats
    responsible_unit: str | None  # 责任单位
    start_year: int  # 开工年
    end_year: int  # 完工年
    total_investment: float  # 总投资, 亿元
    status: str  # 项目状态, one of STATUSES
    annual_plans: dict[int, float]  # year → 计划投资 (亿元), from the YYYY年计划投资 columns
    content: str | None  # 建设内容
    remark: str | None  # 备注


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the canonical header, used in messages and in the template
    aliases: tuple[str, ...]
    required: bool
    help: str


FIELDS = (
    Field(
        "id",
        "项目编号",
        ("项目编号", "编号", "项目代码"),
        True,
        "本表内唯一，如 CY-2026-001；不超过 40 个字符",
    ),
    Field("name", "项目名称", ("项目名称", "名称"), True, "项目全称，不超过 200 个字符"),
    Field("category", "类别", ("类别", "项目类别"), True, "取值：" + "、".join(CATEGORIES)),
    Field(
        "plan_id",
        "所属规划",
        ("所属规划", "规划"),
        False,
        "规划目录中的规划编号（如 shipping_centre），可空",
    ),
    Field(
        "location",
        "所在地",
        ("所在地", "项目所在地", "建设地点"),
        True,
        "地区名称或行政区划代码，跨地区项目用“、”分隔，如 重庆市、四川省泸州市",
    ),
    Field(
        "responsible_unit",
        "责任单位",
        ("责任单位", "牵头单位", "实施单位"),
        False,
        "牵头负责的单位，可空",
    ),
    Field(
        "start_year",
        "开工年",
        ("开工年", "开工年份"),
        True,
        f"四位年份（{FIRST_YEAR}–{LAST_YEAR}），如 2024",
    ),
    Field(
        "end_year",
        "完工年",
        ("完工年", "完工年份", "竣工年", "竣工年份"),
        True,
        "四位年份，不早于开工年",
    ),
    Field(
        "total_investment",
        "总投资",
        ("总投资",),
        True,
        "单位亿元（表头写明“万元”时按万元读取并换算），不能为负数",
    ),
    Field("status", "项目状态", ("项目状态", "状态"), True, "取值：" + "、".join(STATUSES)),
    Field("content", "建设内容", ("建设内容", "项目内容"), False, "主要建设内容，可空"),
    Field("remark", "备注", ("备注",), False, "可空"),
)
BY_KEY = {f.key: f for f in FIELDS}
ALIASES = {alias: f.key for f in FIELDS for alias in f.aliases}
MONEY = {"total_investment"}
IGNORED = {"序号", "no", "no."}
# what a money column's header may say (none: 亿元); factors from indicators.units.in_yi
MONEY_UNITS = (None, "亿元", "亿", "万元", "万")
