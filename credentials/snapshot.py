"""The frozen record of what a credential attests, taken when it is created.

Everything the verification page, the PDF and the badge need is copied here, so a credential
survives later edits, purged revisions and deleted pages.
"""

from wagtail.models import Page

from courses.models import CourseCompletion


def _quiz_results(user, step_ids: list[int]) -> dict[int, dict]:
    """The learner's best graded attempt per quiz among ``step_ids`` (empty without quizzes)."""
    try:
        from quizzes.models import Attempt
    except ImportError:  # the quizzes app has no attempts yet
        return {}
    best: dict[int, dict] = {}
    attempts = Attempt.objects.filter(user=user, quiz_id__in=step_ids, passed=True).values(
        "quiz_id", "score"
    )
    for row in attempts:
        score = float(row["score"]) if row["score"] is not None else None
        if row["quiz_id"] not in best or (score or 0) > (best[row["quiz_id"]]["score"] or 0):
            best[row["quiz_id"]] = {"score": score}
    return best


def completion_snapshot(completion: CourseCompletion) -> dict:
    """Course title, edition, outcomes and each required step with revision ids and scores."""
    course = completion.course
    edition = completion.edition
    step_ids = [s["id"] for s in edition.get("steps", [])]
    pages = {p.pk: p for p in Page.objects.filter(pk__in=step_ids).specific()}
    results = _quiz_results(completion.user, step_ids) if completion.user_id else {}
    steps = []
    for step in edition.get("steps", []):
        page = pages.get(step["id"])
        entry = {
            "title": step["title"],
            "type": step["type"],
            "revision_id": step["revision_id"],
        }
        pass_mark = getattr(page, "pass_mark", None)
        if pass_mark is not None:
            entry["pass_mark"] = pass_mark
            entry["score"] = results.get(step["id"], {}).get("score")
        steps.append(entry)
    return {
        "course": {
            "id": edition["course"]["id"],
            "title": edition["course"]["title"],
            "code": getattr(course, "code", ""),
            "revision_id": edition["course"]["revision_id"],
            "summary": getattr(course, "summary", ""),
            "estimated_hours": float(course.estimated_hours) if course else None,
            "url": course.full_url if course else "",
        },
        "edition": f"Revision {edition['course']['revision_id']}, completed "
        f"{completion.completed_at:%Y-%m-%d}",
        "outcomes": [block.value for block in course.outcomes] if course else [],
        "steps": steps,
        "completed_at": completion.completed_at.isoformat(),
    }
