"""`doorstroom import-arrears FILE --corporation NAME|ID [--dry-run]`: rent arrears from the ERP.

All or nothing: on any bad row every error is printed as "row N, column X: reason" and the
command exits with a non-zero status, having written nothing. After a successful import the
arrears rules run (open, escalate, close rent-arrears signals). docs/arrears-import.md has the
columns.
"""

from __future__ import annotations

import getpass
import importlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from doorstroom.portfolio.importing import ImportFileError
from doorstroom.tenancies.arrears import run_arrears_import

# The portfolio import command's lookup of a corporation by name or id (a hyphenated module).
find_corporation = importlib.import_module(
    "doorstroom.portfolio.management.commands.import-dwellings"
).find_corporation


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


class Command(BaseCommand):
    help = (
        "Import rent arrears (one row per dwelling and date) from a CSV or XLSX export, then run "
        "the arrears rules. All or nothing; see docs/arrears-import.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The CSV (comma or semicolon, UTF-8) or XLSX file.")
        parser.add_argument(
            "--corporation", required=True, help="Name or id of the housing corporation."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, but write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        corporation = find_corporation(options["corporation"])
        try:
            result = run_arrears_import(
                path,
                corporation=corporation,
                acting_user=None,
                actor_label=f"import-arrears ({_os_user()})",
                dry_run=options["dry_run"],
            )
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        if not result.ok:
            self.stderr.write(_("Row 1 is the first row under the header."))
            for error in result.errors:
                self.stderr.write(str(error))
            if result.more_errors:
                self.stderr.write(_("… and %(count)s more errors.") % {"count": result.more_errors})
            raise CommandError(
                _("%(count)s errors in %(rows)s rows; nothing has been written.")
                % {"count": result.error_count, "rows": result.rows}
            )
        for line in result.summary():
            self.stdout.write(line)
        if result.dry_run:
            self.stdout.write(_("Dry run: nothing has been written."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported %(rows)s rows for %(corporation)s.")
                    % {"rows": result.rows, "corporation": corporation}
                )
            )
