"""The Zelfredzaamheid-Matrix (ZRM) as data: domains per version and the 5-level scale.

Domain names and levels only; the cell criteria belong to the instrument's owner (see
zelfredzaamheidmatrix.nl). Every assessment stores the version it was scored with.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CURRENT_VERSION = "2017"
MANUAL_URL = "https://zelfredzaamheidmatrix.nl"


@dataclass(frozen=True)
class Domain:
    code: str
    label: str | Promise


SCALE: dict[int, str | Promise] = {
    1: _("1 · acute problems"),
    2: _("2 · not self-sufficient"),
    3: _("3 · limited self-sufficiency"),
    4: _("4 · sufficiently self-sufficient"),
    5: _("5 · fully self-sufficient"),
}

VERSIONS: dict[str, list[Domain]] = {
    "2017": [
        Domain("financien", _("Finances")),
        Domain("werk_opleiding", _("Work and education")),
        Domain("tijdsbesteding", _("Use of time")),
        Domain("huisvesting", _("Housing")),
        Domain("huiselijke_relaties", _("Domestic relations")),
        Domain("geestelijke_gezondheid", _("Mental health")),
        Domain("lichamelijke_gezondheid", _("Physical health")),
        Domain("middelengebruik", _("Substance use")),
        Domain("basale_adl", _("Basic activities of daily living")),
        Domain("instrumentele_adl", _("Instrumental activities of daily living")),
        Domain("sociaal_netwerk", _("Social network")),
        Domain("maatschappelijke_participatie", _("Participation in society")),
        Domain("justitie", _("Justice")),
    ],
    "2013": [
        Domain("financien", _("Finances")),
        Domain("dagbesteding", _("Daytime activities")),
        Domain("huisvesting", _("Housing")),
        Domain("huiselijke_relaties", _("Domestic relations")),
        Domain("geestelijke_gezondheid", _("Mental health")),
        Domain("lichamelijke_gezondheid", _("Physical health")),
        Domain("verslaving", _("Addiction")),
        Domain("adl_vaardigheden", _("Activities of daily living")),
        Domain("sociaal_netwerk", _("Social network")),
        Domain("maatschappelijke_participatie", _("Participation in society")),
        Domain("justitie", _("Justice")),
    ],
}

#: The substance-use domain in each version ("an addiction is resolved first").
ADDICTION_DOMAIN = {"2017": "middelengebruik", "2013": "verslaving"}
FINANCES_DOMAIN = "financien"


def domains(version: str = CURRENT_VERSION) -> list[Domain]:
    return VERSIONS[version]


def domain_label(code: str, version: str = CURRENT_VERSION) -> str:
    for domain in VERSIONS.get(version, []):
        if domain.code == code:
            return str(domain.label)
    return code
