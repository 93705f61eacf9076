"""The public verification pages: ``/verify/`` (an id, a PDF or a JSON file) and ``/verify/<id>/``.

Views stay thin: :mod:`credentials.verification` decides, these pages say it. An unknown id and
a credential its holder hid answer with the very same 404 page. Uploads are read in memory and
discarded (:mod:`credentials.verification_uploads`).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from . import verification_checks as checks_
from . import verification_uploads as uploads
from .issuer import uses_did_web
from .models import Credential
from .ratelimit import rate_limited
from .rendering import STATUS_LIST_PATH
from .verification import (
    PUBLIC_ID,
    Verdict,
    max_upload_bytes,
    verify_by_id,
    verify_json,
    verify_pdf,
)

TONES = {
    "valid": "valid",
    "expired": "expired",
    "superseded": "expired",
    "withdrawn": "expired",
    "pending": "expired",
}
# Shapes from templates/credentials/status_icon.html, always beside the words (never alone).
ICON_KEYS = {
    "valid": "issued",
    "revoked": "revoked",
    "withdrawn": "revoked",
    "expired": "expired",
    "superseded": "superseded",
    "pending": "pending",
}
NOT_FOUND_JSON = {"status": "not_found"}
_ID_IN_LINK = re.compile(r"/(?:verify|credentials)/([A-Za-z0-9_-]+)/?(?:[?#].*)?$")


def keys_path() -> str:
    """Where the issuer publishes its keys: the did:web document, or the keys page."""
    return "/.well-known/did.json" if uses_did_web() else "/credentials/issuer/keys.json"


def verifier_organisation(request: HttpRequest):
    """The verifier's organisation for the holder's log, if any.

    Resolved through ``settings.LINEAGE_VERIFIER_ORGANISATION`` (a dotted path to a function
    of the user; the employers app provides it), so credentials never imports employers.
    """
    path = getattr(settings, "LINEAGE_VERIFIER_ORGANISATION", "")
    if not path or not request.user.is_authenticated:
        return None
    return import_string(path)(request.user)


def _verifier(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    return render(request, "credentials/verify/rate_limited.html", {"retry_after": retry_after})


def _no_store(response: HttpResponse) -> HttpResponse:
    # A verdict can change at any moment (revocation): never let a proxy keep one.
    response["Cache-Control"] = "no-store"
    return response


# --- /verify/ ----------------------------------------------------------------------------------


def normalise_id(value: str) -> str | None:
    """A credential id from what a verifier typed: the id itself or its verification link."""
    value = value.strip()
    match = _ID_IN_LINK.search(value)
    candidate = match.group(1) if match else value
    return candidate if PUBLIC_ID.match(candidate) else None


def _start_page(request, *, errors=None, values=None, status=200) -> HttpResponse:
    context = {
        "errors": errors or {},
        "values": values or {},
        "max_mb": f"{max_upload_bytes() / (1024 * 1024):g}",
    }
    return render(request, "credentials/verify/start.html", context, status=status)


@require_GET
@rate_limited(_too_many)
def verify_start(request: HttpRequest) -> HttpResponse:
    """The form: enter an id (a GET form, redirected to its page) or upload a file."""
    if "id" not in request.GET:
        return _start_page(request)
    public_id = normalise_id(request.GET["id"])
    if public_id is None:
        error = "Enter a credential id, or the verification link printed under the QR code"
        return _start_page(
            request, errors={"id": error}, values={"id": request.GET["id"]}, status=400
        )
    return redirect("verification:credential", public_id=public_id)


# --- /verify/<id>/ -----------------------------------------------------------------------------


def how_to_repeat(verdict: Verdict) -> dict[str, str]:
    """For each check, how a verifier can repeat it without trusting this page."""
    issuer = settings.LINEAGE_ISSUER_NAME
    keys = format_html('<a href="{}">the issuer’s published keys</a>', keys_path())
    if verdict.badge_download and verdict.id:
        json_link = format_html(
            '<a href="{}" download>Download the signed credential (JSON)</a>',
            reverse("verification:credential_json", args=[verdict.id]),
        )
    else:
        json_link = "Ask the holder for the signed credential file (JSON)"
    index = verdict.status_list_index
    status_list = format_html('<a href="{}">status list</a>', STATUS_LIST_PATH)
    return {
        checks_.PDF_SIGNED: format_html(
            "Open the PDF in a reader that validates signatures (such as Adobe Acrobat Reader) "
            "or run <code>pyhanko sign validate</code>: the signer’s certificate must chain to "
            "{}’s root certificate.",
            issuer,
        ),
        checks_.PDF_UNCHANGED: "In the same reader, check that the signature covers the whole "
        "document and that no later revision was added.",
        checks_.WELL_FORMED: "Validate the JSON with the 1EdTech Open Badges 3.0 "
        "AchievementCredential JSON Schema, using any JSON Schema validator.",
        checks_.MATCHES_RECORD: format_html("{} and compare it with the file.", json_link),
        checks_.ISSUER: format_html(
            "The issuer and the signing key are named in the credential’s <code>issuer</code> "
            "and <code>proof</code>; compare them with {}.",
            keys,
        ),
        checks_.SIGNATURE: format_html(
            "{} and check its Data Integrity proof (<code>eddsa-rdfc-2022</code>) with any W3C "
            "Verifiable Credentials verifier, using {}.",
            json_link,
            keys,
        ),
        checks_.NOT_REVOKED: (
            format_html(
                "Read bit {} of the {} (a W3C Bitstring Status List): 1 means revoked.",
                index,
                status_list,
            )
            if index is not None
            else format_html("Read the credential’s bit in the {}.", status_list)
        ),
        checks_.NOT_SUPERSEDED: "A newer credential for the same course has its own "
        "verification page; the holder can share it.",
        checks_.NOT_EXPIRED: "Compare the validUntil date in the signed credential with today.",
    }


def render_verdict(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    if verdict.status == "not_found":
        return render(request, "credentials/verify/not_found.html", status=404)
    tone = TONES.get(verdict.status, "revoked")
    how_to = how_to_repeat(verdict)
    context = {
        "verdict": verdict,
        "tone": tone,
        "icon_key": ICON_KEYS.get(verdict.status, "failed"),
        "checks": [(check, how_to.get(check.name, "")) for check in verdict.checks],
        "keys_path": keys_path(),
        "status_list_path": STATUS_LIST_PATH,
    }
    return _no_store(render(request, "credentials/verify/verdict.html", context))


@require_GET
@rate_limited(_too_many)
def verify_credential(request: HttpRequest, public_id: str) -> HttpResponse:
    """The QR code's target: the verdict for one credential id."""
    verdict = verify_by_id(
        public_id,
        channel="page",
        verifier=_verifier(request),
        organisation=verifier_organisation(request),
    )
    return render_verdict(request, verdict)


