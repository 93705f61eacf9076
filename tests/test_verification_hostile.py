"""Bad input at the verification endpoints: random ids, hostile PDFs and hostile JSON, on the
page and on the API. Never a 500, always a clear answer, never a network fetch.

"Handled" means handled on purpose: the last-resort catch in ``verify_pdf``/``verify_json``
logs "unexpected error", and these tests fail if it ever fires.
"""

from __future__ import annotations

import json
import logging
import socket
import tracemalloc
import zlib
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from bench.hostile_corpus import pdf_from
from credentials.openapi import STATUSES
from credentials.rendering import BADGE_FILENAME
from tests.fuzzing import fuzz
from tests.verification_support import badge_bytes, pdf_of

pytest_plugins = ["tests.verification_support"]  # the ``issue`` fixture
pytestmark = pytest.mark.django_db

LIMIT = 1024 * 1024  # the upload limit in these tests: every hostile file stays under it


@pytest.fixture(autouse=True)
def generous_limits(settings):
    settings.LINEAGE_VERIFY_RATE_LIMITS = {"ip": "100000/m", "token": "100000/m"}
    settings.LINEAGE_VERIFY_MAX_UPLOAD_BYTES = LIMIT


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to reach beyond the loopback (a remote @context) fails the test, even if
    the code under test swallows the error it gets."""
    attempts = []
    real_connect = socket.socket.connect

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in {"127.0.0.1", "::1", "localhost"} and not str(host).startswith("/"):
            attempts.append(address)
            raise OSError("network disabled in this test")
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        attempts.append(host)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield
    assert attempts == [], f"verification tried to reach the network: {attempts}"


@pytest.fixture
def unexpected(caplog):
    """The log records of the last-resort catch: must stay empty."""
    caplog.set_level(logging.INFO, logger="credentials")
    yield lambda: [r.getMessage() for r in caplog.records if "unexpected error" in r.getMessage()]


def clear_answer(response) -> None:
    """Not a server error; a page with an error or verdict, or JSON with a status."""
    assert response.status_code < 500, response.status_code
    if response["Content-Type"].startswith("application/json"):
        assert "status" in json.loads(response.content)


# --- Random ids ---------------------------------------------------------------------------

ids = st.one_of(
    st.text(min_size=1, max_size=60),
    st.text(alphabet="abcXYZ019_-", min_size=300, max_size=5000),  # very long
    st.sampled_from(["..", "../..", "%2e%2e%2f", "%00", "..%2fadmin", "a/../../etc/passwd"]),
    st.text(alphabet="%0123456789abcdefABCDEF/.\\", min_size=1, max_size=40),  # percent-ish
)


@fuzz(100)
@given(public_id=ids, safe=st.sampled_from(["", "/%"]))
def test_random_ids_get_not_found_never_a_server_error(public_id, safe):
    client = Client()
    encoded = quote(public_id, safe=safe)
    for url in (
        f"/verify/{encoded}/",
        f"/verify/{encoded}/credential.json",
        f"/api/v1/credentials/{encoded}/verification",
        f"/verify/?id={quote(public_id, safe='')}",
    ):
        response = client.get(url)
        clear_answer(response)
        # 301: an encoded "/" becomes a path the slash-appending middleware redirects
        assert response.status_code in {301, 302, 400, 404}, (url, response.status_code)


# --- Hostile PDFs -------------------------------------------------------------------------


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


def attachment_pdf(payload: bytes, *, filters: bytes = b"/Filter /FlateDecode") -> bytes:
    """A PDF embedding ``payload`` under the badge's file name, as a certificate does."""
    name = BADGE_FILENAME.encode()
    return pdf_from(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
            b"<< /Type /Filespec /F (%s) /UF (%s) /EF << /F 5 0 R >> >>" % (name, name),
            b"<< /Names [(%s) 3 0 R] >>" % name,
            stream(payload, filters + b" /Type /EmbeddedFile "),
        ]
    )


# Decompresses to 64 MB from ~64 KB: the badge JSON inside a real certificate is ~3 KB.
BOMB = zlib.compress(b"{" + b" " * (64 * 1024 * 1024), 9)

