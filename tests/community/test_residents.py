"""Residents: invitations (sent, refused, withdrawn), accepting one (a new account that logs in, or
an existing account), the profile, who sees which names, move-outs, and leaving when the tenancy
or care lease of the dwelling ends."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from email.header import decode_header, make_header
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from doorstroom.accounts.models import User
from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.community import residents as services
from doorstroom.community.models import (
    BoardTerm,
    Invitation,
    Resident,
    ResidentVisibility,
)
from doorstroom.organisations.models import Membership
from doorstroom.organisations.roles import Role
from doorstroom.portfolio import services as portfolio
from doorstroom.portfolio.models import CareLease, LeaseEndReason
from tests.factories import (
    AgreementFactory,
    BoardTermFactory,
    CommunityFactory,
    ComplexFactory,
    DwellingFactory,
    ResidentFactory,
    UserFactory,
)
from tests.queries import count_queries
from tests.smtp import Mailbox, text_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zonnebloem-Galerij-2031"
TODAY = dt.date.today


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name: str, community: Any, *args: Any) -> str:
    return reverse(f"community:{name}", args=[community.pk, *args])


def invite(
    manager: Any, community: Any, email: str = "nieuw@example.nl", **kwargs: Any
) -> Invitation:
    return services.invite_resident(acting_user=manager, community=community, email=email, **kwargs)


def accept_url(invitation: Invitation) -> str:
    return reverse("community:accept", args=[services.invitation_token(invitation)])


def accept_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "display_name": "Noor",
        "visibility": ResidentVisibility.COMMUNITY,
        "about": "Ik tuinier graag.",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "agree": "on",
    }
    data.update(overrides)
    return data


def resident_membership(user: Any, corporation: Any) -> bool:
    return Membership.objects.filter(
        user=user, organisation=corporation, role=Role.RESIDENT
    ).exists()


# --- inviting -------------------------------------------------------------------------------------


def test_the_manager_invites_and_the_mail_goes_through_smtp_with_a_working_link(
    community: Any,
    manager: Any,
    as_user: Callable[[Any], Client],
    smtp_server: Mailbox,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SITE_URL = "https://doorstroom.example.nl"
    dwelling = DwellingFactory(complex=community.complex, street="Galerijstraat", house_number=7)
    client = as_user(manager)

    page = client.get(url("invite", community))
    assert page.status_code == 200
    assert "Galerijstraat 7" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("invite", community), {"email": " Nieuw@Example.NL ", "dwelling": dwelling.pk}
        )

    assert response.status_code == 302
    assert response["Location"] == url("residents", community)
    invitation = Invitation.objects.get()
    assert invitation.email == "nieuw@example.nl"
    assert invitation.dwelling == dwelling
    assert invitation.invited_by == manager
    assert invitation.expires_on == timezone.localdate() + dt.timedelta(days=30)
    assert AuditEvent.objects.filter(
        object_type="community.invitation", object_id=str(invitation.pk), action=AuditAction.CREATE
    ).exists()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "nieuw@example.nl"
    assert "De Galerij" in str(make_header(decode_header(message["Subject"])))
    body = text_of(message)
    found = re.search(r"https://doorstroom\.example\.nl(/community/uitnodiging/[^/\s]+/)", body)
    assert found, body
    # The address of the dwelling is for the manager only: not in the mail.
    assert "Galerijstraat" not in body
    # Nothing secret is stored: the link is the signed number of the invitation.
    token = found.group(1).split("/")[-2]
    assert services.invitation_from_token(token) == invitation

    opened = Client().get(found.group(1))
    assert opened.status_code == 200
    assert 'name="password"' in opened.content.decode()


def test_the_invitation_mail_names_the_complex_and_carries_the_link(
    community: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(manager, community)
    [message] = mail.outbox
    assert message.to == ["nieuw@example.nl"]
    assert "De Galerij" in message.subject
    found = re.search(
        re.escape(settings.SITE_URL) + r"/community/uitnodiging/([^/\s]+)/", message.body
    )
    assert found, message.body
    assert services.invitation_from_token(found.group(1)) == Invitation.objects.get()


def test_an_address_of_a_current_resident_is_refused(
    community: Any, manager: Any, resident: Any, outsiders: dict[str, Any]
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        invite(manager, community, email="ANNA@example.nl")
    assert refused.value.message_dict == {
        "email": ["This address already belongs to a resident of a community."]
    }
    # Also a resident of another community.
    with pytest.raises(ValidationError):
        invite(manager, community, email=outsiders["other_resident"].email)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_former_resident_can_be_invited_again(community: Any, manager: Any) -> None:
    ResidentFactory(
        community=community,
        user__email="terug@example.nl",
        joined_on=dt.date(2020, 1, 1),
        left_on=dt.date(2022, 1, 1),
    )
    assert invite(manager, community, email="terug@example.nl").pk


def test_a_second_open_invitation_is_refused_with_a_clear_message(
    community: Any, manager: Any, as_user: Callable[[Any], Client]
) -> None:
    invite(manager, community)
    client = english(as_user(manager))

    response = client.post(url("invite", community), {"email": "NIEUW@example.nl"})

    assert response.status_code == 200
    assert "This address already has an open invitation" in response.content.decode()
    assert "Withdraw it first to send a new one." in response.content.decode()
    assert Invitation.objects.count() == 1


def test_an_expired_invitation_is_withdrawn_when_a_new_one_is_sent(
    community: Any, manager: Any
) -> None:
    old = invite(manager, community)
    Invitation.objects.filter(pk=old.pk).update(expires_on=TODAY() - dt.timedelta(days=1))

    new = invite(manager, community)

    old.refresh_from_db()
    assert old.revoked_at is not None
    assert new.pk != old.pk and new.revoked_at is None


def test_a_dwelling_of_another_complex_or_a_bad_address_is_refused(
    community: Any, manager: Any, as_user: Callable[[Any], Client]
) -> None:
    elsewhere = DwellingFactory()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        invite(manager, community, dwelling=elsewhere)
    assert refused.value.message_dict == {"dwelling": ["Choose a dwelling of this complex."]}
    with pytest.raises(ValidationError) as refused:
        invite(manager, community, email="geen-adres")
    assert "email" in refused.value.message_dict

    client = english(as_user(manager))
    response = client.post(
        url("invite", community), {"email": "geen-adres", "dwelling": elsewhere.pk}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Fill in an e-mail address, for example naam@voorbeeld.nl." in content
    assert "Choose a dwelling of this complex." in content
    assert not Invitation.objects.exists()


def test_only_the_manager_may_invite(
    community: Any,
    resident: Any,
    board: dict[str, Any],
    outsiders: dict[str, Any],
    as_user: Callable[[Any], Client],
) -> None:
    for person in [resident, board["chair"], *outsiders.values()]:
        client = as_user(person)
        assert client.get(url("invite", community)).status_code == 404
        assert client.post(url("invite", community), {"email": "x@example.nl"}).status_code == 404
    with pytest.raises(PermissionDenied):
        invite(board["chair"].user, community)
    assert not Invitation.objects.exists()


def test_the_manager_sees_open_invitations_and_withdraws_one(
    community: Any, manager: Any, as_user: Callable[[Any], Client]
) -> None:
    invitation = invite(manager, community, email="open@example.nl")
    client = as_user(manager)
    page = client.get(url("residents", community)).content.decode()
    revoke = url("revoke_invitation", community, invitation.pk)
    assert "open@example.nl" in page and revoke in page

    assert client.get(revoke).status_code == 405
    response = client.post(revoke)

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert revoke not in client.get(url("residents", community)).content.decode()
    # The link no longer works.
    assert Client().get(accept_url(invitation)).status_code == 410
    # Withdrawing twice is refused with a message, not a crash.
    again = english(client).post(revoke, follow=True)
    assert "This invitation has already been withdrawn." in again.content.decode()


def test_an_accepted_invitation_cannot_be_withdrawn(community: Any, manager: Any) -> None:
    invitation = invite(manager, community)
    services.accept_invitation(
        invitation=invitation, display_name="Noor", visibility="community", password=NEW_PASSWORD
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.revoke_invitation(acting_user=manager, invitation=invitation)
    assert refused.value.messages == ["This invitation has already been accepted."]


def test_withdrawing_is_for_the_manager_of_this_community_only(
    community: Any,
    manager: Any,
    resident: Any,
    outsiders: dict[str, Any],
    as_user: Callable[[Any], Client],
) -> None:
    invitation = invite(manager, community)
    for person in [resident, *outsiders.values()]:
        response = as_user(person).post(url("revoke_invitation", community, invitation.pk))
        assert response.status_code == 404
    other = CommunityFactory(complex=ComplexFactory(corporation=community.complex.corporation))
    elsewhere = invite(manager, other)
    # An invitation of another community through this community's address: 404.
    response = as_user(manager).post(url("revoke_invitation", community, elsewhere.pk))
    assert response.status_code == 404
    invitation.refresh_from_db()
    elsewhere.refresh_from_db()
    assert invitation.revoked_at is None and elsewhere.revoked_at is None


# --- accepting ------------------------------------------------------------------------------------


def test_accepting_creates_an_account_that_can_log_in(
    community: Any, manager: Any, corporation: Any
) -> None:
    dwelling = DwellingFactory(complex=community.complex)
    invitation = invite(manager, community, email="Noor@Example.nl", dwelling=dwelling)
    client = Client()

    page = client.get(accept_url(invitation))
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    response = client.post(accept_url(invitation), accept_data())

    assert response.status_code == 302
    assert response["Location"] == url("overview", community)
    user = User.objects.get(username="noor@example.nl")
    assert user.email == "noor@example.nl"
    assert user.check_password(NEW_PASSWORD)
    assert resident_membership(user, corporation)
    resident = Resident.objects.get(user=user)
    assert resident.community == community
    assert resident.dwelling == dwelling
    assert resident.display_name == "Noor"
    assert resident.about == "Ik tuinier graag."
    assert resident.joined_on == timezone.localdate()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.resident == resident
    assert AuditEvent.objects.filter(
        object_type="community.resident", object_id=str(resident.pk), action=AuditAction.CREATE
    ).exists()
    # Logged in at once, without a second factor, and welcomed.
    welcome = client.get(response["Location"])
    assert welcome.status_code == 200
    assert "Noor" in welcome.content.decode()

    # The password works through the login form.
    fresh = Client()
    login = fresh.post(
        reverse("accounts:login"), {"username": "noor@example.nl", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    assert fresh.get(url("overview", community)).status_code == 200


def test_accepting_twice_fails_cleanly(community: Any, manager: Any) -> None:
    invitation = invite(manager, community)
    first = Client()
    first.post(accept_url(invitation), accept_data())

    second = Client()
    assert second.get(accept_url(invitation)).status_code == 410
    response = second.post(accept_url(invitation), accept_data(display_name="Noor 2"))

    assert response.status_code == 410
    assert User.objects.filter(username="nieuw@example.nl").count() == 1
    assert Resident.objects.filter(user__username="nieuw@example.nl").count() == 1
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.accept_invitation(
            invitation=invitation,
            display_name="Nog een",
            visibility="community",
            password=NEW_PASSWORD,
        )
    assert refused.value.code == services.INVALID_INVITATION


def test_the_form_is_sent_while_the_invitation_is_withdrawn(community: Any, manager: Any) -> None:
    invitation = invite(manager, community)
    client = english(Client())
    assert client.get(accept_url(invitation)).status_code == 200
    services.revoke_invitation(acting_user=manager, invitation=invitation)

    response = client.post(accept_url(invitation), accept_data())

    assert response.status_code == 410
    assert "This invitation is no longer valid" in response.content.decode()
    assert not User.objects.filter(username="nieuw@example.nl").exists()


@pytest.mark.parametrize("problem", ["expired", "revoked", "accepted", "forged", "mangled", "gone"])
def test_an_invitation_that_no_longer_works_gets_a_clear_page(
    community: Any, manager: Any, problem: str
) -> None:
    invitation = invite(manager, community)
    token = services.invitation_token(invitation)
    if problem == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_on=TODAY() - dt.timedelta(1))
    elif problem == "revoked":
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    elif problem == "accepted":
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    elif problem == "forged":
        token = signing.dumps(invitation.pk, salt="something else")
    elif problem == "mangled":
        token = token[:-3] + "abc"
    elif problem == "gone":
        token = signing.dumps(invitation.pk + 1000, salt=services.INVITATION_SALT)

    response = english(Client()).get(reverse("community:accept", args=[token]))

    assert response.status_code == 410
    content = response.content.decode()
    assert "This invitation is no longer valid" in content
    assert "Ask the manager of your complex for a new one." in content
    assert 'name="password"' not in content


def test_a_display_name_in_use_is_a_field_error(
    community: Any, manager: Any, resident: Any
) -> None:
    invitation = invite(manager, community)
    response = english(Client()).post(accept_url(invitation), accept_data(display_name=" anna "))

    assert response.status_code == 200
    assert (
        "Another resident already uses this display name. Choose another."
        in response.content.decode()
    )
    assert not User.objects.filter(username="nieuw@example.nl").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_display_name_of_a_former_resident_may_be_used(community: Any, manager: Any) -> None:
    ResidentFactory(
        community=community,
        display_name="Noor",
        joined_on=dt.date(2020, 1, 1),
        left_on=dt.date(2021, 1, 1),
    )
    resident = services.accept_invitation(
        invitation=invite(manager, community),
        display_name="Noor",
        visibility="community",
        password=NEW_PASSWORD,
    )
    assert resident.display_name == "Noor"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password_again": "iets-anders-2031!"}, "The two passwords are not the same."),
        ({"password": "kort", "password_again": "kort"}, "at least 12 characters"),
        ({"password": "password1234", "password_again": "password1234"}, "too common"),
        ({"agree": ""}, "To join, agree to the house rules and the privacy statement."),
        ({"display_name": "   "}, "Choose a display name."),
        ({"visibility": "everyone"}, "Select a valid choice"),
    ],
)
def test_bad_input_when_accepting_is_answered_on_the_field(
    community: Any, manager: Any, overrides: dict[str, str], message: str
) -> None:
    invitation = invite(manager, community)
    response = english(Client()).post(accept_url(invitation), accept_data(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="nieuw@example.nl").exists()
    assert not Resident.objects.filter(display_name="Noor").exists()


def test_the_accept_page_explains_what_others_see(community: Any, manager: Any) -> None:
    content = english(Client()).get(accept_url(invite(manager, community))).content.decode()
    assert "Never your address, and never how you came to live here." in content
    assert "I agree to the house rules and the privacy statement of the community." in content
    assert "community pages of De Galerij" in content


def test_someone_with_an_account_logs_in_first_and_then_accepts_without_a_password(
    community: Any, manager: Any, corporation: Any, as_user: Callable[[Any], Client]
) -> None:
    existing = UserFactory(username="sam", email="Sam@Example.nl")
    invitation = invite(manager, community, email="sam@example.nl")
    target = accept_url(invitation)

    anonymous = english(Client()).get(target)
    content = anonymous.content.decode()
    assert anonymous.status_code == 200
    assert 'name="password"' not in content
    assert "There is already an account with the e-mail address sam@example.nl." in content
    login_link = escape(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
    assert login_link in content

    client = as_user(existing)
    page = client.get(target).content.decode()
    assert 'name="display_name"' in page and 'name="password"' not in page
    response = client.post(target, accept_data(password="", password_again=""))

    assert response.status_code == 302
    assert User.objects.filter(email__iexact="sam@example.nl").count() == 1
    resident = Resident.objects.get(user=existing)
    assert resident.community == community
    assert resident_membership(existing, corporation)
    assert client.get(url("overview", community)).status_code == 200


def test_an_existing_account_that_already_has_the_membership_keeps_one(
    community: Any, manager: Any, corporation: Any
) -> None:
    former = ResidentFactory(
        community=community,
        user__email="oud@example.nl",
        joined_on=dt.date(2020, 1, 1),
        left_on=dt.date(2021, 1, 1),
    )
    invitation = invite(manager, community, email="oud@example.nl")
    services.accept_invitation(
        invitation=invitation,
        acting_user=former.user,
        display_name="Weer terug",
        visibility=ResidentVisibility.BOARD,
    )
    assert Membership.objects.filter(user=former.user, role=Role.RESIDENT).count() == 1


def test_logged_in_with_another_account_the_page_says_so(
    community: Any, manager: Any, resident: Any, as_user: Callable[[Any], Client]
) -> None:
    invitation = invite(manager, community)
    response = english(as_user(resident)).get(accept_url(invitation))
    content = response.content.decode()
    assert "You are logged in with another account" in content
    assert 'name="display_name"' not in content
    posted = as_user(resident).post(accept_url(invitation), accept_data())
    assert posted.status_code == 200
    assert Resident.objects.filter(display_name="Noor").count() == 0


def test_an_account_of_someone_else_cannot_accept_through_the_service(
    community: Any, manager: Any
) -> None:
    UserFactory(email="nieuw@example.nl")
    invitation = invite(manager, community)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.accept_invitation(
            invitation=invitation,
            display_name="Noor",
            visibility="community",
            password=NEW_PASSWORD,
        )
    assert "Log in first" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        services.accept_invitation(
            invitation=invitation,
            acting_user=UserFactory(),
            display_name="Noor",
            visibility="community",
        )


def test_someone_who_lives_in_another_community_cannot_accept(community: Any, manager: Any) -> None:
    invitation = invite(manager, community, email="dubbel@example.nl")
    elsewhere = ResidentFactory(user__email="dubbel@example.nl")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.accept_invitation(
            invitation=invitation,
            acting_user=elsewhere.user,
            display_name="Dubbel",
            visibility="community",
        )
    assert refused.value.messages == ["You already belong to a community."]


# --- the profile ----------------------------------------------------------------------------------


def test_a_resident_edits_their_profile(
    community: Any, resident: Any, as_user: Callable[[Any], Client]
) -> None:
    client = english(as_user(resident))
    page = client.get(url("profile", community))
    assert page.status_code == 200
    assert "The names of board members are always visible to all residents" in page.content.decode()

    response = client.post(
        url("profile", community),
        {"display_name": "Anna B.", "visibility": ResidentVisibility.BOARD, "about": "Ik kook."},
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.display_name, resident.visibility, resident.about) == (
        "Anna B.",
        ResidentVisibility.BOARD,
        "Ik kook.",
    )
    assert AuditEvent.objects.filter(
        object_type="community.resident", object_id=str(resident.pk), action=AuditAction.UPDATE
    ).exists()
    content = client.get(url("profile", community)).content.decode()
    assert "Other residents do not see your name" in content


def test_a_board_member_is_told_their_name_is_visible(
    community: Any, board: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    chair = board["chair"]
    Resident.objects.filter(pk=chair.pk).update(visibility=ResidentVisibility.BOARD)
    content = english(as_user(chair)).get(url("profile", community)).content.decode()
    assert "You are on the board: all residents of the complex see your name." in content


def test_a_profile_name_in_use_is_refused(
    community: Any, resident: Any, board: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    response = english(as_user(resident)).post(
        url("profile", community),
        {"display_name": "BRAM", "visibility": ResidentVisibility.COMMUNITY, "about": ""},
    )
    assert response.status_code == 200
    assert "Another resident already uses this display name." in response.content.decode()
    resident.refresh_from_db()
    assert resident.display_name == "Anna"


def test_the_profile_page_is_for_residents_of_this_community_only(
    community: Any, manager: Any, outsiders: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    for person in [manager, *outsiders.values()]:
        assert as_user(person).get(url("profile", community)).status_code == 404


def test_nobody_else_may_change_a_profile(community: Any, resident: Any, manager: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.update_profile(
            acting_user=manager, resident=resident, display_name="X", visibility="community"
        )


# --- who sees which names ------------------------------------------------------------------------


@pytest.fixture
def shy(community: Any) -> Any:
    """A resident who shows their name only to the board."""
    return ResidentFactory(
        community=community,
        display_name="Verlegen Vera",
        visibility=ResidentVisibility.BOARD,
        about="Houdt van rust.",
        user__email="vera@example.nl",
    )


def test_an_ordinary_resident_sees_public_names_and_the_board_and_a_count(
    community: Any,
    resident: Any,
    board: dict[str, Any],
    shy: Any,
    manager: Any,
    as_user: Callable[[Any], Client],
) -> None:
    Resident.objects.filter(pk=board["member"].pk).update(visibility=ResidentVisibility.BOARD)
    dwelling = DwellingFactory(complex=community.complex, street="Geheimstraat")
    Resident.objects.filter(pk=resident.pk).update(dwelling=dwelling)

    response = english(as_user(resident)).get(url("residents", community))

    content = response.content.decode()
    assert response.status_code == 200
    for name in ["Anna", "Bram", "Carla", "Dirk", "Eva"]:
        assert name in content
    assert "Verlegen Vera" not in content and "Houdt van rust." not in content
    assert "And 1 resident who shows their name only to the board." in content
    # Never an address or an e-mail address for residents.
    assert "Geheimstraat" not in content
    assert "@example.nl" not in content


def test_the_board_sees_every_name(
    community: Any, board: dict[str, Any], shy: Any, as_user: Callable[[Any], Client]
) -> None:
    content = english(as_user(board["member"])).get(url("residents", community)).content.decode()
    assert "Verlegen Vera" in content
    assert "Shows their name only to the board" in content
    assert "@example.nl" not in content
    assert "who shows their name only to the board." not in content


def test_the_manager_sees_names_addresses_and_dates_and_can_record_a_move_out(
    community: Any, manager: Any, shy: Any, as_user: Callable[[Any], Client]
) -> None:
    dwelling = DwellingFactory(complex=community.complex, street="Galerijstraat", house_number=12)
    Resident.objects.filter(pk=shy.pk).update(dwelling=dwelling)
    content = as_user(manager).get(url("residents", community)).content.decode()
    assert "Verlegen Vera" in content
    assert "vera@example.nl" in content
    assert "Galerijstraat 12" in content
    assert url("end_residency", community, shy.pk) in content
    assert url("invite", community) in content


def test_the_residents_page_is_404_for_outsiders(
    community: Any, outsiders: dict[str, Any], as_user: Callable[[Any], Client]
) -> None:
    for person in outsiders.values():
        assert as_user(person).get(url("residents", community)).status_code == 404


def test_a_former_resident_no_longer_gets_in(
    community: Any, as_user: Callable[[Any], Client]
) -> None:
    former = ResidentFactory(
        community=community, joined_on=dt.date(2020, 1, 1), left_on=dt.date(2021, 1, 1)
    )
    assert as_user(former).get(url("residents", community)).status_code == 404


def test_the_residents_page_runs_a_fixed_number_of_queries(
    community: Any,
    manager: Any,
    resident: Any,
    board: dict[str, Any],
    as_user: Callable[[Any], Client],
) -> None:
    def add(n: int) -> None:
        for _i in range(n):
            other = ResidentFactory(
                community=community,
                visibility=ResidentVisibility.BOARD,
                dwelling=DwellingFactory(complex=community.complex),
            )
            invite(manager, community, email=f"uitgenodigd{other.pk}@example.nl")

    add(2)
    clients = [as_user(resident), as_user(board["chair"]), as_user(manager)]
    few = [count_queries(c, url("residents", community)) for c in clients]
    add(8)
    many = [count_queries(c, url("residents", community)) for c in clients]
    assert few == many


# --- moving out ----------------------------------------------------------------------------------


def test_the_manager_records_a_move_out(
    community: Any,
    manager: Any,
    board: dict[str, Any],
    corporation: Any,
    as_user: Callable[[Any], Client],
) -> None:
    chair = board["chair"]
    future = BoardTermFactory(
        resident=chair,
        position="member",
        start_date=TODAY() + dt.timedelta(400),
        end_date=TODAY() + dt.timedelta(800),
    )
    client = as_user(manager)
    yesterday = TODAY() - dt.timedelta(days=1)
    assert client.get(url("end_residency", community, chair.pk)).status_code == 200

    response = client.post(
        url("end_residency", community, chair.pk),
        {"left_on": yesterday.isoformat(), "reason": "Verhuisd naar Zwolle"},
    )

    assert response.status_code == 302
    chair.refresh_from_db()
    assert chair.left_on == yesterday
    term = BoardTerm.objects.get(resident=chair)
    assert term.end_date == yesterday
    # Every resident reads the board page: it says 'moved', never the manager's own words.
    assert term.ended_early_reason == "Verhuisd"
    assert not BoardTerm.objects.filter(pk=future.pk).exists()
    assert not resident_membership(chair.user, corporation)
    event = AuditEvent.objects.get(object_type="community.resident", object_id=str(chair.pk))
    assert event.changes["reason"] == ["", "Verhuisd naar Zwolle"]
    # They left yesterday: the community is closed to them.
    assert as_user(chair).get(url("overview", community)).status_code == 404


def test_who_moves_out_today_keeps_access_and_role_until_tomorrow(
    community: Any, manager: Any, resident: Any, corporation: Any, as_user: Any
) -> None:
    services.end_residency(
        acting_user=manager, resident=resident, left_on=TODAY(), reason="Verhuisd"
    )
    assert resident_membership(resident.user, corporation)
    assert as_user(resident).get(url("overview", community)).status_code == 200


def test_a_move_out_later_keeps_the_membership_until_the_day_has_passed(
    community: Any, manager: Any, resident: Any, corporation: Any
) -> None:
    later = TODAY() + dt.timedelta(days=20)
    services.end_residency(acting_user=manager, resident=resident, left_on=later)

    assert resident_membership(resident.user, corporation)
    assert services.revoke_former_resident_memberships(today=later) == 0
    assert services.revoke_former_resident_memberships(today=later + dt.timedelta(1)) == 1
    assert not resident_membership(resident.user, corporation)


def test_a_move_out_keeps_the_membership_of_someone_living_in_another_complex(
    community: Any, manager: Any, resident: Any, corporation: Any
) -> None:
    sister = CommunityFactory(complex=ComplexFactory(corporation=corporation))
    Resident.objects.create(
        community=sister,
        user=resident.user,
        display_name="Anna",
        joined_on=TODAY(),
        left_on=TODAY() + dt.timedelta(days=300),
    )
    services.end_residency(acting_user=manager, resident=resident, left_on=TODAY())
    assert resident_membership(resident.user, corporation)


@pytest.mark.parametrize(
    ("left_on", "message"),
    [
        (dt.date(2023, 12, 31), "A resident cannot leave before joining (01-01-2024)."),
    ],
)
def test_a_move_out_before_joining_is_refused(
    community: Any,
    manager: Any,
    resident: Any,
    as_user: Callable[[Any], Client],
    left_on: dt.date,
    message: str,
) -> None:
    response = english(as_user(manager)).post(
        url("end_residency", community, resident.pk), {"left_on": left_on.isoformat()}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    resident.refresh_from_db()
    assert resident.left_on is None


def test_a_second_move_out_is_refused(community: Any, manager: Any, resident: Any) -> None:
    services.end_residency(
        acting_user=manager, resident=resident, left_on=TODAY() + dt.timedelta(5)
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.end_residency(acting_user=manager, resident=resident, left_on=TODAY())
    assert "already leaves on" in refused.value.messages[0]


def test_only_the_manager_records_a_move_out(
    community: Any,
    resident: Any,
    board: dict[str, Any],
    outsiders: dict[str, Any],
    as_user: Callable[[Any], Client],
) -> None:
    target = url("end_residency", community, resident.pk)
    for person in [resident, board["chair"], *outsiders.values()]:
        client = as_user(person)
        assert client.get(target).status_code == 404
        assert client.post(target, {"left_on": TODAY().isoformat()}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.end_residency(acting_user=board["chair"].user, resident=resident, left_on=TODAY())
    resident.refresh_from_db()
    assert resident.left_on is None


# --- leaving when the dwelling's contract ends -----------------------------------------------------


def test_the_end_of_a_tenancy_ends_the_residency_and_the_board_term(
    community: Any, board: dict[str, Any], resident: Any, corporation: Any
) -> None:
    dwelling = DwellingFactory(complex=community.complex)
    tenancy = portfolio.start_regular_tenancy(
        acting_user=None,
        dwelling=dwelling,
        tenant_name="T. Huurder",
        start_date=dt.date(2024, 1, 1),
    )
    treasurer = board["treasurer"]
    Resident.objects.filter(pk=treasurer.pk).update(dwelling=dwelling)
    end = TODAY() - dt.timedelta(days=1)

    portfolio.end_regular_tenancy(acting_user=None, tenancy=tenancy, end_date=end)

    treasurer.refresh_from_db()
    assert treasurer.left_on == end
    term = BoardTerm.objects.get(resident=treasurer)
    assert term.end_date == end
    assert term.ended_early_reason
    assert not resident_membership(treasurer.user, corporation)
    # Others stay.
    resident.refresh_from_db()
    assert resident.left_on is None


def test_a_tenancy_ending_later_ends_the_residency_on_that_day(
    community: Any, resident: Any, corporation: Any
) -> None:
    dwelling = DwellingFactory(complex=community.complex)
    tenancy = portfolio.start_regular_tenancy(
        acting_user=None,
        dwelling=dwelling,
        tenant_name="A. Huurder",
        start_date=dt.date(2024, 1, 1),
    )
    Resident.objects.filter(pk=resident.pk).update(dwelling=dwelling)
    end = TODAY() + dt.timedelta(days=30)

    portfolio.end_regular_tenancy(acting_user=None, tenancy=tenancy, end_date=end)

    resident.refresh_from_db()
    assert resident.left_on == end
    assert resident in Resident.objects.current()
    assert resident_membership(resident.user, corporation)


def test_a_care_lease_handed_back_ends_the_residency(community: Any, resident: Any) -> None:
    dwelling = DwellingFactory(complex=community.complex)
    agreement = AgreementFactory(complex=community.complex)
    lease = CareLease.objects.create(
        agreement=agreement, dwelling=dwelling, start_date=dt.date(2024, 2, 1)
    )
    Resident.objects.filter(pk=resident.pk).update(dwelling=dwelling)

    portfolio.end_care_lease(
        acting_user=None, lease=lease, end_date=TODAY(), reason=LeaseEndReason.HANDED_BACK
    )

    resident.refresh_from_db()
    assert resident.left_on == TODAY()


def test_leave_for_dwelling_skips_who_joined_after_the_end(community: Any) -> None:
    dwelling = DwellingFactory(complex=community.complex)
    newcomer = ResidentFactory(community=community, dwelling=dwelling, joined_on=TODAY())
    left = services.leave_for_dwelling(
        dwelling=dwelling, left_on=TODAY() - dt.timedelta(days=3), acting_user=None
    )
    assert left == []
    newcomer.refresh_from_db()
    assert newcomer.left_on is None
