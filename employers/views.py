"""The employer area: checking credentials, the checked list, API tokens, bulk checks.

Views stay thin: they find the member's organisation (any other is a 404, so nobody learns it
exists), validate a form, call a service and redirect. Pages that only approved organisations
may use explain why to pending ones (GET) and refuse their POSTs (403).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from credentials import ratelimit

from . import bulk, selectors, services
from .forms import (
    ApiTokenCreateForm,
    BulkCheckForm,
    CheckedCredentialSaveForm,
    CredentialCheckForm,
    verdict_token,
)
from .models import ApiToken, CheckedCredential, Organisation, verdict_look

CHECKED_PER_PAGE = 25
# Multipart framing around the file: a request much larger than the file limit is refused
# before Django reads (and spools to disk) the body.
UPLOAD_OVERHEAD_BYTES = 16 * 1024
# Bulk checks per organisation, page and API together: each is up to bulk.MAX_ROWS checks.
DEFAULT_BULK_RATE = "30/h"


def _organisation_or_404(request, organisation_id: int) -> Organisation:
    return get_object_or_404(Organisation.objects.for_member(request.user), pk=organisation_id)


def _render(request, template: str, organisation: Organisation, section: str, status=200, **ctx):
    return render(
        request,
        template,
        {"organisation": organisation, "section": section, **ctx},
        status=status,
    )


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > bulk.MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD_BYTES


@login_required
@require_GET
def organisation_home(request, organisation_id: int):
    organisation = _organisation_or_404(request, organisation_id)
    return _render(
        request,
        "employers/organisation.html",
        organisation,
        "overview",
        overview=selectors.organisation_overview(organisation),
        check_form=CredentialCheckForm(),
    )


# --- Checking by hand and the checked list ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def credential_check(request, organisation_id: int):
    organisation = _organisation_or_404(request, organisation_id)
    if not organisation.can_check_by_hand:
        return _render(
            request,
            "employers/check.html",
            organisation,
            "check",
            status=403 if request.method == "POST" else 200,
            refusal=services.SUSPENDED,
        )
    form = CredentialCheckForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        public_id = form.cleaned_data["public_id"]
        verdict = services.credential_check(
            organisation=organisation, public_id=public_id, verifier=request.user
        )
        context.update(
            verdict=verdict,
            look=verdict_look(verdict.status),
            public_id=public_id,
            form=CredentialCheckForm(),
        )
        if verdict.status != CheckedCredential.Status.INVALID:
            context["save_form"] = CheckedCredentialSaveForm(
                organisation=organisation,
                initial={
                    "verdict": verdict_token(
                        organisation=organisation, public_id=public_id, verdict=verdict
                    )
                },
            )
            context["already_listed"] = organisation.checked_credentials.filter(
                public_id=public_id
            ).exists()
    return _render(request, "employers/check.html", organisation, "check", **context)


@login_required
@require_POST
def checked_save(request, organisation_id: int):
    organisation = _organisation_or_404(request, organisation_id)
    form = CheckedCredentialSaveForm(request.POST, organisation=organisation)
    if form.is_valid():
        verdict = form.cleaned_data["verdict"]
        try:
            services.checked_credential_save(
                organisation=organisation,
                public_id=verdict["id"],
                status=verdict["s"],
                headline=verdict["h"],
                checked_at=verdict["t"],
                checked_by=request.user,
                note=form.cleaned_data["note"],
            )
        except services.OrganisationError as error:
            return _render(
                request, "employers/check.html", organisation, "check", 403, refusal=str(error)
            )
        messages.success(request, f"Credential {verdict['id']} is on your checked list.")
        return redirect("employers:checked_list", organisation.pk)
    return _render(
        request,
        "employers/check.html",
        organisation,
        "check",
        form=CredentialCheckForm(),
        save_form=form,
    )


@login_required
@require_GET
def checked_list(request, organisation_id: int):
    organisation = _organisation_or_404(request, organisation_id)
    paginator = Paginator(
        CheckedCredential.objects.for_organisation(organisation), CHECKED_PER_PAGE
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    return _render(
        request, "employers/checked_list.html", organisation, "checked", page_obj=page_obj
    )


def _checked_or_404(organisation: Organisation, checked_id: int) -> CheckedCredential:
    return get_object_or_404(
        CheckedCredential.objects.for_organisation(organisation), pk=checked_id
    )


@login_required
@require_POST
def checked_recheck(request, organisation_id: int, checked_id: int):
    organisation = _organisation_or_404(request, organisation_id)
    checked = _checked_or_404(organisation, checked_id)
    try:
        verdict = services.checked_credential_recheck(checked=checked, verifier=request.user)
    except services.OrganisationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Checked {checked.public_id} again: {verdict.headline}")
    return redirect("employers:checked_list", organisation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def checked_remove(request, organisation_id: int, checked_id: int):
    organisation = _organisation_or_404(request, organisation_id)
    checked = _checked_or_404(organisation, checked_id)
    if request.method == "POST":
        services.checked_credential_remove(checked=checked)
        messages.success(request, f"Credential {checked.public_id} is off your checked list.")
        return redirect("employers:checked_list", organisation.pk)
    return _render(
        request, "employers/checked_remove.html", organisation, "checked", checked=checked
    )


# --- API tokens ---------------------------------------------------------------------------


@never_cache  # the page that shows a new token must not be kept by any cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request, organisation_id: int):
    organisation = _organisation_or_404(request, organisation_id)
    if not organisation.is_approved:
        return _render(
            request,
            "employers/tokens.html",
            organisation,
            "tokens",
            status=403 if request.method == "POST" else 200,
            refusal=_refusal(organisation),
        )
    form = ApiTokenCreateForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(
                organisation=organisation, name=form.cleaned_data["name"], created_by=request.user
            )
        except services.OrganisationError as error:
            form.add_error("name", str(error))
        else:
            # Shown in this response only: not in a message, a session or a redirect.
            context.update(new_token=token, raw_token=raw, form=ApiTokenCreateForm())
    context["api_tokens"] = ApiToken.objects.filter(organisation=organisation).select_related(
        "created_by"
    )
    return _render(request, "employers/tokens.html", organisation, "tokens", **context)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, organisation_id: int, token_id: int):
    organisation = _organisation_or_404(request, organisation_id)
    token = get_object_or_404(ApiToken.objects.active(), organisation=organisation, pk=token_id)
    if request.method == "POST":
        services.api_token_revoke(token=token)
        messages.success(request, f"The token “{token.name}” is revoked and no longer works.")
        return redirect("employers:tokens", organisation.pk)
    return _render(request, "employers/token_revoke.html", organisation, "tokens", token=token)


def _refusal(organisation: Organisation) -> str:
    if organisation.status == Organisation.Status.SUSPENDED:
        return services.SUSPENDED
    return services.NEEDS_APPROVAL


# --- Bulk checks ------------------------------------------------------------------------


def _bulk_wait(organisation: Organisation) -> int | None:
    """Count one bulk check; the seconds to wait if the organisation is over its limit."""
    rate = ratelimit.parse_rate(getattr(settings, "LINEAGE_EMPLOYER_BULK_RATE", DEFAULT_BULK_RATE))
    return ratelimit.hit("employers-bulk", str(organisation.pk), rate)


def _wait_words(seconds: int) -> str:
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _csv_download(csv_text: str, *, excel: bool) -> HttpResponse:
    response = HttpResponse(
        ("\ufeff" if excel else "") + csv_text, content_type="text/csv; charset=utf-8"
    )
    filename = f"lineage-bulk-check-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def bulk_check(request, organisation_id: int):
    organisation = _organisation_or_404(request, organisation_id)
    if not organisation.is_approved:
        return _render(
            request,
            "employers/bulk.html",
            organisation,
            "bulk",
            status=403 if request.method == "POST" else 200,
            refusal=_refusal(organisation),
        )
    if request.method == "POST" and _too_large(request):
        # Refused without reading the body; shown beside the field like any file error.
        form = BulkCheckForm(data={}, files={})
        form.is_valid()
        form.errors["file"] = form.error_class(
            [
                f"The file is larger than the {bulk.size_label(bulk.MAX_UPLOAD_BYTES)} limit. "
                "Split it into smaller files and check each one."
            ]
        )
        return _render(request, "employers/bulk.html", organisation, "bulk", 413, form=form)
    form = BulkCheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        wait = _bulk_wait(organisation)
        if wait is not None:
            form.add_error(
                None,
                "Your organisation has run as many bulk checks as it can for now. "
                f"Try again in {_wait_words(wait)}.",
            )
            response = _render(request, "employers/bulk.html", organisation, "bulk", 429, form=form)
            response["Retry-After"] = str(wait)
            return response
        try:
            csv_text = services.bulk_check_run(
                organisation=organisation, data=form.cleaned_data["file"], verifier=request.user
            )
        except bulk.BulkFileError as error:
            form.add_error("file", str(error))
        else:
            # Excel reads the file as UTF-8 only with a byte-order mark.
            return _csv_download(csv_text, excel=True)
    return _render(request, "employers/bulk.html", organisation, "bulk", form=form)


def _api_error(status: int, message: str, *, challenge: str = "") -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    if challenge:
        response["WWW-Authenticate"] = challenge
    response["Cache-Control"] = "no-store"
    return response


def _api_too_many(request, retry_after: int) -> JsonResponse:
    return _api_error(429, f"Too many requests. Try again in {retry_after} seconds.")


@csrf_exempt  # token-authenticated, never cookie-authenticated: CSRF can't apply
@require_POST
@ratelimit.rate_limited(_api_too_many)  # per token, or per address for unknown tokens
def api_bulk_check(request):
    """``POST /employers/api/bulk-check`` with ``Authorization: Bearer <token>`` and a
    multipart ``file``: the results as CSV (the same columns as the bulk-check page).

    Cells are formula-safe: a value starting with = + - @ gets a leading ' (so an id that
    starts with "-" comes back as "'-..."; strip it when matching ids).
    """
    organisation = ratelimit.token_owner(request)  # employers.tokens.token_owner, once a request
    if organisation is None:
        return _api_error(
            401,
            "Send a valid API token in an “Authorization: Bearer <token>” header.",
            challenge='Bearer realm="lineage"'
            + (', error="invalid_token"' if ratelimit.bearer_token(request) else ""),
        )
    if _too_large(request):
        return _api_error(
            413, f"The file is larger than the {bulk.size_label(bulk.MAX_UPLOAD_BYTES)} limit."
        )
    upload = request.FILES.get("file")
    if upload is None:
        return _api_error(400, "Send the CSV file as multipart form data in a field named “file”.")
    wait = _bulk_wait(organisation)
    if wait is not None:
        response = _api_error(
            429,
            "Your organisation has run as many bulk checks as it can for now. "
            f"Try again in {wait} seconds.",
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        csv_text = services.bulk_check_run(
            organisation=organisation, data=upload.read(bulk.MAX_UPLOAD_BYTES + 1)
        )
    except bulk.BulkFileError as error:
        return _api_error(400, str(error))
    except services.OrganisationError as error:
        return _api_error(403, str(error))
    return _csv_download(csv_text, excel=False)
