"""Bulk enrolment from a CSV of email addresses: reading and checking the file.

The rules are pure functions over bytes and text, testable without HTTP or a database; the
database's answers they need (which addresses belong to active accounts) are passed in, and the
two reads that fetch them sit at the end. The write is ``services.enrollment_bulk_create``,
which also checks prerequisites and enrols everyone or nobody.
"""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from .models import Enrollment

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_ROWS = 5000
EMAIL_HEADERS = {"email", "e-mail", "email address", "e-mail address"}
SHOWN_VALUE_LENGTH = 100
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class ImportFileError(ValueError):
    """The file as a whole can't be used (too big, not UTF-8 text, not CSV, no rows)."""


@dataclass(frozen=True)
class EmailRow:
    number: int  # the row as a spreadsheet numbers it (a header row is row 1)
    email: str  # normalised: stripped and lower-case, as accounts store it


@dataclass(frozen=True)
class RowError:
    number: int
    value: str
    message: str


@dataclass
class ParsedFile:
    rows: list[EmailRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    has_header: bool = False

    @property
    def emails(self) -> list[str]:
        return [row.email for row in self.rows]


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def decode_upload(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """The uploaded bytes as text, or ImportFileError saying in words what is wrong."""
    if len(data) > max_bytes:
        raise ImportFileError(
            f"The file is larger than the {size_label(max_bytes)} limit. "
            "Split it into smaller files and upload each one."
        )
    if data.startswith(UTF16_BOMS):
        raise ImportFileError(
            "The file is saved as UTF-16. Save it as “CSV UTF-8” and upload it again."
        )
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "The file isn't UTF-8 text (it may be a spreadsheet, not a CSV file). "
            f"Save it as “CSV UTF-8” and upload it again. (Unreadable byte at position "
            f"{exc.start + 1}.)"
        ) from None
    if "\x00" in text:
        raise ImportFileError("The file contains binary data, so it isn't a CSV file.")
    if not text.strip():
        raise ImportFileError("The file is empty.")
    return text


def shown(value: str) -> str:
    """A cell's value short enough to show back in the error report."""
    if len(value) <= SHOWN_VALUE_LENGTH:
        return value
    return value[: SHOWN_VALUE_LENGTH - 1] + "…"


def email_column(cells: list[str]) -> int | None:
    """The index of the email column if ``cells`` is a header row, else None."""
    for index, cell in enumerate(cells):
        if cell.strip().lower() in EMAIL_HEADERS:
            return index
    return None


def delimiter_for(text: str) -> str:
    """Comma, or semicolon for spreadsheets set to a locale that writes ``;``."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if ";" in first and "," not in first else ","


def parse_emails(text: str, *, max_rows: int = MAX_ROWS) -> ParsedFile:
    """Read one email per row (first column, or the column headed "email").

    A header row is optional; other columns and blank rows are ignored. Each row is checked
    on its own: a valid address, not listed twice. Raises ImportFileError for a file that
    isn't CSV, has more than ``max_rows`` rows, or has no addresses at all.
    """
    parsed = ParsedFile()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_for(text), strict=True)
    column: int | None = None
    first_row_on: dict[str, int] = {}
    data_rows = 0
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if not any(cell.strip() for cell in cells):
                continue
            if column is None:
                column = email_column(cells)
                if column is not None:
                    parsed.has_header = True
                    continue
                column = 0
            data_rows += 1
            if data_rows > max_rows:
                raise ImportFileError(
                    f"The file has more than {max_rows:,} rows. "
                    f"Split it into files of at most {max_rows:,} rows each."
                )
            row_error, email = check_row(cells, column)
            if row_error:
                parsed.errors.append(RowError(number, shown(cells_value(cells, column)), row_error))
            elif email in first_row_on:
                parsed.errors.append(
                    RowError(number, shown(email), f"Listed already on row {first_row_on[email]}.")
                )
            else:
                first_row_on[email] = number
                parsed.rows.append(EmailRow(number, email))
    except csv.Error as exc:
        raise ImportFileError(
            f"Row {number + 1} isn't valid CSV ({exc}). Export the file from your spreadsheet "
            "as CSV and upload it again."
        ) from None
    if data_rows == 0:
        raise ImportFileError("The file has no email addresses in it.")
    return parsed


def cells_value(cells: list[str], column: int) -> str:
    return cells[column].strip() if column < len(cells) else ""


def check_row(cells: list[str], column: int) -> tuple[str, str]:
    """(error message, "") for a bad row, or ("", the normalised email) for a good one."""
    value = cells_value(cells, column)
    if not value:
        return "This row has no email address.", ""
    try:
        validate_email(value)
    except ValidationError:
        return "This isn't a valid email address.", ""
    return "", value.lower()


def account_errors(rows: list[EmailRow], active_emails: set[str]) -> list[RowError]:
    """Rows whose address belongs to no active account (``active_emails`` is lower-case)."""
    return [
        RowError(
            row.number,
            shown(row.email),
            "No active Lineage account uses this address. Ask the learner to sign up first.",
        )
        for row in rows
        if row.email not in active_emails
    ]


def errors_for_rows(rows: list[EmailRow], errors_by_email: dict[str, str]) -> list[RowError]:
    """Put the service's per-address errors back on the rows they came from."""
    return [
        RowError(row.number, shown(row.email), errors_by_email[row.email])
        for row in rows
        if row.email in errors_by_email
    ]


# --- The reads the import needs (one query each) -------------------------------------------


def active_account_emails(emails: list[str]) -> set[str]:
    """Which of ``emails`` (lower-case) belong to active accounts, matched case-insensitively."""
    return set(
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", flat=True)
    )


def already_enrolled_emails(course, emails: list[str]) -> set[str]:
    """Which of ``emails`` (lower-case) are actively enrolled in ``course`` already."""
    return set(
        Enrollment.objects.active()
        .filter(course_id=course.pk)
        .annotate(email_lower=Lower("user__email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", flat=True)
    )
