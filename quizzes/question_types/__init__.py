"""Question types: each is one class registered with ``@register`` (see ``base``).

Importing this package registers every built-in type, in the order authors see them.
"""

from . import choice, matching, text  # noqa: F401  (registers the built-in types)
from .base import (
    REGISTRY,
    Grade,
    QuestionType,
    ResponseError,
    get_type,
    register,
    scoring_rules,
    stream_block_types,
)

__all__ = [
    "REGISTRY",
    "Grade",
    "QuestionType",
    "ResponseError",
    "get_type",
    "register",
    "scoring_rules",
    "stream_block_types",
]
