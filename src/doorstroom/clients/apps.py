from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "doorstroom.clients"
    label = "clients"
    verbose_name = _("Clients and care pathway")

    def ready(self) -> None:
        from doorstroom.audit.services import MASKED_BY_MODEL, SPECIAL_CATEGORY_FIELDS
        from doorstroom.clients.models import CLIENT_IDENTITY, SPECIAL_CATEGORY

        # Values of these fields never enter the audit trail, only that they changed.
        SPECIAL_CATEGORY_FIELDS.update(SPECIAL_CATEGORY)
        MASKED_BY_MODEL.setdefault("clients.client", set()).update(CLIENT_IDENTITY)
