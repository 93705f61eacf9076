"""Choosing among options: single choice, multiple response, true/false and "spot the issue".

Responses name options by their index in the definition: ``{"choices": [2, 0]}``, or
``{"answer": true}`` for true/false.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from courses.blocks import ArtefactValidation, DisclosureBlock

from .base import (
    STEM_FEATURES,
    Grade,
    QuestionType,
    ResponseError,
    clamp,
    display_order,
    from_display,
    posted_value,
    posted_values,
    register,
)

# Full marks need the positive weights to reach 100 %; a little slack for thirds (33.333…).
FULL_MARKS = 99.9


def stem_block() -> blocks.RichTextBlock:
    return blocks.RichTextBlock(features=STEM_FEATURES, label="Question")


def feedback_block(label: str = "Feedback") -> blocks.TextBlock:
    return blocks.TextBlock(
        required=False, label=label, help_text="Shown to the learner after they submit."
    )


def weight_block() -> blocks.FloatBlock:
    return blocks.FloatBlock(
        min_value=-100,
        max_value=100,
        default=0,
        help_text="Percent of the question's points for choosing this; negative for wrong ones.",
    )


class SingleChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=1000)
    correct = blocks.BooleanBlock(required=False)
    feedback = feedback_block()

    class Meta:
        icon = "radio-full"
        label = "Option"


class WeightedOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=1000)
    weight = weight_block()
    feedback = feedback_block()

    class Meta:
        icon = "tick-inverse"
        label = "Option"


def options_error(message: str) -> StructBlockValidationError:
    return StructBlockValidationError({"options": ValidationError(message)})


class SingleChoiceBlock(blocks.StructBlock):
    text = stem_block()
    options = blocks.ListBlock(SingleChoiceOptionBlock(), min_num=2)

    def clean(self, value):
        value = super().clean(value)
        if not any(option["correct"] for option in value["options"]):
            raise options_error("Mark at least one option as correct.")
        return value

    class Meta:
        icon = "radio-full"
        label = "Single choice"


def check_weights(options, multiple: bool) -> None:
    weights = [option["weight"] or 0 for option in options]
    if multiple and sum(w for w in weights if w > 0) < FULL_MARKS:
        raise options_error("The positive weights must add up to 100 % so full marks are possible.")
    if not multiple and max(weights, default=0) < FULL_MARKS:
        raise options_error("Give one option a weight of 100 %.")


class MultipleResponseBlock(blocks.StructBlock):
    text = stem_block()
    options = blocks.ListBlock(WeightedOptionBlock(), min_num=2)

    def clean(self, value):
        value = super().clean(value)
        check_weights(value["options"], multiple=True)
        return value

    class Meta:
        icon = "tick-inverse"
        label = "Multiple response"


class TrueFalseBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=STEM_FEATURES, label="Statement")
    answer = blocks.BooleanBlock(required=False, label="The statement is true")
    feedback_true = feedback_block("Feedback when the learner answers True")
    feedback_false = feedback_block("Feedback when the learner answers False")

    class Meta:
        icon = "success"
        label = "True or false"


class ArtefactBlock(ArtefactValidation, blocks.StructBlock):
    """The generated text or image the learner examines, with its AI-involvement disclosure."""

    kind = blocks.ChoiceBlock(choices=[("text", "Text"), ("image", "Image")], default="text")
    text = blocks.TextBlock(required=False, help_text="The artefact, when it is text.")
    image = ImageChooserBlock(required=False)
    alt_text = blocks.CharBlock(required=False, max_length=300)
    disclosure = DisclosureBlock()

    class Meta:
        icon = "pick"
        label = "Artefact"


class ScenarioBlock(blocks.StructBlock):
    artefact = ArtefactBlock()
    text = stem_block()
    multiple = blocks.BooleanBlock(required=False, label="Learners may choose more than one option")
    options = blocks.ListBlock(WeightedOptionBlock(), min_num=2)

    def clean(self, value):
        value = super().clean(value)
        check_weights(value["options"], multiple=value["multiple"])
        return value

    class Meta:
        icon = "view"
        label = "Spot the issue"


class ChoiceType(QuestionType):
    """Options shown as radios (one answer) or checkboxes (several)."""

    multiple = False

    def is_multiple(self, definition: dict) -> bool:
        return self.multiple

    def initial_option_order(self, definition, rng, shuffle):
        return display_order(len(definition["options"]), rng, shuffle)

    def public_view(self, definition, option_order):
        options = definition["options"]
        return {
            "stem": definition["text"],
            "multiple": self.is_multiple(definition),
            "options": [
                {"value": str(position), "text": options[index]["text"]}
                for position, index in enumerate(option_order)
            ],
        }

    def form_view(self, public, data, prefix):
        chosen = set(posted_values(data, prefix)) if data is not None else set()
        options = [{**option, "checked": option["value"] in chosen} for option in public["options"]]
        return {**public, "options": options}

    def parse_response(self, data, prefix, public, option_order):
        raw = posted_values(data, prefix)
        multiple = public["multiple"]
        if not raw:
            raise ResponseError("Choose at least one answer." if multiple else "Choose an answer.")
        if not multiple and len(raw) > 1:
            raise ResponseError("Choose only one answer.")
        choices = [from_display(option_order, value) for value in raw]
        if None in choices:
            raise ResponseError("Choose from the options shown.")
        return {"choices": sorted(set(choices))}

    def option_fraction(self, option: dict) -> float:
        return (option.get("weight") or 0) / 100

    def grade(self, definition, response):
        options = definition["options"]
        chosen = [options[index] for index in response["choices"]]
        fraction = sum(self.option_fraction(option) for option in chosen)
        feedback = [option["feedback"] for option in chosen if option.get("feedback")]
        return Grade(clamp(fraction), feedback)

    def correct_answer_view(self, definition):
        options = definition["options"]
        if self.is_multiple(definition):
            return [option["text"] for option in options if self.option_fraction(option) > 0]
        best = max(self.option_fraction(option) for option in options)
        return [option["text"] for option in options if self.option_fraction(option) == best]

    def response_view(self, definition, response):
        return [definition["options"][index]["text"] for index in response["choices"]]

    def answer_view(self, definition, response):
        chosen = [definition["options"][index] for index in response["choices"]]
        return [(option["text"], option.get("feedback") or "") for option in chosen]


@register
class SingleChoice(ChoiceType):
    """One right option (or several equally right ones): full marks or none."""

    name = "single_choice"
    label = "Single choice"
    scoring_rule = "Choose one answer: a right one earns full marks, any other earns none."
    block = SingleChoiceBlock()

    def option_fraction(self, option):
        return 1.0 if option.get("correct") else 0.0


@register
class MultipleResponse(ChoiceType):
    """Score = sum of the chosen options' weights / 100, floored at 0 and capped at 1."""

    name = "multiple_response"
    label = "Multiple response"
    scoring_rule = (
        "Choose every answer that applies: each right one earns its share of the points and "
        "each wrong one can take points away (never below zero), so one right and one wrong "
        "answer may score nothing."
    )
    block = MultipleResponseBlock()
    multiple = True


