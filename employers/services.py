"""Writes for employers. Keyword-only, typed, transactional, validating before saving.

Verifying a credential goes through ``credentials.verification.verify_by_id``, which also
records the check in the holder's verification log under the organisation's name.
"""

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from credentials.verification import Verdict, verify_by_id

from . import bulk, tokens
from .credential_ids import MAX_CREDENTIAL_ID_LENGTH
from .models import ApiToken, CheckedCredential, Organisation, OrganisationMember

EMPLOYER_ROLE_GROUP = "Employers"
MAX_ACTIVE_TOKENS = 20

NAME_TAKEN = (
    "An organisation with this name is already registered on Lineage. If you work there, "
    "ask the person who registered it; otherwise use your organisation's full legal name."
)
NEEDS_APPROVAL = (
    "Your organisation is waiting for approval. API tokens and bulk checks are available "
    "once a Lineage administrator has approved it; checking credentials one at a time "
    "works now."
)
SUSPENDED = (
    "Your organisation's employer account is suspended, so it can't check credentials here. "
    "Anyone can still check a credential on its public verification page."
)


class OrganisationError(Exception):
    """An organisation can't do this (yet); the message says why, in words."""


# --- Organisations and their members ------------------------------------------------------


def _employer_group() -> Group:
    return Group.objects.get_or_create(name=EMPLOYER_ROLE_GROUP)[0]


@transaction.atomic
def organisation_register(*, user, name: str, website: str = "", reason: str) -> Organisation:
    """Register a new organisation (waiting for approval) with ``user`` as its first member."""
    name = " ".join(name.split())
    if Organisation.objects.filter(name__iexact=name).exists():
        raise OrganisationError(NAME_TAKEN)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name, website=website, reason=reason.strip(), created_by=user
            )
    except IntegrityError:  # registered by someone else a moment ago
        raise OrganisationError(NAME_TAKEN) from None
    organisation_member_add(organisation=organisation, user=user)
    return organisation


@transaction.atomic
def organisation_member_add(*, organisation: Organisation, user) -> OrganisationMember:
    """Add ``user`` to ``organisation`` (no-op if already a member); employers join the role."""
    member, _ = OrganisationMember.objects.get_or_create(organisation=organisation, user=user)
    if organisation.is_approved:
        _employer_group().user_set.add(user)
    return member


