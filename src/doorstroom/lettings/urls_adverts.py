"""The public advert pages and the applicant's personal page (mounted at /woningaanbod/)."""

from django.urls import path

from doorstroom.lettings import views_adverts as views

app_name = "adverts"
urlpatterns = [
    path("", views.advert_list, name="list"),
    path("<int:vacancy_id>/", views.advert_detail, name="detail"),
    path("<int:vacancy_id>/reageren/", views.apply, name="apply"),
    path("<int:vacancy_id>/reageren/verzonden/", views.sent, name="sent"),
    path("reactie/<str:token>/", views.applicant_page, name="applicant"),
    path("reactie/<str:token>/intrekken/", views.withdraw, name="withdraw"),
    path("reactie/<str:token>/gesprek/", views.book_interview, name="interview"),
    path("reactie/<str:token>/aanbieding/", views.respond_to_offer, name="offer"),
    path("reactie/<str:token>/toewijzingsbrief.pdf", views.allocation_letter, name="letter"),
]
