"""How Moodle names a question: cleaning a ``::title::`` and deriving a name from the text.

Moodle 4.2 stores ``clean_param(title, PARAM_TEXT)`` (tags stripped, trimmed, at most 255
characters); with no title it uses ``shorten_text(questiontext, 80)`` cleaned the same way,
or "Question name" when that comes out blank. These are ports of those PHP functions, so
imported names match what Moodle shows in its question bank.
"""

from __future__ import annotations

import re

# PHP's trim() strips exactly these; Python's str.strip() would also eat e.g. U+00A0.
PHP_WHITESPACE = " \t\n\r\0\x0b"
DEFAULT_QUESTION_NAME = "Question name"
NAME_MAX_LENGTH = 255

_ENTITY = re.compile(r"&[0-9a-z]{2,8};|&#[0-9]{1,7};|&#x[0-9a-f]{1,6};", re.IGNORECASE)
_TEXT_RUN = re.compile(r"[^<>]*")
_EMPTY_ELEMENT = re.compile(
    r"^<(\s*.+?/\s*|\s*(img|br|input|hr|area|base|basefont|col|frame|isindex|link|meta|param)"
    r"(\s.+?)?)>$",
    re.IGNORECASE | re.DOTALL,
)
_CLOSING_TAG = re.compile(r"^<\s*/([^\s]+?)\s*>$", re.DOTALL)
_OPENING_TAG = re.compile(r"^<\s*([^\s>!]+).*?>$", re.DOTALL)
_IF_OPEN = re.compile(r"^<!--\[if\s.*?\]>$", re.DOTALL)
_IF_CLOSE = re.compile(r"^<!--<!\[endif\]-->$", re.DOTALL)
_C_SPACE = " \t\n\x0b\x0c\r"  # C's isspace(), which PHP's strip_tags() uses


def php_trim(text: str) -> str:
    """``trim()`` as PHP does it."""
    return text.strip(PHP_WHITESPACE)


def strip_tags(text: str) -> str:
    """A port of PHP's ``strip_tags()`` state machine (tags, quoted attributes, comments).

    As in PHP, ``<`` followed by whitespace is kept as text, a stray ``>`` is kept, and an
    unclosed tag swallows the rest of the string.
    """
    out: list[str] = []
    i, length = 0, len(text)
    while i < length:
        char = text[i]
        if char != "<" or (i + 1 < length and text[i + 1] in _C_SPACE):
            out.append(char)
            i += 1
            continue
        if text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            i = length if end == -1 else end + 3
            continue
        # Inside a tag: skip to the matching '>', honouring quotes and nested '<'.
        depth, quote = 0, ""
        i += 1
        while i < length:
            char = text[i]
            if quote:
                if char == quote:
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char == "<":
                depth += 1
            elif char == ">":
                if depth == 0:
                    break
                depth -= 1
            i += 1
        i += 1
    return "".join(out)


def _plain_length(text: str) -> int:
    """``mb_strlen(preg_replace('/<.*?>/', '', $text))`` in linear time.

    The regex is quadratic on text full of unclosed ``<``; this scan caches the next ``>``
    and line break instead. A ``<`` opens a tag only if a ``>`` comes before the line ends.
    """
    length, index, size = 0, 0, len(text)
    next_close = next_newline = -1
    while index < size:
        bracket = text.find("<", index)
        if bracket == -1:
            return length + size - index
        length += bracket - index
        index = bracket
        if next_close < index:
            next_close = text.find(">", index) % (size + 1)  # -1 becomes "never" (size)
        if next_newline < index:
            next_newline = text.find("\n", index) % (size + 1)
        if next_close < min(next_newline, size):
            index = next_close + 1
        else:
            length += 1
            index += 1
    return length


def _tags_and_text(text: str) -> list[tuple[str, str]]:
    """The (tag, text) pairs of ``preg_match_all('/(<.+?>)?([^<>]*)/s')``, in linear time.

    As in PCRE, a ``<`` or ``>`` that is not part of a tag is skipped over.
    """
    pieces: list[tuple[str, str]] = []
    index, size, next_close = 0, len(text), -1
    while index < size:
        tag = ""
        if text[index] == "<":
            if next_close < index + 2:  # '.+?' needs a character before the '>'
                next_close = text.find(">", index + 2) % (size + 1)
            if next_close == size:
                index += 1
                continue
            tag, index = text[index : next_close + 1], next_close + 1
        elif text[index] == ">":
            index += 1
            continue
        end = _TEXT_RUN.match(text, index).end()
        pieces.append((tag, text[index:end]))
        index = end
    return pieces


def _break_position(content: str, breakpos: int) -> int:
    """Step back from ``breakpos`` to just after a space, full stop or CJK character."""
    while breakpos > 0:
        char = content[breakpos : breakpos + 1]
        # PHP tests `if ($char = mb_substr(...))`, so '' and '0' are skipped as falsy.
        if char and char != "0":
            if char in ". ":
                return breakpos + 1
            if len(char.encode("utf-8")) > 2:
                return breakpos + 1
        breakpos -= 1
    return 0


def shorten_text(text: str, ideal: int = 30, ending: str = "...") -> str:
    """Port of Moodle's ``shorten_text()`` (word boundary, entities count as one char)."""
    if _plain_length(text) <= ideal:
        return text
    total = len(ending)
    truncate = ""
    tags: list[tuple[bool, str]] = []
    for tag, content in _tags_and_text(text):
        if tag:
            if not _EMPTY_ELEMENT.match(tag):
                if match := _CLOSING_TAG.match(tag):
                    tags.append((False, match.group(1).lower()))
                elif match := _OPENING_TAG.match(tag):
                    tags.append((True, match.group(1).lower()))
                elif _IF_OPEN.match(tag):
                    tags.append((True, "if"))
                elif _IF_CLOSE.match(tag):
                    tags.append((False, "if"))
            truncate += tag
        content_length = len(_ENTITY.sub(" ", content))
        if total + content_length > ideal:
            left = ideal - total
            entities_length = 0
            for entity in _ENTITY.finditer(content):
                if entity.start() + 1 - entities_length <= left:
                    left -= 1
                    entities_length += len(entity.group(0))
                else:
                    break
            limit = left + entities_length
            breakpos = _break_position(content, limit)
            if breakpos == 0 or breakpos > limit:
                breakpos = limit
            truncate += content[:breakpos]
            break
        truncate += content
        total += content_length
        if total >= ideal:
            break
    truncate += ending
    open_tags: list[str] = []  # most recently opened first, as in the PHP
    for is_open, name in tags:
        if is_open:
            open_tags.insert(0, name)
        elif name in open_tags:
            del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name)]
    for name in open_tags:
        truncate += "<!--<![endif]-->" if name == "if" else f"</{name}>"
    return truncate


def clean_question_name(name: str) -> str:
    """Moodle's ``clean_question_name()``: strip tags, trim, fit in 255 characters."""
    # PHP keeps a "<" followed by a space; once trim() removes that space, cleaning the name
    # again (say, after an export) would strip the "<". Drop such a tail now, so cleaning
    # is idempotent.
    name = php_trim(strip_tags(name.replace("\0", ""))).rstrip(PHP_WHITESPACE + "<")
    trim_length = NAME_MAX_LENGTH - 4
    while len(name) > NAME_MAX_LENGTH and trim_length > 0:
        name = shorten_text(name, trim_length)
        trim_length -= 10
    return name


def default_question_name(question_text: str) -> str:
    """Moodle's ``create_default_question_name()`` for a question with no ``::title::``."""
    return clean_question_name(shorten_text(question_text, 80)) or DEFAULT_QUESTION_NAME
