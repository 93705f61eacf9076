"""The verification API, ``/api/v1/``: the same verdicts as the pages, as JSON.

No session, no cookies, no CSRF: these views never touch ``request.user`` or
``request.session``. An ``Authorization: Bearer`` token owned by an employer organisation
raises the rate limit and attributes the check to the organisation in the holder's log.
The OpenAPI document (:mod:`credentials.openapi`) describes every response.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import verification_uploads as uploads
from .openapi import openapi_document
from .ratelimit import rate_limited, token_owner
from .verification import invalid_verdict, verify_by_id, verify_json, verify_pdf

NOT_FOUND = {"status": "not_found"}
NEITHER = "The file is neither a PDF certificate nor an Open Badges credential (JSON)."
MISSING = "Send the PDF or JSON file in the multipart form field 'file'."


def _json(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    return _json({"status": "rate_limited", "retry_after": retry_after}, status=429)


@require_GET
@rate_limited(_too_many)
def credential_verification(request: HttpRequest, public_id: str) -> HttpResponse:
    """``GET /api/v1/credentials/<id>/verification``: 404 exactly when the page is 404."""
    verdict = verify_by_id(public_id, channel="api", organisation=token_owner(request))
    if verdict.status == "not_found":
        return _json(NOT_FOUND, status=404)
    return _json(verdict.to_api())


@csrf_exempt  # a machine endpoint without cookies: there is no session to ride on
@require_POST
@rate_limited(_too_many)
def verifications(request: HttpRequest) -> HttpResponse:
    """``POST /api/v1/verifications``: verify an uploaded PDF or Open Badges JSON file."""
    problem = uploads.body_too_large(request)
    if problem:
        return _json(invalid_verdict(problem).to_api(), status=413)
    uploads.prepare(request)
    upload = uploads.read_file(
        request, "file", allowed_types=uploads.PDF_TYPES | uploads.JSON_TYPES
    )
    if upload.too_large:
        return _json(invalid_verdict(upload.problem).to_api(), status=413)
    if upload.data is None:
        return _json(invalid_verdict(MISSING).to_api(), status=400)
    organisation = token_owner(request)
    if upload.declared_type_ok and uploads.looks_like_pdf(upload.data):
        verdict = verify_pdf(upload.data, channel="api", organisation=organisation)
    elif upload.declared_type_ok and uploads.looks_like_json(upload.data):
        verdict = verify_json(upload.data, channel="api", organisation=organisation)
    else:
        verdict = invalid_verdict(NEITHER)
    return _json(verdict.to_api(), status=400 if verdict.status == "invalid" else 200)


@require_GET
def openapi(request: HttpRequest) -> HttpResponse:
    """``GET /api/v1/openapi.json``."""
    response = JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
