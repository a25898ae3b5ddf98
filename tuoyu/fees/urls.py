from django.urls import path

from tuoyu.fees import views

app_name = "fees"
mount = "fees/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [path("", views.fee_schedule, name="schedule")]
