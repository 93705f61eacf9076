"""Give every question its course: the course of the quizzes that ask it.

A question asked in quizzes of several courses stays with the first of them (the one whose
quiz took it in first); every other course gets its own copy, with the same content, skills and
version history, and that course's quizzes ask the copy (their live questions and every
revision). Attempts keep the versions they were graded with. A question no quiz asks (live or
in its latest draft) stays in the admins' bank (no course). Reversing leaves the copies.
"""

from django.db import migrations

STEPLEN = 4  # the length of one step of a Wagtail page's tree path


def quiz_courses(apps) -> dict[int, int]:
    """Each quiz's course (its parent page), by quiz id."""
    QuizPage = apps.get_model("quizzes", "QuizPage")
    CoursePage = apps.get_model("courses", "CoursePage")
    courses = dict(CoursePage.objects.values_list("path", "pk"))
    return {
        pk: courses[path[:-STEPLEN]]
        for pk, path in QuizPage.objects.values_list("pk", "path")
        if path[:-STEPLEN] in courses
    }


def quiz_revisions(apps, course_of: dict[int, int]):
    Revision = apps.get_model("wagtailcore", "Revision")
    return Revision.objects.filter(
        base_content_type__app_label="wagtailcore",
        base_content_type__model="page",
        object_id__in=[str(pk) for pk in course_of],
    ).order_by("pk")


def slot_question(slot) -> int | None:
    try:
        return int(slot["question"])
    except (KeyError, TypeError, ValueError):
        return None


def uses_in_order(apps, course_of: dict[int, int]) -> list[tuple[int, int]]:
    """(question, course) for every live quiz question, then every one in a latest revision."""
    QuizPage = apps.get_model("quizzes", "QuizPage")
    QuizQuestion = apps.get_model("quizzes", "QuizQuestion")
    uses = [
        (question_id, course_of[quiz_id])
        for question_id, quiz_id in QuizQuestion.objects.order_by("pk").values_list(
            "question_id", "quiz_id"
        )
        if quiz_id in course_of
    ]
    latest = set(QuizPage.objects.values_list("latest_revision_id", flat=True))
    for revision in quiz_revisions(apps, course_of).filter(pk__in=latest):
        course_id = course_of[int(revision.object_id)]
        for slot in (revision.content or {}).get("quiz_questions", []):
            if (question_id := slot_question(slot)) is not None:
                uses.append((question_id, course_id))
    return uses


def question_copy(apps, question_id: int, course_id: int) -> int:
    """A copy of the question in ``course_id``'s bank, with its skills and versions."""
    Question = apps.get_model("quizzes", "Question")
    QuestionTag = apps.get_model("quizzes", "QuestionTag")
    QuestionVersion = apps.get_model("quizzes", "QuestionVersion")
    original = Question.objects.get(pk=question_id)
    copy = Question.objects.create(
        course_id=course_id,
        title=original.title,
        idnumber=original.idnumber,
        category=original.category,
        definition=original.definition,
        general_feedback=original.general_feedback,
    )
    tags = QuestionTag.objects.filter(content_object_id=question_id).values_list("tag_id")
    QuestionTag.objects.bulk_create(
        [QuestionTag(content_object_id=copy.pk, tag_id=tag_id) for (tag_id,) in tags]
    )
    QuestionVersion.objects.bulk_create(
        [
            QuestionVersion(
                question_id=copy.pk,
                number=version.number,
                type_name=version.type_name,
                definition=version.definition,
                general_feedback=version.general_feedback,
            )
            for version in QuestionVersion.objects.filter(question_id=question_id)
        ]
    )
    return copy.pk


def assign_courses(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    QuizQuestion = apps.get_model("quizzes", "QuizQuestion")
    course_of = quiz_courses(apps)
    existing = set(Question.objects.values_list("pk", flat=True))
    owner: dict[int, int] = {}
    copies: dict[tuple[int, int], int] = {}
    for question_id, course_id in uses_in_order(apps, course_of):
        if question_id not in existing or owner.setdefault(question_id, course_id) == course_id:
            continue
        if (question_id, course_id) not in copies:
            copies[question_id, course_id] = question_copy(apps, question_id, course_id)
    for question_id, course_id in owner.items():
        Question.objects.filter(pk=question_id).update(course_id=course_id)
    for (question_id, course_id), copy_id in copies.items():
        quizzes = [quiz_id for quiz_id, course in course_of.items() if course == course_id]
        QuizQuestion.objects.filter(quiz_id__in=quizzes, question_id=question_id).update(
            question_id=copy_id
        )
    if not copies:
        return
    for revision in quiz_revisions(apps, course_of).iterator():
        course_id = course_of[int(revision.object_id)]
        slots = (revision.content or {}).get("quiz_questions", [])
        changed = False
        for slot in slots:
            copy_id = copies.get((slot_question(slot), course_id))
            if copy_id is not None:
                slot["question"] = copy_id
                changed = True
        if changed:
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0003_question_course"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(assign_courses, migrations.RunPython.noop)]
