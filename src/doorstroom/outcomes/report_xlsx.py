"""The quarterly report as a spreadsheet (openpyxl): an overview sheet, one sheet per table and
the definitions. Numbers are numbers (shares as fractions with a percentage format), so they can
be added up; '<5' and 'x' are text, exactly as in the PDF."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from doorstroom.outcomes.reports import DAYS, SHARE, TEXT, Cell, Report, Table

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def _value(cell: Cell) -> object:
    if cell.value is None:
        return "–"
    if cell.kind == DAYS and not isinstance(cell.value, str):
        return round(cell.value, 1)
    return cell.value


def _table_sheet(sheet: Worksheet, table: Table) -> None:
    sheet.append([table.title])
    sheet["A1"].font = TITLE
    sheet.append([])
    sheet.append(table.columns)
    for header in sheet[3]:
        header.font = BOLD
    for row in table.rows:
        sheet.append([_value(cell) for cell in row])
        for target, cell in zip(sheet[sheet.max_row], row, strict=True):
            if cell.kind == SHARE and not isinstance(cell.value, str | None):
                target.number_format = "0.0%"
            elif cell.kind not in (TEXT,) and isinstance(cell.value, str | None):
                target.alignment = Alignment(horizontal="right")
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    sheet.column_dimensions["A"].width = 60
    for letter in "BCDEF":
        sheet.column_dimensions[letter].width = 18


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    overview = workbook.active
    assert overview is not None
    overview.title = "overzicht"
    overview.append(["Doorstroom"])
    overview["A1"].font = TITLE
    overview.append([report.title])
    overview.append([])
    for label, value in (
        (_("Scope"), report.scope.label),
        (_("Period"), f"{report.period_start.isoformat()} – {report.period_end.isoformat()}"),
        (_("Reference date"), report.as_of),
        (_("Made on"), report.generated_on),
    ):
        overview.append([label, value])
        overview.cell(overview.max_row, 1).font = BOLD
        if not isinstance(value, str):
            overview.cell(overview.max_row, 2).number_format = "yyyy-mm-dd"
    overview.append([])
    overview.append([_("This report holds numbers only: no person, client reference or dwelling.")])
    if report.protected:
        overview.append(
            [
                _(
                    "Numbers from 1 to 4 are shown as '<5'; 'x' marks a figure withheld "
                    "because it could reveal one."
                )
            ]
        )
    if not report.has_data:
        overview.append(
            [
                _(
                    "No data: there are no placements in this scope up to the reference date. "
                    "All figures are zero."
                )
            ]
        )
    overview.column_dimensions["A"].width = 30
    overview.column_dimensions["B"].width = 60
    for table in report.tables:
        _table_sheet(workbook.create_sheet(table.key[:31]), table)
    terms = workbook.create_sheet("definities")
    terms.append([_("Term"), _("Definition")])
    for header in terms[1]:
        header.font = BOLD
    for term, text in report.definitions:
        terms.append([term, text])
        terms.cell(terms.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    terms.column_dimensions["A"].width = 35
    terms.column_dimensions["B"].width = 100
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
