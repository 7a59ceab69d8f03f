"""Bulk import of complexes and dwellings from a corporation's ERP export (CSV or XLSX).

One row per dwelling, keyed by its VHE code; the complex is named by its code and created or
updated from optional complex columns on the rows (docs/import-format.md has the columns).

The import is all-or-nothing: every row is validated with the model's own field validation and
the services' rules, all errors are collected (the first ``MAX_ERRORS`` are kept, the rest
counted) and when any row is bad the one transaction is rolled back. A dry run (the preview) is
the same run in a transaction that is always rolled back.

Streaming: rows are read lazily and handled in batches of ``BATCH_SIZE``: per batch one query
for the existing dwellings by VHE code, one ``bulk_create``, one ``bulk_update`` and one
``bulk_create`` of audit events. Nothing that grows with the file is kept in Python. Duplicate
VHE codes within the file are found through a temporary table inside the transaction, so the
database rather than a Python set remembers every code seen. What is kept in memory is bounded:
the current batch, at most ``MAX_ERRORS`` errors, ``SAMPLE_SIZE`` sample changes and one small
record per complex of the corporation that the file names (complexes are few: a corporation
with 100,000 dwellings has a few thousand complexes at most).
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.audit.models import AuditEvent
from doorstroom.audit.services import saved_event, snapshot_fields
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind
from doorstroom.portfolio import services
from doorstroom.portfolio.models import CareLease, Complex, Dwelling, Furnishing, RegularTenancy
from doorstroom.portfolio.validators import normalise_postcode

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
MAX_ERRORS = 1000
SAMPLE_SIZE = 10
#: The temporary table that remembers every VHE code seen in this run (dropped with the run).
SEEN_TABLE = "doorstroom_import_seen"

COMPLEX = "complex"
DWELLING = "dwelling"


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, or required columns are missing)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Columns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the import: its English name, its Dutch name, and the other accepted names."""

    name: str
    dutch: str
    target: str  # COMPLEX or DWELLING
    field: str  # the model field it fills
    kind: str = "text"  # text, integer, decimal, boolean, furnishing, code, postcode
    required: bool = False
    aliases: tuple[str, ...] = ()
    description: Any = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, self.dutch, *self.aliases)


