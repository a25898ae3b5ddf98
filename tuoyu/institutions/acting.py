"""The institution a user of several acts for (当前机构): an admin of two institutions picks which one the
staff, children and compliance pages are about.

``?institution=<id>`` chooses (and is remembered in the session, so forms that post back and later pages
keep it); without it the remembered choice, else the first. An id that is not one of the user's answers 404,
the same as for anything else outside their reach. The page header shows a selector when there is a choice
(``acting_context`` + ``_acting_institution.html``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpRequest

PARAM = "institution"
SESSION_KEY = "acting_institution_id"


def acting_institution_id(request: HttpRequest, ids: Iterable[int]) -> int:
    """The institution, among the user's ``ids``, that the request acts for; 404 when they have none or
    asked for one that is not theirs."""
    choices = sorted(set(ids))
    if not choices:
        raise Http404
    raw = request.GET.get(PARAM, "")
    if raw:
        if not raw.isdigit() or int(raw) not in choices:
            raise Http404
        chosen = int(raw)
        if request.session.get(SESSION_KEY) != chosen:
            request.session[SESSION_KEY] = chosen
        return chosen
    remembered = request.session.get(SESSION_KEY)
    return remembered if remembered in choices else choices[0]


def acting_context(request: HttpRequest, ids: Iterable[int], current: int) -> dict[str, Any]:
    """The header selector's context: ``{"acting": {...}}`` with the choices (id, name), or empty when the
    user has only one institution (nothing to choose)."""
    from tuoyu.institutions.models import Institution

    choices = sorted(set(ids))
    if len(choices) < 2:
        return {}
    names = list(Institution.objects.filter(pk__in=choices).order_by("name", "pk").values_list("pk", "name"))
    return {"acting": {"choices": names, "current": current, "action": request.path, "param": PARAM}}
