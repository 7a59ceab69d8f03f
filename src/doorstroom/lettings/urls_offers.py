from django.urls import path

from doorstroom.lettings import views_offers as views

app_name = "offers"
urlpatterns = [
    path("vacatures/<int:vacancy_id>/", views.vacancy_offers, name="vacancy"),
    path(
        "vacatures/<int:vacancy_id>/aanbieden/kandidaat/<int:application_id>/",
        views.offer_to_applicant,
        name="offer_applicant",
    ),
    path(
        "vacatures/<int:vacancy_id>/aanbieden/voordracht/<int:nomination_id>/",
        views.offer_to_nomination,
        name="offer_nomination",
    ),
    path("<int:offer_id>/reactie/", views.record_response, name="respond"),
    path("<int:offer_id>/intrekken/", views.withdraw, name="withdraw"),
    path("toewijzingen/<int:allocation_id>/", views.allocation_detail, name="allocation"),
    path("toewijzingen/<int:allocation_id>/brief.pdf", views.allocation_letter, name="letter"),
    path("zorg/", views.care_offers, name="care"),
]
