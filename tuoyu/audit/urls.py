from django.urls import path

from tuoyu.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.events_export, name="export"),
]
