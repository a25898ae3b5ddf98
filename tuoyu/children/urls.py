from django.urls import path

from tuoyu.children import views

app_name = "children"
mount = "children/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [
    path("", views.child_list, name="list"),
    path("new/", views.child_new, name="new"),
    path("export.xlsx", views.roster_export, name="export"),
    path("import/", views.roster_import, name="import"),
    path("import/template.xlsx", views.roster_template, name="import_template"),
    path("import/report.xlsx", views.roster_import_report, name="import_report"),
    path("<int:child_id>/", views.child_detail, name="detail"),
    path("<int:child_id>/guardians/", views.guardian_add, name="guardian_add"),
    path("<int:child_id>/consents/", views.consent_add, name="consent_add"),
    path(
        "<int:child_id>/consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"
    ),
    path("<int:child_id>/enroll/", views.enroll, name="enroll"),
    path("<int:child_id>/leave/", views.leave, name="leave"),
    path("<int:child_id>/reveal/", views.reveal, name="reveal"),
]
