"""Shared fixtures: the page tree, people in each role, and courses with lessons."""

import json
import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Site

from courses.services import INSTRUCTOR_ROLE_GROUP

PASSWORD = "correct-horse-battery"  # noqa: S105 - test credential


BROWSER_TESTS = "tests/browser/"


def pytest_xdist_make_scheduler(config, log):
    """Run each test file whole on one xdist worker, and every browser test on the same one.

    A file's module fixtures are then built once, and the browser tests share a single demo
    server (booting one costs ~25 s) instead of one per worker. Work goes out in pytest-django's
    order (database tests, then transactional ones, then the rest): a transactional test
    empties the tables when it ends (serialized_rollback reloads them only for the next
    transactional test), so no ordinary database test may follow it on the same worker. A file
    that pytest-django split (its transactional tests moved to the end) is two units. The
    browser tests, which never touch the test database, go first: they are the longest unit.

    Our own scheduler because ``--dist loadgroup`` no longer groups under pytest 9.2 (xdist 3.8
    marks groups on ``item._nodeid``, which pytest 9.2's ``nodeid`` no longer reads).
    """
    from collections import OrderedDict

    from xdist.scheduler import LoadScopeScheduling

    class BrowserFirst(OrderedDict):
        def __setitem__(self, key, value):
            super().__setitem__(key, value)
            if key == BROWSER_TESTS:
                self.move_to_end(key, last=False)

    class FileScheduling(LoadScopeScheduling):
        def __init__(self, config, log=None):
            super().__init__(config, log)
            config.option.loadscopereorder = False  # keep pytest-django's order
            self.workqueue = BrowserFirst()
            self.scopes: dict[str, str] = {}

        def schedule(self):
            if self.collection is None and self.registered_collections:
                previous, run = None, 0
                for nodeid in next(iter(self.registered_collections.values())):
                    path = nodeid.split("::", 1)[0]
                    if path.startswith(BROWSER_TESTS):
                        self.scopes[nodeid] = BROWSER_TESTS
                        continue
                    if path != previous:
                        previous, run = path, run + 1
                    self.scopes[nodeid] = f"{path}#{run}"
            super().schedule()

        def _split_scope(self, nodeid: str) -> str:
            return self.scopes[nodeid]

    return FileScheduling(config, log)


def queries_on(ctx, table: str) -> int:
    """How many queries captured by ``ctx`` (a CaptureQueriesContext) touch ``table``."""
    return sum(f'"{table}"' in query["sql"] for query in ctx.captured_queries)


def require_service(name: str, available: bool) -> None:
    """Skip a test whose service is missing, but fail under REQUIRE_SERVICES=1 (CI)."""
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is required (REQUIRE_SERVICES=1) but is not configured")
    pytest.skip(f"{name} is not configured")


@pytest.fixture(autouse=True)
def isolated_cache():
    """Start every test with an empty cache (rate-limit counters, view markers, verdicts).

    Only this run's keys are removed: with Redis, those under the run's own cache prefix
    (lms.settings.test), never Celery's keys or another run's.
    """
    from django.core.cache import cache

    cache.clear()  # lms.cache.DegradingRedisCache.clear removes only its own prefix
    yield


def make_user(username: str, **extra):
    """A person who has confirmed their name on credentials (pass
    ``credential_name_confirmed_at=None`` for one whose credentials wait for it)."""
    extra.setdefault("credential_name_confirmed_at", timezone.now())
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )
    return user


@pytest.fixture
def learner(db):
    return make_user("lena", display_name="Lena", credential_name="Lena Müller")


@pytest.fixture
def other_learner(db):
    return make_user("omar", display_name="Omar")


@pytest.fixture
def instructor(db):
    user = make_user("ines", display_name="Inès")
    Group.objects.get(name=INSTRUCTOR_ROLE_GROUP).user_set.add(user)
    return user


@pytest.fixture
def other_instructor(db):
    user = make_user("ivan", display_name="Ivan")
    Group.objects.get(name=INSTRUCTOR_ROLE_GROUP).user_set.add(user)
    return user


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(
        username="root", email="root@example.org", password=PASSWORD
    )


@pytest.fixture
def home_page(db):
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def course_index(home_page):
    from courses.models import CourseIndexPage

    index = CourseIndexPage(title="Courses", slug="courses")
    home_page.add_child(instance=index)
    index.save_revision().publish()
    return index


def lesson_body(n: int = 1) -> str:
    return json.dumps(
        [
            {"type": "heading", "value": {"text": f"Section {n}", "level": "h2"}},
            {"type": "paragraph", "value": f"<p>Lesson text number {n}.</p>"},
        ]
    )


@pytest.fixture
def make_course(course_index):
    """Build a published course with ``lessons`` published lessons."""
    return course_builder(course_index)


def course_builder(course_index):
    """What ``make_course`` returns, for fixtures of a wider scope than a test."""
    from courses.models import CoursePage, LessonPage

    def build(title="Reading generated frames", *, lessons=3, skills=("bias",), **fields):
        slug = fields.pop("slug", None) or title.lower().replace(" ", "-")
        instructors = fields.pop("instructors", ())
        course = CoursePage(title=title, slug=slug, summary=f"About {title}.", **fields)
        course_index.add_child(instance=course)
        course.skills.set(list(skills))
        course.instructors.set(list(instructors))
        course.save_revision().publish()
        for number in range(1, lessons + 1):
            lesson = LessonPage(
                title=f"{title}: lesson {number}",
                slug=f"lesson-{number}",
                summary=f"Summary {number}",
                body=lesson_body(number),
            )
            course.add_child(instance=lesson)
            lesson.save_revision().publish()
        return CoursePage.objects.get(pk=course.pk)

    return build
