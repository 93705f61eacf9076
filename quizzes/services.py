"""Writes for quizzes: versioning questions, starting, submitting and grading attempts.

Keyword-only, typed, transactional. Grading is done here, on the server, from the question
versions an attempt started with; nothing the browser sends but the answers is trusted.
"""

import random
import re
import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from courses.models import Enrollment, LearningRecord
from courses.services import (
    StepError,
    enrollment_for_step_locked,
    learning_record_add,
    step_complete,
)

from . import grading
from .models import Attempt, AttemptQuestion, Question, QuestionVersion, QuizPage, QuizQuestion
from .question_types import ResponseError, get_type
from .question_types.base import field_prefix, rich_text_content
from .selectors import can_grade, clock, is_late, start_blocker

# Form fields are named q<number>[-<part>]; anything else posted (the CSRF token) is ignored.
# ASCII digits, compared as text: int() refuses 4,300+ digits, and "q٣" is no field of ours.
QUESTION_FIELD = re.compile(r"^q([0-9]+)(?:-|$)")


class AttemptError(Exception):
    """The learner can't do this now; the message says why, in words."""


class AttemptClosed(AttemptError):
    """The attempt takes no more answers: it was submitted already, or time ran out."""


class AnswersRejected(AttemptError):
    """The submission answered questions that aren't in the attempt; nothing was saved."""


class AnswerErrors(Exception):
    """Some answers can't be read: ``errors`` maps a question's position to what to fix."""

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__(f"{len(errors)} answer(s) need attention")


class GradingError(Exception):
    """An essay can't be graded (already graded, not an essay, not allowed)."""


# --- The question bank -------------------------------------------------------------------------


def question_versions_current(*, questions: list[Question]) -> dict[int, QuestionVersion]:
    """The current version of each question, creating one where the question has changed
    since its latest version (or has none). Idempotent; two queries when nothing changed."""
    latest = (
        QuestionVersion.objects.filter(question=OuterRef("question"))
        .order_by("-number")
        .values("pk")[:1]
    )
    current = {
        version.question_id: version
        for version in QuestionVersion.objects.filter(
            question_id__in=[q.pk for q in questions], pk=Subquery(latest)
        )
    }
    new = []
    for question in questions:
        type_name, definition = question.current_definition()
        general_feedback = rich_text_content(question.general_feedback)
        version = current.get(question.pk)
        state = (type_name, definition, general_feedback)
        if version and (version.type_name, version.definition, version.general_feedback) == state:
            continue
        new.append(
            QuestionVersion(
                question=question,
                number=version.number + 1 if version else 1,
                type_name=type_name,
                definition=definition,
                general_feedback=general_feedback,
            )
        )
    if new:
        try:
            with transaction.atomic():
                created = QuestionVersion.objects.bulk_create(new)
        except IntegrityError:  # another request versioned the same edit first
            return question_versions_current(questions=questions)
        current.update({version.question_id: version for version in created})
    return current


@transaction.atomic
def question_save(*, question: Question) -> QuestionVersion:
    """Validate and save a question, then freeze its content as a new version if it changed.

    Raises ValidationError when a field or the definition (its type's block rules) is invalid.
    """
    question.full_clean()
    # Model validation doesn't run StreamField block rules (the admin form does): run them.
    question.definition.stream_block.clean(question.definition)
    question.save()
    return question_versions_current(questions=[question])[question.pk]


@transaction.atomic
def question_create(
    *,
    title: str,
    type_name: str,
    definition: dict,
    general_feedback: str = "",
    idnumber: str = "",
    category: str = "",
    skills: tuple[str, ...] | list[str] = (),
    course=None,
) -> Question:
    """Add a question to ``course``'s bank (none: the admins') from a plain definition in its
    type's JSON shape (see ``quizzes/question_types``). Raises ValidationError if the
    definition is incomplete."""
    get_type(type_name)  # LookupError for a type nobody registered
    question = Question(
        course=course,
        title=title,
        idnumber=idnumber,
        category=category,
        general_feedback=general_feedback,
        definition=[{"type": type_name, "value": definition}],
    )
    question_save(question=question)
    if skills:
        question.skills.set(list(skills))
    return question