HOSTILE_PDFS = {
    "header only": b"%PDF-1.7\n",
    "header and garbage": b"%PDF-1.4\n" + bytes(range(256)) * 40,
    "no xref": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF",
    "deeply nested dicts": pdf_from([b"<< /Type /Catalog /X " + b"<< /A " * 20000 + b">>" * 20000]),
    "deeply nested arrays": pdf_from([b"<< /Type /Catalog /X " + b"[" * 50000 + b"]" * 50000]),
    "many objects": pdf_from([b"<< /Type /Catalog >>"] + [b"<< /N %d >>" % i for i in range(5000)]),
    "self-referencing catalog": pdf_from([b"<< /Type /Catalog /Pages 1 0 R /Names 1 0 R >>"]),
    "xref /Prev loop": pdf_from([b"<< /Type /Catalog >>"], trailer=b"/Prev 9 "),
    "object stream with a lying /N": pdf_from(
        [b"<< /Type /Catalog >>", stream(b"1 0 2 5", b"/Type /ObjStm /N 1000000 /First 7 ")]
    ),
    "bad Flate data": attachment_pdf(b"not flate at all"),
    "flate bomb as the badge": attachment_pdf(BOMB),
    "unknown filter": attachment_pdf(b"xx", filters=b"/Filter /JBIG2Decode"),
    "filter chain": attachment_pdf(
        zlib.compress(zlib.compress(b"{}")), filters=(b"/Filter [/FlateDecode /FlateDecode]")
    ),
    "name tree with a kid loop": pdf_from(
        [
            b"<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >>",
            b"<< /Kids [2 0 R 2 0 R] >>",
        ]
    ),
    "encrypted": pdf_from(
        [b"<< /Type /Catalog >>"], trailer=b"/Encrypt << /Filter /Standard /V 5 /R 6 >> "
    ),
}


def post_pdf(client: Client, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        "/verify/pdf/", {"pdf": SimpleUploadedFile("c.pdf", data, "application/pdf")}
    )
    api = client.post(
        "/api/v1/verifications", {"file": SimpleUploadedFile("c.pdf", data, "application/pdf")}
    )
    return page, api


@pytest.mark.parametrize("name", list(HOSTILE_PDFS))
def test_a_hostile_pdf_gets_a_clear_refusal(name, unexpected):
    data = HOSTILE_PDFS[name]
    assert len(data) <= LIMIT, f"{name} is {len(data)} bytes"
    page, api = post_pdf(Client(), data)
    clear_answer(page)
    clear_answer(api)
    assert page.status_code in {200, 400}
    assert b'class="error-summary' in page.content or b"verdict" in page.content
    assert api.status_code in {200, 400}
    assert json.loads(api.content)["status"] in STATUSES  # documented in the OpenAPI file
    assert unexpected() == []


def test_a_flate_bomb_is_not_inflated_in_memory(unexpected):
    tracemalloc.start()
    try:
        post_pdf(Client(), HOSTILE_PDFS["flate bomb as the badge"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB while checking a 64 KB upload"
    assert unexpected() == []


@fuzz(60)
@given(st.binary(max_size=2048))
def test_random_bytes_after_a_pdf_header_get_a_clear_refusal(unexpected, tail):
    page, api = post_pdf(Client(), b"%PDF-1.7\n" + tail)
    clear_answer(page)
    clear_answer(api)
    assert unexpected() == []


def test_a_truncated_or_oversized_certificate_gets_a_clear_refusal(issue, settings, unexpected):
    pdf = pdf_of(issue())
    settings.LINEAGE_VERIFY_MAX_UPLOAD_BYTES = max(LIMIT, len(pdf) + 1)
    client = Client()
    for cut in (len(pdf) // 10, len(pdf) // 2, len(pdf) - 200, len(pdf) - 1):
        page, api = post_pdf(client, pdf[:cut])
        clear_answer(page)
        clear_answer(api)
    settings.LINEAGE_VERIFY_MAX_UPLOAD_BYTES = len(pdf) - 1
    page, api = post_pdf(client, pdf)
    assert page.status_code == api.status_code == 413
    assert b"error-summary" in page.content
    assert unexpected() == []


# --- Hostile JSON -------------------------------------------------------------------------

REMOTE_CONTEXT = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://evil.example/context.jsonld",
    ],
    "id": "urn:uuid:00000000-0000-0000-0000-000000000000",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://evil.example/issuer", "type": ["Profile"]},
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {"type": ["AchievementSubject"]},
    "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"},
}