COLUMNS: tuple[Column, ...] = (
    Column(
        "vhe_code",
        "vhe",
        DWELLING,
        "vhe_code",
        required=True,
        aliases=("vhe-code", "vhecode", "vhe_nummer", "eenheid", "eenheidnummer", "eenheidsnummer"),
        description=gettext_lazy(
            "The dwelling's VHE code (verhuureenheid), unique per corporation."
        ),
    ),
    Column(
        "complex_code",
        "complexcode",
        COMPLEX,
        "code",
        required=True,
        aliases=("complex", "complexnummer"),
        description=gettext_lazy("The code of the complex the dwelling belongs to."),
    ),
    Column(
        "complex_name",
        "complexnaam",
        COMPLEX,
        "name",
        description=gettext_lazy("Name of the complex. Needed to create a new complex."),
    ),
    Column(
        "typology",
        "ontsluiting",
        COMPLEX,
        "typology",
        kind="code",
        aliases=("ontsluitingstype", "typologie"),
        description=gettext_lazy(
            "Access typology of the complex, a VERA code such as GAL or POF. Needed to create a new complex."
        ),
    ),
    Column(
        "year_built",
        "bouwjaar",
        COMPLEX,
        "year_built",
        kind="integer",
        description=gettext_lazy("Year the complex was built. Needed to create a new complex."),
    ),
    Column(
        "floors",
        "bouwlagen",
        COMPLEX,
        "floors",
        kind="integer",
        aliases=("verdiepingen", "aantal_bouwlagen"),
        description=gettext_lazy("Number of floors. Needed to create a new complex."),
    ),
    Column(
        "municipality",
        "gemeente",
        COMPLEX,
        "municipality_name",
        description=gettext_lazy("Municipality of the complex. Needed to create a new complex."),
    ),
    Column(
        "staff_present_daily",
        "dagelijks_personeel",
        COMPLEX,
        "staff_present_daily",
        kind="boolean",
        description=gettext_lazy("Staff on site daily: ja/nee, yes/no, 1/0 or true/false."),
    ),
    Column(
        "complex_street",
        "complex_straat",
        COMPLEX,
        "street",
        aliases=("complex_adres", "complexadres"),
        description=gettext_lazy(
            "Street and number of the complex; if left out, a new complex gets the address of its first dwelling."
        ),
    ),
    Column(
        "complex_postcode",
        "complex_postcode",
        COMPLEX,
        "postcode",
        kind="postcode",
        description=gettext_lazy("Postcode of the complex."),
    ),
    Column(
        "complex_city",
        "complex_plaats",
        COMPLEX,
        "city",
        aliases=("complex_woonplaats",),
        description=gettext_lazy("Place of the complex."),
    ),
    Column(
        "street",
        "straat",
        DWELLING,
        "street",
        required=True,
        aliases=("straatnaam",),
        description=gettext_lazy("Street of the dwelling."),
    ),
    Column(
        "house_number",
        "huisnummer",
        DWELLING,
        "house_number",
        kind="integer",
        required=True,
        description=gettext_lazy("House number, a whole number."),
    ),
    Column(
        "addition",
        "toevoeging",
        DWELLING,
        "house_number_addition",
        aliases=("huisnummertoevoeging", "huisletter", "house_number_addition"),
        description=gettext_lazy("House letter or number addition, e.g. A or 2 (optional)."),
    ),
    Column(
        "postcode",
        "postcode",
        DWELLING,
        "postcode",
        kind="postcode",
        required=True,
        description=gettext_lazy("Dutch postcode, e.g. 3526 KL or 3526kl."),
    ),
    Column(
        "city",
        "plaats",
        DWELLING,
        "city",
        required=True,
        aliases=("woonplaats", "place"),
        description=gettext_lazy("Place of the dwelling."),
    ),
    Column(
        "dwelling_type",
        "woningtype",
        DWELLING,
        "dwelling_type",
        kind="code",
        required=True,
        description=gettext_lazy("Dwelling type, a VERA code such as GAL, POF or TUS."),
    ),
    Column(
        "rooms",
        "kamers",
        DWELLING,
        "rooms",
        kind="integer",
        required=True,
        aliases=("aantal_kamers",),
        description=gettext_lazy("Number of rooms, a whole number."),
    ),
    Column(
        "floor_area",
        "oppervlakte",
        DWELLING,
        "floor_area",
        kind="decimal",
        required=True,
        aliases=("woonoppervlakte", "m2", "m²"),
        description=gettext_lazy("Floor area in m², e.g. 54,5."),
    ),
    Column(
        "net_rent",
        "kale_huur",
        DWELLING,
        "net_rent",
        kind="decimal",
        required=True,
        aliases=("kalehuur", "nettohuur", "netto_huur"),
        description=gettext_lazy("Net rent in euros per month, e.g. 612,50 or € 612.50."),
    ),
    Column(
        "service_costs",
        "servicekosten",
        DWELLING,
        "service_costs",
        kind="decimal",
        description=gettext_lazy("Service costs in euros per month (optional; empty is 0)."),
    ),
    Column(
        "furnishing",
        "gemeubileerd",
        DWELLING,
        "furnishing",
        kind="furnishing",
        aliases=("inrichting",),
        description=gettext_lazy(
            "none, partly or fully; also nee, deels, gestoffeerd (partly) or volledig (optional; empty is none)."
        ),
    ),
    Column(
        "accessibility",
        "toegankelijkheid",
        DWELLING,
        "accessibility",
        kind="code",
        aliases=("toegankelijkheidslabel",),
        description=gettext_lazy("VERA accessibility label such as NUL (optional)."),
    ),
)

BY_NAME: dict[str, Column] = {column.name: column for column in COLUMNS}
#: The complex fields a row must give when it names a complex that does not exist yet.
COMPLEX_REQUIRED = ("complex_name", "typology", "year_built", "floors", "municipality")
#: Where a complex's address comes from when the file has no complex address columns.
COMPLEX_ADDRESS = {
    "street": "complex_street",
    "postcode": "complex_postcode",
    "city": "complex_city",
}
_COMPLEX_COLUMNS = frozenset(c.name for c in COLUMNS if c.target == COMPLEX)
_DWELLING_ADDRESS = frozenset({"street", "house_number", "addition", "postcode", "city"})


def normalise_header(text: str) -> str:
    """'Kale huur (€)' -> 'kale_huur'; 'VHE-code' -> 'vhe_code'."""
    text = re.sub(r"\(.*?\)", "", str(text or "")).strip().lower()
    return re.sub(r"[\s\-./]+", "_", text).strip("_")


_ALIASES: dict[str, str] = {
    normalise_header(alias): column.name for column in COLUMNS for alias in column.names
}


@dataclass(frozen=True)
class Header:
    """Where each known column is in the file, and under which name the file calls it."""

    index: dict[str, int]
    label: dict[str, str]
    ignored: tuple[str, ...]
    columns: dict[str, Column]

    def has(self, name: str) -> bool:
        return name in self.index

    def name_of(self, name: str) -> str:
        """The column as the file calls it (or its Dutch name when the file lacks it)."""
        return self.label.get(name) or self.columns[name].dutch


