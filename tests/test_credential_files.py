"""Certificate PDFs are private files: no public URL reaches them (issue 12, finding 5).

The PDF names the holder whatever the verification link shows ("achievement without name",
"hidden") and stays on disk after a revocation, so it lives in the private storage
(``STORAGES["private"]``, outside MEDIA_ROOT) and leaves only through the holder's download
view. ``/media/`` here is mounted as ``make run`` mounts it (``django.views.static.serve`` over
MEDIA_ROOT), and as any web server told to serve MEDIA_ROOT would.
"""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import include, path, re_path, reverse
from django.views.static import serve

from credentials.models import Credential
from credentials.storage import private_storage
from tests.verification_support import issue, revoke  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

# The site's URLs with /media/ served from MEDIA_ROOT, as lms/urls.py does under DEBUG.
urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("", include("lms.urls")),
]
MOVE = importlib.import_module("credentials.migrations.0003_credential_pdfs_private_storage")


def public_media_url(credential: Credential) -> str:
    return f"{settings.MEDIA_URL}credentials/{credential.public_id}.pdf"


def files_under_media_root() -> list[Path]:
    """Certificate files under the public media folder (other tests' images share it)."""
    return [p for p in Path(settings.MEDIA_ROOT, "credentials").rglob("*") if p.is_file()]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("visibility", ["full", "achievement", "off"])
def test_no_public_url_serves_a_new_certificate(client, issue, revoke, visibility):  # noqa: F811
    credential = issue(visibility=visibility)
    assert client.get(public_media_url(credential)).status_code == 404
    assert not any(credential.public_id in p.name for p in files_under_media_root())
    assert Path(private_storage().path(credential.pdf.name)).is_file()
    with pytest.raises(ValueError, match="no URL"):
        credential.pdf.url  # noqa: B018 - the property is what raises
    revoke(credential)
    assert client.get(public_media_url(credential)).status_code == 404


def test_the_holder_still_downloads_it_as_an_attachment(client, learner, issue):  # noqa: F811
    credential = issue()
    client.force_login(learner)
    response = client.get(reverse("credentials:pdf", args=[credential.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and body == private_storage().open(credential.pdf.name).read()
    other = Client()
    assert other.get(reverse("credentials:pdf", args=[credential.public_id])).status_code == 302


def make_public_copy(credential: Credential) -> bytes:
    """Put the credential's PDF back where it was stored before: MEDIA_ROOT/credentials/."""
    storage = private_storage()
    with storage.open(credential.pdf.name) as handle:
        content = handle.read()
    storage.delete(credential.pdf.name)
    assert default_storage.save(credential.pdf.name, ContentFile(content)) == credential.pdf.name
    return content


@pytest.mark.urls(__name__)
def test_the_migration_moves_issued_files_out_of_the_public_media(client, learner, issue):  # noqa: F811
    credential = issue()
    content = make_public_copy(credential)
    stray = default_storage.save("credentials/left-behind.pdf", ContentFile(b"%PDF-1.7 stray"))
    assert client.get(public_media_url(credential)).status_code == 200  # as before the fix

    MOVE.to_private(apps, None)

    assert client.get(public_media_url(credential)).status_code == 404
    assert not files_under_media_root()
    credential.refresh_from_db()
    assert credential.pdf.name == f"credentials/{credential.public_id}.pdf"  # the row holds
    assert private_storage().open(credential.pdf.name).read() == content
    assert private_storage().exists(stray)
    client.force_login(learner)
    download = client.get(reverse("credentials:pdf", args=[credential.public_id]))
    assert b"".join(download.streaming_content) == content

    MOVE.to_private(apps, None)  # again: nothing left to move, nothing lost
    assert private_storage().open(credential.pdf.name).read() == content


def test_the_migration_moves_back_when_unapplied(issue):  # noqa: F811
    credential = issue()
    content = private_storage().open(credential.pdf.name).read()
    MOVE.to_public(apps, None)
    assert default_storage.open(credential.pdf.name).read() == content
    assert not private_storage().exists(credential.pdf.name)
    MOVE.to_private(apps, None)
    assert private_storage().open(credential.pdf.name).read() == content


def test_a_private_root_inside_the_public_media_is_refused(settings, tmp_path):
    from credentials.checks import private_files_stay_private

    assert private_files_stay_private(None) == []
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {"location": str(Path(settings.MEDIA_ROOT) / "private")},
        },
    }
    errors = private_files_stay_private(None)
    assert [error.id for error in errors] == ["credentials.E001"]
    with pytest.raises(Exception, match="credentials.E001"):
        call_command("check")
