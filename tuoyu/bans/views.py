"""Pages of the ban list (city administrators) and of its alerts (regulators). Thin: services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.audit.reveals import reveal_response
from tuoyu.bans import imports, selectors, services
from tuoyu.bans.forms import BanForm, LiftForm
from tuoyu.bans.lists import ALERTS, BANS
from tuoyu.bans.reveals import BAN_REVEAL
from tuoyu.core.errors import DomainError
from tuoyu.core.excel import template_workbook
from tuoyu.core.importpages import import_page, report_response, xlsx_response
from tuoyu.core.lists import export_format

REPORT_SESSION_KEY = "bans_import_report"


def _require_viewer(request: HttpRequest) -> None:
    if not selectors.can_view_bans(request.user):
        raise Http404


def _require_keeper(request: HttpRequest) -> None:
    if not services.keeper_cities(request.user):
        raise Http404


def _form_error(form: BanForm | LiftForm, exc: DomainError) -> None:
    errors = getattr(exc, "errors", None) or {exc.field: exc.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields and field != "version" else None, message)


@login_required
def ban_list(request: HttpRequest) -> HttpResponse:
    """The ban list (declared in bans.lists): search, lifted ones on request, sorting, paging, export."""
    _require_viewer(request)
    fmt = export_format(request)
    if fmt:
        return BANS.bind(request.GET, selectors.ban_list(viewer=request.user, action="export")).export(fmt)
    bound = BANS.bind(request.GET, selectors.ban_list(viewer=request.user))
    return bound.render(request, "bans/list.html", {"can_create": bool(services.keeper_cities(request.user))})


@login_required
def ban_create(request: HttpRequest) -> HttpResponse:
    _require_keeper(request)
    form = BanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ban = services.ban_create(by=request.user, data=form.ban_data())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("禁入记录已登记。"))
            return redirect("bans:detail", ban_id=ban.pk)
    return render(request, "bans/form.html", {"form": form, "ban": None})


@login_required
def ban_detail(request: HttpRequest, ban_id: int) -> HttpResponse:
    ban = selectors.ban_get(viewer=request.user, ban_id=ban_id)
    can_change = selectors.can_change(request.user, ban) and ban.is_active
    form = lift_form = None
    if can_change:
        initial = {k: getattr(ban, k) for k in BanForm.base_fields if k not in {"id_number", "version"}}
        form = BanForm(
            request.POST if request.POST.get("action") == "update" else None,
            initial={**initial, "id_number": ban.id_number_masked, "version": ban.version},
        )
        lift_form = LiftForm(
            request.POST if request.POST.get("action") == "lift" else None, initial={"version": ban.version}
        )
    if request.method == "POST":
        if not can_change:
            raise Http404
        action = request.POST.get("action")
        if action == "update" and form.is_valid():
            data = form.ban_data()
            if data.id_number == ban.id_number_masked:  # the masked value shown means "unchanged"
                data = services.BanData(**{**vars(data), "id_number": ban.id_number})
            try:
                services.ban_update(
                    by=request.user, ban_id=ban.pk, version=form.cleaned_data.get("version") or 0, data=data
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("禁入记录已保存。"))
                return redirect("bans:detail", ban_id=ban.pk)
        elif action == "lift" and lift_form.is_valid():
            try:
                services.ban_lift(
                    by=request.user,
                    ban_id=ban.pk,
                    version=lift_form.cleaned_data["version"],
                    reason=lift_form.cleaned_data["reason"],
                )
            except DomainError as exc:
                _form_error(lift_form, exc)
            else:
                messages.success(request, _("禁入记录已解除。"))
                return redirect("bans:detail", ban_id=ban.pk)
    context = {
        "ban": ban,
        "form": form,
        "lift_form": lift_form,
        "can_change": can_change,
        "can_reveal": selectors.can_change(request.user, ban),
        "alerts": selectors.alert_list(viewer=request.user).filter(ban=ban)[:50],
    }
    return render(request, "bans/detail.html", context)


@login_required
@require_POST
def ban_reveal(request: HttpRequest, ban_id: int) -> HttpResponse:
    return reveal_response(request, BAN_REVEAL, pk=ban_id, field="id_number")


@login_required
def ban_import(request: HttpRequest) -> HttpResponse:
    _require_keeper(request)
    return import_page(
        request,
        template="bans/import.html",
        sheet=imports.BAN_SHEET,
        report_key=REPORT_SESSION_KEY,
        run=lambda upload: imports.ban_import(by=request.user, filename=upload.name, data=upload.read()),
        missing_message=_("请选择要上传的Excel或CSV文件。"),
    )


@login_required
def ban_import_template(request: HttpRequest) -> HttpResponse:
    _require_keeper(request)
    return xlsx_response(template_workbook(imports.BAN_SHEET), "禁入名单导入模板.xlsx")


@login_required
def ban_import_report(request: HttpRequest) -> HttpResponse:
    _require_keeper(request)
    return report_response(request, REPORT_SESSION_KEY, "禁入名单校验报告.xlsx")


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """The alerts in the jurisdiction (declared in bans.lists)."""
    if not selectors.can_view_alerts(request.user):
        raise Http404
    bound = ALERTS.bind(request.GET, selectors.alert_list(viewer=request.user))
    return bound.render(
        request,
        "bans/alerts.html",
        {"open_only": bound.valid and bound.filterset.form.cleaned_data.get("open")},
    )


@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get(viewer=request.user, alert_id=alert_id)
    if request.method == "POST":
        try:
            services.alert_acknowledge(by=request.user, alert_id=alert.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("预警已确认。"))
        return redirect("bans:alert_detail", alert_id=alert.pk)
    return render(request, "bans/alert_detail.html", {"alert": alert, "ban": alert.ban})
