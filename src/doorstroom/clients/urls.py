from django.urls import path

from doorstroom.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("toestemming/", views.consent_due, name="consent_due"),
    path("overzicht/", views.provider_overview, name="overview"),
    path("voorwaarden/", views.readiness_policy, name="readiness_policy"),
    path("nieuw/", views.client_edit, name="add"),
    path("<int:client_id>/", views.client_detail, name="detail"),
    path("<int:client_id>/wijzigen/", views.client_edit, name="edit"),
    path("<int:client_id>/bsn/", views.reveal_bsn, name="reveal_bsn"),
    path("<int:client_id>/controles/", views.checks, name="checks"),
    path("<int:client_id>/zrm/", views.assessments, name="assessments"),
    path("<int:client_id>/zrm/nieuw/", views.assessment_add, name="assessment_add"),
    path("<int:client_id>/toestemming/nieuw/", views.consent_add, name="consent_add"),
    path(
        "<int:client_id>/toestemming/<int:consent_id>/intrekken/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:client_id>/plan/doelen/nieuw/", views.goal_add, name="goal_add"),
    path("<int:client_id>/plan/acties/nieuw/", views.action_add, name="action_add"),
    path(
        "<int:client_id>/plan/acties/<int:action_id>/gedaan/",
        views.action_done,
        name="action_done",
    ),
    path("<int:client_id>/plan/evaluatie/", views.review_hold, name="review_hold"),
]
