"""An employer opens a credential's QR URL and sees it is valid; the holder switches the
verification link to "achievement without name" and the name disappears; an admin revokes it
and the page says so with the reason. Every page on the way is axe-clean.
"""

import uuid

from tests.browser.conftest import axe_violations

PASSWORD = "a-long-verify-passphrase"  # noqa: S105 - test credential
NAME = "Verity Nakamura-Ørsted"

SETUP = """
from django.contrib.auth import get_user_model
from django.utils.timezone import now
from courses import services
from courses.models import CoursePage, LessonPage
from credentials.models import Credential
from credentials.services import credential_issue

user = get_user_model().objects.create_user(
    username="{username}", email="{username}@example.org", password="{password}",
    credential_name="{name}", verification_visibility="full", credential_name_confirmed_at=now(),
)
course = CoursePage.objects.get(code="AIPV-103")
services.enrollment_create(user=user, course=course)
for lesson in LessonPage.objects.child_of(course).live().order_by("path"):
    services.step_complete(user=user, step=lesson)
credential = Credential.objects.get(user=user)
credential_issue(credential_id=credential.pk)
credential.refresh_from_db()
print(credential.public_id, credential.pk, credential.status)
"""


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def assert_clean(page):
    assert page.locator("main").count() == 1
    assert axe_violations(page) == []


def test_employer_sees_valid_then_consent_change_then_revocation(demo_server, page, browser):
    username = f"verity{uuid.uuid4().hex[:8]}"
    output = demo_server.manage(
        "shell", "-c", SETUP.format(username=username, password=PASSWORD, name=NAME)
    )
    public_id, pk, status = output.split()[-3:]
    assert status == "issued"
    verify_url = f"{demo_server}/verify/{public_id}/"

    # The employer (anonymous) opens the QR target: valid, with the holder's name.
    page.goto(verify_url)
    verdict = page.locator("main h1").first.inner_text()
    assert "Valid" in verdict
    assert NAME in page.content()
    assert_clean(page)

    # The holder switches consent to "achievement without name".
    holder = browser.new_context().new_page()
    holder.goto(demo_server + "/accounts/login/")
    holder.fill("#id_login", username)
    holder.fill("#id_password", PASSWORD)
    click_and_wait(holder, "main form button[type=submit]")
    holder.goto(f"{demo_server}/credentials/{public_id}/")
    holder.check("input[name=visibility][value=achievement]")
    click_and_wait(holder, "#visibility form button[type=submit]")
    assert "Achievement without my name" in holder.content()
    holder.context.close()

    page.goto(verify_url)
    assert "Valid" in page.locator("main h1").first.inner_text()
    assert NAME not in page.content()
    assert_clean(page)

    # An admin revokes it in the Wagtail admin, with a reason, after confirming.
    admin = browser.new_context().new_page()
    admin.goto(demo_server + "/admin/login/")
    admin.fill("#id_username", "admin")
    admin.fill("#id_password", "lineage-demo")
    click_and_wait(admin, "form button[type=submit]")
    admin.goto(f"{demo_server}/admin/credentials/{pk}/revoke/")
    admin.select_option("#id_reason", "issued_in_error")
    admin.fill("#id_note", "Completion recorded against the wrong account.")
    click_and_wait(admin, "main form button:has-text('Continue')")
    click_and_wait(admin, "button:has-text('Yes, revoke it')")
    admin.context.close()

    page.goto(verify_url)
    verdict = page.locator("main h1").first.inner_text()
    assert "Revoked" in verdict
    assert "issued in error" in page.content().lower()
    assert_clean(page)
