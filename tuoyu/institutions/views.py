"""Institution pages: the list, one institution, the clerk's registration form, the pending-filing list."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.models import Role
from tuoyu.audit.reveals import reveal_response
from tuoyu.core import registry
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.core.excel import template_workbook
from tuoyu.core.importpages import import_page, report_response, xlsx_response
from tuoyu.core.lists import export_format
from tuoyu.core.scoping import get_scoped_or_404, scope_filter
from tuoyu.institutions import imports, selectors, services
from tuoyu.institutions.forms import (
    InvitationAcceptForm,
    InvitationForm,
    RegionTransferDecisionForm,
    RegistrationForm,
)
from tuoyu.institutions.lists import CLASSES, INSTITUTIONS, PENDING, ROOMS
from tuoyu.institutions.models import (
    Institution,
    RegionTransfer,
    RegistrationSource,
    Room,
    TransferStatus,
)
from tuoyu.institutions.reveals import INSTITUTION_REVEAL


def _require_view(request: HttpRequest) -> None:
    if scope_filter(request.user, "view", Institution) is None:
        raise Http404


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    """The institutions in reach (declared in institutions.lists): filters, sorting, paging, htmx, export."""
    _require_view(request)
    fmt = export_format(request)
    if fmt:
        if scope_filter(request.user, "export", Institution) is None:
            raise Http404
        rows = selectors.institution_list(viewer=request.user, action="export")
        return INSTITUTIONS.bind(request.GET, rows).export(fmt)
    bound = INSTITUTIONS.bind(request.GET, selectors.institution_list(viewer=request.user))
    return bound.render(request, "institutions/list.html")


@login_required
def institution_detail(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = selectors.institution_get(viewer=request.user, institution_id=institution_id)
    context = {
        "institution": institution,
        "registrations": selectors.registration_list(viewer=request.user, institution=institution)[:20],
        "revisions": institution.revisions.select_related("changed_by")[:20],
        "can_reveal": scope_filter(request.user, "reveal", Institution) is not None,
        "can_invite": selectors.can_invite(viewer=request.user, institution=institution),
        "invitation_form": InvitationForm(),
        "invitations": selectors.invitation_list(viewer=request.user, institution=institution)[:20],
        "days_registered": services.days_since(institution.registered_at),
        "panels": registry.panels_for("institution", request.user, institution),  # fees' schedule, …
        "premises_visible": scope_filter(request.user, "view", Room) is not None,
        "premises_rooms": selectors.room_list(viewer=request.user, institution=institution),
        "premises_classes": selectors.class_list(viewer=request.user, institution=institution),
    }
    return render(request, "institutions/detail.html", context)


@login_required
@require_POST
def institution_reveal(request: HttpRequest, institution_id: int, field: str) -> HttpResponse:
    return reveal_response(request, INSTITUTION_REVEAL, pk=institution_id, field=field)


@login_required
def registration_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.REGISTRATION_CLERK):
        raise Http404
    form = RegistrationForm(request.POST or None, initial=selectors.registration_defaults(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.registration_record(
                by=request.user, data=form.registration_data(), source=RegistrationSource.WEB
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("登记信息已推送：%(outcome)s。") % {"outcome": result.registration.get_outcome_display()},
            )
            if result.notice:
                messages.warning(request, result.notice)
            return redirect("institutions:detail", institution_id=result.institution.pk)
    return render(request, "institutions/registration_form.html", {"form": form})


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    """Registered, not yet filed (declared in institutions.lists), oldest first; overdue ones marked."""
    if not request.user.has_role(Role.CITY_ADMIN, Role.REGULATOR):
        raise Http404
    fmt = export_format(request)
    if fmt:
        return PENDING.bind(
            request.GET, selectors.pending_filings(viewer=request.user, action="export")
        ).export(fmt)
    bound = PENDING.bind(request.GET, selectors.pending_filings(viewer=request.user))
    return bound.render(request, "institutions/pending.html", {"overdue_days": settings.FILING_OVERDUE_DAYS})


@login_required
@require_POST
def institution_invite(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = get_scoped_or_404(request.user, "change", Institution, pk=institution_id)
    if not selectors.can_invite(viewer=request.user, institution=institution):
        raise Http404
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, token = services.invitation_create(
                by=request.user, institution_id=institution.pk, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            link = request.build_absolute_uri(reverse("invitation_accept", kwargs={"token": token}))
            return render(
                request,
                "institutions/invitation_created.html",
                {"institution": institution, "invitation": invitation, "link": link},
            )
    return render(request, "institutions/invitation_form.html", {"institution": institution, "form": form})


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link: no login; the same 404 page for an unknown, used, revoked or expired link."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "institutions/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None, initial={"real_name": invitation.invitee_name})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.invitation_accept(
                token=token,
                username=d["username"],
                real_name=d["real_name"],
                phone=d["phone"],
                password=d["password1"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            messages.success(request, _("账号已开通，请登录。"))
            return redirect("accounts:login")
    return render(request, "institutions/invitation_accept.html", {"invitation": invitation, "form": form})


def _require_clerk(request: HttpRequest) -> None:
    if not request.user.has_role(Role.REGISTRATION_CLERK):
        raise Http404


REPORT_SESSION_KEY = "registration_import_report"


@login_required
def registration_import(request: HttpRequest) -> HttpResponse:
    """Excel batch: upload, all-or-nothing import, a row-by-row report (downloadable) when it fails."""
    _require_clerk(request)
    started = timezone.now()

    def transfers(outcome: object) -> dict[str, object]:
        # The rows that asked to move an institution to another county: recorded, awaiting review.
        pending = selectors.region_transfer_list(viewer=request.user, status=TransferStatus.PENDING)
        return {
            "transfers": list(
                pending.filter(
                    requested_by=request.user,
                    registration__source=RegistrationSource.EXCEL,
                    registration__recorded_at__gte=started,
                )
            )
        }

    return import_page(
        request,
        template="institutions/registration_import.html",
        sheet=imports.REGISTRATION_SHEET,
        report_key=REPORT_SESSION_KEY,
        run=lambda upload: imports.registration_import(by=request.user, file=upload),
        after=transfers,
    )


@login_required
def registration_template(request: HttpRequest) -> HttpResponse:
    _require_clerk(request)
    return xlsx_response(template_workbook(imports.REGISTRATION_SHEET), "登记信息导入模板.xlsx")


@login_required
def registration_import_report(request: HttpRequest) -> HttpResponse:
    _require_clerk(request)
    return report_response(request, REPORT_SESSION_KEY, "登记信息校验报告.xlsx")


# --- rooms and classes (园舍与班级): the institution admin's pages -------------------------------------


def _own_institution(request: HttpRequest) -> Institution:
    """The institution the signed-in admin keeps; anyone else: 404."""
    institution = selectors.admin_institution(request.user)
    if institution is None:
        raise Http404
    return institution


def _domain_to_form(form: object, exc: DomainError) -> None:
    visible = exc.field in form.fields and exc.field != "version"  # type: ignore[attr-defined]
    form.add_error(exc.field if visible else None, exc.message)  # type: ignore[attr-defined]


@login_required
def room_list(request: HttpRequest) -> HttpResponse:
    from tuoyu.institutions.forms import RoomForm
    from tuoyu.institutions.models import Room

    institution = _own_institution(request)
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.room_create(by=request.user, institution=institution, **values)
        except DomainError as exc:
            _domain_to_form(form, exc)
        else:
            messages.success(request, _("房间已添加。"))
            return redirect("institutions:rooms")
    if export_format(request):  # the rooms list has no export
        raise Http404
    bound = ROOMS.bind(request.GET, selectors.room_list(viewer=request.user, institution=institution))
    context = {"institution": institution, "create_form": form, "fields": Room._meta}
    return bound.render(request, "institutions/rooms.html", context)


@login_required
def room_edit(request: HttpRequest, room_id: int) -> HttpResponse:
    from tuoyu.institutions.forms import RoomForm
    from tuoyu.institutions.models import Room

    room = get_scoped_or_404(request.user, "change", Room, pk=room_id)
    form = RoomForm(request.POST or None, instance=room, initial={"version": room.version})
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.room_update(by=request.user, room=room, version=form.cleaned_data["version"], **values)
        except DomainError as exc:
            _domain_to_form(form, exc)
        else:
            messages.success(request, _("房间已保存。"))
            return redirect("institutions:rooms")
    return render(request, "institutions/room_edit.html", {"room": room, "form": form})


@login_required
@require_POST
def room_delete(request: HttpRequest, room_id: int) -> HttpResponse:
    from tuoyu.institutions.models import Room

    room = get_scoped_or_404(request.user, "change", Room, pk=room_id)
    try:
        services.room_delete(by=request.user, room=room)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("房间已删除。"))
    return redirect("institutions:rooms")


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    from tuoyu.institutions.forms import CareClassForm

    institution = _own_institution(request)
    form = CareClassForm(request.POST or None, institution=institution)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            care_class = services.class_create(by=request.user, institution=institution, **values)
        except DomainError as exc:
            _domain_to_form(form, exc)
        else:
            messages.success(request, _("班级已添加。"))
            for warning in services.class_warnings(care_class):
                messages.warning(request, warning)
            return redirect("institutions:classes")
    if export_format(request):  # the classes list has no export
        raise Http404
    kept = selectors.class_list(viewer=request.user, institution=institution)
    # The page lists the open classes unless asked (?closed=true); the closed ones are named below the table.
    data = request.GET.copy()
    data.setdefault("closed", "false")
    bound = CLASSES.bind(data, kept, institution=institution)
    context = {
        "institution": institution,
        "closed": kept.filter(closed_on__isnull=False),
        "create_form": form,
    }
    return bound.render(request, "institutions/classes.html", context)


@login_required
def class_edit(request: HttpRequest, class_id: int) -> HttpResponse:
    from tuoyu.institutions.forms import CareClassForm
    from tuoyu.institutions.models import CareClass

    care_class = get_scoped_or_404(
        request.user, "change", CareClass.objects.select_related("institution"), pk=class_id
    )
    form = CareClassForm(
        request.POST or None,
        instance=care_class,
        institution=care_class.institution,
        initial={"version": care_class.version},
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            care_class = services.class_update(
                by=request.user, care_class=care_class, version=form.cleaned_data["version"], **values
            )
        except DomainError as exc:
            _domain_to_form(form, exc)
        else:
            messages.success(request, _("班级已保存。"))
            for warning in services.class_warnings(care_class):
                messages.warning(request, warning)
            return redirect("institutions:classes")
    care_class.refresh_from_db()
    context = {
        "care_class": care_class,
        "form": form,
        # its children and their limit (children), its caregivers (staff): panels those apps register
        "panels": registry.panels_for("class", request.user, care_class),
    }
    return render(request, "institutions/class_edit.html", context)


@login_required
@require_POST
def class_close(request: HttpRequest, class_id: int) -> HttpResponse:
    from tuoyu.institutions.models import CareClass

    care_class = get_scoped_or_404(request.user, "change", CareClass, pk=class_id)
    try:
        services.class_close(by=request.user, care_class=care_class)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("institutions:class_edit", class_id=care_class.pk)
    messages.success(request, _("班级已撤销。"))
    return redirect("institutions:classes")


# --- region transfers (跨辖区区划变更): the city's review --------------------------------------------------


def _require_reviewer(request: HttpRequest) -> None:
    if not request.user.has_role(Role.CITY_ADMIN):
        raise Http404


def _transfers_page(
    request: HttpRequest,
    *,
    failed: int | None = None,
    form: RegionTransferDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The pending requests the viewer decides, each with its opinion form (the refused one shows its error
    next to the field), and the last decisions."""
    pending = list(
        selectors.region_transfer_list(viewer=request.user, action="change", status=TransferStatus.PENDING)[
            :500
        ]
    )
    rows = [
        {
            "transfer": t,
            "form": form
            if t.pk == failed and form is not None
            else RegionTransferDecisionForm(prefix=f"t{t.pk}"),
        }
        for t in pending
    ]
    decided = (
        selectors.region_transfer_list(viewer=request.user, action="change")
        .exclude(status=TransferStatus.PENDING)
        .order_by("-decided_at", "-id")[:20]
    )
    return render(
        request, "institutions/region_transfers.html", {"rows": rows, "decided": decided}, status=status
    )


def _decide(request: HttpRequest, transfer_id: int, *, approve: bool) -> HttpResponse:
    _require_reviewer(request)
    transfer = get_scoped_or_404(request.user, "change", RegionTransfer, pk=transfer_id)
    form = RegionTransferDecisionForm(request.POST, prefix=f"t{transfer.pk}")
    status = 400
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if approve:
                services.region_transfer_approve(by=request.user, transfer_id=transfer.pk, comment=comment)
            else:
                services.region_transfer_reject(by=request.user, transfer_id=transfer.pk, comment=comment)
        except DomainError as exc:
            form.add_error("comment", exc.message)
            status = 409 if isinstance(exc, Conflict) else 400
        else:
            done = _("已批准区划变更：%(name)s。") if approve else _("已驳回区划变更：%(name)s。")
            messages.success(request, done % {"name": transfer.institution.name})
            return redirect("institutions:region_transfers")
    return _transfers_page(request, failed=transfer.pk, form=form, status=status)


@login_required
def region_transfers(request: HttpRequest) -> HttpResponse:
    """The city's list of requests to move an institution to another county, with approve and reject."""
    _require_reviewer(request)
    return _transfers_page(request)


@login_required
@require_POST
def region_transfer_approve(request: HttpRequest, transfer_id: int) -> HttpResponse:
    return _decide(request, transfer_id, approve=True)


@login_required
@require_POST
def region_transfer_reject(request: HttpRequest, transfer_id: int) -> HttpResponse:
    return _decide(request, transfer_id, approve=False)
