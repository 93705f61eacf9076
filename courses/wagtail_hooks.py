"""Wagtail wiring for courses."""

from django.urls import include, path, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from lms.page_privacy import unmet_restriction

from . import admin_views, reports, services
from .models import LessonPage


@hooks.register("before_serve_page")
def record_lesson_view(page, request, serve_args, serve_kwargs):
    """Add "viewed" to an enrolled learner's record (at most once a day; usually no query).

    This hook runs before Wagtail checks the page's view restrictions, so it checks them
    itself: a visitor turned away (login or password form) has not viewed the lesson.
    """
    if not isinstance(page, LessonPage) or not request.user.is_authenticated:
        return
    if unmet_restriction(request, page) is None:
        services.lesson_view_record(user=request.user, lesson=page)


# --- Instructor reports: "Learner progress" and CSV bulk enrolment ----------------------


class LearnerProgressMenuItem(MenuItem):
    """Shown to superusers and to anyone teaching a course (one small query per menu)."""

    def is_shown(self, request):
        return reports.can_view_reports(request.user)


@hooks.register("register_admin_menu_item")
def register_learner_progress_menu_item():
    return LearnerProgressMenuItem(
        "Learner progress",
        reverse_lazy("learner_progress:index"),
        name="learner-progress",
        icon_name="group",
        order=250,
    )


@hooks.register("register_admin_urls")
def register_learner_progress_urls():
    urls = [
        path("", admin_views.LearnerProgressIndexView.as_view(), name="index"),
        path("<int:course_id>/", admin_views.CourseReportView.as_view(), name="course"),
        path("<int:course_id>/learners.csv", admin_views.course_report_csv, name="csv"),
        path("<int:course_id>/enrol/", admin_views.EnrolmentImportView.as_view(), name="enrol"),
    ]
    return [path("learner-progress/", include((urls, "learner_progress")))]


class EnrolmentImportLogFormatter(LogFormatter):
    label = "Enrol learners from a CSV file"

    def format_message(self, log_entry):
        enrolled = log_entry.data.get("enrolled", 0)
        already = log_entry.data.get("already_enrolled", 0)
        return (
            f"Enrolled {enrolled} learner{'' if enrolled == 1 else 's'} from a CSV file "
            f"({already} already enrolled)"
        )


@hooks.register("register_log_actions")
def register_enrolment_import_log_action(actions):
    actions.register_action("courses.enrolment_import")(EnrolmentImportLogFormatter)
