from django.urls import path

from tuoyu.notifications import views

app_name = "notifications"
mount = "notifications/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
    path("read-all/", views.read_all, name="read_all"),
]
