"""Who reaches what: every URL that names an object, for every role, in one table.

``ROWS`` maps each URL name to the outcome each role must get. The meta-test walks the URL
resolver and fails when a pattern that takes an object argument has no row, so a new view
cannot ship without deciding who may see it. Wagtail's and allauth's own views are left to
their projects (``is_framework_pattern``); the project's views registered in the Wagtail admin
(reports, revocation, quiz tools, essay grading, employer approval, question snippets) are in.

Each request runs in a savepoint that is rolled back, so POSTs (enrol, withdraw, revoke, ...)
leave the world as it was for the next role, and the whole table builds its objects once.

The learner's actions on a page (``ACTS_ON_PAGE``) are walked again with the course behind
each kind of Wagtail view restriction: every role must get from the action what it gets from
the page itself (the login page, the password form), so nothing is done to a page, or read
from it, by someone the page turns away.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.models import Page, PageViewRestriction

from courses import services as course_services
from courses.models import LessonPage
from courses.services import INSTRUCTOR_ROLE_GROUP
from credentials.models import Credential
from employers import services as employer_services
from quizzes import services as quiz_services
from quizzes.models import AttemptQuestion, Question
from tests.conftest import make_user
from tests.quizzes.quiz_factories import answers_for, make_question, make_quiz
from tests.test_employers import install_fake_verification, make_organisation

pytestmark = [pytest.mark.django_db]

ROLES = ("anonymous", "owner", "learner_b", "instructor", "other_instructor", "employer", "admin")
LOGIN = "login"  # a redirect to a login page (the site's or the admin's)
DENIED = "denied"  # Wagtail's "no permission": a redirect to the admin dashboard
PASSWORD = "password form"  # Wagtail's form for a password-protected page

# Object arguments: a pattern taking any of these names an object and needs a row.
OBJECT_ARGS = {
    "pk",
    "id",
    "public_id",
    "slug",
    "course_id",
    "step_id",
    "quiz_id",
    "attempt_id",
    "answer_id",
    "organisation_id",
    "checked_id",
    "token_id",
    "page_id",
    "object_id",
    "key",
    "uidb36",
}
PROJECT_APPS = ("accounts", "courses", "credentials", "employers", "home", "quizzes")


@dataclass(frozen=True)
class Row:
    """One URL: the arguments it is resolved with, the method, and each role's outcome."""

    args: dict
    expected: dict
    method: str = "get"
    data: dict | None = None


def everyone(outcome) -> dict:
    return dict.fromkeys(ROLES, outcome)


def only(role_outcomes: dict, *, anonymous=LOGIN, others=404) -> dict:
    """``role_outcomes`` for the roles named; ``others`` for every other signed-in role."""
    return {**everyone(others), "anonymous": anonymous, **role_outcomes}


# The holder's own things: anyone else signed in gets 404, so an id reveals nothing.
OWNER_ONLY = only({"owner": 200})
# An organisation's pages: its members only (not even superusers: employers' lists are theirs).
MEMBER_ONLY = only({"employer": 200})
# A course's admin tools: its instructor and superusers; an instructor of another course gets
# 404 (learns nothing); people without admin access are sent to the admin login.
NO_ADMIN = {"anonymous": LOGIN, "owner": LOGIN, "learner_b": LOGIN, "employer": LOGIN}


def taught(ok=200) -> dict:
    return {**NO_ADMIN, "instructor": ok, "other_instructor": 404, "admin": ok}


# Superusers only; Wagtail sends other admin users back to the dashboard ("denied").
def superuser_only(ok=200) -> dict:
    return {**NO_ADMIN, "instructor": DENIED, "other_instructor": DENIED, "admin": ok}


# Credentials in the admin: superusers (instructors too with LINEAGE_INSTRUCTORS_MAY_REVOKE).
MANAGED = {**NO_ADMIN, "instructor": 404, "other_instructor": 404, "admin": 200}
# Each question is in one course's bank: its instructors may choose it into that course's
# quizzes (the chooser returns its title; another course's instructor gets 404), and only
# those with the snippet permissions (superusers) edit it in the bank.
QUESTION_BANK = superuser_only()
# Anyone may try an action on a live course: the service decides (it redirects with a message).
ANY_SIGNED_IN = only({}, others=302)

