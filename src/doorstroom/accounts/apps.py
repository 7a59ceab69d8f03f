from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "doorstroom.accounts"
    label = "accounts"
    verbose_name = _("Accounts and login")

    def ready(self) -> None:
        from doorstroom.accounts import signals  # noqa: F401
