"""Filing pages: the institution's filings and one filing (materials, declaration, timeline), the
reviewer's queue with the FIL-04 working-day clock, and material downloads. Every write is one call of a
filings.services function; its refusals are shown next to the part they concern, nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.models import Role
from tuoyu.audit.services import audit_record
from tuoyu.core import scoping
from tuoyu.core.downloads import content_disposition
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.filings import changes, receipts, selectors, services
from tuoyu.filings.forms import (
    CancellationForm,
    ChangeGroupsForm,
    MaterialUploadForm,
    NoticeForm,
    NoticeResponseForm,
    ReturnReasonFormSet,
    SubmitForm,
    VersionForm,
)
from tuoyu.filings.lists import NOTICES, REVIEW_QUEUE
from tuoyu.filings.models import (
    Filing,
    FilingKind,
    FilingState,
    MaterialKind,
    NonComplianceNotice,
)
from tuoyu.filings.workflow import TRANSITIONS
from tuoyu.institutions.models import FilingStatus, Institution


@login_required
def filing_list(request: HttpRequest) -> HttpResponse:
    institutions = selectors.admin_institutions(viewer=request.user)
    if not institutions:
        raise Http404
    filings = list(selectors.filing_list(viewer=request.user))
    busy = {f.institution_id for f in filings if f.state in selectors.OPEN_STATES}
    startable = [i for i in institutions if i.filing_status == FilingStatus.REGISTERED and i.pk not in busy]
    changeable = [i for i in institutions if i.filing_status == FilingStatus.FILED and i.pk not in busy]
    return render(
        request,
        "filings/list.html",
        {
            "filings": filings,
            "startable": startable,
            "changeable": changeable,
            "notices": list(selectors.notice_list(viewer=request.user).filter(closed_at__isnull=True)[:20]),
        },
    )


@login_required
@require_POST
def filing_start(request: HttpRequest) -> HttpResponse:
    if not selectors.admin_institutions(viewer=request.user):
        raise Http404
    try:
        institution_id = int(request.POST.get("institution", ""))
    except ValueError:
        raise Http404 from None
    kind = request.POST.get("kind", FilingKind.INITIAL)
    if kind not in (FilingKind.INITIAL, FilingKind.CHANGE):  # a cancellation starts on its own page
        kind = FilingKind.INITIAL
    try:
        filing = services.filing_start(by=request.user, institution_id=institution_id, kind=kind)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("filings:list")
    if filing.kind == FilingKind.CHANGE:
        return redirect("filings:changes", filing_id=filing.pk)
    return redirect("filings:detail", filing_id=filing.pk)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted filings in the jurisdiction, oldest first, with the FIL-04 clock (declared in filings.lists)."""
    if not request.user.has_role(Role.REGULATOR, Role.CITY_ADMIN):
        raise Http404
    bound = REVIEW_QUEUE.bind(request.GET, selectors.review_queue_page(viewer=request.user))
    return bound.render(request, "filings/review_queue.html", {"limit": selectors.REVIEW_WORKDAYS})


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
    context = selectors.filing_page(viewer=request.user, filing=filing, errors=errors)
    context.update(
        declaration_text=services.DECLARATION_TEXT,
        declaration_version=services.DECLARATION_VERSION,
        upload_form=MaterialUploadForm(),
        submit_form=forms.get("submit_form") or SubmitForm(initial={"version": filing.version}),
        return_formset=forms.get("return_formset") or _return_formset(filing),
        review_comment=forms.get("review_comment", ""),
    )
    return render(request, "filings/detail.html", context, status=status)


def _return_formset(filing: Filing, data: Any = None) -> Any:
    """The reviewer's per-item return reasons; a change filing names only its changed items."""
    kwargs: dict[str, Any] = {}
    if filing.kind == FilingKind.CHANGE:
        kwargs["form_kwargs"] = {"items": services.change_return_items(filing)}
    elif filing.kind == FilingKind.INITIAL:  # each part of the 备案书, each material, the declaration
        items = list(changes.FORM_GROUPS) + list(MaterialKind.values) + ["declaration", "general"]
        kwargs["form_kwargs"] = {"items": items}
    return ReturnReasonFormSet(data, prefix="reasons", **kwargs)


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


