"""Multi-script text for reportlab: vendored fonts, per-script font runs, and shrink-to-fit.

reportlab has no font fallback: a glyph missing from the current font prints as a box. Here text
is split into runs by script (Han/Kana → Droid Sans Fallback, Hangul → NanumSquare, everything
else → DejaVu, with a per-character coverage check as a safety net) and each run is drawn in its
own font. Only TrueType fonts are used (reportlab cannot load CFF-flavoured OpenType). Pure
functions of reportlab; no Django.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

__all__ = ["FONT_DIR", "SANS", "SANS_BOLD", "MONO", "register_fonts", "split_runs", "text_width"]
__all__ += ["draw_text", "fit_text", "Fitted", "LIST_SEPARATOR"]

FONT_DIR = Path(__file__).resolve().parent / "fonts"

SANS, SANS_BOLD, MONO = "LineageSans", "LineageSans-Bold", "LineageMono"
CJK, HANGUL = "LineageCJK", "LineageHangul"
_FONT_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
    CJK: "DroidSansFallbackFull.ttf",
    HANGUL: "NanumSquareR.ttf",
}
_CJK_FONTS = (CJK, HANGUL)
LIST_DOT = "·"
LIST_SEPARATOR = f"\u2002{LIST_DOT}\u2002"  # en spaces around a middle dot
_SPACES = re.compile(r"[ \t\r\n]+")


@cache
def _font(name: str) -> TTFont:
    """Parse and register one vendored TrueType font, once per process (Droid: ~70 ms)."""
    font = TTFont(name, str(FONT_DIR / _FONT_FILES[name]))
    pdfmetrics.registerFont(font)
    return font


def register_fonts() -> None:
    """Register the Latin/Greek/Cyrillic faces; the CJK faces load on first use."""
    for name in (SANS, SANS_BOLD, MONO):
        _font(name)


def _has_glyph(font_name: str, char: str) -> bool:
    return ord(char) in _font(font_name).face.charToGlyph


def _script_fonts(cp: int) -> tuple[str, str] | None:
    """Preferred fonts for CJK code points, or None for "the base font"."""
    if 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        return (HANGUL, CJK)  # Hangul syllables and jamo
    if (
        0x2E80 <= cp <= 0x2FDF  # CJK radicals
        or 0x3000 <= cp <= 0x312F  # CJK punctuation, Hiragana, Katakana, Bopomofo
        or 0x31A0 <= cp <= 0x9FFF  # Kana extensions, CJK symbols, unified ideographs
        or 0xF900 <= cp <= 0xFAFF  # CJK compatibility ideographs
        or 0xFF00 <= cp <= 0xFFEF  # half/full-width forms
        or 0x20000 <= cp <= 0x3FFFF  # supplementary ideographs
    ):
        return (CJK, HANGUL)
    return None


@lru_cache(maxsize=4096)
def split_runs(text: str, base_font: str = SANS) -> tuple[tuple[str, str], ...]:
    """Split ``text`` (NFC-normalised) into ``(font_name, run)`` pieces by script.

    Han/Kana go to Droid Sans Fallback, Hangul to NanumSquare, everything else to ``base_font``.
    A character the chosen font lacks falls back to any vendored font that has it (else it stays
    in ``base_font`` and prints as a box). Spaces and punctuation stay in the current CJK run when
    that font can draw them, so "山田 花子" is a single run.
    """
    runs: list[tuple[str, str]] = []
    current: str | None = None
    buf: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        preferred = _script_fonts(ord(char))
        if preferred is None:
            if current in _CJK_FONTS and not char.isalnum() and _has_glyph(current, char):
                font = current
            else:
                candidates = (base_font, SANS, *_CJK_FONTS)
                font = next((f for f in candidates if _has_glyph(f, char)), base_font)
        else:
            font = next((f for f in preferred if _has_glyph(f, char)), preferred[0])
        if font != current and buf:
            runs.append((current, "".join(buf)))
            buf = []
        current = font
        buf.append(char)
    if buf:
        runs.append((current, "".join(buf)))
    return tuple(runs)


@lru_cache(maxsize=8192)
def _unit_width(text: str, font: str) -> float:
    """Advance width of ``text`` at 1 pt (widths scale linearly with size)."""
    return sum(pdfmetrics.stringWidth(run, f, 1.0) for f, run in split_runs(text, font))


def text_width(text: str, font: str, size: float, char_space: float = 0.0) -> float:
    """Advance width in points of ``text`` drawn with :func:`draw_text`."""
    return _unit_width(text, font) * size + char_space * len(text)


def draw_text(
    c: Canvas,
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    color,
    *,
    align: str = "left",
    char_space: float = 0.0,
) -> float:
    """Draw one line of ``text`` at baseline ``y`` with per-script font runs; return its width.

    ``align`` is "left", "right" or "centre" relative to ``x``; ``char_space`` adds tracking.
    CJK runs of a bold style get a thin stroke (the CJK fonts have one weight). The text state
    (tracking, render mode) is confined to a saved graphics state so it can't leak.
    """
    width = text_width(text, font, size, char_space)
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    c.saveState()
    c.setFillColor(color)
    c.setStrokeColor(color)
    c.setLineWidth(size * 0.03)
    for run_font, run in split_runs(text, font):
        t = c.beginText(x, y)
        t.setFont(run_font, size)
        if char_space:
            t.setCharSpace(char_space)
        if font == SANS_BOLD and run_font in _CJK_FONTS:
            t.setTextRenderMode(2)
        t.textOut(run)
        c.drawText(t)
        x += text_width(run, run_font, size, char_space)
    c.restoreState()
    return width


def _is_cjk(char: str) -> bool:
    return _script_fonts(ord(char)) is not None


@lru_cache(maxsize=1024)
def _segments(text: str) -> tuple[str, ...]:
    """Cut ``text`` at line-break opportunities: after spaces and hyphens, between CJK chars,
    never before a list separator (so a wrapped list never starts a line with "·")."""
    segs, start = [], 0
    for i in range(1, len(text)):
        prev, nxt = text[i - 1], text[i]
        breakable = (prev in " \u2002-/" and nxt not in " \u2002" + LIST_DOT) or (
            _is_cjk(prev) and _is_cjk(nxt)
        )
        if breakable:
            segs.append(text[start:i])
            start = i
    segs.append(text[start:])
    return tuple(segs)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy wrap at :func:`_segments`; a single segment wider than ``width`` overflows."""
    lines: list[str] = []
    line = ""
    for seg in _segments(text):
        candidate = line + seg
        if line and text_width(candidate.rstrip(), font, size) > width:
            lines.append(line.rstrip().removesuffix(LIST_SEPARATOR.rstrip()))
            line = seg.lstrip()
        else:
            line = candidate
    lines.append(line.rstrip())
    return lines