C, P, Q = {"course_id": "course"}, {"public_id": "public_id"}, {"quiz_id": "quiz"}
ORG = {"organisation_id": "organisation"}
CHECKED = {**ORG, "checked_id": "checked"}
ATTEMPT, CREDENTIAL, ORGANISATION = (
    {"attempt_id": "attempt"},
    {"pk": "credential"},
    {"pk": "organisation"},
)
QUESTION = {"pk": "question"}

ROWS: dict[str, Row] = {
    # Learning: enrolment, progress, attempts and results.
    "courses:enrol": Row(C, ANY_SIGNED_IN, "post"),
    "courses:withdraw": Row(C, OWNER_ONLY),  # only an enrolled learner has something to leave
    "courses:complete_step": Row({"step_id": "lesson"}, ANY_SIGNED_IN, "post"),
    "quizzes:start": Row(Q, ANY_SIGNED_IN, "post"),
    "quizzes:attempt": Row(ATTEMPT, only({"owner": 302})),  # finished: on to its result
    "quizzes:submit": Row(ATTEMPT, only({"owner": 302}), "post"),
    "quizzes:result": Row(ATTEMPT, OWNER_ONLY),
    # The holder's credential pages and consent (visibility) setting.
    "credentials:detail": Row(P, OWNER_ONLY),  # carries the verification log too
    "credentials:pdf": Row(P, OWNER_ONLY),
    "credentials:badge_json": Row(P, OWNER_ONLY),
    "credentials:visibility": Row(P, OWNER_ONLY, "post"),  # empty form: redisplayed, 200
    # Deliberately public: the verification page, its JSON and the API answer anyone.
    "verification:credential": Row(P, everyone(200)),
    "verification:credential_json": Row(P, everyone(200)),
    "verification:api_credential": Row(P, everyone(200)),
    # The key is the secret: anyone holding the link sees its button; only a POST confirms.
    "account_confirm_email": Row({"key": "confirmation_key"}, everyone(200)),
    # Employers' lists, tokens and checks.
    "employers:organisation": Row(ORG, MEMBER_ONLY),
    "employers:check": Row(ORG, MEMBER_ONLY),
    "employers:checked_list": Row(ORG, MEMBER_ONLY),
    "employers:checked_save": Row(ORG, MEMBER_ONLY, "post"),  # no verdict: an error, 200
    "employers:checked_recheck": Row(CHECKED, only({"employer": 302}), "post"),
    "employers:checked_remove": Row(CHECKED, MEMBER_ONLY),
    "employers:tokens": Row(ORG, MEMBER_ONLY),
    "employers:token_revoke": Row({**ORG, "token_id": "token"}, MEMBER_ONLY),
    "employers:bulk_check": Row(ORG, MEMBER_ONLY),
    # Instructor reports and quiz tools in the admin.
    "learner_progress:course": Row(C, taught()),
    "learner_progress:csv": Row(C, taught()),
    "learner_progress:enrol": Row(C, taught()),
    "quiz_admin:import": Row(Q, taught()),
    "quiz_admin:import_confirm": Row(Q, taught(302), "post"),  # no token: back to the upload
    "quiz_admin:insight": Row(Q, taught()),
    "quiz_admin:results_csv": Row(Q, taught()),
    "quiz_admin:gift_export": Row(Q, taught()),
    "quiz_admin:grade": Row({"answer_id": "essay_answer"}, taught()),
    # Credential revocation in the admin.
    "credentials_admin:detail": Row(CREDENTIAL, MANAGED),
    "credentials_admin:revoke": Row(CREDENTIAL, MANAGED),
    "credentials_admin:retry": Row(CREDENTIAL, {**MANAGED, "admin": 302}, "post"),
    # Employer approval: superusers only, and nobody deletes an organisation.
    "employer_organisations:inspect": Row(ORGANISATION, superuser_only()),
    "employer_organisations:edit": Row(ORGANISATION, superuser_only()),
    "employer_organisations:approve": Row(ORGANISATION, superuser_only()),
    "employer_organisations:suspend": Row(ORGANISATION, superuser_only()),
    "employer_organisations:history": Row(ORGANISATION, superuser_only()),
    "employer_organisations:history_results": Row(ORGANISATION, superuser_only()),
    "employer_organisations:usage": Row(ORGANISATION, superuser_only()),
    "employer_organisations:delete": Row(ORGANISATION, superuser_only(DENIED)),
    # The question bank (Wagtail snippets of the project's own model).
    "wagtailsnippets_quizzes_question:edit": Row(QUESTION, QUESTION_BANK),
    "wagtailsnippets_quizzes_question:copy": Row(QUESTION, QUESTION_BANK),
    "wagtailsnippets_quizzes_question:delete": Row(QUESTION, QUESTION_BANK),
    "wagtailsnippets_quizzes_question:history": Row(QUESTION, QUESTION_BANK),
    "wagtailsnippets_quizzes_question:history_results": Row(QUESTION, QUESTION_BANK),
    "wagtailsnippets_quizzes_question:usage": Row(QUESTION, QUESTION_BANK),
    "wagtailsnippetchoosers_quizzes_question:chosen": Row(QUESTION, taught()),
}


