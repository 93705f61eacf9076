"""Between GIFT and Lineage's question types: ``GiftQuestion`` ↔ a question's definition.

Pure functions of plain data (no database), so the importer, the exporter, the admin preview
and the demo loader share one set of decisions, each testable on its own:

* ``multichoice`` becomes ``single_choice`` when Moodle reads it as single-answer (an ``=``
  in the block) and ``multiple_response`` otherwise. Single choice has no partial credit, so
  an option is correct only when it is worth 100 %; other weights are reported as notes.
* A ``matching`` question whose every match is a position ("1st", "2nd", … or "1", "2", …,
  each once, from 1 up) is an *ordering* question written the only way GIFT can: its items
  are sorted by position. A leading "Ordering:" label in the stem is dropped, since the
  question type now says it. Other matching questions keep their pairs; items with no text
  are extra wrong answers (``distractors``).
* A question tagged ``spot-the-issue`` is a ``scenario``: its stem reads "Spot the issue.
  <the artefact, described> <the question?> [instructions]". The artefact is everything up
  to the sentence holding the last question mark; the question is that sentence and what
  follows it. These are described scenarios written by the course team, so the disclosure
  says no AI was involved and the course team reviewed it.
* ``description`` items are not questions; ``note_from_gift`` keeps their text (the demo
  uses it as a quiz introduction).
* GIFT fractions (-1..1) are weights in percent (-100..100).
* An essay's general feedback (GIFT's only feedback slot for essays) becomes its rubric.
* A numerical catch-all (``~#feedback``, "any other number") cannot be an accepted answer
  here; its feedback is added to the general feedback instead.

Stems, general feedback and rubrics are HTML, cleaned to what the question editor allows;
options and per-answer feedback are plain text. ``gift_from_question`` reverses all of it
for export, so import → export → import gives the same definitions.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup
from wagtail.whitelist import DEFAULT_ELEMENT_RULES, Whitelister

from quizzes.gift_grammar import php_number
from quizzes.gift_model import GiftAnswer, GiftQuestion, GiftSubquestion

SCENARIO_TAG = "spot-the-issue"
SCENARIO_LABEL = "Spot the issue."
SCENARIO_DISCLOSURE = {"involvement": "none", "tool": "", "reviewer": "Lineage course team"}

_HTML_SIGNAL = re.compile(r"<[A-Za-z!/]|&(?:#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_SIMPLE_PARAGRAPH = re.compile(r"<p>((?:[^<]|<br/>)*)</p>")
_POSITION = re.compile(r"([0-9]+)(?:st|nd|rd|th)?", re.IGNORECASE)
_ORDERING_LABEL = re.compile(r"\s*ordering\s*:\s*", re.IGNORECASE)
_SCENARIO_LABEL = re.compile(r"\s*spot the issue\s*[.:!]?\s*", re.IGNORECASE)
# Where a sentence ends: . ! or ? (perhaps inside a closing quote or bracket), then a space.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")


class GiftMappingError(ValueError):
    """A question GIFT can express but Lineage cannot; reads like a ``GiftParseError``."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message

    def __reduce__(self):
        return (type(self), (self.line, self.message))


@dataclass(frozen=True)
class QuestionData:
    """What a ``Question`` is made of, independent of the database."""

    type_name: str
    definition: dict[str, Any]
    title: str
    idnumber: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    general_feedback: str = ""
    line: int = field(default=0, compare=False)
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def answer_count(self) -> int:
        """Options, answers, pairs or items: what the admin preview counts."""
        definition = self.definition
        for key in ("options", "answers", "pairs", "items"):
            if key in definition:
                return len(definition[key])
        return 2 if self.type_name == "true_false" else 0


@dataclass(frozen=True)
class GiftNote:
    """A GIFT ``description``: text for learners, not a question."""

    title: str
    text: str
    idnumber: str
    tags: tuple[str, ...]
    category: str
    line: int


# --- Text ---------------------------------------------------------------------------------


class _StemWhitelister(Whitelister):
    """What the question editor allows (bold, italic, link, lists); no scripts or images."""

    element_rules = {
        name: DEFAULT_ELEMENT_RULES[name]
        for name in ("[document]", "p", "br", "b", "strong", "i", "em", "a", "ol", "ul", "li")
    }

    def clean_tag_node(self, doc, tag):
        if tag.name in {"script", "style", "template", "iframe", "object", "embed"}:
            tag.decompose()  # drop the content too, not just the tags
            return
        super().clean_tag_node(doc, tag)


def looks_like_html(text: str) -> bool:
    """Whether Moodle would treat ``text`` as HTML: it has a tag or a character entity."""
    return bool(_HTML_SIGNAL.search(text))


