from django.urls import path

from tuoyu.fees import views

app_name = "fees"
urlpatterns = [path("", views.fee_schedule, name="schedule")]
