"""Search hits as the results page shows them: what each hit is (a course, or a lesson of which
course) and a passage of its text that mentions what was searched for, the words marked.

The search backend finds pages but quotes nothing, so the passage is cut here from the text the
page already loaded (summary, description, StreamField text): no query per hit, one query for
the courses of the lessons on the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page

from courses.models import CoursePage, LessonPage

SNIPPET_CHARS = 220
LEAD_CHARS = 60  # context kept before the first mention
MAX_TERMS = 10


@dataclass(frozen=True)
class SearchHit:
    page: Page
    kind: str  # "Course" or "Lesson", said in words beside the title
    course: Page | None  # the course a lesson belongs to
    snippet: SafeString


def query_terms(query: str) -> list[str]:
    """The words of a query, lower-cased, each once (bounded)."""
    words = re.findall(r"\w+", query.casefold())
    return list(dict.fromkeys(w for w in words if len(w) > 1))[:MAX_TERMS]


def stream_text(value) -> list[str]:
    """The prose in a StreamField value (its raw JSON): strings with a space in them, as text."""
    texts, stack = [], [getattr(value, "raw_data", value)]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if " " in node:
                texts.append(plain_text(node))
        elif isinstance(node, dict):
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list | tuple) or hasattr(node, "__iter__"):
            stack.extend(reversed(list(node)))
    return texts


BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|blockquote|figcaption)>|<br\s*/?>", re.IGNORECASE)


def plain_text(value: str) -> str:
    """Rich text as words: a block's end is a space, so list items don't run together."""
    return " ".join(html.unescape(strip_tags(BLOCK_END.sub(" ", value or ""))).split())


def page_texts(page: Page) -> list[str]:
    """A page's own words, in the order a reader meets them."""
    texts = [plain_text(getattr(page, "summary", ""))]
    if isinstance(page, CoursePage):
        texts += [plain_text(page.description), *stream_text(page.outcomes), page.audience]
    elif isinstance(page, LessonPage):
        texts += stream_text(page.body)
    return [text for text in texts if text]


def snippet(texts: Iterable[str], terms: list[str]) -> SafeString:
    """The first passage of ``texts`` mentioning one of ``terms``, the mentions in ``<mark>``;
    else the start of the first text. Everything else is escaped."""
    texts = list(texts)
    if not texts:
        return mark_safe("")  # noqa: S308 - empty
    pattern = (
        re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
        if terms
        else None
    )
    for text in texts:
        found = pattern.search(text) if pattern else None
        if found:
            return _marked(text, found.start(), pattern)
    return _marked(texts[0], 0, None)


def _marked(text: str, start: int, pattern: re.Pattern | None) -> SafeString:
    begin = 0 if start <= LEAD_CHARS else text.rfind(" ", 0, start - LEAD_CHARS) + 1
    end = begin + SNIPPET_CHARS
    if end < len(text):
        end = max(text.rfind(" ", begin, end), start + 1)
    passage = text[begin:end]
    pieces, last = [], 0
    for match in pattern.finditer(passage) if pattern else ():
        pieces += [escape(passage[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    pieces.append(escape(passage[last:]))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece escaped


def search_hits(pages: Iterable[Page], query: str) -> list[SearchHit]:
    """One page of search results as hits; one query for the courses of its lessons."""
    pages = list(pages)
    terms = query_terms(query)
    lessons_in = {p.pk: p.path[: -Page.steplen] for p in pages if isinstance(p, LessonPage)}
    courses = {}
    if lessons_in:
        courses = {c.path: c for c in Page.objects.filter(path__in=set(lessons_in.values()))}
    return [
        SearchHit(
            page=page,
            kind="Lesson" if page.pk in lessons_in else "Course",
            course=courses.get(lessons_in.get(page.pk)),
            snippet=snippet(page_texts(page), terms),
        )
        for page in pages
    ]
