from django.urls import path

from tuoyu.calendars import views

app_name = "calendars"
mount = "calendar/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [
    path("", views.calendar_index, name="index"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/dates/", views.date_add, name="date_add"),
    path("<int:year>/dates/<int:date_id>/remove/", views.date_remove, name="date_remove"),
    path("<int:year>/import/", views.year_import, name="import"),
    path("<int:year>/publish/", views.year_publish, name="publish"),
]
