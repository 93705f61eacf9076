"""The certificate's designed parts: its border and the Lineage mark (pure reportlab, no Django).

The border is two accent rules, a strong one and a hairline, inset from the page edge; the mark
is the one served as ``lms/static/img/lineage-mark.svg`` (same 32-unit geometry), drawn as
vector rectangles so it stays sharp at any zoom and adds no image to the file.
"""

from __future__ import annotations

from reportlab.lib.colors import Color, HexColor
from reportlab.pdfgen.canvas import Canvas

__all__ = ["draw_border", "draw_mark"]

ACCENT = HexColor("#0b5f5a")
PAPER = HexColor("#faf8f5")

# The mark on a 32-unit square, as in the SVG: (x, y, width, height) from the top left.
_MARK_BARS = ((7, 6, 4, 20), (14, 6, 5, 4), (21, 6, 4, 4), (14, 14, 11, 4), (7, 22, 18, 4))


def draw_border(
    c: Canvas, page_w: float, page_h: float, *, inset: float = 24.0, color: Color = ACCENT
) -> None:
    """A 1.5 pt rule ``inset`` pt inside the page edge, and a hairline 4 pt inside that."""
    c.saveState()
    c.setStrokeColor(color)
    c.setLineWidth(1.5)
    c.rect(inset, inset, page_w - 2 * inset, page_h - 2 * inset, stroke=1, fill=0)
    c.setLineWidth(0.5)
    inner = inset + 4
    c.rect(inner, inner, page_w - 2 * inner, page_h - 2 * inner, stroke=1, fill=0)
    c.restoreState()


def draw_mark(c: Canvas, x: float, y: float, size: float) -> None:
    """The Lineage mark, ``size`` pt square, with its bottom left corner at (``x``, ``y``)."""
    unit = size / 32
    c.saveState()
    c.setFillColor(ACCENT)
    c.roundRect(x, y, size, size, 7 * unit, stroke=0, fill=1)
    c.setFillColor(PAPER)
    for bx, by, bw, bh in _MARK_BARS:
        c.roundRect(
            x + bx * unit, y + size - (by + bh) * unit, bw * unit, bh * unit, unit, stroke=0, fill=1
        )
    c.restoreState()
