from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettingsConfig(AppConfig):
    name = "doorstroom.lettings"
    label = "lettings"
    verbose_name = _("Lettings and nominations")
