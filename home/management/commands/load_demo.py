"""Build the demo site: home page, catalogue, three courses with lessons, and demo users.

Idempotent: pages and users that already exist are left as they are (an instructor may have
edited them), so running it twice changes nothing. Refuses to run under production settings.
"""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from courses import services
from courses.models import CourseIndexPage, CoursePage, LessonPage
from courses.services import INSTRUCTOR_ROLE_GROUP
from home.models import HomePage
from quizzes.demo import load_demo_quizzes

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "lineage-demo"  # noqa: S105 - published demo credential, dev only
DEMO_USERS = {
    "admin": {"display_name": "Ada Admin", "credential_name": "Ada Admin", "superuser": True},
    "instructor": {"display_name": "Imani Instructor", "credential_name": "Imani Okafor"},
    "learner": {"display_name": "Lee Learner", "credential_name": "Lee Marín-Novák"},
}


def demo_cover(code: str, title: str) -> dict:
    """CoursePage fields for the scripted cover of course ``code`` (none if it has none)."""
    # Imported here so the covers leave the module's shared import block untouched.
    import io

    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    from courses.blocks import AIInvolvement
    from home import demo_covers

    if code not in demo_covers.cover_codes():
        return {}
    image = get_image_model()(title=f"Cover: {title}")
    image.file = ImageFile(io.BytesIO(demo_covers.cover_png(code)), f"cover-{code.lower()}.png")
    image.save()
    return {
        "cover_image": image,
        "cover_image_alt": demo_covers.cover_alt(code),
        "cover_image_ai_involvement": AIInvolvement.NONE,
        "cover_image_credit": demo_covers.COVER_CREDIT,
    }


