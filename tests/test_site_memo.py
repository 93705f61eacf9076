"""The Wagtail site is found once per process per content version (lms/sites.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from courses.models import LessonPage
from lms import sites
from tests.conftest import queries_on

pytestmark = pytest.mark.django_db


def test_page_views_reuse_the_site_and_other_views_never_look_it_up(client, make_course):
    lesson = LessonPage.objects.child_of(make_course("Sites", lessons=1)).get()
    client.get(lesson.url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(lesson.url).status_code == 200
        assert client.get("/verify/").status_code == 200
    assert queries_on(ctx, "wagtailcore_site") == 0


def test_the_dashboard_links_pages_without_a_site_query(client, learner, make_course):
    from courses.services import enrollment_create

    course = make_course("Linked", lessons=2)
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/dashboard/").content.decode()
    assert f'href="{course.url}lesson-1/"' in body  # "Continue", built from the course's URL
    assert queries_on(ctx, "wagtailcore_site") == 0


def test_editing_a_site_is_seen_at_once(client, make_course):
    lesson = LessonPage.objects.child_of(make_course("Moved", lessons=1)).get()
    assert client.get(lesson.url).status_code == 200
    site = Site.objects.get(is_default_site=True)
    site.hostname = "elsewhere.example"
    site.is_default_site = False
    site.save()  # the content version changes: this host now has no site at all
    assert client.get(lesson.url).status_code == 404


def test_a_flood_of_host_names_keeps_the_memo_small(rf):
    for n in range(sites.MAX_ENTRIES * 3):
        sites.site_for_request(rf.get("/", HTTP_HOST=f"h{n}.example"))
    assert len(sites._memo) <= sites.MAX_ENTRIES
