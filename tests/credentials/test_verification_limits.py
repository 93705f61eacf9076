"""The cheap checks every upload gets before anything costly (issue 12, finding 2): the caps,
and an envelope check that is never stricter than the official schema."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credentials.ob3 import achievement_credential_schema
from credentials.verification_limits import (
    MAX_ARRAY_ITEMS,
    MAX_JSON_DEPTH,
    MAX_JSON_VALUES,
    envelope_problems,
    json_limits_problem,
)
from tests.credentials import schema_validator, signed_sample
from tests.fuzzing import FUZZ

SCHEMA = schema_validator(achievement_credential_schema())


def nested(depth: int) -> dict:
    value: object = 1
    for _ in range(depth - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (nested(MAX_JSON_DEPTH), None),
        (nested(MAX_JSON_DEPTH + 1), "nested more than"),
        ({"a": [0] * MAX_ARRAY_ITEMS}, None),
        ({"a": [0] * (MAX_ARRAY_ITEMS + 1)}, "a list of 1,001 items"),
        ({f"k{i}": [0, 0, 0] for i in range(MAX_JSON_VALUES // 4 - 1)}, None),
        ({f"k{i}": [0, 0, 0] for i in range(MAX_JSON_VALUES // 4 + 1)}, "more than 20,000 values"),
    ],
    ids=["depth-at-cap", "too-deep", "list-at-cap", "list-too-long", "values-at-cap", "too-many"],
)
def test_caps(value, problem):
    found = json_limits_problem(value)
    assert found is None if problem is None else problem in found


def test_our_credentials_pass_every_cheap_check():
    document = signed_sample()
    assert json_limits_problem(document) is None
    assert envelope_problems(document) == []
    assert not list(SCHEMA.iter_errors(document))


credential_keys = st.sampled_from(
    ["@context", "id", "type", "issuer", "validFrom", "validUntil", "credentialSubject", "proof"]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
plausible = {
    "@context": st.sampled_from(
        [signed_sample()["@context"], signed_sample()["@context"][:1], "x"]
    ),
    "type": st.sampled_from(
        [signed_sample()["type"], ["VerifiableCredential"], "OpenBadgeCredential"]
    ),
    "validFrom": st.sampled_from(["2026-01-01T00:00:00Z", "2026-01-01", "yesterday", 5]),
    "proof": st.sampled_from([signed_sample()["proof"], signed_sample()["proof"][0], [1]]),
}


@FUZZ
@given(
    base=st.just(signed_sample()),
    changes=st.dictionaries(
        credential_keys,
        st.one_of(json_values, *plausible.values()),
        max_size=4,
    ),
    removed=st.lists(credential_keys, max_size=2),
)
def test_the_envelope_refuses_only_what_the_schema_refuses(base, changes, removed):
    document = {**json.loads(json.dumps(base)), **changes}
    for key in removed:
        document.pop(key, None)
    if envelope_problems(document):
        assert list(SCHEMA.iter_errors(document)), document
