"""URL configuration: each app mounts its own urls under a Dutch path."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from doorstroom.accounts.decorators import public
from doorstroom.config import views

admin.site.site_header = "Doorstroom beheer"
admin.site.site_title = "Doorstroom beheer"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("taal/", public(set_language), name="set_language"),
    path("account/", include("doorstroom.accounts.urls")),
    path("organisaties/", include("doorstroom.organisations.urls")),
    path("audit/", include("doorstroom.audit.urls")),
    path("portefeuille/import/", include("doorstroom.portfolio.urls_import")),
    path("portefeuille/", include("doorstroom.portfolio.urls")),
    path("taakstelling/prognose/", include("doorstroom.outcomes.urls_forecast")),
    path("taakstelling/", include("doorstroom.outcomes.urls")),
    path("uitkomsten/", include("doorstroom.outcomes.urls_dashboard")),
    path("rapportages/", include("doorstroom.outcomes.urls_reports")),
    path("projecten/", include("doorstroom.outcomes.urls_project")),
    path("api/", include("doorstroom.outcomes.urls_api")),
    path("clienten/", include("doorstroom.clients.urls")),
    path("voordrachten/", include("doorstroom.lettings.urls")),
    path("verhuur/selectie/", include("doorstroom.lettings.urls_selection")),
    path("verhuur/aanbiedingen/", include("doorstroom.lettings.urls_offers")),
    path("verhuur/", include("doorstroom.lettings.urls_vacancies")),
    path("woningaanbod/", include("doorstroom.lettings.urls_adverts")),
    path("nazorg/", include("doorstroom.tenancies.urls_aftercare")),
    path("plaatsingen/import/", include("doorstroom.tenancies.urls_register")),
    path("plaatsingen/", include("doorstroom.tenancies.urls_placements")),
    path("signalen/", include("doorstroom.tenancies.urls_signals")),
    path("buurtteam/", include("doorstroom.tenancies.urls_team")),
    path("community/", include("doorstroom.community.urls")),
    path("beheer/", admin.site.urls),
    path("", include("doorstroom.home.urls")),
]
