"""Reads that span quizzes, attempts and enrolments, and the attempt rules they apply.

The rules (attempt limit, cooldown, deadline) are plain functions of a quiz, its attempts and
the time, so the quiz page can explain them and ``attempt_start`` can enforce the same ones.
"""

import math
from datetime import datetime, timedelta

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from courses.models import CoursePage
from courses.progress import course_progress, enrollment_for

from .models import Attempt, QuestionVersion, QuizPage
from .question_types import scoring_rules

# Server time decides lateness. A submit clicked just before the deadline still has to travel
# (slow connection, a busy server), so answers arriving up to this long after it are accepted.
SUBMIT_GRACE = timedelta(seconds=10)


def clock(moment: datetime) -> str:
    """A time of day in words for learners, with its zone: "14:05 UTC"."""
    local = timezone.localtime(moment)
    return f"{local:%H:%M} {local.tzname()}"


def is_late(attempt: Attempt, now: datetime) -> bool:
    """Past its deadline (plus the grace period) and so no longer accepting answers."""
    return attempt.deadline is not None and now > attempt.deadline + SUBMIT_GRACE


def attempts_left(quiz: QuizPage, used: int) -> int | None:
    """Attempts the learner may still start (None: unlimited)."""
    if quiz.attempts_allowed is None:
        return None
    return max(0, quiz.attempts_allowed - used)


def last_activity(attempt: Attempt) -> datetime:
    if attempt.submitted_at:
        return attempt.submitted_at
    return attempt.deadline or attempt.started_at


def start_blocker(quiz: QuizPage, attempts: list[Attempt], now: datetime) -> str | None:
    """Why the learner can't start a new attempt now, in words; None when they can."""
    left = attempts_left(quiz, len(attempts))
    if left == 0:
        allowed = quiz.attempts_allowed
        return (
            f"You have used all {allowed} attempt{'s' if allowed != 1 else ''} at this quiz, "
            "so you can't start another."
        )
    if quiz.cooldown_minutes and attempts:
        available = max(last_activity(a) for a in attempts) + timedelta(
            minutes=quiz.cooldown_minutes
        )
        if now < available:
            minutes = math.ceil((available - now).total_seconds() / 60)
            return (
                f"You can start another attempt in {minutes} minute{'s' if minutes != 1 else ''}"
                f", at {clock(available)}. Take the time to reread the feedback."
            )
    return None


def can_grade(user, quiz: QuizPage) -> bool:
    """Whether ``user`` may grade essays in ``quiz``: its course's instructors, superusers and
    holders of ``quizzes.grade_essays``."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_perm("quizzes.grade_essays"):
        return True
    # The course is the quiz's parent page: its tree path is the quiz's minus one step.
    return user.taught_courses.filter(path=quiz.path[: -quiz.steplen]).exists()


def question_pool(quiz: QuizPage) -> tuple[int, list[str]]:
    """How many questions each attempt asks, and the type of each question in the quiz's pool
    (as last versioned): one query (two for a preview)."""
    latest_type = (
        QuestionVersion.objects.filter(question=OuterRef("question"))
        .order_by("-number")
        .values("type_name")[:1]
    )
    slots = quiz.quiz_questions.all()
    if isinstance(slots, QuerySet):
        types = list(
            slots.annotate(type_name=Subquery(latest_type)).values_list("type_name", flat=True)
        )
    else:  # a preview: the draft's questions are held in memory, not yet in the database
        ids = [slot.question_id for slot in slots]
        versions = QuestionVersion.objects.filter(question_id__in=ids).order_by("number")
        latest = dict(versions.values_list("question_id", "type_name"))  # the last one wins
        types = [latest.get(question_id, "") for question_id in ids]
    count = min(len(types), quiz.draw_count) if quiz.draw_count else len(types)
    return count, types


def quiz_overview(quiz: QuizPage, user, request=None) -> dict:
    """Everything the quiz page shows: the course around it, the rules and the learner's
    attempts, and what the learner can do next (start, continue, or why not)."""
    course = CoursePage.objects.course_of(quiz)
    enrollment = enrollment_for(user, course)
    progress = course_progress(course, enrollment, request=request)
    outline = [step.page for step in progress.steps]
    position = next((i for i, page in enumerate(outline) if page.pk == quiz.pk), None)
    attempts = list(Attempt.objects.for_user(user).filter(quiz=quiz).order_by("number"))
    now = timezone.now()
    open_attempt = next((a for a in attempts if a.is_open and not is_late(a, now)), None)
    deadline = open_attempt.deadline if open_attempt else None
    count, types = question_pool(quiz)
    return {
        "course": course,
        "enrollment": enrollment,
        "progress": progress,
        "step_progress": progress.for_page(quiz.pk),
        "outline": outline,
        "previous_step": outline[position - 1] if position else None,
        "next_step": (
            outline[position + 1] if position is not None and position + 1 < len(outline) else None
        ),
        "attempts": attempts,
        "open_attempt": open_attempt,
        "open_deadline": clock(deadline) if deadline else "",
        "blocker": None if open_attempt else start_blocker(quiz, attempts, now),
        "attempts_left": attempts_left(quiz, len(attempts)),
        "question_count": count,
        "scoring_rules": scoring_rules(types),
        "now": now,
    }
