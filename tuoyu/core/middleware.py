"""Request-wide concerns: security headers and the audit context (who, from where)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from tuoyu.core import context


class SecurityHeadersMiddleware:
    """Headers Django 5.2 does not set itself: Content-Security-Policy and Permissions-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/v1/docs"):
            # Swagger UI (shipped with django-ninja, served from our static files) needs inline scripts.
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
            )
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class RequestContextMiddleware:
    """Makes the signed-in user and client IP available to audit_record for this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.set_current(context.RequestContext(user=request.user, ip=context.client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            context.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        from tuoyu.core.scoping import DeniedNotFound, record_denial

        if isinstance(exception, DeniedNotFound):
            record_denial(exception)  # the view's transaction is over: this record stays
        return None


class LanguageMiddleware:
    """zh-hans unless the user chose another language (the language cookie set by /i18n/setlang/).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a government platform
    in China speaks Chinese first, and English only when asked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class UrlTooLongMiddleware:
    """Answer 414 on the platform's own page (problem+json in the API) to a path and query string longer
    than ``settings.MAX_URL_LENGTH``: no page or filter needs one, and a search pasted with a whole document
    gets a clear answer instead of a server's bare error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        length = len(request.META.get("PATH_INFO", "")) + len(request.META.get("QUERY_STRING", ""))
        if length > settings.MAX_URL_LENGTH:
            from tuoyu.core.views import uri_too_long

            return uri_too_long(request)
        return self.get_response(request)


class RejectNulMiddleware:
    """Answer 400 to a NUL byte anywhere in the path, query or form: no stored value contains one, and
    PostgreSQL refuses it in text with an error (which would otherwise surface as a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or "%00" in request.META.get("QUERY_STRING", "")
            or self._form_has_nul(request)
        ):
            from tuoyu.core.views import bad_request

            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _form_has_nul(request: HttpRequest) -> bool:
        if request.method != "POST" or request.content_type not in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            return False
        return any("\x00" in v for values in request.POST.lists() for v in values[1]) or any(
            "\x00" in k for k in request.POST
        )


class SessionActivityMiddleware:
    """The idle timeout without a database write on every request.

    A signed-in session is renewed (its expiry pushed to now + SESSION_COOKIE_AGE) at most once every
    RENEW_SECONDS; one idle for longer than SESSION_COOKIE_AGE ends. Saving the session on every request
    instead would serialise all signed-in requests behind SQLite's single writer.
    """

    RENEW_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key and request.user.is_authenticated:
            now = int(time.time())
            seen = session.get("_seen", 0)
            if seen and now - seen > settings.SESSION_COOKIE_AGE:
                from django.contrib.auth import logout

                logout(request)
            elif now - seen >= self.RENEW_SECONDS:
                session["_seen"] = now
        return self.get_response(request)


class DatabaseBusyMiddleware:
    """A view that found the database busy (SQLite's write lock held past the timeout, a PostgreSQL lock
    timeout, serialization failure or deadlock) answers 503 with Retry-After, not 500: nothing was saved
    and the same request will work in a moment. Exceptions raised outside views reach
    ``core.views.server_error``, which answers the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from tuoyu.core.errors import is_database_busy

        if not is_database_busy(exception):
            return None
        import logging

        from tuoyu.core.views import database_busy

        logging.getLogger("tuoyu.busy").warning(
            "database busy: %s %s: %s", request.method, request.path, exception
        )
        return database_busy(request)