def clean_html(value: str) -> str:
    """HTML reduced to the allow-list; safe to render as-is."""
    return _StemWhitelister().clean(value).strip()


def html_from_gift(text: str, text_format: str) -> str:
    """A GIFT text as HTML: HTML (and Moodle-format text with tags) is cleaned, the rest escaped.

    Markdown is shown as written (escaped): there is no Markdown renderer in the project.
    """
    if not text:
        return ""
    if text_format == "html" or (text_format == "moodle" and looks_like_html(text)):
        return clean_html(text)
    return "<p>" + html.escape(text).replace("\n", "<br/>") + "</p>"


def gift_from_html(value: str) -> tuple[str, str]:
    """HTML back to a GIFT text and format; one plain paragraph goes back to plain Moodle text."""
    if not value:
        return "", "moodle"
    match = _SIMPLE_PARAGRAPH.fullmatch(value)
    if match:
        text = html.unescape(match.group(1).replace("<br/>", "\n"))
        if not looks_like_html(text):
            return text, "moodle"
    return value, "html"


def plain_from_gift(text: str, text_format: str | None) -> str:
    """A GIFT text as plain text (for options and feedback): HTML loses its tags."""
    if text_format == "html" or (text_format in (None, "moodle") and looks_like_html(text)):
        return BeautifulSoup(text, "html.parser").get_text().strip()
    return text


def gift_from_plain(text: str) -> str | None:
    """The format a plain text needs in GIFT: ``plain`` when Moodle would read it as HTML."""
    return "plain" if looks_like_html(text) else None


def _plain_from_html(value: str) -> str:
    return BeautifulSoup(value, "html.parser").get_text(" ").strip()


# --- GIFT → Lineage ----------------------------------------------------------------------


def note_from_gift(question: GiftQuestion) -> GiftNote:
    """A ``description`` item as a note (its text as HTML)."""
    return GiftNote(
        title=question.name,
        text=html_from_gift(question.text, question.format),
        idnumber=question.idnumber,
        tags=question.tags,
        category=question.category,
        line=question.line,
    )


def question_from_gift(question: GiftQuestion) -> QuestionData:
    """Map one parsed GIFT question onto a Lineage question type.

    Raises ``GiftMappingError`` for a description (use ``note_from_gift``) and for questions
    Lineage cannot represent (e.g. negative short-answer weights).
    """
    mapper = _FROM_GIFT.get(question.type)
    if mapper is None:
        raise GiftMappingError(question.line, f"expected a question, got a {question.type}")
    notes: list[str] = []
    type_name, definition = mapper(question, notes)
    general_feedback = _general_feedback(question)
    if type_name == "essay":
        general_feedback = ""  # it became the rubric
    if type_name == "numerical":
        general_feedback += definition.pop("catch_all", "")
    return QuestionData(
        type_name=type_name,
        definition=definition,
        title=question.name,
        idnumber=question.idnumber,
        category=question.category,
        tags=question.tags,
        general_feedback=general_feedback,
        line=question.line,
        notes=tuple(notes),
    )


def _general_feedback(question: GiftQuestion) -> str:
    return html_from_gift(
        question.general_feedback, question.general_feedback_format or question.format
    )


def _stem(question: GiftQuestion) -> str:
    return html_from_gift(question.text, question.format)


def _option_text(answer: GiftAnswer, question: GiftQuestion) -> str:
    return plain_from_gift(answer.text, answer.format or question.format)


def _feedback(answer: GiftAnswer, question: GiftQuestion) -> str:
    return plain_from_gift(answer.feedback, answer.feedback_format or question.format)


def _weight(fraction: float) -> float:
    return round(fraction * 100, 5)


def _from_multichoice(question: GiftQuestion, notes: list[str]) -> tuple[str, dict]:
    if SCENARIO_TAG in question.tags:
        return _from_scenario(question, notes)
    if not question.single:
        options = [
            {
                "text": _option_text(a, question),
                "weight": _weight(a.fraction),
                "feedback": _feedback(a, question),
            }
            for a in question.answers
        ]
        return "multiple_response", {"text": _stem(question), "options": options}
    options = []
    for answer in question.answers:
        if answer.fraction not in (0.0, 1.0):
            notes.append(
                f"Single choice has no partial credit: “{_option_text(answer, question)}” "
                f"({php_number(answer.fraction * 100)} %) will count as wrong."
            )
        options.append(
            {
                "text": _option_text(answer, question),
                "correct": answer.fraction == 1.0,
                "feedback": _feedback(answer, question),
            }
        )
    return "single_choice", {"text": _stem(question), "options": options}


