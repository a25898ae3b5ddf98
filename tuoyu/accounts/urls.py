from django.contrib.auth import views as auth_views
from django.urls import include, path

from tuoyu.accounts import views

app_name = "accounts"
mount = "accounts/"  # where tuoyu/urls.py includes these (core.registry.url_modules)
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("profile/", views.profile, name="profile"),
    path("profile/phone/", views.phone_reveal, name="phone_reveal"),
    path("profile/id-number/", views.id_number_reveal, name="id_number_reveal"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]

# Account management (the system admin) has its own namespace, under /users/.
root_urlpatterns = [path("users/", include("tuoyu.accounts.user_urls"))]
