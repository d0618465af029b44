"""Accounts, enterprise registration and membership pages."""

from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", views.password_reset, name="password_reset"),
    path("accounts/password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("account/", views.dashboard, name="dashboard"),
    path("account/notices/", views.new_work_notices, name="new-work-notices"),
    path("enterprise/link/", views.enterprise_link, name="link"),
    path("enterprise/register/", views.enterprise_register, name="register"),
    path("enterprises/<int:pk>/", views.enterprise_profile, name="profile"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("memberships/<int:pk>/approve/", views.membership_approve, name="membership-approve"),
    path("memberships/<int:pk>/decline/", views.membership_decline, name="membership-decline"),
]
