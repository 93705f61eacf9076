"""'Your credentials' on the learner dashboard, added through courses' extension point."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import hooks
from courses import services as course_services
from courses.models import LessonPage
from credentials.models import Credential
from tests.test_learning_queries import DASHBOARD_MAX

pytestmark = pytest.mark.django_db

COURSES_DIR = Path(__file__).resolve().parents[1] / "courses"


@pytest.fixture
def complete_course(learner, make_course, django_capture_on_commit_callbacks):
    def run(title="Credentialed course", user=learner):
        course = make_course(title, lessons=1, skills=("qa",), code="CRED-1")
        course_services.enrollment_create(user=user, course=course)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in LessonPage.objects.child_of(course).order_by("path"):
                course_services.step_complete(user=user, step=lesson)
        return Credential.objects.get(user=user, course=course)

    return run


def history_copy(credential: Credential, n: int, **fields) -> Credential:
    """An extra (inactive) credential row for the same completion, e.g. an old renewal."""
    return Credential.objects.create(
        completion=credential.completion,
        user=credential.user,
        course=credential.course,
        printed_name=credential.printed_name,
        snapshot={
            **credential.snapshot,
            "course": {**credential.snapshot["course"], "title": f"Older course {n}"},
        },
        status_list_index=10_000 + n,
        **fields,
    )


def dashboard_queries(client) -> tuple[int, str]:
    client.get("/dashboard/")  # warm Wagtail's site caches like a running server
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_no_section_without_credentials(client, learner, make_course):
    course = make_course("Unfinished", lessons=2)
    course_services.enrollment_create(user=learner, course=course)
    client.force_login(learner)
    body = client.get("/dashboard/").content.decode()
    assert "Your credentials" not in body


def test_section_lists_each_credential_with_links(client, learner, complete_course):
    credential = complete_course()
    client.force_login(learner)
    body = client.get("/dashboard/").content.decode()
    assert '<h2 id="credentials-heading">Your credentials</h2>' in body
    assert "<h3>Credentialed course</h3>" in body
    assert "status--valid" in body and " Issued</span>" in body
    issued_on = timezone.localdate(credential.issued_at)
    assert f"<dt>Issued</dt><dd>{issued_on:%-d %B %Y}</dd>" in body
    base = f"/credentials/{credential.public_id}/"
    for href in (base, base + "certificate.pdf", base + "open-badge.json"):
        assert f'href="{href}"' in body
    # Links make sense out of context (screen reader link lists).
    assert 'View<span class="visually-hidden"> the credential for Credentialed course' in body


def test_section_shows_status_in_words_and_expiry(client, learner, complete_course):
    credential = complete_course()
    expired_on = timezone.localdate() - timedelta(days=3)
    Credential.objects.filter(pk=credential.pk).update(expires_on=expired_on)
    history_copy(credential, 1, status=Credential.Status.REVOKED, revoked_at=timezone.now())
    history_copy(credential, 2, status=Credential.Status.SUPERSEDED)
    client.force_login(learner)
    body = client.get("/dashboard/").content.decode()
    assert f"<dt>Expired</dt><dd>{expired_on:%-d %B %Y}</dd>" in body
    for word, tone in (("Expired", "expired"), ("Revoked", "revoked"), ("Superseded", "expired")):
        assert f"status--{tone}" in body and f" {word}</span>" in body
    # Only a credential that stands offers its files.
    assert body.count("certificate.pdf") == 1


def test_dashboard_queries_do_not_grow_with_credentials(
    client, learner, complete_course, django_assert_max_num_queries, monkeypatch
):
    client.force_login(learner)
    credential = complete_course()
    one, body = dashboard_queries(client)
    assert body.count('class="card credential-card"') == 1
    for n in range(9):
        history_copy(credential, n, status=Credential.Status.SUPERSEDED)
    ten, body = dashboard_queries(client)
    assert body.count('class="card credential-card"') == 10
    assert one == ten, (one, ten)
    with django_assert_max_num_queries(DASHBOARD_MAX):
        client.get("/dashboard/")
    # The same dashboard without the section: the section costs at most one query.
    from credentials.views import dashboard_section

    others = [s for s in hooks.dashboard_sections if s is not dashboard_section]
    monkeypatch.setattr(hooks, "dashboard_sections", others)
    without, body = dashboard_queries(client)
    assert "Your credentials" not in body
    assert 0 <= ten - without <= 1, (without, ten)


def test_sections_come_from_the_courses_hook(client, learner, monkeypatch):
    calls = []

    def hidden(user):
        calls.append(user)
        return None

    def shown(user):
        return "credentials/dashboard_section.html", {"credentials": []}

    monkeypatch.setattr(hooks, "dashboard_sections", [hidden])
    client.force_login(learner)
    assert "Your credentials" not in client.get("/dashboard/").content.decode()
    assert calls == [learner]
    monkeypatch.setattr(hooks, "dashboard_sections", [hidden, shown])
    assert "Your credentials" in client.get("/dashboard/").content.decode()


def test_registering_twice_adds_one_section():
    from credentials.views import dashboard_section

    before = list(hooks.dashboard_sections)
    assert before.count(dashboard_section) == 1
    hooks.register_dashboard_section(dashboard_section)
    assert hooks.dashboard_sections == before


def test_courses_never_imports_credentials():
    for path in COURSES_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "credentials" for n in names), path
