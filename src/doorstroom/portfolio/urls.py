from django.urls import path

from doorstroom.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("complexen/nieuw/", views.complex_edit, name="complex_add"),
    path("complexen/<int:complex_id>/", views.complex_detail, name="complex"),
    path("complexen/<int:complex_id>/wijzigen/", views.complex_edit, name="complex_edit"),
    path("complexen/<int:complex_id>/ruimtes/", views.communal_space_add, name="space_add"),
    path(
        "complexen/<int:complex_id>/ruimtes/<int:space_id>/verwijderen/",
        views.communal_space_remove,
        name="space_remove",
    ),
    path("complexen/<int:complex_id>/woningen/nieuw/", views.dwelling_edit, name="dwelling_add"),
    path(
        "complexen/<int:complex_id>/woningen/<int:dwelling_id>/wijzigen/",
        views.dwelling_edit,
        name="dwelling_edit",
    ),
    path(
        "complexen/<int:complex_id>/overeenkomsten/nieuw/",
        views.agreement_edit,
        name="agreement_add",
    ),
    path(
        "complexen/<int:complex_id>/overeenkomsten/<int:agreement_id>/wijzigen/",
        views.agreement_edit,
        name="agreement_edit",
    ),
    path("woningen/<int:dwelling_id>/", views.dwelling_detail, name="dwelling"),
    path("overeenkomsten/", views.agreement_list, name="agreements"),
    path("overeenkomsten/<int:agreement_id>/", views.agreement_detail, name="agreement"),
    path("overeenkomsten/<int:agreement_id>/huren/", views.agreement_lease, name="agreement_lease"),
    path(
        "overeenkomsten/<int:agreement_id>/huur/<int:lease_id>/teruggeven/",
        views.agreement_hand_back,
        name="agreement_hand_back",
    ),
    path("geschiktheid/criteria/", views.suitability_policy, name="suitability_policy"),
]
