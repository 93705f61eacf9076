"""Moodle GIFT exporter: ``GiftQuestion`` objects out as GIFT that ``parse_gift`` reads back.

The layout follows ``qformat_gift::writequestion()`` in Moodle 4.2 (a ``// question:``
comment, ``::name::``, tab-indented answers, ``$CATEGORY:`` switches), so files look like
Moodle's own exports. Where Moodle's exporter would write something its importer reads
back differently, this one writes an equivalent form that survives the round trip, or
raises ``ValueError`` when GIFT simply cannot express the question.
"""

from __future__ import annotations

from collections.abc import Iterable

from quizzes.gift_grammar import (
    CONTROL_CHARACTERS,
    WEIGHT,
    escape_text,
    has_format_prefix,
    is_numeric,
    php_number,
    snap_to_grade,
)
from quizzes.gift_model import TEXT_FORMATS, GiftAnswer, GiftQuestion


def export_gift(
    questions: Iterable[GiftQuestion], *, question_ids: Iterable[int | str] | None = None
) -> str:
    """Write questions as a GIFT file, switching ``$CATEGORY:`` whenever the category changes.

    ``question_ids`` fills the ``// question: <id>`` comment Moodle writes above each
    question (default: the question's 1-based position). Raises ``ValueError`` for a
    question GIFT cannot represent (see ``_check``).
    """
    ids = iter(question_ids) if question_ids is not None else None
    parts: list[str] = []
    category = ""
    for position, question in enumerate(questions, start=1):
        if question.category != category:
            category = question.category
            if "\n" in category or "\r" in category:
                raise ValueError(f"a category cannot contain line breaks: {category!r}")
            parts.append(
                f"// question: 0  name: Switch category to {category}\n$CATEGORY: {category}\n\n\n"
            )
        question_id = next(ids) if ids is not None else position
        parts.append(write_question(question, question_id) + "\n")
    return "".join(parts)


def write_question(question: GiftQuestion, question_id: int | str = 0) -> str:
    """One question as Moodle's ``writequestion()`` lays it out, ending in a blank line."""
    _check(question)
    writer = _WRITERS.get(question.type)
    if writer is None:
        raise ValueError(f"cannot export a question of type {question.type!r}")
    comment_name = " ".join(question.name.splitlines())
    # Keep the name from posing as an [id:] or [tag:] when the comment is read back.
    comment_name = comment_name.replace("[id:", "[ id:").replace("[tag:", "[ tag:")
    head = f"// question: {question_id}  name: {comment_name}\n" + _idnumber_and_tags(question)
    head += f"::{escape_text(question.name)}::"
    head += _text(question.text, question.format, "moodle", keep_format=True)
    return head + writer(question) + "\n"


def _check(question: GiftQuestion) -> None:
    formats = [question.format, question.general_feedback_format]
    formats += [answer.format for answer in question.answers]
    formats += [answer.feedback_format for answer in question.answers]
    formats += [sub.format for sub in question.subquestions]
    for text_format in formats:
        if text_format is not None and text_format not in TEXT_FORMATS:
            raise ValueError(f"unknown text format {text_format!r}")


def _idnumber_and_tags(question: GiftQuestion) -> str:
    bits = []
    for kind, value in [("id", question.idnumber)] + [("tag", tag) for tag in question.tags]:
        if not value:
            continue
        if CONTROL_CHARACTERS.search(value) or value.endswith("\\"):
            raise ValueError(f"GIFT cannot carry the {kind} {value!r}")
        if kind == "tag" and any(char in value for char in "<>`"):
            raise ValueError(f"GIFT cannot carry the tag {value!r} (no <, > or ` allowed)")
        bits.append(f"[{kind}:" + value.replace("]", "\\]") + "]")
    return "// " + " ".join(bits) + "\n" if bits else ""


def _text(text: str, text_format: str | None, default: str, *, keep_format: bool = False) -> str:
    """Moodle's ``write_questiontext()``: a ``[format]`` prefix when it differs, then escapes.

    The prefix is also written when the text itself starts with something that would be
    read as a prefix, and (``keep_format``) for an empty question text.
    """
    text_format = text_format or default
    needs_prefix = (text or keep_format) and text_format != default
    if needs_prefix or has_format_prefix(text):
        return f"[{text_format}]" + escape_text(text)
    return escape_text(text)


def _feedback(answer: GiftAnswer, question: GiftQuestion) -> str:
    return _text(answer.feedback, answer.feedback_format, question.format)


def _general_feedback(question: GiftQuestion, indent: str = "\t") -> str:
    if not question.general_feedback:
        return ""
    text = "####" + _text(
        question.general_feedback, question.general_feedback_format, question.format
    )
    return f"{indent}{text}\n" if indent else text


