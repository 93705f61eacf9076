"""Typed answers: short answer, numerical and essay.

Responses: ``{"text": "..."}``; numerical adds the parsed ``"value"``.
"""

from __future__ import annotations

import math
import re

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError

from .base import STEM_FEATURES, Grade, QuestionType, ResponseError, posted_value, register
from .choice import feedback_block, stem_block

MAX_SHORT_ANSWER = 500
MAX_ESSAY = 20_000
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# Control characters nobody types (tab and line breaks aside); PostgreSQL can't store NUL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def answer_weight_block() -> blocks.FloatBlock:
    return blocks.FloatBlock(
        min_value=0,
        max_value=100,
        default=100,
        help_text="Percent of the question's points this answer earns.",
    )


class ShortAnswerOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(
        max_length=MAX_SHORT_ANSWER,
        help_text="Case and spacing are ignored; * matches anything (\\* for a real asterisk).",
    )
    weight = answer_weight_block()
    feedback = feedback_block()

    class Meta:
        icon = "edit"
        label = "Accepted answer"


def check_full_marks(answers) -> None:
    if not any((answer["weight"] or 0) >= 100 for answer in answers):
        raise StructBlockValidationError(
            {"answers": ValidationError("Give at least one answer a weight of 100 %.")}
        )


class ShortAnswerBlock(blocks.StructBlock):
    text = stem_block()
    answers = blocks.ListBlock(ShortAnswerOptionBlock(), min_num=1)

    def clean(self, value):
        value = super().clean(value)
        check_full_marks(value["answers"])
        return value

    class Meta:
        icon = "edit"
        label = "Short answer"


class NumericalAnswerBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("tolerance", "A value, plus or minus a tolerance"), ("range", "A range")],
        default="tolerance",
    )
    value = blocks.FloatBlock(required=False)
    tolerance = blocks.FloatBlock(required=False, min_value=0, default=0)
    min = blocks.FloatBlock(required=False, label="Minimum")
    max = blocks.FloatBlock(required=False, label="Maximum")
    weight = answer_weight_block()
    feedback = feedback_block()

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if value["kind"] == "tolerance" and value["value"] is None:
            errors["value"] = ValidationError("Enter the accepted value.")
        if value["kind"] == "range":
            if value["min"] is None:
                errors["min"] = ValidationError("Enter the smallest accepted value.")
            if value["max"] is None:
                errors["max"] = ValidationError("Enter the largest accepted value.")
            elif value["min"] is not None and value["min"] > value["max"]:
                errors["max"] = ValidationError("The maximum must not be below the minimum.")
        if errors:
            raise StructBlockValidationError(errors)
        return value

    class Meta:
        icon = "order"
        label = "Accepted number"


class NumericalBlock(blocks.StructBlock):
    text = stem_block()
    answers = blocks.ListBlock(NumericalAnswerBlock(), min_num=1)

    def clean(self, value):
        value = super().clean(value)
        check_full_marks(value["answers"])
        return value

    class Meta:
        icon = "order"
        label = "Numerical"


class EssayBlock(blocks.StructBlock):
    text = stem_block()
    rubric = blocks.RichTextBlock(
        required=False,
        features=STEM_FEATURES,
        help_text="Guidance for whoever grades the answer. Learners don't see it.",
    )

    class Meta:
        icon = "doc-full"
        label = "Essay"


