"""Shared helpers for the verification tests: issue real credentials, tamper with their files."""

from __future__ import annotations

import io
import itertools
import json
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from courses import services as course_services
from courses.models import LessonPage
from credentials import services
from credentials.models import Credential
from credentials.storage import private_storage

HOLDER_NAME = "Lena Müller"
_titles = itertools.count(1)


@pytest.fixture
def fresh_cache():
    """Verdicts and rate-limit counters live in the cache: start every test without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issue(learner, make_course, django_capture_on_commit_callbacks):
    """Complete a fresh course as ``learner`` and return the issued credential.

    ``visibility`` is the learner's choice when the credential is created (it also decides
    whether the signed badge carries their name).
    """

    def run(*, visibility="achievement", valid_for_days=None, course=None, user=learner):
        user.verification_visibility = visibility
        user.save(update_fields=["verification_visibility"])
        if course is None:
            course = make_course(
                f"Verified course {next(_titles)}", lessons=1, skills=("bias", "qa")
            )
            if valid_for_days:
                course.credential_valid_for_days = valid_for_days
                course.save_revision().publish()
        course_services.enrollment_create(user=user, course=course)
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in LessonPage.objects.child_of(course).order_by("path"):
                course_services.step_complete(user=user, step=lesson)
        return Credential.objects.filter(user=user, course=course).latest("pk")

    return run


def pdf_of(credential: Credential) -> bytes:
    with private_storage().open(credential.pdf.name) as fh:
        return fh.read()


def badge_bytes(credential: Credential, **changes) -> bytes:
    document = json.loads(json.dumps(credential.badge))
    document.update(changes)
    return json.dumps(document).encode("utf-8")


def flip_signed_byte(pdf: bytes) -> bytes:
    """Change one byte inside the signed revision (the document title in the Info dictionary)."""
    index = pdf.index(b"/Title") + 10
    tampered = bytearray(pdf)
    tampered[index] ^= 0x01
    return bytes(tampered)


def append_incremental_update(pdf: bytes) -> bytes:
    """Add a visible-in-readers annotation after signing, as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0]
    annot = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                map(generic.NumberObject, (0, 0, 20, 20))
            ),
            generic.pdf_name("/Contents"): generic.TextStringObject("Grade: A+"),
        }
    )
    page[generic.pdf_name("/Annots")] = generic.ArrayObject([writer.add_object(annot)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def revoke(django_capture_on_commit_callbacks):
    """Revoke as an admin does (the status list republishes on commit), dated ``on``."""

    def run(credential, *, on=datetime(2027, 3, 3, 10, 0, tzinfo=UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            services.credential_revoke(
                credential=credential,
                reason=Credential.RevocationReason.ISSUED_IN_ERROR,
                actor="test",
            )
        Credential.objects.filter(pk=credential.pk).update(revoked_at=on)
        credential.refresh_from_db()
        return credential

    return run