# --- the workflow's transitions (filings/workflow.py): one view, driven by a table ---------------------


@dataclass(frozen=True)
class Step:
    """How the page takes one transition: ``read`` turns the POST into the service's keyword arguments (or
    None and the message to show), with the forms a refusal keeps on the page; ``part`` is where that
    refusal is shown; ``done`` words the success."""

    part: str
    service: Callable[..., Filing]
    read: Callable[[HttpRequest, Filing], tuple[dict[str, Any] | None, str, dict[str, Any]]]
    done: Callable[[Filing], str]


def _read_submit(request: HttpRequest, filing: Filing) -> tuple[dict[str, Any] | None, str, dict[str, Any]]:
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return None, _("请刷新页面后重试。"), {}
    values = {
        "version": form.cleaned_data["version"],
        "declaration_accepted": form.cleaned_data["declaration"],
    }
    return values, "", {}


def _read_decision(*, keep_comment: bool) -> Callable[..., tuple[dict[str, Any] | None, str, dict[str, Any]]]:
    """A version and a comment (withdraw, accept); the reviewer's comment stays on the page if refused."""

    def read(request: HttpRequest, filing: Filing) -> tuple[dict[str, Any] | None, str, dict[str, Any]]:
        form = VersionForm(request.POST)
        if not form.is_valid():
            return None, _("请刷新页面后重试。"), {}
        values = {"version": form.cleaned_data["version"], "comment": form.cleaned_data["comment"]}
        return values, "", {"review_comment": values["comment"]} if keep_comment else {}

    return read


def _read_return(request: HttpRequest, filing: Filing) -> tuple[dict[str, Any] | None, str, dict[str, Any]]:
    form = VersionForm(request.POST)
    formset = _return_formset(filing, request.POST)
    comment = request.POST.get("comment", "")[:2000]
    kept = {"return_formset": formset, "review_comment": comment}
    if not form.is_valid() or not formset.is_valid():
        return None, _("请逐项选择事项并填写原因。") if form.is_valid() else _("请刷新页面后重试。"), kept
    reasons = [(f.cleaned_data.get("item", ""), f.cleaned_data.get("reason", "")) for f in formset]
    return {"version": form.cleaned_data["version"], "reasons": reasons, "comment": comment}, "", kept


def _accepted(filing: Filing) -> str:
    if filing.number:
        return _("备案已通过，备案编号：%(number)s。") % {"number": filing.number}
    return _("备案已通过。")


STEPS: dict[str, Step] = {
    "submit": Step(
        "submit",
        services.filing_submit,
        _read_submit,
        lambda filing: _("备案已提交，卫生健康部门将在5个工作日内审核。"),
    ),
    "withdraw": Step(
        "withdraw",
        services.filing_withdraw,
        _read_decision(keep_comment=False),
        lambda filing: _("备案已撤回。"),
    ),
    "accept": Step("review", services.filing_accept, _read_decision(keep_comment=True), _accepted),
    "return": Step(
        "review", services.filing_return, _read_return, lambda filing: _("备案已退回，机构将收到退回原因。")
    ),
}


@login_required
@require_POST
def filing_transition(request: HttpRequest, filing_id: int, action: str) -> HttpResponse:
    """Take ``action`` (a transition of filings.workflow.FILING) from the page: whoever may not take it on this
    filing gets 404 before any input is read; a refusal is shown beside its part, nothing changed."""
    step = STEPS.get(action)
    if step is None or action not in TRANSITIONS:
        raise Http404
    filing = _acting(request, filing_id, side=TRANSITIONS[action].by)
    values, problem, kept = step.read(request, filing)
    if values is None:
        return _refused(request, filing_id, step.part, problem, **kept)
    try:
        filing = step.service(by=request.user, filing_id=filing_id, **values)
    except DomainError as exc:
        return _refused(request, filing_id, step.part, exc, **kept)
    messages.success(request, step.done(filing))
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


# --- change filing (变更备案) --------------------------------------------------------------------------


