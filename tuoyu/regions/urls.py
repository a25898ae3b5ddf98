from django.urls import path

from tuoyu.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_tree, name="tree"),
    path("<str:code>/", views.region_detail, name="detail"),
]
