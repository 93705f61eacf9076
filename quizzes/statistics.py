"""Quiz and question statistics for instructors: pure functions over plain numbers.

The admin views load each finished attempt as an ``AttemptScores`` (two queries for a whole
quiz) and hand the list to ``quiz_statistics``; nothing here touches the database.

Per question:

* **Facility index**: the mean score fraction (0 = nobody got it, 1 = everybody did).
* **Discrimination index**: the Pearson correlation between the question's score fraction and
  the *rest-of-test* score of the same attempt (the attempt's other questions, weighted by
  their points, as a fraction of the points they were worth). Leaving the question out of
  the total keeps it from correlating with itself, as Moodle's "discrimination index" does.
  It is ``None`` when fewer than two attempts answered the question or when either side has
  no variance (everyone scored the same), because a correlation is undefined there.

A question is flagged when its facility is below 0.2 (too hard, or mis-keyed) or above 0.9
(too easy to tell anyone apart), or its discrimination is below 0.2 (strong learners do no
better on it than weak ones: often an ambiguous, mis-keyed or biased question).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

BUCKETS = 10
FACILITY_LOW = 0.2
FACILITY_HIGH = 0.9
DISCRIMINATION_MIN = 0.2

FLAG_HARD = "Very hard (facility below 0.2)"
FLAG_EASY = "Very easy (facility above 0.9)"
FLAG_DISCRIMINATION = "Weak discrimination (below 0.2)"


@dataclass(frozen=True)
class AttemptScores:
    """One finished attempt: its overall result and, per question, (fraction, points).

    A fraction of ``None`` is a response still waiting for a grader; it counts nowhere.
    """

    attempt_id: int
    score: float | None
    passed: bool | None
    items: dict[int, tuple[float | None, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionStatistics:
    question_id: int
    responses: int
    facility: float | None
    discrimination: float | None
    flags: tuple[str, ...]

    @property
    def weak(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class QuizStatistics:
    attempts: int
    passed: int
    pass_rate: float | None
    mean_score: float | None
    distribution: list[int]
    questions: dict[int, QuestionStatistics]

    @property
    def distribution_rows(self) -> list[tuple[str, int]]:
        """("0–9 %", count) … ("90–100 %", count), for a table."""
        labels = [f"{10 * i}–{10 * i + 9} %" for i in range(BUCKETS - 1)] + ["90–100 %"]
        return list(zip(labels, self.distribution, strict=True))


def score_distribution(scores: Iterable[float], buckets: int = BUCKETS) -> list[int]:
    """Counts of scores (0–100) in equal buckets; 100 falls in the last one."""
    counts = [0] * buckets
    width = 100 / buckets
    for score in scores:
        index = min(int(max(score, 0) // width), buckets - 1)
        counts[index] += 1
    return counts


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or ``None`` for no values."""
    return sum(values) / len(values) if values else None


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or ``None`` with fewer than two pairs or no variance on either side."""
    n = len(xs)
    if n != len(ys):
        raise ValueError("pearson() needs two sequences of the same length")
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxx = sum(d * d for d in dx)
    syy = sum(d * d for d in dy)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(sxx * syy)


def question_flags(facility: float | None, discrimination: float | None) -> tuple[str, ...]:
    """Why a question deserves a second look, in words (empty when it looks fine)."""
    flags = []
    if facility is not None and facility < FACILITY_LOW:
        flags.append(FLAG_HARD)
    if facility is not None and facility > FACILITY_HIGH:
        flags.append(FLAG_EASY)
    if discrimination is not None and discrimination < DISCRIMINATION_MIN:
        flags.append(FLAG_DISCRIMINATION)
    return tuple(flags)


def _rest_of_test(items: dict[int, tuple[float | None, float]], left_out: int) -> float | None:
    earned = possible = 0.0
    for question_id, (fraction, points) in items.items():
        if question_id == left_out or fraction is None:
            continue
        earned += fraction * points
        possible += points
    return earned / possible if possible > 0 else None


def question_statistics(attempts: Sequence[AttemptScores]) -> dict[int, QuestionStatistics]:
    """Facility and discrimination per question id, over the attempts that answered it."""
    question_ids: list[int] = []
    for attempt in attempts:
        question_ids.extend(q for q in attempt.items if q not in question_ids)
    result = {}
    for question_id in question_ids:
        fractions, own, rest = [], [], []
        for attempt in attempts:
            fraction = attempt.items.get(question_id, (None, 0.0))[0]
            if fraction is None:
                continue
            fractions.append(fraction)
            other = _rest_of_test(attempt.items, question_id)
            if other is not None:
                own.append(fraction)
                rest.append(other)
        facility = mean(fractions)
        discrimination = pearson(own, rest)
        result[question_id] = QuestionStatistics(
            question_id=question_id,
            responses=len(fractions),
            facility=facility,
            discrimination=discrimination,
            flags=question_flags(facility, discrimination),
        )
    return result


def quiz_statistics(attempts: Sequence[AttemptScores]) -> QuizStatistics:
    """Attempts, pass rate, mean score, the 10-bucket distribution, and per-question figures.

    Attempts whose overall score is still unknown (essays awaiting a grader) count as
    attempts but not in the pass rate, the mean or the distribution.
    """
    scored = [a for a in attempts if a.score is not None]
    passed = sum(1 for a in scored if a.passed)
    return QuizStatistics(
        attempts=len(attempts),
        passed=passed,
        pass_rate=passed / len(scored) if scored else None,
        mean_score=mean([float(a.score) for a in scored]),
        distribution=score_distribution(float(a.score) for a in scored),
        questions=question_statistics(attempts),
    )
