"""The placements register import (shared/spec/outcome-measures.md §1; docs/placements-import.md).

A register as partners keep it in a spreadsheet, one row per placement, becomes the same rows the
application writes when the placements are recorded one by one: the care provider's care lease
(under its agreement for the complex), the placement in the state its dates say, the client's own
tenancy with the 'wonen met zorg' label after a flip, the timeline events and the audit trail.

All or nothing: every row is checked (values, the order of the dates, duplicates, overlapping
placements of one client or in one dwelling, also against the database, and the contracts already
on the dwellings) and every problem is reported with its row (1 = the first row under the header),
column and reason; when any row is refused nothing is written. Idempotent: the key is care
provider + client reference + start date; a row whose placement is recorded already with the same
data is counted as unchanged; with other data it is refused (changes are recorded in the
application, where the services check them).

Speed: the file is read once into compact rows (the overlap checks need all placements of a
client and of a dwelling at once); the database is read in a fixed number of queries (chunked
``IN`` lists), and everything is written with ``bulk_create``/``bulk_update`` per model. The
services (``start_placement``, ``flip_placement``, ``end_label``, ``exit_placement``) are not
called per row: they lock and re-read the placement, refuse past flips with a missing sign-off
only for people, write one row at a time, and send e-mails and vacancy signals that make no sense
for history. ``_Writer`` writes exactly the rows and audit events they write, in one place.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.audit.models import AuditEvent
from doorstroom.audit.services import saved_event, snapshot_fields
from doorstroom.organisations.access import require_permission
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind
from doorstroom.organisations.services import create_organisation
from doorstroom.portfolio import services as portfolio
from doorstroom.portfolio.importing import (
    MAX_ERRORS,
    Column,
    Header,
    ImportFileError,
    RowError,
    map_header,
    messages_of,
    open_table,
)
from doorstroom.portfolio.models import (
    CareLease,
    CareLeaseAgreement,
    Complex,
    Dwelling,
    LeaseEndReason,
    QuotaTargetGroup,
    RegularTenancy,
)
from doorstroom.portfolio.signals import dwelling_taken
from doorstroom.reference.codes import typology_names
from doorstroom.tenancies.arrears import parse_date
from doorstroom.tenancies.models import (
    EventKind,
    ExitReason,
    Placement,
    PlacementEvent,
    PlacementState,
)

#: Who may import a register: whoever may bulk-import the corporation's dwellings (the manager);
#: the import writes dwellings, leases and tenancies of the corporation's portfolio.
PERMISSION = "portfolio.import_dwellings"
#: How many values go in one ``IN (...)`` list (SQLite allows 32,766 parameters).
CHUNK = 5000
#: Rows shown in the preview.
SAMPLE_SIZE = 10
REGISTER = "register"

COLUMNS: tuple[Column, ...] = (
    Column(
        "client_ref",
        "client",
        REGISTER,
        "client_ref",
        required=True,
        aliases=("cliënt", "clientnummer", "client_reference", "clientref", "referentie"),
        description=gettext_lazy(
            "The care provider's pseudonymous client reference (no names), unique per care "
            "provider."
        ),
    ),
    Column(
        "care_provider",
        "zorgaanbieder",
        REGISTER,
        "care_provider",
        required=True,
        aliases=("zorgorganisatie", "aanbieder", "care_provider_code"),
        description=gettext_lazy("Name or KvK number of the care provider."),
    ),
    Column(
        "complex_code",
        "complex",
        REGISTER,
        "complex",
        required=True,
        aliases=("complexcode", "complexnummer"),
        description=gettext_lazy("The code of the complex."),
    ),
    Column(
        "unit_code",
        "vhe",
        REGISTER,
        "dwelling",
        required=True,
        aliases=("vhe_code", "vhecode", "vhe_nummer", "eenheid", "eenheidnummer", "unit"),
        description=gettext_lazy("The dwelling's VHE code (verhuureenheid) in that complex."),
    ),
    Column(
        "start_date",
        "startdatum",
        REGISTER,
        "start_date",
        required=True,
        aliases=("start", "begindatum"),
        description=gettext_lazy(
            "Start of the care provider's lease for this client: 2024-03-01 or 1-3-2024."
        ),
    ),
    Column(
        "flip_date",
        "omklapdatum",
        REGISTER,
        "flip_date",
        aliases=("omklap", "flip"),
        description=gettext_lazy("The date the client got their own tenancy (optional)."),
    ),
    Column(
        "label_end_date",
        "einde_label",
        REGISTER,
        "label_end_date",
        aliases=("label_end", "einddatum_label", "label_tot"),
        description=gettext_lazy(
            "End of the 'wonen met zorg' label (optional; empty is the flip date plus the "
            "agreement's label term, 24 months unless agreed otherwise)."
        ),
    ),
    Column(
        "exit_date",
        "vertrekdatum",
        REGISTER,
        "exit_date",
        aliases=("vertrek", "exit", "einddatum"),
        description=gettext_lazy("The date the client left the dwelling (optional)."),
    ),
    Column(
        "exit_reason",
        "vertrekreden",
        REGISTER,
        "exit_reason",
        aliases=("reden_vertrek",),
        description=gettext_lazy(
            "Required with a departure date: regular_housing, care_facility, back_to_shelter, "
            "eviction, detention, deceased, other or unknown; or regulier, zorginstelling, "
            "opvang, uitzetting, detentie, overleden, anders or onbekend."
        ),
    ),
    Column(
        "target_group",
        "doelgroep",
        REGISTER,
        "target_group",
        description=gettext_lazy(
            "mo (maatschappelijke opvang, the default), bw (beschermd wonen) or other (anders)."
        ),
    ),
)

#: The Dutch exit reasons of the spec, and the codes themselves.
EXIT_REASONS: dict[str, str] = {
    **{code: code for code in ExitReason.values},
    "regulier": ExitReason.REGULAR_HOUSING,
    "zorginstelling": ExitReason.CARE_FACILITY,
    "opvang": ExitReason.BACK_TO_SHELTER,
    "uitzetting": ExitReason.EVICTION,
    "detentie": ExitReason.DETENTION,
    "overleden": ExitReason.DECEASED,
    "anders": ExitReason.OTHER,
    "onbekend": ExitReason.UNKNOWN,
}
#: The spec's target groups are the quota's (portfolio.QuotaTargetGroup): mo, bw and other.
TARGET_GROUPS: dict[str, str] = {
    "": QuotaTargetGroup.SHELTER,
    "mo": QuotaTargetGroup.SHELTER,
    "bw": QuotaTargetGroup.SHELTERED_HOUSING,
    "other": QuotaTargetGroup.OTHER,
    "anders": QuotaTargetGroup.OTHER,
}
DATE_COLUMNS = ("start_date", "flip_date", "label_end_date", "exit_date")
#: Placeholders of a complex or dwelling created by the import: the manager completes them.
NEW_COMPLEX_STREET = "Onbekend (import plaatsingen)"
NEW_POSTCODE = "9999 ZZ"
NEW_YEAR_BUILT = 1970
NEW_FLOORS = 1
NEW_DWELLING = {
    "house_number": 1,
    "rooms": 1,
    "floor_area": Decimal("5.0"),
    "net_rent": Decimal("0.00"),
}

FOREVER = dt.date.max


# --- Results -----------------------------------------------------------------------------------


@dataclass
class Created:
    care_providers: list[str] = field(default_factory=list)
    complexes: list[str] = field(default_factory=list)
    dwellings: int = 0
    agreements: int = 0


@dataclass
class RegisterImportResult:
    dry_run: bool
    create_missing: bool = False
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: tuple[str, ...] = ()
    new: Created = field(default_factory=Created)
    #: The first rows as read: (row, client, care provider, complex, vhe, start, flip, label end,
    #: exit, reason, target group, state).
    sample: list[tuple[Any, ...]] = field(default_factory=list)
    states: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    def summary(self) -> list[str]:
        lines = [
            _("Placements: %(created)s new, %(unchanged)s unchanged.")
            % {"created": self.created, "unchanged": self.unchanged}
        ]
        new = self.new
        if new.care_providers or new.complexes or new.dwellings or new.agreements:
            lines.append(
                _(
                    "Created: %(providers)s care providers, %(complexes)s complexes, "
                    "%(dwellings)s dwellings, %(agreements)s agreements."
                )
                % {
                    "providers": len(new.care_providers),
                    "complexes": len(new.complexes),
                    "dwellings": new.dwellings,
                    "agreements": new.agreements,
                }
            )
        return lines


# --- Rows --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    number: int
    client_ref: str = ""
    provider: str = ""
    complex_code: str = ""
    vhe: str = ""
    start: dt.date | None = None
    flip: dt.date | None = None
    label_end: dt.date | None = None
    exit: dt.date | None = None
    reason: str = ""
    target_group: str = QuotaTargetGroup.SHELTER
    ok: bool = True
    # Resolved by the importer:
    provider_key: str = ""
    dwelling_key: tuple[str, str] = ("", "")
    existing: int | None = None  # the placement recorded already (unchanged)

    @property
    def end(self) -> dt.date:
        """The end of the placement's period (exclusive; open is forever)."""
        return self.exit or FOREVER

    @property
    def care_end(self) -> dt.date:
        """The end of the care-lease phase: the flip, else the exit."""
        return self.flip or self.exit or FOREVER