@register
class TrueFalse(QuestionType):
    name = "true_false"
    label = "True or false"
    scoring_rule = "The right answer earns full marks; the other earns none."
    block = TrueFalseBlock()

    def public_view(self, definition, option_order):
        return {
            "stem": definition["text"],
            "multiple": False,
            "options": [{"value": "true", "text": "True"}, {"value": "false", "text": "False"}],
        }

    form_view = ChoiceType.form_view

    def parse_response(self, data, prefix, public, option_order):
        raw = posted_value(data, prefix)
        if not raw:
            raise ResponseError("Choose True or False.")
        if raw not in {"true", "false"}:
            raise ResponseError("Choose True or False.")
        return {"answer": raw == "true"}

    def grade(self, definition, response):
        answer = bool(response["answer"])
        feedback = definition.get("feedback_true" if answer else "feedback_false") or ""
        fraction = 1.0 if answer == bool(definition["answer"]) else 0.0
        return Grade(fraction, [feedback] if feedback else [])

    def correct_answer_view(self, definition):
        return ["True" if definition["answer"] else "False"]

    def response_view(self, definition, response):
        return ["True" if response["answer"] else "False"]

    def answer_view(self, definition, response):
        feedback = definition.get("feedback_true" if response["answer"] else "feedback_false")
        return [(self.response_view(definition, response)[0], feedback or "")]


@register
class Scenario(ChoiceType):
    """Spot the issue in an artefact: graded like single choice by weight, or like multiple
    response when ``multiple`` is set."""

    name = "scenario"
    label = "Spot the issue"
    scoring_rule = (
        "Each answer you choose earns its own share of the points, so a partly right one earns "
        "part of them; where you may choose several, a wrong one can take points away (never "
        "below zero)."
    )
    block = ScenarioBlock()

    def is_multiple(self, definition):
        return bool(definition.get("multiple"))

    def public_view(self, definition, option_order):
        artefact = definition["artefact"]
        disclosure = artefact.get("disclosure") or {}
        return {
            **super().public_view(definition, option_order),
            "artefact": {
                "kind": artefact.get("kind") or "text",
                "text": artefact.get("text") or "",
                "image": artefact.get("image"),
                "alt_text": artefact.get("alt_text") or "",
                "disclosure": {
                    "involvement": disclosure.get("involvement") or "",
                    "tool": disclosure.get("tool") or "",
                    "reviewer": disclosure.get("reviewer") or "",
                },
            },
        }

    def grade(self, definition, response):
        if self.is_multiple(definition):
            return super().grade(definition, response)
        # One answer: its own weight counts (a partly right answer earns part of the points).
        chosen = definition["options"][response["choices"][0]]
        feedback = [chosen["feedback"]] if chosen.get("feedback") else []
        return Grade(clamp(self.option_fraction(chosen)), feedback)
