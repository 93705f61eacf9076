"""Wagtail admin views for instructors: GIFT import, quiz insight, results CSV, essay grading.

Who may see a quiz: superusers, and the instructors of its course (the quiz's parent page,
``CoursePage.instructors`` as last published). Any other quiz is a 404, so nobody learns that
it exists. Essays may also be graded by holders of ``quizzes.grade_essays``, as the grading
service allows. Wagtail wraps every admin URL in its own check, so people without admin
access never get here. Reads cost a fixed number of queries, however many attempts there are.
"""

import csv

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.validators import FileExtensionValidator
from django.db.models import Count, Q
from django.db.models.functions import Length, Substr
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.models import CoursePage
from courses.reports import courses_taught_by
from lms.spreadsheets import csv_safe

from . import services
from .gift_import import (
    GiftImportError,
    export_quiz_gift,
    gift_import,
    gift_plan,
    questions_import,
)
from .models import Attempt, AttemptQuestion, Question, QuizPage
from .question_types import REGISTRY
from .statistics import AttemptScores, quiz_statistics

TITLE = "Quizzes"
MAX_UPLOAD_BYTES = 512 * 1024
TOKEN_SALT = "quizzes.admin.gift-import"
TOKEN_MAX_AGE = 60 * 60  # an upload waits this long (seconds) for its confirmation
ESSAYS_PER_PAGE = 50


# --- Who may see what ---------------------------------------------------------------------


def taught_quizzes(user):
    """Quizzes in the courses ``user`` teaches; every quiz for superusers (one query)."""
    if user.is_superuser:
        return QuizPage.objects.all()
    parent_path = Substr("path", 1, Length("path") - QuizPage.steplen)
    return QuizPage.objects.annotate(parent_path=parent_path).filter(
        parent_path__in=courses_taught_by(user).values("path")
    )


def gradable_quizzes(user):
    """Quizzes whose essays ``user`` may grade (``selectors.can_grade``, as a queryset)."""
    if user.has_perm("quizzes.grade_essays"):
        return QuizPage.objects.all()
    return taught_quizzes(user)


def quiz_or_404(user, quiz_id: int) -> QuizPage:
    """The quiz if ``user`` teaches it; otherwise 404, whether it exists or not."""
    return get_object_or_404(taught_quizzes(user), pk=quiz_id)


class QuizAccessMixin:
    """Loads ``self.quiz`` (one the user teaches) before anything else runs."""

    def dispatch(self, request, *args, **kwargs):
        self.quiz = quiz_or_404(request.user, kwargs["quiz_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("quiz_admin:index"), "label": TITLE},
            {"url": reverse("quiz_admin:insight", args=[self.quiz.pk]), "label": self.quiz.title},
            {"url": "", "label": self.page_title},
        ]

    def get_page_title(self):
        return f"{self.page_title}: {self.quiz.title}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(quiz=self.quiz, **kwargs)


# --- Index --------------------------------------------------------------------------------


class QuizIndexView(WagtailAdminTemplateMixin, TemplateView):
    """The quizzes the user teaches, by course, with attempts and essays waiting."""

    template_name = "quizzes/admin/quiz_index.html"
    page_title = TITLE
    header_icon = "help"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": TITLE}]

    def get_context_data(self, **kwargs):
        finished = ~Q(attempts__status=Attempt.Status.OPEN)
        waiting = Q(attempts__status=Attempt.Status.SUBMITTED, attempts__needs_grading=True)
        quizzes = list(
            taught_quizzes(self.request.user)
            .annotate(
                finished=Count("attempts", filter=finished),
                waiting=Count("attempts", filter=waiting),
            )
            .order_by("path")
        )
        steplen = QuizPage.steplen
        courses = CoursePage.objects.in_bulk(
            [q.path[:-steplen] for q in quizzes], field_name="path"
        )
        for quiz in quizzes:
            quiz.course = courses.get(quiz.path[:-steplen])
        return super().get_context_data(quizzes=quizzes, **kwargs)


# --- GIFT import --------------------------------------------------------------------------


class GiftUploadForm(forms.Form):
    file = forms.FileField(
        label="GIFT file",
        help_text=(
            f"A Moodle GIFT file (.gift or .txt) saved as UTF-8, at most {MAX_UPLOAD_BYTES // 1024}"
            " KB. You will see what it contains before anything is imported."
        ),
        validators=[FileExtensionValidator(["gift", "txt"])],
        widget=forms.FileInput(attrs={"accept": ".gift,.txt,text/plain"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KB. Split it into smaller "
                "files and import each one."
            )
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise forms.ValidationError(
                f"The file isn't UTF-8 text (unreadable byte on line {line}). GIFT files must "
                "be saved as UTF-8: save it again with that encoding and upload it."
            ) from None
        return data


def import_token(*, quiz: QuizPage, user, text: str) -> str:
    """The upload, signed for this quiz and user, to carry through the confirm step."""
    payload = {"quiz": quiz.pk, "user": user.pk, "text": text}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def token_text(token: str, *, quiz: QuizPage, user) -> str | None:
    """The uploaded text if the token is genuine, recent, and for this quiz and user."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if payload.get("quiz") != quiz.pk or payload.get("user") != user.pk:
        return None
    return payload.get("text")


class GiftImportView(QuizAccessMixin, WagtailAdminTemplateMixin, FormView):
    """Upload a GIFT file and preview it: every question, its type and any problem."""

    template_name = "quizzes/admin/gift_import.html"
    form_class = GiftUploadForm
    page_title = "Import questions"
    header_icon = "upload"

    def form_valid(self, form):
        data = form.cleaned_data["file"]
        try:
            plan = gift_plan(data)
        except GiftImportError as error:
            form.add_error("file", f"The file can't be read: {error}.")
            return self.form_invalid(form)
        if not plan.questions and not plan.problems:
            form.add_error("file", "The file has no questions in it. Check it is a GIFT file.")
            return self.form_invalid(form)
        try:
            outcomes = questions_import(
                questions=plan.questions, quiz=self.quiz, actor=self.request.user, dry_run=True
            ).outcomes
        except GiftImportError as error:  # it would change another course's question
            form.add_error("file", f"The file can't be imported: {error}.")
            return self.form_invalid(form)
        by_line = {data.line: outcome for data, outcome, _ in outcomes}
        rows = plan.rows()
        for row in rows:
            row["outcome"] = by_line.get(row["line"], "")
        context = self.get_context_data(
            form=self.form_class(),
            plan=plan,
            rows=rows,
            token=import_token(quiz=self.quiz, user=self.request.user, text=data.decode("utf-8")),
        )
        return self.render_to_response(context)


class GiftImportConfirmView(QuizAccessMixin, View):
    """Import the previewed file: re-read and re-checked here, never trusted as previewed."""

    http_method_names = ["post"]

    def post(self, request, quiz_id: int):
        text = token_text(request.POST.get("token", ""), quiz=self.quiz, user=request.user)
        upload_again = redirect("quiz_admin:import", self.quiz.pk)
        if text is None:
            messages.error(
                request, "That upload has expired or isn't for this quiz. Upload the file again."
            )
            return upload_again
        try:
            report = gift_import(
                data=text,
                quiz=self.quiz,
                actor=request.user,
                skip_invalid=request.POST.get("skip_invalid") == "on",
                dry_run=False,
            )
        except GiftImportError as error:
            messages.error(request, f"Nothing was imported: {error}.")
            return upload_again
        if report.attached and not report.published:
            messages.warning(
                request,
                f"{report.summary()} The quiz has unpublished changes, so the questions were "
                "added to its draft: publish the quiz to make them live.",
            )
        else:
            messages.success(request, report.summary())
        return redirect("wagtailadmin_pages:edit", self.quiz.pk)


# --- Insight and results ------------------------------------------------------------------


def finished_attempts(quiz: QuizPage):
    """Submitted and graded attempts (an attempt in progress has no result yet)."""
    return Attempt.objects.filter(quiz=quiz).exclude(status=Attempt.Status.OPEN)


def attempt_scores(quiz: QuizPage) -> list[AttemptScores]:
    """Every finished attempt with its per-question scores (two queries)."""
    attempts = {
        pk: AttemptScores(pk, None if score is None else float(score), passed, {})
        for pk, score, passed in finished_attempts(quiz).values_list("pk", "score", "passed")
    }
    rows = AttemptQuestion.objects.filter(attempt__in=finished_attempts(quiz)).values_list(
        "attempt_id", "version__question_id", "version_id", "score", "points"
    )
    for attempt_id, question_id, version_id, score, points in rows:
        key = question_id if question_id is not None else -version_id  # a deleted question
        fraction = None if score is None else float(score)
        attempts[attempt_id].items[key] = (fraction, float(points))
    return list(attempts.values())


def question_titles(quiz: QuizPage, keys) -> dict[int, str]:
    """Titles for statistics keys, quiz order first (one query)."""
    titles = dict(
        Question.objects.filter(pk__in=[k for k in keys if k > 0]).values_list("pk", "title")
    )
    return {key: titles.get(key, "A deleted question") for key in keys}


class QuizInsightView(QuizAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """Attempts, pass rate, the score distribution, and how each question performs."""

    template_name = "quizzes/admin/quiz_insight.html"
    page_title = "Insight"
    header_icon = "view"

    def get_context_data(self, **kwargs):
        stats = quiz_statistics(attempt_scores(self.quiz))
        order = list(
            self.quiz.quiz_questions.order_by("sort_order", "pk").values_list(
                "question_id", flat=True
            )
        )
        keys = sorted(
            stats.questions, key=lambda k: (order.index(k) if k in order else len(order), k)
        )
        titles = question_titles(self.quiz, keys)
        questions = [{"title": titles[k], "stats": stats.questions[k]} for k in keys]
        most = max(stats.distribution, default=0)
        bars = [
            (label, count, round(100 * count / most) if most else 0)
            for label, count in stats.distribution_rows
        ]
        return super().get_context_data(stats=stats, questions=questions, bars=bars, **kwargs)


def results_csv_rows(quiz: QuizPage) -> list[list[str]]:
    """One row per finished attempt (header first), every text cell formula-safe."""
    order = list(
        quiz.quiz_questions.order_by("sort_order", "pk").values_list("question_id", flat=True)
    )
    attempts = list(finished_attempts(quiz).select_related("user").order_by("submitted_at", "pk"))
    scores: dict[int, dict[int, str]] = {}
    rows = AttemptQuestion.objects.filter(attempt__in=finished_attempts(quiz)).values_list(
        "attempt_id", "version__question_id", "score"
    )
    for attempt_id, question_id, score in rows:
        if question_id is not None:
            shown = "" if score is None else f"{100 * score:.2f}"
            scores.setdefault(attempt_id, {})[question_id] = shown
    titles = question_titles(quiz, order)
    header = [
        "Learner",
        "Email",
        "Attempt",
        "Status",
        "Started",
        "Submitted",
        "Score (%)",
        "Result",
    ]
    lines = [header + [csv_safe(f"Q{n}: {titles[k]} (%)") for n, k in enumerate(order, 1)]]
    for attempt in attempts:
        user = attempt.user
        if attempt.passed is None:
            result = "Waiting for grading"
        else:
            result = "Passed" if attempt.passed else "Failed"
        lines.append(
            [
                csv_safe(user.get_display_name()) if user else "Deleted account",
                csv_safe(user.email) if user else "",
                str(attempt.number),
                attempt.get_status_display(),
                timezone.localtime(attempt.started_at).isoformat(timespec="minutes"),
                timezone.localtime(attempt.submitted_at).isoformat(timespec="minutes"),
                "" if attempt.score is None else str(attempt.score),
                result,
                *(scores.get(attempt.pk, {}).get(k, "") for k in order),
            ]
        )
    return lines


def quiz_results_csv(request, quiz_id: int) -> HttpResponse:
    """Every finished attempt at the quiz as a CSV download."""
    quiz = quiz_or_404(request.user, quiz_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="quiz-{quiz.pk}-{quiz.slug}-results.csv"'
    )
    response["Cache-Control"] = "private, no-store"  # personal data: keep it out of caches
    response.write("\ufeff")  # so Excel reads the file as UTF-8
    csv.writer(response).writerows(results_csv_rows(quiz))
    return response


def quiz_gift_download(request, quiz_id: int) -> HttpResponse:
    """The quiz's questions as a GIFT file (to edit offline and import again, or for Moodle)."""
    quiz = quiz_or_404(request.user, quiz_id)
    try:
        text = export_quiz_gift(quiz=quiz, user=request.user)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("quiz_admin:insight", quiz.pk)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quiz-{quiz.pk}-{quiz.slug}.gift"'
    return response


# --- Essay grading ------------------------------------------------------------------------


def essays_waiting(user):
    """Essay answers of submitted attempts still without a grade, in quizzes ``user`` grades."""
    manual = [name for name, qtype in REGISTRY.items() if qtype.manual]
    return AttemptQuestion.objects.filter(
        score__isnull=True,
        version__type_name__in=manual,
        attempt__status=Attempt.Status.SUBMITTED,
        attempt__quiz__in=gradable_quizzes(user),
    )


class EssayQueueView(WagtailAdminTemplateMixin, TemplateView):
    """Essay answers waiting for a grader, oldest first, in quizzes the user may grade."""

    template_name = "quizzes/admin/essay_queue.html"
    page_title = "Essays to grade"
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        essays = (
            essays_waiting(self.request.user)
            .select_related("attempt__user", "attempt__quiz", "version")
            .order_by("attempt__submitted_at", "attempt_id", "position")
        )
        page = WagtailPaginator(essays, ESSAYS_PER_PAGE).get_page(self.request.GET.get("p"))
        return super().get_context_data(essays=page, **kwargs)


class EssayGradeForm(forms.Form):
    score = forms.DecimalField(
        label="Score (%)",
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text="0 to 100: the share of the question's points this answer earns.",
    )
    feedback = forms.CharField(
        label="Feedback for the learner",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )


class EssayGradeView(WagtailAdminTemplateMixin, FormView):
    """One essay answer beside its question and rubric, with a mark and feedback to give."""

    template_name = "quizzes/admin/essay_grade.html"
    form_class = EssayGradeForm
    page_title = "Grade an essay"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        self.answer = get_object_or_404(
            essays_waiting(request.user).select_related(
                "attempt__user", "attempt__quiz", "version"
            ),
            pk=kwargs["answer_id"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("quiz_admin:essays"), "label": "Essays to grade"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            answer=self.answer, definition=self.answer.version.definition, **kwargs
        )

    def form_valid(self, form):
        try:
            services.essay_grade(
                attempt_question=self.answer,
                grader=self.request.user,
                fraction=form.cleaned_data["score"] / 100,
                feedback=form.cleaned_data["feedback"],
            )
        except services.GradingError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, "Grade saved.")
        return redirect("quiz_admin:essays")


urlpatterns = [
    path("", QuizIndexView.as_view(), name="index"),
    path("<int:quiz_id>/import/", GiftImportView.as_view(), name="import"),
    path("<int:quiz_id>/import/confirm/", GiftImportConfirmView.as_view(), name="import_confirm"),
    path("<int:quiz_id>/insight/", QuizInsightView.as_view(), name="insight"),
    path("<int:quiz_id>/results.csv", quiz_results_csv, name="results_csv"),
    path("<int:quiz_id>/questions.gift", quiz_gift_download, name="gift_export"),
    path("essays/", EssayQueueView.as_view(), name="essays"),
    path("essays/<int:answer_id>/", EssayGradeView.as_view(), name="grade"),
]
