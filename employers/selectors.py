"""Reads for the employer area that span several models."""

from dataclasses import dataclass

from .models import ApiToken, CheckedCredential, Organisation


@dataclass(frozen=True)
class OrganisationOverview:
    organisation: Organisation
    member_names: list[str]
    checked_count: int
    active_token_count: int


def organisation_overview(organisation: Organisation) -> OrganisationOverview:
    """What the employer area's front page shows about an organisation (three small queries)."""
    members = organisation.members.select_related("user").order_by("joined_at", "pk")
    return OrganisationOverview(
        organisation=organisation,
        member_names=[member.user.get_display_name() for member in members],
        checked_count=CheckedCredential.objects.for_organisation(organisation).count(),
        active_token_count=ApiToken.objects.active().filter(organisation=organisation).count(),
    )


def organisation_for_verifier(user) -> Organisation | None:
    """The organisation a signed-in person checks credentials for on the public pages.

    Their one approved organisation; None for anonymous people, people without one, and
    people in several (the public pages can't tell which they act for). One query at most.
    """
    if not user.is_authenticated:
        return None
    organisations = list(Organisation.objects.for_member(user).approved()[:2])
    return organisations[0] if len(organisations) == 1 else None
