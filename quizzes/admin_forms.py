"""The quiz page's admin form: a quiz asks only questions of its own course's bank.

``quizzes.models`` uses this module for ``QuizPage.base_form_class``, so it imports the models
only inside its methods.
"""

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.snippets.widgets import AdminSnippetChooser

RELATION = "quiz_questions"


class UsableQuestionChooser(AdminSnippetChooser):
    """The question chooser, showing a chosen question only if the editor may use it, so an
    id posted by hand never reveals another course's question."""

    usable_ids: set[str] | None = None

    def get_instance(self, value):
        pk = getattr(value, "pk", value)
        if self.usable_ids is not None and pk is not None and str(pk) not in self.usable_ids:
            return None
        return super().get_instance(value)


class QuizPageForm(WagtailAdminPageForm):
    """Refuses, beside the field, any question from outside the quiz's course's bank."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Question

        formset = self.formsets.get(RELATION)
        forms = formset.forms if formset is not None else []
        chosen = {form["question"].value() for form in forms} - {None, ""}
        usable = None
        if self.for_user is not None:
            ids = [pk for pk in chosen if str(pk).isascii() and str(pk).isdigit()]
            editable = Question.objects.editable_by(self.for_user).filter(pk__in=ids)
            usable = {str(pk) for pk in editable.values_list("pk", flat=True)}
        for form in forms:
            form.fields["question"].widget.usable_ids = usable
        self.usable_question_ids = usable

    def clean(self):
        cleaned_data = super().clean()
        course, formset = self.parent_page, self.formsets.get(RELATION)
        if course is None or formset is None:
            return cleaned_data
        for form in formset.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            question = form.cleaned_data.get("question")
            if question is None:
                continue
            if self.usable_question_ids is not None and (
                str(question.pk) not in self.usable_question_ids
            ):
                form.add_error(
                    "question",
                    "This question isn't in a question bank you can use. "
                    f"Choose one of the questions of “{course.title}”.",
                )
            elif question.course_id != course.pk:
                owner = (
                    f"the question bank of “{question.course.title}”"
                    if question.course_id
                    else "the admins' question bank"
                )
                form.add_error(
                    "question",
                    f"“{question.title}” is in {owner}. A quiz asks only questions of its own "
                    f"course: choose one of the questions of “{course.title}” (or a copy of "
                    "this one in its bank).",
                )
        return cleaned_data
