"""The HTTP API (/api/v1/): django-ninja, every error as RFC 9457 problem+json."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from tuoyu.accounts.services import api_token_authenticate
from tuoyu.core import context, registry
from tuoyu.core.apitypes import BODY_PARAM, InputParser, document_errors
from tuoyu.core.errors import DomainError, is_database_busy
from tuoyu.core.problems import PROBLEM_CONTENT_TYPE, problem_response, too_big_problem
from tuoyu.core.scoping import DeniedNotFound, record_denial
from tuoyu.core.views import database_busy

logger = logging.getLogger("tuoyu.api")


def _bind(request: HttpRequest, user: Any, *, api_token: Any = None) -> Any:
    """Who the request acts for, and how it proved it: ``request.auth_token`` (and the request context) hold
    the API token when there was one, None for a browser session."""
    request.user = user
    request.auth_token = api_token
    context.set_current(context.RequestContext(user=user, ip=context.client_ip(request), api_token=api_token))
    return user


class TokenAuth(HttpBearer):
    """Authorization: Bearer tuoyu_…  — a personal API token, acting with its owner's permissions (except
    minting tokens, which needs the browser session: ``api_token_create``)."""

    openapi_description = "个人API令牌 / personal API token"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(token)
        return _bind(request, api_token.user, api_token=api_token) if api_token else None


class VerifiedSessionAuth(SessionAuth):
    """The browser session, CSRF-checked; users who must use two factors must have passed them."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if not user:
            return None
        if settings.MFA_ENABLED and user.requires_mfa and not user.is_verified():
            return None
        return _bind(request, user)


class TuoyuAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema documents the problem+json errors every operation can answer."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema


api = TuoyuAPI(
    title="tuoyu 托育 API",
    version="1",
    description=(
        "托育服务监管与家庭服务平台的接口。所有错误均为 RFC 9457 problem+json。\n\n"
        "The API of tuoyu. Authenticate with a personal API token (`Authorization: Bearer tuoyu_…`) or a "
        "browser session. Every error is RFC 9457 problem+json with field errors."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[TokenAuth(), VerifiedSessionAuth()],
    parser=InputParser(),
)


# Where ninja says an error is: the source first, then (for a JSON body) the operation's body parameter.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        # Only the leading parts go: a body field may itself be called "form" or "data".
        loc = [str(p) for p in err.get("loc", [])]
        if loc and loc[0] in _SOURCES:
            source = loc.pop(0)
            if source == "body" and loc[:1] == [BODY_PARAM]:
                loc.pop(0)
        out.append(
            {"field": ".".join(loc), "code": err.get("type", "invalid"), "message": err.get("msg", "")}
        )
    return out


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return problem_response(
        422, _("输入有误"), _("请求中有字段未通过校验。"), errors=_field_errors(exc.errors), code="validation"
    )


@api.exception_handler(DjangoValidationError)
def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = []
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            for e in errs:
                errors.append({"field": field, "code": e.code or "invalid", "message": " ".join(e.messages)})
    else:
        for e in exc.error_list:
            errors.append({"field": "", "code": e.code or "invalid", "message": " ".join(e.messages)})
    return problem_response(
        422, _("输入有误"), _("请求中有字段未通过校验。"), errors=errors, code="validation"
    )


@api.exception_handler(DomainError)
def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = [{"field": exc.field or "", "code": exc.code, "message": exc.message}]
    return problem_response(exc.status, exc.message, exc.message, errors=errors, code=exc.code)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem_response(
        401, _("未认证"), _("请提供有效的API令牌或登录会话（需已完成双因素认证）。"), code="unauthenticated"
    )
    response["WWW-Authenticate"] = 'Bearer realm="tuoyu"'
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    if isinstance(exc, DeniedNotFound):
        record_denial(exc)
    return problem_response(404, _("未找到"), _("请求的资源不存在。"), code="not_found")


def _http_titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("请求无效"), _("请求体无法解析，请发送有效的JSON。")),
        403: (_("禁止访问"), _("请求被拒绝（使用登录会话时需携带CSRF令牌）。")),
        405: (_("方法不允许"), _("该地址不支持此HTTP方法。")),
        429: (_("请求过于频繁"), _("请稍后再试。")),
    }


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, NinjaValidationError):
        # Ninja wraps whatever the body parser raises in a 400; InputParser's refusal is a field error.
        return _validation(request, exc.__cause__)
    title, detail = _http_titles().get(exc.status_code, (_("请求无效"), _("请求无法处理。")))
    return problem_response(exc.status_code, title, detail, code=f"http_{exc.status_code}")


@api.exception_handler(OperationalError)
def _database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """A busy database (a lock held past the timeout, a serialization failure, a deadlock) is a 503 to
    retry, not a 500; any other operational error is unexpected."""
    if is_database_busy(exc):
        logger.warning("database busy: %s %s: %s", request.method, request.path, exc)
        return database_busy(request)
    return _unexpected(request, exc)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """The body is over DATA_UPLOAD_MAX_MEMORY_SIZE (Django raises when ninja reads ``request.body``)."""
    return too_big_problem()


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """Too many form fields or files, a malformed multipart body: the request, not the server, is at fault."""
    return problem_response(400, _("请求无效"), _("请求格式不正确。"), code="bad_request")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error")
    return problem_response(500, _("服务器错误"), _("服务器内部错误，请稍后再试。"), code="server_error")


def _method_not_allowed_as_problem(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers an unsupported method with a plain-text 405; ours is problem+json too."""

    @functools.wraps(view)  # keeps csrf_exempt: ninja checks CSRF itself, for session auth only
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != PROBLEM_CONTENT_TYPE:
            title, detail = _http_titles()[405]
            problem = problem_response(405, title, detail, code="http_405")
            problem["Allow"] = response.get("Allow", "")
            return problem
        return response

    return wrapper


def api_urls() -> tuple[list[Any], str, str]:
    """``api.urls`` with every operation's 405 answered as problem+json."""
    patterns, app_name, namespace = api.urls
    wrapped = [
        URLPattern(p.pattern, _method_not_allowed_as_problem(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]
    return wrapped, app_name, namespace


def _routers() -> None:
    """Every app's routers, where each app says (``api_mounts`` in its ``api.py``)."""
    for mount in registry.api_mounts():
        api.add_router(mount.prefix, mount.router)


_routers()
