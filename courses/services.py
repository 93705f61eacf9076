"""Writes for the courses app. Keyword-only, typed, transactional."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, Value
from django.utils import timezone
from wagtail.models import GroupPagePermission

from .hooks import course_completed
from .models import CourseCompletion, Enrollment, LearningRecord, StepCompletion

INSTRUCTOR_ROLE_GROUP = "Instructors"
# What a course's instructors may do on their course and everything below it.
INSTRUCTOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def course_group_name(course_id: int) -> str:
    return f"Course {course_id} instructors"


@transaction.atomic
def course_instructors_sync(*, course) -> Group:
    """Make Wagtail's page permissions match ``course.instructors``.

    Each course has its own group holding page permissions on that course's subtree, and the
    group's members are exactly the course's instructors. Safe to call repeatedly.
    """
    group, _ = Group.objects.get_or_create(name=course_group_name(course.pk))
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=INSTRUCTOR_PAGE_PERMISSIONS
    )
    GroupPagePermission.objects.filter(group=group).exclude(page_id=course.pk).delete()
    for permission in permissions:
        GroupPagePermission.objects.get_or_create(
            group=group, page_id=course.pk, permission=permission
        )
    group.user_set.set(course.instructors.all())
    return group


@transaction.atomic
def course_instructors_remove(*, course_id: int) -> None:
    """Drop a deleted course's instructor group and its page permissions."""
    Group.objects.filter(name=course_group_name(course_id)).delete()


# --- Enrolment, progress and completion ---------------------------------------------------


class EnrollmentError(Exception):
    """A learner can't enrol (e.g. missing prerequisites); the message says why, in words."""


class StepError(Exception):
    """A step can't be completed by this learner (not enrolled, not a step of a course)."""


def activity_iri(page) -> str:
    """A stable xAPI activity IRI for a page (independent of its slug or position)."""
    return f"{settings.LINEAGE_BASE_URL}/xapi/activities/{page._meta.model_name}/{page.pk}"


def learning_record_add(
    *, user, verb: str, page, course=None, result: dict | None = None, learner_key: str = ""
) -> LearningRecord:
    """Append one xAPI-shaped statement to a learner's record."""
    return LearningRecord.objects.create(
        user=user,
        learner_key=learner_key,
        verb=verb,
        object_id=activity_iri(page),
        object_name=page.title[:255],
        object_type=page._meta.model_name,
        context_id=activity_iri(course) if course is not None else "",
        result=result,
    )


def missing_prerequisites(*, user, course) -> list:
    """Prerequisite courses the learner has not completed, in title order."""
    prerequisites = list(course.prerequisites.all().order_by("title"))
    if not prerequisites:
        return []
    completed = set(
        CourseCompletion.objects.filter(
            user=user, course__in=[p.pk for p in prerequisites]
        ).values_list("course_id", flat=True)
    )
    return [p for p in prerequisites if p.pk not in completed]


@transaction.atomic
def enrollment_create(*, user, course) -> Enrollment:
    """Enrol ``user`` in ``course``; idempotent, and safe under concurrent double clicks.

    Re-enrolling after withdrawing re-activates the same enrolment (and its progress).
    Raises EnrollmentError naming any prerequisite course not yet completed.
    """
    if not course.live:
        raise EnrollmentError("This course is not open for enrolment.")
    missing = missing_prerequisites(user=user, course=course)
    if missing:
        names = ", ".join(f"“{c.title}”" for c in missing)
        raise EnrollmentError(f"Complete {names} before enrolling in “{course.title}”.")
    try:
        with transaction.atomic():
            enrollment, created = Enrollment.objects.get_or_create(
                user=user, course=course, defaults={"cycle_started_at": timezone.now()}
            )
    except IntegrityError:  # a concurrent request created it first
        enrollment, created = Enrollment.objects.get(user=user, course=course), False
    if not created and enrollment.is_active:
        return enrollment
    if not created:
        enrollment.status = Enrollment.Status.ACTIVE
        enrollment.withdrawn_at = None
        enrollment.save(update_fields=["status", "withdrawn_at"])
    learning_record_add(
        user=user,
        verb=LearningRecord.Verb.REGISTERED,
        page=course,
        course=course,
        learner_key=enrollment.learner_key,
    )
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment) -> Enrollment:
    """Withdraw from a course. Progress is kept, so re-enrolling picks up where it was."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if not enrollment.is_active:
        return enrollment
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.withdrawn_at = timezone.now()
    enrollment.save(update_fields=["status", "withdrawn_at"])
    learning_record_add(
        user=enrollment.user,
        verb=LearningRecord.Verb.WITHDREW,
        page=enrollment.course,
        course=enrollment.course,
        learner_key=enrollment.learner_key,
    )
    return enrollment


@transaction.atomic
def enrollment_restart(*, enrollment: Enrollment) -> Enrollment:
    """Start a new cycle (e.g. to renew an expired credential): earlier completions stand."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    enrollment.cycle += 1
    enrollment.cycle_started_at = timezone.now()
    enrollment.status = Enrollment.Status.ACTIVE
    enrollment.save(update_fields=["cycle", "cycle_started_at", "status"])
    return enrollment


