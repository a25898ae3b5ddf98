from django.urls import path

from tuoyu.bans import views

app_name = "bans"
mount = "bans/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [
    path("", views.ban_list, name="list"),
    path("new/", views.ban_create, name="create"),
    path("import/", views.ban_import, name="import"),
    path("import/template.xlsx", views.ban_import_template, name="import_template"),
    path("import/report.xlsx", views.ban_import_report, name="import_report"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert_detail"),
    path("<int:ban_id>/", views.ban_detail, name="detail"),
    path("<int:ban_id>/reveal/", views.ban_reveal, name="reveal"),
]
