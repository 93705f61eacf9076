"""Wagtail wiring for courses."""

from wagtail import hooks

from . import services
from .models import LessonPage


@hooks.register("before_serve_page")
def record_lesson_view(page, request, serve_args, serve_kwargs):
    """Add "viewed" to an enrolled learner's record (at most once a day; usually no query)."""
    if isinstance(page, LessonPage) and request.user.is_authenticated:
        services.lesson_view_record(user=request.user, lesson=page)