@login_required
def filing_changes(request: HttpRequest, filing_id: int) -> HttpResponse:
    """The change filing's items: choose the groups, then edit their values (current ones prefilled)."""
    filing = _acting(request, filing_id, side="institution")
    if filing.kind != FilingKind.CHANGE:
        raise Http404
    editable = filing.state in (FilingState.DRAFT, FilingState.RETURNED)
    proposed = changes.proposed_values(filing.facts)
    source = request.POST if request.method == "POST" else request.GET
    chooser = ChangeGroupsForm(source if "groups" in source else None)
    chosen: list[str] = list(filing.changed_items or [])
    if chooser.is_bound and chooser.is_valid():
        chosen = chooser.cleaned_data["groups"]
    elif chooser.is_bound:
        chosen = []
    error = ""
    form = None
    status = 200
    if chosen:
        initial = changes.initial_values(filing.institution, chosen, proposed)
        if request.method == "POST" and request.POST.get("save") and editable:
            form = changes.ChangeForm(request.POST, groups=chosen, initial=initial)
            version = _int(request.POST.get("version"))
            done, error, status = _save_groups(
                request,
                filing,
                form,
                lambda values: services.filing_change_set(
                    by=request.user, filing_id=filing.pk, changes=values, version=version
                ),
                _("变更事项已保存，请上传所需材料后提交。"),
            )
            if done:
                return done
        else:
            form = changes.ChangeForm(groups=chosen, initial=initial)
    elif request.method == "POST":
        error, status = _("请至少选择一项变更事项。"), 400
    rows = form.group_rows() if form is not None else []
    for row in rows:
        row["masked"] = {
            n: changes.display(n, changes.current_value(filing.institution, n))
            for n in row["group"].fields
            if n in changes.ENCRYPTED
        }
    context = {
        "filing": filing,
        "editable": editable,
        "chooser": chooser if chooser.is_bound else ChangeGroupsForm(initial={"groups": chosen}),
        "chosen": chosen,
        "form": form,
        "rows": rows,
        "error": error,
    }
    return render(request, "filings/changes.html", context, status=status)


def _save_groups(
    request: HttpRequest,
    filing: Filing,
    form: changes.ChangeForm,
    save: Callable[[dict[str, dict[str, Any]]], Any],
    done: str,
) -> tuple[HttpResponse | None, str, int]:
    """Parse a form of fact groups and hand ``{group: {field: value}}`` to ``save`` (one filings.services
    call). Returns (the redirect after saving, or None; a page-level error; the status). A refusal lands
    next to the field it names, else on the page; nothing is saved."""
    if not form.is_valid():
        return None, "", 400
    values = {g.key: {n: form.cleaned_data[n] for n in g.fields} for g in form.groups}
    try:
        save(values)
    except DomainError as exc:
        error = ""
        if exc.field and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
        else:
            error = exc.message
        return None, error, 409 if isinstance(exc, Conflict) else 400
    messages.success(request, done)
    return redirect("filings:detail", filing_id=filing.pk), "", 200


@login_required
def filing_form(request: HttpRequest, filing_id: int) -> HttpResponse:
    """The initial filing's 备案书: every group on one page, prefilled with what the form (or else the
    institution's record) says; saved as a whole, errors next to their fields, nothing saved on refusal."""
    filing = _acting(request, filing_id, side="institution")
    if filing.kind != FilingKind.INITIAL:
        raise Http404
    editable = filing.state in (FilingState.DRAFT, FilingState.RETURNED)
    groups = list(changes.FORM_GROUPS)
    proposed = changes.proposed_values(filing.facts)
    initial = changes.initial_values(filing.institution, groups, proposed)
    error, status = "", 200
    if request.method == "POST" and editable:
        form = changes.ChangeForm(request.POST, groups=groups, initial=initial, initial_filing=True)
        version = _int(request.POST.get("version"))
        done, error, status = _save_groups(
            request,
            filing,
            form,
            lambda values: services.filing_form_set(
                by=request.user, filing_id=filing.pk, form=values, version=version
            ),
            _("备案书已保存。请上传备案材料，阅读承诺书后提交。"),
        )
        if done:
            return done
    else:
        form = changes.ChangeForm(groups=groups, initial=initial, initial_filing=True)
        if request.method == "POST":  # submitted or decided: nothing to save
            error, status = _("已提交的备案不能再修改备案书。"), 409
    reasons = _latest_reasons(filing) if filing.state == FilingState.RETURNED else []
    rows = form.group_rows()
    for row in rows:
        row["reasons"] = [r.reason for r in reasons if r.item in (row["group"].key, "facts")]
        row["masked"] = {
            n: changes.display(n, proposed.get(n) or changes.current_value(filing.institution, n))
            for n in row["group"].fields
            if n in changes.ENCRYPTED and (proposed.get(n) or changes.current_value(filing.institution, n))
        }
    context = {"filing": filing, "editable": editable, "form": form, "rows": rows, "error": error}
    return render(request, "filings/form.html", context, status=status)


