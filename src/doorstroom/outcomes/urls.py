from django.urls import path

from doorstroom.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("", views.quota_overview, name="quota"),
    path("nieuw/", views.quota_edit, name="quota_add"),
    path("<int:quota_id>/wijzigen/", views.quota_edit, name="quota_edit"),
]
