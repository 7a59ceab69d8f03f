from django.urls import path

from doorstroom.lettings import views_vacancies as views

app_name = "vacancies"
urlpatterns = [
    path("", views.vacancy_list, name="list"),
    path("vacatures/<int:vacancy_id>/", views.vacancy_detail, name="detail"),
    path("complexen/<int:complex_id>/", views.complex_overview, name="complex"),
]
