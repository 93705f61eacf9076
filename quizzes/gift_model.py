"""The plain data a GIFT file parses into: questions, answers and parse errors.

No Django here: the importer and exporter work on these frozen dataclasses so they can be
tested and benchmarked on their own, and the Django side maps them onto its models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

QUESTION_TYPES = (
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "essay",
    "description",
)
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")


@dataclass(frozen=True)
class GiftAnswer:
    """One answer of a question.

    ``fraction`` is the share of the mark (-1..1), already snapped to Moodle's grade list.
    ``tolerance`` is set for numerical ``value:tolerance`` answers, ``min``/``max`` for
    numerical ``min..max`` ranges (``text`` is then the midpoint, as Moodle stores it).
    ``format`` / ``feedback_format`` are ``None`` when they are the question's format,
    otherwise the format named by an explicit ``[html]``-style prefix.
    """

    text: str
    fraction: float
    feedback: str = ""
    tolerance: float | None = None
    min: float | None = None
    max: float | None = None
    format: str | None = None
    feedback_format: str | None = None

    def to_json(self, question_type: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "fraction": self.fraction,
            "feedback": self.feedback,
        }
        if question_type == "numerical":
            if self.min is not None or self.max is not None:
                data["min"] = self.min
                data["max"] = self.max
            else:
                data["tolerance"] = self.tolerance
        return data


@dataclass(frozen=True)
class GiftSubquestion:
    """One item of a matching question; an empty ``text`` is an extra distractor answer."""

    text: str
    answer: str
    format: str | None = None


@dataclass(frozen=True)
class GiftQuestion:
    """One imported question. ``line`` (1-based) is left out of equality on purpose."""

    type: str
    name: str
    text: str
    format: str
    category: str
    idnumber: str
    tags: tuple[str, ...]
    general_feedback: str
    answers: tuple[GiftAnswer, ...]
    single: bool | None = None
    subquestions: tuple[GiftSubquestion, ...] = ()
    line: int = field(default=0, compare=False)
    general_feedback_format: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The shape ``import_gift --dry-run --json`` prints, one object per question."""
        data: dict[str, Any] = {
            "type": self.type,
            "name": self.name,
            "text": self.text,
            "format": self.format,
            "category": self.category,
            "idnumber": self.idnumber,
            "tags": list(self.tags),
            "general_feedback": self.general_feedback,
            "answers": [answer.to_json(self.type) for answer in self.answers],
        }
        if self.type == "multichoice":
            data["single"] = bool(self.single)
        if self.type == "matching":
            data["subquestions"] = [
                {"text": sub.text, "answer": sub.answer} for sub in self.subquestions
            ]
        return data


class GiftParseError(ValueError):
    """A GIFT question Moodle would refuse; ``str()`` reads ``line N: expected ...``."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message

    def __reduce__(self):  # keep the error picklable (e.g. across a Celery boundary)
        return (type(self), (self.line, self.message))


@dataclass
class GiftParseResult:
    """What ``parse_gift`` returns: the questions, and the errors it skipped past."""

    questions: list[GiftQuestion] = field(default_factory=list)
    skipped: list[GiftParseError] = field(default_factory=list)
