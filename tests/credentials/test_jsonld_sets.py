"""Comparing credentials as the JSON-LD data model does (issue 12, finding 11): arrays of set
values in any order are the same data; ``@context``, ``@list`` terms and JSON literals are not."""

from __future__ import annotations

import copy

import pytest

from credentials import data_integrity as di
from credentials.jsonld_sets import canonical_json, identical, same_document
from credentials.keys import resolve_verification_method
from tests.credentials import signed_sample


def test_reordered_sets_are_the_same_document_and_keep_the_signature():
    document = signed_sample()
    reordered = copy.deepcopy(document)
    reordered["type"].reverse()
    reordered["credentialSubject"]["identifier"].reverse()
    reordered["credentialSubject"]["achievement"]["tag"].reverse()
    assert reordered != document
    assert same_document(reordered, document) and not identical(reordered, document)
    # The data model says so too: the proof still verifies.
    assert di.verify_eddsa_rdfc_2022(reordered, resolve_key=resolve_verification_method).ok


def test_key_order_never_matters():
    document = signed_sample()
    shuffled = dict(reversed(list(document.items())))
    assert identical(shuffled, document) and same_document(shuffled, document)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["@context"].reverse(),  # later contexts override earlier ones
        lambda d: d["credentialSubject"]["identifier"][0].update(hashed=1),  # true is not 1
        lambda d: d["type"].append("VerifiableCredential"),  # one more item
        lambda d: d["credentialSubject"]["achievement"].update(name="Other"),
    ],
    ids=["context-order", "bool-vs-int", "duplicate", "changed-value"],
)
def test_real_changes_are_still_differences(change):
    document = signed_sample()
    changed = copy.deepcopy(document)
    change(changed)
    assert not same_document(changed, document)


def test_list_terms_and_json_literals_keep_their_order():
    first = {"allowedValue": ["a", "b"], "jsonSchema": {"k": [1, 2]}, "other": [1, 2]}
    swapped_list = {**first, "allowedValue": ["b", "a"]}  # @container @list in OB 3.0
    swapped_literal = {**first, "jsonSchema": {"k": [2, 1]}}  # @type @json in VC 2.0
    swapped_set = {**first, "other": [2, 1]}
    assert not same_document(swapped_list, first)
    assert not same_document(swapped_literal, first)
    assert same_document(swapped_set, first)
    assert not same_document({"x": {"@list": [1, 2]}}, {"x": {"@list": [2, 1]}})


def test_canonical_json_is_stable_for_nested_sets():
    a = {"x": [{"b": [2, 1], "a": 1}, "s"]}
    b = {"x": ["s", {"a": 1, "b": [1, 2]}]}
    assert canonical_json(a) == canonical_json(b)
