"""The project pages (mounted at /projecten/, namespace "projects"): the public list and pages
with the visit request form, and under beheer/ the mixed-living manager's pages."""

from django.urls import path

from doorstroom.outcomes import views_project as views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("beheer/", views.manage, name="manage"),
    path("beheer/<int:complex_id>/", views.edit, name="edit"),
    path("beheer/<int:complex_id>/publiceren/", views.publish, name="publish"),
    path("beheer/bezoekverzoeken/", views.request_list, name="requests"),
    path(
        "beheer/bezoekverzoeken/<int:request_id>/afgehandeld/",
        views.mark_handled,
        name="handled",
    ),
    path("<slug:slug>/", views.project_detail, name="detail"),
    path("<slug:slug>/verzonden/", views.sent, name="sent"),
]
