"""Seed the bench database with a reproducible dataset, then write what the load needs.

Run by ``bench/run.py`` under the production settings (``bench/environment.py``) on a freshly
migrated ``lineage_bench`` database::

    python -m bench.seed --scale small --out bench/.work/fixtures.json

Pages go through Wagtail's tree API (there are only hundreds); every big table (learners,
enrolments, step completions, learning records, completions, credentials, sessions, quiz
attempts) is written with ``bulk_create`` in batches. All randomness comes from one seeded
``random.Random``, so two runs at the same scale build the same dataset.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from bench.environment import CSRF_SECRET, ROOT, SCALES, WORK, Scale

SEED = 20_260_601
PASSWORD = "bench-password"  # noqa: S105 - loopback benchmark accounts
BATCH = 5_000
STEP_PATTERN = "LLQ"  # two lessons then a quiz, repeated: 12 lessons + 6 quizzes
SKILLS = [f"skill {n}" for n in range(30)]
QUIZ_QUESTIONS = 20
LESSON_POSITION = 5  # the measured lesson: the 6th lesson of the first course
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DEMO_COURSES = ROOT / "home" / "demo" / "courses.json"


def log(message: str) -> None:
    print(f"[seed {time.strftime('%H:%M:%S')}] {message}", flush=True)


def batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk(model, objects: Iterable, **kwargs) -> int:
    """``bulk_create`` in batches; returns the number of rows written."""
    count = 0
    for batch in batched(objects):
        model.objects.bulk_create(batch, batch_size=BATCH, **kwargs)
        count += len(batch)
    return count


def token(rng: random.Random, nbytes: int = 20) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(nbytes)).rstrip(b"=").decode()


def demo_lessons() -> list[dict]:
    """The demo courses' lessons: real lesson text, reused for every bench course."""
    courses = json.loads(DEMO_COURSES.read_text(encoding="utf-8"))
    return [lesson for course in courses for lesson in course["lessons"]]


def course_lessons(c: int, per_course: int = 12) -> dict:
    """Course ``c``'s title, summary and lesson texts (the peer gets the same ones)."""
    lessons = demo_lessons()
    first = lessons[c % len(lessons)]
    return {
        "course_title": f"Course {c:03d}: {first['title']}"[:255],
        "course_summary": first["summary"][:300],
        "lessons": [lessons[(c * per_course + n) % len(lessons)] for n in range(per_course)],
    }


# --- pages ---------------------------------------------------------------------------------------


def build_question_bank(instructor) -> tuple[list, str]:
    """Twenty auto-graded questions from the demo GIFT bank (mixed types); [] if unavailable."""
    try:
        from quizzes.demo import BANK
        from quizzes.gift_import import gift_plan, questions_import
        from quizzes.models import Question

        plan = gift_plan(BANK.read_bytes())
        picked = [q for q in plan.questions if q.type_name != "essay"][:QUIZ_QUESTIONS]
        if len(picked) < QUIZ_QUESTIONS:
            return [], f"the demo bank has only {len(picked)} auto-graded questions"
        before = set(Question.objects.values_list("pk", flat=True))
        questions_import(questions=picked, quiz=None, actor=instructor)
        questions = list(Question.objects.exclude(pk__in=before).order_by("pk"))
        return questions[:QUIZ_QUESTIONS], ""
    except Exception as exc:  # the quizzes app is being built alongside: measure without it
        return [], f"quiz bank could not be built: {exc!r}"


