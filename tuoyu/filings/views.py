"""Filing pages: the institution's filings and one filing (materials, declaration, timeline), the
reviewer's queue with the FIL-04 working-day clock, and material downloads. Every write is one call of a
filings.services function; its refusals are shown next to the part they concern, nothing changed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuoyu.accounts.models import Role
from tuoyu.audit.services import audit_record
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.files.services import content_disposition
from tuoyu.filings import receipts, selectors, services
from tuoyu.filings.forms import (
    MaterialUploadForm,
    ReturnReasonFormSet,
    SubmitForm,
    VersionForm,
    return_item_label,
)
from tuoyu.filings.models import Filing, FilingEvent, FilingState, MaterialKind
from tuoyu.institutions.models import FilingStatus

OPEN_STATES = (FilingState.DRAFT, FilingState.SUBMITTED, FilingState.RETURNED)
ACTION_LABELS = {
    "start": gettext_lazy("创建"),
    "submit": gettext_lazy("提交"),
    "return": gettext_lazy("退回"),
    "accept": gettext_lazy("通过"),
    "withdraw": gettext_lazy("撤回"),
}


@login_required
def filing_list(request: HttpRequest) -> HttpResponse:
    institutions = selectors.admin_institutions(viewer=request.user)
    if not institutions:
        raise Http404
    filings = list(selectors.filing_list(viewer=request.user))
    busy = {f.institution_id for f in filings if f.state in OPEN_STATES}
    startable = [i for i in institutions if i.filing_status == FilingStatus.REGISTERED and i.pk not in busy]
    return render(request, "filings/list.html", {"filings": filings, "startable": startable})


@login_required
@require_POST
def filing_start(request: HttpRequest) -> HttpResponse:
    if not selectors.admin_institutions(viewer=request.user):
        raise Http404
    try:
        institution_id = int(request.POST.get("institution", ""))
    except ValueError:
        raise Http404 from None
    try:
        filing = services.filing_start(by=request.user, institution_id=institution_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("filings:list")
    return redirect("filings:detail", filing_id=filing.pk)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.REGULATOR, Role.CITY_ADMIN):
        raise Http404
    rows = [
        {"filing": f, "clock": selectors.review_clock(f)}
        for f in selectors.review_queue(viewer=request.user)[:500]
    ]
    return render(request, "filings/review_queue.html", {"rows": rows, "limit": selectors.REVIEW_WORKDAYS})


def _detail(
    request: HttpRequest,
    filing: Filing,
    *,
    errors: dict[str, Any] | None = None,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    """Render one filing; ``errors`` maps a part of the page (``upload:<kind>``, ``submit``, ``review``,
    ``withdraw``) to the message shown there."""
    errors = {"submit": "", "review": "", "withdraw": "", **(errors or {})}
    viewer = request.user
    is_admin = selectors.is_institution_admin_of(viewer=viewer, filing=filing)
    can_review = selectors.can_review(viewer=viewer, filing=filing)
    events = list(filing.events.select_related("actor").prefetch_related("reasons"))
    for e in events:
        e.label = ACTION_LABELS.get(e.action, e.action)
    last_return: FilingEvent | None = next((e for e in reversed(events) if e.action == "return"), None)
    reasons = list(last_return.reasons.all()) if last_return else []
    materials = list(filing.materials.select_related("file"))
    required = services.required_materials(filing)
    kinds = list(required) + [
        k
        for k in MaterialKind.values
        if k not in required and (k == MaterialKind.OTHER or any(m.kind == k for m in materials))
    ]
    rows = [
        {
            "kind": k,
            "label": MaterialKind(k).label,
            "required": k in required,
            "files": [m for m in materials if m.kind == k],
            "reasons": [r.reason for r in reasons if r.item == k],
            "error": errors.get(f"upload:{k}"),
        }
        for k in kinds
    ]
    other_reasons = [
        {"label": return_item_label(r.item), "reason": r.reason}
        for r in reasons
        if r.item not in MaterialKind.values
    ]
    editable = is_admin and filing.state in (FilingState.DRAFT, FilingState.RETURNED)
    context = {
        "filing": filing,
        "is_admin": is_admin,
        "can_review": can_review and filing.state == FilingState.SUBMITTED,
        "editable": editable,
        "can_withdraw": is_admin and filing.state in OPEN_STATES,
        "rows": rows,
        "missing": [MaterialKind(k).label for k in services.missing_materials(filing)],
        "last_return": last_return,
        "other_reasons": other_reasons,
        "events": events,
        "clock": selectors.review_clock(filing) if filing.state == FilingState.SUBMITTED else None,
        "declaration_text": services.DECLARATION_TEXT,
        "declaration_version": services.DECLARATION_VERSION,
        "errors": errors,
        "upload_form": MaterialUploadForm(),
        "submit_form": forms.get("submit_form") or SubmitForm(initial={"version": filing.version}),
        "return_formset": forms.get("return_formset") or ReturnReasonFormSet(prefix="reasons"),
        "review_comment": forms.get("review_comment", ""),
    }
    return render(request, "filings/detail.html", context, status=status)


def _refused(
    request: HttpRequest, filing_id: int, part: str, exc: DomainError | str, **forms: Any
) -> HttpResponse:
    filing = selectors.filing_get(viewer=request.user, filing_id=filing_id)  # re-read: nothing changed
    message = exc.message if isinstance(exc, DomainError) else exc
    status = 409 if isinstance(exc, Conflict) else 400
    return _detail(request, filing, errors={part: message}, status=status, **forms)


def _acting(request: HttpRequest, filing_id: int, *, side: str) -> Filing:
    """The filing, if the user acts on it from ``side``; 404 otherwise (before any input is read)."""
    filing = selectors.filing_get(viewer=request.user, filing_id=filing_id)
    if side == "institution":
        allowed = selectors.is_institution_admin_of(viewer=request.user, filing=filing)
    else:
        allowed = selectors.can_review(viewer=request.user, filing=filing)
    if not allowed:
        raise Http404
    return filing


@login_required
def filing_detail(request: HttpRequest, filing_id: int) -> HttpResponse:
    return _detail(request, selectors.filing_get(viewer=request.user, filing_id=filing_id))


@login_required
@require_POST
def filing_attach(request: HttpRequest, filing_id: int) -> HttpResponse:
    _acting(request, filing_id, side="institution")
    form = MaterialUploadForm(request.POST, request.FILES)
    kind = request.POST.get("kind", "")
    if not form.is_valid():
        message = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _refused(request, filing_id, f"upload:{kind}", message)
    try:
        services.filing_attach(
            by=request.user,
            filing_id=filing_id,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
    except ValidationError as exc:
        return _refused(request, filing_id, f"upload:{kind}", " ".join(exc.messages))
    except DomainError as exc:
        return _refused(request, filing_id, f"upload:{kind}", exc)
    messages.success(request, _("材料已上传：%(kind)s。") % {"kind": MaterialKind(kind).label})
    return redirect("filings:detail", filing_id=filing_id)


@login_required
@require_POST
def filing_submit(request: HttpRequest, filing_id: int) -> HttpResponse:
    _acting(request, filing_id, side="institution")
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _refused(request, filing_id, "submit", _("请刷新页面后重试。"))
    try:
        services.filing_submit(
            by=request.user,
            filing_id=filing_id,
            version=form.cleaned_data["version"],
            declaration_accepted=form.cleaned_data["declaration"],
        )
    except DomainError as exc:
        return _refused(request, filing_id, "submit", exc)
    messages.success(request, _("备案已提交，卫生健康部门将在5个工作日内审核。"))
    return redirect("filings:detail", filing_id=filing_id)


@login_required
@require_POST
def filing_withdraw(request: HttpRequest, filing_id: int) -> HttpResponse:
    _acting(request, filing_id, side="institution")
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _refused(request, filing_id, "withdraw", _("请刷新页面后重试。"))
    try:
        services.filing_withdraw(
            by=request.user,
            filing_id=filing_id,
            version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        return _refused(request, filing_id, "withdraw", exc)
    messages.success(request, _("备案已撤回。"))
    return redirect("filings:detail", filing_id=filing_id)


@login_required
@require_POST
def filing_accept(request: HttpRequest, filing_id: int) -> HttpResponse:
    _acting(request, filing_id, side="reviewer")
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _refused(request, filing_id, "review", _("请刷新页面后重试。"))
    try:
        filing = services.filing_accept(
            by=request.user,
            filing_id=filing_id,
            version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        return _refused(request, filing_id, "review", exc, review_comment=form.cleaned_data["comment"])
    if filing.number:
        messages.success(request, _("备案已通过，备案编号：%(number)s。") % {"number": filing.number})
    else:
        messages.success(request, _("备案已通过。"))
    return redirect("filings:detail", filing_id=filing_id)


@login_required
@require_POST
def filing_return(request: HttpRequest, filing_id: int) -> HttpResponse:
    _acting(request, filing_id, side="reviewer")
    form = VersionForm(request.POST)
    formset = ReturnReasonFormSet(request.POST, prefix="reasons")
    comment = request.POST.get("comment", "")[:2000]
    if not form.is_valid() or not formset.is_valid():
        message = _("请逐项选择事项并填写原因。") if form.is_valid() else _("请刷新页面后重试。")
        return _refused(request, filing_id, "review", message, return_formset=formset, review_comment=comment)
    reasons = [(f.cleaned_data.get("item", ""), f.cleaned_data.get("reason", "")) for f in formset]
    try:
        services.filing_return(
            by=request.user,
            filing_id=filing_id,
            version=form.cleaned_data["version"],
            reasons=reasons,
            comment=comment,
        )
    except DomainError as exc:
        return _refused(request, filing_id, "review", exc, return_formset=formset, review_comment=comment)
    messages.success(request, _("备案已退回，机构将收到退回原因。"))
    return redirect("filings:detail", filing_id=filing_id)


@login_required
def material_download(request: HttpRequest, filing_id: int, material_id: int) -> HttpResponse:
    from tuoyu.files.services import file_response

    filing = selectors.filing_get(viewer=request.user, filing_id=filing_id)
    material = filing.materials.select_related("file").filter(pk=material_id).first()
    if material is None:
        raise Http404
    return file_response(material.file, viewer=request.user)


@login_required
def filing_receipt(request: HttpRequest, filing_id: int) -> HttpResponse:
    """The 备案回执 PDF, for those who may read the filing, once it is accepted."""
    filing = selectors.filing_get(viewer=request.user, filing_id=filing_id)
    if not receipts.has_receipt(filing):
        raise Http404
    verify_url = request.build_absolute_uri(reverse("filing_verify", kwargs={"number": filing.number}))
    try:
        pdf = receipts.receipt_pdf(filing, verify_url=verify_url)
    except DomainError as exc:
        return render(request, "errors/503_document.html", {"message": exc.message}, status=exc.status)
    audit_record("filing.receipt", obj=filing, detail={"number": filing.number})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        f"备案回执-{filing.number}.pdf", as_attachment=False
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def filing_verify(request: HttpRequest, number: str) -> HttpResponse:
    """Public, no login: is this filing number real, and for which institution? Only public facts."""
    filing = selectors.filing_by_number(number)
    if filing is None:
        return render(request, "filings/verify.html", {"number": number[:40]}, status=404)
    return render(
        request,
        "filings/verify.html",
        {"filing": filing, "authority": receipts.issuing_authority(filing), "number": filing.number},
    )
