"""The URLconf: the project's own pages, then every app's ``urls.py`` where it says (``mount``), then the API.
No per-app lines: an app's URLs are found by core.registry."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.i18n import set_language

from tuoyu.api import api_urls
from tuoyu.core import registry, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("i18n/setlang/", set_language, name="set_language"),
]
for module in registry.url_modules():
    urlpatterns.append(path(module.mount, include(module)))
    urlpatterns.extend(getattr(module, "root_urlpatterns", ()))
urlpatterns += [
    path("api/v1/", api_urls()),
    # Anything else under /api/ answers 404 as problem+json, like the API's own errors.
    re_path(r"^api/", views.not_found, name="api_not_found"),
]

if settings.DEBUG:  # the Django admin is for operators on a development machine only
    from django.contrib import admin

    urlpatterns.append(path("django-admin/", admin.site.urls))

handler400 = "tuoyu.core.views.bad_request"
handler403 = "tuoyu.core.views.permission_denied"
handler404 = "tuoyu.core.views.not_found"
handler500 = "tuoyu.core.views.server_error"
