"""Every user-facing form, posted with bad data, comes back with what was typed, an error
summary at the top and the message beside the field (DESIGN.md's error summary pattern).

One table, ``FORMS``: who posts, where, what, the status the view answers with, the typed
values that must be back in the form and the message. Passwords and files are never echoed
back (browsers can't prefill file inputs; passwords must not be), so their rows keep nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from quizzes import services as quiz_services
from quizzes.question_types.base import field_prefix
from tests.quizzes.quiz_factories import make_question, make_quiz
from tests.test_access_matrix import world  # noqa: F401 - the fixture: people and objects

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class FormCase:
    """One bad submission and what must come back."""

    role: str
    url: str  # formatted with the world's ids
    data: dict
    status: int
    kept: tuple[str, ...]  # typed values that must be back in the form (as typed)
    message: str
    beside: bool = True  # the message is also shown beside a field (not only a form error)
    files: dict = field(default_factory=dict)  # field -> (name, bytes)
    method: str = "post"  # the id form on /verify/ is a GET form


LONG = "x" * 301

FORMS: dict[str, FormCase] = {
    "sign up": FormCase(
        "anonymous",
        "/accounts/signup/",
        {"email": "new@example", "username": "newbie", "password1": "a", "password2": "b"},
        200,
        ("new@example", "newbie"),
        "Enter a valid email address",
    ),
    "log in": FormCase(
        "anonymous",
        "/accounts/login/",
        {"login": "lena@example.org", "password": "not the password"},
        200,
        ("lena@example.org",),
        "don&#x27;t match an account",
        beside=False,  # a wrong password is about the pair, so only in the summary
    ),
    "password reset": FormCase(
        "anonymous",
        "/accounts/password/reset/",
        {"email": "no-at-sign"},
        200,
        ("no-at-sign",),
        "Enter a valid email address",
    ),
    "add an email address": FormCase(
        "owner", "/accounts/email/", {"email": "bad@", "action_add": ""}, 200, ("bad@",), "valid"
    ),
    "change password": FormCase(
        "owner",
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "n3w-Passw0rd!", "password2": "n3w-Passw0rd!"},
        200,
        (),
        "current password",
    ),
    "profile": FormCase(
        "owner",
        "/accounts/profile/",
        {"display_name": "Léna " + "ü" * 300, "credential_name": "Léna Müller-Ström"},
        200,
        ("Léna Müller-Ström",),
        "characters",
    ),
    "delete account": FormCase(
        "owner", "/accounts/delete/", {"password": "wrong"}, 200, (), "password"
    ),
    "credential visibility": FormCase(
        "owner", "/credentials/{public_id}/visibility/", {}, 200, (), "Choose who can see"
    ),
    "verify by id": FormCase(
        "anonymous",
        "/verify/",
        {"id": "not an id <b>"},
        400,
        ("not an id <b>",),
        "Enter a",
        method="get",
    ),
    "verify pasted JSON": FormCase(
        "anonymous",
        "/verify/json/",
        {"json_text": '{"id": "urn:x", "oops"}'},
        400,
        ('{"id": "urn:x", "oops"}',),
        "This is not JSON",
    ),
    "verify PDF upload": FormCase(
        "anonymous",
        "/verify/pdf/",
        {},
        400,
        (),
        "not a PDF",
        files={"pdf": ("c.pdf", b"%PDF-1.7\nnot really")},
    ),
    "employer registration": FormCase(
        "learner_b",
        "/employers/signup/",
        {"name": "Acme Pictures", "website": "not a url", "reason": "We hire <editors>."},
        200,
        ("Acme Pictures", "not a url", "We hire <editors>."),
        "Enter a",
    ),
    "employer check": FormCase(
        "employer",
        "/employers/{organisation}/check/",
        {"public_id": LONG},
        200,
        (LONG,),
        "too long",
    ),
    "API token create": FormCase(
        "employer",
        "/employers/{organisation}/tokens/",
        {"name": "T" * 101},
        200,
        ("T" * 101,),
        "100 characters or fewer",
    ),
    "bulk check": FormCase(
        "employer",
        "/employers/{organisation}/bulk-check/",
        {},
        200,
        (),
        "",
        files={"file": ("ids.pdf", b"%PDF-1.7")},
    ),
    "enrolment CSV": FormCase(
        "instructor",
        "/admin/learner-progress/{course}/enrol/",
        {},
        200,
        (),
        "",
        files={"file": ("learners.csv", b"email\nnot-an-address\n")},
    ),
    "GIFT import": FormCase(
        "instructor",
        "/admin/quizzes/{quiz}/import/",
        {},
        200,
        (),
        "UTF-8",
        files={"file": ("bank.gift", b"::Q:: Bad \xff {T}")},
    ),
    "essay grade": FormCase(
        "instructor",
        "/admin/quizzes/essays/{essay_answer}/",
        {"score": "150", "feedback": "Clear <and> careful."},
        200,
        ("150", "Clear <and> careful."),
        "100",
    ),
    "credential revoke": FormCase(
        "admin",
        "/admin/credentials/{credential}/revoke/",
        {"reason": "", "note": "Typed note – keep me"},
        200,
        ("Typed note – keep me",),
        "Choose why",
    ),
}


# The site's summary (templates/includes/form_errors.html) and the admin's (Wagtail's help-block
# with id="error-summary"), and the message beside the field in each.
SUMMARY_MARKERS = ('class="error-summary"', 'id="error-summary"')
BESIDE_FIELD = ('class="field-error"', "w-field__errors", 'class="error-message"')


def error_summary(page: str) -> str:
    """The error summary's HTML (up to its first closing tag of a block), or fail."""
    for marker in SUMMARY_MARKERS:
        if marker in page:
            return page.split(marker, 1)[1].split("</div>\n", 1)[0]
    raise AssertionError("no error summary")


