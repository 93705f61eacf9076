"""A credential waits for its holder to confirm the name printed on it, then is issued once.

Sign-up asks for the name (and that counts as confirming it); people who never gave one (an
account an administrator made, or older accounts) confirm it before their first credential.
"""

import pytest

from accounts import services as account_services
from courses import services as course_services
from courses.models import LessonPage
from credentials import services
from credentials.models import Credential
from credentials.storage import private_storage
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

CONFIRM_URL = "/accounts/name/"


@pytest.fixture
def maya(db):
    """A person who never said which name to print: their credentials wait."""
    return make_user("maya", credential_name_confirmed_at=None)


@pytest.fixture
def complete(make_course, django_capture_on_commit_callbacks):
    def run(user, title="Credentialed course"):
        course = make_course(title, lessons=1)
        course_services.enrollment_create(user=user, course=course)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in LessonPage.objects.child_of(course):
                course_services.step_complete(user=user, step=lesson)
        return course

    return run


def test_an_unconfirmed_name_holds_the_credential_pending(maya, complete, settings):
    complete(maya)
    credential = Credential.objects.get()
    assert credential.status == Credential.Status.PENDING
    # Neither a (redelivered) task nor the sweeper issues it, and no attempt is counted.
    assert services.credential_issue(credential_id=credential.pk) is None
    settings.CREDENTIAL_STUCK_AFTER_SECONDS = 0
    assert services.credentials_sweep_pending() == 0
    credential.refresh_from_db()
    assert (credential.status, credential.attempts) == (Credential.Status.PENDING, 0)
    assert list(Credential.objects.awaiting_name()) == [credential]


def test_confirming_the_name_issues_the_held_credential_exactly_once(
    maya, complete, django_capture_on_commit_callbacks
):
    complete(maya)
    with django_capture_on_commit_callbacks(execute=True):
        account_services.credential_name_confirm(user=maya, credential_name=" Maya Lopez ")
    credential = Credential.objects.get()
    assert credential.status == Credential.Status.ISSUED
    assert credential.printed_name == "Maya Lopez"
    assert credential.attempts == 1
    # Releasing again, or a stray task, changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.credentials_issue_held(user=maya)
    assert services.credential_issue(credential_id=credential.pk) is None
    credential.refresh_from_db()
    assert (credential.status, credential.attempts) == (Credential.Status.ISSUED, 1)
    assert Credential.objects.count() == 1
    assert private_storage().listdir("credentials")[1].count(f"{credential.public_id}.pdf") == 1


def test_once_confirmed_later_credentials_are_issued_at_once(
    maya, complete, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account_services.credential_name_confirm(user=maya, credential_name="Maya Lopez")
    complete(maya)
    credential = Credential.objects.get()
    assert (credential.status, credential.printed_name) == ("issued", "Maya Lopez")


def test_saving_the_profile_confirms_the_name(maya, complete, django_capture_on_commit_callbacks):
    complete(maya)
    with django_capture_on_commit_callbacks(execute=True):
        account_services.profile_update(
            user=maya,
            display_name="",
            credential_name="Maya Lopez-Ortiz",
            verification_visibility="achievement",
        )
    maya.refresh_from_db()
    assert maya.credential_name_confirmed
    credential = Credential.objects.get()
    assert (credential.status, credential.printed_name) == ("issued", "Maya Lopez-Ortiz")


def test_an_empty_name_cannot_be_confirmed(maya):
    with pytest.raises(ValueError):
        account_services.credential_name_confirm(user=maya, credential_name="   ")
    maya.refresh_from_db()
    assert not maya.credential_name_confirmed


# --- What the learner sees ------------------------------------------------------------------


def test_the_dashboard_course_and_credential_pages_ask_for_the_name(client, maya, complete):
    course = complete(maya)
    credential = Credential.objects.get()
    client.force_login(maya)

    dashboard = client.get("/dashboard/").content.decode()
    assert "Waiting for your name" in dashboard
    assert f'href="{CONFIRM_URL}?next=/dashboard/"' in dashboard

    course_page = client.get(course.url).content.decode()
    assert f'href="{CONFIRM_URL}?next={course.url}"' in course_page

    detail_path = f"/credentials/{credential.public_id}/"
    detail = client.get(detail_path).content.decode()
    assert "Confirm your name to receive it" in detail
    assert f'href="{CONFIRM_URL}?next={detail_path}"' in detail


def test_a_confirmed_learner_is_not_asked(client, learner, complete):
    course = complete(learner)
    client.force_login(learner)
    for path in ("/dashboard/", course.url):
        assert CONFIRM_URL not in client.get(path).content.decode(), path


def test_the_confirmation_page_issues_and_goes_back(
    client, maya, complete, django_capture_on_commit_callbacks
):
    course = complete(maya)
    client.force_login(maya)
    page = client.get(f"{CONFIRM_URL}?next={course.url}")
    body = page.content.decode()
    assert "<h1>Confirm the name on your certificates</h1>" in body
    assert f'name="next" value="{course.url}"' in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM_URL, {"credential_name": "Maya Lopez", "next": course.url})
    assert response.status_code == 302 and response.url == course.url
    credential = Credential.objects.get()
    assert (credential.status, credential.printed_name) == ("issued", "Maya Lopez")


def test_the_confirmation_page_keeps_errors_beside_the_field(client, maya):
    client.force_login(maya)
    response = client.post(CONFIRM_URL, {"credential_name": "  ", "next": "/dashboard/"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_credential_name">Enter your name as it should be printed' in body
    maya.refresh_from_db()
    assert not maya.credential_name_confirmed
    too_long = client.post(CONFIRM_URL, {"credential_name": "x" * 201})
    assert too_long.status_code == 200 and 'value="' + "x" * 201 + '"' in too_long.content.decode()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_the_confirmation_page_never_redirects_off_site(client, maya, next_url):
    client.force_login(maya)
    response = client.post(CONFIRM_URL, {"credential_name": "Maya Lopez", "next": next_url})
    assert response.status_code == 302 and response.url == "/dashboard/"
    assert next_url not in client.get(f"{CONFIRM_URL}?next={next_url}").content.decode()


def test_the_confirmation_page_needs_login(client):
    response = client.get(CONFIRM_URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_admin_says_what_the_credential_waits_for(client, maya, complete, admin_user):
    from django.urls import reverse

    complete(maya)
    credential = Credential.objects.get()
    client.force_login(admin_user)
    url = reverse("credentials_admin:detail", args=[credential.pk])
    body = client.get(url).content.decode()
    assert "Waiting for the holder to confirm the name to print on it" in body
    assert "Being issued" not in body
