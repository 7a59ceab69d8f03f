from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenanciesConfig(AppConfig):
    name = "doorstroom.tenancies"
    label = "tenancies"
    verbose_name = _("Placements and tenancies")

    def ready(self) -> None:
        from doorstroom.audit.services import MASKED_BY_MODEL

        # Notes may say something about a person's care: their text stays out of the trail.
        MASKED_BY_MODEL.setdefault("tenancies.referralaction", set()).add("note")
        MASKED_BY_MODEL.setdefault("tenancies.flipstatement", set()).add("note")
        MASKED_BY_MODEL.setdefault("tenancies.aftercarecheckin", set()).add("note")
        MASKED_BY_MODEL.setdefault("tenancies.labeldecision", set()).add("reason")
