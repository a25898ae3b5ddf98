from django.urls import path

from tuoyu.institutions import views

app_name = "institutions"
urlpatterns = [
    path("", views.institution_list, name="list"),
    path("pending/", views.pending, name="pending"),
    path("registrations/new/", views.registration_create, name="registration_create"),
    path("registrations/import/", views.registration_import, name="registration_import"),
    path("registrations/import/template.xlsx", views.registration_template, name="registration_template"),
    path(
        "registrations/import/report.xlsx",
        views.registration_import_report,
        name="registration_import_report",
    ),
    path("<int:institution_id>/", views.institution_detail, name="detail"),
    path("<int:institution_id>/reveal/<str:field>/", views.institution_reveal, name="reveal"),
    path("<int:institution_id>/invite/", views.institution_invite, name="invite"),
]
