"""`doorstroom import-placements FILE --corporation NAME|ID [--dry-run] [--create-missing]`: the
placements register (shared/spec/outcome-measures.md §1; docs/placements-import.md).

All or nothing: on any bad row every error is printed as "row N, column X: reason" and the
command exits with status 1, having written nothing. Bad arguments (a file that is not there, an
unknown corporation) exit with status 2.
"""

from __future__ import annotations

import getpass
import importlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from doorstroom.portfolio.importing import ImportFileError
from doorstroom.tenancies.register import run_register_import

# The portfolio import command's lookup of a corporation by name or id (a hyphenated module).
find_corporation = importlib.import_module(
    "doorstroom.portfolio.management.commands.import-dwellings"
).find_corporation

#: Exit status for rejected rows, and for bad arguments.
REJECTED, BAD_ARGUMENTS = 1, 2


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


class Command(BaseCommand):
    help = (
        "Import a placements register (one row per placement) from a CSV or XLSX file. All or "
        "nothing and idempotent; see docs/placements-import.md."
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
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create unknown care providers, complexes, dwellings and agreements.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(
                _("File not found: %(path)s") % {"path": path}, returncode=BAD_ARGUMENTS
            )
        try:
            corporation = find_corporation(options["corporation"])
        except CommandError as exc:
            raise CommandError(str(exc), returncode=BAD_ARGUMENTS) from exc
        try:
            result = run_register_import(
                path,
                corporation=corporation,
                acting_user=None,
                actor_label=f"import-placements ({_os_user()})",
                dry_run=options["dry_run"],
                create_missing=options["create_missing"],
            )
        except ImportFileError as exc:
            raise CommandError(exc.message, returncode=REJECTED) from exc
        if not result.ok:
            self.stderr.write(_("Row 1 is the first row under the header."))
            for error in result.errors:
                self.stderr.write(str(error))
            if result.more_errors:
                self.stderr.write(_("… and %(count)s more errors.") % {"count": result.more_errors})
            raise CommandError(
                _("%(count)s errors in %(rows)s rows; nothing has been written.")
                % {"count": result.error_count, "rows": result.rows},
                returncode=REJECTED,
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
