"""Second factor and password expiry, enforced for every page a signed-in user opens."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/ping", "/i18n/", "/api/")


class MFARequiredMiddleware:
    """Regulators, auditors and admins must pass TOTP before any page (enrol first if they have none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.MFA_ENABLED
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and user.requires_mfa
            and not user.is_verified()
        ):
            from tuoyu.accounts.mfa import has_confirmed_device

            target = "accounts:mfa_verify" if has_confirmed_device(user) else "accounts:mfa_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """When TUOYU_PASSWORD_MAX_AGE_DAYS is set, an expired password must be changed before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.PASSWORD_MAX_AGE_DAYS and request.user.is_authenticated:
            from tuoyu.accounts.services import password_expired

            if not request.path.startswith(EXEMPT_PREFIXES) and password_expired(request.user):
                return redirect(reverse("accounts:password_change") + "?expired=1")
        return self.get_response(request)
