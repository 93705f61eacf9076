"""Employers: organisations, approval, the checked list, API tokens and bulk checks (services).

Verification itself is ``credentials.verification``'s job; here it is replaced by a recording
fake (``install_fake_verification``) so these tests pin down what employers do with verdicts.
tests/test_employers_views.py covers the pages and the API, and the access matrix.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from employers import bulk, services, tokens
from employers.credential_ids import normalise_credential_id
from employers.models import ApiToken, CheckedCredential, Organisation, OrganisationMember
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

VALID_ID = "q2X9fKc8mR4tYw1LpZ7aBvN3sHd"


@dataclass(frozen=True)
class FakeVerdict:
    """The fields of ``credentials.verification.Verdict`` that employers read."""

    found: bool
    id: str | None
    status: str
    valid: bool
    headline: str
    checks: list = field(default_factory=list)
    issued_on: date | None = None
    expires_on: date | None = None
    achievement: dict = field(default_factory=dict)
    holder: dict = field(default_factory=dict)


def make_verdict(public_id=VALID_ID, status="valid", **extra) -> FakeVerdict:
    headlines = {
        "valid": "Valid credential",
        "revoked": "Revoked on 3 March 2027: issued in error",
        "not_found": "Credential not found",
        "expired": "Expired on 1 January 2026",
    }
    values = {
        "found": status not in {"not_found", "invalid"},
        "id": public_id if status != "not_found" else None,
        "status": status,
        "valid": status == "valid",
        "headline": headlines.get(status, status.capitalize()),
        "issued_on": date(2026, 5, 1) if status != "not_found" else None,
        "achievement": {"name": "Reading generated frames"} if status != "not_found" else {},
    }
    values.update(extra)
    return FakeVerdict(**values)


def install_fake_verification(monkeypatch):
    """Replace verification with a fake; returns where calls are recorded and verdicts set."""
    state = SimpleNamespace(calls=[], verdicts={})

    def fake_verify_by_id(public_id, *, channel, verifier=None, organisation=None):
        state.calls.append(
            {
                "public_id": public_id,
                "channel": channel,
                "verifier": verifier,
                "organisation": organisation,
            }
        )
        return state.verdicts.get(public_id) or make_verdict(public_id)

    monkeypatch.setattr(services, "verify_by_id", fake_verify_by_id)
    return state


def make_organisation(name="Northlight Studios", *, status="pending", members=(), **extra):
    """An organisation in ``status`` with ``members`` (approved through the service)."""
    organisation = Organisation.objects.create(
        name=name, reason="We hire editors.", website="https://northlight.example", **extra
    )
    for user in members:
        OrganisationMember.objects.create(organisation=organisation, user=user)
    if status == "approved":
        services.organisation_approve(organisation=organisation, approved_by=None)
    elif status == "suspended":
        services.organisation_suspend(organisation=organisation, suspended_by=None)
    organisation.refresh_from_db()
    return organisation


def employer_group_members() -> set:
    return set(Group.objects.get(name=services.EMPLOYER_ROLE_GROUP).user_set.all())


@pytest.fixture
def verifications(monkeypatch):
    return install_fake_verification(monkeypatch)


# --- Organisations: registering, uniqueness, approval ----------------------------------------


def test_the_employers_group_exists_and_grants_nothing():
    group = Group.objects.get(name="Employers")
    assert group.permissions.count() == 0


def test_register_creates_a_pending_organisation_with_its_first_member(learner):
    organisation = services.organisation_register(
        user=learner, name="  Northlight   Studios ", website="", reason=" We hire editors. "
    )
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.name == "Northlight Studios"
    assert organisation.reason == "We hire editors."
    assert organisation.created_by == learner
    assert list(organisation.members.values_list("user", flat=True)) == [learner.pk]
    # Pending organisations don't make their members employers yet.
    assert learner not in employer_group_members()


def test_organisation_names_are_unique_whatever_the_case(learner, other_learner):
    services.organisation_register(user=learner, name="Northlight Studios", reason="Hiring.")
    with pytest.raises(services.OrganisationError, match="already registered"):
        services.organisation_register(
            user=other_learner, name="NORTHLIGHT studios", reason="Also hiring."
        )
    assert Organisation.objects.count() == 1


def test_the_database_refuses_a_duplicate_name_in_another_case():
    Organisation.objects.create(name="Northlight Studios", reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="northlight studios", reason="y")


def test_the_database_refuses_an_approved_organisation_without_a_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Undated", reason="x", status="approved")


def test_a_person_belongs_to_an_organisation_once_but_to_several_organisations(learner):
    first = make_organisation("First", members=[learner])
    second = make_organisation("Second", members=[learner])
    assert set(Organisation.objects.for_member(learner)) == {first, second}
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationMember.objects.create(organisation=first, user=learner)


def test_approving_records_who_and_when_and_makes_members_employers(learner, admin_user):
    organisation = make_organisation(members=[learner])
    services.organisation_approve(organisation=organisation, approved_by=admin_user)
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED
    assert organisation.approved_by == admin_user
    assert organisation.approved_at is not None
    assert learner in employer_group_members()
    assert admin_user not in employer_group_members()
    assert ModelLogEntry.objects.filter(
        action="employers.organisation_approve", object_id=str(organisation.pk)
    ).exists()


def test_approving_twice_is_refused(admin_user):
    organisation = make_organisation(status="approved")
    with pytest.raises(services.OrganisationError, match="already approved"):
        services.organisation_approve(organisation=organisation, approved_by=admin_user)


def test_members_added_to_an_approved_organisation_become_employers(learner):
    organisation = make_organisation(status="approved")
    services.organisation_member_add(organisation=organisation, user=learner)
    assert learner in employer_group_members()


def test_suspending_removes_the_role_unless_another_approved_organisation_keeps_it(
    learner, other_learner, admin_user
):
    suspended = make_organisation("Suspended Co", status="approved", members=[learner])
    make_organisation("Still Fine", status="approved", members=[other_learner])
    OrganisationMember.objects.create(
        organisation=suspended, user=other_learner
    )  # a member of both
    services.organisation_suspend(organisation=suspended, suspended_by=admin_user)
    suspended.refresh_from_db()
    assert suspended.status == Organisation.Status.SUSPENDED
    assert suspended.suspended_at is not None
    assert learner not in employer_group_members()
    assert other_learner in employer_group_members()


def test_a_suspended_organisation_can_be_approved_again(learner, admin_user):
    organisation = make_organisation(status="suspended", members=[learner])
    services.organisation_approve(organisation=organisation, approved_by=admin_user)
    organisation.refresh_from_db()
    assert organisation.is_approved
    assert learner in employer_group_members()


# --- Checking by hand and the checked list ----------------------------------------------------


def test_a_check_by_hand_verifies_on_the_page_channel_for_the_organisation(verifications, learner):
    organisation = make_organisation(members=[learner])  # pending organisations may check
    verdict = services.credential_check(
        organisation=organisation, public_id=VALID_ID, verifier=learner
    )
    assert verdict.status == "valid"
    assert verifications.calls == [
        {
            "public_id": VALID_ID,
            "channel": "page",
            "verifier": learner,
            "organisation": organisation,
        }
    ]


def test_a_suspended_organisation_cannot_check_here(verifications, learner):
    organisation = make_organisation(status="suspended", members=[learner])
    with pytest.raises(services.OrganisationError, match="suspended"):
        services.credential_check(organisation=organisation, public_id=VALID_ID, verifier=learner)
    assert verifications.calls == []


def save(organisation, user, *, public_id=VALID_ID, status="valid", note=""):
    return services.checked_credential_save(
        organisation=organisation,
        public_id=public_id,
        status=status,
        headline=make_verdict(public_id, status).headline,
        checked_at=timezone.now(),
        checked_by=user,
        note=note,
    )


def test_saving_keeps_one_entry_per_credential_and_updates_its_verdict(learner):
    organisation = make_organisation(members=[learner])
    first = save(organisation, learner, note="Applicant 42")
    again = save(organisation, learner, status="revoked")
    assert first.pk == again.pk
    again.refresh_from_db()
    assert again.status == "revoked"
    assert again.headline.startswith("Revoked on")
    assert again.note == "Applicant 42"  # an empty note keeps the old one
    assert CheckedCredential.objects.count() == 1


def test_the_database_keeps_one_entry_per_organisation_and_credential(learner):
    organisation = make_organisation(members=[learner])
    save(organisation, learner)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckedCredential.objects.create(
            organisation=organisation,
            public_id=VALID_ID,
            status="valid",
            headline="x",
            checked_at=timezone.now(),
        )


def test_two_organisations_keep_their_own_entries_for_the_same_credential(learner, other_learner):
    save(make_organisation("A", members=[learner]), learner)
    save(make_organisation("B", members=[other_learner]), other_learner)
    assert CheckedCredential.objects.filter(public_id=VALID_ID).count() == 2


def test_an_invalid_verdict_or_an_overlong_id_is_not_kept(learner):
    organisation = make_organisation(members=[learner])
    with pytest.raises(services.OrganisationError):
        save(organisation, learner, status="invalid")
    with pytest.raises(services.OrganisationError):
        save(organisation, learner, public_id="x" * 65, status="not_found")
    assert not CheckedCredential.objects.exists()


def test_rechecking_stores_the_new_verdict(verifications, learner, other_learner):
    organisation = make_organisation(members=[learner, other_learner])
    checked = save(organisation, learner, note="Keep")
    verifications.verdicts[VALID_ID] = make_verdict(VALID_ID, "revoked")
    verdict = services.checked_credential_recheck(checked=checked, verifier=other_learner)
    checked.refresh_from_db()
    assert verdict.status == "revoked"
    assert (checked.status, checked.checked_by, checked.note) == ("revoked", other_learner, "Keep")
    assert verifications.calls[-1]["channel"] == "page"
    assert verifications.calls[-1]["organisation"] == organisation


def test_removing_takes_the_entry_off_the_list(learner):
    organisation = make_organisation(members=[learner])
    services.checked_credential_remove(checked=save(organisation, learner))
    assert not CheckedCredential.objects.exists()


# --- Reading credential ids -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"  {VALID_ID}\n", VALID_ID),
        (f"https://lineage.example/verify/{VALID_ID}/", VALID_ID),
        (f"http://127.0.0.1:8000/verify/{VALID_ID}.json", VALID_ID),
        (f"lineage.example/verify/{VALID_ID}?utm=x", VALID_ID),
        ("not an id", "not an id"),
        ("", ""),
    ],
)
def test_credential_ids_are_read_bare_or_from_a_verification_link(text, expected):
    assert normalise_credential_id(text) == expected


# --- API tokens -----------------------------------------------------------------------------


def test_tokens_are_stored_only_as_a_sha256_hash(learner):
    organisation = make_organisation(status="approved", members=[learner])
    token, raw = services.api_token_create(
        organisation=organisation, name=" HR system ", created_by=learner
    )
    token.refresh_from_db()
    assert raw.startswith("lin_") and len(raw) >= 40
    assert token.token_hash == tokens.token_hash(raw) and len(token.token_hash) == 64
    assert token.prefix == raw[:12]
    assert token.name == "HR system"
    stored = {
        str(value)
        for row in ApiToken.objects.values()
        for value in row.values()
        if value is not None
    }
    assert raw not in stored
    assert not any(raw[12:] in value for value in stored)


def test_each_token_is_different():
    assert len({tokens.token_generate() for _ in range(50)}) == 50


def test_only_approved_organisations_get_tokens(learner):
    pending = make_organisation("Pending", members=[learner])
    suspended = make_organisation("Suspended", status="suspended", members=[learner])
    with pytest.raises(services.OrganisationError, match="waiting for approval"):
        services.api_token_create(organisation=pending, name="x", created_by=learner)
    with pytest.raises(services.OrganisationError, match="suspended"):
        services.api_token_create(organisation=suspended, name="x", created_by=learner)
    assert not ApiToken.objects.exists()


def test_an_organisation_has_a_bounded_number_of_active_tokens(learner, monkeypatch):
    monkeypatch.setattr(services, "MAX_ACTIVE_TOKENS", 2)
    organisation = make_organisation(status="approved", members=[learner])
    first, _ = services.api_token_create(organisation=organisation, name="a", created_by=learner)
    services.api_token_create(organisation=organisation, name="b", created_by=learner)
    with pytest.raises(services.OrganisationError, match="Revoke one"):
        services.api_token_create(organisation=organisation, name="c", created_by=learner)
    services.api_token_revoke(token=first)
    services.api_token_create(organisation=organisation, name="c", created_by=learner)


def test_token_owner_finds_the_organisation_of_a_live_token(learner):
    organisation = make_organisation(status="approved", members=[learner])
    _, raw = services.api_token_create(organisation=organisation, name="x", created_by=learner)
    assert tokens.token_owner(raw) == organisation


@pytest.mark.parametrize(
    "raw",
    ["", "lin_", "lin_unknown", "Bearer lin_x", "x" * 10_000, "lin_" + "a" * 200, None, 42],
)
def test_token_owner_refuses_anything_else(raw, learner, django_assert_max_num_queries):
    organisation = make_organisation(status="approved", members=[learner])
    services.api_token_create(organisation=organisation, name="x", created_by=learner)
    with django_assert_max_num_queries(1):
        assert tokens.token_owner(raw) is None


def test_a_revoked_token_stops_working_at_once(learner):
    organisation = make_organisation(status="approved", members=[learner])
    token, raw = services.api_token_create(organisation=organisation, name="x", created_by=learner)
    services.api_token_revoke(token=token)
    assert token.revoked_at is not None
    assert tokens.token_owner(raw) is None


def test_revoking_twice_keeps_the_first_date(learner):
    organisation = make_organisation(status="approved", members=[learner])
    token, _ = services.api_token_create(organisation=organisation, name="x", created_by=learner)
    first = services.api_token_revoke(token=token).revoked_at
    again = services.api_token_revoke(token=ApiToken.objects.get(pk=token.pk)).revoked_at
    assert again == first


def test_suspending_an_organisation_stops_its_tokens_and_approval_restores_them(
    learner, admin_user
):
    organisation = make_organisation(status="approved", members=[learner])
    _, raw = services.api_token_create(organisation=organisation, name="x", created_by=learner)
    services.organisation_suspend(organisation=organisation, suspended_by=admin_user)
    assert tokens.token_owner(raw) is None
    services.organisation_approve(organisation=organisation, approved_by=admin_user)
    assert tokens.token_owner(raw) == organisation


def test_last_used_is_written_at_most_once_a_minute(
    learner, monkeypatch, django_assert_num_queries
):
    organisation = make_organisation(status="approved", members=[learner])
    token, raw = services.api_token_create(organisation=organisation, name="x", created_by=learner)
    start = timezone.now()
    monkeypatch.setattr(tokens.timezone, "now", lambda: start)
    with django_assert_num_queries(2):  # the lookup and the first write
        tokens.token_owner(raw)
    token.refresh_from_db()
    assert token.last_used_at == start

    monkeypatch.setattr(tokens.timezone, "now", lambda: start + timedelta(seconds=59))
    with django_assert_num_queries(5):  # five requests, five lookups, no write
        for _ in range(5):
            assert tokens.token_owner(raw) == organisation
    token.refresh_from_db()
    assert token.last_used_at == start

    later = start + timedelta(seconds=61)
    monkeypatch.setattr(tokens.timezone, "now", lambda: later)
    with django_assert_num_queries(2):
        tokens.token_owner(raw)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_a_stale_copy_of_the_token_does_not_write_twice(learner, monkeypatch):
    """Two requests that both read an old last_used_at: the conditional UPDATE writes once."""
    organisation = make_organisation(status="approved", members=[learner])
    token, _ = services.api_token_create(organisation=organisation, name="x", created_by=learner)
    now = timezone.now()
    monkeypatch.setattr(tokens.timezone, "now", lambda: now)
    stale_a = ApiToken.objects.get(pk=token.pk)
    stale_b = ApiToken.objects.get(pk=token.pk)
    tokens._touch_last_used(stale_a)
    monkeypatch.setattr(tokens.timezone, "now", lambda: now + timedelta(seconds=5))
    tokens._touch_last_used(stale_b)
    token.refresh_from_db()
    assert token.last_used_at == now


# --- Bulk checks: reading the file, writing the results ----------------------------------------


def test_decoding_refuses_files_that_are_not_utf8_text():
    with pytest.raises(bulk.BulkFileError, match="isn't UTF-8"):
        bulk.decode_upload("id\ncafé\n".encode("latin-1"))
    with pytest.raises(bulk.BulkFileError, match="UTF-16"):
        bulk.decode_upload("id\n".encode("utf-16"))
    with pytest.raises(bulk.BulkFileError, match="binary"):
        bulk.decode_upload(b"id\x00\n")
    with pytest.raises(bulk.BulkFileError, match="empty"):
        bulk.decode_upload(b" \n \n")
    with pytest.raises(bulk.BulkFileError, match="larger than the 1 KB limit"):
        bulk.decode_upload(b"a" * 1025, max_bytes=1024)


def test_decoding_accepts_excels_byte_order_mark():
    assert bulk.decode_upload("\ufeffid\nabc\n".encode()) == "id\nabc\n"


def test_ids_come_from_the_first_column_with_an_optional_header():
    text = (
        f"Credential ID,Name\n{VALID_ID},Ann\n\n ,blank first cell\nhttps://x/verify/other123/,B\n"
    )
    assert bulk.parse_credential_ids(text) == [VALID_ID, "other123"]
    assert bulk.parse_credential_ids(f"{VALID_ID}\n{VALID_ID}\n") == [VALID_ID, VALID_ID]
    assert bulk.parse_credential_ids(f"id;note\n{VALID_ID};x\n") == [VALID_ID]


def test_a_file_with_too_many_rows_or_no_ids_is_refused():
    with pytest.raises(bulk.BulkFileError, match="more than 3 credential ids"):
        bulk.parse_credential_ids("a\nb\nc\nd\n", max_rows=3)
    assert bulk.parse_credential_ids("id\na\nb\nc\n", max_rows=3) == ["a", "b", "c"]
    with pytest.raises(bulk.BulkFileError, match="no credential ids"):
        bulk.parse_credential_ids("id\n\n,\n")
    with pytest.raises(bulk.BulkFileError, match="isn't valid CSV"):
        bulk.parse_credential_ids('"unterminated\n')


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_results_have_one_line_per_row_and_verify_each_id_once():
    calls = []
    verdicts = {
        VALID_ID: make_verdict(
            VALID_ID,
            expires_on=date(2028, 1, 31),
            holder={"name": "Lena Müller"},
        ),
        "gone": make_verdict("gone", "not_found"),
        "=cmd|' /C calc'!A0": make_verdict("x", "not_found"),
    }

    def verdict_for(public_id):
        calls.append(public_id)
        return verdicts[public_id]

    rows = bulk.result_rows(
        [VALID_ID, "gone", VALID_ID, "=cmd|' /C calc'!A0", "x" * 65], verdict_for
    )
    assert calls == [VALID_ID, "gone", "=cmd|' /C calc'!A0"]
    assert rows[0] == [
        "id",
        "status",
        "valid",
        "headline",
        "issued_on",
        "expires_on",
        "holder_name",
        "achievement",
    ]
    assert rows[1] == [
        VALID_ID,
        "valid",
        "true",
        "Valid credential",
        "2026-05-01",
        "2028-01-31",
        "Lena Müller",
        "Reading generated frames",
    ]
    assert rows[2] == ["gone", "not_found", "false", "Credential not found", "", "", "", ""]
    assert rows[3] == rows[1]
    assert rows[4][0] == "'=cmd|' /C calc'!A0"
    assert rows[5][:3] == ["x" * 65, "invalid", "false"]
    assert parse_csv(bulk.rows_to_csv(rows)) == rows


def test_bulk_check_verifies_on_the_bulk_channel_for_the_organisation(verifications, learner):
    organisation = make_organisation(status="approved", members=[learner])
    result = services.bulk_check_run(
        organisation=organisation,
        data=f"id\n{VALID_ID}\nother\n{VALID_ID}\n".encode(),
        verifier=learner,
    )
    rows = parse_csv(result)
    assert [row[0] for row in rows] == ["id", VALID_ID, "other", VALID_ID]
    assert [call["public_id"] for call in verifications.calls] == [VALID_ID, "other"]
    assert {call["channel"] for call in verifications.calls} == {"bulk"}
    assert {call["organisation"] for call in verifications.calls} == {organisation}
    assert {call["verifier"] for call in verifications.calls} == {learner}


def test_bulk_checks_need_an_approved_organisation(verifications, learner):
    organisation = make_organisation(members=[learner])
    with pytest.raises(services.OrganisationError, match="waiting for approval"):
        services.bulk_check_run(organisation=organisation, data=b"id\nabc\n")
    assert verifications.calls == []


def test_bulk_checks_make_no_queries_per_row(verifications, django_assert_max_num_queries):
    organisation = make_organisation(status="approved", members=[make_user("hr")])
    data = "\n".join(f"id{n:04d}" for n in range(bulk.MAX_ROWS)).encode()
    with django_assert_max_num_queries(0):
        result = services.bulk_check_run(organisation=organisation, data=data)
    assert len(parse_csv(result)) == bulk.MAX_ROWS + 1
    assert len(verifications.calls) == bulk.MAX_ROWS


# --- Reads --------------------------------------------------------------------------------


def test_the_overview_counts_checks_and_live_tokens_and_names_members(learner, other_learner):
    from employers.selectors import organisation_overview

    organisation = make_organisation(status="approved", members=[learner, other_learner])
    save(organisation, learner)
    token, _ = services.api_token_create(organisation=organisation, name="a", created_by=learner)
    services.api_token_create(organisation=organisation, name="b", created_by=learner)
    services.api_token_revoke(token=token)
    overview = organisation_overview(organisation)
    assert overview.member_names == ["Lena", "Omar"]
    assert (overview.checked_count, overview.active_token_count) == (1, 1)


def test_the_organisation_a_person_verifies_for_is_their_only_approved_one(learner, other_learner):
    from django.contrib.auth.models import AnonymousUser

    from employers.selectors import organisation_for_verifier

    approved = make_organisation("Approved Co", status="approved", members=[learner])
    make_organisation("Pending Co", members=[learner])
    assert organisation_for_verifier(learner) == approved
    assert organisation_for_verifier(other_learner) is None
    assert organisation_for_verifier(AnonymousUser()) is None
    make_organisation("Second Approved", status="approved", members=[learner])
    assert organisation_for_verifier(learner) is None  # can't tell which one they act for
