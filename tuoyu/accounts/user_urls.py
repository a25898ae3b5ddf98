from django.urls import path

from tuoyu.accounts import user_admin

app_name = "users"
urlpatterns = [
    path("", user_admin.user_list, name="list"),
    path("new/", user_admin.user_create, name="create"),
    path("<int:user_id>/", user_admin.user_detail, name="detail"),
    path("<int:user_id>/active/", user_admin.user_set_active, name="set_active"),
    path(
        "<int:user_id>/memberships/<int:membership_id>/revoke/",
        user_admin.membership_revoke,
        name="membership_revoke",
    ),
]
