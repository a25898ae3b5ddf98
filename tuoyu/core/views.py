"""Site-wide views: health check, the framework-ceiling probe, error pages."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tuoyu.core.errors import is_database_busy
from tuoyu.core.problems import problem_response, too_big_problem


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise. No authentication: for load balancers."""
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception:  # noqa: BLE001 — any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def ping(request: HttpRequest) -> HttpResponse:
    """The framework ceiling for benchmarks: the cheapest response this stack can give."""
    return HttpResponse(b"ok", content_type="text/plain")


def _wants_problem(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_problem(request):
        return problem_response(404, _("未找到"), _("请求的资源不存在。"), code="not_found")
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception: a busy database raised outside a view (saving the
    # session, say) is a 503 too. Views' own exceptions are caught earlier (DatabaseBusyMiddleware).
    if is_database_busy(sys.exc_info()[1]):
        return database_busy(request)
    if _wants_problem(request):
        return problem_response(500, _("服务器错误"), _("服务器内部错误，请稍后再试。"), code="server_error")
    return render(request, "errors/500.html", status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_problem(request):
        return problem_response(403, _("禁止访问"), _("您没有执行此操作的权限。"), code="forbidden")
    return render(request, "errors/403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        # Django answers every SuspiciousOperation with handler400; a body over the limit is a 413.
        return payload_too_large(request)
    if _wants_problem(request):
        return problem_response(400, _("请求无效"), _("请求格式不正确。"), code="bad_request")
    return render(request, "errors/400.html", status=400)


def payload_too_large(request: HttpRequest) -> HttpResponse:
    if _wants_problem(request):
        return too_big_problem()
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return render(request, "errors/413.html", {"limit_mb": limit}, status=413)


def uri_too_long(request: HttpRequest) -> HttpResponse:
    if _wants_problem(request):
        return problem_response(
            414, _("请求地址过长"), _("请求地址（含查询条件）过长，请缩短后重试。"), code="uri_too_long"
        )
    return render(request, "errors/414.html", status=414)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if _wants_problem(request):
        return problem_response(403, _("CSRF校验失败"), _("请刷新页面后重试。"), code="csrf")
    return render(request, "errors/403_csrf.html", status=403)


def database_busy(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the database is busy (another transaction holds its lock); nothing was
    saved, and the same request will work in a moment. Rendered without the database (no context
    processors), which may be the very thing that is busy."""
    if _wants_problem(request):
        response = problem_response(
            503,
            _("系统繁忙"),
            _("系统正忙，本次操作未保存，请稍后重试。"),
            code="database_busy",
        )
    else:
        html = render_to_string("errors/503_busy.html", {"retry_after": settings.DATABASE_BUSY_RETRY_AFTER})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.DATABASE_BUSY_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
