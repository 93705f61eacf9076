"""Importing a GIFT file into the question bank (and a quiz), and exporting a quiz as GIFT.

``gift_plan`` (``gift_check``) reads and checks a file without touching the database;
``gift_import`` writes its plan, all or nothing.

Re-importing is idempotent. A question in the file is the same as one in the bank when:

* it has an ``[id:…]`` and the bank has a question with that ID number: in the target quiz
  (so an import never rewrites questions of other quizzes), or with the same category when
  there is no target quiz (command line only);
* it has no ID number and the target quiz has a question with the same title, type and
  content.

A matched question whose content is unchanged is left alone; a changed one is updated and
gets a new ``QuestionVersion`` (attempts keep the version they started with). Anything else
is created, in the quiz's course's bank (without a quiz: the admins' bank). Questions not yet
in the quiz are appended in file order; nothing is removed. An import never changes a question
of another course's bank: a file that would is refused, naming the quiz.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from courses.models import CoursePage
from quizzes import services
from quizzes.gift import export_gift
from quizzes.gift_check import GiftImportError, GiftProblem, gift_plan
from quizzes.gift_mapping import GiftNote, QuestionData, gift_from_question
from quizzes.models import Question, QuizPage, QuizQuestion

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class ImportReport:
    """What ``gift_import`` did (or, in a dry run, would do)."""

    dry_run: bool
    quiz_id: int | None = None
    outcomes: list[tuple[QuestionData, str, int | None]] = field(default_factory=list)
    attached: int = 0
    published: bool = False
    notes: list[GiftNote] = field(default_factory=list)
    skipped: list[GiftProblem] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for _, done, _ in self.outcomes if done == outcome)

    @property
    def question_ids(self) -> list[int]:
        return [pk for _, _, pk in self.outcomes if pk is not None]

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        text = (
            f"{verb} {len(self.outcomes)} question(s): {self.count(CREATED)} new, "
            f"{self.count(UPDATED)} updated, {self.count(UNCHANGED)} unchanged"
        )
        if self.quiz_id is not None:
            text += f"; {self.attached} added to the quiz"
        if self.skipped:
            text += f"; {len(self.skipped)} skipped"
        return text + "."

    def to_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "quiz": self.quiz_id,
            "questions": [
                {
                    "line": q.line,
                    "idnumber": q.idnumber,
                    "title": q.title,
                    "type": q.type_name,
                    "outcome": outcome,
                    "id": pk,
                }
                for q, outcome, pk in self.outcomes
            ],
            "attached": self.attached,
            "published": self.published,
            "notes": [{"line": n.line, "title": n.title} for n in self.notes],
            "skipped": [{"line": p.line, "message": p.message} for p in self.skipped],
        }


# --- Writing ------------------------------------------------------------------------------


def question_data(question: Question) -> QuestionData:
    """A bank question as plain data (tags sorted: the bank does not keep their order)."""
    type_name, definition = question.current_definition()
    return QuestionData(
        type_name=type_name,
        definition=definition,
        title=question.title,
        idnumber=question.idnumber,
        category=question.category,
        tags=tuple(sorted(tag.name for tag in question.skills.all())),
        general_feedback=question.general_feedback,
    )


def _state(data: QuestionData) -> tuple:
    """Everything an import may change about a question (tags as a set)."""
    return (
        data.type_name,
        data.definition,
        data.title,
        data.idnumber,
        data.category,
        tuple(sorted(data.tags)),
        data.general_feedback,
    )


def _working_quiz(quiz: QuizPage) -> QuizPage:
    """The quiz as an editor would see it: its latest draft when it has unpublished changes."""
    return quiz.get_latest_revision_as_object()


def _candidates(questions: list[QuestionData], working: QuizPage | None) -> list[Question]:
    if working is not None:
        ids = [slot.question_id for slot in working.quiz_questions.all()]
        pool = Question.objects.filter(pk__in=ids)
    else:
        pool = Question.objects.filter(idnumber__in={q.idnumber for q in questions if q.idnumber})
    return list(pool.prefetch_related("skills").order_by("pk"))


def _match(data: QuestionData, pool: list[tuple[Question, QuestionData]], by_quiz: bool):
    for question, existing in pool:
        if data.idnumber:
            if existing.idnumber == data.idnumber and (
                by_quiz or existing.category == data.category
            ):
                return question, existing
        elif by_quiz and (existing.title, existing.type_name, existing.definition) == (
            data.title,
            data.type_name,
            data.definition,
        ):
            return question, existing
    return None, None


@transaction.atomic
def questions_import(
    *,
    questions: list[QuestionData],
    quiz: QuizPage | None,
    actor,
    dry_run: bool = False,
) -> ImportReport:
    """Create or update bank questions from plain data and add them to ``quiz`` (file order).

    Idempotent (see the module docstring). When questions are added to a quiz a new revision
    is saved as ``actor``; it is published if the quiz was live with no unpublished changes,
    otherwise it stays a draft for an editor to publish. A dry run writes nothing.
    Raises ``GiftImportError`` (writing nothing) when the file would change a question of the
    quiz that is not in the quiz's course's bank. Callers check that ``actor`` may edit the
    quiz; without a quiz (the command line) questions go to the admins' bank.
    """
    report = ImportReport(dry_run=dry_run, quiz_id=quiz.pk if quiz else None)
    working = course = None
    if quiz is not None:
        # Serialise imports into one quiz, so two at once can't both append the same question.
        quiz = QuizPage.objects.select_for_update().get(pk=quiz.pk)
        working = _working_quiz(quiz)
        course = CoursePage.objects.get(path=quiz.path[: -QuizPage.steplen])
    pool = [(q, question_data(q)) for q in _candidates(questions, working)]
    if course is not None:  # the course's own questions match first
        pool.sort(key=lambda item: item[0].course_id != course.pk)
    in_quiz = {slot.question_id for slot in working.quiz_questions.all()} if working else set()
    to_attach: list[Question | None] = []
    foreign: list[GiftProblem] = []
    for data in questions:
        question, existing = _match(data, pool, by_quiz=working is not None)
        if question is not None and _state(data) == _state(existing):
            outcome = UNCHANGED
        elif question is not None:
            outcome = UPDATED
            if course is not None and question.course_id != course.pk:
                foreign.append(_foreign_problem(data, quiz))
            elif not dry_run:
                _question_update(question, data)
        else:
            outcome = CREATED
            if not dry_run:
                question = services.question_create(
                    course=course,
                    title=data.title,
                    type_name=data.type_name,
                    definition=data.definition,
                    general_feedback=data.general_feedback,
                    idnumber=data.idnumber,
                    category=data.category,
                    skills=data.tags,
                )
                pool.append((question, question_data(question)))
        report.outcomes.append((data, outcome, question.pk if question else None))
        if working is not None and (question is None or question.pk not in in_quiz):
            to_attach.append(question)
            if question is not None:
                in_quiz.add(question.pk)
    if foreign:
        raise GiftImportError(foreign)  # and the atomic block undoes anything written
    report.attached = len(to_attach)
    if working is not None and to_attach and not dry_run:
        report.published = _quiz_attach(quiz, working, to_attach, actor)
    return report


def _foreign_problem(data: QuestionData, quiz: QuizPage) -> GiftProblem:
    return GiftProblem(
        data.line,
        f"“{data.title}” matches a question of the quiz “{quiz.title}” that is not in its "
        "course's question bank, and an import never changes another course's questions. "
        "Give it a new ID number to import it as a question of this course",
        data.title,
    )


def _question_update(question: Question, data: QuestionData) -> None:
    question.title = data.title
    question.category = data.category
    question.general_feedback = data.general_feedback
    question.definition = [{"type": data.type_name, "value": data.definition}]
    services.question_save(question=question)
    question.skills.set(list(data.tags))


def _quiz_attach(quiz: QuizPage, working: QuizPage, questions: list[Question], actor) -> bool:
    slots = list(working.quiz_questions.all())
    next_order = max((slot.sort_order or 0 for slot in slots), default=-1) + 1
    for offset, question in enumerate(questions):
        slots.append(QuizQuestion(question=question, sort_order=next_order + offset))
    working.quiz_questions = slots
    publish = quiz.live and not quiz.has_unpublished_changes
    revision = working.save_revision(user=actor, log_action=True)
    if publish:
        revision.publish(user=actor)
    return publish


def gift_import(
    *,
    data: bytes | str,
    quiz: QuizPage | None,
    actor,
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import a GIFT file: every question or none.

    Without ``skip_invalid`` any problem (a parse error, a question Lineage can't represent,
    a definition its editor would refuse) raises ``GiftImportError`` listing them all and
    nothing is written. With it, the problem questions are left out and listed in
    ``report.skipped``. Descriptions are not imported; they are listed in ``report.notes``.
    """
    plan = gift_plan(data)
    if plan.problems and not skip_invalid:
        raise GiftImportError(plan.problems)
    report = questions_import(questions=plan.questions, quiz=quiz, actor=actor, dry_run=dry_run)
    report.notes = plan.notes
    report.skipped = plan.problems
    return report


