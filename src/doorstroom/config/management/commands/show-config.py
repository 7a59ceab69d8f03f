"""`doorstroom show-config`: every environment variable, its meaning and whether it is set."""

import os
from typing import Any

from django.core.management.base import BaseCommand

from doorstroom.config.env import REQUIRED, VARIABLES


class Command(BaseCommand):
    help = "List the environment variables Doorstroom reads, with their meaning and default."

    def handle(self, *args: Any, **options: Any) -> None:
        for variable in VARIABLES.values():
            is_set = variable.name in os.environ
            if variable.secret:
                shown = "(set)" if is_set else "(not set)"
            else:
                shown = os.environ.get(variable.name, "(default)")
            if variable.default is REQUIRED:
                default = "required"
            elif variable.secret:
                default = "(secret)"
            else:
                default = repr(variable.default)
            self.stdout.write(
                f"{variable.name} = {shown}\n    {variable.help}\n    default: {default}"
            )
