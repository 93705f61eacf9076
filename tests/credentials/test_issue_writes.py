"""What ``credential_issue`` reads and writes: a fixed, small number of queries, and only the
issuing columns, so a change the holder makes while the PDF renders is kept."""

from unittest import mock

import pytest

from courses import services as course_services
from courses.models import LessonPage
from credentials import rendering, services
from credentials.issuer import active_signing_key
from credentials.models import Credential

pytestmark = pytest.mark.django_db

# Claim: lock the row with its holder, count the attempt. Issue: the signing key, the status
# re-checked under the lock, one UPDATE of the issuing columns; the email reuses the row.
# Plus the savepoints that the test's transaction turns the two transactions into.
MAX_QUERIES = 9


@pytest.fixture
def pending(learner, make_course):
    course = make_course("Pending course", lessons=1)
    course_services.enrollment_create(user=learner, course=course)
    with mock.patch("credentials.services._enqueue_issue"):  # stays pending
        for lesson in LessonPage.objects.child_of(course):
            course_services.step_complete(user=learner, step=lesson)
    credential = Credential.objects.get()
    assert credential.status == Credential.Status.PENDING
    active_signing_key()  # created on first use outside production: not part of issuing
    return credential


def test_issuing_costs_a_fixed_number_of_queries(
    pending, django_assert_max_num_queries, django_capture_on_commit_callbacks, mailoutbox
):
    with django_assert_max_num_queries(MAX_QUERIES):
        with django_capture_on_commit_callbacks(execute=True):
            services.credential_issue(credential_id=pending.pk)
    pending.refresh_from_db()
    assert pending.status == Credential.Status.ISSUED and pending.attempts == 1
    assert len(mailoutbox) == 1 and pending.public_id in mailoutbox[0].body


def test_a_change_made_while_rendering_is_kept(pending):
    real = rendering.render_signed_artefacts

    def render_while_holder_hides_it(credential, *, issued_at):
        Credential.objects.filter(pk=credential.pk).update(visibility=Credential.Visibility.OFF)
        return real(credential, issued_at=issued_at)

    with mock.patch.object(rendering, "render_signed_artefacts", render_while_holder_hides_it):
        services.credential_issue(credential_id=pending.pk)
    pending.refresh_from_db()
    assert pending.status == Credential.Status.ISSUED
    assert pending.visibility == Credential.Visibility.OFF
