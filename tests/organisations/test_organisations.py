"""Organisations, memberships and roles: isolation between organisations, deny by default."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.organisations import services
from doorstroom.organisations.models import Membership, Organisation
from doorstroom.organisations.roles import ROLE_POLICY, OrganisationKind, Role
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_exists_in_at_least_one_kind_and_privacy_officer_in_all() -> None:
    assert set(ROLE_POLICY) == set(Role.values)
    assert ROLE_POLICY[Role.PRIVACY_OFFICER].kinds == frozenset(OrganisationKind)


def test_role_must_fit_the_kind_of_organisation(care_provider: Organisation) -> None:
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.grant_role(
            acting_user=None, user=user, organisation=care_provider, role=Role.LETTING_OFFICER
        )
    assert "role" in error.value.message_dict
    assert not Membership.objects.exists()


def test_granting_a_role_is_audited(corporation: Organisation) -> None:
    admin = UserFactory(is_superuser=True)
    user = UserFactory()
    membership = services.grant_role(
        acting_user=admin, user=user, organisation=corporation, role=Role.LETTING_OFFICER
    )
    event = AuditEvent.objects.get(
        object_type="organisations.membership", object_id=str(membership.pk)
    )
    assert event.action == AuditAction.CREATE
    assert event.actor == admin
    assert event.organisation == corporation


def test_the_database_refuses_an_unknown_role(corporation: Organisation) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), organisation=corporation, role="overlord")


def test_same_role_twice_is_refused(corporation: Organisation) -> None:
    user = UserFactory()
    services.grant_role(acting_user=None, user=user, organisation=corporation, role=Role.RESIDENT)
    with pytest.raises(ValidationError):
        services.grant_role(
            acting_user=None, user=user, organisation=corporation, role=Role.RESIDENT
        )


def test_visible_to_lists_only_own_organisations(member: Any) -> None:
    mine = member(Role.CASE_WORKER)
    member(Role.MIXED_LIVING_MANAGER)  # another organisation
    assert list(Organisation.objects.visible_to(mine.user)) == [mine.organisation]


def test_platform_admin_sees_all_organisations(member: Any) -> None:
    member(Role.CASE_WORKER)
    member(Role.POLICY_OFFICER)
    admin = UserFactory(is_superuser=True)
    assert Organisation.objects.visible_to(admin).count() == 2


def test_own_organisation_page_opens(member: Any, login: Any) -> None:
    mine = member(Role.CASE_WORKER)
    client = login(mine.user)
    response = client.get(reverse("organisations:detail", args=[mine.organisation.pk]))
    assert response.status_code == 200
    assert mine.user.email in response.content.decode()


def test_other_organisation_answers_404_like_a_missing_one(member: Any, login: Any) -> None:
    mine = member(Role.CASE_WORKER)
    theirs = member(Role.MIXED_LIVING_MANAGER)
    client = login(mine.user)
    other = client.get(reverse("organisations:detail", args=[theirs.organisation.pk]))
    missing = client.get(reverse("organisations:detail", args=[999_999]))
    assert other.status_code == missing.status_code == 404
    assert theirs.user.email not in other.content.decode()


def test_organisation_list_shows_only_own(member: Any, login: Any) -> None:
    mine = member(Role.CASE_WORKER)
    theirs = member(Role.MIXED_LIVING_MANAGER)
    content = login(mine.user).get(reverse("organisations:list")).content.decode()
    assert mine.organisation.name in content
    assert theirs.organisation.name not in content


def test_switching_membership_changes_the_home_page(member: Any, login: Any) -> None:
    first = member(Role.CASE_WORKER)
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION)
    second = services.grant_role(
        acting_user=None, user=first.user, organisation=corporation, role=Role.PRIVACY_OFFICER
    )
    client = login(first.user)
    client.post(reverse("organisations:switch"), {"membership": second.pk})
    response = client.get(reverse("home:start"))
    assert response.context["membership"] == second


def test_switching_to_someone_elses_membership_is_refused(member: Any, login: Any) -> None:
    mine = member(Role.CASE_WORKER)
    theirs = member(Role.MIXED_LIVING_MANAGER)
    client = login(mine.user)
    client.post(reverse("organisations:switch"), {"membership": theirs.pk})
    assert client.get(reverse("home:start")).context["membership"] == mine


def test_residents_do_not_see_the_staff_list(member: Any, login: Any) -> None:
    resident = member(Role.RESIDENT)
    colleague = member(Role.LETTING_OFFICER, organisation=resident.organisation)
    page = login(resident.user).get(
        reverse("organisations:detail", args=[resident.organisation.pk])
    )
    assert page.status_code == 200
    assert colleague.user.email not in page.content.decode()
