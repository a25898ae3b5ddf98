from django.urls import path

from tuoyu.regions import views

app_name = "regions"
mount = "regions/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [
    path("", views.region_tree, name="tree"),
    path("<str:code>/", views.region_detail, name="detail"),
]
