"""The custom user model and logging in with a username or an email address."""

from uuid import uuid4

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

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


def test_user_model_is_lineage_user():
    User = get_user_model()
    assert User._meta.label == "accounts.User"
    assert {"display_name", "credential_name"} <= {f.name for f in User._meta.fields}


def test_email_is_unique_ignoring_case():
    make_user("ana")
    User = get_user_model()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="ana2", email="ANA@example.org", password=PASSWORD)


def test_username_is_unique_ignoring_case():
    make_user("ana")
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create_user(
            username="Ana", email="other@example.org", password=PASSWORD
        )


def test_usernames_cannot_contain_at_sign():
    user = get_user_model()(username="ana@x", email="a@example.org")
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean(exclude=["password"])
    assert "username" in excinfo.value.message_dict


@pytest.mark.parametrize("login", ["ana", "ANA", "ana@example.org", "Ana@Example.org"])
def test_authenticate_with_username_or_email(login):
    user = make_user("ana")
    assert authenticate(username=login, password=PASSWORD) == user


@pytest.mark.parametrize(
    "login,password",
    [("ana", "wrong"), ("ana@example.org", "wrong"), ("nobody", PASSWORD), ("", PASSWORD)],
)
def test_authenticate_rejects_bad_credentials(login, password):
    make_user("ana")
    assert authenticate(username=login, password=password) is None


def test_inactive_user_cannot_log_in():
    make_user("ana", is_active=False)
    assert authenticate(username="ana", password=PASSWORD) is None


def test_names_fall_back_sensibly():
    user = make_user("ana", first_name="Ana", last_name="Silva")
    assert user.get_display_name() == "Ana Silva"
    assert user.get_credential_name() == "Ana Silva"
    user.display_name = "Ana S."
    user.credential_name = "Ana Beatriz Silva"
    assert str(user) == "Ana S."
    assert user.get_credential_name() == "Ana Beatriz Silva"


def test_login_page_accepts_email(client):
    make_user("ana")
    response = client.post("/accounts/login/", {"login": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_login_failure_keeps_what_was_typed_and_explains(client):
    make_user("ana")
    response = client.post("/accounts/login/", {"login": "ana@example.org", "password": "x"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert 'value="ana@example.org"' in body


def test_admin_can_set_profile_fields_in_wagtail_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/users/new/")
    assert "credential_name" in response.content.decode()
    response = client.post(
        "/admin/users/new/",
        {
            "username": "newbie",
            "email": "newbie@example.org",
            "first_name": "New",
            "last_name": "Bie",
            "display_name": "Newbie",
            "credential_name": "Nova Bielska",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = get_user_model().objects.get(username="newbie")
    assert user.credential_name == "Nova Bielska"
    assert user.display_name == "Newbie"
