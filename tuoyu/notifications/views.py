"""The inbox (/notifications/): the user's own notifications, newest first; opening one marks it read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tuoyu.notifications import selectors, services

PAGE_SIZE = 20


def _partial(request: HttpRequest) -> bool:
    # A history restore asks for the whole page even though htmx sends it.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render_inbox(request: HttpRequest, *, unread_only: bool, page_number: str | None = None) -> HttpResponse:
    qs = selectors.inbox(viewer=request.user, unread_only=unread_only)
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    query = "unread=1" if unread_only else ""
    # The unread count comes from the context processor (``unread_notifications``): one query for both the
    # badge and this page.
    context = {"page": page, "query": query, "unread_only": unread_only, "oob_badge": _partial(request)}
    template = "notifications/_inbox.html" if context["oob_badge"] else "notifications/inbox.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    return _render_inbox(
        request, unread_only=request.GET.get("unread") == "1", page_number=request.GET.get("page")
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark read (a POST: opening changes state) and go where the notification points."""
    n = services.notification_mark_read(user=request.user, notification_id=notification_id)
    if n.link and url_has_allowed_host_and_scheme(n.link, allowed_hosts={request.get_host()}):
        return redirect(n.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    unread_only = request.POST.get("unread") == "1"
    if _partial(request):
        return _render_inbox(request, unread_only=unread_only)
    if count:
        messages.success(request, _("%(n)d 条消息已标为已读。") % {"n": count})
    else:
        messages.info(request, _("没有未读消息。"))
    return redirect(reverse("notifications:inbox") + ("?unread=1" if unread_only else ""))