def map_header(cells: Sequence[Any], columns: Sequence[Column] = COLUMNS) -> Header:
    """Map the header row onto ``columns`` (by any of their names, Dutch or English)."""
    aliases = (
        _ALIASES
        if columns is COLUMNS
        else {normalise_header(alias): c.name for c in columns for alias in c.names}
    )
    index: dict[str, int] = {}
    label: dict[str, str] = {}
    ignored: list[str] = []
    for position, cell in enumerate(cells):
        text = str(cell or "").strip()
        if not text:
            continue
        name = aliases.get(normalise_header(text))
        if name is None:
            ignored.append(text)
            continue
        if name in index:
            raise ImportFileError(
                _("Columns '%(first)s' and '%(second)s' both mean '%(name)s'; keep one of them.")
                % {"first": label[name], "second": text, "name": name}
            )
        index[name], label[name] = position, text
    missing = [column for column in columns if column.required and column.name not in index]
    if missing:
        raise ImportFileError(
            _(
                "The file lacks the required column(s) %(columns)s. The first row must hold the "
                "column names; see the import format."
            )
            % {"columns": ", ".join(f"{c.dutch} ({c.name})" for c in missing)}
        )
    return Header(index, label, tuple(ignored), {column.name: column for column in columns})


# --- Reading the file lazily ------------------------------------------------------------------

Rows = Iterator[tuple[int, list[str]]]


def _cell_text(value: Any) -> str:
    """An XLSX cell value as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _is_blank(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _numbered(rows: Iterator[list[str]]) -> Rows:
    """Number the data rows (1 = the first row under the header) and skip empty rows."""
    number = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _(
                    "The file is not UTF-8 text (after row %(row)s). Save it as 'CSV UTF-8' or as XLSX."
                )
                % {"row": number}
            ) from exc
        except csv.Error as exc:
            raise ImportFileError(
                _("Row %(row)s cannot be read as CSV: %(error)s")
                % {"row": number + 1, "error": exc}
            ) from exc
        number += 1
        if not _is_blank(cells):
            yield number, cells


def _kind_of(path: Path) -> str:
    with path.open("rb") as handle:
        start = handle.read(8)
    if start.startswith(b"PK\x03\x04"):
        return "xlsx"
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or as CSV UTF-8.")
        )
    if path.suffix.lower() == ".xlsx":
        raise ImportFileError(_("This is not a readable XLSX file."))
    return "csv"


@contextmanager
def open_table(path: Path) -> Iterator[tuple[list[str], Rows]]:
    """Yield the header cells and a lazy iterator of (row number, cells); closes the file after."""
    if _kind_of(path) == "xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("This is not a readable XLSX file.")) from exc
        try:
            sheet = workbook.worksheets[0]
            # Exporters often write wrong dimensions; without this a sheet may look empty.
            sheet.reset_dimensions()
            values = sheet.iter_rows(values_only=True)
            first = next(values, None)
            if first is None or _is_blank([_cell_text(v) for v in first]):
                raise ImportFileError(_("The first row must hold the column names."))
            cells = ([_cell_text(v) for v in row] for row in values)
            yield [_cell_text(v) for v in first], _numbered(cells)
        finally:
            workbook.close()
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            first_line = handle.readline()
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("The file is not UTF-8 text. Save it as 'CSV UTF-8' or as XLSX.")
            ) from exc
        if not first_line.strip():
            raise ImportFileError(_("The first row must hold the column names."))
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        try:
            header = next(csv.reader([first_line], delimiter=delimiter))
        except csv.Error as exc:
            raise ImportFileError(
                _("The first row cannot be read as CSV: %(error)s") % {"error": exc}
            ) from exc
        yield header, _numbered(csv.reader(handle, delimiter=delimiter))


# --- Converting cells -------------------------------------------------------------------------

_TRUE = {"ja", "j", "yes", "y", "1", "true", "waar", "x"}
_FALSE = {"nee", "n", "no", "0", "false", "onwaar"}
_FURNISHING: dict[str, str] = {
    "none": Furnishing.NONE.value,
    "nee": Furnishing.NONE.value,
    "no": Furnishing.NONE.value,
    "geen": Furnishing.NONE.value,
    "kaal": Furnishing.NONE.value,
    "ongemeubileerd": Furnishing.NONE.value,
    "partly": Furnishing.PARTLY.value,
    "deels": Furnishing.PARTLY.value,
    "gedeeltelijk": Furnishing.PARTLY.value,
    "gestoffeerd": Furnishing.PARTLY.value,
    "fully": Furnishing.FULLY.value,
    "volledig": Furnishing.FULLY.value,
    "gemeubileerd": Furnishing.FULLY.value,
    "ja": Furnishing.FULLY.value,
    "yes": Furnishing.FULLY.value,
}
_INTEGER = re.compile(r"[+-]?\d+")
_PLAIN_DECIMAL = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
#: Thousands grouped with one separator throughout, then optionally the other as decimal point.
_GROUPED_DECIMAL = re.compile(r"[+-]?\d{1,3}([.,])\d{3}(?:\1\d{3})*(?:([.,])\d+)?")


def parse_decimal(raw: str) -> Decimal:
    """'612,50', '€ 612.50', '1.234,50' and '1,234.50' -> Decimal; one separator is the decimal one."""
    text = raw.replace("€", "").replace("\u00a0", "").replace(" ", "")
    if _PLAIN_DECIMAL.fullmatch(text):
        return Decimal(text.replace(",", "."))
    match = _GROUPED_DECIMAL.fullmatch(text)
    if match and match.group(2) != match.group(1):
        return Decimal(text.replace(match.group(1), "").replace(",", "."))
    raise ValueError(raw)


def _convert(column: Column, raw: str) -> Any:
    """The cell's value for the model, or ValidationError with a reason for the person importing."""
    if column.kind == "integer":
        if not _INTEGER.fullmatch(raw):
            raise ValidationError(_("'%(value)s' is not a whole number.") % {"value": raw})
        return int(raw)
    if column.kind == "decimal":
        try:
            return parse_decimal(raw)
        except (ValueError, InvalidOperation):
            raise ValidationError(
                _("'%(value)s' is not a number (write e.g. 612,50 or 612.50).") % {"value": raw}
            ) from None
    if column.kind == "boolean":
        lowered = raw.lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ValidationError(
            _("'%(value)s' is not yes or no (write ja, nee, yes, no, 1 or 0).") % {"value": raw}
        )
    if column.kind == "furnishing":
        try:
            return _FURNISHING[raw.lower()]
        except KeyError:
            raise ValidationError(
                _(
                    "'%(value)s' is not a furnishing (write none, partly or fully; or nee, deels, "
                    "gestoffeerd or volledig)."
                )
                % {"value": raw}
            ) from None
    if column.kind == "postcode":
        return normalise_postcode(raw)
    if column.kind == "code":
        return raw.upper()
    return raw


