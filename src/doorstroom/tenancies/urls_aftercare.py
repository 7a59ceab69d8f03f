from django.urls import path

from doorstroom.tenancies import views_aftercare

app_name = "aftercare"
urlpatterns = [
    path("", views_aftercare.check_in_list, name="list"),
    path("<int:check_in_id>/", views_aftercare.record, name="record"),
]
