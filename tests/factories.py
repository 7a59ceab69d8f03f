"""factory_boy factories shared by the test suite."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorstroom.accounts.models import User
from doorstroom.lettings.models import Application, ApplicationStatus, Vacancy, link_token
from doorstroom.organisations.models import Membership, Organisation
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.portfolio.mix import Stream
from doorstroom.portfolio.models import CareLeaseAgreement, Complex, Dwelling

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nl")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = OrganisationKind.CORPORATION
    municipality_name = "Utrecht"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MIXED_LIVING_MANAGER


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator-app"
    confirmed = True


class ComplexFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complex

    corporation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CORPORATION)
    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"Complex {n}")
    street = "Teststraat 1-90"
    postcode = "3511 AB"
    city = "Utrecht"
    municipality_name = "Utrecht"
    year_built = 1970
    floors = 5
    typology = "GAL"
    staff_present_daily = True
    neighbourhood_assessment = "good"


class DwellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dwelling

    complex = factory.SubFactory(ComplexFactory)
    corporation = factory.LazyAttribute(lambda d: d.complex.corporation)
    vhe_code = factory.Sequence(lambda n: f"VHE{n:05d}")
    street = "Teststraat"
    house_number = factory.Sequence(lambda n: n + 1)
    postcode = "3511 AB"
    city = "Utrecht"
    dwelling_type = "GAL"
    rooms = 2
    floor_area = Decimal("55.0")
    net_rent = Decimal("650.00")
    service_costs = Decimal("40.00")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareLeaseAgreement

    complex = factory.SubFactory(ComplexFactory)
    corporation = factory.LazyAttribute(lambda a: a.complex.corporation)
    care_provider = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CARE_PROVIDER)
    dwellings_promised = 3
    start_date = datetime.date(2024, 1, 1)


class VacancyFactory(factory.django.DjangoModelFactory):
    """An open regular-stream vacancy whose advert runs until a week from today."""

    class Meta:
        model = Vacancy

    dwelling = factory.SubFactory(DwellingFactory)
    cause = "tenancy_ended"
    available_from = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(30))
    stream = Stream.REGULAR
    proposed_stream = Stream.REGULAR
    proposal_reason = "The vulnerable share is at the target."
    advert_published_at = factory.LazyFunction(
        lambda: datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=1)
    )
    advert_deadline = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(7))


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A verified application; ``token_of(application)`` is the secret of its personal link."""

    class Meta:
        model = Application

    vacancy = factory.SubFactory(VacancyFactory)
    email = factory.Sequence(lambda n: f"woningzoeker{n}@example.nl")
    verified_at = factory.LazyFunction(lambda: datetime.datetime.now(tz=datetime.UTC))
    # Names without apostrophes, so tests can look for them in HTML without escaping.
    full_name = factory.Sequence(lambda n: f"Sam de Vries {n:05d}")
    adults = 1
    children = 0
    gross_income = Decimal("28000.00")
    registration_date = datetime.date(2019, 5, 1)
    motivation_why = "Ik wil graag in een complex wonen waar buren naar elkaar omkijken. " * 3
    motivation_bring = "Ik kan goed koken en organiseer graag een maandelijkse buurtmaaltijd. " * 3
    motivation_experience = "Ik ben vrijwilliger bij de voedselbank en in het buurthuis. " * 3
    pledge_kinds = factory.LazyFunction(lambda: ["cooking", "social"])
    pledge_text = "Een maandelijkse maaltijd in de gemeenschappelijke ruimte."
    pledge_hours = 4
    status = ApplicationStatus.SUBMITTED


def token_of(application: Any) -> str:
    """The token of an application's personal link."""
    return link_token(application)


# Community ----------------------------------------------------------------------------------


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "community.Community"

    complex = factory.SubFactory(ComplexFactory)


class ResidentFactory(factory.django.DjangoModelFactory):
    """A current resident with a resident membership of the complex's corporation."""

    class Meta:
        model = "community.Resident"
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Buur {n:04d}")
    joined_on = datetime.date(2024, 1, 1)

    @factory.post_generation
    def membership(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            MembershipFactory(
                user=self.user,
                organisation=self.community.complex.corporation,
                role=Role.RESIDENT,
            )


class BoardTermFactory(factory.django.DjangoModelFactory):
    """A term running from a year ago until a year from today."""

    class Meta:
        model = "community.BoardTerm"

    resident = factory.SubFactory(ResidentFactory)
    community = factory.LazyAttribute(lambda t: t.resident.community)
    position = "member"
    start_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(365))
    end_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(365))


class ActivityRequestFactory(factory.django.DjangoModelFactory):
    """A submitted request for an activity a month from today, with one budget line of € 50."""

    class Meta:
        model = "community.ActivityRequest"
        skip_postgeneration_save = True

    requested_by = factory.SubFactory(ResidentFactory)
    community = factory.LazyAttribute(lambda r: r.requested_by.community)
    title = factory.Sequence(lambda n: f"Buurtactiviteit {n}")
    description = "Samen koken en eten in de gemeenschappelijke ruimte."
    place = "Gemeenschappelijke ruimte"
    starts_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(30))
    start_time = datetime.time(17, 30)
    expected_participants = 15

    @factory.post_generation
    def lines(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            from doorstroom.community.models import BudgetLine

            for item, amount in extracted if extracted is not None else [("Boodschappen", "50.00")]:
                BudgetLine.objects.create(request=self, item=item, amount=Decimal(amount))


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned meeting a week from now."""

    class Meta:
        model = "community.Meeting"

    community = factory.SubFactory(CommunityFactory)
    starts_at = factory.LazyFunction(
        lambda: (
            datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0, second=0)
            + datetime.timedelta(days=7)
        )
    )
    place = "Gemeenschappelijke ruimte"


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "community.Budget"

    community = factory.SubFactory(CommunityFactory)
    year = factory.LazyFunction(lambda: datetime.date.today().year)
    amount = Decimal("2000.00")
