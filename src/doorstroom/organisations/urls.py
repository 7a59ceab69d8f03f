from django.urls import path

from doorstroom.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("<int:organisation_id>/", views.organisation_detail, name="detail"),
    path("wisselen/", views.switch_membership, name="switch"),
]
