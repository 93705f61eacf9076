"""Arranging things with selects (never drag-only): matching and ordering.

Responses: matching ``{"answers": [text chosen for pair 0, ...]}``; ordering
``{"positions": [position (0-based) given to item 0, ...]}``.
"""

from __future__ import annotations

from wagtail import blocks

from .base import (
    Grade,
    QuestionType,
    ResponseError,
    display_order,
    posted_position,
    posted_value,
    register,
)
from .choice import stem_block


class MatchingPairBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(max_length=500)
    answer = blocks.CharBlock(max_length=500)

    class Meta:
        icon = "link"
        label = "Pair"


class MatchingBlock(blocks.StructBlock):
    text = stem_block()
    pairs = blocks.ListBlock(MatchingPairBlock(), min_num=2)
    distractors = blocks.ListBlock(
        blocks.CharBlock(max_length=500),
        default=[],
        help_text="Extra answers that match nothing.",
    )

    class Meta:
        icon = "link"
        label = "Matching"


class OrderingBlock(blocks.StructBlock):
    text = stem_block()
    items = blocks.ListBlock(
        blocks.CharBlock(max_length=500), min_num=2, help_text="In the right order."
    )

    class Meta:
        icon = "list-ol"
        label = "Ordering"


def choice_texts(definition: dict) -> list[str]:
    """Every answer a prompt may be matched with: the pairs' answers and the distractors, once."""
    texts = [pair["answer"] for pair in definition["pairs"]] + list(definition["distractors"])
    return list(dict.fromkeys(texts))


@register
class Matching(QuestionType):
    """A select per prompt over every answer and distractor (always shuffled, so the list never
    lines up with the prompts). Partial credit: the share of prompts matched correctly."""

    name = "matching"
    label = "Matching"
    scoring_rule = "Each prompt you match with its right answer earns its share of the points."
    block = MatchingBlock()
    form_template = "quizzes/questions/matching.html"

    def initial_option_order(self, definition, rng, shuffle):
        return {
            "prompts": display_order(len(definition["pairs"]), rng, shuffle),
            "choices": display_order(len(choice_texts(definition)), rng, True),
        }

    def public_view(self, definition, option_order):
        pairs, texts = definition["pairs"], choice_texts(definition)
        return {
            "stem": definition["text"],
            "prompts": [
                {"value": str(position), "text": pairs[index]["prompt"]}
                for position, index in enumerate(option_order["prompts"])
            ],
            "choices": [
                {"value": str(position), "text": texts[index]}
                for position, index in enumerate(option_order["choices"])
            ],
        }

    def form_view(self, public, data, prefix):
        prompts = [
            {**prompt, "selected": posted_value(data, f"{prefix}-p{i}") if data else ""}
            for i, prompt in enumerate(public["prompts"])
        ]
        return {**public, "prompts": prompts}

    def first_input_id(self, prefix):
        return f"{prefix}-p0"

    def parse_response(self, data, prefix, public, option_order):
        choices = public["choices"]  # in display order: a posted position names its text
        answers: list[str | None] = [None] * len(option_order["prompts"])
        for position, pair_index in enumerate(option_order["prompts"]):
            raw = posted_value(data, f"{prefix}-p{position}")
            if not raw:
                raise ResponseError("Choose a match for every item.")
            chosen = posted_position(raw)
            if chosen is None or chosen >= len(choices):
                raise ResponseError("Choose matches from the lists shown.")
            answers[pair_index] = choices[chosen]["text"]
        return {"answers": answers}

    def grade(self, definition, response):
        pairs = definition["pairs"]
        right = sum(
            1
            for pair, given in zip(pairs, response["answers"], strict=True)
            if given == pair["answer"]
        )
        return Grade(right / len(pairs), [f"{right} of {len(pairs)} matched correctly."])

    def correct_answer_view(self, definition):
        return [f"{pair['prompt']}: {pair['answer']}" for pair in definition["pairs"]]

    def response_view(self, definition, response):
        return [
            f"{pair['prompt']}: {given}"
            for pair, given in zip(definition["pairs"], response["answers"], strict=True)
        ]


@register
class Ordering(QuestionType):
    """A position select per item. Items are always shown shuffled: every order equally likely,
    the right one included. Partial credit: the share of items given their exact position; no
    credit for being near."""

    name = "ordering"
    label = "Ordering"
    scoring_rule = (
        "Each item you put in exactly its right place earns its share of the points; an item "
        "one place out earns nothing."
    )
    block = OrderingBlock()
    form_template = "quizzes/questions/ordering.html"

    def initial_option_order(self, definition, rng, shuffle):
        # Every order equally likely, the right one too: leaving it out tells the learner an
        # order that is wrong (with two items, the answer itself).
        return display_order(len(definition["items"]), rng, True)

    def public_view(self, definition, option_order):
        items = definition["items"]
        return {
            "stem": definition["text"],
            "items": [{"text": items[index]} for index in option_order],
            "positions": [str(n) for n in range(1, len(items) + 1)],
        }

    def form_view(self, public, data, prefix):
        items = [
            {**item, "selected": posted_value(data, f"{prefix}-i{i}") if data else ""}
            for i, item in enumerate(public["items"])
        ]
        return {**public, "items": items}

    def first_input_id(self, prefix):
        return f"{prefix}-i0"

    def parse_response(self, data, prefix, public, option_order):
        count = len(option_order)
        positions: list[int] = [0] * count
        for position, item_index in enumerate(option_order):
            given = posted_position(posted_value(data, f"{prefix}-i{position}"))
            if given is None or not 1 <= given <= count:
                raise ResponseError("Choose a position for every item.")
            positions[item_index] = given - 1
        if len(set(positions)) != count:
            raise ResponseError("Give each item a different position.")
        return {"positions": positions}

    def grade(self, definition, response):
        items = definition["items"]
        right = sum(1 for index, pos in enumerate(response["positions"]) if index == pos)
        return Grade(right / len(items), [f"{right} of {len(items)} items in the right place."])

    def correct_answer_view(self, definition):
        return [f"{n}. {item}" for n, item in enumerate(definition["items"], start=1)]

    def response_view(self, definition, response):
        items = definition["items"]
        order = sorted(range(len(items)), key=lambda index: response["positions"][index])
        return [f"{n}. {items[index]}" for n, index in enumerate(order, start=1)]