def _overlaps(start: dt.date, end: dt.date, other_start: dt.date, other_end: dt.date) -> bool:
    return start < other_end and other_start < end


def _nl(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "—"


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _Lease:
    """A care lease on a dwelling: one in the database or one this import creates."""

    dwelling_id: int | None
    provider_id: int | None
    start: dt.date
    end: dt.date | None
    obj: CareLease | None = None  # the database row, or the new one
    ended_here: bool = False  # an existing lease this import ends (at a flip)
    obj_is_new: bool = False  # created by this import, for one placement


class _Importer:
    def __init__(
        self,
        *,
        corporation: Organisation,
        acting_user: Any,
        actor_label: str,
        dry_run: bool,
        create_missing: bool,
    ) -> None:
        self.corporation = corporation
        self.acting_user = acting_user
        self.actor_label = actor_label
        self.result = RegisterImportResult(dry_run=dry_run, create_missing=create_missing)
        self.create_missing = create_missing
        self.today = timezone.localdate()
        self.header: Header
        self.rows: list[_Row] = []

    # The run ----------------------------------------------------------------------------------

    def run(self, path: Path) -> RegisterImportResult:
        with open_table(path) as (cells, table):
            self.header = map_header(cells, COLUMNS)
            self.result.ignored_columns = self.header.ignored
            for number, row_cells in table:
                self.rows.append(self._parse(number, row_cells))
        self.result.rows = len(self.rows)
        with transaction.atomic():
            if not self.result.dry_run:
                # One import per corporation at a time (PostgreSQL).
                list(Organisation.objects.select_for_update().filter(pk=self.corporation.pk))
            self._check_duplicates()
            self._load()
            self._resolve()
            self._check_existing()
            self._check_overlaps()
            self._check_contracts()
            self._sample()
            if self.result.ok:
                self._write()
            if not self.result.written:
                transaction.set_rollback(True)
        self.result.errors.sort(key=lambda error: error.row or 0)
        return self.result

    def _error(self, row: _Row, column: str, message: str) -> None:
        self.result.add_error(RowError(row.number, self.header.name_of(column), message))
        row.ok = False

    # Parsing one row (no database) ------------------------------------------------------------

    def _parse(self, number: int, cells: list[str]) -> _Row:
        row = _Row(number)
        values = {
            name: (cells[index].strip() if index < len(cells) else "")
            for name, index in self.header.index.items()
        }
        for column in COLUMNS:
            if column.required and not values.get(column.name):
                self._error(row, column.name, _("This column is required; the cell is empty."))
        row.client_ref = values.get("client_ref", "")
        row.provider = values.get("care_provider", "")
        row.complex_code = values.get("complex_code", "").upper()
        row.vhe = values.get("unit_code", "")
        if len(row.client_ref) > Placement._meta.get_field("client_ref").max_length:  # type: ignore[operator]
            self._error(row, "client_ref", _("A client reference has at most 40 characters."))
        dates: dict[str, dt.date | None] = {}
        for name in DATE_COLUMNS:
            raw = values.get(name, "")
            dates[name] = None
            if not raw:
                continue
            try:
                dates[name] = parse_date(raw)
            except ValueError:
                self._error(
                    row,
                    name,
                    _("'%(value)s' is not a date (write e.g. 2025-03-31 or 31-03-2025).")
                    % {"value": raw},
                )
        row.start, row.flip = dates["start_date"], dates["flip_date"]
        row.label_end, row.exit = dates["label_end_date"], dates["exit_date"]
        self._check_dates(row)
        raw_reason = values.get("exit_reason", "")
        if raw_reason:
            reason = EXIT_REASONS.get(raw_reason.lower())
            if reason is None:
                self._error(
                    row,
                    "exit_reason",
                    _(
                        "'%(value)s' is not an exit reason (write regulier, zorginstelling, "
                        "opvang, uitzetting, detentie, overleden, anders or onbekend)."
                    )
                    % {"value": raw_reason},
                )
            else:
                row.reason = reason
        if row.exit and not raw_reason:
            self._error(row, "exit_reason", _("A departure needs a reason."))
        raw_group = values.get("target_group", "")
        group = TARGET_GROUPS.get(raw_group.lower())
        if group is None:
            self._error(
                row,
                "target_group",
                _("'%(value)s' is not a target group (write mo, bw or other).")
                % {"value": raw_group},
            )
        else:
            row.target_group = group
        return row

    def _check_dates(self, row: _Row) -> None:
        start, flip, label_end, exit_ = row.start, row.flip, row.label_end, row.exit
        if start and flip and flip < start:
            self._error(row, "flip_date", _("The flip cannot be before the start."))
        if start and exit_ and exit_ < start:
            self._error(row, "exit_date", _("The departure cannot be before the start."))
        if flip and exit_ and flip > exit_:
            self._error(row, "flip_date", _("The flip cannot be after the departure."))
        if label_end and not flip:
            self._error(
                row,
                "label_end_date",
                _("A label end needs a flip date: the label starts at the flip."),
            )
        if label_end and flip and label_end < flip:
            self._error(row, "label_end_date", _("The label cannot end before the flip."))
        # The services refuse a flip or a departure dated in the future; so does the import, so
        # that every placement's state follows from its dates today.
        for name, day in (("flip_date", flip), ("exit_date", exit_)):
            if day and day > self.today:
                self._error(row, name, _("This date is in the future."))

    # Checks within the file -------------------------------------------------------------------

    def _check_duplicates(self) -> None:
        seen: dict[tuple[str, str, dt.date], int] = {}
        for row in self.rows:
            if not (row.provider and row.client_ref and row.start):
                continue
            key = (row.provider.lower(), row.client_ref, row.start)
            first = seen.setdefault(key, row.number)
            if first != row.number:
                self._error(
                    row,
                    "client_ref",
                    _(
                        "Client %(client)s of %(provider)s starting %(date)s is in the file more "
                        "than once (first in row %(row)s)."
                    )
                    % {
                        "client": row.client_ref,
                        "provider": row.provider,
                        "date": _nl(row.start),
                        "row": first,
                    },
                )

    # Reading the database (a fixed number of queries) -----------------------------------------

    def _load(self) -> None:
        self.providers: dict[str, Organisation] = {}
        self.other_orgs: dict[str, Organisation] = {}
        names = {row.provider.lower() for row in self.rows if row.provider}
        for organisation in Organisation.objects.all().only("pk", "name", "kind", "kvk_number"):
            keys = {organisation.name.lower()}
            if organisation.kvk_number:
                keys.add(organisation.kvk_number)
            if not keys & names:
                continue
            target = (
                self.providers
                if organisation.kind == OrganisationKind.CARE_PROVIDER
                else self.other_orgs
            )
            for key in keys:
                target[key] = organisation
        self.complexes: dict[str, Complex] = {
            c.code.upper(): c for c in Complex.objects.filter(corporation=self.corporation)
        }
        vhes = sorted({row.vhe for row in self.rows if row.vhe})
        self.dwellings: dict[str, Dwelling] = {}
        for chunk in _chunks(vhes):
            for dwelling in Dwelling.objects.filter(
                corporation=self.corporation, vhe_code__in=chunk
            ):
                self.dwellings[dwelling.vhe_code] = dwelling
        self.agreements: dict[tuple[int, int], list[CareLeaseAgreement]] = defaultdict(list)
        for agreement in CareLeaseAgreement.objects.filter(corporation=self.corporation):
            self.agreements[(agreement.care_provider_id, agreement.complex_id)].append(agreement)
        # Placements of the file's clients (any corporation) and in the file's dwellings.
        provider_ids = {p.pk for p in self.providers.values()}
        refs = sorted({row.client_ref for row in self.rows if row.client_ref})
        dwelling_ids = sorted(d.pk for d in self.dwellings.values())
        found: dict[int, Placement] = {}
        query = Placement.objects.select_related("tenancy")
        if provider_ids:
            for chunk in _chunks(refs):
                for p in query.filter(care_provider_id__in=provider_ids, client_ref__in=chunk):
                    found[p.pk] = p
        for chunk in _chunks(dwelling_ids):
            for p in query.filter(dwelling_id__in=chunk):
                found[p.pk] = p
        self.placements = found
        self.by_key = {(p.care_provider_id, p.client_ref, p.start_date): p for p in found.values()}
        self.leases: dict[int, list[_Lease]] = defaultdict(list)
        self.tenancies: dict[int, list[tuple[dt.date, dt.date | None, int]]] = defaultdict(list)
        for chunk in _chunks(dwelling_ids):
            for lease in CareLease.objects.filter(dwelling_id__in=chunk).select_related(
                "agreement"
            ):
                self.leases[lease.dwelling_id].append(
                    _Lease(
                        lease.dwelling_id,
                        lease.agreement.care_provider_id,
                        lease.start_date,
                        lease.end_date,
                        lease,
                    )
                )
            for tenancy in RegularTenancy.objects.filter(dwelling_id__in=chunk).values_list(
                "dwelling_id", "start_date", "end_date", "pk"
            ):
                self.tenancies[tenancy[0]].append(tenancy[1:])

    # Care providers, complexes and dwellings --------------------------------------------------

    def _resolve(self) -> None:
        missing_providers: dict[str, int] = {}
        missing_complexes: dict[str, int] = {}
        missing_dwellings: dict[str, tuple[str, int]] = {}
        for row in self.rows:
            if row.provider:
                key = row.provider.lower()
                row.provider_key = key
                if key not in self.providers:
                    if key in self.other_orgs:
                        self._error(
                            row,
                            "care_provider",
                            _("'%(name)s' is an organisation, but not a care provider.")
                            % {"name": row.provider},
                        )
                    elif not self.create_missing:
                        self._error(
                            row,
                            "care_provider",
                            _(
                                "Unknown care provider '%(name)s' (neither a name nor a KvK "
                                "number). Check the spelling, or let the import create it."
                            )
                            % {"name": row.provider},
                        )
                    else:
                        missing_providers.setdefault(key, row.number)
            if row.complex_code and row.complex_code not in self.complexes:
                if not self.create_missing:
                    self._error(
                        row,
                        "complex_code",
                        _(
                            "Unknown complex '%(code)s': %(corporation)s has no complex with "
                            "this code. Check it, or let the import create it."
                        )
                        % {"code": row.complex_code, "corporation": self.corporation},
                    )
                else:
                    missing_complexes.setdefault(row.complex_code, row.number)
            if row.vhe and row.complex_code:
                row.dwelling_key = (row.complex_code, row.vhe)
                dwelling = self.dwellings.get(row.vhe)
                if dwelling is None:
                    if not self.create_missing:
                        self._error(
                            row,
                            "unit_code",
                            _(
                                "Unknown VHE code '%(code)s': no dwelling of %(corporation)s has "
                                "it. Check it, or let the import create it."
                            )
                            % {"code": row.vhe, "corporation": self.corporation},
                        )
                    else:
                        first = missing_dwellings.setdefault(
                            row.vhe, (row.complex_code, row.number)
                        )
                        if first[0] != row.complex_code:
                            self._error(
                                row,
                                "complex_code",
                                _("VHE code '%(code)s' is in complex %(other)s in row %(row)s.")
                                % {"code": row.vhe, "other": first[0], "row": first[1]},
                            )
                else:
                    complex_ = self.complexes.get(row.complex_code)
                    if complex_ is None or dwelling.complex_id != complex_.pk:
                        actual = next(
                            (
                                c.code
                                for c in self.complexes.values()
                                if c.pk == dwelling.complex_id
                            ),
                            "?",
                        )
                        self._error(
                            row,
                            "unit_code",
                            _("Dwelling %(code)s is in complex %(actual)s, not in %(complex)s.")
                            % {"code": row.vhe, "actual": actual, "complex": row.complex_code},
                        )
        self.missing_providers = missing_providers
        self.missing_complexes = missing_complexes
        self.missing_dwellings = missing_dwellings

    def _provider_id(self, row: _Row) -> int | None:
        provider = self.providers.get(row.provider_key)
        return provider.pk if provider is not None else None

    def _dwelling_id(self, row: _Row) -> int | None:
        dwelling = self.dwellings.get(row.vhe)
        return dwelling.pk if dwelling is not None else None

    # Placements recorded already (idempotence) ------------------------------------------------

    def _check_existing(self) -> None:
        for row in self.rows:
            provider_id = self._provider_id(row)
            if not row.ok or provider_id is None or row.start is None:
                continue
            placement = self.by_key.get((provider_id, row.client_ref, row.start))
            if placement is None:
                continue
            label_end = placement.tenancy.care_label_until if placement.tenancy else None
            recorded: list[tuple[str, Any, Any]] = [
                ("unit_code", placement.dwelling_id, self._dwelling_id(row)),
                ("flip_date", placement.flip_date, row.flip),
                ("exit_date", placement.exit_date, row.exit),
                ("exit_reason", placement.exit_reason, row.reason),
                ("target_group", placement.target_group, row.target_group),
            ]
            if row.label_end is not None:
                recorded.append(("label_end_date", label_end, row.label_end))
            different = [name for name, old, new in recorded if old != new]
            if different:
                self._error(
                    row,
                    different[0],
                    _(
                        "This placement (client %(client)s, start %(date)s) is recorded already "
                        "with other data in: %(columns)s. An import does not change a placement; "
                        "record the change in the application."
                    )
                    % {
                        "client": row.client_ref,
                        "date": _nl(row.start),
                        "columns": ", ".join(self.header.name_of(name) for name in different),
                    },
                )
                continue
            row.existing = placement.pk

    # Overlaps ---------------------------------------------------------------------------------

    def _check_overlaps(self) -> None:
        """Two placements of one client, or two in one dwelling, whose periods overlap."""
        matched = {row.existing for row in self.rows if row.existing is not None}
        by_client: dict[tuple[Any, str], list[tuple[dt.date, dt.date, _Row | Placement]]] = (
            defaultdict(list)
        )
        by_dwelling: dict[Any, list[tuple[dt.date, dt.date, _Row | Placement]]] = defaultdict(list)
        for placement in self.placements.values():
            if placement.pk in matched:
                continue
            period = (placement.start_date, placement.exit_date or FOREVER, placement)
            by_client[(placement.care_provider_id, placement.client_ref)].append(period)
            by_dwelling[placement.dwelling_id].append(period)
        for row in self.rows:
            if row.start is None or not row.client_ref or not row.provider_key:
                continue
            if row.exit and row.exit < row.start:
                continue
            client_key = (self._provider_id(row) or row.provider_key, row.client_ref)
            by_client[client_key].append((row.start, row.end, row))
            if row.vhe:
                by_dwelling[self._dwelling_id(row) or row.vhe].append((row.start, row.end, row))
        for periods in by_client.values():
            self._report_overlaps(periods, client=True)
        for periods in by_dwelling.values():
            self._report_overlaps(periods, client=False)

    def _report_overlaps(
        self, periods: list[tuple[dt.date, dt.date, _Row | Placement]], *, client: bool
    ) -> None:
        if len(periods) < 2:
            return
        periods.sort(key=lambda p: (p[0], p[1], isinstance(p[2], _Row)))
        latest: tuple[dt.date, dt.date, _Row | Placement] | None = None
        for period in periods:
            if latest is not None and period[0] < latest[1]:
                # Report on a file row: this one, or the earlier one when this one is recorded.
                row, other = (
                    (period[2], latest[2])
                    if isinstance(period[2], _Row)
                    else (latest[2], period[2])
                )
                assert isinstance(row, _Row)
                where = (
                    _("row %(row)s") % {"row": other.number}
                    if isinstance(other, _Row)
                    else _("recorded in the application")
                )
                start = other.start if isinstance(other, _Row) else other.start_date
                if client:
                    message = _(
                        "Client %(client)s already has a placement from %(date)s (%(where)s) in "
                        "this period; a client lives in one place at a time."
                    )
                else:
                    message = _(
                        "Dwelling %(vhe)s already has a placement from %(date)s (%(where)s) in "
                        "this period; a dwelling houses one placement at a time."
                    )
                self._error(
                    row,
                    "start_date",
                    message
                    % {
                        "client": row.client_ref,
                        "vhe": row.vhe,
                        "date": _nl(start),
                        "where": where,
                    },
                )
            if latest is None or period[1] > latest[1]:
                latest = period

    # Contracts on the dwellings ---------------------------------------------------------------

    def _check_contracts(self) -> None:
        """The new placements against the leases and tenancies on their dwellings, in date order;
        decides which care lease each placement uses (an open lease of the same care provider, as
        ``start_placement`` does, or a new one) and finds its agreement."""
        self.plan: dict[int, _Lease] = {}  # row number -> the lease of its care-lease phase
        new_rows = sorted(
            (row for row in self.rows if row.ok and row.existing is None),
            key=lambda row: (row.vhe, row.start),
        )
        if not self.result.ok:
            return
        for row in new_rows:
            assert row.start is not None
            dwelling_id = self._dwelling_id(row)
            provider_id = self._provider_id(row)
            leases = self.leases[dwelling_id] if dwelling_id else []
            reuse: _Lease | None = None
            clash: _Lease | None = None
            for other in leases:
                if (
                    provider_id is not None
                    and other.provider_id == provider_id
                    and other.end is None
                    and other.start <= row.start
                ):
                    reuse = other  # the care provider leases the dwelling already: place in it
                elif _overlaps(row.start, row.end, other.start, other.end or FOREVER):
                    clash = other
                    break
            if clash is not None:
                self._error(
                    row,
                    "unit_code",
                    _(
                        "Dwelling %(vhe)s is leased to a care provider from %(start)s to "
                        "%(end)s, which overlaps this placement."
                    )
                    % {"vhe": row.vhe, "start": _nl(clash.start), "end": _nl(clash.end)},
                )
                continue
            tenancy = next(
                (
                    (start, end)
                    for start, end, _pk in (self.tenancies[dwelling_id] if dwelling_id else [])
                    if _overlaps(row.start, row.end, start, end or FOREVER)
                ),
                None,
            )
            if tenancy is not None:
                self._error(
                    row,
                    "unit_code",
                    _(
                        "Dwelling %(vhe)s is let to a tenant from %(start)s to %(end)s, which "
                        "overlaps this placement."
                    )
                    % {"vhe": row.vhe, "start": _nl(tenancy[0]), "end": _nl(tenancy[1])},
                )
                continue
            if reuse is not None:
                if row.flip:  # flip_placement ends the care lease at the flip
                    reuse.end, reuse.ended_here = row.flip, True
                self.plan[row.number] = reuse
                continue
            # A lease of its own for the care-lease phase: from the start to the flip or exit.
            lease = _Lease(dwelling_id, provider_id, row.start, row.flip or row.exit)
            leases.append(lease)
            self.plan[row.number] = lease
            self._check_agreement(row)

    def _check_agreement(self, row: _Row) -> None:
        provider_id = self._provider_id(row)
        complex_ = self.complexes.get(row.complex_code)
        if provider_id is None or complex_ is None:
            return  # both created by this import: the import creates the agreement too
        agreements = self.agreements.get((provider_id, complex_.pk), [])
        if not agreements:
            if not self.create_missing:
                self._error(
                    row,
                    "care_provider",
                    _(
                        "%(provider)s has no care lease agreement for complex %(code)s. Record "
                        "the agreement first, or let the import create it."
                    )
                    % {"provider": row.provider, "code": row.complex_code},
                )
            return
        if self._agreement_on(agreements, row) is None:
            self._error(
                row,
                "start_date",
                _(
                    "No care lease agreement of %(provider)s for complex %(code)s runs on "
                    "%(date)s. Change the agreement's period first."
                )
                % {"provider": row.provider, "code": row.complex_code, "date": _nl(row.start)},
            )

    @staticmethod
    def _agreement_on(agreements: list[CareLeaseAgreement], row: _Row) -> CareLeaseAgreement | None:
        assert row.start is not None
        for agreement in agreements:
            if agreement.start_date <= row.start and (
                agreement.end_date is None or agreement.end_date > row.start
            ):
                return agreement
        return None

    # The preview ------------------------------------------------------------------------------

    def _sample(self) -> None:
        for row in self.rows[:SAMPLE_SIZE]:
            self.result.sample.append(
                (
                    row.number,
                    row.client_ref,
                    row.provider,
                    row.complex_code,
                    row.vhe,
                    _nl(row.start),
                    _nl(row.flip),
                    _nl(row.label_end),
                    _nl(row.exit),
                    ExitReason(row.reason).label if row.reason else "",
                    QuotaTargetGroup(row.target_group).label,
                )
            )

    # Writing ----------------------------------------------------------------------------------

    def _write(self) -> None:
        self._create_missing()
        if not self.result.ok:
            return
        writer = _Writer(self)
        for row in sorted(self.rows, key=lambda row: (row.vhe, row.start or dt.date.min)):
            if row.existing is not None:
                self.result.unchanged += 1
                continue
            writer.add(row)
        writer.flush()
        self.result.created = writer.count

    def _create_missing(self) -> None:
        for key, number in self.missing_providers.items():
            name = next(row.provider for row in self.rows if row.number == number)
            try:
                provider = create_organisation(
                    acting_user=self.acting_user, name=name, kind=OrganisationKind.CARE_PROVIDER
                )
            except ValidationError as exc:
                self._write_error(number, "care_provider", exc)
                continue
            self.providers[key] = provider
            self.result.new.care_providers.append(name)
        for code, number in self.missing_complexes.items():
            try:
                complex_ = portfolio.save_complex(
                    acting_user=self.acting_user, complex_=self._new_complex(code)
                )
            except ValidationError as exc:
                self._write_error(number, "complex_code", exc)
                continue
            self.complexes[code] = complex_
            self.result.new.complexes.append(code)
        new_dwellings = []
        for vhe, (code, number) in self.missing_dwellings.items():
            home = self.complexes.get(code)
            if home is None:
                continue
            dwelling = Dwelling(
                corporation=self.corporation,
                complex=home,
                vhe_code=vhe,
                street=home.street,
                postcode=home.postcode,
                city=home.city,
                dwelling_type=home.typology,
                **NEW_DWELLING,
            )
            try:
                dwelling.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                self._write_error(number, "unit_code", exc)
                continue
            new_dwellings.append(dwelling)
        Dwelling.objects.bulk_create(new_dwellings)
        self._audit(new_dwellings)
        for dwelling in new_dwellings:
            self.dwellings[dwelling.vhe_code] = dwelling
        self.result.new.dwellings = len(new_dwellings)
        self._create_agreements()

    def _create_agreements(self) -> None:
        """An agreement per care provider and complex that has none, from the first start in the
        file, open-ended, for as many dwellings as the file places that provider in there."""
        wanted: dict[tuple[int, int], list[_Row]] = defaultdict(list)
        for row in self.rows:
            provider_id = self._provider_id(row)
            complex_ = self.complexes.get(row.complex_code)
            if row.existing is not None or provider_id is None or complex_ is None:
                continue
            if not self.agreements.get((provider_id, complex_.pk)):
                wanted[(provider_id, complex_.pk)].append(row)
        if not wanted:
            return
        capacity = dict(
            Complex.objects.filter(pk__in={key[1] for key in wanted})
            .annotate(n=Count("dwellings"))
            .values_list("pk", "n")
        )
        for (provider_id, complex_id), rows in wanted.items():
            complex_ = next(c for c in self.complexes.values() if c.pk == complex_id)
            provider = next(p for p in self.providers.values() if p.pk == provider_id)
            first = min(row.start for row in rows if row.start)
            # save_agreement refuses to promise more dwellings than the complex has left.
            elsewhere = sum(
                a.dwellings_promised
                for (_p, c), agreements in self.agreements.items()
                if c == complex_id
                for a in agreements
                if a.end_date is None or a.end_date > first
            )
            room = capacity.get(complex_id, 0) - elsewhere
            promised = max(1, min(len({row.vhe for row in rows}), room))
            try:
                agreement = portfolio.save_agreement(
                    acting_user=self.acting_user,
                    agreement=CareLeaseAgreement(
                        complex=complex_,
                        corporation=self.corporation,
                        care_provider=provider,
                        reference=_("Register import")[:40],
                        dwellings_promised=promised,
                        start_date=first,
                    ),
                )
            except ValidationError as exc:
                self._write_error(rows[0].number, "care_provider", exc)
                continue
            self.agreements[(provider_id, complex_id)].append(agreement)
            self.result.new.agreements += 1

    def _new_complex(self, code: str) -> Complex:
        known = list(self.complexes.values())
        typologies = Counter(c.typology for c in known)
        names = typology_names()
        typology = next((t for t, _n in typologies.most_common() if t in names), "")
        if not typology:
            typology = "GAL" if "GAL" in names else next(iter(names), "GAL")
        municipality = self.corporation.municipality_name or (
            known[0].municipality_name if known else ""
        )
        return Complex(
            corporation=self.corporation,
            code=code,
            name=_("Complex %(code)s") % {"code": code},
            street=NEW_COMPLEX_STREET,
            postcode=known[0].postcode if known else NEW_POSTCODE,
            city=municipality or _("Unknown"),
            municipality_name=municipality or _("Unknown"),
            year_built=NEW_YEAR_BUILT,
            floors=NEW_FLOORS,
            typology=typology,
        )

    def _write_error(self, number: int, column: str, exc: ValidationError) -> None:
        self.result.add_error(RowError(number, self.header.name_of(column), messages_of(exc)))

    def _audit(self, objects: Iterable[Model]) -> None:
        events = [
            saved_event(
                actor=self.acting_user,
                organisation=self.corporation,
                obj=obj,
                before=None,
                actor_label=self.actor_label,
            )
            for obj in objects
        ]
        AuditEvent.objects.bulk_create([e for e in events if e is not None])


class _Writer:
    """Writes what the services write for a placement with a past start, flip, label end and
    exit: the same rows, fields and audit events (a create, then an update per step, with the
    values before and after), and the same timeline events. In bulk, per model."""

    def __init__(self, importer: _Importer) -> None:
        self.importer = importer
        self.count = 0
        self.items: list[tuple[_Row, _Lease, CareLeaseAgreement]] = []

    def add(self, row: _Row) -> None:
        importer = self.importer
        lease = importer.plan.get(row.number)
        if lease is None:  # created dwelling: the plan knew no id yet
            lease = _Lease(None, None, row.start or dt.date.min, row.flip or row.exit)
        provider_id = importer._provider_id(row)
        complex_ = importer.complexes[row.complex_code]
        assert provider_id is not None
        if lease.obj is not None:
            agreement = lease.obj.agreement
        else:
            agreements = importer.agreements[(provider_id, complex_.pk)]
            found = importer._agreement_on(agreements, row)
            assert found is not None, row
            agreement = found
        self.items.append((row, lease, agreement))

    def flush(self) -> None:
        importer = self.importer
        actor, label = importer.acting_user, importer.actor_label
        corporation = importer.corporation
        events: list[AuditEvent | None] = []

        def audit(obj: Model, before: dict[str, Any] | None) -> None:
            events.append(
                saved_event(
                    actor=actor, organisation=corporation, obj=obj, before=before, actor_label=label
                )
            )

        # Care leases: lease_dwelling creates one; end_care_lease ends it at a flip (reason
        # flipped) or, for a lease this import creates, at the departure (handed back).
        new_leases: list[CareLease] = []
        ended: list[tuple[CareLease, dict[str, Any]]] = []
        for row, lease, agreement in self.items:
            dwelling = importer.dwellings[row.vhe]
            if lease.obj is None:
                lease.obj = CareLease(
                    agreement=agreement, dwelling=dwelling, start_date=lease.start
                )
                lease.obj_is_new = True
                new_leases.append(lease.obj)
            elif lease.ended_here and lease.obj.end_date is None and row.flip:
                before = snapshot_fields(lease.obj)
                lease.obj.end_date, lease.obj.end_reason = row.flip, LeaseEndReason.FLIPPED
                ended.append((lease.obj, before))
        for row, lease, _agreement in self.items:
            if lease.obj_is_new and lease.obj is not None and (row.flip or row.exit):
                lease.obj.end_date = row.flip or row.exit
                lease.obj.end_reason = (
                    LeaseEndReason.FLIPPED if row.flip else LeaseEndReason.HANDED_BACK
                )
        # Created in their final state (the database allows one open lease per dwelling),
        # audited as lease_dwelling and end_care_lease audit them: a create, then the end.
        CareLease.objects.bulk_create(new_leases)
        for obj in new_leases:
            self._replay(obj, {"end_date": None, "end_reason": ""}, audit)
        for old_obj, old_before in ended:
            audit(old_obj, old_before)
        CareLease.objects.bulk_update([old for old, _b in ended], ["end_date", "end_reason"])

        # Own tenancies after the flip: start_regular_tenancy, ended by exit_placement.
        rows = {row.number: row for row, _l, _a in self.items}
        tenancies: dict[int, RegularTenancy] = {}
        for row, _lease, agreement in self.items:
            if not row.flip:
                continue
            label_until = row.label_end or row.flip + relativedelta(months=agreement.label_months)
            tenancy = RegularTenancy(
                dwelling=importer.dwellings[row.vhe],
                tenant_name=row.client_ref,
                start_date=row.flip,
                care_label_until=label_until,
            )
            tenancies[row.number] = tenancy
        for number, tenancy in tenancies.items():
            tenancy.end_date = rows[number].exit
        RegularTenancy.objects.bulk_create(list(tenancies.values()))
        for tenancy in tenancies.values():
            self._replay(tenancy, {"end_date": None}, audit)

        # Placements: created by start_placement, changed by flip_placement, end_label and
        # exit_placement; each step is an audit update and a timeline event.
        placements: list[tuple[_Row, Placement, CareLeaseAgreement]] = []
        for row, lease, agreement in self.items:
            assert row.start is not None
            placement = Placement(
                care_provider=importer.providers[row.provider_key],
                client_ref=row.client_ref,
                dwelling=importer.dwellings[row.vhe],
                care_lease=lease.obj,
                target_group=row.target_group,
                start_date=row.start,
            )
            placements.append((row, placement, agreement))
        # Created in their final state (the database checks it), audited step by step.
        steps: list[list[tuple[str, dt.date, str, dict[str, Any]]]] = []
        for row, placement, _agreement in placements:
            own = tenancies.get(row.number)
            label_end = own.care_label_until if own else None
            row_steps: list[tuple[str, dt.date, str, dict[str, Any]]] = []
            assert row.start is not None
            row_steps.append((EventKind.STARTED, row.start, "", {}))
            if row.flip and own is not None and label_end is not None:
                row_steps.append(
                    (
                        EventKind.FLIPPED,
                        row.flip,
                        _("Label 'wonen met zorg' until %(date)s.") % {"date": _nl(label_end)},
                        {
                            "flip_date": row.flip,
                            "state": PlacementState.FLIPPED,
                            "tenancy": own,
                        },
                    )
                )
                label_ends = label_end <= importer.today and (not row.exit or label_end < row.exit)
                if label_ends:
                    row_steps.append(
                        (
                            EventKind.LABEL_ENDED,
                            label_end,
                            _("The label reached its end date."),
                            {"state": PlacementState.LABEL_ENDED},
                        )
                    )
            if row.exit:
                row_steps.append(
                    (
                        EventKind.EXITED,
                        row.exit,
                        str(ExitReason(row.reason).label),
                        {
                            "exit_date": row.exit,
                            "exit_reason": row.reason,
                            "state": PlacementState.EXITED,
                        },
                    )
                )
            for _kind, _on, _summary, changes in row_steps:
                for name, value in changes.items():
                    setattr(placement, name, value)
            steps.append(row_steps)
            importer.result.states[placement.state] += 1
        Placement.objects.bulk_create([p for _r, p, _a in placements])
        timeline: list[PlacementEvent] = []
        for (_row, placement, _agreement), row_steps in zip(placements, steps, strict=True):
            final = {
                name: getattr(placement, name)
                for name in ("flip_date", "exit_date", "exit_reason", "state", "tenancy")
            }
            # Replay the steps on the saved object for the audit trail, then restore it.
            placement.flip_date = placement.exit_date = None
            placement.exit_reason, placement.state, placement.tenancy = (
                "",
                PlacementState.CARE_LEASE,
                None,
            )
            step_before: dict[str, Any] | None = None
            for kind, on, summary, changes in row_steps:
                for name, value in changes.items():
                    setattr(placement, name, value)
                audit(placement, step_before)
                step_before = snapshot_fields(placement)
                timeline.append(
                    PlacementEvent(placement=placement, kind=kind, on=on, summary=summary[:300])
                )
            for name, value in final.items():
                setattr(placement, name, value)
        person = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        for event in timeline:
            event.by = person
        PlacementEvent.objects.bulk_create(timeline)
        AuditEvent.objects.bulk_create([e for e in events if e is not None])
        self.count = len(placements)
        self._taken(placements, tenancies)

    @staticmethod
    def _replay(obj: Model, start: dict[str, Any], audit: Any) -> None:
        """Audit a row saved in its final state as created with ``start`` values, then changed."""
        final = {name: getattr(obj, name) for name in start}
        for name, value in start.items():
            setattr(obj, name, value)
        audit(obj, None)
        if final != start:
            before = snapshot_fields(obj)
            for name, value in final.items():
                setattr(obj, name, value)
            audit(obj, before)

    def _taken(
        self,
        placements: list[tuple[_Row, Placement, CareLeaseAgreement]],
        tenancies: dict[int, RegularTenancy],
    ) -> None:
        """Like lease_dwelling and start_regular_tenancy, tell the letting process a dwelling is
        taken, so an open vacancy of a dwelling the import leaves occupied is closed. Releases of
        history are not sent: they would open vacancies for dwellings let long since."""
        from doorstroom.lettings.models import Vacancy

        occupied = {
            placement.dwelling_id: placement.dwelling
            for row, placement, _a in placements
            if row.exit is None
        }
        if not occupied:
            return
        with_vacancy = set()
        for chunk in _chunks(occupied):
            with_vacancy |= set(
                Vacancy.objects.open()
                .filter(dwelling_id__in=chunk)
                .values_list("dwelling_id", flat=True)
            )
        for dwelling_id in with_vacancy:
            dwelling = occupied[dwelling_id]
            dwelling_taken.send(
                sender=CareLease,
                dwelling=dwelling,
                start_date=self.importer.today,
                acting_user=self.importer.acting_user,
            )


def run_register_import(
    path: Path | str,
    *,
    corporation: Organisation,
    acting_user: Any,
    actor_label: str = "",
    dry_run: bool = False,
    create_missing: bool = False,
) -> RegisterImportResult:
    """Import (or with ``dry_run`` only check) a placements register for ``corporation``: all or
    nothing, idempotent.

    ``acting_user`` None is the system (the command), recorded as ``actor_label``.
    ``create_missing`` creates unknown care providers, complexes, dwellings and agreements.
    Raises ImportFileError when the file as a whole cannot be read and PermissionDenied when the
    user may not import for this corporation.
    """
    if corporation.kind != OrganisationKind.CORPORATION:
        raise ImportFileError(_("Placements are imported for a housing corporation."))
    require_permission(acting_user, PERMISSION, corporation)
    importer = _Importer(
        corporation=corporation,
        acting_user=acting_user,
        actor_label=actor_label,
        dry_run=dry_run,
        create_missing=create_missing,
    )
    return importer.run(Path(path))
