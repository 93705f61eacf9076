"""Reading files uploaded for verification: in memory only, capped, checked by type and content.

Nothing uploaded for verification is ever written anywhere: uploads are held in memory (never
in a temporary file), refused beyond ``LINEAGE_VERIFY_MAX_UPLOAD_BYTES`` before the body is
parsed, and dropped with the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import MemoryFileUploadHandler, SkipFile
from django.http import HttpRequest

from .verification_files import max_upload_bytes, size_problem

# Room for the multipart boundaries, headers and a pasted-text field around the file itself.
MULTIPART_OVERHEAD = 64 * 1024

PDF_TYPES = {"application/pdf", "application/x-pdf", "application/octet-stream", ""}
JSON_TYPES = {
    "application/json",
    "application/ld+json",
    "application/vc+ld+json",
    "application/vc",
    "text/json",
    "text/plain",
    "application/octet-stream",
    "",
}
NOT_PDF = "The selected file is not a PDF."
NOT_JSON = "The selected file is not JSON."


class MemoryOnlyUploadHandler(MemoryFileUploadHandler):
    """Keep every uploaded file in memory, whatever its size, and skip one over the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True  # the request size was already capped by ``body_too_large``

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)  # raises StopFutureHandlers: it takes the file

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self.request._verification_upload_too_large = True
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)


def prepare(request: HttpRequest) -> None:
    """Install the memory-only handler; call before anything reads ``request.POST``."""
    request.upload_handlers = [MemoryOnlyUploadHandler(request)]


def body_too_large(request: HttpRequest) -> str | None:
    """Refuse an oversized request from its Content-Length, before reading the body."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_upload_bytes() + MULTIPART_OVERHEAD:
        return size_problem(length)
    return None


@dataclass(frozen=True)
class Upload:
    """What the form sent: the bytes, or the problem with them in plain words."""

    data: bytes | None = None
    problem: str | None = None
    too_large: bool = False
    declared_type_ok: bool = True  # the browser's Content-Type is one we accept for the field


def read_file(request: HttpRequest, field: str, *, allowed_types: set[str]) -> Upload:
    """Read one uploaded file from ``request.FILES`` with the size and declared-type checks."""
    try:
        uploaded = request.FILES.get(field)
    except RequestDataTooBig:
        return Upload(problem=size_problem(max_upload_bytes() + 1), too_large=True)
    if getattr(request, "_verification_upload_too_large", False):
        return Upload(problem=size_problem(max_upload_bytes() + 1), too_large=True)
    if uploaded is None:
        return Upload()
    if uploaded.size > max_upload_bytes():
        return Upload(problem=size_problem(uploaded.size), too_large=True)
    declared = (uploaded.content_type or "").split(";")[0].strip().lower()
    return Upload(data=uploaded.read(), declared_type_ok=declared in allowed_types)


def looks_like_pdf(data: bytes) -> bool:
    return bytes(data[:1024]).lstrip().startswith(b"%PDF-")


def looks_like_json(data: bytes) -> bool:
    head = bytes(data[:1024]).removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"{")