class Command(BaseCommand):
    help = "Load Lineage's demo content and demo users (development only; idempotent)."

    def handle(self, *args, **options):
        if not getattr(settings, "LINEAGE_DEMO_ALLOWED", False):
            raise CommandError("load_demo refuses to run here: demo users are for development.")
        courses = json.loads((DEMO_DIR / "courses.json").read_text(encoding="utf-8"))
        with transaction.atomic():
            users = self.load_users()
            home = self.load_home()
            index = self.load_catalogue(home)
            for course in courses:
                self.load_course(index, course, users)
            self.link_prerequisites(index, courses, users["admin"])
            load_demo_quizzes(
                course=CoursePage.objects.child_of(index).get(code="AIBM-101"),
                instructor=users["instructor"],
                admin=users["admin"],
                learner=users["learner"],
            )
            self.load_learner_progress(index, users["learner"])
            self.load_learner_credential(index, users["learner"])
        self.issue_pending_credentials(users["learner"])
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        self.stdout.write(
            "Demo logins (password for all: lineage-demo): "
            "admin (admin@example.org), instructor (instructor@example.org), "
            "learner (learner@example.org)"
        )

    def load_users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, spec in DEMO_USERS.items():
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@example.org",
                    "display_name": spec["display_name"],
                    "credential_name": spec["credential_name"],
                    # The demo people have said which name their certificates print.
                    "credential_name_confirmed_at": timezone.now(),
                    "is_staff": spec.get("superuser", False),
                    "is_superuser": spec.get("superuser", False),
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            users[username] = user
        Group.objects.get(name=INSTRUCTOR_ROLE_GROUP).user_set.add(users["instructor"])
        return users

    def load_home(self) -> HomePage:
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        if not isinstance(home, HomePage):
            raise CommandError("The default site's root page is not Lineage's home page.")
        if not home.intro:
            home.intro = (
                "<p>Short, practical courses for artists, editors, producers and marketers "
                "working with generative tools, written with the unions, creators and "
                "employers who back Lineage. Finish a course and get a credential anyone "
                "can verify.</p>"
            )
            home.save_revision().publish()
        return home

    def load_catalogue(self, home: HomePage) -> CourseIndexPage:
        index = CourseIndexPage.objects.child_of(home).first()
        if index is None:
            index = CourseIndexPage(
                title="Courses",
                slug="courses",
                intro="<p>Every course is free to learners and ends in a credential "
                "anyone can verify.</p>",
            )
            home.add_child(instance=index)
            index.save_revision().publish()
        return index

    def load_course(self, index: CourseIndexPage, data: dict, users: dict) -> None:
        course = CoursePage.objects.child_of(index).filter(slug=data["slug"]).first()
        if course is None:
            cover = demo_cover(data["code"], data["title"])
            course = CoursePage(
                title=data["title"],
                slug=data["slug"],
                code=data["code"],
                summary=data["summary"],
                description=data["description"],
                audience=data["audience"],
                level=data["level"],
                estimated_hours=data["estimated_hours"],
                outcomes=json.dumps([{"type": "outcome", "value": o} for o in data["outcomes"]]),
                references=json.dumps(
                    [{"type": "reference", "value": r} for r in data["references"]]
                ),
                **cover,
            )
            index.add_child(instance=course)
            course.skills.set(data["skills"])
            course.instructors.set([users["instructor"]])
            course.save_revision(user=users["admin"]).publish(user=users["admin"])
            self.stdout.write(f"Created course {data['code']}: {data['title']}")
        for lesson_data in data["lessons"]:
            if LessonPage.objects.child_of(course).filter(slug=lesson_data["slug"]).exists():
                continue
            lesson = LessonPage(
                title=lesson_data["title"],
                slug=lesson_data["slug"],
                summary=lesson_data["summary"],
                estimated_minutes=lesson_data["estimated_minutes"],
                outcomes=json.dumps(
                    [{"type": "outcome", "value": o} for o in lesson_data["outcomes"]]
                ),
                body=json.dumps(lesson_data["body"]),
            )
            course.add_child(instance=lesson)
            lesson.save_revision(user=users["instructor"]).publish(user=users["admin"])

    def load_learner_progress(self, index: CourseIndexPage, learner) -> None:
        """The demo learner is two lessons into the flagship and enrolled in AIPR-102."""
        by_code = {c.code: c for c in CoursePage.objects.child_of(index)}
        flagship, consent = by_code["AIBM-101"], by_code["AIPR-102"]
        services.enrollment_create(user=learner, course=flagship)
        services.enrollment_create(user=learner, course=consent)
        for lesson in LessonPage.objects.child_of(flagship).live().order_by("path")[:2]:
            services.step_complete(user=learner, step=lesson)

    def load_learner_credential(self, index: CourseIndexPage, learner) -> None:
        """The demo learner has completed AIPV-103; the completion hook creates the credential.

        Idempotent: enrolment and step completion are, and a course is completed (and a
        credential created) at most once per enrolment cycle.
        """
        course = CoursePage.objects.child_of(index).get(code="AIPV-103")
        services.enrollment_create(user=learner, course=course)
        for lesson in LessonPage.objects.child_of(course).live().order_by("path"):
            services.step_complete(user=learner, step=lesson)

    def issue_pending_credentials(self, learner) -> None:
        """Make sure the demo credential is issued when the command returns.

        Runs after the transaction: the completion enqueued issuance on commit, which with
        eager Celery (dev) has already issued it, but with a real broker only queued it (no
        worker may be running), and under a test's enclosing transaction it never ran.
        ``credential_issue`` does nothing unless the credential is still pending, so calling
        it here is safe in every case and never issues twice.
        """
        # Imported here so this step leaves the module's shared import block untouched.
        from credentials import services as credential_services
        from credentials.models import Credential

        pending = Credential.objects.filter(user=learner, status=Credential.Status.PENDING)
        for credential_id in pending.values_list("pk", flat=True):
            credential_services.credential_issue(credential_id=credential_id)
        if not Credential.objects.filter(user=learner, status=Credential.Status.ISSUED).exists():
            self.stdout.write(self.style.WARNING("The demo learner has no issued credential."))

    def link_prerequisites(self, index: CourseIndexPage, courses: list[dict], admin) -> None:
        by_slug = {c.slug: c for c in CoursePage.objects.child_of(index)}
        for data in courses:
            course = by_slug[data["slug"]]
            wanted = {by_slug[slug].pk for slug in data["prerequisites"]}
            if set(course.prerequisites.values_list("pk", flat=True)) != wanted:
                course.prerequisites.set(wanted)
                course.save_revision(user=admin).publish(user=admin)
