"""Demo quizzes for the flagship course, from the GIFT bank in ``quizzes/fixtures``.

``load_demo_quizzes`` puts a required quiz right after each lesson (its questions are the
bank's ``lesson-N`` ones, pass mark 70 %), and an optional "Reflection" step with the essay
question(s) after the last quiz. The lesson intros in the bank (GIFT descriptions) become the
quizzes' introductions. The demo learner then passes the first quiz through the real attempt
services. Idempotent: existing quizzes are reused (the import leaves unchanged questions
alone) and a learner who has passed already is left as they are.
"""

import re
from pathlib import Path

from django.db import transaction

from courses.models import LessonPage
from courses.services import enrollment_create

from . import services
from .gift_import import gift_plan, questions_import
from .models import Attempt, QuizPage
from .question_types.base import field_prefix
from .question_types.matching import choice_texts

BANK = Path(__file__).resolve().parent / "fixtures" / "ai-bias-quiz.gift"
PASS_MARK = 70
MINUTES_PER_QUESTION = 2
REFLECTION_SLUG = "reflection"
REFLECTION_INTRO = (
    "<p>An optional reflection to finish the course: describe how you would review generated "
    "media in your own team. It doesn't count towards completing the course; an instructor "
    "reads it and replies with feedback.</p>"
)


@transaction.atomic
def load_demo_quizzes(*, course, instructor, admin, learner=None) -> list[QuizPage]:
    """Build the flagship's quizzes (and the learner's pass of quiz 1); returns them in order."""
    plan = gift_plan(BANK.read_bytes())
    if plan.problems:
        raise ValueError(f"the demo quiz bank has problems: {plan.problems[0]}")
    intros = {tag: note.text for note in plan.notes for tag in note.tags}
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    quizzes, essays, anchor = [], [], None
    for number, lesson in enumerate(lessons, start=1):
        tag = f"lesson-{number}"
        questions = [q for q in plan.questions if tag in q.tags]
        essays += [q for q in questions if q.type_name == "essay"]
        questions = [q for q in questions if q.type_name != "essay"]
        if not questions:
            continue
        anchor = quiz = _quiz_after(
            lesson,
            QuizPage(
                title=f"Quiz: {lesson.title}",
                slug=f"{lesson.slug}-quiz",
                intro=intros.get(tag, ""),
                pass_mark=PASS_MARK,
                required=True,
                estimated_minutes=MINUTES_PER_QUESTION * len(questions),
            ),
            admin,
        )
        questions_import(questions=questions, quiz=quiz, actor=instructor)
        quizzes.append(quiz)
    if essays and anchor is not None:
        reflection = _quiz_after(
            anchor,
            QuizPage(
                title="Reflection: your review gate",
                slug=REFLECTION_SLUG,
                intro=REFLECTION_INTRO,
                # Not a test: optional, and any credit the instructor gives passes.
                pass_mark=1,
                required=False,
                estimated_minutes=15,
            ),
            admin,
        )
        questions_import(questions=essays, quiz=reflection, actor=instructor)
        quizzes.append(reflection)
    if learner is not None and quizzes:
        learner_pass(user=learner, quiz=quizzes[0])
    return quizzes


def _quiz_after(anchor, quiz: QuizPage, publisher) -> QuizPage:
    """The course's quiz with ``quiz.slug``, or ``quiz`` published right after ``anchor``."""
    course = anchor.get_parent()
    existing = QuizPage.objects.child_of(course).filter(slug=quiz.slug).first()
    if existing is not None:
        return existing
    # Re-read the anchor: inserting earlier quizzes shifted its siblings' tree paths.
    anchor = type(anchor).objects.get(pk=anchor.pk)
    anchor.add_sibling(pos="right", instance=quiz)
    quiz.save_revision(user=publisher).publish(user=publisher)
    return QuizPage.objects.get(pk=quiz.pk)


def learner_pass(*, user, quiz: QuizPage) -> Attempt:
    """Enrol ``user`` and pass ``quiz`` with the right answers, unless they passed already."""
    passed = Attempt.objects.filter(user=user, quiz=quiz, passed=True).first()
    if passed is not None:
        return passed
    enrollment_create(user=user, course=quiz.get_parent().specific)
    attempt = services.attempt_start(user=user, quiz=quiz)
    return services.attempt_submit(attempt=attempt, data=correct_answers(attempt))


def correct_answers(attempt: Attempt) -> dict:
    """Form data answering every auto-graded question of ``attempt`` fully right."""
    data = {}
    for question in attempt.questions.select_related("version").order_by("position"):
        data.update(_correct_answer(question))
    return data


def _best_answer(answers: list[dict]) -> dict:
    return max(answers, key=lambda answer: answer.get("weight") or 0)


def _correct_answer(question) -> dict:
    definition, order = question.version.definition, question.option_order
    prefix, kind = field_prefix(question.position), question.version.type_name
    if kind in ("single_choice", "multiple_response", "scenario"):
        options = definition["options"]
        if kind == "single_choice":
            worth = [100.0 if option["correct"] else 0.0 for option in options]
        else:
            worth = [option.get("weight") or 0.0 for option in options]
        if kind == "multiple_response" or definition.get("multiple"):
            chosen = [index for index, weight in enumerate(worth) if weight > 0]
        else:
            chosen = [worth.index(max(worth))]
        return {prefix: [str(order.index(index)) for index in chosen]}
    if kind == "true_false":
        return {prefix: "true" if definition["answer"] else "false"}
    if kind == "matching":
        shown = [choice_texts(definition)[index] for index in order["choices"]]
        return {
            f"{prefix}-p{position}": str(shown.index(definition["pairs"][index]["answer"]))
            for position, index in enumerate(order["prompts"])
        }
    if kind == "ordering":
        return {f"{prefix}-i{position}": str(index + 1) for position, index in enumerate(order)}
    if kind == "short_answer":
        text = _best_answer(definition["answers"])["text"]
        return {prefix: re.sub(r"(?<!\\)\*", "", text).replace("\\*", "*")}
    if kind == "numerical":
        best = _best_answer(definition["answers"])
        return {prefix: str(best["min"] if best["kind"] == "range" else best["value"])}
    raise ValueError(f"no automatic right answer for a {kind} question")
