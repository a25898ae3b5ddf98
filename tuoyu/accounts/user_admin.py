"""Account administration for the system admin (三员分立: the system admin manages accounts and roles,
but cannot read or change the audit trail — that is the auditor's)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuoyu.accounts import services
from tuoyu.accounts.models import Membership, RegistrationAuthority, Role, User
from tuoyu.core.errors import DomainError
from tuoyu.core.scoping import get_scoped_or_404, scope_filter, scoped
from tuoyu.core.validators import validate_id_number, validate_mobile
from tuoyu.regions.models import Region


class AccountForm(forms.Form):
    username = forms.RegexField(
        label=gettext_lazy("用户名"),
        max_length=150,
        regex=r"^[A-Za-z0-9._-]{3,150}$",
        error_messages={"invalid": gettext_lazy("用户名只能包含字母、数字和 . _ -，至少3个字符。")},
    )
    real_name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=20, validators=[validate_mobile])
    id_number = forms.CharField(
        label=gettext_lazy("身份证号"),
        required=False,
        max_length=18,
        validators=[validate_id_number],
        help_text=gettext_lazy("选填；实名制账号填写"),
    )
    password = forms.CharField(
        label=gettext_lazy("初始密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=Role.choices)
    region = forms.CharField(
        label=gettext_lazy("辖区代码"),
        required=False,
        max_length=12,
        help_text=gettext_lazy("监管、检查、登记类角色必填，如 430202"),
    )
    institution = forms.IntegerField(
        label=gettext_lazy("机构编号"), required=False, min_value=1, help_text=gettext_lazy("机构类角色必填")
    )
    authority = forms.ChoiceField(
        label=gettext_lazy("登记机关"),
        required=False,
        choices=[("", "—"), *RegistrationAuthority.choices],
        help_text=gettext_lazy("登记机关人员必填"),
    )
    department = forms.CharField(label=gettext_lazy("单位"), required=False, max_length=100)

    def clean_region(self) -> Region | None:
        code = self.cleaned_data.get("region", "").strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(_("没有这个区划代码。"), code="unknown_region")
        return region

    def clean_institution(self) -> Any:
        pk = self.cleaned_data.get("institution")
        if not pk:
            return None
        # The membership's own foreign key names the model: accounts sits below institutions.
        institution_model = Membership._meta.get_field("institution").related_model
        inst = institution_model._default_manager.filter(pk=pk).first()
        if inst is None:
            raise ValidationError(_("没有这个机构。"), code="unknown_institution")
        return inst


def _require_admin(request: HttpRequest) -> None:
    if scope_filter(request.user, "change", User) is None or not request.user.has_role(Role.SYSTEM_ADMIN):
        raise Http404


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    q = request.GET.get("q", "").strip()[:50]
    qs = scoped(request.user, "view", User).prefetch_related(
        "memberships__region", "memberships__institution"
    )
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(real_name__icontains=q))
    page = Paginator(qs.order_by("username"), 50).get_page(request.GET.get("page"))
    query = urlencode({"q": q}) if q else ""
    return render(request, "accounts/users/list.html", {"page": page, "q": q, "query": query})


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            user = services.account_create(by=request.user, **data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            messages.success(request, _("账号已创建。"))
            return redirect("users:detail", user_id=user.pk)
    return render(request, "accounts/users/create.html", {"form": form})


@login_required
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_admin(request)
    target = get_scoped_or_404(request.user, "view", User, pk=user_id)
    memberships = (
        scoped(request.user, "view", Membership).filter(user=target).select_related("region", "institution")
    )
    return render(request, "accounts/users/detail.html", {"target": target, "memberships": memberships})


@login_required
@require_POST
def membership_revoke(request: HttpRequest, user_id: int, membership_id: int) -> HttpResponse:
    _require_admin(request)
    try:
        services.membership_revoke(by=request.user, membership_id=membership_id)
        messages.success(request, _("角色授权已撤销。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("users:detail", user_id=user_id)


@login_required
@require_POST
def user_set_active(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_admin(request)
    active = request.POST.get("active") == "1"
    try:
        services.account_set_active(by=request.user, user_id=user_id, active=active)
        messages.success(request, _("账号已启用。") if active else _("账号已停用。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("users:detail", user_id=user_id)