def _from_scenario(question: GiftQuestion, notes: list[str]) -> tuple[str, dict]:
    stem = plain_from_gift(question.text, question.format)
    artefact, prompt = split_scenario(stem)
    options = [
        {
            "text": _option_text(a, question),
            "weight": _weight(a.fraction),
            "feedback": _feedback(a, question),
        }
        for a in question.answers
    ]
    return "scenario", {
        "artefact": {
            "kind": "text",
            "text": artefact,
            "image": None,
            "alt_text": "",
            "disclosure": dict(SCENARIO_DISCLOSURE),
        },
        "text": html_from_gift(prompt, "plain"),
        "multiple": not question.single,
        "options": options,
    }


def split_scenario(stem: str) -> tuple[str, str]:
    """Cut "Spot the issue. <artefact> <question?> <instructions>" into artefact and question.

    Without a question mark the last sentence is the question; a one-sentence stem is all
    artefact, with a generic question.
    """
    stem = _SCENARIO_LABEL.sub("", stem, count=1) if _SCENARIO_LABEL.match(stem) else stem
    stem = stem.strip()
    ends = [m.end() for m in _SENTENCE_END.finditer(stem)]
    asked = stem.rfind("?")
    if asked != -1:
        starts = [end for end in ends if end <= asked]
    else:
        starts = ends[-1:]
    if not starts:
        return stem, "What should be flagged?"
    cut = starts[-1]
    return stem[:cut].strip(), stem[cut:].strip()


def _from_truefalse(question: GiftQuestion, notes: list[str]) -> tuple[str, dict]:
    by_text = {answer.text: answer for answer in question.answers}
    return "true_false", {
        "text": _stem(question),
        "answer": by_text["true"].fraction == 1.0,
        "feedback_true": _feedback(by_text["true"], question),
        "feedback_false": _feedback(by_text["false"], question),
    }


def _position(answer: str) -> int | None:
    match = _POSITION.fullmatch(answer.strip())
    return int(match.group(1)) if match else None


def _from_matching(question: GiftQuestion, notes: list[str]) -> tuple[str, dict]:
    subs = question.subquestions
    positions = [_position(sub.answer) for sub in subs]
    if all(sub.text for sub in subs) and sorted(p or 0 for p in positions) == list(
        range(1, len(subs) + 1)
    ):
        items = [
            plain_from_gift(sub.text, sub.format or question.format)
            for _, sub in sorted(zip(positions, subs, strict=True), key=lambda pair: pair[0])
        ]
        text = _ORDERING_LABEL.sub("", question.text, count=1)
        if text != question.text:
            text = text[:1].upper() + text[1:]
        return "ordering", {"text": html_from_gift(text, question.format), "items": items}
    pairs = [
        {"prompt": plain_from_gift(sub.text, sub.format or question.format), "answer": sub.answer}
        for sub in subs
        if sub.text
    ]
    if len(pairs) < 2:
        raise GiftMappingError(question.line, "expected at least 2 pairs with an item to match")
    distractors = [sub.answer for sub in subs if not sub.text]
    return "matching", {"text": _stem(question), "pairs": pairs, "distractors": distractors}


def _from_shortanswer(question: GiftQuestion, notes: list[str]) -> tuple[str, dict]:
    answers = []
    for answer in question.answers:
        if answer.fraction < 0:
            raise GiftMappingError(
                question.line, f"expected short-answer weights from 0 to 100 %, got “{answer.text}”"
            )
        answers.append(
            {
                "text": answer.text,
                "weight": _weight(answer.fraction),
                "feedback": _feedback(answer, question),
            }
        )
    return "short_answer", {"text": _stem(question), "answers": answers}


def _from_numerical(question: GiftQuestion, notes: list[str]) -> tuple[str, dict]:
    answers, catch_all = [], ""
    for answer in question.answers:
        if answer.fraction < 0:
            raise GiftMappingError(
                question.line, f"expected numerical weights from 0 to 100 %, got “{answer.text}”"
            )
        feedback = _feedback(answer, question)
        if answer.text == "*":
            if answer.fraction != 0:
                raise GiftMappingError(
                    question.line, "expected a number, not “*”, for an answer worth marks"
                )
            catch_all += html_from_gift(feedback, "plain")
            continue
        entry: dict[str, Any] = {
            "kind": "tolerance",
            "value": None,
            "tolerance": None,
            "min": None,
            "max": None,
            "weight": _weight(answer.fraction),
            "feedback": feedback,
        }
        if answer.min is not None and answer.max is not None:
            entry.update(kind="range", min=answer.min, max=answer.max)
        else:
            entry.update(value=float(answer.text), tolerance=answer.tolerance or 0.0)
        answers.append(entry)
    if catch_all:
        notes.append("The feedback for any other number is shown as general feedback.")
    definition = {"text": _stem(question), "answers": answers, "catch_all": catch_all}
    return "numerical", definition