def _too_many_json(request: HttpRequest, retry_after: int) -> HttpResponse:
    return JsonResponse({"status": "rate_limited", "retry_after": retry_after})


@require_GET
@rate_limited(_too_many_json)
def credential_json(request: HttpRequest, public_id: str) -> HttpResponse:
    """The signed Open Badges credential, so anyone can check it with their own tools.

    Honours visibility: hidden credentials (and badges naming a holder who now hides their
    name) answer exactly like unknown ids.
    """
    credential = (
        Credential.objects.filter(public_id=public_id).only("visibility", "badge").first()
        if PUBLIC_ID.match(public_id)
        else None
    )
    if credential is None or not checks_.badge_is_publishable(credential):
        return JsonResponse(NOT_FOUND_JSON, status=404)
    response = JsonResponse(credential.badge, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{public_id}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return _no_store(response)


# --- uploads -----------------------------------------------------------------------------------


def _upload_view(field: str, check_upload):
    """POST views that read an upload in memory only, then apply the usual CSRF check."""

    @csrf_protect
    def checked(request: HttpRequest) -> HttpResponse:
        return check_upload(request)

    @csrf_exempt  # checked by ``checked`` once the memory-only upload handler is installed
    @rate_limited(_too_many)
    def view(request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return redirect("verification:start")
        problem = uploads.body_too_large(request)
        if problem:
            return _start_page(request, errors={field: problem}, status=413)
        uploads.prepare(request)
        try:
            request.POST  # noqa: B018 (parse now, so an oversized text field is reported here)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
            problem = f"Pasted text is limited to {limit:.1f} MB: upload the file instead."
            return _start_page(request, errors={field: problem}, status=413)
        return checked(request)

    return view


def _check_pdf(request: HttpRequest) -> HttpResponse:
    upload = uploads.read_file(request, "pdf", allowed_types=uploads.PDF_TYPES)
    if upload.too_large:
        return _start_page(request, errors={"pdf": upload.problem}, status=413)
    if upload.data is None:
        return _start_page(request, errors={"pdf": "Select a PDF certificate"}, status=400)
    if not upload.declared_type_ok or not uploads.looks_like_pdf(upload.data):
        return _start_page(request, errors={"pdf": uploads.NOT_PDF}, status=400)
    verdict = verify_pdf(
        upload.data,
        channel="pdf",
        verifier=_verifier(request),
        organisation=verifier_organisation(request),
    )
    if verdict.status == "invalid":
        return _start_page(request, errors={"pdf": verdict.checks[0].detail}, status=400)
    return render_verdict(request, verdict)


def _check_json(request: HttpRequest) -> HttpResponse:
    upload = uploads.read_file(request, "json_file", allowed_types=uploads.JSON_TYPES)
    pasted = request.POST.get("json_text", "").strip()
    values = {"json_text": pasted}
    if upload.too_large:
        return _start_page(request, errors={"json": upload.problem}, values=values, status=413)
    if upload.data is not None and pasted:
        error = "Upload a file or paste the JSON, not both"
        return _start_page(request, errors={"json": error}, values=values, status=400)
    data = upload.data if upload.data is not None else pasted.encode("utf-8")
    if not data:
        error = "Select an Open Badges file (JSON) or paste its text"
        return _start_page(request, errors={"json": error}, values=values, status=400)
    if not upload.declared_type_ok or not uploads.looks_like_json(data):
        error = uploads.NOT_JSON if upload.data is not None else "The pasted text is not JSON."
        return _start_page(request, errors={"json": error}, values=values, status=400)
    verdict = verify_json(
        data,
        channel="json",
        verifier=_verifier(request),
        organisation=verifier_organisation(request),
    )
    if verdict.status == "invalid":
        return _start_page(
            request, errors={"json": verdict.checks[0].detail}, values=values, status=400
        )
    return render_verdict(request, verdict)


verify_pdf_upload = _upload_view("pdf", _check_pdf)
verify_json_upload = _upload_view("json", _check_json)