@transaction.atomic
def organisation_approve(*, organisation: Organisation, approved_by) -> Organisation:
    """Approve a pending or suspended organisation; its members join the Employers group."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.is_approved:
        raise OrganisationError(f"{organisation.name} is already approved.")
    organisation.status = Organisation.Status.APPROVED
    organisation.approved_at = timezone.now()
    organisation.approved_by = approved_by
    organisation.save(update_fields=["status", "approved_at", "approved_by"])
    member_ids = organisation.members.values_list("user_id", flat=True)
    _employer_group().user_set.add(*member_ids)
    log(instance=organisation, action="employers.organisation_approve", user=approved_by)
    return organisation


@transaction.atomic
def organisation_suspend(*, organisation: Organisation, suspended_by) -> Organisation:
    """Suspend an organisation: its tokens stop working and it can't check credentials here.

    Pending organisations can be suspended too (that is how a registration is turned down).
    Members leave the Employers group unless another approved organisation keeps them in it.
    """
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status == Organisation.Status.SUSPENDED:
        raise OrganisationError(f"{organisation.name} is already suspended.")
    organisation.status = Organisation.Status.SUSPENDED
    organisation.suspended_at = timezone.now()
    organisation.save(update_fields=["status", "suspended_at"])
    still_employers = OrganisationMember.objects.filter(
        organisation__status=Organisation.Status.APPROVED
    ).values("user_id")
    leaving = organisation.members.exclude(user_id__in=still_employers).values_list(
        "user_id", flat=True
    )
    _employer_group().user_set.remove(*leaving)
    log(instance=organisation, action="employers.organisation_suspend", user=suspended_by)
    return organisation


# --- Checking credentials by hand and the checked list -------------------------------------


def credential_check(*, organisation: Organisation, public_id: str, verifier) -> Verdict:
    """Verify one credential for a member checking it in the employer area (channel "page")."""
    if not organisation.can_check_by_hand:
        raise OrganisationError(SUSPENDED)
    return verify_by_id(public_id, channel="page", verifier=verifier, organisation=organisation)


@transaction.atomic
def checked_credential_save(
    *,
    organisation: Organisation,
    public_id: str,
    status: str,
    headline: str,
    checked_at,
    checked_by,
    note: str = "",
) -> CheckedCredential:
    """Keep a verdict on the organisation's checked list (one entry per credential id).

    Saving an id already on the list updates its verdict; an empty ``note`` keeps the old one.
    """
    if not organisation.can_check_by_hand:
        raise OrganisationError(SUSPENDED)
    if (
        status not in CheckedCredential.Status.values
        or status == CheckedCredential.Status.INVALID
        or not public_id
        or len(public_id) > MAX_CREDENTIAL_ID_LENGTH
    ):
        raise OrganisationError("Only a verdict about a real credential id can be kept.")
    values = {
        "status": status,
        "headline": headline[:300],
        "checked_at": checked_at,
        "checked_by": checked_by,
    }
    if note.strip():
        values["note"] = note.strip()
    checked, _ = CheckedCredential.objects.update_or_create(
        organisation=organisation, public_id=public_id, defaults=values
    )
    return checked


@transaction.atomic
def checked_credential_recheck(*, checked: CheckedCredential, verifier) -> Verdict:
    """Verify a listed credential again and keep the new verdict; returns the verdict."""
    verdict = credential_check(
        organisation=checked.organisation, public_id=checked.public_id, verifier=verifier
    )
    checked.status = verdict.status
    checked.headline = verdict.headline[:300]
    checked.checked_at = timezone.now()
    checked.checked_by = verifier
    checked.save(update_fields=["status", "headline", "checked_at", "checked_by"])
    return verdict


@transaction.atomic
def checked_credential_remove(*, checked: CheckedCredential) -> None:
    """Take a credential off the organisation's checked list."""
    checked.delete()


# --- API tokens and bulk checks (approved organisations only) -------------------------------


def _require_approved(organisation: Organisation) -> None:
    if organisation.status == Organisation.Status.PENDING:
        raise OrganisationError(NEEDS_APPROVAL)
    if organisation.status == Organisation.Status.SUSPENDED:
        raise OrganisationError(SUSPENDED)


@transaction.atomic
def api_token_create(*, organisation: Organisation, name: str, created_by) -> tuple[ApiToken, str]:
    """Make an API token; returns it and the raw token, which is never stored or shown again."""
    _require_approved(organisation)
    # Lock the organisation so two requests can't both pass the limit.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if organisation.api_tokens.active().count() >= MAX_ACTIVE_TOKENS:
        raise OrganisationError(
            f"Your organisation has {MAX_ACTIVE_TOKENS} active tokens, the most it can have. "
            "Revoke one you no longer use first."
        )
    raw = tokens.token_generate()
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name.strip(),
        prefix=tokens.token_shown_prefix(raw),
        token_hash=tokens.token_hash(raw),
        created_by=created_by,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token for good (revoking twice keeps the first date)."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def bulk_check_run(*, organisation: Organisation, data: bytes, verifier=None) -> str:
    """Check every credential id in an uploaded CSV file; returns the results as CSV text.

    Raises OrganisationError (not approved) or bulk.BulkFileError (the file can't be read).
    Each distinct id is verified once (channel "bulk"); nothing else touches the database per
    row. Deliberately not one transaction: it writes nothing itself, and a long transaction
    around up to ``bulk.MAX_ROWS`` verifications would hold locks for no reason.
    """
    _require_approved(organisation)
    ids = bulk.parse_credential_ids(bulk.decode_upload(data))
    rows = bulk.result_rows(
        ids,
        lambda public_id: verify_by_id(
            public_id, channel="bulk", verifier=verifier, organisation=organisation
        ),
    )
    return bulk.rows_to_csv(rows)
