"""Wagtail admin views for instructors: learner progress reports and CSV bulk enrolment.

Thin on purpose: who may see a course is ``reports.courses_taught_by`` (any other course is a
404, so nobody learns that it exists), reads are in ``courses.reports``, the file's rules in
``courses.enrolment_import`` and the write in ``services.enrollment_bulk_create``. Wagtail
wraps every admin URL in its own check, so people without admin access never get here.
"""

import csv

from django import forms
from django.core.validators import FileExtensionValidator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import enrolment_import, reports
from .progress import course_steps
from .services import EnrollmentError, enrollment_bulk_create

TITLE = "Learner progress"
# Report table columns: (label, ?ordering= key).
LEARNER_COLUMNS = [
    ("Learner", "name"),
    ("Email", "email"),
    ("Enrolled on", "enrolled"),
    ("Required steps done", "progress"),
    ("Completed on", "completed"),
]


def taught_course_or_404(user, course_id: int):
    """The course if ``user`` may see its learners; otherwise 404, whether it exists or not."""
    return get_object_or_404(reports.courses_taught_by(user), pk=course_id)


class LearnerProgressIndexView(WagtailAdminTemplateMixin, TemplateView):
    """Every course the user teaches (all, for superusers), with headline numbers."""

    template_name = "courses/admin/learner_progress_index.html"
    page_title = TITLE
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": TITLE}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summaries"] = reports.course_summaries(
            reports.courses_taught_by(self.request.user)
        )
        return context


class CourseAccessMixin:
    """Loads ``self.course`` for a course the user teaches, before anything else runs."""

    def dispatch(self, request, *args, **kwargs):
        self.course = taught_course_or_404(request.user, kwargs["course_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("learner_progress:index"), "label": TITLE},
            {"url": "", "label": self.course.title},
        ]

    def get_page_title(self):
        return f"{TITLE}: {self.course.title}"


class CourseReportView(CourseAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """One course: the completion funnel per step and a sortable, paginated learner table."""

    template_name = "courses/admin/course_report.html"
    header_icon = "group"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ordering = self.request.GET.get("ordering", reports.DEFAULT_ORDERING)
        if ordering not in reports.LEARNER_ORDERINGS:
            ordering = reports.DEFAULT_ORDERING
        steps = course_steps(self.course)
        total = reports.required_total(steps)
        paginator = WagtailPaginator(
            reports.learner_rows(self.course, steps, ordering), reports.LEARNERS_PER_PAGE
        )
        page = paginator.get_page(self.request.GET.get("p"))
        summary = reports.course_summaries([self.course])[0]
        context.update(
            course=self.course,
            summary=summary,
            funnel=reports.step_funnel(self.course, steps, summary.active),
            required_total=total,
            items=page,
            learners=[reports.learner_row(e, total) for e in page.object_list],
            elided_page_range=paginator.get_elided_page_range(page.number),
            columns=sort_columns(ordering),
            upload_form=EnrolmentUploadForm(),
        )
        return context


def sort_columns(ordering: str) -> list[dict]:
    """Each column's label, the ordering its header link asks for, and its aria-sort."""
    columns = []
    for label, key in LEARNER_COLUMNS:
        if ordering == key:
            state, link = "ascending", f"-{key}"
        elif ordering == f"-{key}":
            state, link = "descending", key
        else:
            state, link = "", key
        columns.append({"label": label, "ordering": link, "aria_sort": state})
    return columns


def course_report_csv(request, course_id: int) -> HttpResponse:
    """The report's learner table as a CSV download (all learners, the table's order)."""
    course = taught_course_or_404(request.user, course_id)
    ordering = request.GET.get("ordering", reports.DEFAULT_ORDERING)
    steps = course_steps(course)
    total = reports.required_total(steps)
    rows = (reports.learner_row(e, total) for e in reports.learner_rows(course, steps, ordering))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{reports.csv_filename(course)}"'
    response["Cache-Control"] = "private, no-store"  # personal data: keep it out of caches
    response.write("\ufeff")  # so Excel reads the file as UTF-8
    csv.writer(response).writerows(reports.learner_csv_rows(rows))
    return response


class EnrolmentUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file of email addresses",
        help_text=(
            "One email address per row, in the first column or a column headed “email”. "
            f"At most {enrolment_import.MAX_ROWS:,} rows and "
            f"{enrolment_import.size_label(enrolment_import.MAX_UPLOAD_BYTES)}. "
            "If any row has a problem, nobody is enrolled."
        ),
        validators=[FileExtensionValidator(["csv", "txt"])],
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        """The file's rows, read and checked (``ParsedFile``): file-wide problems are errors."""
        upload = self.cleaned_data["file"]
        if upload.size > enrolment_import.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than the "
                f"{enrolment_import.size_label(enrolment_import.MAX_UPLOAD_BYTES)} limit. "
                "Split it into smaller files and upload each one."
            )
        try:
            text = enrolment_import.decode_upload(
                upload.read(enrolment_import.MAX_UPLOAD_BYTES + 1)
            )
            return enrolment_import.parse_emails(text)
        except enrolment_import.ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None


class EnrolmentImportView(CourseAccessMixin, WagtailAdminTemplateMixin, FormView):
    """Upload a CSV of addresses; enrol them all, or nobody and say which rows to fix."""

    template_name = "courses/admin/enrolment_import.html"
    form_class = EnrolmentUploadForm
    header_icon = "upload"

    def get_page_title(self):
        return f"Enrol learners: {self.course.title}"

    def get_breadcrumbs_items(self):
        *trail, _ = super().get_breadcrumbs_items()
        return [
            *trail,
            {
                "url": reverse("learner_progress:course", args=[self.course.pk]),
                "label": self.course.title,
            },
            {"url": "", "label": "Enrol learners"},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["course"] = self.course
        return context

    def form_valid(self, form):
        parsed = form.cleaned_data["file"]
        if not self.course.live:
            return self.show(form, problem="This course isn't published, so nobody can enrol.")
        emails = parsed.emails
        errors = parsed.errors + enrolment_import.account_errors(
            parsed.rows, enrolment_import.active_account_emails(emails)
        )
        if errors:
            return self.show(form, row_errors=sorted(errors, key=lambda e: e.number))
        already = enrolment_import.already_enrolled_emails(self.course, emails)
        try:
            enrollment_bulk_create(course=self.course, emails=emails, actor=self.request.user)
        except EnrollmentError as exc:
            by_email = getattr(exc, "errors", None)
            if not by_email:
                return self.show(form, problem=str(exc))
            return self.show(
                form, row_errors=enrolment_import.errors_for_rows(parsed.rows, by_email)
            )
        return self.show(
            self.form_class(),
            done=True,
            results=[(row, row.email in already) for row in parsed.rows],
            enrolled_count=len(parsed.rows) - len(already),
            already_count=len(already),
        )

    def show(self, form, **extra):
        return self.render_to_response(self.get_context_data(form=form, **extra))
