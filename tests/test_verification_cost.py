"""What one upload costs (issue 12, finding 2), counted, never timed.

One small upload used to tie up a worker for seconds to minutes: every upload was checked
against the full schema and canonicalised before it was compared with our record. The costly
operations are counted here per upload: pyld's JSON-LD expansions (its re-expansion inside
``normalize`` included), its URDNA2015 canonicalisations and validations against the Open
Badges schema. A file that does not hold a credential we issued costs none of them; one that
does costs at most one of each (our issuer's proof configuration is memoised per process, as
it is from issuance on; on a cold memo it costs one more of the first two).

Timings of the same adversarial files are measured in ``bench/hostile.py``.
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from pyld.jsonld import JsonLdProcessor

from bench.hostile_corpus import MATCHES, NOT_AUTHENTIC, REFUSED, corpus, pdf_embedding
from credentials import data_integrity, verification_checks
from credentials.openapi import STATUSES
from credentials.status import published_status_list
from credentials.verification import verify_json, verify_pdf
from tests.fuzzing import fuzz
from tests.verification_support import append_incremental_update, flip_signed_byte, pdf_of

pytest_plugins = ["tests.verification_support"]  # the ``issue`` fixture
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@dataclass
class Costs:
    expansions: int = 0
    canonicalisations: int = 0
    schema_validations: int = 0

    def none(self) -> bool:
        return self == Costs()

    def at_most_one_each(self) -> bool:
        return max(self.expansions, self.canonicalisations, self.schema_validations) <= 1


@pytest.fixture
def costs(monkeypatch):
    """Count from now on; ``costs.reset()`` starts again."""
    counted = Costs()
    expand, normalize = JsonLdProcessor.expand, JsonLdProcessor.normalize
    schema_problems = verification_checks.schema_problems

    def counting_expand(self, input_, options):
        counted.expansions += 1
        return expand(self, input_, options)

    def counting_normalize(self, input_, options):
        counted.canonicalisations += 1
        return normalize(self, input_, options)

    def counting_schema(document):
        counted.schema_validations += 1
        return schema_problems(document)

    monkeypatch.setattr(JsonLdProcessor, "expand", counting_expand)
    monkeypatch.setattr(JsonLdProcessor, "normalize", counting_normalize)
    monkeypatch.setattr(verification_checks, "schema_problems", counting_schema)
    return counted


@pytest.fixture(autouse=True)
def generous_limits(settings):
    settings.LINEAGE_VERIFY_RATE_LIMITS = {"ip": "100000/m", "token": "100000/m"}


@pytest.fixture
def unexpected(caplog):
    caplog.set_level(logging.INFO, logger="credentials")
    yield lambda: [r.getMessage() for r in caplog.records if "unexpected error" in r.getMessage()]


def badge(credential) -> dict:
    return json.loads(json.dumps(credential.badge))


def dump(document: dict) -> bytes:
    return json.dumps(document).encode()


def changed(document: dict, change) -> dict:
    document = copy.deepcopy(document)
    change(document)
    return document


def reset(costs: Costs) -> None:
    """Start counting again, with the published status list built: it is signed once each time
    it changes (cached until the next revocation), never per upload."""
    published_status_list()
    costs.expansions = costs.canonicalisations = costs.schema_validations = 0


NOT_OURS = {
    "a tampered name": lambda d: d["credentialSubject"]["achievement"].update(name="Grander"),
    "an undefined property": lambda d: d.update(grade="A+"),
    "800 evidence objects with undefined terms": lambda d: d.update(
        evidence=[{"id": f"urn:e:{i}", "type": ["Evidence"], f"u{i}": "x"} for i in range(800)]
    ),
    "reordered and tampered": lambda d: (d["type"].reverse(), d.update(name="Other")),
    "an extra context": lambda d: d["@context"].append("https://evil.example/context.jsonld"),
    "true written as 1": lambda d: d["credentialSubject"].update(
        identifier=[
            {"type": "IdentityObject", "hashed": 1, "identityHash": "x", "identityType": "name"}
        ]
    ),
    "an id we never issued": lambda d: d.update(id=d["id"][:-4] + "AAAA"),
    "another issuer": lambda d: d.update(issuer={**d["issuer"], "id": "did:web:evil.example"}),
    "a huge nonce": lambda d: d["proof"][0].update(nonce="n" * 500_000),
}


@pytest.mark.parametrize("name", list(NOT_OURS))
def test_a_json_upload_that_is_not_ours_costs_nothing(issue, costs, name):
    document = changed(badge(issue()), NOT_OURS[name])
    reset(costs)
    verdict = verify_json(dump(document))
    assert verdict.status == "failed" and not verdict.valid
    assert costs.none(), costs


@pytest.mark.parametrize(
    "tamper",
    [flip_signed_byte, append_incremental_update, None],
    ids=["flipped-byte", "appended-update", "unsigned-copy"],
)
def test_a_pdf_that_is_not_ours_costs_nothing(issue, costs, tamper):
    credential = issue()
    if tamper is None:
        data = pdf_embedding(dump(badge(credential)), credential.public_id)
    else:
        data = tamper(pdf_of(credential))
    reset(costs)
    verdict = verify_pdf(data)
    assert verdict.status == "failed"
    assert costs.none(), costs


def test_a_genuine_upload_costs_at_most_one_of_each(issue, costs):
    credential = issue(visibility="full")  # issued in this process: its proof config is memoised
    reordered = changed(badge(credential), lambda d: d["type"].reverse())
    for kind, check in (
        ("json", lambda: verify_json(dump(badge(credential)))),
        ("reordered json", lambda: verify_json(dump(reordered))),
        ("pdf", lambda: verify_pdf(pdf_of(credential))),
    ):
        reset(costs)
        verdict = check()
        assert verdict.valid, (kind, verdict.headline)
        assert costs.expansions == costs.canonicalisations == 1, (kind, costs)
        assert costs.schema_validations == (0 if kind == "pdf" else 1), (kind, costs)


def test_on_a_cold_memo_the_proof_configuration_costs_one_more(issue, costs):
    credential = issue()
    data_integrity._canonical_proof_config.cache_clear()
    reset(costs)
    assert verify_json(dump(badge(credential))).valid
    assert costs == Costs(expansions=2, canonicalisations=2, schema_validations=1)


# --- the bench's corpus: a clear answer at the expected cost ----------------------------------


def post(client: Client, data: bytes, kind: str):
    content_type = "application/pdf" if kind == "pdf" else "application/json"
    upload = SimpleUploadedFile(f"upload.{kind}", data, content_type)
    return client.post("/api/v1/verifications", {"file": upload})


def test_every_hostile_file_gets_a_clear_answer_at_the_expected_cost(issue, costs, unexpected):
    credential = issue(visibility="full")
    client = Client()
    seen = set()
    for hostile in corpus(badge(credential), credential.public_id, pdf_of(credential)):
        reset(costs)
        response = post(client, hostile.data, hostile.kind)
        body = response.json()
        seen.add(hostile.expect)
        if hostile.expect == REFUSED:
            assert response.status_code in (400, 413), hostile.name
            assert body["status"] == "invalid", hostile.name
            assert costs.none(), (hostile.name, costs)
        elif hostile.expect == NOT_AUTHENTIC:
            assert response.status_code == 200 and body["status"] == "failed", hostile.name
            assert costs.none(), (hostile.name, costs)
        else:
            assert response.status_code == 200 and body["status"] == "valid", hostile.name
            assert costs.at_most_one_each(), (hostile.name, costs)
    assert seen == {REFUSED, NOT_AUTHENTIC, MATCHES}
    assert unexpected() == []


# --- Hypothesis: hostile variations of a real badge --------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)
PATHS = [
    (),
    ("type",),
    ("issuer",),
    ("credentialSubject",),
    ("credentialSubject", "identifier"),
    ("credentialSubject", "achievement"),
    ("credentialSubject", "achievement", "criteria"),
    ("proof", 0),
    ("credentialStatus",),
]
edits = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(PATHS), st.text(max_size=12), json_values),
    st.tuples(st.just("delete"), st.sampled_from(PATHS), st.text(max_size=12), st.none()),
    st.tuples(st.just("reverse"), st.sampled_from(PATHS), st.none(), st.none()),
    st.tuples(
        st.just("grow"),
        st.sampled_from(PATHS),
        st.sampled_from(["type", "evidence", "tag", "nonce"]),
        st.integers(0, 1500),
    ),
)


def at(document, path):
    for part in path:
        document = document[part]
    return document


def apply(document: dict, edit) -> None:
    kind, path, key, value = edit
    target = at(document, path)
    if kind == "reverse":
        for item in target.values() if isinstance(target, dict) else [target]:
            if isinstance(item, list):
                item.reverse()
    elif not isinstance(target, dict):
        return
    elif kind == "set":
        target[key] = value
    elif kind == "delete":
        target.pop(key or next(iter(target), ""), None)
    elif key == "nonce":
        target[key] = "n" * value * 100
    else:
        target[key] = [f"Relative{i}" for i in range(value)]


@pytest.fixture
def credential(issue):
    """One real credential for every example (fixtures run once per test, not per example)."""
    return issue(visibility="full")


@fuzz(60)
@given(steps=st.lists(edits, max_size=4))
def test_hostile_variations_of_a_real_badge_get_a_verdict_or_a_clear_refusal(
    credential, costs, unexpected, steps
):
    document = badge(credential)
    for step in steps:
        apply(document, step)
    reset(costs)
    response = post(Client(), json.dumps(document).encode(), "json")
    assert response.status_code in (200, 400, 413)
    body = response.json()
    assert body["status"] in STATUSES
    matched = any(c["name"] == "Matches our records" and c["passed"] for c in body["checks"])
    assert costs.at_most_one_each() if matched else costs.none(), (body["status"], costs)
    assert unexpected() == []


def test_schema_validation_stops_at_the_problems_it_reports(monkeypatch):
    """The schema check takes the five problems it reports and stops: it used to collect and
    sort every error (285 s for 1.5 M integers in ``type``)."""
    validator = verification_checks._schema_validator()
    pulled = [0]

    class Counting:
        def iter_errors(self, document):
            for error in validator.iter_errors(document):
                pulled[0] += 1
                yield error

    monkeypatch.setattr(verification_checks, "_schema_validator", Counting)
    problems = verification_checks.schema_problems({"type": [7] * 1000})
    assert len(problems) == 6 and problems[-1] == "and more"
    assert pulled[0] == 6
