"""Brute-force protection: failed logins are limited per IP and per account, on both logins.

ACCOUNT_RATE_LIMITS["login_failed"] is "10/m/ip,5/5m/key": ten failures a minute from one
address, five in five minutes against one account. The count is kept in Django's cache.
"""

from uuid import uuid4

import pytest

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PER_IP = 10
PER_ACCOUNT = 5
REFUSED = "Too many failed attempts to log in"


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Failed-login counts start at zero, in a cache no other test shares."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-{uuid4().hex}",
        }
    }


def log_in(client, login, password, ip):
    return client.post("/accounts/login/", {"login": login, "password": password}, REMOTE_ADDR=ip)


def admin_log_in(client, username, password, ip):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_the_limits_are_the_configured_ones(settings):
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == f"{PER_IP}/m/ip,{PER_ACCOUNT}/5m/key"


def test_account_is_locked_after_failures_even_with_the_right_password(client):
    user = make_user("ana")
    # Spread over addresses, and over username and email: the count is per account.
    logins = ["ana", "ANA", "ana@example.org", "Ana@Example.org", "ana"]
    for number, login in enumerate(logins):
        response = log_in(client, login, "wrong", ip=f"10.0.1.{number}")
        assert REFUSED not in response.content.decode()

    response = log_in(client, "ana", PASSWORD, ip="10.0.1.99")
    body = response.content.decode()
    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    assert REFUSED in body
    assert "There is a problem" in body

    # Other accounts are unaffected.
    other = make_user("omar")
    log_in(client, "omar", PASSWORD, ip="10.0.1.99")
    assert logged_in_user_id(client) == str(other.pk)
    assert user.pk != other.pk


def test_fewer_failures_than_the_limit_still_let_the_owner_in(client):
    user = make_user("ana")
    for number in range(PER_ACCOUNT - 1):
        log_in(client, "ana", "wrong", ip=f"10.0.2.{number}")
    log_in(client, "ana", PASSWORD, ip="10.0.2.99")
    assert logged_in_user_id(client) == str(user.pk)


def test_one_address_is_stopped_after_failures_across_many_accounts(client):
    user = make_user("ana")
    for number in range(PER_IP):
        response = log_in(client, f"guess{number}", "wrong", ip="10.0.3.1")
        assert REFUSED not in response.content.decode()

    response = log_in(client, "ana", PASSWORD, ip="10.0.3.1")
    assert REFUSED in response.content.decode()
    assert logged_in_user_id(client) is None

    # The account itself isn't locked: from another address the owner gets in.
    log_in(client, "ana", PASSWORD, ip="10.0.3.2")
    assert logged_in_user_id(client) == str(user.pk)


def test_admin_login_is_locked_per_account_too(client, admin_user):
    for number in range(PER_ACCOUNT):
        admin_log_in(client, "root", "wrong", ip=f"10.0.4.{number}")

    response = admin_log_in(client, "root", PASSWORD, ip="10.0.4.99")
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert logged_in_user_id(client) is None


def test_admin_login_is_limited_per_address_too(client, admin_user):
    for number in range(PER_IP):
        admin_log_in(client, f"guess{number}", "wrong", ip="10.0.5.1")
    response = admin_log_in(client, "root", PASSWORD, ip="10.0.5.1")
    assert REFUSED in response.content.decode()
    assert logged_in_user_id(client) is None


def test_both_logins_share_one_count(client, admin_user):
    """Guesses can't be split between /accounts/login/ and /admin/login/ to get more."""
    for number in range(3):
        log_in(client, "root", "wrong", ip=f"10.0.6.{number}")
    for number in range(3, PER_ACCOUNT):
        admin_log_in(client, "root@example.org", "wrong", ip=f"10.0.6.{number}")

    assert REFUSED in log_in(client, "root", PASSWORD, ip="10.0.6.99").content.decode()
    assert REFUSED in admin_log_in(client, "root", PASSWORD, ip="10.0.6.98").content.decode()
    assert logged_in_user_id(client) is None


def test_admin_login_still_works_for_staff(client, admin_user):
    response = admin_log_in(client, "ROOT", PASSWORD, ip="10.0.7.1")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(admin_user.pk)


def test_admin_login_refuses_learners(client, learner):
    """Learners log in at /accounts/login/, where email verification applies."""
    response = admin_log_in(client, "lena", PASSWORD, ip="10.0.8.1")
    assert response.status_code == 200
    assert "This login is for Lineage staff" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_delete_account_password_guesses_count_too(client, learner):
    client.force_login(learner)
    for _ in range(PER_ACCOUNT):
        client.post("/accounts/delete/", {"password": "wrong"}, REMOTE_ADDR="10.0.9.1")
    response = client.post("/accounts/delete/", {"password": PASSWORD}, REMOTE_ADDR="10.0.9.2")
    assert REFUSED in response.content.decode()
    learner.refresh_from_db()
