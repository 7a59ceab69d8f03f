from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettingsConfig(AppConfig):
    name = "doorstroom.lettings"
    label = "lettings"
    verbose_name = _("Lettings and nominations")

    def ready(self) -> None:
        from doorstroom.audit.services import MASKED_BY_MODEL
        from doorstroom.lettings import vacancies
        from doorstroom.lettings.models import APPLICANT_FIELDS

        # Applicants' data never enters the audit trail, only that it changed: the trail is
        # append-only and applications are erased after the retention period.
        MASKED_BY_MODEL.setdefault("lettings.application", set()).update(APPLICANT_FIELDS)
        MASKED_BY_MODEL.setdefault("lettings.motivationreview", set()).add("note")
        MASKED_BY_MODEL.setdefault("lettings.interviewslot", set()).add("notes")
        MASKED_BY_MODEL.setdefault("lettings.offer", set()).add("response_note")
        from doorstroom.portfolio.signals import dwelling_released, dwelling_taken

        dwelling_released.connect(vacancies.on_dwelling_released, dispatch_uid="lettings-released")
        dwelling_taken.connect(vacancies.on_dwelling_taken, dispatch_uid="lettings-taken")
