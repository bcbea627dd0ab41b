"""Every rule's own examples are its tests.

`match` examples must raise the rule's detector (the claims stage, before the page judgement
decides which claims stand). `no_match` examples must not raise the flag; those that name a cell
product must not raise the claim either, since a claim about a product is found whatever the
page (an example about a bakery or a gym may raise the phrase and be stopped by the rule's scope:
the page promotes no cell product).
"""

from __future__ import annotations

import pytest

from model import load_checker
from model.pipeline import CheckState, run_pipeline
from model.rules import CATEGORIES, load_rules

CATALOGUE = load_rules()
RULES = [rule for rule in CATALOGUE.rules if rule.kind != "classifier"]


@pytest.fixture(scope="module")
def rules_checker():
    return load_checker(use_classifier=False)


def _claim_ids(checker, text: str) -> set[str]:
    return {flag["rule_id"] for flag in checker.claims_before_judgement(text)}


def _flag_ids(checker, text: str) -> set[str]:
    return {flag["rule_id"] for flag in checker.check(text)["flags"]}


def _names_a_cell_product(checker, text: str) -> bool:
    state = run_pipeline(
        CheckState(text, frozenset(), False, len(text)), checker.parts, until="analyse"
    )
    assert state.document is not None
    return bool(state.document.products)


def test_catalogue_size_and_coverage():
    assert len(CATALOGUE.rules) >= 40
    assert {rule.category for rule in CATALOGUE.rules} == set(CATEGORIES)


@pytest.mark.parametrize("rule", CATALOGUE.rules, ids=lambda r: r.id)
def test_every_rule_has_both_kinds_of_examples(rule):
    assert rule.match_examples, f"{rule.id} has no match examples"
    assert rule.no_match_examples, f"{rule.id} has no no_match examples"


@pytest.mark.parametrize(
    ("rule_id", "example"),
    [(rule.id, example) for rule in RULES for example in rule.match_examples],
)
def test_match_examples_raise_their_rule(rules_checker, rule_id, example):
    assert rule_id in _claim_ids(rules_checker, example)


@pytest.mark.parametrize(
    ("rule_id", "example"),
    [(rule.id, example) for rule in RULES for example in rule.no_match_examples],
)
def test_no_match_examples_do_not_raise_their_rule(rules_checker, rule_id, example):
    assert rule_id not in _flag_ids(rules_checker, example)
    if _names_a_cell_product(rules_checker, example):
        assert rule_id not in _claim_ids(rules_checker, example)


def test_rule_references_exist_in_knowledge_base(rules_checker):
    references = rules_checker.knowledge_base.references
    for rule in CATALOGUE.rules:
        assert rule.references, f"{rule.id} cites nothing"
        for ref in rule.references:
            assert ref in references, f"{rule.id} cites unknown reference {ref}"
        for ref in rule.relevance:
            assert ref in rule.references, f"{rule.id} explains relevance of an uncited {ref}"


def test_every_cited_reference_has_a_relevance_sentence():
    for rule in CATALOGUE.rules:
        for ref in rule.references:
            assert ref in rule.relevance or ref in CATALOGUE.relevance_defaults, (rule.id, ref)


def test_relevance_sentences_are_filled_for_a_real_match(rules_checker):
    body = rules_checker.check("Our umbilical cord stem cells cure lupus and have no side effects.")
    for flag in body["flags"]:
        for context in flag["regulatory_context"]:
            assert "{" not in context["relevance"], context
            assert context["relevance"].strip()
