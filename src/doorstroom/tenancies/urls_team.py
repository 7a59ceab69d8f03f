"""The neighbourhood team's screen, mounted at buurtteam/ (config/urls.py)."""

from django.urls import path

from doorstroom.tenancies import views_team as views

app_name = "team"
urlpatterns = [
    path("", views.home, name="home"),
    path("doorverwijzingen/<int:referral_id>/actie/", views.action, name="action"),
    path("gebieden/", views.areas, name="areas"),
    path("gebieden/<int:area_id>/verwijderen/", views.remove_area, name="remove_area"),
]
