"""The placements register import, mounted at plaatsingen/import/ (config/urls.py)."""

from django.urls import path

from doorstroom.tenancies import views_register as views

app_name = "register"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<uuid:token>/", views.preview, name="preview"),
]
