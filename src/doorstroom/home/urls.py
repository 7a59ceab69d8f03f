from django.urls import path

from doorstroom.home import views

app_name = "home"
urlpatterns = [path("", views.start, name="start")]
