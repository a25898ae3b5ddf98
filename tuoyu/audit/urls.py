from django.urls import path

from tuoyu.audit import views

app_name = "audit"
mount = "audit/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.events_export, name="export"),
]