def course_edition(course, steps) -> dict:
    """What "the course" was at completion time: revision ids of the course and its steps."""
    return {
        "course": {"id": course.pk, "title": course.title, "revision_id": course.live_revision_id},
        "steps": [
            {
                "id": step.pk,
                "type": step._meta.model_name,
                "title": step.title,
                "revision_id": step.live_revision_id,
            }
            for step in steps
        ],
    }


def _pending_required_steps(course, enrollment: Enrollment):
    """Live, required steps of ``course`` not done in this cycle, as a queryset; None when
    that can't be told with a join (see ``progress.outline_annotations``).

    A step is required unless its specific page says ``required = False``, as in
    ``progress.is_required``.
    """
    from wagtail.models import Page

    from .progress import outline_annotations

    annotations = outline_annotations()
    if annotations is None:
        return None
    done = StepCompletion.objects.filter(enrollment=enrollment, cycle=enrollment.cycle)
    return (
        Page.objects.child_of(course)
        .live()
        .exclude(pk__in=done.values("step_id"))
        .annotate(required=annotations["required"])
        .filter(required=True)
    )


def _completed_or_step_pending(course, enrollment: Enrollment) -> bool:
    """One query: is this cycle already completed, or is a required step surely still to do?

    Usually one of the two holds, and the answer comes without loading any step as its
    specific page (the costly part of a quiz submit or a lesson's "mark as done").
    """
    completed = Exists(
        CourseCompletion.objects.filter(enrollment=enrollment, cycle=enrollment.cycle)
    )
    pending = _pending_required_steps(course, enrollment)
    flags = Enrollment.objects.filter(pk=enrollment.pk).annotate(
        completed=completed, pending=Exists(pending) if pending is not None else Value(False)
    )
    completed_now, pending_now = flags.values_list("completed", "pending").get()
    return completed_now or pending_now


def course_completion_record(*, enrollment: Enrollment) -> CourseCompletion | None:
    """Record the completion if the rule is now satisfied; at most once per enrolment cycle.

    Must run inside the transaction holding the enrolment's row lock (``step_complete``
    takes it). The ``course_completed`` hook runs synchronously in the same transaction.
    """
    from .progress import course_progress, course_steps

    course = enrollment.course
    if _completed_or_step_pending(course, enrollment):
        return None
    steps = course_steps(course)
    progress = course_progress(course, enrollment, steps=steps)
    if not progress.complete:
        return None
    required = [s.page for s in progress.steps if s.required]
    try:
        with transaction.atomic():
            completion = CourseCompletion.objects.create(
                enrollment=enrollment,
                user=enrollment.user,
                course=course,
                course_title=course.title,
                cycle=enrollment.cycle,
                edition=course_edition(course, required),
            )
    except IntegrityError:  # completed concurrently (only reachable without row locks)
        return None
    learning_record_add(
        user=enrollment.user,
        verb=LearningRecord.Verb.COMPLETED,
        page=course,
        course=course,
        learner_key=enrollment.learner_key,
    )
    course_completed.send(sender=CourseCompletion, completion=completion)
    return completion


def enrollment_for_step_locked(*, user, step) -> Enrollment | None:
    """The learner's active enrolment in ``step``'s course, with the course, row-locked.

    One query: the course is found by the step's parent path, and only the enrolment row is
    locked (never the page). Call inside a transaction.
    """
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("course")
        .filter(
            user=user,
            course__path=step.path[: -step.steplen],
            status=Enrollment.Status.ACTIVE,
        )
        .first()
    )


