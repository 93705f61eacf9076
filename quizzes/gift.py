"""Moodle GIFT import and export for Lineage quizzes (pure Python, no Django).

    result = parse_gift(uploaded_bytes)            # raises GiftParseError on the first bad question
    result = parse_gift(text, skip_invalid=True)   # or collect them in result.skipped
    gift_text = export_gift(result.questions)

The grammar, the type inference and the checks follow Moodle 4.2's ``qformat_gift``;
``quizzes/gift_parse.py`` documents where this importer deliberately differs.
"""

from quizzes.gift_export import export_gift
from quizzes.gift_grammar import extract_idnumber_and_tags
from quizzes.gift_model import (
    GiftAnswer,
    GiftParseError,
    GiftParseResult,
    GiftQuestion,
    GiftSubquestion,
)
from quizzes.gift_parse import parse_gift

__all__ = [
    "GiftAnswer",
    "GiftParseError",
    "GiftParseResult",
    "GiftQuestion",
    "GiftSubquestion",
    "export_gift",
    "extract_idnumber_and_tags",
    "parse_gift",
]
