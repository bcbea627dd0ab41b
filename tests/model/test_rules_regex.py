"""Rule regular expressions run on RE2 (`model.rules.compile_linear`): linear in the text for
any pattern, with Python's Unicode meaning of `\\s`, `\\d` and `\\w` kept (issue 14)."""

from __future__ import annotations

import re
import time

import pytest

from model.rules import RuleError, compile_linear, load_rules, parse_rule

REGEX_RULES = [rule for rule in load_rules().rules if rule.regex]
# 100 KB of text built from what the rules' patterns look for, in the orders most likely to
# start a match and fail late: quotes, dashes, spaces, capitals, digits, prices, percentages.
ADVERSARIAL = {
    "quote-dash runs": '" - ' * 25_000,
    "quote, dash, long capitalised word": ('"\u2014 Mr. ' + "A" + "a" * 30 + " ") * 2_500,
    "line-start dashes and names": ("\n- Aaaa Bbbb, age 4") * 5_500,
    "digits": "1" * 100_000,
    "dollar groups": "$1" + ",000" * 25_000,
    "percent near misses": "12 % of" * 14_000,
    "book one near misses": "book  one  ge" * 7_600,
    "spaces": " \u00a0\t" * 33_000,
    "capitals": "À" * 100_000,
}


def test_some_rules_use_regular_expressions():
    assert REGEX_RULES


@pytest.mark.parametrize("rule", REGEX_RULES, ids=lambda rule: rule.id)
def test_rule_patterns_are_compiled_by_re2(rule):
    for pattern in rule.regex:
        assert not isinstance(pattern, re.Pattern)
        assert type(pattern).__module__.startswith("re2")


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_every_rule_pattern_scans_100kb_of_adversarial_text_at_once(name):
    text = (ADVERSARIAL[name] * 2)[:100_000]
    for rule in REGEX_RULES:
        for pattern in rule.regex:
            started = time.process_time()
            for _ in pattern.finditer(text):
                pass
            # Generous: RE2 takes milliseconds; a backtracking engine took seconds on such input.
            assert time.process_time() - started < 2.0, (rule.id, pattern.pattern)


@pytest.mark.parametrize(
    "pattern", [r"(?<!a)b", r"(?<=a)b", r"a(?=b)", r"(a)\1", r"(?P<x>a)(?P=x)"]
)
def test_patterns_re2_cannot_run_in_linear_time_are_refused_at_load(pattern):
    with pytest.raises(RuleError, match="RE2"):
        compile_linear(pattern, "rule test.x")


def test_python_unicode_classes_keep_their_meaning():
    assert compile_linear(r"a\sb", "t").search("a\u00a0b")  # no-break space
    assert compile_linear(r"a\sb", "t").search("a\u2009b")  # thin space
    assert compile_linear(r"\d\d", "t").search("\u0663\u0664")  # Arabic-Indic digits
    assert compile_linear(r"\w+", "t").fullmatch("Doña")
    assert not compile_linear(r"\S", "t").search(" \u00a0\t")
    assert compile_linear(r"[\s,]x", "t").search("\u00a0x")
    assert compile_linear(r"[]\s]x", "t").search("]x")  # a leading `]` is a member
    assert compile_linear(r"\\s", "t").search("\\s")  # an escaped backslash stays one
    with pytest.raises(RuleError):
        compile_linear(r"[\S]", "t")


_RECORD = {
    "id": "test.volume",
    "category": "unsupported_evidence",
    "severity": "medium",
    "title": "t",
    "description": "d",
    "explanation": "e",
    "references": [],
}


def test_a_phrase_rule_may_hold_patterns_and_regular_expressions_together():
    """Words a phrase list can hold, and figures it cannot ("over 4,500 procedures")."""
    rule = parse_rule({**_RECORD, "patterns": ["thousands of patients"], "regex": [r"\d{4}"]})
    assert rule.patterns and rule.regex


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"all_of": [["stop"], ["insulin"]], "patterns": ["stop insulin"]},
        {"all_of": [["stop"], ["insulin"]], "regex": ["stop"]},
    ],
)
def test_a_phrase_rule_needs_patterns_or_regex_or_else_all_of(fields):
    with pytest.raises(RuleError, match="phrase rule needs"):
        parse_rule({**_RECORD, **fields})


def test_a_sentence_matched_by_either_is_flagged_with_its_first_match_as_evidence():
    from model import shared_checker

    text = "Our stem cell team has performed more than 4,500 procedures for knee arthritis."
    flags = [
        f
        for f in shared_checker().claims_before_judgement(text)
        if f["rule_id"] == "evidence.patient-volume"
    ]
    assert [e["quote"] for e in flags[0]["evidence"]] == ["more than 4,500 procedures"]
