"""Staff pages (工作人员): the roster, hiring, a person's record, the Excel roster. Thin: access helper,
form, one service call, render or redirect."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.audit.reveals import reveal_response
from tuoyu.audit.services import audit_record
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.core.excel import export_workbook, template_workbook
from tuoyu.core.exports import csv_lines
from tuoyu.core.importpages import import_page, report_response, xlsx_response
from tuoyu.core.lists import export_format
from tuoyu.core.scoping import get_scoped_or_404, scoped
from tuoyu.institutions.acting import acting_context, acting_institution_id
from tuoyu.institutions.models import CareClass, Institution
from tuoyu.staff import imports, selectors, services
from tuoyu.staff import indicators as staff_indicators
from tuoyu.staff.forms import RECORD_FORMS, AssignForm, EndForm, HireForm
from tuoyu.staff.lists import STAFF
from tuoyu.staff.models import ClassAssignment, Employment, Person
from tuoyu.staff.reveals import PERSON_REVEAL

REPORT_SESSION_KEY = "staff_import_report"


def _own_institution(request: HttpRequest) -> Institution:
    """The institution whose roster the admin keeps (the one chosen in the header, if they keep several)."""
    ids = selectors.own_institution_ids(request.user)
    return Institution.objects.get(pk=acting_institution_id(request, ids))


def _own_institution_loaded(request: HttpRequest) -> Institution:
    """``_own_institution`` from the memberships the request has already loaded (their institution, its
    sealed columns deferred): for a page that shows only its name, no query."""
    chosen = acting_institution_id(request, selectors.own_institution_ids(request.user))
    return next(m.institution for m in request.user.active_memberships() if m.institution_id == chosen)


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], institution: Institution
) -> HttpResponse:
    """Render an admin's page with the institution selector in its header (when they keep several)."""
    ids = selectors.own_institution_ids(request.user)
    if institution.pk in ids:
        context.update(acting_context(request, ids, institution.pk))
    return render(request, template, context)


def _add_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """The roster (declared in staff.lists: filters, sorting, paging, htmx): the admin's own; a regulator
    reads an institution's with ?institution=<id>, or picks one. Its export is /staff/export.xlsx."""
    if export_format(request):  # the roster's export is the Excel roster (roster_export), not ?format=
        raise Http404
    raw = request.GET.get("institution", "")
    own = selectors.own_institution_ids(request.user)
    if raw and (not raw.isdigit() or len(raw) > 18):  # past a 64-bit id: no such institution
        raise Http404
    if raw and int(raw) not in own:
        institution = selectors.roster_institution(viewer=request.user, institution_id=int(raw))
    elif own:
        institution = _own_institution_loaded(request)
    else:
        choices = selectors.roster_institutions(viewer=request.user)
        if not choices.exists():
            raise Http404
        return render(request, "staff/pick.html", {"institutions": choices[:500]})
    today = timezone.localdate()
    employments = selectors.roster_of(viewer=request.user, institution=institution)
    bound = STAFF.bind(request.GET, employments, carry={"institution": institution.pk})
    context: dict[str, Any] = {
        "institution": institution,
        "expiring": selectors.expiring_certificates(viewer=request.user, institution=institution, on=today),
        "can_change": institution.pk in own,
    }
    if institution.pk in own:
        context.update(acting_context(request, own, institution.pk))
    return bound.render(request, "staff/list.html", context)


@login_required
def staff_hire(request: HttpRequest) -> HttpResponse:
    institution = _own_institution(request)
    form = HireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.HireData(**form.cleaned_data)
        try:
            result = services.staff_hire(by=request.user, institution_id=institution.pk, data=data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("已录用：%(name)s。") % {"name": result.person.name})
            if result.active_elsewhere:
                messages.warning(
                    request,
                    _("注意：此人目前仍在其他机构在职（%(names)s）。")
                    % {"names": "、".join(i.name for i in result.active_elsewhere)},
                )
            return redirect("staff:detail", person_id=result.person.pk)
    return _render(request, "staff/hire.html", {"form": form, "institution": institution}, institution)


