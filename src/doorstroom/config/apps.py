from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Project-wide pieces that belong to no domain: settings helpers and the show-config command."""

    name = "doorstroom.config"
    label = "doorstroom_config"
    verbose_name = "Configuration"