# --- Export -------------------------------------------------------------------------------


def export_quiz_gift(*, quiz: QuizPage, user=None) -> str:
    """The quiz's questions (current bank content, quiz order) as a GIFT file.

    Raises ``ValueError`` naming the question when GIFT can't carry one (e.g. a weight that
    is not one of Moodle's grades), and, given ``user``, when the quiz asks a question that
    ``user`` may not see. An image artefact is written as its alt text.
    """
    slots = quiz.quiz_questions.select_related("question").prefetch_related("question__skills")
    if user is not None:
        hidden = slots.exclude(question__in=Question.objects.editable_by(user)).count()
        if hidden:
            raise ValueError(
                f"The quiz “{quiz.title}” asks {hidden} question(s) from outside the question "
                "banks you can use, so it can't be exported: replace them in the quiz first."
            )
    gift_questions, ids = [], []
    for slot in slots.order_by("sort_order", "pk"):
        try:
            gift_questions.append(gift_from_question(question_data(slot.question)))
        except (KeyError, ValueError) as error:
            raise ValueError(f"“{slot.question.title}” can't be written as GIFT: {error}") from None
        ids.append(slot.question_id)
    try:
        return export_gift(gift_questions, question_ids=ids)
    except ValueError as error:
        raise ValueError(f"The quiz can't be written as GIFT: {error}") from None
