"""Wagtail admin wiring for quizzes: the question bank as a snippet, searchable and filterable.

The chooser (its list, search and "chosen" lookups) and the bank's listing hold only the
questions the user may use (``Question.objects.editable_by``): an instructor's, those of the
courses they teach; a superuser's, every bank. Only superusers hold the bank's snippet
permissions, so only they list and edit it here; instructors change questions by GIFT import.

Saving a question in the admin freezes a new version when its content changed, so the bank's
history is complete (attempts also version any question changed another way when they start).
"""

import django_filters
from taggit.models import Tag
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import UpdatedAtColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.reports import courses_taught_by

from . import services
from .models import Question


def question_skills():
    return Tag.objects.filter(quizzes_questiontag_items__isnull=False).distinct().order_by("name")


class QuestionFilterSet(WagtailFilterSet):
    skills = django_filters.ModelMultipleChoiceFilter(
        field_name="skills",
        queryset=question_skills(),
        label="Skill",
        distinct=True,
    )
    category = django_filters.CharFilter(lookup_expr="icontains", label="Category contains")
    course = django_filters.ModelChoiceFilter(
        queryset=lambda request: courses_taught_by(request.user), label="Course"
    )

    class Meta:
        model = Question
        fields = ["course", "skills", "category"]


class UsableQuestionsMixin:
    """A chooser view over the questions the user may use, never the whole bank."""

    def get_object_list(self):
        return Question.objects.editable_by(self.request.user)


class QuestionChooseView(UsableQuestionsMixin, ChooseView):
    pass


class QuestionChooseResultsView(UsableQuestionsMixin, ChooseResultsView):
    pass


def question_ids(values) -> list[str]:
    """The values that can be question ids (anything else would be a 500, not a miss)."""
    return [value for value in values if value.isascii() and value.isdigit()]


class QuestionChosenView(SnippetChosenView):
    def get_object(self, pk):
        return Question.objects.editable_by(self.request.user).get(pk__in=question_ids([pk]))


class QuestionChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return Question.objects.editable_by(self.request.user).filter(pk__in=question_ids(pks))


class QuestionChooserViewSet(SnippetChooserViewSet):
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    chosen_view_class = QuestionChosenView
    chosen_multiple_view_class = QuestionChosenMultipleView


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = "Question bank"
    menu_name = "question-bank"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "type_label", "course", "category", "idnumber", UpdatedAtColumn()]
    list_per_page = 50
    filterset_class = QuestionFilterSet
    ordering = ["title"]
    chooser_viewset_class = QuestionChooserViewSet

    def get_queryset(self, request):
        return Question.objects.editable_by(request.user).select_related("course")


register_snippet(QuestionViewSet)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def version_edited_question(request, instance):
    if isinstance(instance, Question):
        services.question_versions_current(questions=[instance])


# --- Instructor tools: GIFT import, quiz insight, results CSV, essay grading --------------
# (quizzes/admin_views.py; imported inside the hooks so this block stays self-contained)


@hooks.register("register_admin_urls")
def register_quiz_admin_urls():
    from django.urls import include, path

    from . import admin_views

    return [path("quizzes/", include((admin_views.urlpatterns, "quiz_admin")))]


@hooks.register("register_admin_menu_item")
def register_quiz_tools_menu_item():
    from django.urls import reverse_lazy
    from wagtail.admin.menu import MenuItem

    # Shown to everyone in the admin, at no query cost on every admin page; the page lists
    # only the quizzes the user teaches (and says what to do when there are none).
    return MenuItem(
        "Quizzes", reverse_lazy("quiz_admin:index"), name="quiz-tools", icon_name="help", order=260
    )


@hooks.register("register_page_header_buttons")
def quiz_page_header_buttons(page, user, view_name, next_url=None):
    from django.urls import reverse
    from wagtail.admin.widgets import Button

    from . import admin_views
    from .models import QuizPage

    if not issubclass(page.specific_class or type(page), QuizPage):
        return
    if not admin_views.taught_quizzes(user).filter(pk=page.pk).exists():
        return
    yield Button(
        "Quiz insight", reverse("quiz_admin:insight", args=[page.pk]), icon_name="view", priority=80
    )
    yield Button(
        "Import questions (GIFT)",
        reverse("quiz_admin:import", args=[page.pk]),
        icon_name="upload",
        priority=81,
    )