def _latest_reasons(filing: Filing) -> list[Any]:
    last_return = filing.events.filter(action="return").order_by("-at", "-pk").first()
    return list(last_return.reasons.all()) if last_return else []


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- cancellation (注销备案) ---------------------------------------------------------------------------


@login_required
def filing_cancel(request: HttpRequest, institution_id: int) -> HttpResponse:
    """Start (or, while a draft or returned, edit) the institution's cancellation with its settlement plan."""
    institution = next(
        (i for i in selectors.admin_institutions(viewer=request.user) if i.pk == institution_id), None
    )
    if institution is None:
        raise Http404
    open_filing = (
        Filing.objects.filter(institution=institution, state__in=selectors.OPEN_STATES)
        .order_by("-id")
        .first()
    )
    draft = (
        open_filing
        if open_filing
        and open_filing.kind == FilingKind.CANCELLATION
        and open_filing.state in (FilingState.DRAFT, FilingState.RETURNED)
        else None
    )
    error, status = "", 200
    if request.method == "POST":
        form = CancellationForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if draft is not None:
                    filing = services.filing_cancellation_set(
                        by=request.user,
                        filing_id=draft.pk,
                        settlement_plan=d["settlement_plan"],
                        stop_date=d["stop_date"],
                        parents_notified=d["parents_notified"],
                        version=d.get("version"),
                    )
                else:
                    filing = services.filing_start(
                        by=request.user,
                        institution_id=institution.pk,
                        kind=FilingKind.CANCELLATION,
                        settlement_plan=d["settlement_plan"],
                        stop_date=d["stop_date"],
                        parents_notified=d["parents_notified"],
                    )
            except DomainError as exc:
                if exc.field and exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:
                    error = exc.message
                status = 409 if isinstance(exc, Conflict) else 400
            else:
                messages.success(request, _("注销备案已保存，请上传安置方案材料后提交。"))
                return redirect("filings:detail", filing_id=filing.pk)
        else:
            status = 400
    elif draft is not None:
        form = CancellationForm(
            initial={
                "settlement_plan": draft.settlement_plan,
                "stop_date": (draft.facts or {}).get("stop_date"),
                "parents_notified": (draft.facts or {}).get("parents_notified", False),
                "version": draft.version,
            }
        )
    else:
        form = CancellationForm()
    context = {
        "institution": institution,
        "form": form,
        "draft": draft,
        "busy": open_filing if open_filing and draft is None else None,
        "error": error,
    }
    return render(request, "filings/cancel.html", context, status=status)


# --- FIL-05 non-compliance notices (核查不符通知) -------------------------------------------------------


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """The notices in the viewer's reach, with the FIL-05 clock (declared in filings.lists)."""
    if scoping.scope_filter(request.user, "view", NonComplianceNotice) is None:
        raise Http404
    bound = NOTICES.bind(request.GET, selectors.notice_list(viewer=request.user))
    return bound.render(request, "filings/notices.html", {"limit": services.NOTICE_WORKDAYS})