def messages_of(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


# --- Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One reason a row is refused. ``row`` 1 is the first row under the header."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return str(self.message)
        return _("row %(row)s, column %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.message,
        }


@dataclass
class Counts:
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.changed + self.unchanged


@dataclass(frozen=True)
class Change:
    """A sample of what an import changes in one complex or dwelling: (field, old, new) triples."""

    kind: str
    code: str
    fields: tuple[tuple[str, str, str], ...]


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    complexes: Counts = field(default_factory=Counts)
    dwellings: Counts = field(default_factory=Counts)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    changes: list[Change] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)

    def add_errors(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        room = MAX_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(errors[:room])

    def summary(self) -> list[str]:
        return [
            _("Complexes: %(created)s created, %(changed)s changed, %(unchanged)s unchanged.")
            % vars(self.complexes),
            _("Dwellings: %(created)s created, %(changed)s changed, %(unchanged)s unchanged.")
            % vars(self.dwellings),
        ]


# --- The import -------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    vhe_code: str = ""
    complex_code: str = ""
    dwelling: Dwelling | None = None
    #: Complex field -> value, for the complex columns this row fills in.
    complex_values: dict[str, Any] = field(default_factory=dict)
    #: The columns of this row that have an error.
    bad: set[str] = field(default_factory=set)
    ok: bool = True

    @property
    def complex_invalid(self) -> bool:
        return bool(self.bad & _COMPLEX_COLUMNS)


@dataclass
class _ComplexState:
    """What this run knows of one complex: the object, and which row set which field."""

    obj: Complex | None
    first_row: int
    given: dict[str, tuple[Any, int]] = field(default_factory=dict)
    before: dict[str, Any] | None = None
    created: bool = False
    changed: bool = False
    failed: bool = False


def _field_label(model: type[models.Model], name: str) -> str:
    field_ = model._meta.get_field(name.removesuffix("_id"))
    return str(getattr(field_, "verbose_name", name))


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return str(formats.localize(value))  # 612,50 in Dutch
    return str(value)


def _quantize(dwelling: Dwelling) -> None:
    for name in ("floor_area", "net_rent", "service_costs"):
        places = Dwelling._meta.get_field(name).decimal_places  # type: ignore[union-attr]
        value = getattr(dwelling, name)
        # Far too many digits cannot be quantized; the field's validation refused those already.
        if isinstance(value, Decimal):
            with suppress(InvalidOperation):
                setattr(dwelling, name, value.quantize(Decimal(1).scaleb(-places)))


class _Importer:
    def __init__(
        self,
        *,
        corporation: Organisation,
        acting_user: Any,
        actor_label: str,
        dry_run: bool,
        batch_size: int,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.corporation = corporation
        self.acting_user = acting_user
        self.actor_label = actor_label
        self.batch_size = batch_size
        self.progress = progress
        self.result = ImportResult(dry_run=dry_run)
        self.complexes: dict[str, _ComplexState] = {}
        self.dirty: list[_ComplexState] = []
        self.valid_typologies: set[str] = set()
        self.header: Header

    # The run ----------------------------------------------------------------------------------

    def run(self, path: Path) -> ImportResult:
        with open_table(path) as (cells, rows):
            self.header = map_header(cells)
            self.result.ignored_columns = self.header.ignored
            with transaction.atomic():
                if not self.result.dry_run:
                    # One import per corporation at a time (PostgreSQL; SQLite writes serially).
                    list(Organisation.objects.select_for_update().filter(pk=self.corporation.pk))
                self._create_seen_table()
                while batch := list(islice(rows, self.batch_size)):
                    self.result.rows += len(batch)
                    if not self._batch(batch):
                        break
                    if self.progress:
                        self.progress(self.result.rows)
                self._count_complexes()
                self._drop_seen_table()
                if not self.result.written:
                    transaction.set_rollback(True)
        return self.result

    def _batch(self, batch: list[tuple[int, list[str]]]) -> bool:
        errors: list[RowError] = []
        rows = [self._parse(number, cells, errors) for number, cells in batch]
        try:
            # A savepoint per batch, so a refusal by the database is reported, not a crash.
            with transaction.atomic():
                self._check_duplicates(rows, errors)
                self._resolve_complexes(rows, errors)
                self._flush_complexes()
                self._write_dwellings(rows, errors)
        except DatabaseError:
            # Validation should make this impossible; a concurrent change can still cause it.
            logger.exception(
                "import for corporation %s refused by the database", self.corporation.pk
            )
            errors.append(
                RowError(
                    None,
                    "",
                    _(
                        "The database refused rows %(first)s to %(last)s, perhaps because someone "
                        "changed the same dwellings at the same time. Nothing was imported; try "
                        "again, and report this if it happens again."
                    )
                    % {"first": batch[0][0], "last": batch[-1][0]},
                )
            )
            self.result.add_errors(errors)
            return False
        errors.sort(key=lambda error: error.row or 0)
        self.result.add_errors(errors)
        return True

    # Parsing one row (no database) ------------------------------------------------------------

    def _error(self, errors: list[RowError], row: _Row, column: str, message: str) -> None:
        errors.append(RowError(row.number, self.header.name_of(column), message))

    def _cells(self, cells: list[str]) -> dict[str, str]:
        return {
            name: (cells[index].strip() if index < len(cells) else "")
            for name, index in self.header.index.items()
        }

    def _parse(self, number: int, raw_cells: list[str], errors: list[RowError]) -> _Row:
        row = _Row(number)
        cells = self._cells(raw_cells)
        dwelling_values: dict[str, Any] = {}
        bad = row.bad
        for name, raw in cells.items():
            column = BY_NAME[name]
            if not raw:
                if column.required:
                    self._error(errors, row, name, _("This column is required; the cell is empty."))
                    bad.add(name)
                continue
            try:
                value = _convert(column, raw)
            except ValidationError as exc:
                self._error(errors, row, name, messages_of(exc))
                bad.add(name)
                continue
            if column.target == DWELLING:
                dwelling_values[column.field] = value
            elif name == "complex_code":
                row.complex_code = value
            else:
                row.complex_values[column.field] = value
        row.vhe_code = cells.get("vhe_code", "")
        if row.complex_code:
            self._check_complex_code(row, errors, bad)
        self._check_complex_values(row, errors, bad)
        row.dwelling = self._check_dwelling(row, dwelling_values, errors, bad)
        # A row with any error is not written; its valid complex columns still count, so one
        # bad dwelling does not make every other dwelling of a new complex an error too.
        row.ok = not bad
        return row

    def _check_complex_code(self, row: _Row, errors: list[RowError], bad: set[str]) -> None:
        try:
            Complex._meta.get_field("code").clean(row.complex_code, None)
        except ValidationError as exc:
            self._error(errors, row, "complex_code", messages_of(exc))
            bad.add("complex_code")
            row.complex_code = ""

    def _check_complex_values(self, row: _Row, errors: list[RowError], bad: set[str]) -> None:
        by_field = {c.field: c.name for c in COLUMNS if c.target == COMPLEX}
        state = self.complexes.get(row.complex_code)
        for field_name, value in list(row.complex_values.items()):
            name = by_field[field_name]
            if (
                state is not None
                and field_name in state.given
                and state.given[field_name][0] == value
            ):
                continue  # validated when an earlier row gave it
            try:
                Complex._meta.get_field(field_name).clean(value, None)  # type: ignore[union-attr]
                if field_name == "typology" and value not in self.valid_typologies:
                    services.validate_codes(Complex(typology=value))
                    self.valid_typologies.add(value)  # bounded by the VERA list
            except ValidationError as exc:
                self._error(errors, row, name, messages_of(exc))
                bad.add(name)
                del row.complex_values[field_name]

    def _check_dwelling(
        self, row: _Row, values: dict[str, Any], errors: list[RowError], bad: set[str]
    ) -> Dwelling:
        by_field = {c.field: c.name for c in COLUMNS if c.target == DWELLING}
        dwelling = Dwelling(corporation_id=self.corporation.pk, **values)
        exclude = ["corporation", "complex", *(BY_NAME[name].field for name in bad)]
        problems: dict[str, list[str]] = {}
        try:
            dwelling.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems.update(exc.message_dict)
        try:
            services.validate_codes(dwelling)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                if field_name not in exclude and field_name not in problems:
                    problems[field_name] = messages
        for field_name, messages in problems.items():
            name = by_field.get(field_name, "vhe_code")
            if field_name == NON_FIELD_ERRORS:
                name = "vhe_code"
            self._error(errors, row, name, " ".join(messages))
            bad.add(name)
        _quantize(dwelling)
        return dwelling

    # Duplicates, through the database --------------------------------------------------------

    def _create_seen_table(self) -> None:
        # Created inside the transaction: a rollback removes it, a commit follows its drop.
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {SEEN_TABLE} "
                "(vhe_code TEXT NOT NULL PRIMARY KEY, row_number INTEGER NOT NULL)"
            )

    def _drop_seen_table(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SEEN_TABLE}")

    def _check_duplicates(self, rows: list[_Row], errors: list[RowError]) -> None:
        """Refuse a VHE code seen before in this file: earlier in this batch, or in the table."""
        first: dict[str, int] = {}
        for row in rows:
            if row.vhe_code:
                first.setdefault(row.vhe_code, row.number)
        if not first:
            return
        placeholders = ", ".join(["%s"] * len(first))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT vhe_code, row_number FROM {SEEN_TABLE} "  # noqa: S608 (only placeholders)
                f"WHERE vhe_code IN ({placeholders})",
                list(first),
            )
            earlier = dict(cursor.fetchall())
            new = [(code, number) for code, number in first.items() if code not in earlier]
            if new:
                cursor.executemany(
                    f"INSERT INTO {SEEN_TABLE} (vhe_code, row_number) VALUES (%s, %s)",  # noqa: S608
                    new,
                )
        for row in rows:
            if row.vhe_code in earlier:
                self._duplicate(row, earlier[row.vhe_code], errors)
            elif row.vhe_code and first[row.vhe_code] != row.number:
                self._duplicate(row, first[row.vhe_code], errors)

    def _duplicate(self, row: _Row, first_row: int, errors: list[RowError]) -> None:
        self._error(
            errors,
            row,
            "vhe_code",
            _("VHE code '%(code)s' is in the file more than once (first in row %(row)s).")
            % {"code": row.vhe_code, "row": first_row},
        )
        row.ok = False

    # Complexes --------------------------------------------------------------------------------

    def _resolve_complexes(self, rows: list[_Row], errors: list[RowError]) -> None:
        unknown = {row.complex_code for row in rows if row.complex_code} - set(self.complexes)
        if unknown:
            for complex_ in Complex.objects.filter(corporation=self.corporation, code__in=unknown):
                self.complexes[complex_.code] = _ComplexState(complex_, first_row=0)
        for row in rows:
            if not row.complex_code:
                row.ok = False
                continue
            state = self.complexes.get(row.complex_code)
            if state is None:
                state = self._new_complex(row, errors)
                if state is None:
                    row.ok = False
                    continue
            elif state.failed:
                self._error(
                    errors,
                    row,
                    "complex_code",
                    _("Complex '%(code)s' could not be created or changed; see row %(row)s.")
                    % {"code": row.complex_code, "row": state.first_row},
                )
                row.ok = False
                continue
            elif not self._update_complex(state, row, errors):
                row.ok = False

    def _new_complex(self, row: _Row, errors: list[RowError]) -> _ComplexState | None:
        """Create the complex from this row's complex columns, or report why that cannot be.

        When this row cannot create it (columns missing or wrong), nothing is remembered, so a
        later row that does give the complex's columns still creates it.
        """
        by_field = {c.field: c.name for c in COLUMNS if c.target == COMPLEX}
        if row.complex_invalid:
            return None  # the wrong complex column is reported already
        missing = [
            name for name in COMPLEX_REQUIRED if BY_NAME[name].field not in row.complex_values
        ]
        if missing:
            self._error(
                errors,
                row,
                "complex_code",
                _(
                    "This dwelling is of an unknown complex: '%(code)s' does not exist for this "
                    "corporation, and this row lacks what is needed to create it: %(columns)s."
                )
                % {
                    "code": row.complex_code,
                    "columns": ", ".join(self.header.name_of(name) for name in missing),
                },
            )
            return None
        values = dict(row.complex_values)
        dwelling = row.dwelling
        address_from: dict[str, str] = {}
        for field_name, column in COMPLEX_ADDRESS.items():
            if field_name in values:
                address_from[field_name] = column
                continue
            address_from[field_name] = field_name  # the dwelling's own column
            if dwelling is None or row.bad & _DWELLING_ADDRESS:
                return None  # the dwelling's wrong address is reported already
            if field_name == "street":
                addition = dwelling.house_number_addition
                values["street"] = (
                    f"{dwelling.street} {dwelling.house_number}{'-' + addition if addition else ''}"
                )
            else:
                values[field_name] = getattr(dwelling, field_name)
        complex_ = Complex(corporation=self.corporation, code=row.complex_code, **values)
        try:
            complex_.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                name = address_from.get(field_name) or by_field.get(field_name, "complex_code")
                self._error(errors, row, name, " ".join(messages))
            self.complexes[row.complex_code] = _ComplexState(None, row.number, failed=True)
            return None
        state = _ComplexState(complex_, row.number)
        state.given = {name: (value, row.number) for name, value in row.complex_values.items()}
        self.complexes[row.complex_code] = state
        self.dirty.append(state)
        return state

    def _update_complex(self, state: _ComplexState, row: _Row, errors: list[RowError]) -> bool:
        """Apply this row's complex columns; a value that contradicts an earlier row is an error."""
        by_field = {c.field: c.name for c in COLUMNS if c.target == COMPLEX}
        complex_ = state.obj
        assert complex_ is not None
        ok = True
        for field_name, value in row.complex_values.items():
            earlier = state.given.get(field_name)
            if earlier is not None:
                if earlier[0] != value:
                    self._error(
                        errors,
                        row,
                        by_field[field_name],
                        _("Complex '%(code)s' has '%(value)s' here but '%(other)s' in row %(row)s.")
                        % {
                            "code": row.complex_code,
                            "value": _shown(value),
                            "other": _shown(earlier[0]),
                            "row": earlier[1],
                        },
                    )
                    ok = False
                continue
            state.given[field_name] = (value, row.number)
            if getattr(complex_, field_name) != value:
                if state.before is None and complex_.pk is not None:
                    state.before = snapshot_fields(complex_)
                    self.dirty.append(state)
                setattr(complex_, field_name, value)
        return ok

    def _flush_complexes(self) -> None:
        events: list[AuditEvent] = []
        for state in self.dirty:
            complex_ = state.obj
            assert complex_ is not None
            if complex_.pk is None:
                complex_.save()
                state.created = True
                event = self._event(complex_, None)
                if event is not None:
                    events.append(event)
                continue
            if state.before is None:
                continue
            changed = [
                name
                for name, value in snapshot_fields(complex_).items()
                if state.before.get(name) != value
            ]
            if changed:
                complex_.save(update_fields=[*changed, "updated_at"])
                event = self._event(complex_, state.before)
                if event is not None:
                    events.append(event)
                    self._sample(COMPLEX, complex_.code, Complex, state.before, complex_)
                if not state.created:
                    state.changed = True
            state.before = None
        self.dirty.clear()
        if events:
            AuditEvent.objects.bulk_create(events)

    def _count_complexes(self) -> None:
        counts = self.result.complexes
        for state in self.complexes.values():
            if state.failed or state.obj is None or state.obj.pk is None:
                continue
            if state.created:
                counts.created += 1
            elif state.changed:
                counts.changed += 1
            else:
                counts.unchanged += 1

    # Dwellings --------------------------------------------------------------------------------

    def _write_dwellings(self, rows: list[_Row], errors: list[RowError]) -> None:
        good = [row for row in rows if row.ok and row.dwelling is not None]
        if not good:
            return
        existing = {
            dwelling.vhe_code: dwelling
            for dwelling in Dwelling.objects.filter(
                corporation=self.corporation, vhe_code__in=[row.vhe_code for row in good]
            )
        }
        new: list[Dwelling] = []
        changed: list[tuple[_Row, Dwelling, dict[str, Any]]] = []
        for row in good:
            complex_ = self.complexes[row.complex_code].obj
            assert complex_ is not None and row.dwelling is not None
            current = existing.get(row.vhe_code)
            if current is None:
                row.dwelling.complex = complex_
                new.append(row.dwelling)
                continue
            before = snapshot_fields(current)
            current.complex_id = complex_.pk
            for name in self._dwelling_fields():
                setattr(current, name, getattr(row.dwelling, name))
            if snapshot_fields(current) == before:
                self.result.dwellings.unchanged += 1
            else:
                changed.append((row, current, before))
        changed = self._refuse_moves_with_contracts(changed, errors)
        Dwelling.objects.bulk_create(new)
        self.result.dwellings.created += len(new)
        events: list[AuditEvent | None] = [self._event(dwelling, None) for dwelling in new]
        if changed:
            names: set[str] = set()
            for _row, dwelling, before in changed:
                after = snapshot_fields(dwelling)
                names.update(
                    name.removesuffix("_id") for name in after if before.get(name) != after[name]
                )
                events.append(self._event(dwelling, before))
                self._sample(DWELLING, dwelling.vhe_code, Dwelling, before, dwelling)
            Dwelling.objects.bulk_update([dwelling for _r, dwelling, _b in changed], sorted(names))
            self.result.dwellings.changed += len(changed)
        AuditEvent.objects.bulk_create([event for event in events if event is not None])

    def _dwelling_fields(self) -> list[str]:
        """The dwelling fields this file sets: the required ones and the optional ones it has."""
        return [
            column.field
            for column in COLUMNS
            if column.target == DWELLING and self.header.has(column.name)
        ]

    def _refuse_moves_with_contracts(
        self, changed: list[tuple[_Row, Dwelling, dict[str, Any]]], errors: list[RowError]
    ) -> list[tuple[_Row, Dwelling, dict[str, Any]]]:
        """The services' rule: a dwelling with contracts does not move to another complex."""
        moving = {d.pk for _r, d, before in changed if before["complex_id"] != d.complex_id}
        if not moving:
            return changed
        bound = set(
            CareLease.objects.filter(dwelling_id__in=moving).values_list("dwelling_id", flat=True)
        ) | set(
            RegularTenancy.objects.filter(dwelling_id__in=moving).values_list(
                "dwelling_id", flat=True
            )
        )
        kept = []
        for row, dwelling, before in changed:
            if dwelling.pk in bound:
                self._error(
                    errors,
                    row,
                    "complex_code",
                    _("A dwelling with contracts cannot move to another complex."),
                )
            else:
                kept.append((row, dwelling, before))
        return kept

    # Audit trail and samples ------------------------------------------------------------------

    def _event(self, obj: models.Model, before: dict[str, Any] | None) -> AuditEvent | None:
        """The event ``record_saved`` would write for ``obj``, unsaved, for one bulk_create."""
        return saved_event(
            actor=self.acting_user,
            organisation=self.corporation,
            obj=obj,
            before=before,
            actor_label=self.actor_label,
        )

    def _sample(
        self,
        kind: str,
        code: str,
        model: type[models.Model],
        before: dict[str, Any],
        obj: models.Model,
    ) -> None:
        if len(self.result.changes) >= SAMPLE_SIZE:
            return
        fields = []
        for name, value in snapshot_fields(obj).items():
            old = before.get(name)
            if old == value or name == "updated_at":
                continue
            if name == "complex_id":
                codes: dict[Any, str] = dict(
                    Complex.objects.filter(pk__in=[old, value]).values_list("pk", "code")
                )
                old, value = codes.get(old, old), codes.get(value, value)
            fields.append((_field_label(model, name), _shown(old), _shown(value)))
        label = _("complex") if kind == COMPLEX else _("dwelling")
        self.result.changes.append(Change(label, code, tuple(fields)))


