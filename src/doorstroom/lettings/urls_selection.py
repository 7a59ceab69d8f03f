from django.urls import path

from doorstroom.lettings import views_selection as views

app_name = "selection"
urlpatterns = [
    path("vacatures/<int:vacancy_id>/", views.shortlist, name="shortlist"),
    path("vacatures/<int:vacancy_id>/gesprekken/", views.slots, name="slots"),
    path("reacties/<int:application_id>/", views.application_detail, name="application"),
    path("complexen/<int:complex_id>/beleid/", views.policy, name="policy"),
    path(
        "complexen/<int:complex_id>/beleid/criteria/<int:criterion_id>/",
        views.criterion,
        name="criterion",
    ),
]
