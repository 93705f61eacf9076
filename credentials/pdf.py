"""Render a Lineage certificate as a one-page PDF (pure functions: no Django, no database).

The certificate follows the design brief: landscape A4, lots of white space, a ruled border with
the Lineage mark and the issuer's name at the top, the learner's name largest, the course title
second with its course code, one thin accent rule, small issuer/date details, the
verification QR (drawn by segno as vector paths) bottom right with the short URL under it, and
the credential id in a monospaced face. Every font is an embedded TrueType subset from
``credentials/fonts`` (Helvetica is never referenced); text is split into runs by script so
Latin/Greek/Cyrillic use DejaVu, Han/Kana use Droid Sans Fallback and Hangul uses NanumSquare.

The credential id goes into the document information dictionary (``/LineageCredentialId``, the
subject and the keywords) and attachments (the signed Open Badges JSON) are embedded as PDF
embedded files with pyHanko, in one incremental update written before signing.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import segno
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from .pdf_frame import draw_border, draw_mark
from .pdf_text import (
    LIST_SEPARATOR,
    MONO,
    SANS,
    SANS_BOLD,
    draw_text,
    fit_text,
    register_fonts,
)

__all__ = ["CREDENTIAL_ID_KEY", "CertificateData", "certificate_writer", "render_certificate_pdf"]

CREDENTIAL_ID_KEY = "/LineageCredentialId"

# Binary (Flate-only) streams: ASCII85 on top costs ~2 ms a page and 25 % size for 7-bit safety
# nobody needs. Process-wide reportlab setting, harmless for other reportlab users.
rl_config.useA85 = 0

INK = HexColor("#1c1b1f")
MUTED = HexColor("#55525c")
ACCENT = HexColor("#0b5f5a")

_MONTHS = (
    "January February March April May June July August September October November December"
).split()

# Printed labels. Only English exists so far; /Lang follows the labels actually printed.
_LABELS = {
    "en": {
        "heading": "Certificate of completion",
        "certifies": "This certifies that",
        "completed": "has completed",
        "course_code": "Course code",
        "skills": "Skills",
        "issued_by": "Issued by",
        "issued_on": "Issued",
        "expires_on": "Valid until",
        "no_expiry": "Does not expire",
        # The course's estimate, not the time this learner spent (which nobody measured).
        "hours": "Estimated course length",
        "about": "About",
        "hour": "hour",
        "hours_unit": "hours",
        "credential_id": "Credential ID",
        "verify": "Verify this certificate",
        "title": "Certificate: {course} — {name}",
        "subject": "Certificate of completion of “{course}” issued by {issuer} to {name}. "
        "Credential ID {id}. Verify at {url}",
    }
}

_MIME_TYPES = {
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".jwt": "application/jwt",
    ".txt": "text/plain",
}


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on (or embedded in) one certificate; plain values only."""

    credential_id: str
    learner_name: str
    course_title: str
    skills: tuple[str, ...]
    hours: Decimal | float | None
    issued_on: date
    expires_on: date | None
    issuer_name: str
    verify_url: str
    short_verify_url: str
    language: str = "en"
    edition: str = ""
    course_code: str = ""


def _qr_path(data: str) -> tuple[int, str]:
    """QR modules for ``data`` as PDF path operators in module units (origin bottom left).

    Dark runs in a row become one rectangle each: ``"x y w 1 re"`` with integers, so the path is
    a compact literal instead of thousands of float-formatted reportlab calls.
    """
    qr = segno.make(data, error="m", micro=False)
    rows = list(qr.matrix_iter(scale=1, border=0))
    n = len(rows)
    ops = []
    for r, row in enumerate(rows):
        y = n - 1 - r
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                ops.append(f"{start} {y} {col - start} 1 re")
            else:
                col += 1
    return n, "\n".join(ops)


def _draw_qr(c: Canvas, data: str, x: float, size: float, text_top: float) -> float:
    """Draw a QR code for ``data`` as vector paths, ``size`` pt square, left edge at ``x``,
    with a 4-module quiet zone above ``text_top`` (the caption under it). Returns the module size.
    """
    n, ops = _qr_path(data)
    module = size / n
    y = text_top + 6 + 4 * module
    c.saveState()
    c.setFillColor(INK)
    c.transform(module, 0, 0, module, x, y)
    c.addLiteral(ops + "\nf")
    c.restoreState()
    return module