@transaction.atomic
def step_complete(
    *, user, step, result: dict | None = None, enrollment: Enrollment | None = None
) -> StepCompletion:
    """Mark ``step`` done for ``user`` (idempotent), then record the course completion if due.

    The enrolment row is locked first, so concurrent completions of different steps by the
    same learner are serialised and the last one sees all the others. A caller that already
    holds that lock passes ``enrollment`` (from ``enrollment_for_step_locked``).
    """
    if enrollment is None:
        enrollment = enrollment_for_step_locked(user=user, step=step)
    if enrollment is None:
        raise StepError("Enrol in this course to record your progress.")
    if not step.live:
        raise StepError("This step is not published.")
    course = enrollment.course
    lookup = {"enrollment": enrollment, "step_id": step.pk, "cycle": enrollment.cycle}
    done = StepCompletion.objects.filter(**lookup).first()
    created = done is None
    if created:
        # No race, so no savepoint: on PostgreSQL every writer of this row holds the enrolment's
        # row lock; SQLite has one writer at a time and refuses a write based on a stale read
        # ("database is locked"), so the unique constraint is never what stops a second row.
        done = StepCompletion.objects.create(**lookup)
    if created:
        learning_record_add(
            user=user,
            verb=LearningRecord.Verb.COMPLETED,
            page=step,
            course=course,
            result=result,
            learner_key=enrollment.learner_key,
        )
    course_completion_record(enrollment=enrollment)
    return done


def lesson_view_record(*, user, lesson) -> bool:
    """Record "viewed" at most once per learner, lesson and day; usually costs no query.

    A cache key answers the common case (already recorded today) without touching the
    database; the unique constraint makes the rare race harmless.
    """
    if not user.is_authenticated:
        return False
    today = timezone.localdate()
    key = f"viewed:{user.pk}:{lesson.pk}:{today.isoformat()}"
    if not cache.add(key, 1, timeout=60 * 60 * 24):
        return False
    record = LearningRecord(
        user=user,
        verb=LearningRecord.Verb.EXPERIENCED,
        object_id=activity_iri(lesson),
        object_name=lesson.title[:255],
        object_type=lesson._meta.model_name,
        day=today,
    )
    LearningRecord.objects.bulk_create([record], ignore_conflicts=True)
    return True


@transaction.atomic
def enrollment_bulk_create(*, course, emails: list[str], actor) -> list[Enrollment]:
    """Enrol the active accounts with these ``emails`` in ``course``: everyone or nobody.

    Addresses match case-insensitively; each goes through ``enrollment_create``, so learners
    already enrolled keep their enrolment and prerequisites are checked. If any address has
    no active account or can't be enrolled, every enrolment made here is rolled back and
    EnrollmentError is raised with ``.errors`` mapping each failing address (lower-case) to
    why. Callers check that ``actor`` may enrol people here; the course's history records
    who did, and how many.
    """
    # Imported here so this addition leaves the module's shared import block untouched.
    from django.contrib.auth import get_user_model
    from django.db.models.functions import Lower
    from wagtail.log_actions import log

    wanted = list(dict.fromkeys(email.strip().lower() for email in emails))
    users = {
        user.email_lower: user
        for user in get_user_model()
        .objects.filter(is_active=True)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=wanted)
    }
    already = set(
        Enrollment.objects.active()
        .filter(course_id=course.pk, user__in=list(users.values()))
        .values_list("user_id", flat=True)
    )
    enrollments, errors = [], {}
    for email in wanted:
        user = users.get(email)
        if user is None:
            errors[email] = "No active Lineage account uses this address."
            continue
        try:
            with transaction.atomic():
                enrollments.append(enrollment_create(user=user, course=course))
        except EnrollmentError as exc:
            errors[email] = str(exc)
    if errors:
        # Raised inside this transaction, so the enrolments made above are rolled back.
        error = EnrollmentError(
            f"Nobody was enrolled: {len(errors)} of {len(wanted)} addresses can't be."
        )
        error.errors = errors
        raise error
    log(
        instance=course,
        action="courses.enrolment_import",
        user=actor,
        data={"enrolled": len(enrollments) - len(already), "already_enrolled": len(already)},
    )
    return enrollments
