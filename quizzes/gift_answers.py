"""Reading a GIFT answer block, one reader per question type (Moodle 4.2's rules).

``parse_gift`` finds the answer block and infers the type; the readers here cut the block
into answers, weights and feedback the way ``qformat_gift::readquestion()`` does, and apply
the checks Moodle makes when it saves the question (grades from its list, a 100% short
answer, numbers that are numbers, ...). Offsets stay in one string so every error can name
its line.
"""

from __future__ import annotations

from quizzes.gift_grammar import (
    WEIGHT,
    hide_escapes,
    is_numeric,
    php_number,
    reveal_escapes,
    snap_to_grade,
    split_format,
)
from quizzes.gift_model import GiftAnswer, GiftParseError, GiftSubquestion
from quizzes.gift_names import PHP_WHITESPACE, php_trim


class QuestionSource:
    """One question's text with escapes hidden, able to say which line an offset is on."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = hide_escapes(text)
        self.first_line = first_line

    def line_at(self, position: int) -> int:
        return self.first_line + self.text.count("\n", 0, position)

    def error(self, position: int, message: str) -> GiftParseError:
        return GiftParseError(self.line_at(position), message)

    def trim(self, start: int, end: int) -> tuple[int, int]:
        while start < end and self.text[start] in PHP_WHITESPACE:
            start += 1
        while end > start and self.text[end - 1] in PHP_WHITESPACE:
            end -= 1
        return start, end

    def split(self, start: int, end: int, drop: str, keep: str = "") -> list[tuple[int, int]]:
        """Spans between separators: ``drop`` ones are removed, ``keep`` ones start a span.

        Like Moodle's ``explode()``, a blank first span (before the first separator) goes.
        """
        spans, piece = [], start
        for index in range(start, end):
            char = self.text[index]
            if char in drop or char in keep:
                spans.append((piece, index))
                piece = index + 1 if char in drop else index
        spans.append((piece, end))
        first_start, first_end = self.trim(*spans[0])
        if first_start == first_end:
            spans.pop(0)
        return [self.trim(*span) for span in spans]

    def weight(self, start: int, end: int, default: float) -> tuple[float, int]:
        """An optional ``%50%`` weight at ``start``: the fraction and where the text resumes."""
        if not WEIGHT.match(self.text, start, end):
            return default, start
        close = self.text.index("%", start + 1, end)
        raw = self.text[start + 1 : close]
        try:
            fraction = float(raw) / 100
        except ValueError:
            raise self.error(start, f"expected a weight like %50% or %-50%, got %{raw}%") from None
        grade = snap_to_grade(fraction)
        if grade is None:
            raise self.error(
                start,
                "expected a weight from Moodle's list of grades "
                f"(such as %100%, %50%, %33.33333%, %-25%), got %{raw}%",
            )
        return grade, close + 1

    def answer(self, start: int, end: int, default_format: str) -> tuple[str, str, str, str]:
        """Moodle's ``commentparser()``: answer text and feedback, split at the first ``#``."""
        head, hash_sign, tail = self.text[start:end].partition("#")
        text, text_format = split_format(php_trim(head), default_format)
        feedback, feedback_format = split_format(php_trim(tail), default_format)
        if not hash_sign:
            feedback, feedback_format = "", default_format
        return text, text_format, feedback, feedback_format


def own_format(text: str, text_format: str, question_format: str) -> str | None:
    """A text's own format: ``None`` ("inherit") when it is the question's or the text is empty."""
    return None if not text or text_format == question_format else text_format


def read_multichoice(
    source: QuestionSource, start: int, end: int, text_format: str, open_at: int
) -> dict:
    """``~wrong =right ~%50%partly #feedback`` answers; at least two with text."""
    # Moodle makes it single-answer when the block has an '=' anywhere, whatever the weights.
    single = "=" in source.text[start:end]
    spans = source.split(start, end, drop="~", keep="=")
    message = "expected at least 2 answers ('=right' and '~wrong') in a multiple-choice block"
    if len(spans) < 2:
        raise source.error(open_at, message)
    answers = []
    for span_start, span_end in spans:
        if source.text.startswith("=", span_start, span_end):
            fraction, text_start = 1.0, span_start + 1
        else:
            fraction, text_start = source.weight(span_start, span_end, 0.0)
        text, answer_format, feedback, feedback_format = source.answer(
            text_start, span_end, text_format
        )
        if text:  # Moodle silently drops answers with no text when it saves.
            answers.append(
                GiftAnswer(
                    text,
                    fraction,
                    feedback,
                    format=own_format(text, answer_format, text_format),
                    feedback_format=own_format(feedback, feedback_format, text_format),
                )
            )
    if len(answers) < 2:
        raise source.error(open_at, message)
    return {"answers": tuple(answers), "single": single}


