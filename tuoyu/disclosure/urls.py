from django.urls import path

from tuoyu.disclosure import views

app_name = "disclosure"
mount = "public/"  # where tuoyu/urls.py includes these (core.registry.url_modules)

urlpatterns = [
    path("institutions/", views.institution_list, name="list"),
    path("institutions.csv", views.institutions_csv, name="csv"),
    path("institutions.json", views.institutions_json, name="json"),
    path("institutions/<int:institution_id>/", views.institution_detail, name="detail"),
    path("institutions/<int:institution_id>/qr.png", views.institution_qr, name="qr"),
]
