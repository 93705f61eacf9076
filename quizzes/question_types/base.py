"""The question-type contract and its registry: adding a question type is one class.

A type says how it is authored (``block``, a StructBlock), what a learner may see while answering
(``public_view``: never correctness, weights or feedback), how a posted answer is read
(``parse_response``), how it is graded (``grade``) and how the right answer is shown once the
attempt is submitted. Definitions are plain JSON (the block's value without list-item ids), so
grading is a pure function of stored data and an attempt keeps the definition it started with.

Learners never see a definition's own option indices: every control posts its *display*
position, and ``option_order`` (fixed per attempt) maps it back. Authors often put the right
option first, so an original index would give the answer away.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from wagtail import blocks

STEM_FEATURES = ["bold", "italic", "link", "ol", "ul"]
# Draftail tags each paragraph with a random key: editor bookkeeping, not content.
BLOCK_KEY = re.compile(r'\sdata-block-key="[^"]*"')


def rich_text_content(html: str) -> str:
    """Rich text as content only, so saving an unchanged question compares equal."""
    return BLOCK_KEY.sub("", html or "")


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response: a fraction of the question's points (0–1)."""

    fraction: float
    feedback: list[str] = field(default_factory=list)
    needs_manual: bool = False


class ResponseError(Exception):
    """A posted answer can't be read; the message tells the learner what to do, in words."""


def clamp(fraction: float) -> float:
    """Keep a fraction within 0–1: negative weights never take a question below nothing."""
    return max(0.0, min(1.0, fraction))


def plain(block: blocks.Block, value: Any) -> Any:
    """A block value as plain JSON: StructBlocks as dicts, ListBlocks as lists (no item ids)."""
    if isinstance(block, blocks.StructBlock):
        return {name: plain(child, value.get(name)) for name, child in block.child_blocks.items()}
    if isinstance(block, blocks.ListBlock):
        return [plain(block.child_block, item) for item in (value or [])]
    if isinstance(block, blocks.RichTextBlock):
        return rich_text_content(block.get_prep_value(value))
    return block.get_prep_value(value)


def display_order(count: int, rng: random.Random, shuffle: bool) -> list[int]:
    """Original indices in the order a learner sees them."""
    order = list(range(count))
    if shuffle:
        rng.shuffle(order)
    return order


def field_prefix(position: int) -> str:
    """The form-field prefix of the question at ``position``: q1, q2, ... (its number)."""
    return f"q{position + 1}"


def posted_values(data, key: str) -> list[str]:
    """Every value posted under ``key`` (a QueryDict or a plain dict of strings or lists)."""
    if hasattr(data, "getlist"):
        return [str(v) for v in data.getlist(key)]
    raw = data.get(key)
    if raw is None:
        return []
    return [str(v) for v in raw] if isinstance(raw, list | tuple) else [str(raw)]


def posted_value(data, key: str) -> str:
    """The one value posted under ``key``, stripped ("" when absent)."""
    values = posted_values(data, key)
    return values[-1].strip() if values else ""


# A posted position is a few ASCII digits. str.isdigit() also accepts "²" (which int() refuses)
# and "٣" (which int() reads as 3), and int() refuses strings of over 4,300 digits.
POSITION = re.compile(r"[0-9]{1,6}")


def posted_position(raw: str | None) -> int | None:
    """A number a control posted (a display position), or None if ``raw`` isn't one."""
    if raw is None or not POSITION.fullmatch(raw):
        return None
    return int(raw)


def from_display(order: list[int], raw: str | None) -> int | None:
    """The original index behind a posted display position, or None if it isn't one."""
    position = posted_position(raw)
    if position is None or position >= len(order):
        return None
    return order[position]


class QuestionType:
    """Base class for question types. Subclasses are registered with ``@register``."""

    name: ClassVar[str]
    label: ClassVar[str]
    #: How an answer of this type is scored, in one sentence for learners: shown before they
    #: start, so partial credit (or none, or points taken away) is never a surprise.
    scoring_rule: ClassVar[str]
    block: ClassVar[blocks.StructBlock]
    #: Graded by a person after submission (the attempt waits for them).
    manual: ClassVar[bool] = False
    form_template: ClassVar[str] = "quizzes/questions/choices.html"
    result_template: ClassVar[str] = "quizzes/questions/result.html"

    def definition_from_value(self, value) -> dict:
        """The stored definition for a block value from the question bank."""
        return plain(self.block, value)

    def initial_option_order(self, definition: dict, rng: random.Random, shuffle: bool) -> Any:
        """The per-attempt display order of options (JSON), or None when there are none."""
        return None

    def public_view(self, definition: dict, option_order: Any) -> dict:
        """What the answering form may show: the stem and options, nothing that grades them."""
        return {"stem": definition.get("text", "")}

    def form_view(self, public: dict, data, prefix: str) -> dict:
        """``public`` with the learner's posted values filled in, to redisplay the form."""
        return public

    def first_input_id(self, prefix: str) -> str:
        """The id of the first control, for the error summary's link."""
        return f"{prefix}-0"

    def parse_response(self, data, prefix: str, public: dict, option_order: Any) -> Any:
        """Read the posted answer into a JSON response in definition terms, or raise
        ResponseError with a message for the learner."""
        raise NotImplementedError

    def grade(self, definition: dict, response: Any) -> Grade:
        raise NotImplementedError

    def correct_answer_view(self, definition: dict) -> list[str]:
        """The right answer in words, one line each (shown only after submission)."""
        return []

    def response_view(self, definition: dict, response: Any) -> list[str]:
        """The learner's answer in words, one line each."""
        return []

    def answer_view(self, definition: dict, response: Any) -> list[tuple[str, str]]:
        """The learner's answer, one line each, with the feedback that line earned ("" for
        none), so feedback on a choice is shown beside that choice."""
        return [(line, "") for line in self.response_view(definition, response)]


REGISTRY: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: make a question type available to authors, attempts and grading."""
    if cls.name in REGISTRY:
        raise ValueError(f"question type {cls.name!r} is registered twice")
    REGISTRY[cls.name] = cls()
    return cls


def get_type(name: str) -> QuestionType:
    try:
        return REGISTRY[name]
    except KeyError:
        raise LookupError(f"unknown question type {name!r}") from None


def scoring_rules(type_names) -> list[tuple[str, str]]:
    """(label, scoring rule) of each of these types, once each, in the order authors see them."""
    wanted = set(type_names)
    return [(qtype.label, qtype.scoring_rule) for name, qtype in REGISTRY.items() if name in wanted]


def stream_block_types() -> list[tuple[str, blocks.StructBlock]]:
    """One StreamField block per registered type, named after it."""
    return [(name, qtype.block) for name, qtype in REGISTRY.items()]
