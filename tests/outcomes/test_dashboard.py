"""The outcome dashboards per role: who sees which placements, the figures (the same numbers as
outcomes/measures.py, rounded), the municipality's suppression of small counts, the filters, the
recomputation after a flip, the definitions page and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.outcomes import dashboard
from doorstroom.outcomes.measures import KEYS, outcomes
from doorstroom.portfolio import services as portfolio
from doorstroom.portfolio.models import CareLease
from doorstroom.tenancies import services as tenancies
from doorstroom.tenancies.models import Placement, PlacementState
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory, OrganisationFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 1, 1)


def add_placement(
    dwelling: Any,
    provider: Any,
    start: dt.date,
    *,
    flip: dt.date | None = None,
    exit_: dt.date | None = None,
    reason: str = "",
    ref: str | None = None,
    agreement: Any = None,
) -> Placement:
    """A placement from the register, as an import writes it (with its care lease)."""
    lease = None
    if agreement is not None:
        lease = CareLease.objects.create(
            agreement=agreement, dwelling=dwelling, start_date=start, end_date=flip or exit_
        )
    state = (
        PlacementState.EXITED
        if exit_
        else PlacementState.FLIPPED
        if flip
        else PlacementState.CARE_LEASE
    )
    return Placement.objects.create(
        care_provider=provider,
        client_ref=ref or f"K{Placement.objects.count() + 1}",
        dwelling=dwelling,
        care_lease=lease,
        start_date=start,
        flip_date=flip,
        exit_date=exit_,
        exit_reason=reason,
        state=state,
    )


@pytest.fixture
def world(member: Any, corporation: Any, care_provider: Any) -> dict[str, Any]:
    """Two complexes of one corporation in Utrecht with one care provider, a second corporation
    in Utrecht with another care provider, and a complex in Zeist."""
    complex_a = ComplexFactory(corporation=corporation, name="De Galerij", code="GAL")
    complex_b = ComplexFactory(corporation=corporation, name="Het Hof", code="HOF")
    agreement_a = AgreementFactory(
        complex=complex_a, care_provider=care_provider, start_date=dt.date(2020, 1, 1)
    )
    agreement_b = AgreementFactory(
        complex=complex_b, care_provider=care_provider, start_date=dt.date(2020, 1, 1)
    )
    dwellings = DwellingFactory.create_batch(5, complex=complex_a)
    # The hand-computed register: as of 2026-01-01, 4 placements count.
    add_placement(
        dwellings[0],
        care_provider,
        dt.date(2022, 1, 1),
        flip=dt.date(2023, 1, 1),
        agreement=agreement_a,
    )
    add_placement(
        dwellings[1],
        care_provider,
        dt.date(2022, 6, 1),
        exit_=dt.date(2023, 6, 1),
        reason="back_to_shelter",
        agreement=agreement_a,
    )
    add_placement(dwellings[2], care_provider, dt.date(2023, 1, 1), agreement=agreement_a)
    add_placement(
        DwellingFactory(complex=complex_b),
        care_provider,
        dt.date(2025, 1, 1),
        flip=dt.date(2025, 7, 1),
        agreement=agreement_b,
    )
    add_placement(dwellings[3], care_provider, dt.date(2026, 6, 1), agreement=agreement_a)

    other_corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION)
    other_provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorg Anders")
    complex_c = ComplexFactory(corporation=other_corporation, name="De Toren", code="TOR")
    AgreementFactory(complex=complex_c, care_provider=other_provider)
    for index in range(6):
        add_placement(
            DwellingFactory(complex=complex_c),
            other_provider,
            dt.date(2021, 1, 1) + dt.timedelta(days=30 * index),
            flip=dt.date(2022, 6, 1) if index < 5 else None,
        )
    zeist = ComplexFactory(name="Zeisterhof", code="ZST", municipality_name="Zeist")
    add_placement(DwellingFactory(complex=zeist), other_provider, dt.date(2022, 1, 1))

    municipality = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, municipality_name="Utrecht"
    )
    return {
        "corporation": corporation,
        "provider": care_provider,
        "complex_a": complex_a,
        "complex_b": complex_b,
        "complex_c": complex_c,
        "agreement_a": agreement_a,
        "agreement_b": agreement_b,
        "other_provider": other_provider,
        "manager": member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user,
        "worker": member(Role.CASE_WORKER, organisation=care_provider).user,
        "lead": member(Role.TEAM_LEAD, organisation=care_provider).user,
        "policy": member(Role.POLICY_OFFICER, organisation=municipality).user,
        "other_lead": member(Role.TEAM_LEAD, organisation=other_provider).user,
    }


def url(**params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("dashboard:overview") + (f"?{query}" if query else "")


def get(login: Any, user: Any, target: str) -> str:
    """The page in English (the language cookie), with HTML entities resolved."""
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(target)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def figure(page: str, key: str) -> str:
    """The text shown for figure ``key``."""
    start = page.index(f'id="figuur-{key}"')
    strong = page.index("<strong>", start) + len("<strong>")
    return page[strong : page.index("</strong>", strong)]


# --- what each role sees -------------------------------------------------------------------------


def test_the_manager_sees_the_hand_computed_figures_of_the_own_corporation(
    login: Any, world: dict[str, Any]
) -> None:
    page = get(login, world["manager"], url(peildatum="2026-01-01"))
    assert figure(page, "placements") == "4"
    assert figure(page, "active_care_leases") == "1"
    assert figure(page, "flipped") == "2"
    assert figure(page, "exited_without_flip") == "1"
    assert figure(page, "flip_share") == "50%"
    assert figure(page, "median_days_to_flip") == "273 days"  # (365 + 181) / 2
    assert figure(page, "overdue_3y") == "1"  # 2023-01-01 to 2026-01-01 is 1096 days
    assert figure(page, "returns_12m") == "0%"
    assert figure(page, "returns_12m_n") == "1"
    assert figure(page, "returns_24m_n") == "1"
    assert figure(page, "returns_24m") == "0%"
    assert "De Toren" not in page and "Zorg Anders" not in page


def test_every_figure_is_the_measure_rounded_with_its_definition_one_click_away(
    login: Any, world: dict[str, Any]
) -> None:
    placements = Placement.objects.filter(dwelling__corporation=world["corporation"])
    expected = outcomes(placements, AS_OF)
    page = get(login, world["manager"], url(peildatum="2026-01-01"))
    for key in KEYS:
        assert f'href="/uitkomsten/definities/#{key}"' in page
        if key in dashboard.SHARES:
            assert figure(page, key) == f"{dashboard.whole(expected[key] * 100)}%"
        elif key in dashboard.COUNTS:
            assert figure(page, key) == str(expected[key])
    assert expected["starts_by_year"] == {"2022": 2, "2023": 1, "2025": 1}
    starts = page[page.index('id="starts-caption"') :]
    for year, count in expected["starts_by_year"].items():
        assert (
            f'scope="row">{year}</th><td class="utrecht-table__cell '
            f'utrecht-table__cell--numeric">{count}</td>'
        ) in starts


def test_the_care_provider_sees_its_own_placements_and_is_told_there_are_no_teams(
    login: Any, world: dict[str, Any]
) -> None:
    page = get(login, world["lead"], url(peildatum="2026-01-01"))
    other = get(login, world["other_lead"], url(peildatum="2026-01-01"))
    assert figure(page, "placements") == "4"
    assert "Doorstroom does not know teams within a care provider" in page
    assert figure(other, "placements") == "7"  # De Toren and Zeist
    assert "De Galerij" not in other


def test_the_municipality_sees_totals_across_corporations_with_small_counts_suppressed(
    login: Any, world: dict[str, Any]
) -> None:
    page = get(login, world["policy"], url(peildatum="2026-01-01"))
    # Utrecht: 4 of the manager's corporation and 6 of the other; not the one in Zeist.
    assert figure(page, "placements") == "10"
    assert figure(page, "flipped") == "7"
    assert figure(page, "flip_share") == "70%"
    assert figure(page, "exited_without_flip") == "<5"
    assert figure(page, "cif_exit_36m") == "withheld"
    assert figure(page, "overdue_3y") == "<5"
    assert figure(page, "median_days_to_flip").endswith("days")
    assert "Zeisterhof" not in page
    # No person-level data: no client references anywhere.
    assert "K1" not in page.replace("K1<", "")
    scope = f"complex-{world['complex_a'].pk}"
    small = get(login, world["policy"], url(peildatum="2026-01-01", bereik=scope))
    assert figure(small, "placements") == "<5"
    for key in ("flip_share", "cif_flip_36m", "cif_exit_36m", "median_days_to_flip"):
        assert figure(small, key) == "withheld"


@pytest.mark.parametrize(
    "role",
    [Role.LETTING_OFFICER, Role.RESIDENT, Role.PRIVACY_OFFICER, Role.NEIGHBOURHOOD_TEAM_MEMBER],
)
def test_every_other_role_gets_404(login: Any, member: Any, role: str) -> None:
    user = member(role).user
    assert login(user).get(url()).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client: Any) -> None:
    response = client.get(url())
    assert response.status_code == 302
    assert "/account/inloggen/" in response["Location"]


# --- filters -------------------------------------------------------------------------------------


def test_scopes_narrow_to_a_complex_an_agreement_and_a_care_provider(
    login: Any, world: dict[str, Any]
) -> None:
    manager = world["manager"]
    complex_b = world["complex_b"]
    by_complex = get(login, manager, url(peildatum="2026-01-01", bereik=f"complex-{complex_b.pk}"))
    by_agreement = get(
        login, manager, url(peildatum="2026-01-01", bereik=f"agreement-{world['agreement_a'].pk}")
    )
    assert figure(by_complex, "placements") == "1"
    assert "Het Hof (HOF), as of 01-01-2026." in by_complex
    assert figure(by_agreement, "placements") == "3"
    by_provider = get(
        login,
        world["policy"],
        url(peildatum="2026-01-01", bereik=f"provider-{world['other_provider'].pk}"),
    )
    assert figure(by_provider, "placements") == "6"


def test_a_scope_the_viewer_may_not_choose_is_refused_with_a_message(
    login: Any, world: dict[str, Any]
) -> None:
    page = get(login, world["manager"], url(bereik=f"complex-{world['complex_c'].pk}"))
    assert "Select a valid choice" in page
    assert "All complexes of Woningcorporatie Test" in page
    assert "De Toren" not in page


def test_the_reference_date_censors_and_a_bad_date_is_explained(
    login: Any, world: dict[str, Any]
) -> None:
    early = get(login, world["manager"], url(peildatum="2022-12-31"))
    before_all = get(login, world["manager"], url(peildatum="2020-01-01"))
    bad = get(login, world["manager"], url(peildatum="31-13-2025"))
    assert figure(early, "placements") == "2"
    assert figure(early, "flipped") == "0"
    assert figure(before_all, "placements") == "0"
    assert figure(before_all, "flip_share") == "–"
    assert figure(before_all, "median_days_to_flip") == "–"
    assert "Enter a valid date" in bad
    today = timezone.localdate().strftime("%d-%m-%Y")
    assert f"as of {today}" in bad


def test_the_figures_follow_a_flip_recorded_through_the_services(
    login: Any, world: dict[str, Any]
) -> None:
    today = timezone.localdate()
    dwelling = DwellingFactory(complex=world["complex_b"])
    start = today - dt.timedelta(days=200)
    portfolio.lease_dwelling(
        acting_user=None, agreement=world["agreement_b"], dwelling=dwelling, start_date=start
    )
    placement = tenancies.start_placement(
        acting_user=None, dwelling=dwelling, client_ref="NIEUW", start_date=start
    )
    target = url(bereik=f"complex-{world['complex_b'].pk}")
    before = get(login, world["manager"], target)
    assert figure(before, "placements") == "2"
    assert figure(before, "flipped") == "1"
    assert figure(before, "active_care_leases") == "1"
    tenancies.flip_placement(
        acting_user=None,
        placement=placement,
        flip_date=today - dt.timedelta(days=10),
        tenant_name="J. Nieuw",
    )
    after = get(login, world["manager"], target)
    assert figure(after, "flipped") == "2"
    assert figure(after, "active_care_leases") == "0"
    assert figure(after, "flip_share") == "100%"
    assert figure(after, "median_days_to_flip") == f"{dashboard.whole((181 + 190) / 2)} days"


# --- charts, states and the mix ------------------------------------------------------------------


def test_every_chart_is_an_accessible_svg_with_a_data_table(
    login: Any, world: dict[str, Any]
) -> None:
    page = get(login, world["manager"], url(peildatum="2026-01-01"))
    for key in ("chart-incidence", "chart-quarters", "chart-states", "chart-mix"):
        assert f'aria-labelledby="{key}-title {key}-desc"' in page
        assert f'<title id="{key}-title">' in page and f'<desc id="{key}-desc">' in page
        assert f'<caption class="utrecht-table__caption" id="{key}-caption">' in page
    assert page.count('role="img"') == 4
    # Placements by state on the reference date: the flip of 2025-07-01 still has its label.
    states = page[page.index('id="chart-states-caption"') :]
    assert (
        'Care lease</th><td class="utrecht-table__cell utrecht-table__cell--numeric">1<' in states
    )
    # Quarters: 2025 Q3 has the flip of 2025-07-01, 2025 Q1 the start of 2025-01-01.
    quarters = page[page.index('id="chart-quarters-caption"') :]
    assert (
        '2025 Q1</th><td class="utrecht-table__cell utrecht-table__cell--numeric">1</td>'
        in quarters
    )
    assert (
        '2025 Q3</th><td class="utrecht-table__cell utrecht-table__cell--numeric">0</td><td class="utrecht-table__cell utrecht-table__cell--numeric">1</td>'
        in quarters
    )


def test_state_counts_follow_the_dates_not_the_stored_state() -> None:
    register_rows = [
        (dt.date(2020, 1, 1), dt.date(2021, 1, 1), None, "", dt.date(2023, 1, 1)),  # label ended
        (dt.date(2020, 1, 1), dt.date(2021, 1, 1), None, "", dt.date(2027, 1, 1)),  # label runs
        (dt.date(2020, 1, 1), dt.date(2021, 1, 1), dt.date(2022, 1, 1), "other", None),  # exited
        (dt.date(2020, 1, 1), None, dt.date(2026, 6, 1), "other", None),  # care lease on as_of
        (dt.date(2026, 6, 1), None, None, "", None),  # not started yet
    ]
    from doorstroom.outcomes.measures import Register, first_events

    register = Register.from_rows(row[:4] for row in register_rows)
    counts = dashboard.state_counts(
        register, [row[4] for row in register_rows], first_events(register, AS_OF), AS_OF
    )
    assert counts == {
        PlacementState.CARE_LEASE: 1,
        PlacementState.FLIPPED: 1,
        PlacementState.LABEL_ENDED: 1,
        PlacementState.EXITED: 1,
    }


def test_the_mix_per_complex_follows_the_care_leases_over_the_quarters(
    login: Any, world: dict[str, Any]
) -> None:
    page = get(login, world["manager"], url(peildatum="2026-01-01"))
    mix = page[page.index('id="chart-mix-caption"') :]
    # De Galerij: 5 dwellings, the care lease of 2023-01-01 runs on every date shown.
    row = mix[mix.index("De Galerij (GAL)") :]
    row = row[: row.index("</tr>")]
    assert "20% (1/5)" in row
    assert dashboard.quarter_ends(AS_OF)[-1] == AS_OF
    assert dashboard.quarter_ends(AS_OF)[0] == dt.date(2024, 6, 30)
    assert dashboard.quarter_ends(dt.date(2026, 5, 15))[-2] == dt.date(2026, 3, 31)


def test_the_municipality_does_not_see_the_mix_of_a_complex_with_few_vulnerable_dwellings(
    login: Any, world: dict[str, Any]
) -> None:
    page = get(login, world["policy"], url(peildatum="2026-01-01"))
    mix = page[page.index('id="chart-mix-caption"') :]
    row = mix[mix.index("De Galerij (GAL)") :]
    row = row[: row.index("</tr>")]
    assert "withheld" in row and "1/5" not in row and "20%" not in row


# --- definitions, the home page and the queries --------------------------------------------------


def test_the_definitions_page_has_an_anchor_per_key(login: Any, world: dict[str, Any]) -> None:
    page = get(login, world["manager"], reverse("dashboard:definitions"))
    for key in KEYS:
        assert f'id="{key}"' in page
    assert "Aalen–Johansen" in page
    assert "A flip and an exit on the same day count as a flip." in page


def test_headline_items_for_the_policy_officer(world: dict[str, Any]) -> None:
    membership = world["policy"].memberships.get()
    with translation.override("en"):
        items = dashboard.headline_items(world["policy"], membership)
    labels = [item.label for item in items]
    assert "Placements" in labels and "Share flipped" in labels
    assert all(item.url == "/uitkomsten/" for item in items)
    manager_membership = world["manager"].memberships.get()
    assert dashboard.headline_items(world["manager"], manager_membership) == []


def test_a_fixed_number_of_queries_whatever_the_number_of_placements(
    login: Any, world: dict[str, Any]
) -> None:
    target = url(peildatum="2026-01-01")
    clients = {name: login(world[name]) for name in ("manager", "lead", "policy")}
    small = {name: count_queries(c, target) for name, c in clients.items()}
    complex_a = world["complex_a"]
    for index in range(40):
        dwelling = DwellingFactory(complex=complex_a)
        add_placement(
            dwelling,
            world["provider"],
            dt.date(2021, 1, 1) + dt.timedelta(days=20 * index),
            flip=dt.date(2025, 1, 1) if index % 2 else None,
            agreement=world["agreement_a"],
        )
    large = {name: count_queries(c, target) for name, c in clients.items()}
    assert large == small
    page = get(login, world["manager"], target)
    assert figure(page, "placements") == "44"