# --- Attempts ----------------------------------------------------------------------------------


def draw_questions(
    slots: list[QuizQuestion], rng: random.Random, count: int | None, shuffle: bool
) -> list[QuizQuestion]:
    """The quiz's questions for one attempt: ``count`` of them at random (all when None), in
    quiz order unless ``shuffle``."""
    chosen = list(slots)
    if count and count < len(chosen):
        picked = set(rng.sample(range(len(chosen)), count))
        chosen = [slot for index, slot in enumerate(chosen) if index in picked]
    if shuffle:
        rng.shuffle(chosen)
    return chosen


def _record_outcome(attempt: Attempt) -> None:
    """xAPI passed/failed with the score; a pass completes the course step."""
    if attempt.user is None:
        return
    quiz = attempt.quiz
    # The learner's enrolment and the course in one query; a pass locks it for step_complete.
    if attempt.passed:
        enrollment = enrollment_for_step_locked(user=attempt.user, step=quiz)
    else:
        enrollment = None
    if enrollment is None:
        enrollment = (
            Enrollment.objects.select_related("course")
            .filter(user=attempt.user, course__path=quiz.path[: -quiz.steplen])
            .first()
        )
    course = enrollment.course if enrollment else quiz.get_parent().specific
    learning_record_add(
        user=attempt.user,
        verb=LearningRecord.Verb.PASSED if attempt.passed else LearningRecord.Verb.FAILED,
        page=quiz,
        course=course,
        result=grading.xapi_result(attempt.score, attempt.passed),
        learner_key=enrollment.learner_key if enrollment else "",
    )
    if attempt.passed:
        try:
            step_complete(
                user=attempt.user,
                step=quiz,
                result={"score": {"scaled": attempt.scaled_score}, "success": True},
                enrollment=enrollment if enrollment and enrollment.is_active else None,
            )
        except StepError:
            pass  # left the course meanwhile: the pass stays in the attempt history


def _attempt_finalise(attempt: Attempt, questions: list[AttemptQuestion]) -> None:
    """Every question has a score: set the attempt's score and verdict and record them."""
    score = grading.attempt_score((aq.points, aq.score) for aq in questions)
    attempt.score = score
    attempt.passed = grading.is_pass(score, attempt.quiz.pass_mark)
    attempt.status = Attempt.Status.GRADED
    attempt.needs_grading = False
    attempt.save(update_fields=["score", "passed", "status", "needs_grading", "submitted_at"])
    _record_outcome(attempt)


def _attempt_time_out(attempt: Attempt) -> None:
    """Close an attempt whose time ran out without answers: it counts, and scores 0."""
    attempt.status = Attempt.Status.GRADED
    attempt.submitted_at = attempt.deadline
    attempt.score = Decimal(0)
    attempt.passed = False
    attempt.needs_grading = False
    attempt.timed_out = True
    attempt.save(
        update_fields=["status", "submitted_at", "score", "passed", "needs_grading", "timed_out"]
    )
    AttemptQuestion.objects.filter(attempt=attempt, score__isnull=True).update(score=0)
    _record_outcome(attempt)


@transaction.atomic
def attempt_start(*, user, quiz: QuizPage) -> Attempt:
    """Start an attempt, or return the learner's attempt in progress.

    Needs an active enrolment in the quiz's course; enforces the attempt limit and the
    cooldown with messages that say when the learner may try again. Draws and shuffles the
    questions with a per-attempt seed, freezes each question's current version, and sets the
    deadline from the time limit. An attempt in progress whose time ran out is closed first.
    """
    if not quiz.live:
        raise AttemptError("This quiz isn't open yet.")
    course = quiz.get_parent().specific
    # Locking the enrolment serialises a learner's starts (double clicks, two tabs).
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(user=user, course_id=course.pk, status=Enrollment.Status.ACTIVE)
        .first()
    )
    if enrollment is None:
        raise AttemptError(f"Enrol in “{course.title}” to take this quiz.")
    now = timezone.now()
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("number"))
    in_progress = next((a for a in attempts if a.is_open), None)
    if in_progress is not None:
        if not is_late(in_progress, now):
            return in_progress
        in_progress.quiz = quiz
        _attempt_time_out(in_progress)
    blocker = start_blocker(quiz, attempts, now)
    if blocker:
        raise AttemptError(blocker)
    slots = list(quiz.quiz_questions.select_related("question").order_by("sort_order", "pk"))
    if not slots:
        raise AttemptError("This quiz has no questions yet. Check back soon.")
    versions = question_versions_current(
        questions=list({slot.question_id: slot.question for slot in slots}.values())
    )
    seed = secrets.randbits(62)
    rng = random.Random(seed)
    drawn = draw_questions(slots, rng, quiz.draw_count, quiz.shuffle_questions)
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=len(attempts) + 1,
        seed=seed,
        started_at=now,
        deadline=(
            now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
        ),
    )
    AttemptQuestion.objects.bulk_create(
        [
            AttemptQuestion(
                attempt=attempt,
                position=position,
                version=versions[slot.question_id],
                points=slot.points,
                option_order=get_type(versions[slot.question_id].type_name).initial_option_order(
                    versions[slot.question_id].definition, rng, quiz.shuffle_options
                ),
            )
            for position, slot in enumerate(drawn)
        ]
    )
    learning_record_add(
        user=user,
        verb=LearningRecord.Verb.ATTEMPTED,
        page=quiz,
        course=course,
        learner_key=enrollment.learner_key,
    )
    return attempt


def _locked(attempts):
    """Attempts with their quiz and learner, locking only the attempt row (never the page)."""
    return attempts.select_for_update(of=("self",)).select_related("quiz", "user")


def answers_parse(*, questions: list[AttemptQuestion], data) -> list:
    """Read the posted answers for ``questions`` (in position order).

    Raises AnswersRejected if ``data`` answers a question that isn't in the attempt, and
    AnswerErrors listing every answer that can't be read.
    """
    numbers = {str(aq.position + 1) for aq in questions}
    posted = {match.group(1) for key in data.keys() if (match := QUESTION_FIELD.match(key))}
    stray = sorted(posted - numbers, key=lambda n: (len(n), n))
    if stray:
        # A few short names are enough to say what went wrong (a post may hold thousands).
        names = ", ".join(n if len(n) <= 6 else n[:5] + "…" for n in stray[:5])
        names += ", …" if len(stray) > 5 else ""
        raise AnswersRejected(
            f"Your answers included question {names}, which isn't part of this attempt. "
            "Nothing was saved: answer the questions on this page and submit again."
        )
    responses, errors = [], {}
    for aq in questions:
        qtype = aq.question_type
        public = qtype.public_view(aq.version.definition, aq.option_order)
        try:
            responses.append(
                qtype.parse_response(data, field_prefix(aq.position), public, aq.option_order)
            )
        except ResponseError as error:
            errors[aq.position] = str(error)
    if errors:
        raise AnswerErrors(errors)
    return responses


