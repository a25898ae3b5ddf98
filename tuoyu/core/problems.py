"""RFC 9457 problem details: the one shape every API error takes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(
    status: int, title: str, detail: str = "", *, errors: list[dict[str, Any]] | None = None, code: str = ""
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:tuoyu:problem:{code}" if code else "about:blank",
        "title": str(title),
        "status": status,
        "detail": str(detail),
    }
    body["errors"] = errors or []
    return body


def problem_response(
    status: int, title: str, detail: str = "", *, errors: list[dict[str, Any]] | None = None, code: str = ""
) -> JsonResponse:
    return JsonResponse(
        problem(status, title, detail, errors=errors, code=code),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def too_big_problem() -> JsonResponse:
    """413: the request body (but its files) is over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return problem_response(
        413,
        _("请求体过大"),
        _("请求体（不含上传文件）不能超过%(mb)d MB，请分批提交。") % {"mb": limit},
        code="too_large",
    )
