"""The OpenAPI 3.1 description of the verification API, served at ``/api/v1/openapi.json``
and, readable, at ``/api/docs/`` (``credentials.api_docs``).

Built in Python so the servers URL follows ``LINEAGE_BASE_URL``; the schemas are JSON Schema
2020-12 (OpenAPI 3.1), which the tests use to validate real responses. Other apps add their
own endpoints (employers' bulk check) with ``register_openapi_part``: credentials never
imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from .verification import STATUSES

_DATE = {"type": ["string", "null"], "format": "date"}
_TOO_MANY = {
    "description": "Too many requests: wait the number of seconds in Retry-After.",
    "headers": {
        "Retry-After": {
            "description": "Seconds until the rate limit window resets.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RateLimited"}}},
}


def _verdict_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Verdict"}}},
    }


SCHEMAS: dict[str, Any] = {
    "Check": {
        "type": "object",
        "required": ["name", "passed", "detail", "checked"],
        "additionalProperties": False,
        "properties": {
            "name": {
                "type": "string",
                "description": "What was checked. Names are stable, e.g. 'Issued by this "
                "issuer', 'Signature valid', 'Not revoked', 'Not superseded', 'Not expired', "
                "'File signed by this issuer', 'File unchanged since signing', 'Well-formed "
                "Open Badges credential', 'Matches our records', 'Readable file'.",
            },
            "passed": {"type": "boolean"},
            "detail": {"type": "string", "description": "Why, in plain words."},
            "checked": {
                "type": "boolean",
                "description": "False when the check was not made because an earlier one "
                "failed (passed is false too, and detail names the failed check).",
            },
        },
    },
    "Achievement": {
        "type": "object",
        "description": "What was achieved, frozen when the credential was issued. Empty unless "
        "the credential was found and is authentic.",
        "properties": {
            "id": {"type": "string", "format": "uri"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "criteria": {"type": "string", "description": "Markdown list of required steps."},
            "skills": {"type": "array", "items": {"type": "string"}},
            "course_code": {"type": "string"},
            "edition": {"type": "string", "description": "The course edition completed."},
            "estimated_hours": {"type": ["number", "null"]},
            "outcomes": {"type": "array", "items": {"type": "string"}},
            "steps": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["title", "type"],
                    "properties": {
                        "title": {"type": "string"},
                        "type": {"type": "string"},
                        "kind": {"type": "string", "description": "The type in words."},
                        "revision_id": {"type": ["integer", "null"]},
                        "pass_mark": {"type": ["number", "null"]},
                        "score": {"type": ["number", "null"]},
                    },
                },
            },
        },
    },
    "Holder": {
        "type": "object",
        "description": "The holder, only as they allow: 'name' is present only when they chose "
        "to show it. Otherwise empty.",
        "additionalProperties": False,
        "properties": {"name": {"type": "string"}},
    },
    "Verdict": {
        "type": "object",
        "required": [
            "id",
            "status",
            "valid",
            "checks",
            "issued_on",
            "expires_on",
            "achievement",
            "holder",
        ],
        "additionalProperties": False,
        "properties": {
            "id": {"type": ["string", "null"], "description": "The credential's public id."},
            "status": {
                "type": "string",
                "enum": [s for s in STATUSES if s != "not_found"],
                "description": "valid; revoked, expired, superseded, withdrawn (the credential's "
                "state); pending (not issued yet); failed (a check failed: not authentic); "
                "invalid (the input could not be checked at all).",
            },
            "valid": {"type": "boolean", "description": "True only when status is 'valid'."},
            "checks": {"type": "array", "items": {"$ref": "#/components/schemas/Check"}},
            "issued_on": _DATE,
            "expires_on": _DATE,
            "achievement": {"$ref": "#/components/schemas/Achievement"},
            "holder": {"$ref": "#/components/schemas/Holder"},
        },
    },
    "NotFound": {
        "type": "object",
        "required": ["status"],
        "additionalProperties": False,
        "properties": {"status": {"const": "not_found"}},
        "description": "No such credential, or its holder chose to hide it: the two cannot be "
        "told apart.",
    },
    "RateLimited": {
        "type": "object",
        "required": ["status", "retry_after"],
        "additionalProperties": False,
        "properties": {
            "status": {"const": "rate_limited"},
            "retry_after": {"type": "integer", "minimum": 1},
        },
    },
}


def file_upload_body(description: str) -> dict[str, Any]:
    """A required request body: one file in the multipart field ``file``."""
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": description}
                    },
                }
            }
        },
    }


# Each returns (paths, schemas) to add to the document; called whenever it is built, so
# figures that come from settings stay current.
OpenApiPart = Callable[[], tuple[dict[str, Any], dict[str, Any]]]
openapi_parts: list[OpenApiPart] = []


def register_openapi_part(part: OpenApiPart) -> OpenApiPart:
    """Add ``part``'s paths and schemas to the document (once, however often registered)."""
    if part not in openapi_parts:
        openapi_parts.append(part)
    return part


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document for the verification endpoints."""
    not_found = {
        "description": "Not found (unknown id, or hidden by its holder).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NotFound"}}},
    }
    id_parameter = {
        "name": "id",
        "in": "path",
        "required": True,
        "description": "The credential id printed on the certificate and in its QR code.",
        "schema": {"type": "string"},
    }
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = dict(SCHEMAS)
    for part in openapi_parts:
        part_paths, part_schemas = part()
        paths.update(part_paths)
        schemas.update(part_schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.LINEAGE_ISSUER_NAME} credential verification API",
            "version": "1.0.0",
            "description": "Verify credentials by id, or by uploading the signed PDF "
            "certificate or the Open Badges 3.0 JSON. No account needed; an employer API token "
            "(Authorization: Bearer) raises the rate limit, and lets an approved organisation "
            "check many ids at once.",
        },
        "externalDocs": {
            "description": "This document as a readable page",
            "url": f"{settings.LINEAGE_BASE_URL}/api/docs/",
        },
        "servers": [{"url": settings.LINEAGE_BASE_URL}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An employer API token (lin_...): optional for verifying, "
                    "where it raises the rate limit; required for bulk checks.",
                }
            },
        },
        "security": [{}, {"bearerAuth": []}],
        "paths": {
            "/api/v1/credentials/{id}/verification": {
                "get": {
                    "operationId": "verifyCredentialById",
                    "summary": "Verify a credential by its id",
                    "parameters": [id_parameter],
                    "responses": {
                        "200": _verdict_response("The verdict, whatever it is."),
                        "404": not_found,
                        "429": _TOO_MANY,
                    },
                }
            },
            "/api/v1/verifications": {
                "post": {
                    "operationId": "verifyFile",
                    "summary": "Verify an uploaded PDF certificate or Open Badges JSON",
                    "description": "Nothing uploaded is stored. The file type is recognised "
                    "from its content.",
                    "requestBody": file_upload_body(
                        "The PDF or JSON file (5 MB at most by default)."
                    ),
                    "responses": {
                        "200": _verdict_response("The verdict for the file."),
                        "400": _verdict_response(
                            "The input could not be checked (status 'invalid'); the checks say why."
                        ),
                        "413": _verdict_response("The file is too large (status 'invalid')."),
                        "429": _TOO_MANY,
                    },
                }
            },
            "/verify/{id}/credential.json": {
                "get": {
                    "operationId": "downloadSignedCredential",
                    "summary": "The signed Open Badges 3.0 credential, to check independently",
                    "parameters": [id_parameter],
                    "responses": {
                        "200": {
                            "description": "The OpenBadgeCredential with its Data Integrity proof.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "404": not_found,
                        "429": _TOO_MANY,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "The OpenAPI document."}},
                }
            },
            **paths,
        },
    }