def _detail(request: HttpRequest, person: Person, **forms: Any) -> HttpResponse:
    can_change = scoped(request.user, "change", Person).filter(pk=person.pk).exists()
    employments = list(selectors.employments_of(viewer=request.user, person=person))
    changeable = set(
        scoped(request.user, "change", Employment).filter(person=person).values_list("pk", flat=True)
    )
    classes: dict[int, list[tuple[int, str]]] = {}
    for e in employments:
        if e.pk in changeable:
            classes[e.pk] = list(
                CareClass.objects.filter(institution_id=e.institution_id, closed_on__isnull=True).values_list(
                    "pk", "name"
                )
            )
    today = timezone.localdate()
    context = {
        "person": person,
        "employments": [
            {
                "employment": e,
                "can_change": e.pk in changeable,
                "end_form": forms.get(f"end_{e.pk}")
                or EndForm(initial={"version": e.version}, prefix=f"end{e.pk}"),
                "assign_form": forms.get(f"assign_{e.pk}")
                or AssignForm(classes=classes.get(e.pk, []), prefix=f"assign{e.pk}"),
                "has_classes": bool(classes.get(e.pk)),
            }
            for e in employments
        ],
        "elsewhere": [e for e in employments if e.is_active and e.pk not in changeable] if can_change else [],
        "certificates": person.certificates.all(),
        "health_certificates": [(h, h.is_valid(today)) for h in person.health_certificates.all()],
        "background_checks": person.background_checks.all(),
        "training_records": person.training_records.all(),
        "can_change": can_change,
        "can_reveal": scoped(request.user, "reveal", Person).filter(pk=person.pk).exists(),
        "record_forms": {k: forms.get(k) or cls(prefix=k) for k, cls in RECORD_FORMS.items()},
    }
    return render(request, "staff/detail.html", context)


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    return _detail(request, selectors.person_get(viewer=request.user, person_id=person_id))


@login_required
@require_POST
def person_reveal(request: HttpRequest, person_id: int, field: str) -> HttpResponse:
    return reveal_response(request, PERSON_REVEAL, pk=person_id, field=field)


@login_required
@require_POST
def record_add(request: HttpRequest, person_id: int, kind: str) -> HttpResponse:
    """Add a certificate, health certificate, background check or training record."""
    if kind not in RECORD_FORMS:
        raise Http404
    person = selectors.person_get(viewer=request.user, person_id=person_id, action="change")
    form = RECORD_FORMS[kind](request.POST, prefix=kind)
    if form.is_valid():
        add = {
            "certificate": services.certificate_add,
            "health": services.health_certificate_add,
            "background": services.background_check_add,
            "training": services.training_add,
        }[kind]
        try:
            add(by=request.user, person_id=person.pk, **form.cleaned_data)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("staff:detail", person_id=person.pk)
    return _detail(request, person, **{kind: form})


@login_required
@require_POST
def employment_end(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = get_scoped_or_404(request.user, "change", Employment, pk=employment_id)
    form = EndForm(request.POST, prefix=f"end{employment.pk}")
    if form.is_valid():
        try:
            services.employment_end(
                by=request.user,
                employment_id=employment.pk,
                end_date=form.cleaned_data["end_date"],
                version=form.cleaned_data["version"],
            )
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("staff:detail", person_id=employment.person_id)
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("已办理离职。"))
            return redirect("staff:detail", person_id=employment.person_id)
    return _detail(request, employment.person, **{f"end_{employment.pk}": form})


@login_required
@require_POST
def class_assign(request: HttpRequest, employment_id: int) -> HttpResponse:
    employment = get_scoped_or_404(request.user, "change", Employment, pk=employment_id)
    classes = list(
        CareClass.objects.filter(
            institution_id=employment.institution_id, closed_on__isnull=True
        ).values_list("pk", "name")
    )
    form = AssignForm(request.POST, classes=classes, prefix=f"assign{employment.pk}")
    if form.is_valid():
        try:
            services.class_assign(
                by=request.user,
                employment_id=employment.pk,
                care_class_id=form.cleaned_data["care_class"],
                start_date=form.cleaned_data["start_date"],
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("已安排带班。"))
            return redirect("staff:detail", person_id=employment.person_id)
    return _detail(request, employment.person, **{f"assign_{employment.pk}": form})


