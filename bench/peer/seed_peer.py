"""Build the peer's equivalent course and a logged-in, enrolled learner (runs in the peer venv).

    python seed_peer.py lessons.json fixtures.json

``lessons.json`` holds the lessons of Lineage's measured course (title, slug, summary, outcomes
and StreamField body), written by bench/run.py from the same demo text the bench course uses.
wagtail-lms lessons are rich text, so each block becomes HTML with the same words: headings
stay headings, callouts become a heading and their body, quotes a blockquote.
"""

import html
import json
import sys
from datetime import timedelta

import django


def block_html(block: dict) -> str:
    kind, value = block["type"], block["value"]
    if kind == "paragraph":
        return value
    if kind == "heading":
        level = value.get("level", "h2")
        return f"<{level}>{html.escape(value['text'])}</{level}>"
    if kind == "quote":
        return (
            f"<blockquote><p>{html.escape(value['quote'])}</p></blockquote>"
            f"<p>{html.escape(value.get('attribution', ''))}</p>"
        )
    parts = []
    for key, item in value.items() if isinstance(value, dict) else []:
        if key in ("kind", "level", "type") or not isinstance(item, str) or not item.strip():
            continue
        if key == "title":
            parts.append(f"<h3>{html.escape(item)}</h3>")
        elif item.lstrip().startswith("<"):
            parts.append(item)
        else:
            parts.append(f"<p>{html.escape(item)}</p>")
    return "".join(parts)


def main() -> None:
    lessons_file, out_file = sys.argv[1], sys.argv[2]
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from wagtail.models import Site

    from wagtail_lms.models import CourseEnrollment, CoursePage, H5PLessonPage

    data = json.loads(open(lessons_file, encoding="utf-8").read())
    root = Site.objects.get(is_default_site=True).root_page
    course = CoursePage(title=data["course_title"], slug="course-000",
                        description=f"<p>{html.escape(data['course_summary'])}</p>")
    root.add_child(instance=course)
    course.save_revision().publish()
    lessons = []
    for lesson in data["lessons"]:
        outcomes = "".join(f"<li>{html.escape(o)}</li>" for o in lesson["outcomes"])
        page = H5PLessonPage(
            title=lesson["title"],
            slug=lesson["slug"],
            intro=f"<p>{html.escape(lesson['summary'])}</p><ul>{outcomes}</ul>",
            body=json.dumps(
                [{"type": "paragraph", "value": block_html(b)} for b in lesson["body"]]
            ),
        )
        course.add_child(instance=page)
        page.save_revision().publish()
        lessons.append(page)
    user = get_user_model().objects.create_user(
        username="learner", email="learner@bench.example", password="bench-password"
    )
    CourseEnrollment.objects.create(user=user, course=course)
    # A logged-in session, exactly what django.contrib.auth.login() stores.
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.set_expiry(timedelta(days=7))
    session.create()
    measured = lessons[data["position"]]
    out = {
        "course": course.url,
        "lesson": measured.url,
        "lesson_title": measured.title,
        "lessons": len(lessons),
        "cookie": f"sessionid={session.session_key}",
        "created": timezone.now().isoformat(),
    }
    with open(out_file, "w", encoding="utf-8") as handle:
        json.dump(out, handle, indent=1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
