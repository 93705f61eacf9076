"""Checking a GIFT file for import, without touching the database.

``gift_plan`` returns the parser's questions mapped to Lineage's types (``gift_mapping``) and
validated by each type's own block, with every problem tied to its line, so a preview can
show all of them at once; ``gift_import`` writes a plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError

from quizzes.gift import GiftParseError, GiftQuestion, parse_gift
from quizzes.gift_mapping import (
    GiftMappingError,
    GiftNote,
    QuestionData,
    note_from_gift,
    question_from_gift,
)
from quizzes.question_types import get_type


@dataclass(frozen=True)
class GiftProblem:
    """Why one question of a file can't be imported, and where it is."""

    line: int
    message: str
    title: str = ""

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class GiftImportError(Exception):
    """The file can't be imported as it is: ``problems`` lists every question to fix."""

    def __init__(self, problems: list[GiftProblem]):
        self.problems = problems
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
        super().__init__(f"{problems[0]}{suffix}")


@dataclass
class GiftPlan:
    """A checked file: what would be imported, the notes, and what would be skipped."""

    parsed: list[GiftQuestion] = field(default_factory=list)  # valid items, file order
    questions: list[QuestionData] = field(default_factory=list)
    notes: list[GiftNote] = field(default_factory=list)
    problems: list[GiftProblem] = field(default_factory=list)

    def rows(self) -> list[dict]:
        """Questions, notes and problems in file order, for a preview table."""
        note = "Not imported: descriptions are text, not questions."
        rows = [
            _row(q.line, get_type(q.type_name).label, q.title, q.answer_count, q.notes)
            for q in self.questions
        ]
        rows += [_row(n.line, "Text (not a question)", n.title, notes=[note]) for n in self.notes]
        rows += [_row(p.line, "", p.title, problem=p.message) for p in self.problems]
        return sorted(rows, key=lambda row: row["line"])


def _row(line, type_label, title, answers=0, notes=(), problem="") -> dict:
    return {
        "line": line,
        "type": type_label,
        "title": title,
        "answers": answers,
        "notes": list(notes),
        "problem": problem,
    }


def validation_messages(error: ValidationError) -> list[str]:
    """The messages in a (nested) block validation error, flattened."""
    block_errors = getattr(error, "block_errors", None)
    non_block = getattr(error, "non_block_errors", None)
    if block_errors is None and non_block is None:
        return list(error.messages)
    messages = [m for e in (non_block.as_data() if non_block else []) for m in e.messages]
    for child in (block_errors or {}).values():
        messages += validation_messages(child)
    return messages


def definition_clean(type_name: str, definition: dict) -> dict:
    """The definition as the question editor would save it; ValidationError if it can't."""
    qtype = get_type(type_name)
    value = qtype.block.clean(qtype.block.to_python(definition))
    return qtype.definition_from_value(value)


def gift_plan(data: bytes | str) -> GiftPlan:
    """Parse, map and validate a GIFT file, collecting every problem; no database writes.

    Raises ``GiftImportError`` only when the file as a whole is unusable (not UTF-8).
    """
    try:
        parsed = parse_gift(data, skip_invalid=True)
    except GiftParseError as error:
        raise GiftImportError([GiftProblem(error.line, error.message)]) from None
    plan = GiftPlan(problems=[GiftProblem(e.line, e.message) for e in parsed.skipped])
    first_line: dict[str, int] = {}
    for item in parsed.questions:
        if item.type == "description":
            plan.parsed.append(item)
            plan.notes.append(note_from_gift(item))
            continue
        try:
            mapped = question_from_gift(item)
            mapped = replace(
                mapped, definition=definition_clean(mapped.type_name, mapped.definition)
            )
        except GiftMappingError as error:
            plan.problems.append(GiftProblem(error.line, error.message, item.name))
            continue
        except ValidationError as error:
            message = "; ".join(dict.fromkeys(validation_messages(error)))
            plan.problems.append(GiftProblem(item.line, message, item.name))
            continue
        if mapped.idnumber and mapped.idnumber in first_line:
            plan.problems.append(
                GiftProblem(
                    item.line,
                    f"expected a unique ID number, but “{mapped.idnumber}” is also used on "
                    f"line {first_line[mapped.idnumber]}",
                    item.name,
                )
            )
            continue
        if mapped.idnumber:
            first_line[mapped.idnumber] = item.line
        plan.parsed.append(item)
        plan.questions.append(mapped)
    plan.problems.sort(key=lambda problem: problem.line)
    return plan
