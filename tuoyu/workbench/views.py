"""Each role's home page (首页): the panels the apps register (core.registry), those that have something for
this user, in their order."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tuoyu.core import registry


@login_required
def home(request: HttpRequest) -> HttpResponse:
    panels = registry.panels_for("home", request.user)
    return render(request, "workbench/home.html", {"panels": panels})
