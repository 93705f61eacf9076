"""Emails about credentials."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import Credential


def credential_issued_email(*, credential_id: int, credential: Credential | None = None) -> bool:
    """Tell the learner their credential is ready (with its page and verification link).

    ``credential`` (with its user loaded) saves the query when the caller just issued it.
    """
    if credential is None or credential.pk != credential_id:
        credential = Credential.objects.select_related("user").filter(pk=credential_id).first()
    if credential is None or credential.user is None or not credential.user.email:
        return False
    context = {
        "credential": credential,
        "course_title": credential.snapshot["course"]["title"],
        "credential_url": f"{settings.LINEAGE_BASE_URL}/credentials/{credential.public_id}/",
        "verify_url": credential.verify_url,
        "name": credential.user.get_display_name(),
    }
    send_mail(
        subject=f"Your credential for “{context['course_title']}” is ready",
        message=render_to_string("credentials/email/issued.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[credential.user.email],
    )
    return True