def run_import(
    path: Path | str,
    *,
    corporation: Organisation,
    acting_user: Any,
    actor_label: str = "",
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import (or with ``dry_run`` only check) the file for ``corporation``; all or nothing.

    ``acting_user`` None is the system (the command), recorded in the audit trail as
    ``actor_label``. Raises ImportFileError when the file as a whole cannot be read and
    PermissionDenied when the user may not import for this corporation. ``progress`` is called
    with the number of rows read after every batch.
    """
    if corporation.kind != OrganisationKind.CORPORATION:
        raise ImportFileError(_("Only a housing corporation has complexes and dwellings."))
    services.check(acting_user, "portfolio.import_dwellings", corporation)
    importer = _Importer(
        corporation=corporation,
        acting_user=acting_user,
        actor_label=actor_label,
        dry_run=dry_run,
        batch_size=batch_size,
        progress=progress,
    )
    return importer.run(Path(path))


def result_to_dict(result: ImportResult) -> dict[str, Any]:
    """The report as JSON-able data (for the background worker's stored result)."""
    return {
        "dry_run": result.dry_run,
        "rows": result.rows,
        "complexes": vars(result.complexes),
        "dwellings": vars(result.dwellings),
        "errors": [[e.row, str(e.column), str(e.message)] for e in result.errors],
        "error_count": result.error_count,
        "changes": [[c.kind, c.code, [list(f) for f in c.fields]] for c in result.changes],
        "ignored_columns": list(result.ignored_columns),
    }


def result_from_dict(data: dict[str, Any]) -> ImportResult:
    return ImportResult(
        dry_run=data["dry_run"],
        rows=data["rows"],
        complexes=Counts(**data["complexes"]),
        dwellings=Counts(**data["dwellings"]),
        errors=[RowError(row, column, message) for row, column, message in data["errors"]],
        error_count=data["error_count"],
        changes=[
            Change(kind, code, tuple(tuple(f) for f in fields))
            for kind, code, fields in data["changes"]
        ],
        ignored_columns=tuple(data["ignored_columns"]),
    )
