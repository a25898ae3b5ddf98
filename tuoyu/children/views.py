"""Children pages: the roster by class, registration, one child (guardians, consent, enrollments), Excel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.audit.reveals import reveal_response
from tuoyu.audit.services import audit_record
from tuoyu.children import imports, selectors, services
from tuoyu.children.forms import ChildForm, ConsentForm, EnrollForm, GuardianForm, LeaveForm
from tuoyu.children.lists import CHILDREN
from tuoyu.children.models import Child
from tuoyu.children.reveals import CHILD_REVEAL
from tuoyu.core.errors import DomainError
from tuoyu.core.excel import export_workbook, template_workbook
from tuoyu.core.importpages import import_page, report_response, xlsx_response
from tuoyu.core.lists import export_format
from tuoyu.core.scoping import scope_filter
from tuoyu.institutions.acting import acting_context, acting_institution_id
from tuoyu.institutions.models import Institution


def _own(request: HttpRequest) -> Institution:
    """The institution whose children the admin keeps (the one chosen in the header, if several)."""
    ids = selectors.admin_institution_ids(request.user)
    return Institution.objects.get(pk=acting_institution_id(request, ids))


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], institution: Institution
) -> HttpResponse:
    """Render an admin's page with the institution selector in its header (when they keep several)."""
    context.update(acting_context(request, selectors.admin_institution_ids(request.user), institution.pk))
    return render(request, template, context)


def _form_error(form: Any, exc: DomainError, *prefixes: str) -> None:
    """Put a service's message next to its field (trying the form's prefixed names), else on top."""
    for name in [exc.field or "", *(p + (exc.field or "") for p in prefixes)]:
        if name and name in form.fields:
            form.add_error(name, exc.message)
            return
    form.add_error(None, exc.message)


@login_required
def child_list(request: HttpRequest) -> HttpResponse:
    """The roster (declared in children.lists: filters, sorting, paging, htmx), grouped by class. Its export
    is /children/export.xlsx."""
    if not selectors.can_view(request.user):
        raise Http404
    if export_format(request):  # the roster's export is the Excel roster (roster_export), not ?format=
        raise Http404
    today = dt.date.today()
    filters: dict[str, Any] = {}
    kept = selectors.admin_institution_ids(request.user)
    acting: dict[str, Any] = {}
    if len(kept) > 1:  # an admin of several institutions reads one roster at a time
        filters["institution_id"] = acting_institution_id(request, kept)
        acting = acting_context(request, kept, filters["institution_id"])
    bound = CHILDREN.bind(
        request.GET, selectors.child_list(viewer=request.user, on=today, filters=filters, narrow=True)
    )
    context = {
        "can_change": scope_filter(request.user, "change", Child) is not None,
        "today": today,
        **acting,
    }
    return bound.render(request, "children/list.html", context)


@login_required
def child_new(request: HttpRequest) -> HttpResponse:
    institution = _own(request)
    classes = selectors.open_classes(institution=institution)
    form = ChildForm(request.POST or None, classes=classes)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            child = services.child_register(
                by=request.user,
                institution=institution,
                name=d["name"],
                sex=d["sex"],
                birth_date=d["birth_date"],
                guardian_name=d["guardian_name"],
                guardian_relationship=d["guardian_relationship"],
                guardian_phone=d["guardian_phone"],
                id_number=d["id_number"],
                consent_scope=d["consent_scope"],
                consent_text_version=d["consent_text_version"],
                care_class=d["care_class"],
                start_date=d["start_date"],
            )
        except DomainError as exc:
            _form_error(form, exc, "consent_", "guardian_")
        else:
            messages.success(request, _("幼儿已登记。"))
            return redirect("children:detail", child_id=child.pk)
    return _render(request, "children/new.html", {"form": form, "institution": institution}, institution)


def _detail_context(request: HttpRequest, child: Child, **forms: Any) -> dict[str, Any]:
    can_change = scope_filter(request.user, "change", Child) is not None and child.institution_id in {
        m.institution_id for m in request.user.active_memberships()
    }
    classes = selectors.open_classes(institution=child.institution)
    enrollments = child.enrollments.select_related("care_class").order_by("-start_date", "-id")
    current = next((e for e in enrollments if e.end_date is None), None)
    context = {
        "child": child,
        "age": child.age_months(),
        "enrollments": enrollments,
        "current": current,
        "can_change": can_change,
        "can_reveal": can_change,
        "has_consent": child.has_consent("basic"),
    }
    if can_change:
        context.update(
            guardian_form=forms.get("guardian_form") or GuardianForm(),
            consent_form=forms.get("consent_form") or ConsentForm(child=child),
            enroll_form=forms.get("enroll_form")
            or EnrollForm(classes=classes, initial={"start_date": dt.date.today()}),
            leave_form=forms.get("leave_form") or LeaveForm(initial={"end_date": dt.date.today()}),
        )
    return context


