from django.urls import path

from tuoyu.institutions import views

app_name = "institutions"
mount = "institutions/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [
    path("", views.institution_list, name="list"),
    path("pending/", views.pending, name="pending"),
    path("registrations/new/", views.registration_create, name="registration_create"),
    path("registrations/import/", views.registration_import, name="registration_import"),
    path("registrations/import/template.xlsx", views.registration_template, name="registration_template"),
    path(
        "registrations/import/report.xlsx",
        views.registration_import_report,
        name="registration_import_report",
    ),
    path("region-transfers/", views.region_transfers, name="region_transfers"),
    path(
        "region-transfers/<int:transfer_id>/approve/",
        views.region_transfer_approve,
        name="region_transfer_approve",
    ),
    path(
        "region-transfers/<int:transfer_id>/reject/",
        views.region_transfer_reject,
        name="region_transfer_reject",
    ),
    path("<int:institution_id>/", views.institution_detail, name="detail"),
    path("<int:institution_id>/reveal/<str:field>/", views.institution_reveal, name="reveal"),
    path("<int:institution_id>/invite/", views.institution_invite, name="invite"),
    # rooms and classes (园舍与班级)
    path("rooms/", views.room_list, name="rooms"),
    path("rooms/<int:room_id>/", views.room_edit, name="room_edit"),
    path("rooms/<int:room_id>/delete/", views.room_delete, name="room_delete"),
    path("classes/", views.class_list, name="classes"),
    path("classes/<int:class_id>/", views.class_edit, name="class_edit"),
    path("classes/<int:class_id>/close/", views.class_close, name="class_close"),
]

# The link an invited admin opens (sent by e-mail), outside the institutions/ pages.
root_urlpatterns = [path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept")]
