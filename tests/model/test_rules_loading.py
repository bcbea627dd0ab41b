"""Loading the rule catalogue: the expansions of its phrase patterns are kept for the next start,
and a malformed pattern is still refused."""

from __future__ import annotations

import pytest
import yaml

from model import datafiles, rules
from model.rules import RuleError, load_rules


def test_kept_expansions_are_the_ones_expanded(tmp_path, monkeypatch):
    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path)
    monkeypatch.setattr(rules, "_EXPANSIONS", {})
    expanded = {rule.id: rule.phrase_groups() for rule in load_rules().rules}
    assert len(list((tmp_path / "__pycache__").glob("rule_phrases.*"))) == 1

    def no_expansion(pattern: str) -> list[str]:
        raise AssertionError(f"expanded again: {pattern}")

    monkeypatch.setattr(rules, "_EXPANSIONS", {})
    monkeypatch.setattr(rules, "expand_pattern", no_expansion)
    assert {rule.id: rule.phrase_groups() for rule in load_rules().rules} == expanded


def _one_rule_file(tmp_path, pattern: str, *, phrase_sets=None, **fields):
    record = {
        "id": "test.one-pattern",
        "category": "efficacy_claim",
        "severity": "medium",
        "title": "A test rule",
        "description": "A rule with one phrase pattern.",
        "explanation": "Written for this test.",
        "patterns": [pattern],
        **fields,
    }
    data = {"version": "test", "rules": [record]}
    if phrase_sets is not None:
        data["phrase_sets"] = phrase_sets
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_malformed_pattern_is_still_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path / "data")
    with pytest.raises(RuleError, match="unbalanced or nested parentheses"):
        load_rules(_one_rule_file(tmp_path, "stem (cells|cell"))
    (catalogue_rule,) = load_rules(_one_rule_file(tmp_path, "stem (cells|cell) (cure|heal)")).rules
    assert catalogue_rule.phrase_groups()[0][1] == [
        "stem cell cure",
        "stem cell heal",
        "stem cells cure",
        "stem cells heal",
    ]


def test_malformed_phrase_lists_are_left_to_the_rule_checks(tmp_path, monkeypatch):
    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path / "data")
    with pytest.raises(RuleError, match="all_of must be a list of lists"):
        load_rules(_one_rule_file(tmp_path, "stem cells", all_of=5))


def test_no_rule_lists_a_phrase_twice() -> None:
    """A phrase, regex or example listed twice in one list of a rule counts once: the second
    copy is a slip left by an edit (the loader does not mind, so the data is checked here)."""
    data = yaml.safe_load(rules.RULES_PATH.read_text(encoding="utf-8"))
    # With its phrase sets written out: a set repeating a phrase the rule lists is a slip too.
    for rule in rules.with_phrase_sets(data):
        lists = {key: rule.get(key) or [] for key in ("patterns", "regex", "unless")}
        examples = rule.get("examples") or {}
        lists.update({kind: examples.get(kind) or [] for kind in ("match", "no_match")})
        for key, values in lists.items():
            texts = [v if isinstance(v, str) else repr(v) for v in values]
            twice = sorted({t for t in texts if texts.count(t) > 1})
            assert not twice, (rule["id"], key, twice)


@pytest.mark.parametrize(
    ("pattern", "phrase"),
    [
        ("(sans|pas d'|pas de) (effets secondaires)", "pas d'effets secondaires"),
        ("(la|l') (artrosi)", "l'artrosi"),
        ("jusqu' (ici)", "jusqu' ici"),  # only one-letter elisions and "qu'" are glued
    ],
)
def test_an_elided_article_is_glued_to_the_next_word(pattern, phrase):
    assert phrase in rules.expand_pattern(pattern)


def test_an_english_plural_possessive_keeps_its_space():
    assert rules.expand_pattern("(the patients') (stories)") == ["the patients' stories"]


DENIALS = {"denials": ["(never|not) (proven|shown)", "no evidence"]}


def test_a_phrase_set_stands_for_its_phrases_wherever_a_rule_names_it(tmp_path, monkeypatch):
    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path / "data")
    denials = ["never proven", "never shown", "no evidence", "not proven", "not shown"]
    path = _one_rule_file(
        tmp_path, "@phrases:denials", unless=["says who", "@phrases:denials"], phrase_sets=DENIALS
    )
    (rule,) = load_rules(path).rules
    assert dict(rule.phrase_groups()) == {
        "rule:test.one-pattern:any": denials,
        "rule:test.one-pattern:unless": [*denials, "says who"],
    }
    path = _one_rule_file(
        tmp_path,
        "unused",
        patterns=None,
        all_of=[["stem cells"], ["unproven", "@phrases:denials", "@condition"]],
        phrase_sets=DENIALS,
    )
    (rule,) = load_rules(path).rules
    assert dict(rule.phrase_groups()) == {
        "rule:test.one-pattern:0": ["stem cells"],
        "rule:test.one-pattern:1": [*denials, "unproven"],
    }
    assert rule.groups.references == ((), ("@condition",))


@pytest.mark.parametrize(
    ("fields", "phrase_sets", "message"),
    [
        ({"unless": ["@phrases:denial"]}, DENIALS, "no phrase set named 'denial'"),
        ({}, DENIALS, r"phrase sets no rule uses: \['denials'\]"),
        ({"unless": ["@phrases:Denials"]}, {"Denials": ["no"]}, "a name is lower case"),
        ({"unless": ["@phrases:nested"]}, {"nested": ["@phrases:denials"]}, "no reference"),
        ({"unless": ["@phrases:empty"]}, {"empty": []}, "one or more phrases"),
        ({"unless": ["@phrases:denials"]}, ["no evidence"], "phrase_sets must map names"),
    ],
)
def test_a_phrase_set_that_is_wrong_or_unused_is_refused(
    tmp_path, monkeypatch, fields, phrase_sets, message
):
    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path / "data")
    with pytest.raises(RuleError, match=message):
        load_rules(_one_rule_file(tmp_path, "stem cells", phrase_sets=phrase_sets, **fields))


def test_a_key_the_rules_file_does_not_know_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path / "data")
    path = _one_rule_file(tmp_path, "stem cells")
    path.write_text(path.read_text(encoding="utf-8") + "phrase_set: {}\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"unknown keys \['phrase_set'\]"):
        load_rules(path)
