"""The readable API reference (/api/docs/), made from the OpenAPI document, and the bulk check
endpoint in both the document and docs/api.md."""

import re
from html import unescape
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from credentials.openapi import openapi_document
from employers import bulk
from tests.test_verification_api import validate

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
BULK_PATH = "/employers/api/bulk-check"


@pytest.fixture
def page(client) -> str:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_path_and_schema_in_the_document_is_on_the_page(page):
    document = openapi_document()
    assert len(document["paths"]) >= 5
    for path, method, operation in operations(document):
        assert f"<code>{method.upper()} {path}</code>" in page, path
        assert f'id="{operation["operationId"]}"' in page, path
        assert operation["summary"] in page, path
        for status, response in operation["responses"].items():
            assert f"<dt>{status}</dt>" in page
            assert response["description"] in page
    for name, schema in document["components"]["schemas"].items():
        assert f'<h3 id="schema-{name}">{name}</h3>' in page
        for field in schema.get("properties", {}):
            assert f"<dt><code>{field}</code></dt>" in page, (name, field)
    # Every link to a schema lands on it.
    for target in re.findall(r'href="#(schema-[^"]+)"', page):
        assert f'id="{target}"' in page, target


def test_the_bulk_check_is_in_the_document(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"][BULK_PATH]["post"]
    assert operation["security"] == [{"bearerAuth": []}]  # a token is required
    assert f"up to {bulk.MAX_ROWS:,} rows" in operation["description"]
    assert ", ".join(bulk.RESULT_HEADER) in operation["description"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["file"]
    assert {"200", "400", "401", "413", "429"} <= set(operation["responses"])
    assert "text/csv" in operation["responses"]["200"]["content"]
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    # It names the readable page, no longer a file in the repository.
    assert "docs/api.md" not in document["info"]["description"]
    assert document["externalDocs"]["url"].endswith("/api/docs/")


def test_the_bulk_checks_real_errors_match_the_document(client):
    document = openapi_document()
    response = client.post(BULK_PATH, {})
    assert response.status_code == 401
    error_schema = document["paths"][BULK_PATH]["post"]["responses"]["401"]["content"]
    assert error_schema["application/json"]["schema"]["$ref"].endswith("/ApiError")
    validate(document, "ApiError", response.json())


def test_the_bulk_check_is_on_the_page_and_in_docs_api_md(page):
    assert f"<code>POST {BULK_PATH}</code>" in page
    assert "Needs an API token." in page
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert "## Bulk check (employers)" in guide
    assert BULK_PATH in guide
    assert ",".join(bulk.RESULT_HEADER) in guide
    assert "/api/docs/" in guide


def test_the_page_fetches_nothing_from_anywhere_else(page, settings):
    assert "<script" not in page
    outside = [
        url
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
        if not url.startswith(settings.LINEAGE_BASE_URL)
    ]
    assert outside == []
    assert page.count("<h1>") == 1 and page.count("<main") == 1


def test_the_page_makes_no_query(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        assert client.get("/api/docs/").status_code == 200


def test_the_verify_page_and_the_employer_landing_page_link_to_it(client):
    for path in ("/verify/", "/employers/"):
        assert 'href="/api/docs/"' in client.get(path).content.decode(), path
