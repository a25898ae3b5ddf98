from django.contrib.auth import views as auth_views
from django.urls import path

from tuoyu.accounts import views

app_name = "accounts"
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
