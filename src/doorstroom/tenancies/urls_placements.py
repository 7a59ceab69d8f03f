from django.urls import path

from doorstroom.tenancies import views_placements as views

app_name = "placements"
urlpatterns = [
    path("", views.placement_list, name="list"),
    path("<int:placement_id>/", views.placement_detail, name="detail"),
]