# name: (the bytes, what the refusal says, or (what the page says, what the API says))
HOSTILE_JSON = {
    "nested 100k levels": (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "This is not JSON"),
    "nested arrays 100k": (b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}", "not JSON"),
    "nested 100 levels": (b'{"a":' * 100 + b"1" + b"}" * 100, "nested more than 64 levels"),
    "huge integer": (b'{"id": ' + b"9" * 200_000 + b"}", "This is not JSON"),
    "huge exponent": (b'{"validFrom": 1e999999999}', "not a valid Open Badges 3.0 credential"),
    "NaN": (b'{"a": NaN}', "NaN is not allowed"),
    "Infinity": (b'{"a": -Infinity}', "is not allowed"),
    "duplicate keys": (b'{"id": "a", "id": "b"}', "repeats the key"),
    "wrong types": (
        json.dumps({"@context": 5, "type": {"a": 1}, "proof": [1, 2], "id": []}).encode(),
        "not a valid Open Badges 3.0 credential",
    ),
    # Not starting with "{", it is not taken for JSON at all (the page and the API say so).
    "array not object": (b"[1, 2, 3]", ("file is not JSON", "neither a PDF certificate nor")),
    "not UTF-8": (b'{"a": "\xff\xfe"}', "not UTF-8"),
    "lone surrogate escape": (b'{"id": "\\ud800"}', "not a valid Open Badges"),
    "nul bytes": (b'{"id": "\x00\x00"}', "This is not JSON"),
    "remote @context": (json.dumps(REMOTE_CONTEXT).encode(), "does not match"),
    "remote @context object": (
        json.dumps({**REMOTE_CONTEXT, "@context": {"@import": "https://evil.example/x"}}).encode(),
        "is not of type",
    ),
    "truncated": (json.dumps(REMOTE_CONTEXT).encode()[:100], "This is not JSON"),
}


def post_json(client: Client, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = client.post(
        "/verify/json/", {"json_file": SimpleUploadedFile("b.json", data, "application/json")}
    )
    api = client.post(
        "/api/v1/verifications", {"file": SimpleUploadedFile("b.json", data, "application/json")}
    )
    return upload, api


@pytest.mark.parametrize("name", list(HOSTILE_JSON))
def test_hostile_json_gets_a_clear_refusal(name, unexpected):
    data, says = HOSTILE_JSON[name]
    page_says, api_says = says if isinstance(says, tuple) else (says, says)
    assert len(data) <= LIMIT
    page, api = post_json(Client(), data)
    assert page.status_code == 400 and b"error-summary" in page.content
    assert escape(page_says).encode() in page.content
    body = json.loads(api.content)
    assert api.status_code == 400 and body["status"] == "invalid"
    assert api_says in json.dumps(body, ensure_ascii=False)
    assert unexpected() == []


def test_a_signed_badge_with_an_extra_remote_context_is_refused_offline(issue, unexpected):
    """A context beyond the bundled two is never fetched (``no_network``): the proof fails."""
    credential = issue(visibility="full")
    extra = [*credential.badge["@context"], "https://evil.example/context.jsonld"]
    page, api = post_json(Client(), badge_bytes(credential, **{"@context": extra}))
    clear_answer(page)
    clear_answer(api)
    assert json.loads(api.content)["status"] != "valid"
    assert b"Valid credential" not in page.content
    assert unexpected() == []


def test_pasted_hostile_json_is_refused_and_kept_in_the_form(unexpected):
    text = '{"id": "a", "id": "b"}'
    page = Client().post("/verify/json/", {"json_text": text})
    assert page.status_code == 400
    assert b"error-summary" in page.content
    assert b"repeats the key" in page.content
    assert b"{&quot;id&quot;: &quot;a&quot;, &quot;id&quot;: &quot;b&quot;}" in page.content
    assert unexpected() == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)
credential_keys = st.sampled_from(
    [
        "@context",
        "id",
        "type",
        "issuer",
        "validFrom",
        "validUntil",
        "credentialSubject",
        "proof",
        "credentialStatus",
        "name",
    ]
)


@fuzz(100)
@given(st.dictionaries(credential_keys, json_values, max_size=10))
def test_random_credential_shaped_json_gets_a_clear_answer(unexpected, document):
    page, api = post_json(Client(), json.dumps(document).encode())
    clear_answer(page)
    clear_answer(api)
    assert unexpected() == []
