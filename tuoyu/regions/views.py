"""Region tree pages for regulators: each region with its 2020 population and its children."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tuoyu.regions import selectors


@login_required
def region_tree(request: HttpRequest) -> HttpResponse:
    if not selectors.region_viewer(viewer=request.user):
        raise Http404  # the same answer as a region outside the jurisdiction
    roots = selectors.region_roots(viewer=request.user)
    return render(request, "regions/tree.html", {"roots": roots})


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(viewer=request.user, code=code)
    children = list(selectors.region_children(viewer=request.user, region=region))
    known = [c.population(2020) for c in children]
    context = {
        "region": region,
        "ancestors": selectors.region_visible_ancestors(viewer=request.user, region=region),
        "children": children,
        "children_population_sum": sum(p for p in known if p is not None),
        "children_population_missing": sum(1 for p in known if p is None),
    }
    template = "regions/_children.html" if request.htmx else "regions/detail.html"
    return render(request, template, context)