def _number(value: float) -> str:
    """Shortest PHP-style spelling that reads back as exactly ``value``."""
    text = php_number(value)
    return text if float(text) == value else repr(value)


def _weight(fraction: float) -> str:
    """``fraction`` as a GIFT percentage, as Moodle writes it (``50``, ``-33.33333``)."""
    grade = snap_to_grade(fraction)
    if grade is None:
        raise ValueError(f"{fraction} is not one of Moodle's grades, so GIFT cannot carry it")
    return php_number(grade * 100)


def _write_description(question: GiftQuestion) -> str:
    return "\n"  # GIFT has no general feedback for descriptions; Moodle drops it too.


def _write_essay(question: GiftQuestion) -> str:
    return "{" + _general_feedback(question, indent="") + "}\n"


def _write_truefalse(question: GiftQuestion) -> str:
    by_text = {answer.text: answer for answer in question.answers}
    if set(by_text) != {"true", "false"}:
        raise ValueError("a true/false question needs exactly the answers 'true' and 'false'")
    is_true = by_text["true"].fraction == 1
    right, wrong = (
        (by_text["true"], by_text["false"]) if is_true else (by_text["false"], by_text["true"])
    )
    right_feedback, wrong_feedback = _feedback(right, question), _feedback(wrong, question)
    out = "{" + ("TRUE" if is_true else "FALSE")
    if wrong_feedback or right_feedback:
        out += "#" + wrong_feedback
    if right_feedback:
        out += "#" + right_feedback
    return out + _general_feedback(question, indent="") + "}\n"


def _write_multichoice(question: GiftQuestion) -> str:
    if len(question.answers) < 2:
        raise ValueError("a multiple-choice question needs at least 2 answers")
    full_marks = [answer.fraction == 1 for answer in question.answers]
    if question.single and not any(full_marks):
        raise ValueError("a single-answer multiple-choice question needs an answer worth 100%")
    out = "{\n"
    for index, answer in enumerate(question.answers):
        text = _text(answer.text, answer.format, question.format)
        # '=' marks a right answer of a single-answer question; keep at least one '~'
        # so the block still reads as multiple choice.
        if question.single and full_marks[index] and (index == 0 or not all(full_marks)):
            marker = "="
        elif answer.fraction == 0 and not WEIGHT.match(text):
            marker = "~"
        else:
            marker = f"~%{_weight(answer.fraction)}%"
        out += f"\t{marker}{text}"
        if answer.feedback:
            out += "#" + _feedback(answer, question)
        out += "\n"
    return out + _general_feedback(question) + "}\n"


def _write_shortanswer(question: GiftQuestion) -> str:
    out = "{\n"
    for answer in question.answers:
        if "->" in answer.text or "->" in answer.feedback:
            # Any '->' next to an '=' turns the block into a matching question.
            raise ValueError("GIFT cannot carry '->' in a short answer or its feedback")
        text = _text(answer.text, None, question.format)
        out += f"\t=%{_weight(answer.fraction)}%{text}#{_feedback(answer, question)}\n"
    return out + _general_feedback(question) + "}\n"


def _write_numerical(question: GiftQuestion) -> str:
    out = "{#\n"
    last = len(question.answers) - 1
    for index, answer in enumerate(question.answers):
        feedback = _feedback(answer, question)
        if answer.min is not None and answer.max is not None:
            value = f"{_number(answer.min)}..{_number(answer.max)}"
        elif (
            answer.text == "*"
            and answer.fraction == 0
            and answer.tolerance is None
            and index == last
        ):
            out += f"\t~#{feedback}\n"  # the catch-all wrong answer
            continue
        elif answer.text == "*" or is_numeric(answer.text):
            value = f"{answer.text.strip()}:{_number(answer.tolerance or 0.0)}"
        else:
            raise ValueError(f"a numerical answer must be a number, not {answer.text!r}")
        out += f"\t=%{_weight(answer.fraction)}%{value}#{feedback}\n"
    return out + _general_feedback(question) + "}\n"


def _write_matching(question: GiftQuestion) -> str:
    out = "{\n"
    for sub in question.subquestions:
        if "->" in sub.text:
            raise ValueError("GIFT cannot carry '->' in the item of a matching pair")
        if not sub.text and not sub.answer:
            continue
        text = _text(sub.text, sub.format, question.format)
        out += f"\t={text} -> {escape_text(sub.answer)}\n"
    return out + _general_feedback(question) + "}\n"


_WRITERS = {
    "description": _write_description,
    "essay": _write_essay,
    "truefalse": _write_truefalse,
    "multichoice": _write_multichoice,
    "shortanswer": _write_shortanswer,
    "numerical": _write_numerical,
    "matching": _write_matching,
}
