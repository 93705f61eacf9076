"""The holder's side of a credential: its page, its two downloads, sharing and visibility.

Every view is for the holder only: anyone else (and any unknown id) gets 404, so a public id
seen over someone's shoulder reveals nothing. The public verification page is elsewhere
(``credential.verify_url``). Also registers "Your credentials" on the learner dashboard.
"""

import json
from dataclasses import dataclass

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as format_date
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from courses.hooks import register_dashboard_section

from . import selectors, services
from .linkedin import linkedin_add_to_profile_url
from .models import Credential
from .verification_log import verification_log_for

DATE_FORMAT = "j F Y"

VISIBILITY_EXPLAINED = {
    Credential.Visibility.FULL: "Anyone with the link sees your name, the course and the "
    "dates, so an employer can check it is yours without asking you anything else.",
    Credential.Visibility.ACHIEVEMENT: "Anyone with the link sees the course, the dates and "
    "that the credential is genuine, but not your name: whoever checks it must already know "
    "who you are, for example from your CV.",
    Credential.Visibility.OFF: "The verification link answers “not found”, as if the "
    "credential didn't exist. A PDF you hand over still verifies: its signature can be "
    "checked without the link.",
}

STEP_TYPES = {"lessonpage": "Lesson", "quizpage": "Quiz", "quiz": "Quiz"}


@dataclass(frozen=True)
class StatusDisplay:
    """How a credential's state reads to its holder: a word, a headline and a tone.

    ``key`` picks the icon and the explanation in the templates; ``tone`` the colours (the
    word and the icon carry the meaning, the colour only repeats it).
    """

    key: str
    word: str
    headline: str
    tone: str


def credential_status_display(credential: Credential, *, holder=None) -> StatusDisplay:
    """The holder's verdict. Expiry is derived (``is_expired``), never a stored status.

    ``holder`` (the signed-in holder, already loaded) tells a credential waiting for them to
    confirm their name apart from one being signed.
    """
    status = Credential.Status
    if (
        credential.status == status.PENDING
        and holder is not None
        and not holder.credential_name_confirmed
    ):
        return StatusDisplay(
            "awaiting_name", "Waiting for your name", "Confirm your name to receive it", "neutral"
        )
    if credential.status == status.ISSUED and credential.is_expired:
        expired_on = format_date(credential.expires_on, DATE_FORMAT)
        return StatusDisplay("expired", "Expired", f"Expired on {expired_on}", "expired")
    if credential.status == status.REVOKED:
        headline = f"Revoked on {format_date(credential.revoked_at, DATE_FORMAT)}"
        if credential.revocation_reason:
            reason = credential.get_revocation_reason_display()
            headline += f": {reason[:1].lower()}{reason[1:]}"
        return StatusDisplay("revoked", "Revoked", headline, "revoked")
    tones = {
        status.ISSUED: "valid",
        status.PENDING: "neutral",
        status.FAILED: "revoked",
        status.SUPERSEDED: "expired",
        status.WITHDRAWN: "neutral",
    }
    word = credential.get_status_display()
    return StatusDisplay(credential.status, word, word, tones.get(credential.status, "neutral"))


def share_qr_svg(url: str) -> SafeString:
    """An inline SVG QR code for ``url`` (the same encoding the PDF uses), named for readers."""
    qr = segno.make(url, error="m", micro=False)
    svg = qr.svg_inline(
        scale=1, dark="#1c1b1f", light="#ffffff", omitsize=True, svgclass="qr__code"
    )
    label = escape(f"QR code for the verification link {url}")
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S308


def _steps(snapshot: dict) -> list[dict]:
    steps = []
    for step in snapshot.get("steps", []):
        kind = STEP_TYPES.get(step.get("type", ""), step.get("type", "").removesuffix("page"))
        result = ""
        if "pass_mark" in step:
            score = step.get("score")
            scored = f"scored {score:.0f} %" if score is not None else "passed"
            result = f"Pass mark {step['pass_mark']} %, {scored}"
        steps.append({"title": step["title"], "kind": kind.capitalize(), "result": result})
    return steps


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(
        label="What the verification link shows",
        choices=Credential.Visibility.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who can see this credential."},
    )


def _can_download(credential: Credential) -> bool:
    """The signed files are handed out only while the credential stands (issued)."""
    return credential.status == Credential.Status.ISSUED and bool(credential.pdf)


