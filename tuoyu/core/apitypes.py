"""What every API input shares, so that no value can outrun the database: bounded integer types for ids and
counters, and one check of all text and numbers a request carries.

Integers. SQLite stores at most a signed 64-bit integer (a bigger Python int raises OverflowError in the
driver) and PostgreSQL refuses a value out of range of the column's type (``integer out of range``): both
were 500s. So every integer an operation reads from the path, the query or the body is one of the annotated
types below, bounded to the column it reaches (``DbId`` for keys — BigAutoField — ``Version`` for the
``PositiveIntegerField`` version counters); a test walks the OpenAPI schema and fails on an unbounded one.

Text. PostgreSQL refuses NUL in text and JSON (an error, so a 500), and a lone surrogate (JSON allows
``"\\ud800"``) cannot be encoded for either database. ``InputParser`` — the parser of our NinjaAPI — looks at
every string (and dict key) of a JSON body, a query and a form before the schemas do, and refuses control
characters other than tab and line breaks, and surrogates, as a 422 naming the field. It also refuses JSON
integers beyond 64 bits anywhere in a body, free-form objects included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.parser import Parser
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from tuoyu.core.problems import PROBLEM_CONTENT_TYPE

BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1  # BigAutoField / BigIntegerField, on SQLite and PostgreSQL alike
INT_MAX = 2**31 - 1  # IntegerField / PositiveIntegerField on PostgreSQL
SMALLINT_MIN, SMALLINT_MAX = -(2**15), 2**15 - 1  # SmallIntegerField / PositiveSmallIntegerField

# A primary or foreign key (every model's id is a BigAutoField).
DbId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
# The optimistic-locking counter the client sends back (PositiveIntegerField, 32 bits on PostgreSQL).
Version = Annotated[int, Field(ge=1, le=INT_MAX)]
# A value for a (Positive)SmallIntegerField: the column's range; the model's validators say what is sensible.
SmallInt = Annotated[int, Field(ge=SMALLINT_MIN, le=SMALLINT_MAX)]
PositiveSmallInt = Annotated[int, Field(ge=0, le=SMALLINT_MAX)]

# Every operation names its JSON body parameter so; ninja puts it in an error's loc after "body".
BODY_PARAM = "payload"

# C0 controls but tab, LF and CR; DEL; C1 controls; UTF-16 surrogates (never valid on their own in text).
UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _safe_text(value: str) -> str:
    if UNSAFE_TEXT.search(value):
        raise PydanticCustomError("control_character", str(_("不能包含控制字符（如NUL）或无效字符。")))
    return value


# Text the parser does not see (a header): the same refusal, as a field error of its own.
SafeText = Annotated[str, AfterValidator(_safe_text)]


def _faults(value: Any, loc: tuple[str | int, ...]) -> Iterator[dict[str, Any]]:
    """Ninja-shaped errors for every unsafe string or out-of-range integer inside ``value`` (iteratively: a
    deeply nested body must not exhaust the stack)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, loc)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if UNSAFE_TEXT.search(item):
                yield {
                    "type": "control_character",
                    "loc": where,
                    "msg": _("不能包含控制字符（如NUL）或无效字符。"),
                }
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not BIGINT_MIN <= item <= BIGINT_MAX:
                yield {"type": "integer_out_of_range", "loc": where, "msg": _("数值超出允许范围。")}
        elif isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str) and UNSAFE_TEXT.search(key):
                    yield {
                        "type": "control_character",
                        "loc": where,
                        "msg": _("字段名不能包含控制字符（如NUL）或无效字符。"),
                    }
                stack.append((inner, (*where, key)))
        elif isinstance(item, list):
            stack.extend((inner, (*where, i)) for i, inner in enumerate(item))
        elif isinstance(item, UploadedFile):
            stack.append((item.name or "", where))


def refuse_unsafe_input(value: Any, *, source: str, param: str = "") -> None:
    """Raise ninja's ValidationError (→ 422 problem+json) if ``value`` carries unsafe text or integers."""
    errors = list(_faults(value, (source, param) if param else (source,)))
    if errors:
        raise ValidationError(errors)


