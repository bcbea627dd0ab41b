"""`model.analysis.Document`: frozen after analysis, its layers read through typed accessors."""

from __future__ import annotations

import dataclasses

import pytest

AD = (
    "Our clinic offers umbilical cord stem cells for multiple sclerosis. "
    "There is no evidence that stem cells cure autism."
)


def test_a_document_is_frozen_and_its_layers_are_typed(checker):
    document = checker.document(AD)
    with pytest.raises(dataclasses.FrozenInstanceError):
        document.products = []
    assert [document.quote(m) for m in document.products] == ["umbilical cord stem cells"]
    assert [document.quote(m) for m in document.conditions] == ["multiple sclerosis"]
    assert {document.sentence_of[m] for m in document.cues("critical")} == {1}
    assert {document.sentence_of[m] for m in document.page_cues("provider_voice")} == {0}
    assert document.product_sentences == {0}
    # The layers are the matcher's lists themselves: asking twice gives the same object, which
    # `in_sentence` indexes once.
    assert document.cues("critical") is document.cues("critical")


def test_a_rule_reads_its_own_phrases(checker):
    rule = checker.rules.by_id()["efficacy.cure"]
    document = checker.document(AD)
    assert [document.quote(m) for m in document.rule_phrases(rule)] == ["cure"]
    assert document.rule_phrases(checker.rules.by_id()["safety.no-side-effects"]) == ()
