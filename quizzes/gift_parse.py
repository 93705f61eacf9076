"""Moodle GIFT importer: text in, ``GiftQuestion`` objects out, Moodle 4.2's rules throughout.

The file is cut into questions at blank lines; ``//`` lines are comments (and may carry
``[id:...]`` / ``[tag:...]``); ``$CATEGORY:`` switches the category of what follows. Within a
question the first ``{`` and the first ``}`` delimit the answer block, and its content
decides the type exactly as ``qformat_gift::readquestion()`` does. Anything Moodle would
refuse (a parse error, a weight outside its grade list, a save-time check that aborts the
import) raises ``GiftParseError`` with the line it happened on.

Deliberate differences from Moodle, each where Moodle loses data or imports nonsense:

- Indentation and trailing spaces of continuation lines are kept (``<pre>`` code, Markdown
  line breaks), as in Moodle's unit tests; its file upload trims every line.
- Lines that follow a ``$CATEGORY:`` line without a blank line are a question; Moodle
  folds them into the category name. The category is the line's raw text.
- ``0`` is an ordinary line and answer; PHP's ``empty("0")`` makes Moodle drop it.
- Refused instead of half-imported: ``}`` before ``{``; a numerical answer that is not a
  number; ``%--50%``; a short answer with a weight but no text; a matching item without a
  match; fewer than 2 non-empty multiple-choice answers.
- An empty ``::::`` title gets the default name instead of an empty one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from quizzes.gift_answers import (
    QuestionSource,
    own_format,
    read_matching,
    read_multichoice,
    read_numerical,
    read_shortanswer,
    read_truefalse,
)
from quizzes.gift_grammar import extract_idnumber_and_tags, reveal_escapes, split_format
from quizzes.gift_model import GiftParseError, GiftParseResult, GiftQuestion
from quizzes.gift_names import clean_question_name, default_question_name, php_trim

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
_SURROGATE = re.compile("[\ud800-\udfff]")
_TRUE_FALSE = ("T", "TRUE", "F", "FALSE")
_MISSING_WORD = "_____"
_Lines = list[tuple[int, str]]


def parse_gift(data: bytes | str, *, skip_invalid: bool = False) -> GiftParseResult:
    """Parse a GIFT file into questions, in file order.

    ``data`` is the file's bytes (UTF-8, optionally with a BOM; anything else is rejected
    as Moodle rejects it) or already-decoded text. Without ``skip_invalid`` the first
    invalid question raises ``GiftParseError`` so that callers import nothing; with it,
    invalid questions are collected in ``result.skipped`` and the others returned.
    """
    text = _decode(data)
    result = GiftParseResult()
    category = ""
    for block in _blocks(_LINE_BREAK.split(text)):
        block, category = _take_category(block, category)
        try:
            question = _parse_question(block, category) if block else None
        except GiftParseError as error:
            if not skip_invalid:
                raise
            result.skipped.append(error)
            continue
        if question is not None:
            result.questions.append(question)
    return result


def _decode(data: bytes | str) -> str:
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = len(_LINE_BREAK_BYTES.split(raw[: error.start]))
            raise GiftParseError(
                line,
                f"expected UTF-8 text, found byte 0x{raw[error.start]:02X} "
                "(GIFT files must be saved as UTF-8)",
            ) from None
    elif isinstance(data, str):
        text = data
        if surrogate := _SURROGATE.search(text):
            line = len(_LINE_BREAK.split(text[: surrogate.start()]))
            raise GiftParseError(line, "expected Unicode text, found a lone surrogate")
    else:
        raise TypeError(f"parse_gift() needs bytes or str, not {type(data).__name__}")
    return text.removeprefix("\ufeff")


def _blocks(lines: list[str]) -> Iterator[_Lines]:
    """Questions are separated by blank lines (qformat_default::readquestions)."""
    block: _Lines = []
    for number, line in enumerate(lines, start=1):
        if php_trim(line):
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _is_comment(line: str) -> bool:
    return php_trim(line).startswith("//")


def _take_category(block: _Lines, category: str) -> tuple[_Lines, str]:
    """Read a ``$CATEGORY:`` line; whatever follows it in the block is a question.

    (Moodle would fold those following lines into the category name.)
    """
    for index, (_, line) in enumerate(block):
        if _is_comment(line):
            continue
        stripped = php_trim(line)
        if stripped.startswith("$CATEGORY:"):
            return block[index + 1 :], php_trim(stripped[len("$CATEGORY:") :])
        break
    return block, category


def _parse_question(block: _Lines, category: str) -> GiftQuestion | None:
    comments, parts, first_line = [], [], 0
    for number, line in block:
        if _is_comment(line):
            comments.append(php_trim(line) + "\n")
            parts.append(" ")
        else:
            parts.append(line)
            first_line = first_line or number
    if not first_line:
        return None
    source = QuestionSource("\n".join(parts), block[0][0])
    text = source.text
    start, end = source.trim(0, len(text))

    name = ""
    if text.startswith("::", start):
        start += 2
        name_end = text.find("::", start, end)
        if name_end != -1:
            name = clean_question_name(reveal_escapes(text[start:name_end]))
            start, end = source.trim(name_end + 2, end)

    open_at, close_at = text.find("{", start, end), text.find("}", start, end)
    if open_at == -1 and close_at == -1:
        question_type, raw_text = "description", text[start:end]
        answers_start = answers_end = open_at = end
    elif close_at == -1:
        raise source.error(open_at, "expected '}' to close the answer block")
    elif open_at == -1 or close_at < open_at:
        raise source.error(close_at, "expected '{' to open the answer block before '}'")
    else:
        # Text after the block makes a missing-word question: the block becomes a blank.
        filler = "" if text[end - 1] == "}" else _MISSING_WORD
        raw_text = text[start:open_at] + filler + text[close_at + 1 : end]
        answers_start, answers_end = source.trim(open_at + 1, close_at)
        question_type = ""

    raw_feedback = ""
    feedback_at = text.rfind("####", answers_start, answers_end)
    if feedback_at != -1:
        raw_feedback = text[feedback_at + 4 : answers_end]
        answers_start, answers_end = source.trim(answers_start, feedback_at)

    question_text, text_format = split_format(raw_text, "moodle")
    general_feedback, feedback_format = split_format(raw_feedback, text_format)
    answer_text = text[answers_start:answers_end]
    question_type = question_type or _infer_type(answer_text)
    idnumber, tags = extract_idnumber_and_tags("".join(comments))

    fields: dict = {"answers": ()}
    block_args = (source, answers_start, answers_end, text_format, open_at)
    if question_type == "multichoice":
        fields = read_multichoice(*block_args)
    elif question_type == "shortanswer":
        fields = read_shortanswer(*block_args)
    elif question_type == "numerical":
        fields = read_numerical(*block_args)
    elif question_type == "matching":
        fields = read_matching(*block_args)
    elif question_type == "truefalse":
        fields = read_truefalse(answer_text, text_format)

    return GiftQuestion(
        type=question_type,
        name=name or default_question_name(question_text),
        text=question_text,
        format=text_format,
        category=category,
        idnumber=idnumber,
        tags=tags,
        general_feedback=general_feedback,
        general_feedback_format=own_format(general_feedback, feedback_format, text_format),
        line=first_line,
        **fields,
    )


def _infer_type(answer_text: str) -> str:
    """The answer block decides the type, in Moodle's order of checks."""
    if not answer_text:
        return "essay"
    if answer_text[0] == "#":
        return "numerical"
    if "~" in answer_text:
        return "multichoice"
    if "=" in answer_text and "->" in answer_text:
        return "matching"
    hash_at = answer_text.find("#")
    check = php_trim(answer_text[:hash_at]) if hash_at > 0 else answer_text
    return "truefalse" if check in _TRUE_FALSE else "shortanswer"
