"""Enumeration: 10,000 random credential ids against the verification API.

Ids are drawn the way real ones are (``secrets.token_urlsafe``) plus malformed ones (too
short, too long, wrong alphabet, path tricks). Every answer is 404 ``not_found`` or 429 (the
per-address limit, counted in the real cache), never 500. Hits and misses share one code
path: a hidden credential and an unknown id are answered by the same selector after the same
single query, with the same body. Timing is compared in ``bench/enumeration.py``, not here.
"""

import json
import random
import secrets
import string
from collections import Counter
from unittest import mock
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from credentials import api, verification
from credentials.models import Credential
from credentials.services import credential_visibility_set

pytest_plugins = ["tests.verification_support"]  # the ``issue`` fixture
pytestmark = pytest.mark.django_db

IDS = 10_000
BLOCK = 100  # requests in a row from one address: the first 60 a minute answered, then 429
SAMPLE = 300
NOT_FOUND = {"status": "not_found"}


def random_ids(count: int, seed: int) -> list[str]:
    """Real-looking ids (27 url-safe characters) mixed with malformed ones."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "-_"
    odd = "!$&'()*+,;=:@.~%<>\"{}|\\^`[] \t\u00e9\u4e2d\U0001f600"
    makers = [
        lambda: secrets.token_urlsafe(20),  # exactly what new_public_id() makes
        lambda: secrets.token_urlsafe(rng.choice([12, 16, 24, 30])),  # other lengths
        lambda: "".join(rng.choices(alphabet, k=rng.randint(1, 15))),  # too short
        lambda: "".join(rng.choices(alphabet, k=rng.randint(41, 300))),  # too long
        lambda: "".join(rng.choices(alphabet + odd, k=rng.randint(1, 60))),  # wrong alphabet
        lambda: rng.choice(["..", ".", "%2e%2e", "%00", "null", "0", "-1", "' OR 1=1 --"]),
    ]
    return [rng.choice(makers)() or "x" for _ in range(count)]


def api_url(public_id: str) -> str:
    return f"/api/v1/credentials/{quote(public_id, safe='')}/verification"


def answer(response) -> tuple[int, str]:
    """Check one answer is 404 ``not_found`` or 429 with Retry-After; return its status."""
    if response.status_code == 404:
        assert json.loads(response.content) == NOT_FOUND
    else:
        assert response.status_code == 429, response.status_code
        assert int(response["Retry-After"]) >= 1
    return response.status_code


def test_ten_thousand_random_ids_answer_404_or_429_never_500(issue):
    """The API view itself (rate limit, lookup, verdict) for all 10,000, in-process.

    Each address sends a block of 100 in a row, so the per-address limit (60 a minute) turns
    the tail of every block into 429s. The view is called directly: the whole middleware
    stack costs ~13 ms a request here, which would make this test minutes long; the next
    test sends a sample through it.
    """
    known = issue()  # a real, visible credential, so "not found" is not the only answer
    ids = random_ids(IDS, seed=8)
    assert known.public_id not in ids
    factory = RequestFactory()
    statuses = Counter()
    for number, public_id in enumerate(ids):
        request = factory.get(api_url(public_id), REMOTE_ADDR=f"10.8.{number // BLOCK}.1")
        try:
            statuses[answer(api.credential_verification(request, public_id))] += 1
        except Exception as exc:  # anything else would have been a 500
            raise AssertionError(f"{public_id!r}: {exc!r}") from exc
    assert sum(statuses.values()) == IDS
    assert statuses[404] >= IDS // 2 and statuses[429] > 0, statuses  # both paths exercised
    request = factory.get(api_url(known.public_id), REMOTE_ADDR="10.9.0.1")
    assert api.credential_verification(request, known.public_id).status_code == 200


def test_random_ids_through_the_whole_stack_answer_404_or_429_never_500():
    """A sample through every middleware and the URL resolver (malformed ids included)."""
    client = Client(raise_request_exception=False)  # a 500 must show as a 500, not raise
    statuses = Counter(
        answer(client.get(api_url(public_id), REMOTE_ADDR=f"10.7.{number // BLOCK}.1"))
        for number, public_id in enumerate(random_ids(SAMPLE, seed=5))
    )
    assert statuses[404] and statuses[429], statuses


def test_a_hidden_credential_and_an_unknown_id_share_one_code_path(issue):
    hidden = issue()
    credential_visibility_set(credential=hidden, visibility=Credential.Visibility.OFF)
    unknown = secrets.token_urlsafe(20)
    client = Client()
    answers, queries = [], []
    with mock.patch.object(verification, "_find", wraps=verification._find) as find:
        for public_id in (hidden.public_id, unknown):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(api_url(public_id))
            answers.append((response.status_code, response.content, sorted(response.items())))
            queries.append([q["sql"] for q in captured.captured_queries])
    # The same selector, once each, and the same queries in the same order: one credential
    # lookup (then the site's redirect lookup that every 404 gets). Same answer, byte for byte.
    assert [call.args for call in find.call_args_list] == [(hidden.public_id,), (unknown,)]
    credential_lookups = [[sql for sql in q if "credentials_credential" in sql] for q in queries]
    assert [len(lookups) for lookups in credential_lookups] == [1, 1]
    assert len(queries[0]) == len(queries[1])
    assert [sql.split(" WHERE ")[0] for sql in queries[0]] == [
        sql.split(" WHERE ")[0] for sql in queries[1]
    ]
    assert answers[0] == answers[1] and answers[0][0] == 404
