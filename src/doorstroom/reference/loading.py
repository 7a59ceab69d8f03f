"""Loading the VERA reference list (reference/data/vera-referentiedata.csv) into the database."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "vera-referentiedata.csv"


#: The published list has a few malformed dates ('31-01-2025.', '22-11-24', '14-02-205').
UNREADABLE_END_DATE = dt.date(2000, 1, 1)


def _date(value: str) -> dt.date | None:
    """Parse D-M-YYYY; a two-digit year is 20YY. Returns None when the value is unreadable."""
    parts = value.strip().rstrip(".").split("-")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    day, month, year = (int(part) for part in parts)
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day) if year >= 1900 else None
    except ValueError:
        return None


def _end_date(value: str) -> dt.date | None:
    """An end date that is present but unreadable still means the code is obsolete."""
    if not value.strip():
        return None
    return _date(value) or UNREADABLE_END_DATE


def read_rows(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        rows = {}
        for row in reader:
            item = {
                "list_name": row["Soort"].strip(),
                "code": row["Code"].strip(),
                "name": row["Naam"].strip()[:200],
                "description": (row.get("Omschrijving") or "").strip(),
                "valid_from": _date(row.get("Begindatum") or ""),
                "valid_until": _end_date(row.get("Einddatum") or ""),
                "parent": (row.get("Parent") or "").strip(),
                "domain": (row.get("Informatiedomein") or "").strip(),
            }
            rows[(item["list_name"], item["code"], item["parent"], item["valid_until"])] = item
        return list(rows.values())


def load(model: Any) -> int:
    """Insert every code that is not there yet; returns how many were added."""
    existing = set(model.objects.values_list("list_name", "code", "parent", "valid_until"))
    new = [
        model(**row)
        for row in read_rows()
        if (row["list_name"], row["code"], row["parent"], row["valid_until"]) not in existing
    ]
    model.objects.bulk_create(new, batch_size=500)
    return len(new)
