"""Sign-in, sign-out, password, second factor, API tokens and the user's own profile."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from tuoyu.accounts import mfa, selectors, services
from tuoyu.accounts.forms import ApiTokenForm, LoginForm, PasswordChangeForm, TokenForm
from tuoyu.accounts.models import API_TOKEN_REMINDER_DAYS
from tuoyu.audit.models import Outcome
from tuoyu.audit.services import audit_record
from tuoyu.core.errors import DomainError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Axes calls this when a username is locked. The same answer whether or not the user exists."""
    form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "locked_out": True}, status=429)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    if mfa.has_confirmed_device(request.user):
        return redirect("accounts:mfa_verify")
    device = mfa.pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = mfa.new_backup_codes(request.user)
            audit_record("mfa.enrol", obj=request.user, actor=request.user)
            return render(
                request, "accounts/mfa_backup_codes.html", {"codes": codes, "next": _safe_next(request)}
            )
        audit_record("mfa.enrol_failed", obj=request.user, actor=request.user, outcome=Outcome.FAILURE)
        form.add_error("code", _("验证码不正确或已过期，请查看身份验证器中的最新6位数字。"))
    # A data URI with the SVG namespace: svg_inline() omits it, and an <img> then shows nothing.
    qr_data_uri = segno.make(device.config_url, micro=False).svg_data_uri(scale=4, dark="#000", light="#fff")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_data_uri": qr_data_uri,
            "secret": secret,
            "next": _safe_next(request),
        },
    )


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    if not mfa.has_confirmed_device(request.user):
        return redirect("accounts:mfa_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            audit_record("mfa.verify", obj=request.user, actor=request.user, detail={"device": device.name})
            return redirect(_safe_next(request))
        audit_record("mfa.verify_failed", obj=request.user, actor=request.user, outcome=Outcome.FAILURE)
        form.add_error("code", _("验证码不正确或已过期。也可以输入一个备用码。"))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改。"))
        return redirect("accounts:profile")
    return render(
        request, "accounts/password_change.html", {"form": form, "expired": request.GET.get("expired")}
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"memberships": request.user.active_memberships()})


@login_required
@require_POST
def phone_reveal(request: HttpRequest) -> HttpResponse:
    phone = services.user_pii_reveal(viewer=request.user, user_id=request.user.pk, field="phone")
    return render(request, "accounts/_reveal.html", {"field": "phone", "value": phone, "revealed": True})


@login_required
@require_POST
def id_number_reveal(request: HttpRequest) -> HttpResponse:
    value = services.user_pii_reveal(viewer=request.user, user_id=request.user.pk, field="id_number")
    return render(request, "accounts/_reveal.html", {"field": "id_number", "value": value, "revealed": True})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, full = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
            created = {"token": token, "secret": full}
            form = ApiTokenForm()
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": selectors.api_token_list(viewer=request.user),
            "token_days": settings.API_TOKEN_DAYS,
            "reminder_days": API_TOKEN_REMINDER_DAYS,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:tokens")
