"""The bulk check endpoint's part of the OpenAPI document (``credentials.openapi``).

Registered in ``EmployersConfig.ready``; the figures come from ``employers.bulk`` so the
document says what the endpoint really accepts.
"""

from __future__ import annotations

from typing import Any

from credentials.openapi import file_upload_body

from . import bulk

BULK_CHECK_PATH = "/employers/api/bulk-check"


def _error(description: str, **extra) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}},
        **extra,
    }


def bulk_check_part() -> tuple[dict[str, Any], dict[str, Any]]:
    """The paths and schemas the bulk check adds to the OpenAPI document."""
    columns = ", ".join(bulk.RESULT_HEADER)
    size = bulk.size_label(bulk.MAX_UPLOAD_BYTES)
    operation = {
        "operationId": "bulkCheck",
        "summary": "Check many credential ids at once: a CSV file in, a CSV file out",
        "description": "For approved organisations, with one of their API tokens. Send a CSV "
        f"file (UTF-8, {size} at most) with one credential id or verification link per row "
        f"in its first column, up to {bulk.MAX_ROWS:,} rows; a header row such as 'id' is "
        f"optional. The answer is a CSV file with the columns {columns}: one line per id, in "
        "the file's order. Cells are formula-safe: a value starting with = + - or @ gets a "
        "leading ' (strip it when matching ids). Bulk checks are limited per organisation, "
        "on the site and through the API together. Each check appears in its holder's "
        "verification log under the organisation's name.",
        "security": [{"bearerAuth": []}],
        "requestBody": file_upload_body(f"The CSV file ({size} at most)."),
        "responses": {
            "200": {
                "description": "The results, as a CSV file to download.",
                "content": {
                    "text/csv": {
                        "schema": {"type": "string", "description": f"Columns: {columns}."}
                    }
                },
            },
            "400": _error("No file was sent, or it can't be read as a CSV file of ids."),
            "401": _error(
                "No live API token: missing, unknown or revoked, or its organisation isn't "
                "approved (or is suspended).",
                headers={
                    "WWW-Authenticate": {
                        "description": 'Bearer realm="lineage"',
                        "schema": {"type": "string"},
                    }
                },
            ),
            "403": _error("The organisation may not run bulk checks (no longer approved)."),
            "413": _error(f"The file is larger than {size}."),
            "429": _error(
                "Too many requests, or too many bulk checks: wait the seconds in Retry-After.",
                headers={
                    "Retry-After": {
                        "description": "Seconds until another check may be made.",
                        "schema": {"type": "integer", "minimum": 1},
                    }
                },
            ),
        },
    }
    schemas = {
        "ApiError": {
            "type": "object",
            "required": ["error"],
            "additionalProperties": False,
            "properties": {"error": {"type": "string", "description": "What went wrong."}},
        }
    }
    return {BULK_CHECK_PATH: {"post": operation}}, schemas
