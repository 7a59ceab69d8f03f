"""The bulk import, mounted at portefeuille/import/ (config/urls.py)."""

from django.urls import path

from doorstroom.portfolio import views_import

app_name = "portfolio_import"
urlpatterns = [
    path("", views_import.upload, name="upload"),
    path("<uuid:token>/", views_import.preview, name="preview"),
]
