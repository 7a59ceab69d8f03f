"""`doorstroom import-dwellings FILE --corporation NAME|ID [--dry-run]`: the ERP bulk import.

All or nothing: on any bad row every error is printed as "row N, column X: reason" and the
command exits with a non-zero status, having written nothing. docs/import-format.md has the
columns.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import reset_queries
from django.utils.translation import gettext as _

from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind
from doorstroom.portfolio.importing import BATCH_SIZE, ImportFileError, run_import


def find_corporation(value: str) -> Organisation:
    corporations = Organisation.objects.filter(kind=OrganisationKind.CORPORATION)
    if value.strip().isdigit():
        found = list(corporations.filter(pk=int(value)))
    else:
        found = list(corporations.filter(name__iexact=value.strip()))
    if not found:
        raise CommandError(_("There is no housing corporation '%(value)s'.") % {"value": value})
    if len(found) > 1:
        raise CommandError(
            _("Several housing corporations are called '%(value)s'; give the id instead.")
            % {"value": value}
        )
    return found[0]


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


class Command(BaseCommand):
    help = (
        "Import complexes and dwellings from a CSV or XLSX export (one row per dwelling). "
        "All or nothing; see docs/import-format.md."
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
            "--batch-size", type=int, default=BATCH_SIZE, help="Rows handled per batch."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        corporation = find_corporation(options["corporation"])
        verbosity = options["verbosity"]

        def progress(rows: int) -> None:
            # With DEBUG on, Django keeps every query's SQL; forget it so memory stays flat.
            reset_queries()
            if verbosity >= 2:
                self.stdout.write(_("%(rows)s rows read") % {"rows": rows})

        try:
            result = run_import(
                path,
                corporation=corporation,
                acting_user=None,
                actor_label=f"import-dwellings ({_os_user()})",
                dry_run=options["dry_run"],
                batch_size=max(1, options["batch_size"]),
                progress=progress,
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
