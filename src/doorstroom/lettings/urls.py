from django.urls import path

from doorstroom.lettings import views

app_name = "lettings"
urlpatterns = [
    path("", views.own_nominations, name="own"),
    path("clienten/<int:client_id>/voordragen/", views.nominate, name="nominate"),
    path("<int:nomination_id>/intrekken/", views.withdraw, name="withdraw"),
    path("afwijkingen/", views.overrides, name="overrides"),
    path("inkomend/", views.incoming, name="incoming"),
    path("plaatsingsoverleg/", views.meeting_list, name="meetings"),
    path("plaatsingsoverleg/nieuw/", views.meeting_add, name="meeting_add"),
    path("plaatsingsoverleg/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path(
        "plaatsingsoverleg/<int:meeting_id>/voordrachten/<int:nomination_id>/besluit/",
        views.decide,
        name="decide",
    ),
]
