from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "doorstroom.demo"
    label = "demo"
    verbose_name = "Demo data"
