"""Uploaded files never run in our origin: documents go out as attachments, SVG/HTML are refused.

Documents are served by Wagtail's permission-checked view (WAGTAILDOCS_SERVE_METHOD), with
its `default-src 'none'` policy and nosniff; images are raster formats only.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

pytestmark = pytest.mark.django_db
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


def make_document(name: str, content: bytes, collection=None):
    document = get_document_model()(
        title=name, collection=collection or Collection.get_first_root_node()
    )
    document.file.save(name, ContentFile(content), save=True)
    return document


@pytest.mark.parametrize(
    "name, content",
    [("notes.html", HTML), ("logo.svg", SVG), ("handout.pdf", b"%PDF-1.7\n"), ("a.txt", b"hi")],
)
def test_every_document_is_served_as_an_attachment_that_cannot_run(client, name, content):
    """Even a file that got past the allowlist (e.g. uploaded before it) is never inline."""
    document = make_document(name, content)
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_documents_go_through_the_permission_checked_view(client, learner):
    private = Collection.get_first_root_node().add_child(name="Instructors only")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = make_document("answers.pdf", b"%PDF-1.7\n", collection=private)
    assert document.url.startswith("/documents/")
    response = client.get(document.url)
    assert response.status_code == 302
    assert "login" in response["Location"]
    client.force_login(learner)
    assert client.get(document.url).status_code == 200


@pytest.mark.parametrize("name, content", [("page.html", HTML), ("logo.svg", SVG)])
def test_the_admin_refuses_html_and_svg_documents(client, admin_user, name, content):
    client.force_login(admin_user)
    response = client.post(
        "/admin/documents/add/",
        {
            "title": name,
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200  # the form again, with its error
    extension = name.rsplit(".", 1)[1]
    assert f"File extension “{extension}” is not allowed" in str(response.context["form"].errors)
    assert not get_document_model().objects.filter(title=name).exists()


def test_the_admin_refuses_svg_images(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/images/add/",
        {
            "title": "logo",
            "file": SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200
    assert "Not a supported image format" in response.content.decode()
    assert not get_image_model().objects.filter(title="logo").exists()
