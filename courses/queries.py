"""Reads over course pages, as QuerySet methods."""

from django.db.models import Prefetch
from wagtail.models import PageQuerySet

LEVEL_VALUES = {"introductory", "intermediate", "advanced"}


def catalogue_filters(params) -> dict:
    """Clean the catalogue's query-string filters; unknown values are ignored, not errors."""
    level = params.get("level", "")
    return {
        "skill": params.get("skill", "").strip()[:100],
        "level": level if level in LEVEL_VALUES else "",
    }


class CoursePageQuerySet(PageQuerySet):
    def course_of(self, step):
        """The course ``step`` (a lesson or quiz) belongs to, in one query (``get_parent()``
        then ``.specific`` takes two)."""
        return self.get(path=step.path[: -step.steplen])

    def for_catalogue(self, *, skill: str = "", level: str = ""):
        """Live courses for the catalogue, with what a course card shows prefetched."""
        from wagtail.images import get_image_model

        qs = self.live().order_by("path")
        if skill:
            qs = qs.filter(skills__slug=skill)
        if level:
            qs = qs.filter(level=level)
        renditions = Prefetch(
            "cover_image__renditions",
            queryset=get_image_model().get_rendition_model().objects.all(),
        )
        return qs.select_related("cover_image").prefetch_related("skills", renditions)
