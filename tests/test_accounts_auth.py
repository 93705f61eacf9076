"""Sign-up, email verification, login, logout and password reset through django-allauth."""

import re
from urllib.parse import urlencode
from uuid import uuid4

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-passphrase-42"  # noqa: S105 - test credential


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Failed-login counts start at zero, in a cache no other test shares."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-{uuid4().hex}",
        }
    }


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def link_path(body: str, settings) -> str:
    """The path of the one Lineage link in an email body (links use LINEAGE_BASE_URL)."""
    links = re.findall(re.escape(settings.LINEAGE_BASE_URL) + r"(/\S+)", body)
    assert len(links) == 1, body
    return links[0]


def sign_up(client, *, username="nadia", email="nadia@example.org", **extra):
    data = {
        "credential_name": "Nadia Haddad",
        "email": email,
        "username": username,
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post("/accounts/signup/", {**data, **extra})


# --- Sign-up and email verification -------------------------------------------------------


def test_sign_up_verify_then_log_in(client, settings):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert logged_in_user_id(client) is None
    user = get_user_model().objects.get(username="nadia")
    assert user.email == "nadia@example.org"
    assert not EmailAddress.objects.get(user=user).verified
    # The name for certificates is asked at sign-up, and typing it there confirms it.
    assert user.credential_name == "Nadia Haddad"
    assert user.credential_name_confirmed

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia@example.org"]
    assert message.subject == "Lineage: Confirm your email address"
    path = link_path(message.body, settings)

    # Following the link shows a button; only the POST confirms.
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm email address" in page.content.decode()
    assert not EmailAddress.objects.get(user=user).verified
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    # Confirming in the browser that signed up logs the person in.
    assert logged_in_user_id(client) == str(user.pk)


def test_sign_up_asks_for_the_name_for_certificates(client):
    response = sign_up(client, credential_name="  ")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_credential_name">Enter your name as it should be printed' in body
    assert not get_user_model().objects.filter(username="nadia").exists()
    page = client.get("/accounts/signup/").content.decode()
    assert '<label for="id_credential_name">Your full name</label>' in page
    # The name comes first, then the email address.
    assert page.index('name="credential_name"') < page.index('name="email"')


# --- Back to where sign-up started --------------------------------------------------------

COURSE_PATH = "/courses/editing-with-generative-tools/"


def confirmation_path(settings) -> str:
    return link_path(mail.outbox[-1].body, settings)


@pytest.mark.parametrize("start", [COURSE_PATH, "/employers/signup/"])
def test_confirming_in_the_same_browser_logs_in_and_returns_where_sign_up_started(
    client, settings, start
):
    """A learner from a course, or an employer from the employer area."""
    response = sign_up(client, next=start)
    assert response.url == "/accounts/confirm-email/"
    path = confirmation_path(settings)
    assert path.endswith("?" + urlencode({"next": start}))
    page = client.get(path).content.decode()
    assert f'<input type="hidden" name="next" value="{start}">' in page

    confirmed = client.post(path.split("?")[0], {"next": start})
    assert confirmed.status_code == 302 and confirmed.url == start
    user = get_user_model().objects.get(username="nadia")
    assert logged_in_user_id(client) == str(user.pk)


@pytest.mark.parametrize("start", [COURSE_PATH, "/employers/signup/"])
def test_confirming_in_another_browser_asks_to_log_in_then_returns(client, settings, start):
    sign_up(client, next=start)
    path = confirmation_path(settings)

    other = Client()  # another browser: no sign-up in its session
    other.get(path)
    confirmed = other.post(path.split("?")[0], {"next": start})
    login_url = "/accounts/login/?" + urlencode({"next": start})
    assert confirmed.status_code == 302 and confirmed.url == login_url
    assert logged_in_user_id(other) is None
    assert EmailAddress.objects.get(email="nadia@example.org").verified

    login_page = other.get(login_url).content.decode()
    assert f'<input type="hidden" name="next" value="{start}">' in login_page
    response = other.post(
        "/accounts/login/", {"login": "nadia", "password": PASSWORD, "next": start}
    )
    assert response.status_code == 302 and response.url == start
    assert logged_in_user_id(other) is not None


def test_a_link_resent_at_login_still_returns_there(client, settings):
    user = make_user("nadia")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    client.post("/accounts/login/", {"login": "nadia", "password": PASSWORD, "next": COURSE_PATH})
    assert confirmation_path(settings).endswith("?" + urlencode({"next": COURSE_PATH}))


@pytest.mark.parametrize("browser", ["same", "other"])
@pytest.mark.parametrize(
    "evil",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http:/evil.example"],
)
def test_sign_up_and_confirmation_never_redirect_off_site(client, settings, evil, browser):
    sign_up(client, next=evil)
    path = confirmation_path(settings)
    assert "?" not in path and "evil" not in mail.outbox[-1].body  # no next in the email

    confirming = client if browser == "same" else Client()
    page = confirming.get(f"{path}?{urlencode({'next': evil})}").content.decode()
    assert "evil" not in page
    confirmed = confirming.post(path, {"next": evil})
    assert confirmed.status_code == 302 and "evil" not in confirmed.url
    assert EmailAddress.objects.get(email="nadia@example.org").verified


def test_unverified_account_cannot_log_in_and_is_told_why(client):
    user = make_user("nadia")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    response = client.post(
        "/accounts/login/", {"login": "nadia@example.org", "password": PASSWORD}, follow=True
    )
    body = response.content.decode()
    assert logged_in_user_id(client) is None
    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    assert "<h1>Confirm your email address</h1>" in body
    assert "You can't log in until you've confirmed your email address" in body
    # A fresh link goes out, so the person isn't stuck.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nadia@example.org"]


def test_just_signed_up_account_cannot_log_in_before_confirming(client):
    sign_up(client)
    client.post("/accounts/login/", {"login": "nadia", "password": PASSWORD})
    assert logged_in_user_id(client) is None
    assert not EmailAddress.objects.get(email="nadia@example.org").verified


def test_sign_up_errors_keep_typed_values_with_error_summary(client):
    make_user("taken")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.org",
            "username": "Taken",
            "password1": PASSWORD,
            "password2": PASSWORD + "x",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert '<a href="#id_username">That username is taken.</a>' in body
    assert 'value="new.person@example.org"' in body
    assert 'value="Taken"' in body
    # Passwords are never sent back to the browser.
    assert PASSWORD not in body
    assert not get_user_model().objects.filter(email="new.person@example.org").exists()


def test_sign_up_refuses_at_sign_in_username(client):
    response = sign_up(client, username="nadia@home")
    assert response.status_code == 200
    assert "no spaces or @" in response.content.decode()
    assert not get_user_model().objects.filter(email="nadia@example.org").exists()


def test_sign_up_fields_are_labelled_with_autocomplete_and_no_placeholders(client):
    body = client.get("/accounts/signup/").content.decode()
    for field, autocomplete in [
        ("email", "email"),
        ("username", "username"),
        ("password1", "new-password"),
        ("password2", "new-password"),
    ]:
        assert f'<label for="id_{field}">' in body
        tag = re.search(rf'<input [^>]*name="{field}"[^>]*>', body).group(0)
        assert f'autocomplete="{autocomplete}"' in tag
        assert "placeholder" not in tag
    assert body.count("<h1>") == 1
    assert body.count("<main") == 1


# --- Logging in and out -------------------------------------------------------------------


@pytest.mark.parametrize("login", ["ana", "ANA", "ana@example.org", "Ana@Example.org"])
def test_log_in_with_username_or_email(client, login):
    user = make_user("ana")
    response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_account_made_by_an_admin_counts_as_verified(client):
    """Admin-made accounts have no address on record; their first login records it."""
    user = make_user("ana")
    assert not EmailAddress.objects.filter(user=user).exists()
    client.post("/accounts/login/", {"login": "ana", "password": PASSWORD})
    assert logged_in_user_id(client) == str(user.pk)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("ana@example.org", True, True)
    assert mail.outbox == []


def test_login_errors_keep_typed_login_with_error_summary(client):
    make_user("ana")
    response = client.post("/accounts/login/", {"login": "ana", "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "don&#x27;t match an account" in body
    assert 'value="ana"' in body
    assert 'value="wrong"' not in body
    assert logged_in_user_id(client) is None


def test_empty_login_links_each_error_to_its_field(client):
    body = client.post("/accounts/login/", {"login": "", "password": ""}).content.decode()
    assert '<a href="#id_login">This field is required.</a>' in body
    assert '<a href="#id_password">This field is required.</a>' in body
    assert 'aria-describedby="id_login-error"' in body


def test_logout_is_post_only_with_a_confirmation_page(client, learner):
    client.force_login(learner)
    page = client.get("/accounts/logout/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Log out of Lineage?</h1>" in body
    assert 'method="post" action="/accounts/logout/"' in body
    assert logged_in_user_id(client) == str(learner.pk)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert logged_in_user_id(client) is None


def test_header_offers_log_in_and_sign_up_when_anonymous(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<a href="/accounts/login/">Log in</a>' in body
    assert '<a href="/accounts/signup/">Sign up</a>' in body
    assert "Log out" not in body


def test_header_shows_name_profile_dashboard_and_log_out_when_signed_in(client, learner):
    client.force_login(learner)
    body = client.get("/accounts/profile/").content.decode()
    assert "Signed in as Lena" in body
    assert 'href="/accounts/profile/" aria-current="page">Profile</a>' in body
    assert 'href="/dashboard/"' in body
    assert '<form method="post" action="/accounts/logout/">' in body
    assert "Sign up" not in body


def test_login_required_pages_send_people_to_the_allauth_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/dashboard/"


# --- Password reset and change ------------------------------------------------------------


def test_password_reset_end_to_end(client, settings):
    user = make_user("ana")
    response = client.post("/accounts/password/reset/", {"email": "ANA@example.org"})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Lineage: Reset your password"
    path = link_path(mail.outbox[0].body, settings)

    # allauth swaps the key in the link for a session token, then shows the form.
    form_page = client.get(path, follow=True)
    assert "<h1>Choose a new password</h1>" in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]

    short = client.post(form_url, {"password1": "short", "password2": "short"})
    assert "There is a problem" in short.content.decode()

    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once.
    reused = client.get(path, follow=True)
    assert "<h1>This link doesn't work</h1>" in reused.content.decode()

    response = client.post("/accounts/login/", {"login": "ana", "password": NEW_PASSWORD})
    assert logged_in_user_id(client) == str(user.pk)


def test_admin_made_account_can_reset_its_password_before_ever_logging_in(client, settings):
    """allauth records the address (unverified) when the reset is asked for; still vouched."""
    user = make_user("ana")
    client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    form_page = client.get(link_path(mail.outbox[0].body, settings), follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    client.post("/accounts/login/", {"login": "ana", "password": NEW_PASSWORD})
    assert logged_in_user_id(client) == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


def test_password_reset_does_not_reveal_whether_an_account_exists(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"


def test_password_reset_error_keeps_typed_value(client):
    body = client.post("/accounts/password/reset/", {"email": "not-an-email"}).content.decode()
    assert "There is a problem" in body
    assert 'value="not-an-email"' in body


def test_password_change_needs_the_current_password(client, learner):
    client.force_login(learner)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)


def test_change_email_error_keeps_typed_value_and_change_sends_a_link(client, learner, settings):
    client.force_login(learner)
    page = client.get("/accounts/email/")
    assert "lena@example.org" in page.content.decode()

    bad = client.post("/accounts/email/", {"email": "lena-at-home", "action_add": ""})
    body = bad.content.decode()
    assert "There is a problem" in body
    assert 'value="lena-at-home"' in body

    good = client.post("/accounts/email/", {"email": "lena@home.example", "action_add": ""})
    assert good.status_code == 302
    assert mail.outbox[-1].to == ["lena@home.example"]
    learner.refresh_from_db()
    assert learner.email == "lena@example.org"  # until the new address is confirmed
    client.post(link_path(mail.outbox[-1].body, settings))
    learner.refresh_from_db()
    assert learner.email == "lena@home.example"
