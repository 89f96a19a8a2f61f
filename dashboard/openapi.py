"""The OpenAPI description of ``/api/v1`` (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from indicators.projects import CATEGORIES, STATUSES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _get(summary: str, params: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "summary": summary,
        "parameters": [
            {
                "name": n,
                "in": "query",
                "required": False,
                "description": d,
                "schema": {"type": "string"},
            }
            for n, d in params
        ],
        "responses": {
            "200": {"description": "JSON"},
            "400": {"description": "参数错误（中文说明）"},
            "404": {"description": "地区等无法识别（中文说明及建议）"},
        },
    }


ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}


def _projects_paths() -> dict[str, Any]:
    """The major-project register (重大项目库): projects, dispatch reports, template."""
    projects = _get(
        "重大项目库：项目、年度计划与当年进展（亿元）",
        [
            ("category", "项目类别：" + "、".join(CATEGORIES)),
            ("region", "地区（任意写法），项目所在地含该地区"),
            ("status", "项目状态：" + "、".join(STATUSES)),
        ],
    )
    projects["responses"] = {
        "200": {
            "description": "JSON：count、year、as_of、unit（亿元）、projects（含 plans、progress）"
        },
        "400": _error("类别、状态或地区无法识别（中文说明，列出可选值）"),
    }
    reports = _get("项目月度调度信息", [("all", "1：含已被更正的历史版本")])
    reports["parameters"].insert(
        0,
        {
            "name": "id",
            "in": "path",
            "required": True,
            "description": "项目编号，如 HY01",
            "schema": {"type": "string"},
        },
    )
    reports["responses"] = {
        "200": {"description": "JSON：project_id、count、all_versions、unit（亿元）、reports"},
        "404": _error("项目不在重大项目库中"),
    }
    template = _get("重大项目库导入模板（.xlsx，文件名 重大项目库模板.xlsx）", [])
    template["responses"] = {
        "200": {
            "description": "Excel 模板（附件）",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
    return {
        "/api/v1/projects": {"get": projects},
        "/api/v1/projects/{id}/reports": {"get": reports},
        "/api/v1/projects/template": {"get": template},
    }


def _observations() -> dict[str, Any]:
    """Streamed rows, paged by keyset (dashboard/api_intake.py)."""
    operation = _get(
        "观测值（含状态、版本、来源）：逐行流式输出 JSON 或 CSV，可分页",
        [
            ("indicator", "指标 id"),
            ("region", "地区（任意写法）"),
            ("from", "起始期间"),
            ("to", "截止期间"),
            ("all_revisions", "1：含历史修订"),
            ("cursor", "分页游标：上一页答复的 next_cursor（或 X-Next-Cursor 头），原样传回"),
        ],
    )
    operation["parameters"] += [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "每页行数（1–50000）；不填则一次流式输出全部行",
            "schema": {"type": "integer", "minimum": 1, "maximum": 50000},
        },
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "json（默认）或 csv",
            "schema": {"type": "string", "enum": ["json", "csv"]},
        },
    ]
    operation["responses"]["200"] = {
        "description": (
            "JSON：observations、count、limit、next_cursor（无下一页时为 null），"
            '或 CSV（表头为字段名）；有下一页时另有 X-Next-Cursor 与 Link: rel="next" 头。'
            "按观测值唯一键（指标、地区、期间、数据层、修订号）排序，翻页期间新增的行不会使任何行重复或遗漏"
        ),
        "headers": {
            "X-Next-Cursor": {"description": "下一页的游标", "schema": {"type": "string"}},
        },
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
    operation["responses"]["400"] = _error("limit、cursor、format 或期间无效（中文说明）")
    return operation


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "成渝地区双城经济圈规划目标监测平台 API",
        "version": "1",
        "description": "地区、指标、目标（含原文出处）、观测值、进展评估与数据报送。",
    },
    "paths": {
        "/api/v1/regions": {"get": _get("地区与区域组合", [("name", "任意写法的地区名称")])},
        "/api/v1/indicators": {"get": _get("指标定义", [])},
        "/api/v1/targets": {
            "get": _get(
                "目标与基期值（含规划原文）",
                [
                    ("plan", "规划 id"),
                    ("indicator", "指标 id"),
                    ("scope", "范围（任意写法）"),
                    ("year", "年份"),
                    ("kind", "类型"),
                    ("headline", "仅核心指标 1/0"),
                ],
            )
        },
        "/api/v1/progress": {
            "get": _get(
                "进展评估快照",
                [
                    ("indicator", "指标 id"),
                    ("target", "目标 id"),
                    ("region", "地区（任意写法）"),
                    ("as_of", "评估年份"),
                ],
            )
        },
        "/api/v1/observations": {"get": _observations()},
        "/api/v1/template": {
            "get": _get(
                "预填报表模板",
                [("region", "地区"), ("period", "期间，如 2025年"), ("format", "xlsx 或 csv")],
            )
        },
        "/api/v1/submissions": {
            "post": {
                "summary": "系统报送数据文件，返回校验报告",
                "security": [{"bearer": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "vintage": {
                                        "type": "string",
                                        "enum": ["initial", "final", "census_revision", "estimate"],
                                    },
                                    "indicator": {"type": "string"},
                                    "region": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": {"description": "已导入（审核员、管理员或直报令牌），返回校验报告"},
                    "202": {
                        "description": "填报员的文件：待审核（status pending，未导入），返回校验报告"
                    },
                    "200": {"description": "重复文件，未再次导入"},
                    "401": {"description": "缺少或无效的访问令牌"},
                    "422": {"description": "校验未通过，逐行列出问题"},
                },
            }
        },
        **_projects_paths(),
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "string", "description": "中文说明"}},
            }
        },
    },
}