@login_required
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    child = selectors.child_get(viewer=request.user, child_id=child_id)
    return render(request, "children/detail.html", _detail_context(request, child))


def _act(request: HttpRequest, child_id: int, form_name: str, make: Any, run: Any, done: str) -> HttpResponse:
    child = selectors.child_get(viewer=request.user, child_id=child_id, action="change")
    form = make(child)
    if form.is_valid():
        try:
            run(child, form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("children:detail", child_id=child.pk)
    child = selectors.child_get(viewer=request.user, child_id=child_id)
    return render(
        request, "children/detail.html", _detail_context(request, child, **{form_name: form}), status=400
    )


@login_required
@require_POST
def guardian_add(request: HttpRequest, child_id: int) -> HttpResponse:
    return _act(
        request,
        child_id,
        "guardian_form",
        lambda child: GuardianForm(request.POST),
        lambda child, d: services.guardian_add(by=request.user, child=child, **d),
        _("监护人已添加。"),
    )


@login_required
@require_POST
def consent_add(request: HttpRequest, child_id: int) -> HttpResponse:
    return _act(
        request,
        child_id,
        "consent_form",
        lambda child: ConsentForm(request.POST, child=child),
        lambda child, d: services.consent_record(by=request.user, child=child, **d),
        _("已登记监护人同意。"),
    )


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, child_id: int, consent_id: int) -> HttpResponse:
    child = selectors.child_get(viewer=request.user, child_id=child_id, action="change")
    consent = child.consents.filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    try:
        services.consent_withdraw(by=request.user, consent=consent)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("同意已撤回；超出最少必要范围的信息已删除。"))
    return redirect("children:detail", child_id=child.pk)


def _enroll(request: HttpRequest, child: Child, d: dict[str, Any]) -> None:
    if child.enrollments.filter(end_date__isnull=True).exists():
        services.enrollment_move(by=request.user, child=child, care_class=d["care_class"], on=d["start_date"])
    else:
        services.enrollment_start(
            by=request.user, child=child, care_class=d["care_class"], start_date=d["start_date"]
        )


@login_required
@require_POST
def enroll(request: HttpRequest, child_id: int) -> HttpResponse:
    return _act(
        request,
        child_id,
        "enroll_form",
        lambda child: EnrollForm(request.POST, classes=selectors.open_classes(institution=child.institution)),
        lambda child, d: _enroll(request, child, d),
        _("已入班。"),
    )


@login_required
@require_POST
def leave(request: HttpRequest, child_id: int) -> HttpResponse:
    return _act(
        request,
        child_id,
        "leave_form",
        lambda child: LeaveForm(request.POST),
        lambda child, d: services.enrollment_end(by=request.user, child=child, end_date=d["end_date"]),
        _("已办理离园。"),
    )


@login_required
@require_POST
def reveal(request: HttpRequest, child_id: int) -> HttpResponse:
    return reveal_response(request, CHILD_REVEAL, pk=child_id, field="id_number")


# --- Excel roster ---------------------------------------------------------------------------------------

REPORT_SESSION_KEY = "children_import_report"


@login_required
def roster_export(request: HttpRequest) -> HttpResponse:
    institution = _own(request)
    if scope_filter(request.user, "export", Child) is None:
        raise Http404
    rows = imports.export_rows(viewer=request.user, institution=institution)
    audit_record(
        "child.export",
        object_type="children.child",
        detail={"institution": institution.pk, "rows": len(rows)},
    )
    return xlsx_response(export_workbook(imports.ROSTER_SHEET, rows), "幼儿花名册.xlsx")


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    institution = _own(request)
    return import_page(
        request,
        template="children/import.html",
        sheet=imports.ROSTER_SHEET,
        report_key=REPORT_SESSION_KEY,
        run=lambda upload: imports.roster_import(by=request.user, institution=institution, file=upload),
        context={"institution": institution},
        render_page=lambda request, template, context: _render(request, template, context, institution),
    )


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    _own(request)
    return xlsx_response(template_workbook(imports.ROSTER_SHEET), "幼儿花名册导入模板.xlsx")


@login_required
def roster_import_report(request: HttpRequest) -> HttpResponse:
    _own(request)
    return report_response(request, REPORT_SESSION_KEY, "幼儿花名册校验报告.xlsx")
