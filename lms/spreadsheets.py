"""Spreadsheet exports that never carry a live formula (OWASP "CSV injection").

A spreadsheet runs a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
as a formula, and page titles, names and organisation names are typed by people. Our own CSVs
pass every cell through ``csv_safe``; Wagtail's admin exports (site history, locked and aging
pages, workflows, redirects, any listing with ``list_export``) are served by subclasses of the
same views with ``FormulaSafeExportMixin``, routed in front of Wagtail's own
(``lms/admin_exports.py``).
"""

# The full-width forms too, which some spreadsheets read as their ASCII twins.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: formula-like strings get a leading single quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


class FormulaSafeExportMixin:
    """For a Wagtail ``SpreadsheetExportMixin`` view: every text cell of its CSV export and
    every heading made formula-safe (Wagtail's XLSX rows are stored as text already)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV and isinstance(value, str):
            return csv_safe(value)
        return value

    def get_heading(self, queryset, field):
        return csv_safe(super().get_heading(queryset, field))
