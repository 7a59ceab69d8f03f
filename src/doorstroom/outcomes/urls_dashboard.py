"""The outcome dashboards; mounted at /uitkomsten/ with the namespace "dashboard"."""

from django.urls import path

from doorstroom.outcomes import views_dashboard

app_name = "dashboard"
urlpatterns = [
    path("", views_dashboard.overview, name="overview"),
    path("definities/", views_dashboard.definitions, name="definitions"),
]