class InputParser(Parser):
    """Ninja's JSON and query/form parser, plus ``refuse_unsafe_input`` on what it parsed.

    Ninja turns any exception of ``parse_body`` into a 400 ``HttpError`` raised *from* it; tuoyu/api.py's
    handler answers a ValidationError cause as the 422 it is.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        refuse_unsafe_input(data, source="body", param=BODY_PARAM)  # ninja's loc: (source, parameter, …)
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> Any:
        result = super().parse_querydict(data, list_fields, request)
        if data is request.GET:
            source = "query"
        elif data is request.FILES:
            source = "file"
        else:
            source = "form"
        refuse_unsafe_input(result, source=source)
        return result


# --- the errors in the OpenAPI schema ---------------------------------------------------------------


class FieldErrorOut(Schema):
    field: str = Field(
        description="出错的字段（点分路径，可为空）/ the field, dotted; empty for the whole request"
    )
    code: str = Field(description="稳定的错误代码 / a stable code")
    message: str = Field(description="给人看的说明 / for people")


class Problem(Schema):
    """RFC 9457 problem details, the shape of every error this API answers."""

    type: str = Field(description="urn:tuoyu:problem:<code>")
    title: str
    status: int
    detail: str
    errors: list[FieldErrorOut]


PROBLEM_REF = "#/components/schemas/Problem"

# Each error status and when it is answered (which operations can answer it: ``_applicable``).
ERROR_STATUSES: dict[int, str] = {
    400: "请求无效：无法解析的请求体，或URL中含NUL / bad request: unparseable body, NUL in the URL",
    401: "未认证 / no valid API token or session",
    403: "禁止访问：无权操作，或会话缺少CSRF令牌 / forbidden, or a session request without its CSRF token",
    404: "未找到：不存在或不在您的管辖范围内 / not found, or outside your reach (answered alike)",
    409: "冲突：记录已被他人修改或状态已变 / conflict: a stale version or a state that moved on",
    413: "请求体过大（不含上传文件）/ the request body (files aside) is over the limit",
    422: "输入有误，errors 列出各字段 / invalid input, each field in errors",
    503: (
        "暂不可用：数据库繁忙（按 Retry-After 重试），或服务器缺少生成文件所需的组件 / unavailable: the database "
        "is busy (retry after Retry-After), or the server cannot produce the document"
    ),
}


def problem_responses(*statuses: int) -> dict[str, Any]:
    """``openapi_extra`` for an operation that can also answer ``statuses`` (beyond the common ones)."""
    return {"responses": {status: _problem_response(status) for status in statuses}}


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": ERROR_STATUSES[status],
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": PROBLEM_REF}}},
    }


def _applicable(method: str, operation: dict[str, Any]) -> list[int]:
    """The errors any operation of this shape can answer, from what the schema already says about it."""
    secured = bool(operation.get("security"))
    has_path = any(p["in"] == "path" for p in operation.get("parameters", []))
    has_input = bool(operation.get("parameters")) or "requestBody" in operation
    writes = method != "get"
    statuses = [400]  # RejectNulMiddleware: a NUL anywhere in the URL, for every operation
    if secured:
        statuses += [401, 403]
    if secured or has_path:
        statuses.append(404)
    if secured and writes:
        statuses.append(409)
    if "requestBody" in operation:
        statuses.append(413)
    if has_input or writes:
        statuses.append(422)
    statuses.append(503)  # a busy database (core.errors.is_database_busy): any operation, to be retried
    return statuses


def document_errors(schema: dict[str, Any]) -> None:
    """Add the Problem component and, to every operation, the problem+json errors it can answer (an
    operation's own answer for a status, such as an import report for 422, is kept)."""
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(problem.pop("$defs", {}))
    components["Problem"] = problem
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _applicable(method, operation):
                if status not in responses and str(status) not in responses:
                    responses[status] = _problem_response(status)
