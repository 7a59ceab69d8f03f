from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "doorstroom.community"
    label = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from doorstroom.audit.services import MASKED_BY_MODEL
        from doorstroom.community import receivers  # noqa: F401  (portfolio signals)

        # A resident's own account of what they did, and the invitation address, stay out of the
        # trail; the trail says that they changed.
        MASKED_BY_MODEL.setdefault("community.contributionlog", set()).add("note")
        MASKED_BY_MODEL.setdefault("community.invitation", set()).add("email")
