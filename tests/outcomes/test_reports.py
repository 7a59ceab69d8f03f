"""Quarterly reports: disclosure control, content, the PDF and the spreadsheet, who may have
which report, the background worker and a period without data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from doorstroom.community.figures import activities_per_month, decisions_of_year
from doorstroom.community.models import ActivityStatus, Decision, DecisionOutcome, Evaluation
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.outcomes.disclosure import (
    SUPPRESSED,
    WITHHELD,
    protect_parts,
    protect_share,
    suppress,
)
from doorstroom.outcomes.report_pdf import report_html, report_pdf
from doorstroom.outcomes.report_xlsx import report_xlsx
from doorstroom.outcomes.reports import (
    Quarter,
    build_report,
    parse_quarter,
    scope_for,
    scopes_for,
)
from doorstroom.portfolio.models import Quota
from doorstroom.tenancies.models import Placement
from tests.factories import (
    ActivityRequestFactory,
    AgreementFactory,
    ComplexFactory,
    DwellingFactory,
    MeetingFactory,
    OrganisationFactory,
    ResidentFactory,
)

pytestmark = pytest.mark.django_db

Q3 = Quarter(2026, 3)
TODAY = dt.date(2026, 11, 1)


@pytest.fixture(autouse=True)
# Disclosure control -------------------------------------------------------------------------


def test_counts_below_five_are_shown_as_less_than_five() -> None:
    assert suppress(4) == SUPPRESSED == "<5"
    assert suppress(1) == "<5"
    assert suppress(5) == 5
    assert suppress(120) == 120
    assert suppress(0) == 0  # zero names nobody


def test_a_share_from_a_suppressed_count_is_withheld() -> None:
    assert protect_share(0.5, suppress(4), suppress(8)) == WITHHELD  # numerator suppressed
    assert protect_share(0.8, suppress(4), suppress(5)) == WITHHELD  # both
    assert protect_share(1.0, suppress(6), suppress(3)) == WITHHELD  # denominator suppressed
    assert protect_share(0.5, suppress(5), suppress(10)) == 0.5
    assert protect_share(None, suppress(0), suppress(0)) is None


def test_one_hidden_part_of_a_shown_total_hides_a_second_part() -> None:
    assert protect_parts([3, 9, 0], 12) == (["<5", WITHHELD, 0], 12)
    assert protect_parts([3, 2, 10], 15) == (["<5", "<5", 10], 15)  # two hidden: enough
    assert protect_parts([3, 0], 3) == (["<5", 0], "<5")
    assert protect_parts([6, 7], 13) == ([6, 7], 13)


def test_quarters_are_read_clearly() -> None:
    assert str(parse_quarter("2026-Q3")) == "2026-Q3"
    assert str(parse_quarter("2026-k1")) == "2026-Q1"
    assert parse_quarter("2026-Q4").end == dt.date(2026, 12, 31)
    assert parse_quarter("2026-Q1").end == dt.date(2026, 3, 31)
    with translation.override("en"), pytest.raises(ValueError, match="for example 2026-Q3"):
        parse_quarter("2026-Q5")


# Data ---------------------------------------------------------------------------------------


def place(
    dwelling: Any,
    provider: Any,
    start: dt.date,
    flip: dt.date | None = None,
    exit_: dt.date | None = None,
    reason: str = "",
    ref: str = "",
) -> Placement:
    state = "exited" if exit_ else ("flipped" if flip else "care_lease")
    return Placement.objects.create(
        care_provider=provider,
        client_ref=ref or f"GEHEIM-{Placement.objects.count():05d}",
        dwelling=dwelling,
        start_date=start,
        flip_date=flip,
        exit_date=exit_,
        exit_reason=reason,
        state=state,
    )


@pytest.fixture
def world() -> dict[str, Any]:
    """Utrecht, one corporation with one complex and an agreement with one care provider:
    - 7 placements started in 2026-Q3, 3 of them flipped in the quarter;
    - 6 started in 2024: 2 left in the quarter (back to shelter, eviction), 4 still care lease.
    A complex in Zeist of the same corporation has 2 placements that no Utrecht report counts.
    """
    municipality = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, municipality_name="Utrecht", name="Gemeente Utrecht"
    )
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Woonstad")
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorg Utrecht")
    complex_ = ComplexFactory(corporation=corporation, municipality_name="Utrecht")
    agreement = AgreementFactory(complex=complex_, care_provider=provider)
    dwellings = DwellingFactory.create_batch(15, complex=complex_)
    for i in range(7):
        flip = dt.date(2026, 9, 1) if i < 3 else None
        place(dwellings[i], provider, dt.date(2026, 7, 1 + i), flip=flip)
    place(
        dwellings[7],
        provider,
        dt.date(2024, 2, 1),
        exit_=dt.date(2026, 8, 1),
        reason="back_to_shelter",
    )
    place(dwellings[8], provider, dt.date(2024, 3, 1), exit_=dt.date(2026, 8, 2), reason="eviction")
    for i in range(9, 13):
        place(dwellings[i], provider, dt.date(2024, 4, i))
    zeist = ComplexFactory(corporation=corporation, municipality_name="Zeist")
    for dwelling in DwellingFactory.create_batch(2, complex=zeist):
        place(dwelling, provider, dt.date(2026, 7, 2))
    Quota.objects.create(
        municipality=municipality,
        corporation=corporation,
        year=2026,
        target_group="mo",
        dwellings=10,
    )
    return {
        "municipality": municipality,
        "corporation": corporation,
        "provider": provider,
        "complex": complex_,
        "agreement": agreement,
        "dwellings": dwellings,
    }


def cells(report: Any, key: str) -> dict[str, Any]:
    return {row[0].value: row[1].value for row in report.table(key).rows}


def policy_officer(member: Any, world: dict[str, Any]) -> Any:
    return member(Role.POLICY_OFFICER, world["municipality"]).user


def test_the_municipality_report_suppresses_small_numbers(
    member: Any, world: dict[str, Any]
) -> None:
    user = policy_officer(member, world)
    scope = scope_for(user, "gemeente:utrecht")
    assert scope is not None and scope.for_municipality
    with translation.override("en"):
        report = build_report(user, scope, Q3, today=TODAY)
    assert report.as_of == dt.date(2026, 9, 30) and report.has_data
    quarter = cells(report, "plaatsingen")
    assert quarter["Placements started in the quarter"] == 7
    assert quarter["Flips to an own tenancy in the quarter"] == "<5"
    assert quarter["Placements ended in the quarter"] == "<5"
    exits = cells(report, "vertrek")
    assert exits["Back to shelter, street or no fixed abode"] == "<5"
    assert exits["Eviction"] == "<5"
    assert exits["Detention"] == 0 and exits["Total"] == "<5"
    outcomes = cells(report, "uitkomsten")
    # 13 placements: 8 in the care lease, 3 flipped, 2 left without a flip.
    assert outcomes["Placements"] == 13
    assert outcomes["Still in the care lease"] == 8
    assert outcomes["Flipped to an own tenancy"] == "<5"
    assert outcomes["Left without a flip"] == "<5"
    assert outcomes["Share flipped"] == WITHHELD
    assert outcomes["Median days to the flip"] == WITHHELD
    assert outcomes["Cumulative incidence of the flip by 36 months"] == WITHHELD
    quota = report.table("taakstelling").rows[0]
    # 7 of the quota's placements started in 2026: shown, with the share.
    assert [c.value for c in quota[2:]] == [10, 7, 3, 0.7]


def test_the_agreement_report_shows_the_numbers_as_they_are(
    member: Any, world: dict[str, Any]
) -> None:
    user = member(Role.TEAM_LEAD, world["provider"]).user
    scope = scope_for(user, f"overeenkomst:{world['agreement'].pk}")
    assert scope is not None and not scope.for_municipality
    with translation.override("en"):
        report = build_report(user, scope, Q3, today=TODAY)
    outcomes = cells(report, "uitkomsten")
    assert outcomes["Flipped to an own tenancy"] == 3
    assert outcomes["Share flipped"] == pytest.approx(3 / 13)
    exits = cells(report, "vertrek")
    assert exits["Eviction"] == 1 and exits["Total"] == 2


def test_a_corporation_report_covers_its_complexes_in_the_municipality_only(
    member: Any, world: dict[str, Any]
) -> None:
    user = member(Role.MIXED_LIVING_MANAGER, world["corporation"]).user
    keys = {s.key for s in scopes_for(user)}
    corporation_id = world["corporation"].pk
    assert keys == {
        f"gemeente:utrecht:corporatie:{corporation_id}",
        f"gemeente:zeist:corporatie:{corporation_id}",
        f"overeenkomst:{world['agreement'].pk}",
    }
    scope = scope_for(user, f"gemeente:zeist:corporatie:{corporation_id}")
    assert scope is not None
    with translation.override("en"):
        report = build_report(user, scope, Q3, today=TODAY)
    assert cells(report, "uitkomsten")["Placements"] == "<5"  # 2 in Zeist, suppressed


def test_a_period_without_data_gives_a_report_that_says_so(
    member: Any, world: dict[str, Any]
) -> None:
    user = policy_officer(member, world)
    scope = scope_for(user, "gemeente:utrecht")
    assert scope is not None
    with translation.override("en"):
        report = build_report(user, scope, Quarter(2019, 2), today=TODAY)
        html = report_html(report)
    assert not report.has_data
    assert cells(report, "uitkomsten")["Placements"] == 0
    assert cells(report, "plaatsingen")["Placements started in the quarter"] == 0
    assert cells(report, "uitkomsten")["Share flipped"] is None
    assert "No data" in html
    assert report_pdf(report).startswith(b"%PDF")
    load_workbook(BytesIO(report_xlsx(report)))


def test_a_municipality_without_complexes_gets_an_empty_report(member: Any) -> None:
    officer = member(
        Role.POLICY_OFFICER,
        OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, municipality_name="Urk"),
    ).user
    scope = scope_for(officer, "gemeente:urk")
    assert scope is not None
    report = build_report(officer, scope, Q3, today=TODAY)
    assert (
        not report.has_data
        and cells(report, "uitkomsten")[report.table("uitkomsten").rows[0][0].value] == 0
    )


# The files ----------------------------------------------------------------------------------


def pdf_text(html: str) -> str:
    """The text WeasyPrint lays out on the pages (pypdf is not installed)."""
    from weasyprint import HTML

    texts: list[str] = []

    def walk(box: Any) -> None:
        if getattr(box, "text", None):
            texts.append(box.text)
        for child in getattr(box, "children", []):
            walk(child)

    document = HTML(string=html).render()
    assert document.pages
    for page in document.pages:
        walk(page._page_box)
    return " ".join(texts)


def test_the_pdf_has_the_heading_tables_and_definitions(member: Any, world: dict[str, Any]) -> None:
    user = policy_officer(member, world)
    scope = scope_for(user, "gemeente:utrecht")
    assert scope is not None
    with translation.override("en"):
        report = build_report(user, scope, Q3, today=TODAY)
        pdf = report_pdf(report)
        text = pdf_text(report_html(report))
    assert pdf.startswith(b"%PDF")
    assert "Doorstroom" in text
    assert "Doorstroom quarterly report 2026-Q3" in text
    assert "Outcome measures" in text and "Definitions" in text and "<5" in text


def test_the_spreadsheet_has_a_sheet_per_section_with_numbers(
    member: Any, world: dict[str, Any]
) -> None:
    user = policy_officer(member, world)
    scope = scope_for(user, "gemeente:utrecht")
    assert scope is not None
    with translation.override("en"):
        workbook = load_workbook(BytesIO(report_xlsx(build_report(user, scope, Q3, today=TODAY))))
    assert workbook.sheetnames == [
        "overzicht",
        "taakstelling",
        "plaatsingen",
        "vertrek",
        "uitkomsten",
        "starts_per_jaar",
        "gemeenschap",
        "definities",
    ]
    assert workbook["overzicht"]["A1"].value == "Doorstroom"
    rows = {row[0]: row[1] for row in workbook["uitkomsten"].iter_rows(min_row=4, values_only=True)}
    assert rows["Placements"] == 13 and isinstance(rows["Placements"], int)
    assert rows["Flipped to an own tenancy"] == "<5"
    assert rows["Share flipped"] == "x"
    quota = next(workbook["taakstelling"].iter_rows(min_row=4, values_only=True))
    assert quota[2:] == (10, 7, 3, 0.7)
    assert workbook["taakstelling"].cell(4, 6).number_format == "0.0%"


def test_no_person_level_data_in_any_output(member: Any, world: dict[str, Any]) -> None:
    place(
        DwellingFactory(complex=world["complex"]),
        world["provider"],
        dt.date(2026, 8, 1),
        ref="CLIENT-XYZ-123",
    )
    for user, key in [
        (policy_officer(member, world), "gemeente:utrecht"),
        (member(Role.TEAM_LEAD, world["provider"]).user, f"overeenkomst:{world['agreement'].pk}"),
    ]:
        scope = scope_for(user, key)
        assert scope is not None
        report = build_report(user, scope, Q3, today=TODAY)
        html = report_html(report)
        workbook = load_workbook(BytesIO(report_xlsx(report)))
        values = " ".join(
            str(value)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
        for secret in ["CLIENT-XYZ-123", "GEHEIM-", world["dwellings"][0].vhe_code, "Teststraat"]:
            assert secret not in html and secret not in values


# Community totals ---------------------------------------------------------------------------


def test_community_totals_follow_the_community_figures(member: Any, world: dict[str, Any]) -> None:
    resident = ResidentFactory(community__complex=world["complex"])
    community = resident.community
    for day, status, people in [
        (dt.date(2026, 7, 5), ActivityStatus.EVALUATED, 12),
        (dt.date(2026, 8, 5), ActivityStatus.APPROVED, None),
        (dt.date(2026, 9, 5), ActivityStatus.CANCELLED, None),
        (dt.date(2026, 10, 5), ActivityStatus.EVALUATED, 30),
    ]:
        request = ActivityRequestFactory(
            requested_by=resident, starts_on=day, status=status, amount_granted=Decimal("10")
        )
        if people:
            Evaluation.objects.create(
                request=request, participants=people, how_it_went="Goed", actual_spending=0
            )
    for day, outcome in [
        (dt.date(2026, 7, 7), DecisionOutcome.APPROVED),
        (dt.date(2026, 8, 4), DecisionOutcome.REJECTED),
        (dt.date(2026, 8, 5), DecisionOutcome.APPROVED),
        (dt.date(2026, 11, 3), DecisionOutcome.APPROVED),
    ]:
        meeting = MeetingFactory(
            community=community,
            starts_at=timezone.make_aware(dt.datetime(day.year, day.month, day.day, 19, 30)),
        )
        Decision.objects.create(
            request=ActivityRequestFactory(requested_by=resident),
            meeting=meeting,
            outcome=outcome,
            amount_granted=Decimal("5") if outcome == DecisionOutcome.APPROVED else None,
            reason="" if outcome == DecisionOutcome.APPROVED else "Reden",
        )
    user = member(Role.TEAM_LEAD, world["provider"]).user
    scope = scope_for(user, f"overeenkomst:{world['agreement'].pk}")
    assert scope is not None
    months = activities_per_month(community, 2026, as_of=dt.date(2026, 12, 31))
    with translation.override("en"):
        quarters = [
            build_report(user, scope, Quarter(2026, n), today=dt.date(2026, 12, 31))
            for n in (1, 2, 3, 4)
        ]
    q3 = cells(quarters[2], "gemeenschap")
    assert q3["Activities held"] == sum(m.held for m in months[6:9]) == 2
    assert q3["Participants in the activities"] == sum(m.participants for m in months[6:9]) == 12
    assert q3["of which approved"] == 2 and q3["of which rejected"] == 1
    assert q3["Approval rate"] == pytest.approx(2 / 3)
    approved, rejected = decisions_of_year(community, 2026)
    assert sum(cells(r, "gemeenschap")["of which approved"] for r in quarters) == approved
    assert sum(cells(r, "gemeenschap")["of which rejected"] for r in quarters) == rejected


# Speed --------------------------------------------------------------------------------------


def test_a_report_takes_the_same_number_of_queries_whatever_the_size(
    member: Any, world: dict[str, Any]
) -> None:
    user = policy_officer(member, world)
    scope = scope_for(user, "gemeente:utrecht")
    assert scope is not None

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build_report(user, scope, Q3, today=TODAY)
        return len(captured.captured_queries)

    before = queries()
    other = AgreementFactory(complex=ComplexFactory(municipality_name="Utrecht"))
    for dwelling in DwellingFactory.create_batch(20, complex=other.complex):
        place(dwelling, other.care_provider, dt.date(2025, 1, 1), flip=dt.date(2026, 8, 1))
    assert queries() == before


# Pages and permissions ----------------------------------------------------------------------


def post(client: Any, scope: str, quarter: str = "2026-Q3", file_format: str = "pdf") -> Any:
    return client.post(
        reverse("reports:index"), {"kwartaal": quarter, "scope": scope, "formaat": file_format}
    )


def test_a_small_report_is_downloaded_at_once(
    member: Any, login: Any, world: dict[str, Any]
) -> None:
    client = login(policy_officer(member, world))
    page = client.get(reverse("reports:index"))
    assert page.status_code == 200 and "gemeente:utrecht" in page.content.decode()
    pdf = post(client, "gemeente:utrecht")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "doorstroom-rapportage-2026-Q3" in pdf["Content-Disposition"]
    xlsx = post(client, "gemeente:utrecht", file_format="xlsx")
    assert xlsx.status_code == 200
    assert "uitkomsten" in load_workbook(BytesIO(xlsx.content)).sheetnames


def test_a_bad_or_future_quarter_is_answered_on_the_form(
    member: Any, login: Any, world: dict[str, Any], settings: Any
) -> None:
    client = login(policy_officer(member, world))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    bad = post(client, "gemeente:utrecht", quarter="2026-Q7")
    assert bad.status_code == 200 and "for example 2026-Q3" in bad.content.decode()
    future = post(client, "gemeente:utrecht", quarter=f"{timezone.localdate().year + 2}-Q1")
    assert future.status_code == 200 and "has not begun yet" in future.content.decode()


@pytest.mark.parametrize(
    ("who", "scope"),
    [
        ("officer_elsewhere", "gemeente:utrecht"),
        ("other_manager", "gemeente:utrecht:corporatie:{corporation}"),
        ("other_team_lead", "overeenkomst:{agreement}"),
        ("letting_officer", "overeenkomst:{agreement}"),
        ("case_worker", "overeenkomst:{agreement}"),
        ("manager", "gemeente:utrecht"),  # a manager has the corporation's part only
        ("team_lead", "gemeente:utrecht"),
    ],
)
def test_others_get_404(
    member: Any, login: Any, world: dict[str, Any], who: str, scope: str
) -> None:
    people = {
        "officer_elsewhere": lambda: member(
            Role.POLICY_OFFICER,
            OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, municipality_name="Zeist"),
        ),
        "other_manager": lambda: member(Role.MIXED_LIVING_MANAGER),
        "other_team_lead": lambda: member(Role.TEAM_LEAD),
        "letting_officer": lambda: member(Role.LETTING_OFFICER, world["corporation"]),
        "case_worker": lambda: member(Role.CASE_WORKER, world["provider"]),
        "manager": lambda: member(Role.MIXED_LIVING_MANAGER, world["corporation"]),
        "team_lead": lambda: member(Role.TEAM_LEAD, world["provider"]),
    }
    client = login(people[who]().user)
    key = scope.format(corporation=world["corporation"].pk, agreement=world["agreement"].pk)
    if client.get(reverse("reports:index")).status_code == 200:
        assert post(client, key).status_code == 404
    else:
        assert client.get(reverse("reports:index")).status_code == 404
        assert post(client, key).status_code == 404


def test_the_allowed_people_get_their_reports(
    member: Any, login: Any, world: dict[str, Any]
) -> None:
    agreement = f"overeenkomst:{world['agreement'].pk}"
    corporation = f"gemeente:utrecht:corporatie:{world['corporation'].pk}"
    for role, organisation, key in [
        (Role.MIXED_LIVING_MANAGER, world["corporation"], agreement),
        (Role.MIXED_LIVING_MANAGER, world["corporation"], corporation),
        (Role.TEAM_LEAD, world["provider"], agreement),
        (Role.POLICY_OFFICER, world["municipality"], "gemeente:utrecht"),
    ]:
        client = login(member(role, organisation).user)
        response = post(client, key)
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), (role, key)


# The background worker ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker takes its own (exclusive) transactions
def test_a_large_report_is_made_by_the_worker(
    member: Any, login: Any, world: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_IN_BACKGROUND_FROM_PLACEMENTS = 5
    officer = policy_officer(member, world)
    client = login(officer)
    response = post(client, "gemeente:utrecht", file_format="xlsx")
    assert response.status_code == 302
    result_url = response["Location"]
    waiting = client.get(result_url).content.decode()
    assert "wordt gemaakt" in waiting and 'http-equiv="refresh"' in waiting
    download_url = result_url + "download/"
    assert client.get(download_url).status_code == 404  # not ready yet

    outsider = login(
        member(
            Role.POLICY_OFFICER,
            OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, municipality_name="Zeist"),
        ).user
    )
    assert outsider.get(result_url).status_code == 404

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    ready = client.get(result_url).content.decode()
    assert download_url in ready and "refresh" not in ready
    stored = list((tmp_path / "media" / "reports").iterdir())
    assert len(stored) == 1 and len(stored[0].stem) == 32 and stored[0].suffix == ".xlsx"
    download = client.get(download_url)
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert "uitkomsten" in load_workbook(BytesIO(content)).sheetnames
    assert "doorstroom-rapportage-2026-Q3" in download["Content-Disposition"]
    assert outsider.get(download_url).status_code == 404
    assert (
        client.get(
            reverse("reports:result", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )
