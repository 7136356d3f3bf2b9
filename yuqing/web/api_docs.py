"""The API's description as people read it: only the JSON API (not the pages' form
routes), grouped by wing, each operation summarised in Chinese."""

from __future__ import annotations

import copy
import re
from typing import Any

from fastapi import FastAPI

TITLE = "舆情信息工作平台 接口"
DESCRIPTION = "返回平台：[/](/) · 登录后的会话即可调用；写操作记入审计日志。"
# (path prefix, tag): the first matching prefix names the group.
GROUPS: tuple[tuple[str, str], ...] = (
    ("/api/network", "报送网络"),
    ("/api/desk", "研判与督办"),
    ("/api/reports", "报告"),
    ("/api/events", "事件"),
    ("/api/overview", "总览"),
    ("/api/items", "信息"),
    ("/api/sources", "采集"),
    ("/api/quarantine", "采集"),
    ("/api/", "账号与运行"),
)
SUMMARIES: dict[str, str] = {
    "api_event_spread": "事件传播分析（只含汇总数）",
    "ready": "运行就绪检查：数据库、队列、分析滞后",
    "api_sources": "信息源及其运行状态",
    "api_quarantine": "隔离区中未处理的记录",
    "api_manual_item": "人工录入一条公开信息",
    "api_file_report": "报送一条社会舆情信息",
    "api_zero_report": "报送“今日无情况”",
    "api_tally": "填报一项工作统计",
    "api_reports": "查询报送信息",
    "api_adopt": "采用一条报送信息",
    "api_compliance": "各单位报送情况",
    "api_tally_summary": "工作统计汇总",
    "api_assessment": "报送工作考核",
    "api_lock": "锁定信息开始研判",
    "api_unlock": "释放研判锁定",
    "api_triage": "设置信息的研判状态、程度、标签或备注",
    "api_match": "确认或排除辟谣比对",
    "api_open_case": "新建督办",
    "api_cases": "督办列表",
    "api_case": "一件督办及其回复",
    "api_reply": "回复督办",
    "api_close": "办结督办",
    "api_claim": "新建或修改辟谣条目",
    "api_publish": "发布辟谣澄清",
    "api_list_reports": "报告列表",
    "api_draft_report": "生成报告初稿",
    "api_report": "一份报告的内容及各数据的出处",
    "api_figure_records": "报告中某项数据对应的记录",
    "api_edit_report": "保存报告修改（新版本）",
    "api_distribute_report": "分发已签发的报告",
    "api_report_step": "报告审签：提交、审核、退回、签发",
    "overview_api": "总览数据",
    "api_merge_event": "合并事件",
    "api_split_event": "拆分事件",
    "health": "运行状态检查",
    "me": "当前登录账号",
    "list_items": "检索信息",
    "get_item": "一条信息",
}


def _group(path: str) -> str:
    return next(tag for prefix, tag in GROUPS if path.startswith(prefix))


def _endpoint(operation_id: str, path: str, method: str) -> str:
    """The endpoint's name from FastAPI's operation id (name + path + method)."""
    suffix = re.sub(r"\W", "_", path) + "_" + method.lower()
    return operation_id[: -len(suffix)] if operation_id.endswith(suffix) else operation_id


def described(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of /api only, with Chinese groups and summaries."""
    schema = copy.deepcopy(app.openapi())
    schema["info"] |= {"title": TITLE, "description": DESCRIPTION}
    schema["paths"] = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/")}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            name = _endpoint(str(operation.get("operationId", "")), path, method)
            operation["tags"] = [_group(path)]
            operation["summary"] = SUMMARIES.get(name, operation.get("summary", ""))
    schema["tags"] = [{"name": tag} for tag in dict.fromkeys(tag for _, tag in GROUPS)]
    return schema
