"""The lexical rules of Moodle's GIFT format, shared by the importer and the exporter.

Everything here mirrors ``question/format/gift/format.php`` and ``question_bank`` in
Moodle 4.2: the backslash escapes, the ``[format]`` prefixes, answer weights and the list of
grades a weight must come from, numbers as PHP's ``is_numeric()`` reads them, and the
``[id:...]`` / ``[tag:...]`` syntax of question comments.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from quizzes.gift_model import TEXT_FORMATS
from quizzes.gift_names import php_trim

# Moodle swaps escaped control characters for placeholders before it cuts a question up
# and swaps them back afterwards. We use lone surrogates, which valid Unicode input cannot
# contain, so the placeholders are one character long and offsets keep their line numbers.
_HIDDEN = {
    ":": "\ud800",
    "#": "\ud801",
    "=": "\ud802",
    "{": "\ud803",
    "}": "\ud804",
    "~": "\ud805",
    "n": "\ud806",
}
_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_REVEAL = str.maketrans(
    {hidden: ("\n" if char == "n" else char) for char, hidden in _HIDDEN.items()}
)
# What Moodle's repchar() escapes on export; it drops carriage returns.
_REPCHAR = str.maketrans(
    {
        "\\": "\\\\",
        "#": "\\#",
        "=": "\\=",
        "~": "\\~",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)

# question_bank::fraction_options_full(): p/q for q <= 6, p/10, 1/q for q <= 10, 1/20,
# their negatives, 0 and +/-1. Moodle rejects any weight more than 1e-5 away from these.
_POSITIVE_GRADES = (
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
)
GRADES = (0.0, 1.0, *_POSITIVE_GRADES, *(-grade for grade in reversed(_POSITIVE_GRADES)), -1.0)
GRADE_TOLERANCE = 0.00001

# Moodle's $giftanswerweightregex, anchored where the answer starts.
WEIGHT = re.compile(r"%-*([0-9]{1,2})\.?([0-9]*)%")
# PHP 8 is_numeric(): optional surrounding whitespace, sign, decimal, exponent.
_NUMERIC = re.compile(
    r"[ \t\n\r\x0b\x0c]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t\n\r\x0b\x0c]*"
)

# extract_idnumber_and_tags_from_comment(): "[id:" / "[tag:", then any characters but
# control characters (and <, >, ` in tags), with "\]" standing for "]", then "]".
_CONTROL = "".join(map(chr, range(32))) + "\x7f"
CONTROL_CHARACTERS = re.compile(f"[{re.escape(_CONTROL)}]")
_ID_STOP = frozenset(_CONTROL + "]")
_TAG_STOP = frozenset(_CONTROL + "]<>`")


def hide_escapes(text: str) -> str:
    """Hide the escapes ``\\: \\# \\= \\{ \\} \\~ \\n`` behind placeholders; ``\\\\`` is ``\\``."""
    return _ESCAPE.sub(lambda m: "\\" if m.group(1) == "\\" else _HIDDEN[m.group(1)], text)


def reveal_escapes(text: str) -> str:
    """Turn placeholders back into the characters they stand for."""
    return text.translate(_REVEAL)


def escape_text(text: str) -> str:
    """Moodle's ``repchar()``: escape GIFT control characters and line breaks."""
    return text.translate(_REPCHAR)


def split_format(text: str, default: str) -> tuple[str, str]:
    """Moodle's ``parse_text_with_format()``: an optional ``[html]``-style prefix, then trim."""
    text_format = default
    if text.startswith("["):
        close = text.find("]")
        if close != -1 and text[1:close] in TEXT_FORMATS:
            text_format = text[1:close]
            text = text[close + 1 :]
    return php_trim(reveal_escapes(text)), text_format


def has_format_prefix(text: str) -> bool:
    """Whether ``text`` starts with something the importer would read as a format prefix."""
    close = text.find("]")
    return text.startswith("[") and close != -1 and text[1:close] in TEXT_FORMATS


def snap_to_grade(fraction: float) -> float | None:
    """The grade from Moodle's list within 1e-5 of ``fraction``, or ``None``."""
    for grade in GRADES:
        if abs(fraction - grade) < GRADE_TOLERANCE:
            return grade
    return None


def is_numeric(text: str) -> bool:
    """PHP's ``is_numeric()`` (no hex, no ``inf``/``nan``, no digit separators), and finite."""
    return _NUMERIC.fullmatch(text) is not None and math.isfinite(float(text))


def php_number(value: float) -> str:
    """A float as PHP prints it with ``precision=14`` (``3.1415``, ``100``, ``1.0E-5``)."""
    text = f"{value:.14G}"
    if "E" in text:
        mantissa, exponent = text.split("E")
        if "." not in mantissa:
            mantissa += ".0"
        text = f"{mantissa}E{int(exponent):+d}"
    return text


def _bracket_tokens(
    comment: str, opener: str, stop: frozenset[str], allow_empty: bool
) -> Iterator[str]:
    r"""Contents of ``opener...]`` tokens, as Moodle's backtracking regex finds them.

    Moodle matches ``\[id:((?:\\]|[^][:cntrl:]])+)]``; written out as a scan it runs in
    linear time (the regex is quadratic on a long line of unclosed ``[id:``). When the scan
    meets a stop character before a bare ``]``, the regex backtracks to read the last
    ``\]`` as a backslash followed by the closing bracket; so do we.
    """
    position, size = 0, len(comment)
    while (begin := comment.find(opener, position)) != -1:
        start = index = begin + len(opener)
        last_pair = -1
        while index < size:
            if comment.startswith("\\]", index):
                last_pair = index
                index += 2
            elif comment[index] in stop:
                break
            else:
                index += 1
        if index < size and comment[index] == "]" and (index > start or allow_empty):
            yield comment[start:index]
            position = index + 1
        elif last_pair != -1:
            yield comment[start : last_pair + 1]
            position = last_pair + 2
        else:
            position = max(index, begin + 1)  # no token can start before the stop


def extract_idnumber_and_tags(comment: str) -> tuple[str, tuple[str, ...]]:
    """Moodle's ``extract_idnumber_and_tags_from_comment()``: first ``[id:]``, all ``[tag:]``.

    Tags are trimmed; blank tags and repeats (case-insensitively, as Moodle's tag store
    merges them) are dropped.
    """
    raw_id = next(_bracket_tokens(comment, "[id:", _ID_STOP, allow_empty=False), None)
    idnumber = php_trim(raw_id).replace("\\]", "]") if raw_id is not None else ""
    tags: list[str] = []
    seen: set[str] = set()
    for raw in _bracket_tokens(comment, "[tag:", _TAG_STOP, allow_empty=True):
        tag = php_trim(raw).replace("\\]", "]")
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return idnumber, tuple(tags)
