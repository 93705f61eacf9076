"""Pure grading arithmetic: from per-question fractions to an attempt's score and verdict.

No database access: the services load rows once and hand plain values in.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

FRACTION_PLACES = Decimal("0.0001")
SCORE_PLACES = Decimal("0.01")


def fraction_decimal(fraction: float) -> Decimal:
    """A question's fraction (0–1) as stored: four decimal places."""
    value = Decimal(str(fraction)).quantize(FRACTION_PLACES, rounding=ROUND_HALF_UP)
    return min(Decimal(1), max(Decimal(0), value))


def attempt_score(items: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Percent of the points earned (0–100, two places): ``items`` are (points, fraction)."""
    items = list(items)
    total = sum((points for points, _ in items), Decimal(0))
    if not total:
        return Decimal(0)
    earned = sum((points * fraction for points, fraction in items), Decimal(0))
    return (100 * earned / total).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def is_pass(score: Decimal, pass_mark: int) -> bool:
    return score >= pass_mark


def verdict(fraction: Decimal | None) -> str:
    """How one question went, for the result page: correct, partial, incorrect or pending."""
    if fraction is None:
        return "pending"
    if fraction >= 1:
        return "correct"
    return "partial" if fraction > 0 else "incorrect"


def xapi_result(score: Decimal, passed: bool) -> dict:
    """The xAPI ``result`` object for a graded attempt."""
    return {
        "score": {"scaled": float(score) / 100, "raw": float(score), "min": 0, "max": 100},
        "success": passed,
        "completion": True,
    }
