from django.urls import path

from doorstroom.outcomes import views_api

app_name = "outcomes_api"
urlpatterns = [path("uitkomsten/", views_api.measures, name="measures")]
