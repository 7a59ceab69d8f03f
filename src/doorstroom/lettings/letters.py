"""The allocation letter (toewijzingsbrief): a Dutch letter from the corporation, as PDF.

It names the dwelling, the rent, the start date and the community agreements of the complex, and
for a regular tenant their own contribution pledge. The affordability result is internal and is
never printed. A care-stream letter goes to the care provider and holds no client care data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from doorstroom.lettings.models import Allocation
from doorstroom.lettings.vacancies import policy_for

TEMPLATE = "lettings/letters/allocation.html"
LETTER_FILENAME_PREFIX = "toewijzingsbrief"


def allocations() -> QuerySet[Allocation]:
    """Allocations with everything the letter and the allocation page show, in one query."""
    return Allocation.objects.select_related(
        "vacancy__dwelling__complex",
        "vacancy__dwelling__corporation",
        "offer__application",
        "offer__nomination__client",
        "offer__nomination__care_provider",
        "offer__nomination__nominated_by",
        "offer__nomination__agreement",
        "offer__offered_by",
        "limits",
        "allocated_by",
    )


def letter_context(allocation: Allocation) -> dict[str, Any]:
    offer = allocation.offer
    dwelling = allocation.vacancy.dwelling
    policy = policy_for(dwelling.complex)
    agreements = [line.strip() for line in policy.community_agreements.splitlines() if line.strip()]
    contact = offer.offered_by
    return {
        "allocation": allocation,
        "offer": offer,
        "dwelling": dwelling,
        "complex": dwelling.complex,
        "corporation": dwelling.corporation,
        "application": offer.application,
        "nomination": offer.nomination,
        "net_rent": dwelling.net_rent,
        "service_costs": dwelling.service_costs,
        "total_rent": dwelling.net_rent + dwelling.service_costs,
        "agreements": agreements,
        "expectations": policy.expectations,
        "pledge_kinds": offer.application.pledge_kind_labels() if offer.application else [],
        "contact_name": (contact.get_full_name() or contact.get_username()) if contact else "",
        "contact_email": contact.email if contact else "",
        "letter_date": timezone.localtime(allocation.allocated_at).date(),
    }


def allocation_letter_html(allocation: Allocation) -> str:
    """The letter as HTML, always in Dutch (the language of the corporation's letters)."""
    with translation.override("nl"):
        return render_to_string(TEMPLATE, letter_context(allocation))


def allocation_letter_pdf(allocation: Allocation) -> bytes:
    from weasyprint import HTML  # imported here: loading WeasyPrint takes a moment

    pdf = HTML(string=allocation_letter_html(allocation)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