class TypedAnswerType(QuestionType):
    """One text input (or a textarea) labelled "Your answer"."""

    form_template = "quizzes/questions/text.html"
    input_mode = "text"
    max_length = MAX_SHORT_ANSWER
    empty_message = "Enter your answer."

    def public_view(self, definition, option_order):
        return {"stem": definition["text"], "input_mode": self.input_mode}

    def form_view(self, public, data, prefix):
        return {**public, "value": posted_value(data, prefix) if data is not None else ""}

    def first_input_id(self, prefix):
        return prefix

    def parse_response(self, data, prefix, public, option_order):
        text = posted_value(data, prefix)
        if not text:
            raise ResponseError(self.empty_message)
        if len(text) > self.max_length:
            raise ResponseError(f"Keep your answer under {self.max_length:,} characters.")
        if CONTROL.search(text):
            raise ResponseError(
                "Your answer contains an invisible control character. Type it again without it."
            )
        return {"text": text}

    def response_view(self, definition, response):
        return [response["text"]]

    def best(self, answers: list[dict], matches) -> Grade:
        """The highest-weighted matching answer wins, whatever order the author listed them in."""
        matching = [answer for answer in answers if matches(answer)]
        if not matching:
            return Grade(0.0, [])
        answer = max(matching, key=lambda a: a.get("weight") or 0)
        feedback = [answer["feedback"]] if answer.get("feedback") else []
        return Grade(max(0.0, min(1.0, (answer.get("weight") or 0) / 100)), feedback)


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def wildcard_pattern(answer: str) -> re.Pattern:
    """``*`` matches any text (``\\*`` is a literal asterisk); the rest matches literally."""
    parts = re.split(r"(\\\*|\*)", normalise(answer))
    regex = "".join(
        ".*" if part == "*" else re.escape("*") if part == "\\*" else re.escape(part)
        for part in parts
    )
    return re.compile(regex, re.DOTALL)


@register
class ShortAnswer(TypedAnswerType):
    """Case- and whitespace-insensitive; ``*`` is a wildcard."""

    name = "short_answer"
    label = "Short answer"
    scoring_rule = (
        "An accepted answer earns full marks and a nearly right one may earn part of them; "
        "capital letters and extra spaces don't matter."
    )
    block = ShortAnswerBlock()

    def grade(self, definition, response):
        given = normalise(response["text"])
        return self.best(
            definition["answers"],
            lambda answer: wildcard_pattern(answer["text"]).fullmatch(given) is not None,
        )

    def correct_answer_view(self, definition):
        return [a["text"] for a in definition["answers"] if (a.get("weight") or 0) >= 100]


def parse_number(text: str) -> float | None:
    text = text.replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    if not NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def number_matches(answer: dict, value: float) -> bool:
    if answer.get("kind") == "range":
        return answer["min"] <= value <= answer["max"]
    target, tolerance = answer["value"], answer.get("tolerance") or 0
    # A hair of slack so 0.1 + 0.2 style float noise never fails an exact answer.
    return abs(value - target) <= tolerance + 1e-9 * max(1.0, abs(target))


def number_words(value: float) -> str:
    return f"{value:g}"


@register
class Numerical(TypedAnswerType):
    """A number within a tolerance of the value, or within a range."""

    name = "numerical"
    label = "Numerical"
    scoring_rule = (
        "A number within the accepted range earns full marks and a close one may earn part of them."
    )
    block = NumericalBlock()
    input_mode = "decimal"
    max_length = 100
    empty_message = "Enter a number."

    def parse_response(self, data, prefix, public, option_order):
        response = super().parse_response(data, prefix, public, option_order)
        value = parse_number(response["text"])
        if value is None:
            raise ResponseError("Enter a number using digits, like 42 or 3.5.")
        return {**response, "value": value}

    def grade(self, definition, response):
        return self.best(definition["answers"], lambda a: number_matches(a, response["value"]))

    def correct_answer_view(self, definition):
        lines = []
        for answer in definition["answers"]:
            if (answer.get("weight") or 0) < 100:
                continue
            if answer.get("kind") == "range":
                lines.append(
                    f"Between {number_words(answer['min'])} and {number_words(answer['max'])}"
                )
            elif answer.get("tolerance"):
                lines.append(
                    f"{number_words(answer['value'])}, give or take "
                    f"{number_words(answer['tolerance'])}"
                )
            else:
                lines.append(number_words(answer["value"]))
        return lines


@register
class Essay(TypedAnswerType):
    """Written answers graded by an instructor; the attempt waits for them."""

    name = "essay"
    label = "Essay"
    scoring_rule = "An instructor reads and scores your answer after you submit."
    block = EssayBlock()
    manual = True
    form_template = "quizzes/questions/essay.html"
    max_length = MAX_ESSAY
    empty_message = "Write your answer."

    def grade(self, definition, response):
        return Grade(0.0, [], needs_manual=True)
