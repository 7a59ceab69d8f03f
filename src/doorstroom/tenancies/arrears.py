"""Rent arrears from the corporation's ERP: the import of arrears reports and the rules that open,
escalate and close rent-arrears signals from them (docs/arrears-import.md has the file format).

The import reads the file with the portfolio import's reader (CSV with comma or semicolon, UTF-8
with or without BOM, or XLSX) and reports errors the same way: every problem with its row,
column and reason. It is all-or-nothing and idempotent: one report per dwelling and date; the
same row imported again changes nothing, the same dwelling and date with other figures is
refused. After a successful import the rules run for the corporation, in the same transaction;
a dry run (the preview) does all of it and rolls back.

Rules (``apply_arrears_rules``), on each dwelling's latest report: at least ``months_to_open()``
months opens a rent-arrears signal (source 'arrears') unless one is open; at least
``months_to_escalate()`` months escalates it; zero closes it with the outcome 'paid'. Running the
rules twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, DecimalField, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.audit.models import AuditEvent
from doorstroom.audit.services import saved_event
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind
from doorstroom.portfolio.importing import (
    BATCH_SIZE,
    MAX_ERRORS,
    Column,
    Header,
    ImportFileError,
    RowError,
    map_header,
    messages_of,
    open_table,
    parse_decimal,
)
from doorstroom.portfolio.models import CareLease, Dwelling, RegularTenancy
from doorstroom.portfolio.services import check
from doorstroom.tenancies import signals_services
from doorstroom.tenancies.models import ArrearsReport, Signal, SignalKind, SignalSource


def months_to_open() -> Decimal:
    """Months of arrears on the latest report that open a signal (ARREARS_MONTHS_TO_OPEN)."""
    return Decimal(settings.ARREARS_MONTHS_TO_OPEN)


def months_to_escalate() -> Decimal:
    """Months of arrears that escalate it (ARREARS_MONTHS_TO_ESCALATE)."""
    return Decimal(settings.ARREARS_MONTHS_TO_ESCALATE)


#: The outcome of an arrears signal closed because the arrears are paid.
PAID_OUTCOME = "paid"

ARREARS = "arrears"

COLUMNS: tuple[Column, ...] = (
    Column(
        "vhe",
        "vhe",
        ARREARS,
        "dwelling",
        required=True,
        aliases=(
            "vhe_code",
            "vhe-code",
            "vhecode",
            "vhe_nummer",
            "eenheid",
            "eenheidnummer",
            "eenheidsnummer",
        ),
        description=gettext_lazy("The dwelling's VHE code (verhuureenheid)."),
    ),
    Column(
        "date",
        "peildatum",
        ARREARS,
        "reported_on",
        kind="date",
        required=True,
        aliases=("datum", "reported_on", "report_date", "reference_date"),
        description=gettext_lazy(
            "The date the figures are for: 2025-03-31 or 31-03-2025 (not in the future)."
        ),
    ),
    Column(
        "months",
        "maanden_achterstand",
        ARREARS,
        "months",
        kind="decimal",
        required=True,
        aliases=(
            "maanden",
            "achterstand_maanden",
            "achterstand_in_maanden",
            "months_in_arrears",
        ),
        description=gettext_lazy("Months of rent in arrears, e.g. 1,5 (one decimal at most)."),
    ),
    Column(
        "amount",
        "bedrag",
        ARREARS,
        "amount",
        kind="decimal",
        required=True,
        aliases=(
            "bedrag_achterstand",
            "achterstand_bedrag",
            "achterstand",
            "amount_in_arrears",
            "saldo",
        ),
        description=gettext_lazy("The amount in arrears in euros, e.g. 1.234,50 or € 612.50."),
    ),
)
# --- Cells -------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def parse_date(raw: str) -> dt.date:
    """'2025-03-31', '31-03-2025', '31/3/2025', '31.03.2025', or an XLSX date cell."""
    text = re.split(r"[T ]", raw.strip(), maxsplit=1)[0]
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DUTCH_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(raw)
    return dt.date(year, month, day)


# --- Results -----------------------------------------------------------------------------------


@dataclass
class RulesResult:
    opened: int = 0
    escalated: int = 0
    closed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.escalated or self.closed)

    def summary(self) -> str:
        return _(
            "Rent-arrears signals: %(opened)s opened, %(escalated)s escalated, %(closed)s closed."
        ) % vars(self)


@dataclass
class ArrearsImportResult:
    dry_run: bool
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: tuple[str, ...] = ()
    rules: RulesResult = field(default_factory=RulesResult)

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
            _("Arrears reports: %(created)s new, %(unchanged)s already imported.")
            % {"created": self.created, "unchanged": self.unchanged},
            self.rules.summary(),
        ]


# --- The import --------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    vhe: str = ""
    reported_on: dt.date | None = None
    months: Decimal | None = None
    amount: Decimal | None = None
    ok: bool = True


class _Importer:
    def __init__(
        self,
        *,
        corporation: Organisation,
        acting_user: Any,
        actor_label: str,
        dry_run: bool,
        batch_size: int,
    ) -> None:
        self.corporation = corporation
        self.acting_user = acting_user
        self.actor_label = actor_label
        self.batch_size = batch_size
        self.result = ArrearsImportResult(dry_run=dry_run)
        #: (VHE code, date) -> first row number: the duplicate check within the file.
        self.seen: dict[tuple[str, dt.date], int] = {}
        self.today = timezone.localdate()
        self.header: Header

    def run(self, path: Path) -> ArrearsImportResult:
        with open_table(path) as (cells, rows):
            self.header = map_header(cells, COLUMNS)
            self.result.ignored_columns = self.header.ignored
            with transaction.atomic():
                # One arrears import per corporation at a time (PostgreSQL).
                list(Organisation.objects.select_for_update().filter(pk=self.corporation.pk))
                while batch := list(islice(rows, self.batch_size)):
                    self.result.rows += len(batch)
                    self._batch(batch)
                if self.result.ok:
                    self.result.rules = apply_arrears_rules(
                        corporation=self.corporation, acting_user=self.acting_user
                    )
                if not self.result.written:
                    transaction.set_rollback(True)
        return self.result

    def _error(self, errors: list[RowError], row: _Row, column: str, message: str) -> None:
        errors.append(RowError(row.number, self.header.name_of(column), message))
        row.ok = False

    def _batch(self, batch: list[tuple[int, list[str]]]) -> None:
        errors: list[RowError] = []
        rows = [self._parse(number, cells, errors) for number, cells in batch]
        self._check_duplicates(rows, errors)
        dwellings = {
            dwelling.vhe_code: dwelling
            for dwelling in Dwelling.objects.filter(
                corporation=self.corporation, vhe_code__in={row.vhe for row in rows if row.vhe}
            )
        }
        ids = [dwelling.pk for dwelling in dwellings.values()]
        periods: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
        for model in (CareLease, RegularTenancy):
            for dwelling_id, start, end in model.objects.filter(dwelling_id__in=ids).values_list(
                "dwelling_id", "start_date", "end_date"
            ):
                periods.setdefault(dwelling_id, []).append((start, end))
        existing = {
            (report.dwelling_id, report.reported_on): report
            for report in ArrearsReport.objects.filter(
                dwelling_id__in=ids,
                reported_on__in={row.reported_on for row in rows if row.reported_on},
            )
        }
        new: list[ArrearsReport] = []
        for row in rows:
            if not row.vhe:
                continue
            dwelling = dwellings.get(row.vhe)
            if dwelling is None:
                self._error(
                    errors,
                    row,
                    "vhe",
                    _("Unknown VHE code '%(code)s': no dwelling of %(corporation)s has it.")
                    % {"code": row.vhe, "corporation": self.corporation},
                )
                continue
            if row.reported_on is None or not row.ok:
                continue
            day = row.reported_on
            if not any(
                start <= day and (end is None or end > day)
                for start, end in periods.get(dwelling.pk, [])
            ):
                self._error(
                    errors,
                    row,
                    "vhe",
                    _(
                        "Dwelling %(code)s has no tenancy or care lease on %(date)s, so there "
                        "are no arrears to report."
                    )
                    % {"code": row.vhe, "date": day.strftime("%d-%m-%Y")},
                )
                continue
            assert row.months is not None and row.amount is not None
            earlier = existing.get((dwelling.pk, day))
            if earlier is not None:
                if earlier.months == row.months and earlier.amount == row.amount:
                    self.result.unchanged += 1
                    continue
                self._error(
                    errors,
                    row,
                    "months" if earlier.months != row.months else "amount",
                    _(
                        "Dwelling %(code)s already has arrears for %(date)s with other figures "
                        "(%(months)s months, € %(amount)s). A report is not changed by a new "
                        "import; ask an administrator if it was wrong."
                    )
                    % {
                        "code": row.vhe,
                        "date": day.strftime("%d-%m-%Y"),
                        "months": earlier.months,
                        "amount": earlier.amount,
                    },
                )
                continue
            new.append(
                ArrearsReport(
                    dwelling=dwelling, reported_on=day, months=row.months, amount=row.amount
                )
            )
        errors.sort(key=lambda error: error.row or 0)
        self.result.add_errors(errors)
        if self.result.ok and new:
            ArrearsReport.objects.bulk_create(new)
            self.result.created += len(new)
            events = [
                saved_event(
                    actor=self.acting_user,
                    organisation=self.corporation,
                    obj=report,
                    before=None,
                    actor_label=self.actor_label,
                )
                for report in new
            ]
            AuditEvent.objects.bulk_create([event for event in events if event is not None])

    def _parse(self, number: int, cells: list[str], errors: list[RowError]) -> _Row:
        row = _Row(number)
        values = {
            name: (cells[index].strip() if index < len(cells) else "")
            for name, index in self.header.index.items()
        }
        for name, raw in values.items():
            if not raw:
                self._error(errors, row, name, _("This column is required; the cell is empty."))
        row.vhe = values.get("vhe", "")
        raw_date = values.get("date", "")
        if raw_date:
            try:
                row.reported_on = parse_date(raw_date)
            except ValueError:
                self._error(
                    errors,
                    row,
                    "date",
                    _("'%(value)s' is not a date (write e.g. 2025-03-31 or 31-03-2025).")
                    % {"value": raw_date},
                )
            else:
                if row.reported_on > self.today:
                    self._error(errors, row, "date", _("The date is in the future."))
                    row.reported_on = None
        row.months = self._number(row, "months", values.get("months", ""), errors)
        row.amount = self._number(row, "amount", values.get("amount", ""), errors)
        return row

    def _number(self, row: _Row, name: str, raw: str, errors: list[RowError]) -> Decimal | None:
        if not raw:
            return None
        try:
            value = parse_decimal(raw)
        except (ValueError, InvalidOperation):
            self._error(
                errors,
                row,
                name,
                _("'%(value)s' is not a number (write e.g. 1,5 or 612,50).") % {"value": raw},
            )
            return None
        try:
            cleaned: Decimal = ArrearsReport._meta.get_field(name).clean(value, None)  # type: ignore[union-attr]
        except ValidationError as exc:
            self._error(errors, row, name, messages_of(exc))
            return None
        return cleaned

    def _check_duplicates(self, rows: list[_Row], errors: list[RowError]) -> None:
        for row in rows:
            if not row.vhe or row.reported_on is None:
                continue
            key = (row.vhe, row.reported_on)
            first = self.seen.setdefault(key, row.number)
            if first != row.number:
                self._error(
                    errors,
                    row,
                    "vhe",
                    _(
                        "VHE code '%(code)s' with date %(date)s is in the file more than once "
                        "(first in row %(row)s)."
                    )
                    % {
                        "code": row.vhe,
                        "date": row.reported_on.strftime("%d-%m-%Y"),
                        "row": first,
                    },
                )


def run_arrears_import(
    path: Path | str,
    *,
    corporation: Organisation,
    acting_user: Any,
    actor_label: str = "",
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
) -> ArrearsImportResult:
    """Import (or with ``dry_run`` only check) the arrears file for ``corporation``; all or nothing.

    ``acting_user`` None is the system (the command), recorded as ``actor_label``. Raises
    ImportFileError when the file as a whole cannot be read and PermissionDenied when the user may
    not import for this corporation.
    """
    if corporation.kind != OrganisationKind.CORPORATION:
        raise ImportFileError(_("Only a housing corporation reports rent arrears."))
    check(acting_user, "tenancies.import_arrears", corporation)
    importer = _Importer(
        corporation=corporation,
        acting_user=acting_user,
        actor_label=actor_label,
        dry_run=dry_run,
        batch_size=max(1, batch_size),
    )
    return importer.run(Path(path))


# --- The rules ---------------------------------------------------------------------------------


@transaction.atomic
def apply_arrears_rules(*, corporation: Organisation, acting_user: Any = None) -> RulesResult:
    """Open, escalate and close rent-arrears signals from each dwelling's latest arrears report.

    Idempotent: a second run finds nothing to do. An arrears signal closed by hand is not opened
    again until a newer report than its closing date shows arrears.
    """
    result = RulesResult()
    latest = ArrearsReport.objects.filter(dwelling=OuterRef("pk")).order_by("-reported_on")
    dwellings = (
        Dwelling.objects.filter(corporation=corporation)
        .annotate(
            latest_on=Subquery(latest.values("reported_on")[:1], output_field=DateField()),
            latest_months=Subquery(
                latest.values("months")[:1],
                output_field=DecimalField(max_digits=4, decimal_places=1),
            ),
            latest_amount=Subquery(
                latest.values("amount")[:1],
                output_field=DecimalField(max_digits=9, decimal_places=2),
            ),
        )
        .filter(latest_on__isnull=False)
        .select_related("corporation")
    )
    arrears_signals = Signal.objects.filter(
        dwelling__corporation=corporation, source=SignalSource.ARREARS, kind=SignalKind.RENT_ARREARS
    )
    open_signals = {
        signal.dwelling_id: signal for signal in arrears_signals.filter(closed_on__isnull=True)
    }
    last_closed = dict(
        arrears_signals.filter(closed_on__isnull=False)
        .values("dwelling_id")
        .annotate(last=Max("closed_on"))
        .values_list("dwelling_id", "last")
    )
    for dwelling in dwellings:
        day: dt.date = dwelling.latest_on
        months = Decimal(dwelling.latest_months)
        signal = open_signals.get(dwelling.pk)
        if months >= months_to_open():
            if signal is None:
                closed = last_closed.get(dwelling.pk)
                if closed is not None and closed >= day:
                    continue  # closed by hand after this report: wait for a newer one
                try:
                    signal = signals_services.open_arrears_signal(
                        acting_user=acting_user,
                        dwelling=dwelling,
                        opened_on=day,
                        description=_(
                            "Rent arrears of %(months)s months (€ %(amount)s) on %(date)s."
                        )
                        % {
                            "months": months,
                            "amount": dwelling.latest_amount,
                            "date": day.strftime("%d-%m-%Y"),
                        },
                    )
                except ValidationError:
                    continue  # nobody lives there on that date: nobody to signal about
                result.opened += 1
            if months >= months_to_escalate() and signal.escalated_on is None:
                signals_services.escalate_signal(
                    acting_user=acting_user, signal=signal, on=max(day, signal.opened_on)
                )
                result.escalated += 1
        elif months == 0 and signal is not None:
            signals_services.close_signal(
                acting_user=acting_user,
                signal=signal,
                outcome=PAID_OUTCOME,
                on=max(day, signal.opened_on),
            )
            result.closed += 1
    return result
