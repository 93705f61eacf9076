"""'Your quizzes' on the learner dashboard: each quiz of the learner's courses and where they
stand with it (not started, in progress, waiting for grading, passed or not yet passed, with
the best score and the attempts used), so a failed quiz is never hidden. One query."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Length, Substr
from wagtail.models import Page

from courses.hooks import register_dashboard_section
from courses.models import Enrollment

from .models import Attempt, QuizPage


@dataclass(frozen=True)
class QuizState:
    """One quiz as the dashboard words it: a state (with its tone and shape) and the numbers."""

    quiz: QuizPage
    course_title: str
    label: str
    tone: str  # a ``status--*`` class
    icon: str  # a key of templates/credentials/status_icon.html
    best_score: Decimal | None
    attempts_used: int

    @property
    def attempts_text(self) -> str:
        allowed = self.quiz.attempts_allowed
        if allowed is None:
            return f"{self.attempts_used} attempt{'s' if self.attempts_used != 1 else ''} used"
        return f"{self.attempts_used} of {allowed} attempt{'s' if allowed != 1 else ''} used"


def quizzes_with_attempts(user):
    """Live quizzes of the courses ``user`` is enrolled in (active), in course order, each with
    the learner's attempt count, best score and whether one passed, is open or awaits grading."""
    mine = Attempt.objects.filter(user=user, quiz=OuterRef("pk"))
    course_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
    used = mine.order_by().values("quiz").annotate(n=Count("pk")).values("n")
    return (
        QuizPage.objects.live()
        .filter(
            Exists(
                Enrollment.objects.filter(
                    user=user, status=Enrollment.Status.ACTIVE, course__path=course_path
                )
            )
        )
        .annotate(
            course_title=Subquery(Page.objects.filter(path=course_path).values("title")[:1]),
            attempts_used=Coalesce(Subquery(used), Value(0), output_field=IntegerField()),
            best_score=Subquery(mine.exclude(score=None).order_by("-score").values("score")[:1]),
            has_passed=Exists(mine.filter(passed=True)),
            has_open=Exists(mine.filter(status=Attempt.Status.OPEN)),
            awaits_grading=Exists(mine.filter(status=Attempt.Status.SUBMITTED)),
        )
        .order_by("path")
    )


def quiz_state(quiz) -> QuizState:
    """Where the learner stands with ``quiz`` (annotated by ``quizzes_with_attempts``)."""
    if quiz.has_passed:
        label, tone, icon = "Passed", "status--valid", "issued"
    elif quiz.has_open:
        label, tone, icon = "In progress", "status--expired", "pending"
    elif quiz.awaits_grading:
        label, tone, icon = "Waiting for grading", "status--expired", "pending"
    elif quiz.attempts_used:
        label, tone, icon = "Not yet passed", "status--revoked", "failed"
        if quiz.attempts_allowed is not None and quiz.attempts_used >= quiz.attempts_allowed:
            label = "Not passed: no attempts left"
    else:
        label, tone, icon = "Not started", "status--neutral", "not_started"
    return QuizState(
        quiz, quiz.course_title, label, tone, icon, quiz.best_score, quiz.attempts_used
    )


@register_dashboard_section
def dashboard_section(user) -> tuple[str, dict] | None:
    """Each quiz of the learner's courses with its state, once there is one (one query)."""
    states = [quiz_state(quiz) for quiz in quizzes_with_attempts(user)]
    if not states:
        return None
    return "quizzes/dashboard_section.html", {"quizzes": states}
