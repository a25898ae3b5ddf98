"""The institution's fee schedule page: what is in force, the history, and publishing a new one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuoyu.accounts.models import Role
from tuoyu.accounts.scoping import institution_ids
from tuoyu.core.errors import DomainError
from tuoyu.fees import selectors, services
from tuoyu.fees.forms import ItemFormSet, ScheduleForm
from tuoyu.institutions.acting import acting_context, acting_institution_id
from tuoyu.institutions.models import Institution


def _admin_ids(request: HttpRequest) -> list[int]:
    return institution_ids(request.user, {Role.INSTITUTION_ADMIN})


def _own_institution(request: HttpRequest) -> Institution:
    """The institution whose fees the admin publishes: the one chosen in the header, if they keep several."""
    return Institution.objects.get(pk=acting_institution_id(request, _admin_ids(request)))


@login_required
def fee_schedule(request: HttpRequest) -> HttpResponse:
    institution = _own_institution(request)
    form = ScheduleForm(request.POST or None)
    items = ItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        rows = [
            services.ItemData(
                **{
                    k: f.cleaned_data.get(k) or ""
                    for k in ("kind", "service_type", "name", "unit", "includes")
                },
                amount=f.cleaned_data["amount"],
            )
            for f in items.forms
            if f.cleaned_data.get("name")
        ]
        try:
            services.fee_schedule_publish(
                by=request.user, institution_id=institution.pk, items=rows, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("收费标准已公布。"))
            return redirect("fees:schedule")
    context = {
        "institution": institution,
        "current": selectors.current_schedule(institution=institution),
        "history": selectors.schedules(institution=institution),
        "form": form,
        "items": items,
        "prepay_limit": services.prepay_limit(institution),
        **acting_context(request, _admin_ids(request), institution.pk),
    }
    return render(request, "fees/schedule.html", context)
