"""The one list of scheduled jobs that `doorstroom run-scheduled` hands to the worker."""

from __future__ import annotations

from typing import Any


def scheduled_jobs() -> list[tuple[str, Any]]:
    from doorstroom.community import tasks as community_tasks
    from doorstroom.lettings import tasks as lettings
    from doorstroom.outcomes import tasks as outcomes
    from doorstroom.tenancies import tasks as tenancies

    return [
        ("lettings.erase_applications", lettings.erase_applications),
        ("lettings.expire_offers", lettings.expire_offers),
        ("tenancies.attention_reminders", tenancies.attention_reminders),
        ("tenancies.schedule_check_ins", tenancies.schedule_check_ins),
        ("tenancies.end_labels", tenancies.end_labels),
        ("community.plan_meetings", community_tasks.plan_meetings),
        ("community.end_residencies", community_tasks.end_residencies),
        ("community.forget_former_residents", community_tasks.forget_former_residents),
        ("outcomes.erase_visit_requests", outcomes.erase_visit_requests),
    ]
