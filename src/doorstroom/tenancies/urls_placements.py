from django.urls import path

from doorstroom.tenancies import views_placements as views
from doorstroom.tenancies import views_policy

app_name = "placements"
urlpatterns = [
    path("", views.placement_list, name="list"),
    path("<int:placement_id>/", views.placement_detail, name="detail"),
    path(
        "overeenkomsten/<int:agreement_id>/omklapbeleid/",
        views_policy.flip_policy,
        name="flip_policy",
    ),
]