def read_shortanswer(
    source: QuestionSource, start: int, end: int, text_format: str, open_at: int
) -> dict:
    """``=answer =%50%answer#feedback``; one of them must be worth 100%."""
    answers = []
    for span_start, span_end in source.split(start, end, drop="="):
        fraction, text_start = source.weight(span_start, span_end, 1.0)
        text, _, feedback, feedback_format = source.answer(text_start, span_end, text_format)
        if not text:
            if fraction == 0 and not feedback:
                continue  # a blank answer, which Moodle skips
            raise source.error(span_start, "expected answer text after '='")
        answers.append(
            GiftAnswer(
                text,
                fraction,
                feedback,
                feedback_format=own_format(feedback, feedback_format, text_format),
            )
        )
    if not answers:
        raise source.error(open_at, "expected at least one answer in a short-answer block")
    if max(answer.fraction for answer in answers) != 1:
        raise source.error(
            open_at, "expected at least one short answer worth 100% ('=answer' or '=%100%answer')"
        )
    return {"answers": tuple(answers)}


def read_numerical(
    source: QuestionSource, start: int, end: int, text_format: str, open_at: int
) -> dict:
    """``#value``, ``#value:tolerance``, ``#min..max``, ``=%50%...`` and a final ``~#feedback``."""
    body_start = start + 1  # after the '#'
    tilde = source.text.find("~", body_start, end)
    body_end = end if tilde == -1 else tilde
    spans = source.split(body_start, body_end, drop="=")
    if not spans:
        raise source.error(open_at, "expected at least one number after '{#'")
    answers = []
    for span_start, span_end in spans:
        fraction, text_start = source.weight(span_start, span_end, 1.0)
        text, _, feedback, feedback_format = source.answer(text_start, span_end, text_format)
        if not text and fraction == 0 and not feedback:
            continue
        answers.append(
            _numerical_answer(
                source,
                span_start,
                text,
                fraction,
                feedback,
                own_format(feedback, feedback_format, text_format),
            )
        )
    if tilde != -1:
        # '~#feedback' becomes a catch-all '*' answer worth nothing.
        _, _, feedback, feedback_format = source.answer(tilde, end, text_format)
        answers.append(
            GiftAnswer(
                "*",
                0.0,
                feedback,
                feedback_format=own_format(feedback, feedback_format, text_format),
            )
        )
    if not answers:
        raise source.error(open_at, "expected at least one number after '{#'")
    return {"answers": tuple(answers)}


def _numerical_answer(
    source: QuestionSource,
    position: int,
    text: str,
    fraction: float,
    feedback: str,
    feedback_format: str | None,
) -> GiftAnswer:
    dots = text.find("..")
    if dots > 0:
        low, high = php_trim(text[:dots]), php_trim(text[dots + 2 :])
        if not (is_numeric(low) and is_numeric(high)):
            raise source.error(position, f"expected a range of numbers like 1..5, got '{text}'")
        minimum, maximum = float(low), float(high)
        return GiftAnswer(
            php_number((minimum + maximum) / 2),
            fraction,
            feedback,
            min=minimum,
            max=maximum,
            feedback_format=feedback_format,
        )
    colon = text.find(":")
    if colon > 0:
        value, tolerance = php_trim(text[:colon]), php_trim(text[colon + 1 :])
    else:
        value, tolerance = php_trim(text), "0"
    if value != "*" and not is_numeric(value):
        raise source.error(position, f"expected a number, got '{value}'")
    if not is_numeric(tolerance):
        raise source.error(
            position, f"expected a number as the tolerance after ':', got '{tolerance}'"
        )
    return GiftAnswer(
        value, fraction, feedback, tolerance=float(tolerance), feedback_format=feedback_format
    )


def read_matching(
    source: QuestionSource, start: int, end: int, text_format: str, open_at: int
) -> dict:
    """``=item -> match`` pairs; ``= -> extra`` adds a distractor match."""
    spans = source.split(start, end, drop="=")
    message = "expected at least 2 pairs like '=item -> match' in a matching block"
    if len(spans) < 2:
        raise source.error(open_at, message)
    subquestions = []
    for span_start, span_end in spans:
        arrow = source.text.find("->", span_start, span_end)
        if arrow == -1:
            raise source.error(span_start, "expected '->' between an item and its match")
        text, item_format = split_format(source.text[span_start:arrow], text_format)
        answer = php_trim(reveal_escapes(source.text[arrow + 2 : span_end]))
        if not answer:
            if not text:
                continue  # '= ->' is blank, Moodle skips it
            raise source.error(span_start, "expected a match after '->'")
        subquestions.append(
            GiftSubquestion(text, answer, own_format(text, item_format, text_format))
        )
    if len(subquestions) < 2:
        raise source.error(open_at, message)
    return {"answers": (), "subquestions": tuple(subquestions)}


def read_truefalse(answer_text: str, text_format: str) -> dict:
    """``{T}``, ``{TRUE}``, ``{F}`` or ``{FALSE}``, then ``#wrong-answer fb#right-answer fb``."""
    bits = answer_text.split("#", 2) + ["", ""]
    key, _ = split_format(php_trim(bits[0]), text_format)
    wrong = split_format(php_trim(bits[1]), text_format)
    right = split_format(php_trim(bits[2]), text_format)
    is_true = key in ("T", "TRUE")
    true_feedback, false_feedback = (right, wrong) if is_true else (wrong, right)
    return {
        "answers": (
            GiftAnswer(
                "true",
                1.0 if is_true else 0.0,
                true_feedback[0],
                feedback_format=own_format(*true_feedback, text_format),
            ),
            GiftAnswer(
                "false",
                0.0 if is_true else 1.0,
                false_feedback[0],
                feedback_format=own_format(*false_feedback, text_format),
            ),
        )
    }
