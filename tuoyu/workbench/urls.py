from django.urls import path

from tuoyu.workbench import views

mount = ""
urlpatterns = [path("", views.home, name="home")]