def _format_date(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _format_hours(hours: Decimal | float | None, labels: Mapping[str, str]) -> str | None:
    if hours is None:
        return None
    value = Decimal(str(hours))
    if value <= 0:
        return None
    text = format(value.normalize(), "f")
    unit = labels["hour"] if value == 1 else labels["hours_unit"]
    return f"{labels['about']} {text} {unit}"


def _draw_page(c: Canvas, data: CertificateData, labels: Mapping[str, str]) -> None:
    page_w, page_h = landscape(A4)
    left, right, top, bottom = 72.0, page_w - 72.0, page_h - 68.0, 60.0
    width = right - left

    # The border; the header: the mark and the issuer's name on the left, what the document
    # is on the right; then the one thin accent rule.
    draw_border(c, page_w, page_h)
    mark = 24.0
    draw_mark(c, left, top - 7.5, mark)
    issuer = fit_text(data.issuer_name, SANS_BOLD, width * 0.5, 13, 8)
    draw_text(c, left + mark + 9, top, issuer.lines[0], SANS_BOLD, issuer.size, INK)
    heading = labels["heading"].upper()
    draw_text(c, right, top + 2, heading, SANS, 8.5, MUTED, align="right", char_space=1.6)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(1.25)
    c.line(left, top - 24, left + 48, top - 24)

    # The learner's name (largest), then the course title (second).
    y = 430.0
    draw_text(c, left, y, labels["certifies"], SANS, 11, MUTED)
    name = fit_text(
        data.learner_name, SANS_BOLD, width, 40, 16, max_lines=3, max_height=80, leading=1.15
    )
    y -= 14 + name.size * 0.95
    for i, line in enumerate(name.lines):
        if i:
            y -= name.size * 1.15
        draw_text(c, left, y, line, SANS_BOLD, name.size, INK, char_space=-name.size * 0.012)
    y -= name.size * 0.3 + 26  # descender room, then the next label
    draw_text(c, left, y, labels["completed"], SANS, 11, MUTED)
    title = fit_text(
        data.course_title, SANS, width * 0.85, 22, 12, max_lines=3, max_height=46, leading=1.25
    )
    y -= 10 + title.size
    for i, line in enumerate(title.lines):
        if i:
            y -= title.size * 1.25
        draw_text(c, left, y, line, SANS, title.size, ACCENT)
    y -= title.size * 0.3
    if data.course_code:
        y -= 16
        label_w = draw_text(
            c, left, y, labels["course_code"].upper(), SANS, 7, MUTED, char_space=1.2
        )
        code = fit_text(data.course_code, MONO, width * 0.5, 9, 6)
        draw_text(c, left + label_w + 8, y, code.lines[0], MONO, code.size, INK)

    skills = LIST_SEPARATOR.join(s.strip() for s in data.skills if s.strip())
    if skills:
        y -= 24
        draw_text(c, left, y, labels["skills"].upper(), SANS, 7, MUTED, char_space=1.2)
        fitted = fit_text(skills, SANS, width * 0.7, 10.5, 8, max_lines=2)
        y -= 6 + fitted.size
        for line in fitted.lines:
            draw_text(c, left, y, line, SANS, fitted.size, INK)
            y -= fitted.size * 1.35

    # QR bottom right with the short URL under it (4-module quiet zone kept clear).
    qr_size = 92.0
    qr_x = right - qr_size
    quiet = 4 * _draw_qr(c, data.verify_url, qr_x, qr_size, bottom)
    url = fit_text(data.short_verify_url, MONO, 260, 8, 5)
    draw_text(c, right, bottom, url.lines[0], MONO, url.size, MUTED, align="right")
    qr_top = bottom + 6 + quiet + qr_size
    draw_text(c, right, qr_top + quiet + 2, labels["verify"], SANS, 7.5, MUTED, align="right")

    # Small details: issuer, dates and hours in columns; then credential id and edition.
    expires = _format_date(data.expires_on) if data.expires_on else labels["no_expiry"]
    columns = [
        (labels["issued_by"], data.issuer_name),
        (labels["issued_on"], _format_date(data.issued_on)),
        (labels["expires_on"], expires),
    ]
    hours = _format_hours(data.hours, labels)
    if hours:
        columns.append((labels["hours"], hours))
    avail = qr_x - left - 40
    widths = [avail * 0.34] + [avail * 0.66 / (len(columns) - 1)] * (len(columns) - 1)
    x, row_y = left, bottom + 68
    for (label, value), w in zip(columns, widths, strict=True):
        draw_text(c, x, row_y, label.upper(), SANS, 6.5, MUTED, char_space=1.1)
        fitted = fit_text(value, SANS, w - 16, 9.5, 7, max_lines=2)
        vy = row_y - 6 - fitted.size
        for line in fitted.lines:
            draw_text(c, x, vy, line, SANS, fitted.size, INK)
            vy -= fitted.size * 1.25
        x += w

    id_y = bottom + 14
    label = labels["credential_id"].upper()
    label_w = draw_text(c, left, id_y, label, SANS, 6.5, MUTED, char_space=1.1)
    cid = fit_text(data.credential_id, MONO, avail - label_w - 10, 9, 5.5)
    draw_text(c, left + label_w + 10, id_y, cid.lines[0], MONO, cid.size, INK)
    if data.edition:
        edition = fit_text(data.edition, SANS, avail, 7, 5.5)
        draw_text(c, left, bottom, edition.lines[0], SANS, edition.size, MUTED)


def _render_page(data: CertificateData) -> bytes:
    primary = data.language.split("-")[0].lower()
    lang, labels = (
        (data.language, _LABELS[primary]) if primary in _LABELS else ("en", _LABELS["en"])
    )
    register_fonts()
    buf = io.BytesIO()
    c = Canvas(
        buf,
        pagesize=landscape(A4),
        initialFontName=SANS,
        initialFontSize=10,
        lang=lang,
        pageCompression=1,
    )
    fmt = {
        "course": data.course_title,
        "name": data.learner_name,
        "issuer": data.issuer_name,
        "id": data.credential_id,
        "url": data.verify_url,
    }
    c.setTitle(labels["title"].format(**fmt))
    c.setSubject(labels["subject"].format(**fmt))
    c.setAuthor(data.issuer_name)
    c.setCreator("Lineage")
    c.setKeywords(f"Lineage credential, credential id {data.credential_id}, {data.verify_url}")
    _draw_page(c, data, labels)
    c.showPage()
    c.save()
    return buf.getvalue()


def _mime_type(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return _MIME_TYPES.get(suffix, "application/octet-stream")


def render_certificate_pdf(
    data: CertificateData, *, attachments: Mapping[str, bytes] = MappingProxyType({})
) -> bytes:
    """Render ``data`` as an unsigned one-page PDF certificate and return its bytes.

    ``attachments`` maps file names (e.g. ``open-badge-credential.json``) to their bytes; each
    becomes a PDF embedded file. The credential id is recorded as ``/LineageCredentialId`` in the
    document information dictionary. Pass the result to ``credentials.pdf_signing.sign_pdf``.
    """
    out = io.BytesIO()
    certificate_writer(data, attachments=attachments).write(out)
    return out.getvalue()


def certificate_writer(
    data: CertificateData, *, attachments: Mapping[str, bytes] = MappingProxyType({})
) -> IncrementalPdfFileWriter:
    """``render_certificate_pdf`` before it is written: a writer holding the attachments and
    the id as pending changes, for ``sign_pdf`` to put into its signed update."""
    page = _render_page(data)
    writer = IncrementalPdfFileWriter(io.BytesIO(page))
    info = writer.trailer["/Info"]
    info[generic.pdf_name(CREDENTIAL_ID_KEY)] = generic.TextStringObject(data.credential_id)
    writer.update_container(info)
    for name, payload in attachments.items():
        ef = embed.EmbeddedFileObject.from_file_data(
            writer,
            data=bytes(payload),
            mime_type=_mime_type(name),
            params=embed.EmbeddedFileParams(embed_size=True, embed_checksum=True),
        )
        embed.embed_file(
            writer,
            embed.FileSpec(
                file_spec_string=name, file_name=name, embedded_data=ef, description=name
            ),
        )
    return writer