def _ellipsize(line: str, font: str, size: float, width: float) -> str:
    if text_width(line, font, size) <= width:
        return line
    while line and text_width(line + "…", font, size) > width:
        line = line[:-1]
    return line.rstrip() + "…"


@dataclass(frozen=True)
class Fitted:
    """Result of :func:`fit_text`: the chosen size and the lines to draw."""

    size: float
    lines: tuple[str, ...]


def fit_text(
    text: str,
    font: str,
    width: float,
    max_size: float,
    min_size: float,
    max_lines: int = 1,
    *,
    max_height: float | None = None,
    leading: float = 1.2,
) -> Fitted:
    """Shrink-to-fit: the largest size (0.5 pt steps) at which ``text`` fits ``width`` in at most
    ``max_lines`` lines and, if given, ``max_height`` (lines × size × ``leading``), so a long name
    takes two smaller lines rather than three huge ones. If ``min_size`` still needs more lines,
    the last line is ellipsised (nothing is ever drawn outside the box)."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    size = max_size
    while size >= min_size:
        lines = _wrap(text, font, size, width) if max_lines > 1 else [text]
        fits_height = max_height is None or len(lines) * size * leading <= max_height + 0.01
        if (
            len(lines) <= max_lines
            and fits_height
            and all(text_width(ln, font, size) <= width for ln in lines)
        ):
            return Fitted(size, tuple(lines))
        size -= 0.5
    lines = _wrap(text, font, min_size, width)
    if max_height is not None:
        max_lines = max(1, min(max_lines, int(max_height / (min_size * leading) + 0.01)))
    kept = lines[:max_lines]
    if len(lines) > max_lines:
        kept[-1] = " ".join([kept[-1], *lines[max_lines:]])
    return Fitted(min_size, tuple(_ellipsize(ln, font, min_size, width) for ln in kept))
