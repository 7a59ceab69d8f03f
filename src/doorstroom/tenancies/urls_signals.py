"""Early warning, mounted at signalen/ (config/urls.py)."""

from django.urls import path

from doorstroom.tenancies import views_signals as views

app_name = "signals"
urlpatterns = [
    path("", views.signal_list, name="list"),
    path("nieuw/", views.signal_new, name="new"),
    path("<int:signal_id>/", views.signal_detail, name="detail"),
    path("<int:signal_id>/sluiten/", views.signal_close, name="close"),
    path("<int:signal_id>/doorverwijzen/", views.signal_refer, name="refer"),
    path("doorverwijzingen/", views.received, name="received"),
    path("doorverwijzingen/<int:referral_id>/actie/", views.received_action, name="action"),
    path("achterstanden/", views.arrears_upload, name="arrears"),
    path("achterstanden/<uuid:token>/", views.arrears_preview, name="arrears_preview"),
]
