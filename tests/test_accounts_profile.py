"""The profile page (names and privacy) and deleting an account."""

from uuid import uuid4

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import serializers

from accounts import services
from accounts.hooks import account_deleting
from accounts.models import VerificationVisibility
from courses.models import CourseCompletion, Enrollment, LearningRecord, StepCompletion
from courses.services import enrollment_create, lesson_view_record, step_complete
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Failed-login counts start at zero, in a cache no other test shares."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-{uuid4().hex}",
        }
    }


def profile_data(**overrides):
    data = {
        "display_name": "Lena M.",
        "credential_name": "Lena Maria Müller",
        "verification_visibility": "full",
    }
    data.update(overrides)
    return data


# --- Privacy setting ------------------------------------------------------------------------


def test_privacy_defaults_to_achievement_without_name():
    user = make_user("ana")
    assert user.verification_visibility == VerificationVisibility.ACHIEVEMENT == "achievement"


def test_privacy_choices_say_what_they_do():
    assert VerificationVisibility.choices == [
        ("full", "Name and achievement"),
        ("achievement", "Achievement without my name"),
        ("off", "Hidden: verification links answer 'not found'"),
    ]


def test_people_who_sign_up_get_the_private_default(client):
    client.post(
        "/accounts/signup/",
        {
            "credential_name": "Nadia Haddad",
            "email": "nadia@example.org",
            "username": "nadia",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = get_user_model().objects.get(username="nadia")
    assert user.verification_visibility == "achievement"


# --- Profile page ----------------------------------------------------------------------------


def test_profile_needs_login(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/accounts/profile/"


def test_profile_shows_current_values_and_explains_each_choice(client, learner):
    client.force_login(learner)
    body = client.get("/accounts/profile/").content.decode()
    assert body.count("<h1>") == 1
    assert 'value="Lena"' in body
    assert 'value="Lena Müller"' in body
    assert "exactly as you type it" in body
    assert "reissues your current certificates with the new name" in body  # a help text
    assert 'value="achievement" checked' in body
    assert "<legend>What verification links show</legend>" in body
    for index, (value, label) in enumerate(VerificationVisibility.choices):
        radio_id = f"id_verification_visibility_{index}"
        escaped = label.replace("'", "&#x27;")
        assert f'<label for="{radio_id}">{escaped}</label>' in body
        assert f'id="{radio_id}" value="{value}"' in body
        assert f'aria-describedby="{radio_id}_hint"' in body
    assert 'href="/accounts/email/"' in body
    assert "lena@example.org" in body


def test_profile_saves(client, learner):
    client.force_login(learner)
    response = client.post("/accounts/profile/", profile_data(), follow=True)
    assert response.redirect_chain == [("/accounts/profile/", 302)]
    assert "Your profile has been saved." in response.content.decode()
    learner.refresh_from_db()
    assert learner.display_name == "Lena M."
    assert learner.credential_name == "Lena Maria Müller"
    assert learner.verification_visibility == "full"


def test_profile_error_keeps_typed_values_and_saves_nothing(client, learner):
    client.force_login(learner)
    too_long = "x" * 201
    response = client.post(
        "/accounts/profile/",
        profile_data(credential_name=too_long, verification_visibility="off"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert '<a href="#id_credential_name">' in body
    assert 'value="Lena M."' in body
    assert f'value="{too_long}"' in body
    assert 'value="off" checked' in body
    # The header still shows the saved name, not the rejected one.
    assert "Signed in as Lena<" in body
    learner.refresh_from_db()
    assert (learner.display_name, learner.credential_name) == ("Lena", "Lena Müller")
    assert learner.verification_visibility == "achievement"


def test_profile_refuses_an_unknown_visibility(client, learner):
    client.force_login(learner)
    response = client.post("/accounts/profile/", profile_data(verification_visibility="public"))
    body = response.content.decode()
    assert "There is a problem" in body
    assert '<a href="#id_verification_visibility_0">' in body
    learner.refresh_from_db()
    assert learner.verification_visibility == "achievement"


def test_profile_update_service_validates_visibility(learner):
    with pytest.raises(ValueError):
        services.profile_update(
            user=learner, display_name="", credential_name="", verification_visibility="all"
        )


# --- Deleting an account ----------------------------------------------------------------------


def test_delete_page_says_plainly_what_happens(client, learner):
    client.force_login(learner)
    body = client.get("/accounts/delete/").content.decode()
    assert "<h1>Delete your account?</h1>" in body
    assert "personal details are erased" in body
    assert "anonymised" in body
    assert "withdrawn, not deleted" in body
    assert 'autocomplete="current-password"' in body


def test_delete_needs_login(client):
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("password", ["", "wrong"])
def test_delete_refuses_without_the_right_password(client, learner, password):
    client.force_login(learner)
    response = client.post("/accounts/delete/", {"password": password})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert '<a href="#id_password">' in body
    assert get_user_model().objects.filter(pk=learner.pk).exists()
    assert client.session.get("_auth_user_id") == str(learner.pk)


def test_delete_removes_the_account_logs_out_and_confirms(client, learner):
    client.force_login(learner)
    assert EmailAddress.objects.filter(email="lena@example.org").exists()
    response = client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == ("/", 302)
    assert "Your account has been deleted." in response.content.decode()
    assert client.session.get("_auth_user_id") is None
    assert not get_user_model().objects.filter(pk=learner.pk).exists()
    assert not EmailAddress.objects.filter(email="lena@example.org").exists()
    # The old password opens nothing.
    client.post("/accounts/login/", {"login": "lena", "password": PASSWORD})
    assert client.session.get("_auth_user_id") is None


def test_account_deleting_is_sent_first_inside_the_transaction(learner):
    seen = []
    pk = learner.pk

    def receiver(sender, user, **kwargs):
        seen.append((user.pk, get_user_model().objects.filter(pk=user.pk).exists()))

    account_deleting.connect(receiver)
    try:
        services.account_delete(user=learner)
    finally:
        account_deleting.disconnect(receiver)
    assert seen == [(pk, True)]


def test_a_failing_subscriber_aborts_the_deletion(learner):
    def receiver(sender, user, **kwargs):
        raise RuntimeError("could not withdraw credentials")

    account_deleting.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            services.account_delete(user=learner)
    finally:
        account_deleting.disconnect(receiver)
    assert get_user_model().objects.filter(pk=learner.pk).exists()


def test_deleting_anonymises_learning_history_and_keeps_it(learner, make_course):
    course = make_course(lessons=2)
    lessons = [page.specific for page in course.get_children().live()]
    enrollment = enrollment_create(user=learner, course=course)
    lesson_view_record(user=learner, lesson=lessons[0])
    for lesson in lessons:
        step_complete(user=learner, step=lesson)
    learner_key = enrollment.learner_key
    counts = {
        Enrollment: 1,
        StepCompletion: 2,
        CourseCompletion: 1,
        LearningRecord: LearningRecord.objects.filter(user=learner).count(),
    }
    assert counts[LearningRecord] >= 4  # enrolled, viewed, two steps, course completed
    assert CourseCompletion.objects.filter(user=learner).count() == 1

    services.account_delete(user=learner)

    for model, count in counts.items():
        assert model.objects.count() == count, model
    enrollment.refresh_from_db()
    assert enrollment.user_id is None
    assert enrollment.learner_key == learner_key
    assert StepCompletion.objects.filter(enrollment=enrollment).count() == 2
    assert CourseCompletion.objects.get().user_id is None
    assert not LearningRecord.objects.filter(user__isnull=False).exists()
    assert LearningRecord.objects.filter(learner_key=learner_key).count() >= 3

    assert not get_user_model().objects.filter(username="lena").exists()
    kept = serializers.serialize(
        "json",
        [
            *Enrollment.objects.all(),
            *StepCompletion.objects.all(),
            *CourseCompletion.objects.all(),
            *LearningRecord.objects.all(),
        ],
    )
    for personal in ("lena", "Lena Müller", "lena@example.org"):
        assert personal.lower() not in kept.lower()
