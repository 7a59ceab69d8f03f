from django.urls import path

from doorstroom.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.trail_index, name="index"),
    path("<int:organisation_id>/", views.trail, name="trail"),
]
