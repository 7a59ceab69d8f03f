from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenanciesConfig(AppConfig):
    name = "doorstroom.tenancies"
    label = "tenancies"
    verbose_name = _("Placements and tenancies")
