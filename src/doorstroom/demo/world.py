"""A deterministic, Utrecht-like demo world: organisations, people in every role, logins.

Everything is derived from one seed, so the same seed always gives the same names, passwords,
authenticator keys and backup codes. Later capabilities extend the world with their own data.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from faker import Faker

from doorstroom.accounts import services as account_services
from doorstroom.accounts.models import User
from doorstroom.demo.care import build_care
from doorstroom.demo.community import build_community
from doorstroom.demo.lettings import build_lettings
from doorstroom.demo.pathway import build_pathway
from doorstroom.demo.portfolio import build_portfolio
from doorstroom.organisations import services as organisation_services
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import ROLE_POLICY, OrganisationKind, Role

BACKUP_CODES_PER_USER = 10
# Neutral words for memorable demo passwords (Faker's word list has some unfortunate ones).
PASSWORD_WORDS = [
    "tulp",
    "gracht",
    "fiets",
    "molen",
    "dijk",
    "polder",
    "brug",
    "toren",
    "haven",
    "regen",
    "boom",
    "tuin",
    "plein",
    "kade",
    "duin",
    "klok",
    "lamp",
    "boek",
    "vogel",
    "wolk",
    "zomer",
    "winter",
    "appel",
    "peer",
    "kers",
    "berg",
    "meer",
    "rivier",
    "brood",
    "thee",
    "koffie",
]


@dataclass
class DemoLogin:
    username: str
    password: str
    role: str
    role_label: str
    organisation: str
    name: str
    totp_secret: str
    backup_codes: list[str] = field(default_factory=list)


ORGANISATIONS = [
    ("corporation", "Woningcorporatie Domstad", OrganisationKind.CORPORATION, "30012345"),
    ("care_provider", "Tussenvoorziening Utrecht", OrganisationKind.CARE_PROVIDER, "41234567"),
    ("municipality", "Gemeente Utrecht", OrganisationKind.MUNICIPALITY, "30280353"),
    ("neighbourhood_team", "Buurtteam Overvecht", OrganisationKind.NEIGHBOURHOOD_TEAM, "64123456"),
]

# (username, organisation key, role): one demo login per role, plus a second case worker.
PEOPLE = [
    ("beheerder", "corporation", Role.MIXED_LIVING_MANAGER),
    ("verhuurder", "corporation", Role.LETTING_OFFICER),
    ("begeleider", "care_provider", Role.CASE_WORKER),
    ("begeleider2", "care_provider", Role.CASE_WORKER),
    ("teamleider", "care_provider", Role.TEAM_LEAD),
    ("beleid", "municipality", Role.POLICY_OFFICER),
    ("buurtteam", "neighbourhood_team", Role.NEIGHBOURHOOD_TEAM_MEMBER),
    ("bewoner", "corporation", Role.RESIDENT),
    ("bestuurslid", "corporation", Role.RESIDENT),
    ("privacy", "corporation", Role.PRIVACY_OFFICER),
    ("privacy-zorg", "care_provider", Role.PRIVACY_OFFICER),
]


#: Demo logins whose job is more than their role: the resident who chairs the community board.
LABELS = {"bestuurslid": "Bewoner, voorzitter van het bestuur"}


def _totp_key(seed: int, username: str) -> bytes:
    return hashlib.sha256(f"doorstroom-demo-{seed}-{username}".encode()).digest()[:20]


@transaction.atomic
def build_world(seed: int, today: dt.date | None = None) -> list[DemoLogin]:
    """Create the demo world in an empty database; returns one login per demo user."""
    if Organisation.objects.exists() or User.objects.exists():
        raise ValueError(
            "De database bevat al gegevens. Demo-gegevens worden alleen in een lege database "
            "geladen (make demo begint met een nieuwe database)."
        )
    rng = random.Random(seed)
    fake = Faker("nl_NL")
    fake.seed_instance(seed)

    organisations: dict[str, Organisation] = {
        key: organisation_services.create_organisation(
            acting_user=None, name=name, kind=kind, kvk_number=kvk, municipality_name="Utrecht"
        )
        for key, name, kind, kvk in ORGANISATIONS
    }

    logins: list[DemoLogin] = []

    def add_person(username: str, organisation: Organisation | None, role: str | None) -> User:
        first, last = fake.first_name(), fake.last_name()
        password = "-".join([*rng.sample(PASSWORD_WORDS, 3), str(rng.randint(10, 99))])
        domain = "demo.doorstroom.nl"
        user = account_services.create_user(
            acting_user=None,
            username=username,
            password=password,
            first_name=first,
            last_name=last,
            email=f"{username}@{domain}",
            is_superuser=role is None,
        )
        if organisation is not None and role is not None:
            organisation_services.grant_role(
                acting_user=None, user=user, organisation=organisation, role=role
            )
        key = _totp_key(seed, username)
        codes = [
            "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(8))
            for _ in range(BACKUP_CODES_PER_USER)
        ]
        if role is not None and not ROLE_POLICY[role].requires_two_factor:
            # Residents log in with their password only (a second factor is their choice).
            key, codes = b"", []
        else:
            account_services.enrol_totp_with_key(user=user, key_hex=key.hex())
            device = StaticDevice.objects.create(
                user=user, name=account_services.BACKUP_DEVICE_NAME, confirmed=True
            )
            StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
        logins.append(
            DemoLogin(
                username=username,
                password=password,
                role=role or "platform_admin",
                role_label=LABELS.get(username)
                or (str(Role(role).label) if role else str(_("Platform administrator"))),
                organisation=organisation.name if organisation else "",
                name=f"{first} {last}",
                totp_secret=base64.b32encode(key).decode() if key else "",
                backup_codes=codes,
            )
        )
        return user

    for username, org_key, role in PEOPLE:
        add_person(username, organisations[org_key], role)
    add_person("platformbeheer", None, None)
    day = today or dt.date.today()
    build_portfolio(
        corporation=organisations["corporation"],
        care_provider=organisations["care_provider"],
        municipality=organisations["municipality"],
        seed=seed,
        today=day,
    )
    people = {user.username: user for user in User.objects.all()}
    build_care(
        care_provider=organisations["care_provider"],
        corporation=organisations["corporation"],
        workers=[people["begeleider"], people["begeleider2"]],
        team_lead=people["teamleider"],
        manager=people["beheerder"],
        seed=seed,
        today=day,
    )
    build_pathway(
        corporation=organisations["corporation"],
        care_provider=organisations["care_provider"],
        team=organisations["neighbourhood_team"],
        manager=people["beheerder"],
        team_lead=people["teamleider"],
        case_worker=people["begeleider"],
        today=day,
    )
    build_lettings(
        corporation=organisations["corporation"],
        manager=people["beheerder"],
        officer=people["verhuurder"],
        case_worker=people["begeleider"],
        seed=seed,
        today=day,
    )
    build_community(
        corporation=organisations["corporation"],
        manager=people["beheerder"],
        resident_user=people["bewoner"],
        board_user=people["bestuurslid"],
        seed=seed,
        today=day,
    )
    return logins


def logins_as_json(logins: list[DemoLogin]) -> list[dict[str, Any]]:
    return [asdict(login) for login in logins]
