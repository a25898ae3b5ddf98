from django.urls import path

from tuoyu.staff import views

app_name = "staff"
mount = "staff/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_hire, name="hire"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/export.xlsx", views.indicators_xlsx, name="indicators_xlsx"),
    path("indicators/export.csv", views.indicators_csv, name="indicators_csv"),
    path("export.xlsx", views.roster_export, name="export"),
    path("import/", views.roster_import, name="import"),
    path("import/template.xlsx", views.roster_template, name="import_template"),
    path("import/report.xlsx", views.roster_import_report, name="import_report"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/reveal/<str:field>/", views.person_reveal, name="reveal"),
    path("<int:person_id>/add/<str:kind>/", views.record_add, name="record_add"),
    path("employments/<int:employment_id>/end/", views.employment_end, name="end"),
    path("employments/<int:employment_id>/assign/", views.class_assign, name="assign"),
    path("assignments/<int:assignment_id>/unassign/", views.class_unassign, name="unassign"),
    path("certificates/<int:certificate_id>/remove/", views.certificate_remove, name="certificate_remove"),
]
