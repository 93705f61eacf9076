"""Every public page carries a strict Content-Security-Policy; the admin carries its own.

Templates must never need inline scripts: a grep over templates/ guards that too, since a page
this list misses would otherwise only fail in a browser.
"""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import make_user
from tests.quizzes.quiz_factories import enrol, make_question, make_quiz
from tests.test_admin_authoring import lesson_form
from tests.test_employers import make_organisation
from tests.verification_support import issue  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response):
    """The public policy: scripts from our origin only, no inline script, no framing."""
    directives = policy(response)
    script_src = directives.get("script-src", directives["default-src"])
    assert script_src == ["'self'"], response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in directives.get("style-src", [])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.fixture
def site(learner, make_course, issue):  # noqa: F811 - fixture
    """A course with a lesson and a quiz, an issued credential, an approved organisation."""
    credential = issue()
    course = make_course("Headers course", lessons=1)
    quiz = make_quiz(course, [make_question("true_false")])
    enrol(learner, course)
    hr = make_user("hana")
    organisation = make_organisation("Northlight Studios", status="approved", members=[hr])
    lesson = course.get_children().first().specific
    return {
        "course": course,
        "lesson": lesson,
        "quiz": quiz,
        "credential": credential,
        "hr": hr,
        "organisation": organisation,
    }


def public_pages(site) -> list[tuple[str, str]]:
    """(who, url): the representative pages, anonymous or as the learner/employer who sees them."""
    credential = site["credential"]
    organisation = site["organisation"]
    return [
        ("anonymous", "/"),
        ("anonymous", site["course"].get_parent().url),
        ("anonymous", site["course"].url),
        ("learner", site["lesson"].url),
        ("learner", site["quiz"].url),
        ("learner", "/dashboard/"),
        ("learner", f"/credentials/{credential.public_id}/"),
        ("anonymous", "/verify/"),
        ("anonymous", f"/verify/{credential.public_id}/"),
        ("anonymous", "/accounts/login/"),
        ("anonymous", "/accounts/signup/"),
        ("learner", "/accounts/name/"),
        ("anonymous", "/employers/"),
        ("learner", "/employers/signup/"),
        ("anonymous", "/api/docs/"),
        ("hr", f"/employers/{organisation.pk}/"),
        ("hr", f"/employers/{organisation.pk}/check/"),
        ("anonymous", "/search/?q=frames"),
        ("anonymous", "/no-such-page/"),
    ]


def test_every_public_page_has_the_strict_policy(site, learner):
    clients = {"anonymous": Client(), "learner": Client(), "hr": Client()}
    clients["learner"].force_login(learner)
    clients["hr"].force_login(site["hr"])
    for who, url in public_pages(site):
        response = clients[who].get(url)
        expected = 404 if url == "/no-such-page/" else 200
        assert response.status_code == expected, (who, url, response.status_code)
        assert_strict(response)


def test_previews_may_be_framed_by_the_admin_and_live_pages_by_nobody(site, admin_user):
    """Wagtail's preview panel frames the preview; the same page live stays unframeable."""
    lesson = site["lesson"]
    client = Client()
    client.force_login(admin_user)
    url = f"/admin/pages/{lesson.pk}/edit/preview/"
    form = lesson_form(lesson, [], summary="Previewed summary")
    assert client.post(url, form).json()["is_valid"]
    for preview in (client.get(url), client.get(f"/admin/pages/{lesson.pk}/view_draft/")):
        assert preview.status_code == 200
        directives = policy(preview)
        assert directives["frame-ancestors"] == ["'self'"]
        assert preview["X-Frame-Options"] == "SAMEORIGIN"
        # Otherwise it is the public page's strict policy, not the admin's.
        assert directives["script-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
    assert "Previewed summary" in client.get(url).content.decode()
    assert_strict(client.get(lesson.url))


def test_the_admin_has_its_own_policy_that_wagtail_works_with(client, admin_user):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    directives = policy(response)
    assert "'unsafe-inline'" in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    # Wagtail frames its own previews: same origin only, never another site.
    assert directives["frame-ancestors"] == ["'self'"]
    client.force_login(admin_user)
    assert "'unsafe-inline'" in policy(client.get("/admin/"))["script-src"]


def test_templates_have_no_inline_scripts_or_event_handlers():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    javascript_url = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        if "admin" in template.relative_to(TEMPLATES).parts:
            continue  # rendered inside Wagtail's admin, under the admin policy
        text = template.read_text(encoding="utf-8")
        for pattern in (inline_script, handler, javascript_url):
            offenders += [f"{template.name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []
