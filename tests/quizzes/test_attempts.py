"""Starting, submitting and grading attempts (quizzes.services), and course completion."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from courses.models import CourseCompletion, LearningRecord, StepCompletion
from courses.services import enrollment_withdraw
from quizzes import services
from quizzes.models import Attempt, AttemptQuestion, ImmutableAttemptError, QuestionVersion
from quizzes.selectors import SUBMIT_GRACE
from tests.quizzes.quiz_factories import (
    DEFINITIONS,
    answers_for,
    enrol,
    make_question,
    make_quiz,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)


def at(moment):
    return patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def course(make_course):
    return make_course(lessons=0)


@pytest.fixture
def quiz_with(course):
    def build(*types, **fields):
        types = types or ("single_choice", "true_false")
        return make_quiz(course, [make_question(t) for t in types], **fields)

    return build


@pytest.fixture
def enrolled(learner, course):
    enrol(learner, course)
    return learner


def verbs(user):
    return [r.get_verb_display() for r in LearningRecord.objects.filter(user=user)]


def submit_right(attempt, right=True):
    return services.attempt_submit(attempt=attempt, data=answers_for(attempt, right=right))


# --- starting ----------------------------------------------------------------------------------


def test_start_needs_an_active_enrolment(learner, quiz_with):
    quiz = quiz_with()
    with pytest.raises(services.AttemptError, match="Enrol in"):
        services.attempt_start(user=learner, quiz=quiz)
    assert not Attempt.objects.exists()


def test_start_freezes_versions_and_records_attempted(enrolled, quiz_with):
    quiz = quiz_with("single_choice", "ordering", "true_false")
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    questions = list(attempt.questions.order_by("position"))
    assert [aq.version.type_name for aq in questions] == ["single_choice", "ordering", "true_false"]
    assert all(aq.version.number == 1 and aq.response is None for aq in questions)
    assert attempt.number == 1 and attempt.is_open and attempt.deadline is None
    assert verbs(enrolled) == ["enrolled", "attempted"]


def test_start_reuses_the_open_attempt(enrolled, quiz_with):
    quiz = quiz_with()
    first = services.attempt_start(user=enrolled, quiz=quiz)
    again = services.attempt_start(user=enrolled, quiz=quiz)
    assert first.pk == again.pk
    assert Attempt.objects.count() == 1
    assert verbs(enrolled).count("attempted") == 1


def test_the_database_allows_one_open_attempt_per_learner_and_quiz(enrolled, quiz_with):
    quiz = quiz_with()
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            user=enrolled, quiz=quiz, number=2, seed=1, started_at=attempt.started_at
        )


def test_an_empty_quiz_cannot_be_started(enrolled, course):
    quiz = make_quiz(course, [])
    with pytest.raises(services.AttemptError, match="no questions"):
        services.attempt_start(user=enrolled, quiz=quiz)


def test_draw_count_draws_that_many_and_the_seed_fixes_the_order(enrolled, course):
    bank = [make_question("true_false", title=f"Q{n}") for n in range(6)]
    quiz = make_quiz(course, bank, draw_count=3, shuffle_questions=True)
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    drawn = list(attempt.questions.order_by("position").values_list("version__question", flat=True))
    assert len(drawn) == 3 and len(set(drawn)) == 3
    # The stored seed replays the same draw.
    slots = list(quiz.quiz_questions.order_by("sort_order", "pk"))
    replay = services.draw_questions(slots, random.Random(attempt.seed), 3, True)
    assert [slot.question_id for slot in replay] == drawn


# --- attempt limit and cooldown ----------------------------------------------------------------


def test_attempt_limit(enrolled, quiz_with):
    quiz = quiz_with(attempts_allowed=2)
    submit_right(services.attempt_start(user=enrolled, quiz=quiz), right=False)
    submit_right(services.attempt_start(user=enrolled, quiz=quiz), right=False)
    with pytest.raises(services.AttemptError, match="used all 2 attempts"):
        services.attempt_start(user=enrolled, quiz=quiz)
    assert Attempt.objects.count() == 2


def test_cooldown_between_attempts(enrolled, quiz_with):
    quiz = quiz_with(cooldown_minutes=30)
    with at(T0):
        submit_right(services.attempt_start(user=enrolled, quiz=quiz), right=False)
    with at(T0 + timedelta(minutes=10)), pytest.raises(services.AttemptError) as error:
        services.attempt_start(user=enrolled, quiz=quiz)
    assert "in 20 minutes, at 12:30 UTC" in str(error.value)
    with at(T0 + timedelta(minutes=30)):
        assert services.attempt_start(user=enrolled, quiz=quiz).number == 2


def test_submitting_beyond_a_lowered_limit_is_refused(enrolled, quiz_with):
    quiz = quiz_with(attempts_allowed=2)
    submit_right(services.attempt_start(user=enrolled, quiz=quiz), right=False)
    second = services.attempt_start(user=enrolled, quiz=quiz)
    quiz.attempts_allowed = 1
    quiz.save_revision().publish()
    with pytest.raises(services.AttemptError, match="allows 1 attempt"):
        submit_right(second)
    second.refresh_from_db()
    assert second.is_open


# --- time limit --------------------------------------------------------------------------------


def test_time_limit_sets_a_deadline_and_accepts_answers_within_the_grace(enrolled, quiz_with):
    quiz = quiz_with(time_limit_minutes=10)
    with at(T0):
        attempt = services.attempt_start(user=enrolled, quiz=quiz)
    assert attempt.deadline == T0 + timedelta(minutes=10)
    with at(attempt.deadline + SUBMIT_GRACE):
        attempt = submit_right(attempt)
    assert attempt.status == Attempt.Status.GRADED and attempt.passed


def test_late_submission_is_refused_and_closes_the_attempt(enrolled, quiz_with):
    quiz = quiz_with(time_limit_minutes=10)
    with at(T0):
        attempt = services.attempt_start(user=enrolled, quiz=quiz)
    data = answers_for(attempt)
    late = attempt.deadline + SUBMIT_GRACE + timedelta(seconds=1)
    with at(late), pytest.raises(services.AttemptClosed, match="Time ran out at 12:10 UTC"):
        services.attempt_submit(attempt=attempt, data=data)
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.score == 0 and attempt.passed is False
    assert attempt.submitted_at == attempt.deadline
    assert not AttemptQuestion.objects.filter(attempt=attempt, response__isnull=False).exists()
    assert verbs(enrolled)[-1] == "failed"
    assert not StepCompletion.objects.exists()


def test_an_expired_attempt_is_closed_when_the_next_one_starts(enrolled, quiz_with):
    quiz = quiz_with(time_limit_minutes=10)
    with at(T0):
        first = services.attempt_start(user=enrolled, quiz=quiz)
    with at(T0 + timedelta(minutes=30)):
        second = services.attempt_start(user=enrolled, quiz=quiz)
    first.refresh_from_db()
    assert first.timed_out and first.status == Attempt.Status.GRADED
    assert second.number == 2 and second.is_open


# --- submitting --------------------------------------------------------------------------------


def test_a_replayed_submission_is_refused_and_grades_once(enrolled, quiz_with):
    quiz = quiz_with()
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    data = answers_for(attempt)
    services.attempt_submit(attempt=attempt, data=data)
    with pytest.raises(services.AttemptClosed, match="already submitted"):
        services.attempt_submit(attempt=attempt, data=answers_for(attempt, right=False))
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score == 100
    assert verbs(enrolled).count("passed") == 1
    assert StepCompletion.objects.count() == 1


def test_answers_to_questions_outside_the_attempt_reject_the_whole_submission(enrolled, quiz_with):
    quiz = quiz_with()
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    data = {**answers_for(attempt), "q3": "0", "q41-p0": "1"}
    with pytest.raises(services.AnswersRejected, match="question 3, 41"):
        services.attempt_submit(attempt=attempt, data=data)
    attempt.refresh_from_db()
    assert attempt.is_open
    assert not AttemptQuestion.objects.filter(response__isnull=False).exists()


def test_unreadable_answers_are_listed_and_nothing_is_saved(enrolled, quiz_with):
    quiz = quiz_with("single_choice", "numerical", "true_false")
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    with pytest.raises(services.AnswerErrors) as error:
        services.attempt_submit(attempt=attempt, data={"q2": "five", "q3": "true"})
    assert error.value.errors == {
        0: "Choose an answer.",
        1: "Enter a number using digits, like 42 or 3.5.",
    }
    attempt.refresh_from_db()
    assert attempt.is_open


def test_points_weight_the_score(enrolled, course):
    quiz = make_quiz(course, [make_question("true_false"), make_question("single_choice")])
    slot = quiz.quiz_questions.order_by("sort_order").first()
    slot.points = 3
    slot.save()
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    data = answers_for(attempt)
    data["q2"] = answers_for(attempt, right=False)["q2"]
    attempt = services.attempt_submit(attempt=attempt, data=data)
    assert attempt.score == Decimal("75.00") and attempt.passed  # 3 of 4 points, pass mark 70


def test_partial_credit_rounds_into_the_score(enrolled, course):
    quiz = make_quiz(course, [make_question("multiple_response")], pass_mark=50)
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    attempt = services.attempt_submit(attempt=attempt, data={"q1": ["0", "1", "2"]})
    assert attempt.score == Decimal("62.50") and attempt.passed


# --- completion --------------------------------------------------------------------------------


def test_passing_completes_the_step_and_the_course(enrolled, course, quiz_with):
    quiz = quiz_with()
    attempt = submit_right(services.attempt_start(user=enrolled, quiz=quiz))
    assert attempt.passed is True and attempt.score == 100
    assert StepCompletion.objects.filter(step=quiz, enrollment__user=enrolled).exists()
    assert CourseCompletion.objects.filter(user=enrolled, course=course).exists()
    completed = LearningRecord.objects.get(
        user=enrolled, verb=LearningRecord.Verb.COMPLETED, object_type="quizpage"
    )
    assert completed.result == {"score": {"scaled": 1.0}, "success": True}
    passed = LearningRecord.objects.get(user=enrolled, verb=LearningRecord.Verb.PASSED)
    assert passed.result["score"]["scaled"] == 1.0 and passed.result["success"] is True


def test_failing_does_not_complete_the_step(enrolled, course, quiz_with):
    quiz = quiz_with()
    attempt = submit_right(services.attempt_start(user=enrolled, quiz=quiz), right=False)
    assert attempt.passed is False and attempt.score == 0
    assert not StepCompletion.objects.exists()
    assert not CourseCompletion.objects.exists()
    failed = LearningRecord.objects.get(user=enrolled, verb=LearningRecord.Verb.FAILED)
    assert failed.result["success"] is False


def test_a_required_quiz_holds_back_course_completion(enrolled, make_course):
    from courses.models import LessonPage
    from courses.services import step_complete

    course = make_course("With a quiz", lessons=1)
    quiz = make_quiz(course, [make_question("true_false")])
    enrol(enrolled, course)
    step_complete(user=enrolled, step=LessonPage.objects.child_of(course).get())
    assert not CourseCompletion.objects.filter(course=course).exists()
    submit_right(services.attempt_start(user=enrolled, quiz=quiz))
    assert CourseCompletion.objects.filter(course=course, user=enrolled).exists()


def test_a_learner_who_left_the_course_mid_attempt_still_gets_graded(enrolled, course, quiz_with):
    from courses.models import Enrollment

    quiz = quiz_with()
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    enrollment_withdraw(enrollment=Enrollment.objects.get(user=enrolled))
    attempt = submit_right(attempt)
    assert attempt.passed and not StepCompletion.objects.exists()


# --- versions ----------------------------------------------------------------------------------


def test_saving_an_unchanged_question_adds_no_version(db):
    question = make_question("single_choice")
    services.question_save(question=question)
    services.question_save(question=question)
    assert question.versions.count() == 1
    question.general_feedback = "<p>New general feedback</p>"
    services.question_save(question=question)
    assert list(question.versions.values_list("number", flat=True).order_by("number")) == [1, 2]


def test_editing_a_question_never_regrades_an_attempt_already_started(enrolled, course):
    question = make_question("single_choice")
    quiz = make_quiz(course, [question])
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    old_right = answers_for(attempt)
    # The author decides option 1 is right after all, and rewords the stem.
    definition = {**DEFINITIONS["single_choice"], "text": "<p>Reworded</p>"}
    definition["options"] = [
        {**o, "correct": i == 1} for i, o in enumerate(DEFINITIONS["single_choice"]["options"])
    ]
    question.definition = [{"type": "single_choice", "value": definition}]
    version = services.question_save(question=question)
    assert version.number == 2
    attempt = services.attempt_submit(attempt=attempt, data=old_right)
    assert attempt.score == 100  # graded by version 1, the one it started with
    aq = attempt.questions.get()
    assert (
        aq.version.number == 1
        and aq.version.definition["text"] == DEFINITIONS["single_choice"]["text"]
    )
    # A new attempt asks (and grades) the new version.
    second = services.attempt_start(user=enrolled, quiz=quiz)
    assert second.questions.get().version.number == 2
    assert services.attempt_submit(attempt=second, data=old_right).score == 0


def test_an_attempt_versions_a_question_changed_outside_the_services(enrolled, course):
    question = make_question("true_false")
    quiz = make_quiz(course, [question])
    question.definition = [
        {"type": "true_false", "value": {**DEFINITIONS["true_false"], "answer": False}}
    ]
    question.save()  # e.g. a script that skipped question_save
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    version = attempt.questions.get().version
    assert version.number == 2 and version.definition["answer"] is False


def test_question_versions_are_append_only(db):
    version = make_question("true_false").versions.get()
    with pytest.raises(ValueError, match="append-only"):
        version.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        QuestionVersion.objects.filter(pk=version.pk).update(definition={"text": "changed"})


# --- immutability ------------------------------------------------------------------------------


def test_submitted_answers_and_grades_are_immutable(enrolled, quiz_with):
    quiz = quiz_with()
    attempt = submit_right(services.attempt_start(user=enrolled, quiz=quiz))
    aq = attempt.questions.order_by("position").first()
    aq.response = {"choices": [2]}
    with pytest.raises(ImmutableAttemptError):
        aq.save()
    attempt = Attempt.objects.get(pk=attempt.pk)
    attempt.score = Decimal(5)
    with pytest.raises(ImmutableAttemptError):
        attempt.save()
    # And the database refuses it even when the model is bypassed.
    with pytest.raises(DatabaseError), transaction.atomic():
        AttemptQuestion.objects.filter(pk=aq.pk).update(response={"choices": [2]})
    with pytest.raises(DatabaseError), transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).update(score=5, passed=False)
    with pytest.raises(DatabaseError), transaction.atomic():
        AttemptQuestion.objects.filter(pk=aq.pk).update(score=0)


def test_deleting_a_learner_keeps_their_graded_attempts(enrolled, quiz_with):
    quiz = quiz_with()
    attempt = submit_right(services.attempt_start(user=enrolled, quiz=quiz))
    enrolled.delete()
    attempt.refresh_from_db()
    assert attempt.user is None and attempt.score == 100


def test_the_database_keeps_scores_in_range(enrolled, quiz_with):
    quiz = quiz_with()
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    with pytest.raises(IntegrityError), transaction.atomic():
        AttemptQuestion.objects.filter(attempt=attempt).update(score=Decimal("1.5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.filter(pk=attempt.pk).update(score=101)
    with pytest.raises(IntegrityError), transaction.atomic():
        # graded without a score
        Attempt.objects.filter(pk=attempt.pk).update(status="graded", submitted_at=T0)


# --- essays ------------------------------------------------------------------------------------


@pytest.fixture
def essay_attempt(enrolled, course):
    quiz = make_quiz(course, [make_question("true_false"), make_question("essay")])
    attempt = services.attempt_start(user=enrolled, quiz=quiz)
    return services.attempt_submit(attempt=attempt, data=answers_for(attempt))


def test_an_essay_attempt_waits_for_grading(essay_attempt, enrolled):
    assert essay_attempt.status == Attempt.Status.SUBMITTED and essay_attempt.needs_grading
    assert essay_attempt.score is None and essay_attempt.passed is None
    assert list(Attempt.objects.awaiting_grading()) == [essay_attempt]
    assert not StepCompletion.objects.exists()
    assert "passed" not in verbs(enrolled) and "failed" not in verbs(enrolled)


def test_grading_the_last_essay_finalises_the_attempt(essay_attempt, enrolled, instructor, course):
    course.instructors.add(instructor)
    course.save()  # a ParentalManyToManyField saves with its page
    essay = essay_attempt.questions.get(version__type_name="essay")
    services.essay_grade(
        attempt_question=essay, grader=instructor, fraction=0.5, feedback="Clear brief."
    )
    essay_attempt.refresh_from_db()
    assert essay_attempt.status == Attempt.Status.GRADED and not essay_attempt.needs_grading
    assert essay_attempt.score == Decimal("75.00") and essay_attempt.passed
    essay.refresh_from_db()
    assert essay.feedback == ["Clear brief."] and essay.graded_by == instructor
    assert StepCompletion.objects.filter(enrollment__user=enrolled).exists()
    assert "passed" in verbs(enrolled)


def test_essay_grading_rules(essay_attempt, instructor, other_instructor, admin_user, course):
    course.instructors.add(instructor)
    course.save()  # a ParentalManyToManyField saves with its page
    essay = essay_attempt.questions.get(version__type_name="essay")
    other = essay_attempt.questions.get(version__type_name="true_false")
    with pytest.raises(services.GradingError, match="instructors"):
        services.essay_grade(attempt_question=essay, grader=other_instructor, fraction=1)
    with pytest.raises(services.GradingError, match="between 0 and 1"):
        services.essay_grade(attempt_question=essay, grader=instructor, fraction=1.5)
    with pytest.raises(services.GradingError, match="Only essay"):
        services.essay_grade(attempt_question=other, grader=instructor, fraction=1)
    services.essay_grade(attempt_question=essay, grader=admin_user, fraction=0)
    with pytest.raises(services.GradingError, match="isn't waiting"):
        services.essay_grade(attempt_question=essay, grader=instructor, fraction=1)
    essay_attempt.refresh_from_db()
    assert essay_attempt.passed is False and essay_attempt.score == 50