# --- Framework patterns left to Wagtail and allauth ------------------------------------------


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern


def is_framework_pattern(name: str | None, pattern: URLPattern) -> bool:
    """Wagtail's and allauth's own views (pages, images, users, e-mail keys...).

    A Wagtail generic view over a project model (a snippet, a ``ModelViewSet``) is not
    framework: its namespace names the project's model, so it needs a row.
    """
    view = pattern.lookup_str
    if not view.startswith(("wagtail.", "allauth.", "django.")):
        return False
    if name is None:
        return True
    if any(f"_{app}_" in name.split(":")[0] for app in PROJECT_APPS):
        return False
    return name.startswith(("wagtail", "account_"))


def object_patterns() -> dict[str, str]:
    """Every named project pattern that takes an object argument: name -> route."""
    found = {}
    for route, name, pattern in walk(get_resolver().url_patterns):
        arguments = set(pattern.pattern.regex.groupindex)
        if not arguments & OBJECT_ARGS or is_framework_pattern(name, pattern):
            continue
        found[name or route] = route
    return found


def test_every_object_url_has_a_row():
    missing = sorted(set(object_patterns()) - set(ROWS))
    assert not missing, f"URL patterns naming an object without an access row: {missing}"


def test_every_row_is_a_real_url():
    stale = sorted(set(ROWS) - set(object_patterns()))
    assert not stale, f"access rows for URL names that no longer exist: {stale}"


# --- The world: two learners, two courses with quizzes, a credential, an employer ------------


