"""The OpenAPI description of ``/api/v1`` (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any


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
        "/api/v1/observations": {
            "get": _get(
                "观测值（含状态、版本、来源）",
                [
                    ("indicator", "指标 id"),
                    ("region", "地区（任意写法）"),
                    ("from", "起始期间"),
                    ("to", "截止期间"),
                    ("all_revisions", "1：含历史修订"),
                ],
            )
        },
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
                    "201": {"description": "已导入，返回校验报告"},
                    "200": {"description": "重复文件，未再次导入"},
                    "401": {"description": "缺少或无效的访问令牌"},
                    "422": {"description": "校验未通过，逐行列出问题"},
                },
            }
        },
    },
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
}
