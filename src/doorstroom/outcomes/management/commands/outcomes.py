"""`doorstroom outcomes --as-of YYYY-MM-DD [--complex CODE] [--care-provider NAME]
[--corporation NAME] [--municipality NAME] --format json|table`: the outcome measures of
../shared/spec/outcome-measures.md for a scope. JSON prints exactly the spec's keys plus
``as_of`` and ``scope``; the table is the same numbers for people. An unknown scope or a bad
date exits with status 2."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from doorstroom.outcomes.measures import KEYS, outcomes
from doorstroom.outcomes.scopes import UnknownScope, placements_for

SCOPES = ("complex", "care_provider", "corporation", "municipality")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--as-of: '{text}' is not a date (YYYY-MM-DD).") from None


def _table(result: dict[str, Any]) -> str:
    lines = [f"as_of: {result['as_of']}"]
    for key, value in result["scope"].items():
        lines.append(f"scope {key}: {value}")
    width = max(len(key) for key in KEYS)
    for key in KEYS:
        value = result[key]
        if key == "starts_by_year":
            shown = ", ".join(f"{year}: {n}" for year, n in value.items()) or "-"
        elif value is None:
            shown = "-"
        elif isinstance(value, float) and (
            key.startswith(("cif", "returns_")) or key.endswith("share")
        ):
            shown = f"{value * 100:.1f}%"
        elif isinstance(value, float):
            shown = f"{value:.1f}"
        else:
            shown = str(value)
        lines.append(f"{key:<{width}}  {shown}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Print the outcome measures (spec section 2) for a scope, as JSON or as a table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", default=None, help="Reference date YYYY-MM-DD (default: today)."
        )
        parser.add_argument("--complex", default=None, help="Complex code.")
        parser.add_argument("--care-provider", default=None, help="Care provider name or id.")
        parser.add_argument("--corporation", default=None, help="Corporation name or id.")
        parser.add_argument("--municipality", default=None, help="Municipality name.")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = _date(options["as_of"]) if options["as_of"] else timezone.localdate()
            scope = {key: options[key] for key in SCOPES if options[key]}
            placements = placements_for(
                None,
                complex_code=scope.get("complex"),
                care_provider=scope.get("care_provider"),
                corporation=scope.get("corporation"),
                municipality=scope.get("municipality"),
            )
        except (ValueError, UnknownScope) as error:
            self.stderr.write(str(error))
            sys.exit(2)
        result = outcomes(placements, as_of, scope)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(_table(result))