def _from_essay(question: GiftQuestion, notes: list[str]) -> tuple[str, dict]:
    # GIFT has one feedback slot; for an essay it describes a good answer, i.e. the rubric.
    return "essay", {"text": _stem(question), "rubric": _general_feedback(question)}


_FROM_GIFT = {
    "multichoice": _from_multichoice,
    "truefalse": _from_truefalse,
    "matching": _from_matching,
    "shortanswer": _from_shortanswer,
    "numerical": _from_numerical,
    "essay": _from_essay,
}


# --- Lineage → GIFT ----------------------------------------------------------------------


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
    return f"{number}{suffix or 'th'}"


def _answer(text: str, fraction: float, feedback: str, **extra) -> GiftAnswer:
    return GiftAnswer(
        text,
        fraction,
        feedback,
        format=gift_from_plain(text),
        feedback_format=gift_from_plain(feedback),
        **extra,
    )


def gift_from_question(data: QuestionData) -> GiftQuestion:
    """The GIFT form of a question, for ``export_gift``; inverse of ``question_from_gift``."""
    definition = data.definition
    text, text_format = gift_from_html(definition.get("text", ""))
    tags = data.tags
    general_feedback = data.general_feedback
    if data.type_name == "essay":
        general_feedback = definition.get("rubric") or general_feedback
    general_feedback, feedback_format = gift_from_html(general_feedback)
    single: bool | None = None
    answers: tuple[GiftAnswer, ...] = ()
    subquestions: tuple[GiftSubquestion, ...] = ()
    kind = data.type_name
    if kind == "single_choice":
        gift_type, single = "multichoice", True
        answers = tuple(
            _answer(o["text"], 1.0 if o["correct"] else 0.0, o.get("feedback", ""))
            for o in definition["options"]
        )
    elif kind in ("multiple_response", "scenario"):
        gift_type, single = "multichoice", False
        answers = tuple(
            _answer(o["text"], o["weight"] / 100, o.get("feedback", ""))
            for o in definition["options"]
        )
        if kind == "scenario":
            single = not definition.get("multiple", False)
            artefact = definition["artefact"]
            described = artefact.get("text", "") or artefact.get("alt_text", "")
            prompt = _plain_from_html(definition.get("text", ""))
            text, text_format = f"{SCENARIO_LABEL} {described} {prompt}".strip(), "moodle"
            if looks_like_html(text):
                text_format = "plain"
            if SCENARIO_TAG not in tags:
                tags = (*tags, SCENARIO_TAG)
    elif kind == "true_false":
        gift_type = "truefalse"
        answers = (
            _answer("true", 1.0 if definition["answer"] else 0.0, definition["feedback_true"]),
            _answer("false", 0.0 if definition["answer"] else 1.0, definition["feedback_false"]),
        )
    elif kind == "matching":
        gift_type = "matching"
        subquestions = tuple(
            GiftSubquestion(p["prompt"], p["answer"], gift_from_plain(p["prompt"]))
            for p in definition["pairs"]
        ) + tuple(GiftSubquestion("", d) for d in definition.get("distractors", []))
    elif kind == "ordering":
        gift_type = "matching"
        subquestions = tuple(
            GiftSubquestion(item, _ordinal(n), gift_from_plain(item))
            for n, item in enumerate(definition["items"], start=1)
        )
    elif kind == "short_answer":
        gift_type = "shortanswer"
        answers = tuple(
            _answer(a["text"], a["weight"] / 100, a.get("feedback", ""))
            for a in definition["answers"]
        )
    elif kind == "numerical":
        gift_type = "numerical"
        answers = tuple(_numerical_answer(a) for a in definition["answers"])
    elif kind == "essay":
        gift_type = "essay"
    else:
        raise ValueError(f"GIFT cannot carry a {kind} question")
    return GiftQuestion(
        type=gift_type,
        name=data.title,
        text=text,
        format=text_format,
        category=data.category,
        idnumber=data.idnumber,
        tags=tuple(tags),
        general_feedback=general_feedback,
        general_feedback_format=None if feedback_format == text_format else feedback_format,
        answers=answers,
        single=single,
        subquestions=subquestions,
    )


def _numerical_answer(answer: dict) -> GiftAnswer:
    fraction, feedback = answer["weight"] / 100, answer.get("feedback", "")
    if answer.get("kind") == "range":
        low, high = float(answer["min"]), float(answer["max"])
        return _answer(php_number((low + high) / 2), fraction, feedback, min=low, max=high)
    return _answer(
        php_number(float(answer["value"])),
        fraction,
        feedback,
        tolerance=float(answer.get("tolerance") or 0.0),
    )
