"""`doorstroom demo-data --seed N`: build the demo world and write var/demo-logins.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings
from django.utils import translation

from doorstroom.demo.world import build_world, logins_as_json

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Load a deterministic demo world into an empty database and print one login per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same world.")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Build the world as seen on this date (YYYY-MM-DD; default: today).",
        )
        parser.add_argument(
            "--logins-file",
            default=str(Path(settings.VAR_DIR) / "demo-logins.json"),
            help="Where to write the logins (default: var/demo-logins.json).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # The demo's applicants and staff get their e-mails in memory, not on the console.
            with translation.override("nl"), override_settings(EMAIL_BACKEND=LOCMEM):
                logins = build_world(options["seed"], today=options["today"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(options["logins_file"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(logins_as_json(logins), indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(self.style.SUCCESS(f"Demo-gegevens geladen (seed {options['seed']})."))
        self.stdout.write(f"Inloggegevens staan in {path}. Per rol één demo-login:\n")
        width = max(len(login.role_label) for login in logins)
        for login in logins:
            self.stdout.write(
                f"  {login.role_label:<{width}}  {login.username:<15} {login.password:<28} "
                + (
                    f"reservecode: {login.backup_codes[0]}   "
                    if login.backup_codes
                    else "geen tweede stap      "
                )
                + f"({login.organisation or 'platform'})"
            )
        self.stdout.write(
            "\nNa het wachtwoord vraagt Doorstroom om een code: gebruik een reservecode uit de lijst "
            "(elke code werkt één keer) of voeg de totp_secret uit het bestand toe aan een "
            "authenticator-app."
        )
