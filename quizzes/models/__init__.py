"""Quiz models: each course's question bank, quiz pages, and learners' attempts.

Writes live in ``quizzes/services.py``; the type-specific rules in ``quizzes/question_types``.
"""

from .attempts import Attempt, AttemptQuerySet, AttemptQuestion, ImmutableAttemptError
from .bank import Question, QuestionQuerySet, QuestionTag, QuestionVersion
from .pages import QuizPage, QuizQuestion

__all__ = [
    "Attempt",
    "AttemptQuerySet",
    "AttemptQuestion",
    "ImmutableAttemptError",
    "Question",
    "QuestionQuerySet",
    "QuestionTag",
    "QuestionVersion",
    "QuizPage",
    "QuizQuestion",
]