def _render_detail(request, credential: Credential, form: VisibilityForm):
    is_issued = credential.status == Credential.Status.ISSUED
    context = {
        "credential": credential,
        "status": credential_status_display(credential, holder=request.user),
        "course_title": credential.snapshot["course"]["title"],
        "course_code": credential.snapshot["course"].get("code", ""),
        "edition": credential.snapshot.get("edition", ""),
        "steps": _steps(credential.snapshot),
        "can_download": _can_download(credential),
        "can_share": is_issued,
        "current": (
            selectors.credential_current_for(credential)
            if credential.status == Credential.Status.SUPERSEDED
            else None
        ),
        "form": form,
        "visibility_choices": [
            {"radio": radio, "explained": VISIBILITY_EXPLAINED[radio.data["value"]]}
            for radio in form["visibility"]
        ],
        "visibility_explained": VISIBILITY_EXPLAINED.get(credential.visibility, ""),
        "can_change_visibility": credential.status != Credential.Status.WITHDRAWN,
        "support_email": getattr(settings, "LINEAGE_ISSUER_EMAIL", None),
        "issuer_name": settings.LINEAGE_ISSUER_NAME,
        "verification_log": verification_log_for(credential),
    }
    if is_issued:
        context["verify_url"] = credential.verify_url
        context["qr_svg"] = share_qr_svg(credential.verify_url)
        context["linkedin_url"] = linkedin_add_to_profile_url(credential)
    return render(request, "credentials/detail.html", context)


@never_cache
@login_required
@require_GET
def credential_detail(request, public_id: str):
    credential = selectors.credential_for_holder(user=request.user, public_id=public_id)
    form = VisibilityForm(initial={"visibility": credential.visibility})
    return _render_detail(request, credential, form)


@never_cache
@login_required
@require_POST
def credential_visibility(request, public_id: str):
    credential = selectors.credential_for_holder(user=request.user, public_id=public_id)
    form = VisibilityForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, credential, form)
    try:
        credential = services.credential_visibility_set(
            credential=credential, visibility=form.cleaned_data["visibility"]
        )
    except services.CredentialError as error:
        messages.error(request, str(error))
    else:
        shown = credential.get_visibility_display()
        messages.success(request, f"Saved. The verification link now shows: {shown}.")
    return redirect(reverse("credentials:detail", args=[credential.public_id]) + "#visibility")


def _filename(credential: Credential, kind: str, extension: str) -> str:
    code = slugify(credential.snapshot["course"].get("code", "")) or "course"
    return f"lineage-{kind}-{code}-{credential.public_id[:8]}.{extension}"


@never_cache
@login_required
@require_GET
def certificate_pdf(request, public_id: str):
    """The signed PDF exactly as stored (its signature covers every byte)."""
    credential = selectors.credential_for_holder(user=request.user, public_id=public_id)
    if not _can_download(credential):
        raise Http404("This credential has no certificate to download.")
    try:
        handle = credential.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404("The certificate file is missing.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_filename(credential, "certificate", "pdf"),
        content_type="application/pdf",
    )
    # The file is private (credentials/storage.py): this view is its only way out, and it
    # always goes out as a download, never sniffed into something else.
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_GET
def open_badge_json(request, public_id: str):
    """The signed Open Badges 3.0 credential, serialised as it is embedded in the PDF."""
    credential = selectors.credential_for_holder(user=request.user, public_id=public_id)
    if not _can_download(credential) or not credential.badge:
        raise Http404("This credential has no Open Badges file to download.")
    response = HttpResponse(
        json.dumps(credential.badge, indent=2, ensure_ascii=False),
        content_type="application/ld+json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, _filename(credential, "open-badge", "json")
    )
    return response


@register_dashboard_section
def dashboard_section(user) -> tuple[str, dict] | None:
    """ "Your credentials" on the learner dashboard, once they have one (one query)."""
    credentials = selectors.credentials_for_dashboard(user)
    if not credentials:
        return None
    items = [
        {
            "credential": credential,
            "title": credential.snapshot["course"]["title"],
            "status": credential_status_display(credential, holder=user),
            "can_download": _can_download(credential),
        }
        for credential in credentials
    ]
    awaiting_name = any(item["status"].key == "awaiting_name" for item in items)
    return "credentials/dashboard_section.html", {
        "credentials": items,
        "awaiting_name": awaiting_name,
    }
