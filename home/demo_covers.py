"""Cover images for the demo courses: abstract graphics drawn by this script with Pillow.

No AI tool is involved and nothing is fetched: each cover is a pure function of the course
code, so the same code always gives the same picture (the PNG bytes are stable for a given
Pillow version). ``load_demo`` attaches them with the disclosure in ``COVER_CREDIT``.

    python -m home.demo_covers OUT_DIR   # write every cover as OUT_DIR/cover-<code>.png
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

__all__ = ["COVER_CREDIT", "COVER_SIZE", "cover_alt", "cover_codes", "cover_png"]

COVER_SIZE = (1200, 675)  # 16:9, the ratio the catalogue cards and course pages crop to
COVER_CREDIT = "Made by Lineage with a script"
_SCALE = 2  # drawn at twice the size, then downsampled: smooth edges without antialiasing

PAPER = (250, 248, 245)
INK = (28, 27, 31)
ACCENT = (11, 95, 90)
ACCENT_LIGHT = (207, 227, 224)
ACCENT_MID = (120, 170, 163)
OCHRE = (224, 164, 88)
TERRACOTTA = (200, 85, 61)


def _mix(a: tuple, b: tuple, t: float) -> tuple:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _ramp(stops: list[tuple], n: int) -> list[tuple]:
    """``n`` colours evenly spaced along the piecewise-linear ramp through ``stops``."""
    out = []
    for i in range(n):
        pos = i / (n - 1) * (len(stops) - 1)
        k = min(int(pos), len(stops) - 2)
        out.append(_mix(stops[k], stops[k + 1], pos - k))
    return out


def _bias(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """AIBM-101: rows of tones from light to deep skin; one ringed, the way a review
    singles out the faces a model renders badly."""
    tones = _ramp([(246, 228, 211), (199, 150, 107), (112, 74, 52), (48, 36, 30)], 10)
    draw.rectangle((0, 0, w, h), fill=ACCENT_LIGHT)
    r = h * 0.052
    gap = r * 2.8
    x0 = w * 0.5 - gap * 4.5
    for row in range(4):
        y = h * 0.5 - gap * 2 + row * gap
        for col in range(len(tones)):
            # Each row is the scale shifted: the same tones, in a different order.
            colour = tones[(col + row * 3) % len(tones)]
            x = x0 + col * gap
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
            if (row, col) == (2, 6):
                ring = r * 1.45
                draw.ellipse(
                    (x - ring, y - ring, x + ring, y + ring), outline=INK, width=int(r / 4)
                )
    # A measuring rule along the foot, like the scale bar on a chart.
    y = h * 0.5 + gap * 2.1
    draw.line((x0 - r, y, x0 + gap * 9 + r, y), fill=ACCENT, width=int(r * 0.18))
    for col in range(10):
        x = x0 + col * gap
        draw.line((x, y - r * 0.35, x, y + r * 0.35), fill=ACCENT, width=int(r * 0.18))


def _consent(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """AIPR-102: one person and their fading copies (digital replicas); the original solid,
    each copy paler, and a bar for the share of payment that follows each use."""
    draw.rectangle((0, 0, w, h), fill=(244, 233, 220))
    head = h * 0.13
    base_x, base_y = w * 0.26, h * 0.3
    for i in range(4, -1, -1):
        x = base_x + i * w * 0.13
        colour = ACCENT if i == 0 else _mix(ACCENT_MID, (244, 233, 220), i / 5)
        draw.ellipse((x - head, base_y - head, x + head, base_y + head), fill=colour)
        shoulders = (x - head * 1.9, base_y + head * 1.25, x + head * 1.9, base_y + head * 4.6)
        draw.pieslice(shoulders, 180, 360, fill=colour)
    y = h * 0.87
    draw.rounded_rectangle(
        (w * 0.12, y - h * 0.03, w * 0.88, y + h * 0.03), h * 0.03, fill=PAPER, outline=INK
    )
    for i, share in enumerate((0.30, 0.18, 0.12, 0.08)):
        start = w * 0.12 + w * 0.76 * sum((0.30, 0.18, 0.12, 0.08)[:i])
        end = start + w * 0.76 * share
        colour = _mix(OCHRE, TERRACOTTA, i / 3)
        draw.rounded_rectangle((start, y - h * 0.03, end, y + h * 0.03), h * 0.03, fill=colour)


def _previs(draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """AIPV-103: a storyboard of six frames, the horizon kept from panel to panel and the
    subject moving through them on one path (continuity)."""
    draw.rectangle((0, 0, w, h), fill=(232, 236, 240))
    cols, rows = 3, 2
    pad = w * 0.06
    fw = (w - pad * (cols + 1)) / cols
    fh = fw * 9 / 16
    top = (h - rows * fh - (rows - 1) * pad) / 2
    path = []
    for r in range(rows):
        for c in range(cols):
            x, y = pad + c * (fw + pad), top + r * (fh + pad)
            draw.rounded_rectangle(
                (x, y, x + fw, y + fh),
                fh * 0.06,
                fill=PAPER,
                outline=INK,
                width=max(2, int(h * 0.005)),
            )
            horizon = y + fh * (0.55 + 0.05 * ((r * cols + c) % 2))
            draw.line(
                (x + fh * 0.06, horizon, x + fw - fh * 0.06, horizon),
                fill=ACCENT_MID,
                width=max(2, int(h * 0.004)),
            )
            n = r * cols + c
            cx = x + fw * (0.25 + 0.1 * n)
            size = fh * (0.12 + 0.025 * n)
            draw.rectangle((cx - size / 2, horizon - size, cx + size / 2, horizon), fill=ACCENT)
            path.append((cx, horizon - size / 2))
    # The subject's path through the boards, a keyframe on each panel: one continuous move.
    draw.line(path, fill=OCHRE, width=max(3, int(h * 0.008)), joint="curve")
    dot = h * 0.014
    for x, y in path:
        draw.ellipse((x - dot, y - dot, x + dot, y + dot), fill=INK)


# Each cover's drawing and its alt text, which describes what the drawing shows.
_COVERS: dict[str, tuple[Callable[[ImageDraw.ImageDraw, int, int], None], str]] = {
    "AIBM-101": (
        _bias,
        "Forty circles in skin tones from light to deep, in four rows above a measuring "
        "rule; one circle is ringed.",
    ),
    "AIPR-102": (
        _consent,
        "A teal figure followed by four paler copies of itself, above a bar split into "
        "shares of orange and red.",
    ),
    "AIPV-103": (
        _previs,
        "Six storyboard frames with a level horizon; a square grows from frame to frame "
        "along one orange path.",
    ),
}


def cover_codes() -> tuple[str, ...]:
    """The course codes that have a demo cover."""
    return tuple(_COVERS)


def cover_alt(code: str) -> str:
    """Alt text for the demo cover of course ``code``."""
    return _COVERS[code][1]


def cover_png(code: str) -> bytes:
    """The demo cover for course ``code`` as PNG bytes (KeyError for a code without one)."""
    draw_cover = _COVERS[code][0]
    w, h = COVER_SIZE[0] * _SCALE, COVER_SIZE[1] * _SCALE
    image = Image.new("RGB", (w, h), PAPER)
    draw_cover(ImageDraw.Draw(image), w, h)
    image = image.resize(COVER_SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    target.mkdir(parents=True, exist_ok=True)
    for course_code in cover_codes():
        (target / f"cover-{course_code.lower()}.png").write_bytes(cover_png(course_code))
