from django.urls import path

from tuoyu.standards import views

app_name = "standards"
mount = "standards/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [
    path("", views.mine, name="mine"),
    path("risk/", views.risk, name="risk"),
    path("rules/", views.rules, name="rules"),
    path("institutions/<int:institution_id>/", views.institution, name="institution"),
]