@pytest.fixture
def world(make_course, admin_user, django_capture_on_commit_callbacks, monkeypatch, settings):
    settings.LINEAGE_VERIFY_RATE_LIMITS = {"ip": "10000/m", "token": "10000/m"}
    install_fake_verification(monkeypatch)
    instructors = Group.objects.get(name=INSTRUCTOR_ROLE_GROUP)
    users = {
        "anonymous": None,
        "owner": make_user("lena", display_name="Lena", credential_name="Lena Müller"),
        "learner_b": make_user("omar", display_name="Omar"),
        "instructor": make_user("ines", display_name="Inès"),
        "other_instructor": make_user("ivan", display_name="Ivan"),
        "employer": make_user("hana", display_name="Hana"),
        "admin": admin_user,
    }
    instructors.user_set.add(users["instructor"], users["other_instructor"])
    owner = users["owner"]

    course = make_course("Taught course", lessons=1, instructors=[users["instructor"]])
    quiz = make_quiz(
        course, [make_question("single_choice", title="TAUGHT-QUESTION")], pass_mark=50
    )
    essay_course = make_course("Essay course", lessons=0, instructors=[users["instructor"]])
    essay_quiz = make_quiz(essay_course, [make_question("essay")], title="Write it")
    other_course = make_course("Other course", lessons=1, instructors=[users["other_instructor"]])
    make_quiz(other_course, [make_question("true_false", title="OTHER-COURSE-QUESTION")])
    make_question("true_false", title="ADMINS-BANK-QUESTION")

    course_services.enrollment_create(user=owner, course=course)
    course_services.enrollment_create(user=owner, course=essay_course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = quiz_services.attempt_start(user=owner, quiz=quiz)
        attempt = quiz_services.attempt_submit(attempt=attempt, data=answers_for(attempt))
        lesson = LessonPage.objects.child_of(course).get()
        course_services.step_complete(user=owner, step=lesson)
        essay = quiz_services.attempt_start(user=owner, quiz=essay_quiz)
        essay = quiz_services.attempt_submit(attempt=essay, data=answers_for(essay))
    credential = Credential.objects.get(user=owner, course=course)
    assert credential.status == Credential.Status.ISSUED

    organisation = make_organisation("Org A", status="approved", members=[users["employer"]])
    checked = employer_services.checked_credential_save(
        organisation=organisation,
        public_id=credential.public_id,
        status="valid",
        headline="Valid credential",
        checked_at="2026-05-01T10:00:00Z",
        checked_by=None,
    )
    token, _ = employer_services.api_token_create(
        organisation=organisation, name="A token", created_by=users["employer"]
    )
    unconfirmed = EmailAddress.objects.create(
        user=users["learner_b"], email=users["learner_b"].email, primary=True, verified=False
    )
    args = {
        "confirmation_key": EmailConfirmationHMAC(unconfirmed).key,
        "course": course.pk,
        "lesson": lesson.pk,
        "quiz": quiz.pk,
        "attempt": attempt.pk,
        "essay_answer": AttemptQuestion.objects.get(attempt=essay).pk,
        "credential": credential.pk,
        "public_id": credential.public_id,
        "organisation": organisation.pk,
        "checked": checked.pk,
        "token": token.pk,
        "question": quiz.quiz_questions.get().question_id,
    }
    question_ids = list(Question.objects.values_list("pk", flat=True))
    return {"users": users, "args": args, "question_ids": question_ids}


def outcome_of(response) -> object:
    if response.status_code == 302 and "login" in response.url:
        return LOGIN
    templates = getattr(response, "templates", [])
    if any(t.name == "wagtailcore/password_required.html" for t in templates):
        return PASSWORD
    if response.status_code == 302 and response.url == reverse("wagtailadmin_home"):
        return DENIED
    return response.status_code


def request_as(user, method: str, url: str, data, prepare=None) -> object:
    """One request in a savepoint rolled back afterwards: POSTs change nothing for the next.

    ``prepare(client)`` runs first, in the same savepoint (e.g. to enter a page's password).
    """
    client = Client()
    if user is not None:
        client.force_login(user)
    with transaction.atomic():
        if prepare is not None:
            prepare(client)
        try:
            response = getattr(client, method)(url, data or {})
        except Exception as error:  # noqa: BLE001 - a crash is an outcome to report
            outcome = f"raised {type(error).__name__}: {error}"
        else:
            outcome = outcome_of(response)
        transaction.set_rollback(True)
    return outcome


def url_for(name: str, world) -> str:
    return reverse(name, kwargs={k: world["args"][v] for k, v in ROWS[name].args.items()})


def test_each_role_gets_exactly_what_it_should_from_every_object_url(world):
    wrong = []
    for name, row in ROWS.items():
        url = url_for(name, world)
        for role in ROLES:
            got = request_as(world["users"][role], row.method, url, row.data)
            if got != row.expected[role]:
                wrong.append(
                    f"{name} ({row.method.upper()} {url}) as {role}: "
                    f"expected {row.expected[role]}, got {got}"
                )
    assert not wrong, "\n".join(wrong)


def test_instructors_who_may_revoke_reach_only_their_own_courses_credentials(world, settings):
    settings.LINEAGE_INSTRUCTORS_MAY_REVOKE = True
    users = world["users"]
    for name in ("credentials_admin:detail", "credentials_admin:revoke"):
        url = url_for(name, world)
        assert request_as(users["instructor"], "get", url, None) == 200
        assert request_as(users["other_instructor"], "get", url, None) == 404


# --- The same actions on restricted pages ----------------------------------------------------

# Each learner action and the page it acts on (the world's argument naming that page).
ACTS_ON_PAGE = {
    "courses:enrol": "course",
    "courses:withdraw": "course",
    "courses:complete_step": "lesson",
    "quizzes:start": "quiz",
    "quizzes:attempt": "quiz",
    "quizzes:submit": "quiz",
    "quizzes:result": "quiz",
}
# name -> (restriction type, roles in its group, roles that entered its password)
RESTRICTIONS = {
    "login": (PageViewRestriction.LOGIN, (), ()),
    "groups, the owner in": (PageViewRestriction.GROUPS, ("owner",), ()),
    "groups, the owner out": (PageViewRestriction.GROUPS, ("learner_b",), ()),
    "password, entered by the owner": (PageViewRestriction.PASSWORD, (), ("owner",)),
    "password, entered by nobody": (PageViewRestriction.PASSWORD, (), ()),
}
LEARNER_APPS = ("courses:", "quizzes:")


def test_every_learner_action_on_a_page_is_walked_with_restrictions():
    learner_actions = {name for name in ROWS if name.startswith(LEARNER_APPS)}
    assert learner_actions == set(ACTS_ON_PAGE)


def restricted_expectation(name: str, role: str, page_outcome) -> object:
    """What an action must answer: what the page answers, unless it answers sooner.

    Signing in comes first (an anonymous visitor is sent to log in), and someone else's
    attempt or enrolment stays a 404 (it reveals nothing, restricted or not).
    """
    unrestricted = ROWS[name].expected[role]
    if role == "anonymous" or unrestricted == 404:
        return unrestricted
    return page_outcome if page_outcome in (LOGIN, PASSWORD) else unrestricted


@pytest.mark.parametrize("restriction_name", RESTRICTIONS)
def test_actions_on_a_restricted_course_answer_as_its_pages_do(world, restriction_name):
    kind, members, entered = RESTRICTIONS[restriction_name]
    users, args = world["users"], world["args"]
    course = Page.objects.get(pk=args["course"])
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=kind, password="premiere"
    )
    if members:
        group = Group.objects.create(name="Crew")
        group.user_set.add(*(users[role] for role in members))
        restriction.groups.add(group)
    password_form = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]
    )

    def enter_password(client):
        client.post(password_form, {"password": "premiere", "return_url": "/"})

    wrong = []
    for role in ROLES:
        prepare = enter_password if role in entered else None
        page_outcomes = {
            key: request_as(users[role], "get", Page.objects.get(pk=args[key]).url, None, prepare)
            for key in set(ACTS_ON_PAGE.values())
        }
        for name, page_key in ACTS_ON_PAGE.items():
            row = ROWS[name]
            expected = restricted_expectation(name, role, page_outcomes[page_key])
            got = request_as(users[role], row.method, url_for(name, world), row.data, prepare)
            if got != expected:
                wrong.append(
                    f"{name} as {role} ({restriction_name}): expected {expected}, got {got}"
                )
    assert not wrong, "\n".join(wrong)


