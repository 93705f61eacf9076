"""Announcements other apps subscribe to. ``courses`` never imports its subscribers.

``course_completed`` is sent synchronously inside the transaction that records the
completion, so a subscriber's rows (e.g. a pending credential) commit or roll back with it.
Receivers must not swallow their own errors: an exception aborts the completion.

``dashboard_sections`` lets another app add a section to the learner dashboard (e.g.
"Your credentials") without ``courses`` knowing about it.
"""

from collections.abc import Callable

from django.dispatch import Signal

# kwargs: completion (CourseCompletion)
course_completed = Signal()

# Each section is ``func(user) -> (template_name, context) | None``; None hides the section.
# A section should cost a fixed number of queries, however much the learner has.
DashboardSection = Callable[[object], tuple[str, dict] | None]
dashboard_sections: list[DashboardSection] = []


def register_dashboard_section(func: DashboardSection) -> DashboardSection:
    """Add ``func`` to the learner dashboard (once, however often it is registered)."""
    if func not in dashboard_sections:
        dashboard_sections.append(func)
    return func
