from django.contrib.auth import views as auth_views
from django.urls import path

from doorstroom.accounts import views
from doorstroom.accounts.decorators import password_only

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("uitloggen/", password_only(views.LogoutView.as_view()), name="logout"),
    path("verifieren/", views.verify, name="verify"),
    path("tweestapsverificatie/", views.enrol, name="enrol"),
    path("", views.account, name="account"),
    path("reservecodes/", views.regenerate_backup_codes, name="backup_codes"),
    path("wachtwoord-wijzigen/", views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-herstellen/klaar/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
