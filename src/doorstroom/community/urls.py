"""The community pages, under /community/. Every page is for the residents of one complex and its
mixed-living manager; the invitation and the calendar feed are opened through a signed link."""

from django.urls import path

from doorstroom.community import (
    views,
    views_activities,
    views_budget,
    views_contributions,
    views_meetings,
    views_residents,
)

app_name = "community"

C = "<int:community_id>/"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("uitnodiging/<str:token>/", views_residents.accept_invitation, name="accept"),
    path("agenda/<str:token>.ics", views_meetings.feed, name="feed"),
    path(C, views.overview, name="overview"),
    # Residents, the board, contributions
    path(C + "bewoners/", views_residents.residents, name="residents"),
    path(C + "bewoners/uitnodigen/", views_residents.invite, name="invite"),
    path(
        C + "uitnodigingen/<int:invitation_id>/intrekken/",
        views_residents.revoke_invitation,
        name="revoke_invitation",
    ),
    path(
        C + "bewoners/<int:resident_id>/vertrek/",
        views_residents.end_residency,
        name="end_residency",
    ),
    path(C + "profiel/", views_residents.profile, name="profile"),
    path(C + "bestuur/", views_residents.board, name="board"),
    path(C + "bestuur/nieuw/", views_residents.add_term, name="add_term"),
    path(C + "bestuur/<int:term_id>/beeindigen/", views_residents.end_term, name="end_term"),
    path(C + "bijdragen/", views_contributions.mine, name="contributions"),
    path(C + "bijdragen/totalen/", views_contributions.totals, name="contribution_totals"),
    # Activity requests, spending, evaluations
    path(C + "activiteiten/", views_activities.activity_list, name="activities"),
    path(C + "activiteiten/nieuw/", views_activities.new_request, name="new_request"),
    path(C + "activiteiten/<int:request_id>/", views_activities.request_detail, name="request"),
    path(
        C + "activiteiten/<int:request_id>/wijzigen/",
        views_activities.edit_request,
        name="edit_request",
    ),
    path(
        C + "activiteiten/<int:request_id>/intrekken/",
        views_activities.withdraw_request,
        name="withdraw_request",
    ),
    path(
        C + "activiteiten/<int:request_id>/annuleren/",
        views_activities.cancel_activity,
        name="cancel_activity",
    ),
    path(
        C + "activiteiten/<int:request_id>/uitgaven/",
        views_activities.add_expense,
        name="add_expense",
    ),
    path(C + "bonnen/<int:expense_id>/", views_activities.receipt, name="receipt"),
    path(
        C + "activiteiten/<int:request_id>/evaluatie/",
        views_activities.evaluate,
        name="evaluate",
    ),
    # Budget and figures
    path(C + "budget/", views_budget.budget, name="budget"),
    path(C + "budget/<int:year>/", views_budget.budget_year, name="budget_year"),
    path(C + "budget/<int:year>/instellen/", views_budget.set_budget, name="set_budget"),
    path(C + "cijfers/", views_budget.figures, name="figures"),
    # Meetings
    path(C + "instellingen/", views_meetings.community_settings, name="settings"),
    path(C + "vergaderingen/", views_meetings.meeting_list, name="meetings"),
    path(C + "vergaderingen/nieuw/", views_meetings.new_meeting, name="new_meeting"),
    path(C + "vergaderingen/<int:meeting_id>/", views_meetings.meeting_detail, name="meeting"),
    path(
        C + "vergaderingen/<int:meeting_id>/aanwezigheid/",
        views_meetings.attendance,
        name="attendance",
    ),
    path(
        C + "vergaderingen/<int:meeting_id>/agendapunt/",
        views_meetings.add_item,
        name="add_item",
    ),
    path(
        C + "vergaderingen/<int:meeting_id>/besluit/<int:request_id>/",
        views_meetings.decide,
        name="decide",
    ),
    path(
        C + "vergaderingen/<int:meeting_id>/evaluatie/<int:request_id>/",
        views_meetings.close_evaluation,
        name="close_evaluation",
    ),
    path(C + "vergaderingen/<int:meeting_id>/notulen/", views_meetings.minutes, name="minutes"),
    path(
        C + "vergaderingen/<int:meeting_id>/gehouden/", views_meetings.mark_held, name="mark_held"
    ),
    path(
        C + "vergaderingen/<int:meeting_id>/annuleren/",
        views_meetings.cancel_meeting,
        name="cancel_meeting",
    ),
    path(C + "agenda/", views_meetings.calendar_page, name="calendar"),
]
