"""The attempt form and the result sheet as template-ready data.

Question types render from their ``public_view`` (nothing that grades them); this module adds
what every question needs around it: its number and field prefix, its stem as legend-safe
HTML, the learner's posted values and error after a failed submit, and any artefact image,
loaded in one query for the whole attempt.
"""

import re
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from wagtail.images import get_image_model
from wagtail.rich_text import expand_db_html

from . import grading
from .models import Attempt, AttemptQuestion
from .question_types.base import field_prefix

ARTEFACT_RENDITION = "max-960x720"
SINGLE_PARAGRAPH = re.compile(r"\A\s*<p(?:\s[^>]*)?>(.*?)</p>\s*\Z", re.DOTALL)


def stem_html(stem: str) -> SafeString:
    """An author's rich-text stem, ready for the page (trusted editor content)."""
    return mark_safe(expand_db_html(stem or ""))  # noqa: S308 - rich text from the editor


def legend_html(stem: str) -> SafeString:
    """The stem as a ``legend``'s content, which may not hold paragraphs: one paragraph is
    unwrapped, several become block-styled spans."""
    html = str(stem_html(stem))
    single = SINGLE_PARAGRAPH.match(html)
    if single and "<p" not in single.group(1):
        return mark_safe(single.group(1))  # noqa: S308
    html = re.sub(r"<p(\s[^>]*)?>", '<span class="question__para">', html)
    return mark_safe(html.replace("</p>", "</span>"))  # noqa: S308


def artefact_images(views: list[dict]) -> dict:
    """Images shown as artefacts in these question views, by id, renditions prefetched."""
    ids = {view["artefact"]["image"] for view in views if (view.get("artefact") or {}).get("image")}
    if not ids:
        return {}
    images = get_image_model().objects.filter(pk__in=ids).prefetch_renditions(ARTEFACT_RENDITION)
    return {image.pk: image for image in images}


def attempt_questions(attempt: Attempt) -> list[AttemptQuestion]:
    return list(attempt.questions.select_related("version").order_by("position"))


@dataclass
class QuestionField:
    """One question of the attempt form."""

    number: int
    prefix: str
    template: str
    view: dict
    legend: SafeString
    anchor: str
    type_name: str = ""
    error: str = ""
    image: object = None


def attempt_form(attempt: Attempt, data=None, errors: dict[int, str] | None = None) -> list:
    """The attempt's questions, in its fixed order, as form fields. After a failed submit pass
    the posted ``data`` and the ``errors`` by position: every value is kept."""
    errors = errors or {}
    fields = []
    for aq in attempt_questions(attempt):
        qtype = aq.question_type
        prefix = field_prefix(aq.position)
        public = qtype.public_view(aq.version.definition, aq.option_order)
        fields.append(
            QuestionField(
                number=aq.position + 1,
                prefix=prefix,
                template=qtype.form_template,
                view=qtype.form_view(public, data, prefix),
                legend=legend_html(public["stem"]),
                anchor=qtype.first_input_id(prefix),
                type_name=aq.version.type_name,
                error=errors.get(aq.position, ""),
            )
        )
    images = artefact_images([f.view for f in fields])
    for question in fields:
        question.image = images.get((question.view.get("artefact") or {}).get("image"))
    return fields


@dataclass
class QuestionResult:
    """One question of a submitted attempt, as the result page shows it."""

    number: int
    template: str
    stem: SafeString
    verdict: str
    percent: int | None
    answer: list[tuple[str, str]]  # each line of the answer with the feedback it earned
    feedback: list[str]  # feedback tied to no line of the answer
    general_feedback: SafeString
    correct_answer: list[str] = field(default_factory=list)
    artefact: dict | None = None
    image: object = None


def attempt_results(attempt: Attempt, review: bool) -> list[QuestionResult]:
    """Every question of a closed attempt with the learner's answer, its verdict and feedback;
    the right answers too when ``review`` (the quiz allows review)."""
    results = []
    for aq in attempt_questions(attempt):
        qtype, definition = aq.question_type, aq.version.definition
        public = qtype.public_view(definition, aq.option_order)
        answer = qtype.answer_view(definition, aq.response) if aq.response else []
        beside = {feedback for _, feedback in answer if feedback}
        results.append(
            QuestionResult(
                number=aq.position + 1,
                template=qtype.result_template,
                stem=stem_html(public["stem"]),
                verdict=grading.verdict(aq.score) if aq.response is not None else "unanswered",
                percent=None if aq.score is None else round(aq.score * 100),
                answer=answer,
                feedback=[line for line in aq.feedback or [] if line not in beside],
                general_feedback=stem_html(aq.version.general_feedback),
                correct_answer=qtype.correct_answer_view(definition) if review else [],
                artefact=public.get("artefact"),
            )
        )
    images = artefact_images([{"artefact": r.artefact} for r in results])
    for result in results:
        result.image = images.get((result.artefact or {}).get("image"))
    return results