def post(world, case: FormCase):  # noqa: F811 - ``world`` is the imported fixture's value
    client = Client()
    user = world["users"][case.role]
    if user is not None:
        client.force_login(user)
    data = dict(case.data)
    for name, (filename, content) in case.files.items():
        data[name] = SimpleUploadedFile(filename, content)
    return getattr(client, case.method)(case.url.format(**world["args"]), data)


def problems_with(case: FormCase, response) -> list[str]:
    if response.status_code != case.status:
        return [f"status {response.status_code}, expected {case.status}"]
    page = response.content.decode()
    try:
        summary_html = error_summary(page)
    except AssertionError as error:
        return [str(error)]
    found = []
    if case.message not in summary_html:
        found.append(f"the summary does not say {case.message!r}")
    if case.beside and not any(marker in page for marker in BESIDE_FIELD):
        found.append("no message beside the field")
    found += [f"{value!r} was not kept" for value in case.kept if escape(value) not in page]
    return found


def test_a_bad_submission_keeps_what_was_typed_and_says_what_is_wrong(world):  # noqa: F811
    """All the rows against one world (building it costs seconds); each post is undone."""
    wrong = []
    for name, case in FORMS.items():
        with transaction.atomic():
            wrong += [f"{name}: {problem}" for problem in problems_with(case, post(world, case))]
            transaction.set_rollback(True)
    assert not wrong, "\n".join(wrong)


def test_every_user_facing_form_has_a_row():
    """The views that show a form to people: a new one needs a row above."""
    assert set(FORMS) >= {
        "sign up",
        "log in",
        "password reset",
        "profile",
        "enrolment CSV",
        "employer registration",
        "bulk check",
        "API token create",
        "verify PDF upload",
        "GIFT import",
    }


def test_a_quiz_submitted_with_a_missing_answer_keeps_the_given_ones(world):  # noqa: F811
    """The answered questions keep their answers; the missing one is named in the summary."""
    from courses.models import CoursePage

    owner = world["users"]["owner"]
    course = CoursePage.objects.get(pk=world["args"]["course"])
    quiz = make_quiz(
        course,
        [make_question("short_answer"), make_question("true_false")],
        title="Two questions",
    )
    attempt = quiz_services.attempt_start(user=owner, quiz=quiz)
    short = attempt.questions.get(version__type_name="short_answer")
    missing = attempt.questions.get(version__type_name="true_false")
    client = Client()
    client.force_login(owner)
    typed = "content <credentials>"
    response = client.post(
        reverse("quizzes:submit", args=[attempt.pk]), {field_prefix(short.position): typed}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Question {missing.position + 1}" in error_summary(page)
    assert escape(typed) in page
