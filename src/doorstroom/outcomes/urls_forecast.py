"""The quota ledger and forecast, mounted at /taakstelling/prognose/ (namespace "forecast")."""

from django.urls import path

from doorstroom.outcomes import views_forecast

app_name = "forecast"
urlpatterns = [
    path("", views_forecast.ledger_overview, name="ledger"),
    path(
        "<int:municipality_id>/<int:corporation_id>/",
        views_forecast.forecast_detail,
        name="detail",
    ),
]