def build_pages(scale: Scale, rng: random.Random, instructor, questions) -> dict:
    from wagtail.models import Site

    from courses.models import CourseIndexPage, CoursePage, LessonPage

    QuizPage = QuizQuestion = None
    if questions:
        from quizzes.models import QuizPage, QuizQuestion

    home = Site.objects.get(is_default_site=True).root_page.specific
    index = CourseIndexPage(title="Courses", slug="courses", intro="<p>Every course.</p>")
    home.add_child(instance=index)
    index.save_revision().publish()
    courses = []
    pattern = STEP_PATTERN if questions else "L"
    steps_per_course = scale.lessons_per_course + (scale.quizzes_per_course if questions else 0)
    for c in range(scale.courses):
        texts = course_lessons(c, scale.lessons_per_course)
        text = texts["lessons"][0]
        course = CoursePage(
            title=texts["course_title"],
            slug=f"course-{c:03d}",
            code=f"BENCH-{c:03d}",
            summary=texts["course_summary"],
            description=f"<p>{texts['course_summary']}</p>",
            audience="Everyone working with generated media.",
            level=["introductory", "intermediate", "advanced"][c % 3],
            estimated_hours=6,
            outcomes=json.dumps([{"type": "outcome", "value": o} for o in text["outcomes"]]),
        )
        index.add_child(instance=course)
        course.skills.set(rng.sample(SKILLS, 3))
        course.instructors.set([instructor])
        course.save_revision().publish()
        lesson_n = quiz_n = 0
        step_ids = []
        for position in range(steps_per_course):
            kind = pattern[position % len(pattern)]
            if kind == "Q" and quiz_n < scale.quizzes_per_course:
                quiz_n += 1
                page = QuizPage(
                    title=f"Quiz {quiz_n}",
                    slug=f"quiz-{quiz_n}",
                    intro="<p>Twenty questions on the last two lessons.</p>",
                    pass_mark=70,
                    shuffle_options=True,
                )
            else:
                data = texts["lessons"][lesson_n]
                lesson_n += 1
                page = LessonPage(
                    title=data["title"],
                    slug=data["slug"],
                    summary=data["summary"][:300],
                    estimated_minutes=data["estimated_minutes"],
                    outcomes=json.dumps(
                        [{"type": "outcome", "value": o} for o in data["outcomes"]]
                    ),
                    body=json.dumps(data["body"]),
                )
            course.add_child(instance=page)
            step_ids.append(page.pk)
        courses.append({"id": course.pk, "path": course.url_path, "steps": step_ids})
        if c % 20 == 19:
            log(f"  {c + 1} courses")
    if questions:
        quizzes = QuizPage.objects.all()
        bulk(
            QuizQuestion,
            (
                QuizQuestion(quiz=quiz, question=question, points=1, sort_order=n)
                for quiz in quizzes
                for n, question in enumerate(questions)
            ),
        )
    return {"index": index, "courses": courses}


# --- people and their history ----------------------------------------------------------------


def build_users(prefix: str, count: int, password_hash: str) -> list:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    now = datetime.now(UTC)
    bulk(
        User,
        (
            User(
                username=f"{prefix}{n:06d}",
                email=f"{prefix}{n:06d}@bench.example",
                password=password_hash,
                display_name=f"Bench {prefix.title()} {n}",
                credential_name=f"Bench {prefix.title()} {n}",
                credential_name_confirmed_at=now,
                is_active=True,
            )
            for n in range(count)
        ),
    )
    return list(User.objects.filter(username__startswith=prefix).order_by("username"))


