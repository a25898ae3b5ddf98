"""The two minimal pages: one indexed query each, a bare template."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tuoyu.institutions.models import FilingStatus, Institution

PAGE = 30


def minimal_public(request: HttpRequest) -> HttpResponse:
    """Anonymous: the newest 30 filed institutions by id — a walk down the primary key index that stops
    after 30 matches, three columns each."""
    rows = list(
        Institution.objects.filter(filing_status=FilingStatus.FILED)
        .order_by("-id")
        .values_list("id", "name", "capacity")[:PAGE]
    )
    return render(request, "bench/minimal_public.html", {"rows": rows})


@login_required
def minimal_signed_in(request: HttpRequest) -> HttpResponse:
    """Signed in (session, user, memberships — what every signed-in page loads): the first 30 institutions
    of the user's region by the ``region_prefix`` index, a range scan."""
    regions = [m.region for m in request.user.active_memberships() if m.region_id]
    if not regions:
        raise Http404
    prefix = regions[0].prefix
    rows = list(
        Institution.objects.filter(region_prefix__gte=prefix, region_prefix__lt=prefix + "\uffff")
        .order_by("region_prefix", "id")
        .values_list("id", "name", "filing_status")[:PAGE]
    )
    return render(request, "bench/minimal_signed_in.html", {"rows": rows, "region": regions[0].name})