def attempt_submit(*, attempt: Attempt | int, data, owner=None) -> Attempt:
    """Grade and close an attempt (or attempt id) from the posted ``data`` (a QueryDict or a
    dict). With ``owner``, an attempt of anyone else raises ``Attempt.DoesNotExist``: the view
    checks ownership in the same query that locks the row.

    Runs under a row lock on the attempt, so a double submit grades once and the second is
    refused as a replay. Refuses attempts already submitted, attempts beyond the quiz's limit,
    answers to questions not in the attempt, and answers arriving after the deadline (plus
    ``SUBMIT_GRACE``); a late attempt is closed with a score of 0. If an essay needs grading
    the attempt waits (``submitted``); otherwise it is graded now and, on a pass, the course
    step is completed.
    """
    now = timezone.now()
    with transaction.atomic():
        attempts = Attempt.objects if owner is None else Attempt.objects.filter(user=owner)
        attempt = _locked(attempts).get(pk=getattr(attempt, "pk", attempt))
        if not attempt.is_open:
            raise AttemptClosed(
                f"Attempt {attempt.number} was already submitted at "
                f"{clock(attempt.submitted_at)}, so it can't be changed."
            )
        quiz = attempt.quiz
        if quiz.attempts_allowed is not None and attempt.number > quiz.attempts_allowed:
            raise AttemptError(
                f"This quiz allows {quiz.attempts_allowed} attempt(s), and this was attempt "
                f"{attempt.number}, so it can't be submitted."
            )
        late = is_late(attempt, now)
        if late:
            _attempt_time_out(attempt)
        else:
            questions = list(attempt.questions.select_related("version").order_by("position"))
            responses = answers_parse(questions=questions, data=data)
            _attempt_grade(attempt, questions, responses, now)
    if late:
        raise AttemptClosed(
            f"Time ran out at {clock(attempt.deadline)}, before your answers arrived. Answers "
            f"sent after the time limit can't be accepted, so attempt {attempt.number} was "
            "closed with a score of 0 %."
        )
    return attempt


def _attempt_grade(attempt, questions, responses, now) -> None:
    for aq, response in zip(questions, responses, strict=True):
        result = aq.question_type.grade(aq.version.definition, response)
        aq.response = response
        aq.feedback = result.feedback
        aq.score = None if result.needs_manual else grading.fraction_decimal(result.fraction)
    # One statement for every question. An upsert of rows that all exist (INSERT ... ON
    # CONFLICT DO UPDATE) costs a fraction of bulk_update's CASE WHEN per row and column in
    # Python; the attempt row lock keeps it to this open attempt, and the database's trigger
    # still refuses to overwrite a recorded answer.
    AttemptQuestion.objects.bulk_create(
        questions,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["response", "feedback", "score"],
    )
    attempt.submitted_at = now
    if any(aq.score is None for aq in questions):
        attempt.status = Attempt.Status.SUBMITTED
        attempt.needs_grading = True
        attempt.save(update_fields=["status", "needs_grading", "submitted_at"])
        return
    _attempt_finalise(attempt, questions)


@transaction.atomic
def essay_grade(
    *, attempt_question: AttemptQuestion, grader, fraction: float | Decimal, feedback: str = ""
) -> AttemptQuestion:
    """Record a grader's mark (a fraction 0–1 of the question's points) and feedback for one
    essay answer. When it was the attempt's last ungraded answer, the attempt is graded: its
    score and verdict are set, recorded, and a pass completes the course step.

    The grader must be an instructor of the quiz's course, a superuser, or hold
    ``quizzes.grade_essays``. An answer is graded once.
    """
    attempt = _locked(Attempt.objects).get(pk=attempt_question.attempt_id)
    if attempt.status != Attempt.Status.SUBMITTED:
        raise GradingError("This attempt isn't waiting for grading.")
    questions = list(attempt.questions.select_related("version").order_by("position"))
    aq = next(q for q in questions if q.pk == attempt_question.pk)
    if not aq.question_type.manual:
        raise GradingError("Only essay answers are graded by hand.")
    if aq.score is not None:
        raise GradingError("This answer has already been graded.")
    if not can_grade(grader, attempt.quiz):
        raise GradingError("Only the course's instructors can grade its essays.")
    try:
        value = Decimal(str(fraction))
    except ArithmeticError:
        raise GradingError("Give a mark between 0 and 1.") from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
        raise GradingError("Give a mark between 0 and 1.")
    aq.score = grading.fraction_decimal(float(value))
    aq.feedback = [feedback.strip()] if feedback.strip() else []
    aq.graded_by = grader
    aq.graded_at = timezone.now()
    aq.save(update_fields=["score", "feedback", "graded_by", "graded_at"])
    if all(q.score is not None for q in questions):
        _attempt_finalise(attempt, questions)
    return aq
