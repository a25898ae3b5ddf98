from django.conf import settings
from django.urls import include, path, re_path
from django.views.i18n import set_language

from tuoyu.api import api_urls
from tuoyu.core import home, views
from tuoyu.filings import views as filing_views
from tuoyu.institutions import views as institution_views

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("tuoyu.accounts.urls")),
    path("regions/", include("tuoyu.regions.urls")),
    path("users/", include("tuoyu.accounts.user_urls")),
    path("institutions/", include("tuoyu.institutions.urls")),
    path("filings/", include("tuoyu.filings.urls")),
    path("fees/", include("tuoyu.fees.urls")),
    path("standards/", include("tuoyu.standards.urls")),  # compliance engine
    path("children/", include("tuoyu.children.urls")),  # children (幼儿)
    path("staff/", include("tuoyu.staff.urls")),  # staff register (工作人员)
    path("bans/", include("tuoyu.bans.urls")),  # lifetime bans (终身禁入)
    path("invitations/<str:token>/", institution_views.invitation_accept, name="invitation_accept"),
    path("verify/<str:number>/", filing_views.filing_verify, name="filing_verify"),
    path("audit/", include("tuoyu.audit.urls")),
    path("notifications/", include("tuoyu.notifications.urls")),
    path("calendar/", include("tuoyu.calendars.urls")),
    # public disclosure (信息公示): no login
    path("public/", include("tuoyu.disclosure.urls")),
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