@login_required
@require_POST
def class_unassign(request: HttpRequest, assignment_id: int) -> HttpResponse:
    try:
        assignment = services.class_unassign(by=request.user, assignment_id=assignment_id)
    except DomainError as exc:
        assignment = ClassAssignment.objects.select_related("employment").get(pk=assignment_id)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已结束带班。"))
    return redirect("staff:detail", person_id=assignment.employment.person_id)


@login_required
@require_POST
def certificate_remove(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = selectors.certificate_get(
        viewer=request.user, certificate_id=certificate_id, action="change"
    )
    person_id = certificate.person_id
    services.certificate_remove(by=request.user, certificate_id=certificate.pk)
    messages.success(request, _("证书已删除。"))
    return redirect("staff:detail", person_id=person_id)


@login_required
def roster_export(request: HttpRequest) -> HttpResponse:
    institution = _own_institution(request)
    employments = selectors.staff_of(viewer=request.user, institution=institution)
    rows = imports.roster_rows(employments=employments)
    audit_record(
        "staff.export", obj=institution, detail={"rows": len(rows)}
    )  # a bulk read of ID numbers and phones
    return xlsx_response(
        export_workbook(imports.ROSTER_SHEET, rows), f"{institution.name}工作人员花名册.xlsx"
    )


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload a roster: everyone hired, or nobody and a row-by-row report."""
    institution = _own_institution(request)
    return import_page(
        request,
        template="staff/import.html",
        sheet=imports.ROSTER_SHEET,
        report_key=REPORT_SESSION_KEY,
        run=lambda upload: imports.roster_import(by=request.user, institution=institution, file=upload),
        context={"institution": institution},
        render_page=lambda request, template, context: _render(request, template, context, institution),
    )


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    _own_institution(request)
    return xlsx_response(template_workbook(imports.ROSTER_SHEET), "工作人员花名册导入模板.xlsx")


@login_required
def roster_import_report(request: HttpRequest) -> HttpResponse:
    _own_institution(request)
    return report_response(request, REPORT_SESSION_KEY, "工作人员花名册校验报告.xlsx")


# --- indicators for regulators (从业人员指标) ----------------------------------------------------------

INDICATOR_PAGE_SIZE = 50


def _indicator_region(request: HttpRequest) -> Any:
    return staff_indicators.region_for(viewer=request.user, code=request.GET.get("region", "").strip())


@login_required
def indicators(request: HttpRequest) -> HttpResponse:
    """The region's three shares, its child regions' (drill down with ?region=) and its institutions'."""
    region = _indicator_region(request)
    data = staff_indicators.region_indicators(viewer=request.user, region=region)
    institutions = staff_indicators.institutions_in(viewer=request.user, region=region)
    page = Paginator(institutions, INDICATOR_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "data": data,
        "page": page,
        "rows": staff_indicators.institution_figures(
            viewer=request.user, institutions=page.object_list, on=data.on
        ),
        "query": urlencode({"region": region.code}),
        "own_regions": staff_indicators.own_regions(request.user),
    }
    return render(request, "staff/indicators.html", context)


def _indicator_export(request: HttpRequest, fmt: str) -> tuple[Any, list[dict[str, Any]], str]:
    region = _indicator_region(request)
    rows = staff_indicators.export_rows(viewer=request.user, region=region)
    audit_record(
        "staff.indicators_export",
        obj=region,
        detail={"region": region.code, "rows": len(rows), "format": fmt},
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return region, rows, f"{region.name}从业人员指标{stamp}"


@login_required
def indicators_xlsx(request: HttpRequest) -> HttpResponse:
    _region, rows, name = _indicator_export(request, "xlsx")
    return xlsx_response(export_workbook(staff_indicators.EXPORT_SHEET, rows), f"{name}.xlsx")


@login_required
def indicators_csv(request: HttpRequest) -> HttpResponse:
    from tuoyu.core.downloads import content_disposition

    _region, rows, name = _indicator_export(request, "csv")
    columns = staff_indicators.EXPORT_SHEET.columns
    lines = csv_lines([str(c.header) for c in columns], ([row[c.key] for c in columns] for row in rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"{name}.csv", as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response