# --- Lists that hold questions: each role sees only its own courses' banks ------------------

QUESTION_TITLES = ("TAUGHT-QUESTION", "OTHER-COURSE-QUESTION", "ADMINS-BANK-QUESTION")
# Which question titles each role finds in every list of questions (None: no admin access).
SEES = {
    "anonymous": None,
    "owner": None,
    "learner_b": None,
    "employer": None,
    "instructor": {"TAUGHT-QUESTION"},
    "other_instructor": {"OTHER-COURSE-QUESTION"},
    "admin": set(QUESTION_TITLES),
}


def question_lists(world) -> dict[str, str]:
    chooser = "wagtailsnippetchoosers_quizzes_question"
    ids = [str(pk) for pk in world["question_ids"]]
    return {
        "chooser": reverse(f"{chooser}:choose"),
        "chooser search": reverse(f"{chooser}:choose_results") + "?q=question",
        "chosen (several)": reverse(f"{chooser}:chosen_multiple") + "?id=" + "&id=".join(ids),
    }


def test_each_role_finds_only_its_courses_questions_in_the_chooser(world):
    wrong = []
    for name, address in question_lists(world).items():
        for role in ROLES:
            client = Client()
            if world["users"][role] is not None:
                client.force_login(world["users"][role])
            response = client.get(address)
            expected = SEES[role]
            if expected is None:
                got = outcome_of(response)
                ok = got == LOGIN
            else:
                body = response.content.decode()
                got = {title for title in QUESTION_TITLES if title in body}
                ok = response.status_code == 200 and got == expected
            if not ok:
                wrong.append(f"{name} ({address}) as {role}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_the_bank_listing_is_for_superusers_and_lists_every_bank(world):
    address = reverse("wagtailsnippets_quizzes_question:list")
    for role in ROLES:
        got = request_as(world["users"][role], "get", address, None)
        assert got == {**NO_ADMIN, "instructor": DENIED, "other_instructor": DENIED}.get(
            role, 200
        ), role
    client = Client()
    client.force_login(world["users"]["admin"])
    body = client.get(address).content.decode()
    assert all(title in body for title in QUESTION_TITLES)