def enrolments_for(scale: Scale, rng: random.Random, learners, courses) -> list[tuple]:
    """(learner index, course index, steps done) triples.

    Learner 0 (the dashboard learner) has ``dashboard_enrolments`` courses; every other learner
    has ``enrolments_per_learner``. A learner with a credential has finished their first course.
    """
    plan = []
    for n, _learner in enumerate(learners):
        wanted = scale.dashboard_enrolments if n == 0 else scale.enrolments_per_learner
        picked = rng.sample(range(len(courses)), min(wanted, len(courses)))
        if n == 1:
            picked = [0, *[c for c in picked if c != 0]][:wanted]  # the lesson learner: course 0
        for k, c in enumerate(picked):
            total = len(courses[c]["steps"])
            if n == 1 and k == 0:
                done = LESSON_POSITION  # five steps done: the measured lesson is "next"
            elif (k == 0 and n != 1 or n == 1 and k == 1) and n < scale.credentials:
                done = total  # completed: this enrolment carries the learner's credential
            elif n == 0 and k < 2:
                done = total
            else:
                done = rng.randrange(0, total // 2 + 1)
            plan.append((n, c, done))
    return plan


def build_history(scale: Scale, rng: random.Random, learners, courses) -> dict:
    from courses.models import CourseCompletion, Enrollment, LearningRecord, StepCompletion

    plan = enrolments_for(scale, rng, learners, courses)
    bulk(
        Enrollment,
        (
            Enrollment(
                user=learners[n],
                course_id=courses[c]["id"],
                learner_key=rng.randbytes(12).hex(),
                cycle_started_at=NOW - timedelta(days=30),
            )
            for n, c, _ in plan
        ),
    )
    log(f"  {len(plan)} enrolments")
    ids = {
        (user_id, course_id): pk
        for pk, user_id, course_id in Enrollment.objects.values_list("pk", "user_id", "course_id")
    }
    steps = bulk(
        StepCompletion,
        (
            StepCompletion(
                enrollment_id=ids[(learners[n].pk, courses[c]["id"])], step_id=step_id, cycle=1
            )
            for n, c, done in plan
            for step_id in courses[c]["steps"][:done]
        ),
    )
    log(f"  {steps} step completions")
    completed = [(n, c) for n, c, done in plan if done == len(courses[c]["steps"]) and done > 0]
    bulk(
        CourseCompletion,
        (
            CourseCompletion(
                enrollment_id=ids[(learners[n].pk, courses[c]["id"])],
                user=learners[n],
                course_id=courses[c]["id"],
                course_title=f"Course {c:03d}",
                cycle=1,
                edition={
                    "course": {
                        "id": courses[c]["id"],
                        "title": f"Course {c:03d}",
                        "revision_id": None,
                    },
                    "steps": [
                        {
                            "id": s,
                            "type": "lessonpage",
                            "title": f"Step {k + 1}",
                            "revision_id": None,
                        }
                        for k, s in enumerate(courses[c]["steps"])
                    ],
                },
            )
            for n, c in completed
        ),
    )
    log(f"  {len(completed)} course completions")
    records = bulk(LearningRecord, learning_records(scale, rng, learners, courses, plan))
    log(f"  {records} learning records")
    return {"plan": plan, "completed": completed}


def learning_records(scale, rng, learners, courses, plan) -> Iterator:
    from courses.models import LearningRecord

    by_learner: dict[int, list[int]] = {}
    for n, c, _ in plan:
        by_learner.setdefault(n, []).append(c)
    verbs = [
        (LearningRecord.Verb.EXPERIENCED, 5),
        (LearningRecord.Verb.COMPLETED, 3),
        (LearningRecord.Verb.REGISTERED, 1),
        (LearningRecord.Verb.PASSED, 1),
    ]
    population = [verb for verb, weight in verbs for _ in range(weight)]
    days_used: dict[int, int] = {}
    for _ in range(scale.activity_rows):
        n = rng.randrange(len(learners))
        c = rng.choice(by_learner[n])
        step = rng.choice(courses[c]["steps"])
        verb = rng.choice(population)
        day = None
        if verb == LearningRecord.Verb.EXPERIENCED:
            days_used[n] = days_used.get(n, 0) + 1  # a distinct day per row: never a duplicate
            day = (NOW - timedelta(days=days_used[n])).date()
        yield LearningRecord(
            user=learners[n],
            learner_key="",
            verb=verb,
            object_id=f"https://bench.example/xapi/activities/page/{step}",
            object_name=f"Step {step}",
            object_type="lessonpage",
            context_id=f"https://bench.example/xapi/activities/coursepage/{courses[c]['id']}",
            result={"success": True} if verb == LearningRecord.Verb.PASSED else None,
            day=day,
        )


def build_credentials(scale: Scale, rng: random.Random, learners, courses) -> dict:
    """Really issue a few credentials (rendered and signed), then copy one for the rest."""
    from django.db import connection

    from courses.models import CourseCompletion
    from credentials.models import Credential, StatusListCounter
    from credentials.services import credential_issue
    from credentials.snapshot import completion_snapshot

    VISIBILITIES = [Credential.Visibility.ACHIEVEMENT, Credential.Visibility.FULL]
    completions = list(
        CourseCompletion.objects.filter(user__in=learners[: scale.credentials])
        .select_related("user", "course")
        .order_by("user__username", "pk")
    )
    seen, chosen = set(), []
    for completion in completions:  # one credential per learner: their first completed course
        if completion.user_id not in seen:
            seen.add(completion.user_id)
            chosen.append(completion)
    real = chosen[2 : 2 + scale.verified_credentials]
    Credential.objects.bulk_create(
        [
            Credential(
                completion=completion,
                user=completion.user,
                course=completion.course,
                printed_name=completion.user.credential_name,
                skills=sorted(SKILLS[:3]),
                snapshot=completion_snapshot(completion),
                visibility=VISIBILITIES[k % 2],
                status_list_index=k,
                valid_from=NOW,
                public_id=token(rng),
            )
            for k, completion in enumerate(real)
        ]
    )
    issued = []
    for credential in Credential.objects.filter(status=Credential.Status.PENDING).order_by("pk"):
        issued.append(credential_issue(credential_id=credential.pk))
    template = issued[0]
    log(f"  {len(issued)} credentials issued for real (rendered and signed)")
    rest = [c for c in chosen if c not in real]
    offset = len(real)
    bulk(
        Credential,
        (
            Credential(
                completion=completion,
                user=completion.user,
                course=completion.course,
                status=Credential.Status.ISSUED,
                printed_name=completion.user.credential_name,
                skills=template.skills,
                snapshot=template.snapshot,
                visibility=Credential.Visibility.ACHIEVEMENT,
                status_list_index=offset + k,
                valid_from=NOW,
                issued_at=NOW,
                pdf=template.pdf.name,
                pdf_sha256=template.pdf_sha256,
                badge=template.badge,
                public_id=token(rng),
            )
            for k, completion in enumerate(rest)
        ),
    )
    StatusListCounter.objects.update_or_create(pk=1, defaults={"next_index": offset + len(rest)})
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM credentials_credential")
        total = cursor.fetchone()[0]
    log(f"  {total} credentials in all")
    return {"verify_ids": [c.public_id for c in issued], "total": total}


# --- logged-in load: sessions, and quiz attempts to submit -------------------------------------


def session_keys(users, rng: random.Random) -> dict[int, str]:
    """A logged-in session per user, written in bulk (the same data ``login()`` stores)."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    backend = settings.AUTHENTICATION_BACKENDS[0]
    expires = datetime.now(UTC) + timedelta(days=7)
    keys, rows = {}, []
    store = SessionStore()
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    for user in users:
        key = "".join(rng.choice(alphabet) for _ in range(32))
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": backend,
            "_auth_user_hash": user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys[user.pk] = key
    bulk(Session, rows)
    return keys


def cookie(session_key: str) -> str:
    from django.conf import settings

    session, csrf = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
    return f"{session}={session_key}; {csrf}={CSRF_SECRET}"


def build_quiz_pool(scale: Scale, rng: random.Random, courses, password_hash: str) -> dict:
    """Open attempts to submit, one per pool learner and quiz of the last course.

    One attempt per quiz goes through ``attempt_start`` (the real service); the others copy its
    rows in bulk, so every POST grades a fresh attempt with the same 20 questions.
    """
    from courses.models import Enrollment
    from quizzes.demo import correct_answers
    from quizzes.models import Attempt, AttemptQuestion, QuizPage
    from quizzes.services import attempt_start

    course = courses[-1]
    pool = build_users("quizpool", scale.quiz_pool_learners, password_hash)
    bulk(
        Enrollment,
        (
            Enrollment(user=u, course_id=course["id"], cycle_started_at=NOW - timedelta(days=1))
            for u in pool
        ),
    )
    keys = session_keys(pool, rng)
    quizzes = list(QuizPage.objects.filter(pk__in=course["steps"]).order_by("path"))
    copied = [f for f in Attempt._meta.concrete_fields if not f.primary_key and f.name != "user"]
    q_fields = [
        f
        for f in AttemptQuestion._meta.concrete_fields
        if not f.primary_key and f.name != "attempt"
    ]
    requests = []
    for quiz in quizzes:
        first = attempt_start(user=pool[0], quiz=quiz)
        answers = correct_answers(first)
        template_questions = list(first.questions.order_by("position"))
        clones = Attempt.objects.bulk_create(
            [
                Attempt(user=user, **{f.attname: getattr(first, f.attname) for f in copied})
                for user in pool[1:]
            ]
        )
        bulk(
            AttemptQuestion,
            (
                AttemptQuestion(
                    attempt=attempt, **{f.attname: getattr(q, f.attname) for f in q_fields}
                )
                for attempt in clones
                for q in template_questions
            ),
        )
        for attempt in [first, *clones]:
            body = urlencode({**answers, "csrfmiddlewaretoken": CSRF_SECRET}, doseq=True)
            requests.append(
                {
                    "attempt": attempt.pk,
                    "path": f"/quizzes/attempts/{attempt.pk}/submit/",
                    "cookie": cookie(keys[attempt.user_id]),
                    "body": body,
                }
            )
    rng.shuffle(requests)
    return {
        "quiz_ids": [q.pk for q in quizzes],
        "questions": len(template_questions),
        "requests": requests,
    }


# --- what the load generator needs ---------------------------------------------------------------


def available_routes() -> dict[str, str]:
    """Which measured endpoints exist in this tree ('' when available, else why not)."""
    from django.urls import NoReverseMatch, reverse

    routes = {
        "dashboard": ("courses:dashboard", {}),
        "quiz_submit": ("quizzes:submit", {"attempt_id": 1}),
        "verification_page": ("verification:credential", {"public_id": "x" * 27}),
        "verification_api": ("verification:api_credential", {"public_id": "x" * 27}),
    }
    found = {}
    for name, (route, kwargs) in routes.items():
        try:
            reverse(route, kwargs=kwargs)
            found[name] = ""
        except NoReverseMatch:
            found[name] = f"no URL named {route}"
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--out", type=Path, default=WORK / "fixtures.json")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from credentials.pdf_signing import ensure_dev_pki

    scale = SCALES[args.scale]
    rng = random.Random(SEED)
    started = time.monotonic()
    ensure_dev_pki(Path(settings.LINEAGE_KEY_DIR) / "pdf", issuer_name=settings.LINEAGE_ISSUER_NAME)
    password_hash = make_password(PASSWORD)
    instructor = build_users("instructor", 1, password_hash)[0]
    questions, quiz_problem = build_question_bank(instructor)
    log(f"question bank: {len(questions)} questions {quiz_problem}")
    with transaction.atomic():  # one commit for hundreds of pages, not one per statement
        pages = build_pages(scale, rng, instructor, questions)
    courses = pages["courses"]
    log(f"{len(courses)} courses of {len(courses[0]['steps'])} steps")
    learners = build_users("learner", scale.learners, password_hash)
    log(f"{len(learners)} learners")
    with transaction.atomic():
        build_history(scale, rng, learners, courses)
    credentials = build_credentials(scale, rng, learners, courses)
    routes = available_routes()
    quiz = {"requests": []}
    if questions and not routes["quiz_submit"]:
        try:
            quiz = build_quiz_pool(scale, rng, courses, password_hash)
            log(f"quiz pool: {len(quiz['requests'])} open attempts")
        except Exception as exc:  # the quizzes engine is landing alongside: report, don't fake
            quiz_problem = f"quiz pool could not be built: {exc!r}"
            log(quiz_problem)
    elif not quiz_problem:
        quiz_problem = routes["quiz_submit"]
    keys = session_keys(learners[:2], rng)
    from courses.models import LessonPage

    first = courses[0]
    lessons = list(LessonPage.objects.filter(pk__in=first["steps"]).order_by("path"))
    lesson = lessons[LESSON_POSITION]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    fixtures = {
        "scale": scale.name,
        "home": "/",
        "catalogue": pages["index"].url,
        "course": LessonPage.objects.get(pk=lesson.pk).get_parent().url,
        "lesson": lesson.url,
        "lesson_position": LESSON_POSITION,
        "lesson_id": lesson.pk,
        "lesson_slugs": [page.slug for page in lessons],
        "lesson_cookie": cookie(keys[learners[1].pk]),
        "dashboard_cookie": cookie(keys[learners[0].pk]),
        "verify_ids": credentials["verify_ids"],
        "quiz": quiz,
        "quiz_problem": quiz_problem,
        "routes": routes,
        "counts": table_counts(),
        "seconds": round(time.monotonic() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(fixtures, indent=1))
    log(f"done in {fixtures['seconds']} s: {fixtures['counts']}")


def table_counts() -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from courses.models import Enrollment, LearningRecord, StepCompletion
    from credentials.models import Credential

    return {
        "users": get_user_model().objects.count(),
        "enrollments": Enrollment.objects.count(),
        "step_completions": StepCompletion.objects.count(),
        "learning_records": LearningRecord.objects.count(),
        "credentials": Credential.objects.count(),
    }


if __name__ == "__main__":
    main()