@login_required
def notice_new(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = scoping.get_scoped_or_404(request.user, "change", Institution, pk=institution_id)
    if not request.user.has_role(Role.REGULATOR, Role.CITY_ADMIN):
        raise Http404
    error, status = "", 200
    form = NoticeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                notice = services.notice_issue(
                    by=request.user,
                    institution_id=institution.pk,
                    found_on=d["found_on"],
                    items=form.item_list(),
                    required_action=d["required_action"],
                    rectify_by=d["rectify_by"],
                )
            except DomainError as exc:
                if exc.field and exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:
                    error = exc.message
                status = 400
            else:
                if notice.late:
                    messages.warning(
                        request,
                        _("通知已发出。距核查发现已%(n)d个工作日，超过15个工作日（FIL-05），已标记超时。")
                        % {"n": notice.workdays_to_issue},
                    )
                else:
                    messages.success(request, _("核查不符通知已发出，机构将收到通知。"))
                return redirect("filings:notice", notice_id=notice.pk)
        else:
            status = 400
    context = {"institution": institution, "form": form, "error": error, "limit": services.NOTICE_WORKDAYS}
    return render(request, "filings/notice_new.html", context, status=status)


def _notice_page(
    request: HttpRequest, notice: NonComplianceNotice, *, error: str = "", form: Any = None, status: int = 200
) -> HttpResponse:
    viewer = request.user
    context = {
        "notice": notice,
        "can_manage": selectors.can_manage_notice(viewer=viewer, notice=notice),
        "is_admin": selectors.is_notice_admin(viewer=viewer, notice=notice),
        "response_form": form
        or NoticeResponseForm(initial={"version": notice.version, "response": notice.institution_response}),
        "error": error,
        "limit": services.NOTICE_WORKDAYS,
    }
    return render(request, "filings/notice.html", context, status=status)


@login_required
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    return _notice_page(request, selectors.notice_get(viewer=request.user, notice_id=notice_id))


def _notice_acting(request: HttpRequest, notice_id: int, *, side: str) -> NonComplianceNotice:
    notice = selectors.notice_get(viewer=request.user, notice_id=notice_id)
    if side == "reviewer":
        allowed = selectors.can_manage_notice(viewer=request.user, notice=notice)
    else:
        allowed = selectors.is_notice_admin(viewer=request.user, notice=notice)
    if not allowed:
        raise Http404
    return notice


def _notice_refused(request: HttpRequest, notice_id: int, exc: DomainError | str, **kw: Any) -> HttpResponse:
    notice = selectors.notice_get(viewer=request.user, notice_id=notice_id)
    message = exc.message if isinstance(exc, DomainError) else exc
    status = 409 if isinstance(exc, Conflict) else 400
    return _notice_page(request, notice, error=message, status=status, **kw)


@login_required
@require_POST
def notice_publish(request: HttpRequest, notice_id: int) -> HttpResponse:
    _notice_acting(request, notice_id, side="reviewer")
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _notice_refused(request, notice_id, _("请刷新页面后重试。"))
    try:
        services.notice_publish(by=request.user, notice_id=notice_id, version=form.cleaned_data["version"])
    except DomainError as exc:
        return _notice_refused(request, notice_id, exc)
    messages.success(request, _("通知已公开。"))
    return redirect("filings:notice", notice_id=notice_id)


@login_required
@require_POST
def notice_respond(request: HttpRequest, notice_id: int) -> HttpResponse:
    _notice_acting(request, notice_id, side="institution")
    form = NoticeResponseForm(request.POST)
    if not form.is_valid():
        return _notice_refused(request, notice_id, _("请填写整改情况。"), form=form)
    try:
        services.notice_respond(
            by=request.user,
            notice_id=notice_id,
            version=form.cleaned_data["version"],
            response=form.cleaned_data["response"],
        )
    except DomainError as exc:
        return _notice_refused(request, notice_id, exc, form=form)
    messages.success(request, _("整改情况已反馈。"))
    return redirect("filings:notice", notice_id=notice_id)


@login_required
@require_POST
def notice_close(request: HttpRequest, notice_id: int) -> HttpResponse:
    _notice_acting(request, notice_id, side="reviewer")
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _notice_refused(request, notice_id, _("请刷新页面后重试。"))
    try:
        services.notice_close(
            by=request.user,
            notice_id=notice_id,
            version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        return _notice_refused(request, notice_id, exc)
    messages.success(request, _("核查不符通知已办结。"))
    return redirect("filings:notice", notice_id=notice_id)
