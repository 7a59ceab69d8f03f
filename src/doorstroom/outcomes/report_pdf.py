"""The quarterly report as an A4 PDF (WeasyPrint), from the tables of reports.py."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.formats import number_format

from doorstroom.outcomes.reports import COUNT, DAYS, SHARE, TEXT, CellValue, Report

TEMPLATE = "outcomes/reports/report_pdf.html"


def display(value: CellValue, kind: str) -> str:
    """A cell for reading: counts as they are, shares as percentages, days whole; '<5' and 'x'
    as they are; '–' when there is nothing to compute."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if kind == SHARE:
        return f"{number_format(value * 100, decimal_pos=1)}%"
    if kind == DAYS:
        return number_format(value, decimal_pos=0)
    if kind == COUNT:
        return number_format(value, decimal_pos=0, force_grouping=True)
    return str(value)


def report_context(report: Report) -> dict[str, Any]:
    return {
        "report": report,
        "tables": [
            {
                "table": table,
                "columns": [
                    {
                        "label": label,
                        "numeric": bool(table.rows) and table.rows[0][index].kind != TEXT,
                    }
                    for index, label in enumerate(table.columns)
                ],
                "rows": [
                    [
                        {"text": display(cell.value, cell.kind), "numeric": cell.kind != TEXT}
                        for cell in row
                    ]
                    for row in table.rows
                ],
            }
            for table in report.tables
        ],
    }


def report_html(report: Report) -> str:
    """The report as HTML, in the active language."""
    return render_to_string(TEMPLATE, report_context(report))


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # imported here: loading WeasyPrint takes a moment

    pdf = HTML(string=report_html(report)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
