"""Bulk checks: reading a CSV file of credential ids and writing a CSV file of verdicts.

Pure functions over bytes, text and verdicts: no database, no HTTP. Verifying is passed in
(``verdict_for``), so the caller decides the channel and who is checking, and these rules test
without either. ``services.bulk_check_run`` joins them up.
"""

import csv
import io
from collections.abc import Callable

from lms.spreadsheets import csv_safe

from .credential_ids import MAX_CREDENTIAL_ID_LENGTH, normalise_credential_id

MAX_UPLOAD_BYTES = 128 * 1024
MAX_ROWS = 1000
ID_HEADERS = {"id", "ids", "credential", "credential id", "credential_id", "public_id", "public id"}
RESULT_HEADER = [
    "id",
    "status",
    "valid",
    "headline",
    "issued_on",
    "expires_on",
    "holder_name",
    "achievement",
]
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SHOWN_ID_LENGTH = 100
NOT_AN_ID_HEADLINE = "This isn't a Lineage credential id."


class BulkFileError(ValueError):
    """The file as a whole can't be checked; the message says why, in words."""


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def decode_upload(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """The uploaded bytes as text, or BulkFileError saying what is wrong."""
    if len(data) > max_bytes:
        raise BulkFileError(
            f"The file is larger than the {size_label(max_bytes)} limit. "
            "Split it into smaller files and check each one."
        )
    if data.startswith(UTF16_BOMS):
        raise BulkFileError(
            "The file is saved as UTF-16. Save it as “CSV UTF-8” and upload it again."
        )
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        raise BulkFileError(
            "The file isn't UTF-8 text (it may be a spreadsheet, not a CSV file). Save it as "
            f"“CSV UTF-8” and upload it again. (Unreadable byte at position {exc.start + 1}.)"
        ) from None
    if "\x00" in text:
        raise BulkFileError("The file contains binary data, so it isn't a CSV file.")
    if not text.strip():
        raise BulkFileError("The file is empty.")
    return text


def delimiter_for(text: str) -> str:
    """Comma, or the semicolon or tab a spreadsheet wrote instead."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," in first:
        return ","
    if ";" in first:
        return ";"
    return "\t" if "\t" in first else ","


def parse_credential_ids(text: str, *, max_rows: int = MAX_ROWS) -> list[str]:
    """The credential ids in the file's first column, in file order (repeats kept).

    A header row ("id", "credential id", ...) is optional; rows with an empty first cell
    are skipped; verification links are read as the id they carry.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_for(text), strict=True)
    ids: list[str] = []
    first = True
    try:
        for cells in reader:
            value = cells[0].strip() if cells else ""
            if not value:
                continue
            if first:
                first = False
                if value.lower() in ID_HEADERS:
                    continue
            if len(ids) == max_rows:
                raise BulkFileError(
                    f"The file has more than {max_rows:,} credential ids. "
                    f"Split it into files of at most {max_rows:,} rows each."
                )
            ids.append(normalise_credential_id(value))
    except csv.Error as exc:
        raise BulkFileError(
            f"Line {reader.line_num} isn't valid CSV ({exc}). Export the file from your "
            "spreadsheet as CSV and upload it again."
        ) from None
    if not ids:
        raise BulkFileError("The file has no credential ids in it.")
    return ids


def holder_name(verdict) -> str:
    """The holder's name as verification showed it ("" when the holder hides it)."""
    return str((verdict.holder or {}).get("name") or "")


def achievement_name(verdict) -> str:
    achievement = verdict.achievement or {}
    return str(achievement.get("name") or achievement.get("title") or "")


def verdict_row(public_id: str, verdict) -> list[str]:
    """One result line: what verification said about ``public_id``, every cell formula-safe."""
    return [
        csv_safe(public_id),
        csv_safe(verdict.status),
        "true" if verdict.valid else "false",
        csv_safe(verdict.headline),
        verdict.issued_on.isoformat() if verdict.issued_on else "",
        verdict.expires_on.isoformat() if verdict.expires_on else "",
        csv_safe(holder_name(verdict)),
        csv_safe(achievement_name(verdict)),
    ]


def not_an_id_row(value: str) -> list[str]:
    shown = value if len(value) <= SHOWN_ID_LENGTH else value[: SHOWN_ID_LENGTH - 1] + "…"
    return [csv_safe(shown), "invalid", "false", NOT_AN_ID_HEADLINE, "", "", "", ""]


def result_rows(ids: list[str], verdict_for: Callable[[str], object]) -> list[list[str]]:
    """The result table (header first): one line per id, each distinct id verified once."""
    verdicts: dict[str, object] = {}
    rows = [list(RESULT_HEADER)]
    for public_id in ids:
        if len(public_id) > MAX_CREDENTIAL_ID_LENGTH:
            rows.append(not_an_id_row(public_id))
            continue
        if public_id not in verdicts:
            verdicts[public_id] = verdict_for(public_id)
        rows.append(verdict_row(public_id, verdicts[public_id]))
    return rows


def rows_to_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()
