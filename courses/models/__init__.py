"""Course models: content pages, and the learner's enrolments, progress and record."""

from .learning import (
    CourseCompletion,
    Enrollment,
    LearningRecord,
    StepCompletion,
)
from .pages import CourseIndexPage, CoursePage, CourseTag, LessonPage, Level

__all__ = [
    "CourseCompletion",
    "CourseIndexPage",
    "CoursePage",
    "CourseTag",
    "Enrollment",
    "LearningRecord",
    "LessonPage",
    "Level",
    "StepCompletion",
]
