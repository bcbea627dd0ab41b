"""No regular expression that can backtrack on a client's text (issue 14).

The patterns that read request text, html, CSS or headers run on RE2 (`model.linear_regex`) or
are string code. Each is compared here with the Python `re` pattern it replaced (which stays in
this file only as the reference: outputs must not change), and fed 100 KB built against its own
structure. Timings are measured in `make bench` (`bench/inprocess.py`); the guards here are
generous and only catch a return to backtracking (seconds, or never).
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import model
from model import (
    classifier,
    css,
    evasion,
    html_text,
    language,
    linear_regex,
    lookalikes,
    page_features,
    text,
)
from model.detectors import _one_sentence
from model.linear_regex import NOT_WORD_OR_END, LinearPattern, compiled_spans

ROOT = Path(__file__).resolve().parents[2]
SIZE = 100_000
GUARD_SECONDS = 2.0
# Modules that may import Python's `re`, and why: what they compile never sees a client's text.
RE_ALLOWED = {
    "model/rules.py": "reads only the rule file (ids, pattern choices, lexicon references)",
    "service/app.py": "CORS origin globs from REDFLAGS_CORS_ORIGINS, compiled for flask-cors, "
    "which takes only re.Pattern and runs it on the Origin header: no label holds two * "
    "(checked at start), so the pattern is a chain of runs each ended by a separator it cannot "
    "hold, and matches in linear time (tests/service/test_cors.py)",
}

# --- the `re` patterns replaced, as references -----------------------------------------------

# (The currencies of the pages' other languages were added to the pattern and this reference
# together, in the sixth session.)
OLD_PRICE = re.compile(
    r"(?:[$\u20ac\u00a3\u00a5\u20a9\u20b9\u20bd\u20ba\u20ab]|\b(?:usd|eur|gbp|mxn|cad|aud|us\$|"
    r"r\$|rp\.?|idr|chf|pln|czk|aed|sar|egp|vnd|rub|inr))\s?\d[\d.,]{0,12}"
    r"|\b\d[\d.,]{0,12}\s?(?:[$\u20ac\u00a3\u20bd\u20ba\u20ab]|(?:usd|eur|dollars|euros|pesos|reais|"
    r"rubles|roubles|\u0440\u0443\u0431|\u0440\u0443\u0431\u043b\u0435\u0439|\u0433\u0440\u043d|"
    r"z\u0142|zl|pln|k\u010d|czk|tl|lira|aed|dirham|dirhams|\u062f\u0631\u0647\u0645|"
    r"\u0631\u064a\u0627\u0644|\u062c\u0646\u064a\u0647|vnd|\u0111\u1ed3ng|dong|idr|rupiah|yen|"
    r"yuan|won|chf|francs)\b)"
    r"|\b\d[\d.,]{0,12}\s?(?:\u4e07\u5186|\u5186|\u4e07\u5143|\u842c\u5143|\u5143|\ub9cc\uc6d0|\uc6d0)",
    re.IGNORECASE,
)
OLD_PHONE = re.compile(r"\+?\(?\d{1,4}\)?[ .\-]\d{2,4}[ .\-]\d{3,4}(?:[ .\-]\d{2,4})?")
OLD_EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}\.[\w.]{2,20}")
OLD_NCT = re.compile(r"\bNCT\d{8}\b")
OLD_CITATION = re.compile(r"\bet al\b|\bdoi[:\s]|\[\d{1,3}\]|\(\d{4}\)", re.IGNORECASE)
OLD_QUOTATION = re.compile(r"[\"\u201c\u201d\u00ab\u00bb\u201e]")
OLD_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,30}(?:\([A-Z]{2,10}\))?\s?[-\u2013\u2014]\s", re.M)
OLD_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you'll|yourself)\b", re.IGNORECASE)
OLD_FIRST_PLURAL = re.compile(r"\b(?:we|our|us|we're|we've)\b", re.IGNORECASE)
# The page features read these words as page cues now (the phrase matcher); the patterns stay
# here as word lists that exercise the engine's word boundaries and case folding.
SECOND_PERSON = LinearPattern(
    rf"\b(you|your|you're|you'll|yourself){NOT_WORD_OR_END}",
    ignore_case=True,
    word_start_groups=frozenset({1}),
)
QUOTATION = LinearPattern('["\u201c\u201d\u00ab\u00bb\u201e]')
FIRST_PLURAL = LinearPattern(
    rf"\b(we|our|us|we're|we've){NOT_WORD_OR_END}",
    ignore_case=True,
    word_start_groups=frozenset({1}),
)
OLD_TREATMENT_REFERENCE = re.compile(
    r"\b(?:this|the|these|that|our|your|their|my|his|her)\s+(?:own\s+)?"
    r"(?:treatments?|therap(?:y|ies)|procedures?|cells|injections?|infusions?|shots?|protocols?)\b",
    re.IGNORECASE,
)
OLD_LINE_BREAK_HYPHEN = re.compile(r"[-\u2010\u00ad][ \t]*(?:\r\n?|\n)")
_CLOSERS = "\"'\u201d\u2019)\\]\u300d\u300f\u3011\uff09\uff3d\uff63"
_WIDE = "\u3002\uff01\uff1f\uff61"
OLD_SENTENCE_END = re.compile(
    rf"(?<=[.!?\u0964\u061f])[{_CLOSERS}]*\s+(?=\S)"
    rf"|(?<=[{_WIDE}])[{_CLOSERS}]*\s*(?=[^\s{_WIDE}{_CLOSERS}])"
)
OLD_BULLET = re.compile(
    r"^\s*(?:[-*\u2022\u25cf\u25aa\u2023\u2043\u2713\u2714\u2705>]|\d{1,2}[.)]\s)\s*"
)
OLD_SPACED_LETTERS = re.compile(
    r"(?<![^\W_])[A-Za-z](?:(?: ?[.\u00b7\u2022*] ?| )[A-Za-z](?![^\W_])){2,}(?:\.(?= ))?"
)
OLD_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
OLD_LETTER = re.compile(r"[^\W\d_]")
OLD_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
OLD_SCRIPT_WORD_BREAK = re.compile(r"[^\w-]+")
OLD_WHITESPACE = re.compile(r"\s+")


def _spans(pattern: re.Pattern[str]) -> Callable[[str], list[tuple[int, int]]]:
    return lambda value: [m.span() for m in pattern.finditer(value)]


def _linear(pattern: LinearPattern) -> Callable[[str], list[tuple[int, int]]]:
    return lambda value: list(pattern.finditer(value))


def _all_run_ends(value: str) -> list[int | None]:
    return [evasion._spaced_letter_run(value, start) for start in range(len(value))]


def _old_run_ends(value: str) -> list[int | None]:
    return [
        (m.end() if (m := OLD_SPACED_LETTERS.match(value, start)) else None)
        for start in range(len(value))
    ]


def _old_sentence_ends(value: str) -> list[tuple[int, int]]:
    return [m.span() for m in OLD_SENTENCE_END.finditer(value, 1, max(1, len(value) - 1))]


def _new_sentence_ends(value: str) -> list[tuple[int, int]]:
    return text._sentence_ends(value, 1, max(1, len(value) - 1))


def _old_list_items(value: str) -> list[bool]:
    return [bool(OLD_BULLET.match(line)) for line in value.splitlines(keepends=True)]


def _new_list_items(value: str) -> list[bool]:
    return [text._is_list_item(line) for line in value.splitlines(keepends=True)]


def _old_letters(value: str) -> int:
    return len(OLD_LETTER.findall(value)) + 2 * len(OLD_CJK.findall(value))


def _old_script_words(value: str) -> set[str]:
    return set(OLD_SCRIPT_WORD_BREAK.split(value)) - {""}


def _old_collapsed(value: str) -> tuple[str, str]:
    return OLD_WHITESPACE.sub(" ", value), OLD_WHITESPACE.sub(" ", value).strip()


def _new_collapsed(value: str) -> tuple[str, str]:
    return html_text._collapse_whitespace(value), css._squash(value)


def _old_treatment(value: str) -> list[bool]:
    cuts = range(0, len(value) + 1, 7)
    return [OLD_TREATMENT_REFERENCE.search(value, a, b) is not None for a in cuts for b in cuts]


def _new_treatment(value: str) -> list[bool]:
    cuts = range(0, len(value) + 1, 7)
    found = classifier._TREATMENT_REFERENCE
    return [found.search(value, a, b) is not None for a in cuts for b in cuts]


# (name, replacement, reference, characters the texts are drawn from)
WORDS = ["you", "your", "you're", "yourself", "we", "our", "us", "we've", "usd", "euros", "eur"]
WORDS += ["dollars", "reais", "et al", "doi", "NCT", "the", "this", "their", "own", "cells"]
WORDS += ["therapies", "treatments", "shots", "YOU", "Th\u0130s", "\u0131"]
WORDS += ["rp", "tl", "z\u0142", "\u0440\u0443\u0431", "\u5186", "\u4e07\u5143", "\uc6d0"]
WORDS += ["\u20bd", "dong"]
MARKS = list(" \u00a0\t\n.,:;'\"()[]$\u20ac\u00a3@+-_\u2013\u2014")
LETTERS = list("aeyouNCTx01\u0663\u00e9\u00c9\u017f\u212a")
EQUIVALENCES: list[tuple[str, Callable, Callable, list[str]]] = [
    ("price", _linear(page_features._PRICE), _spans(OLD_PRICE), WORDS + MARKS + LETTERS),
    ("phone", _linear(page_features._PHONE), _spans(OLD_PHONE), list("+() .-12\u0663a")),
    ("email", page_features._email_addresses, _spans(OLD_EMAIL), list("ab_.+-@ \u00e9\u0663")),
    ("nct", _linear(page_features._NCT), _spans(OLD_NCT), ["NCT", "1234", "5", "\u0663", "x "]),
    ("citation", _linear(page_features._CITATION), _spans(OLD_CITATION), WORDS + MARKS + LETTERS),
    ("quotation", _linear(QUOTATION), _spans(OLD_QUOTATION), MARKS + ["\u201c"]),
    (
        "dateline",
        _linear(page_features._DATELINE),
        _spans(OLD_DATELINE),
        list("ABZ .'-\n(\u2013\u2014\u00a0a"),
    ),
    ("second person", _linear(SECOND_PERSON), _spans(OLD_SECOND_PERSON), WORDS),
    ("first plural", _linear(FIRST_PLURAL), _spans(OLD_FIRST_PLURAL), WORDS),
    ("treatment reference", _new_treatment, _old_treatment, WORDS + MARKS + LETTERS),
    (
        "line-break hyphen",
        _linear(evasion._LINE_BREAK_ANY_HYPHEN),
        _spans(OLD_LINE_BREAK_HYPHEN),
        list("a-\u2010\u00ad \t\r\n"),
    ),
    (
        "sentence ends",
        _new_sentence_ends,
        _old_sentence_ends,
        list(".!?\u0964\u3002\uff01\uff61)]\\\"'\u300d \n\t\u00a0a"),
    ),
    ("list items", _new_list_items, _old_list_items, list(" \t\n-*\u2022>1.)a\u0663")),
    ("spaced letters", _all_run_ends, _old_run_ends, list("ab  .\u00b7\u2022*_1\u00e9")),
    ("words", lambda v: list(lookalikes._words(v)), OLD_WORD.findall, list("ab'_ .\u00e9\u043a")),
    ("letters", language._letters, _old_letters, list("a1_\u00b2\u00bd\u0663\u3042\u4e00 .")),
    ("script words", lambda v: set(html_text._script_words(v)), _old_script_words, MARKS + LETTERS),
    ("whitespace", _new_collapsed, _old_collapsed, list(" \t\n\u00a0\u2009\x1cab")),
]


@pytest.mark.parametrize(
    ("replacement", "reference", "alphabet"),
    [entry[1:] for entry in EQUIVALENCES],
    ids=[entry[0] for entry in EQUIVALENCES],
)
def test_equal_to_the_re_pattern_it_replaced(replacement, reference, alphabet):
    @settings(
        max_examples=400, derandomize=True, deadline=None, suppress_health_check=[*HealthCheck]
    )
    @given(st.lists(st.sampled_from(alphabet), max_size=40).map("".join))
    def check(value: str) -> None:
        assert replacement(value) == reference(value)

    check()


def test_sentence_ends_read_a_mark_just_before_the_start_as_re_did():
    value = "One.  Two!) \u3002x"
    for start in range(len(value)):
        for end in range(start, len(value) + 1):
            expected = [m.span() for m in OLD_SENTENCE_END.finditer(value, start, end)]
            assert text._sentence_ends(value, start, end) == expected


def test_one_sentence_as_the_pattern_it_replaced():
    value = "a b. c\nd\u3002e"
    pattern = re.compile("[.!?\u3002\uff01\uff1f\n]")
    for start in range(len(value) + 1):
        for end in range(len(value) + 2):
            assert _one_sentence(value, start, end) == (
                pattern.search(value, start, max(start, end)) is None
            )


# --- adversarial 100 KB inputs ---------------------------------------------------------------


def _fit(unit: str) -> str:
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


def _thirds(value: str) -> list[int]:
    """The letter at or after the start, a third and two thirds of `value`."""
    starts = []
    for at in (0, len(value) // 3, 2 * len(value) // 3):
        while at < len(value) and not value[at].isalpha():
            at += 1
        starts.append(at)
    return starts


# Per pattern, inputs built against its structure: long runs of what it repeats ending in what
# fails it, near-misses at every position, and word boundaries that fail only for Python's `re`.
ADVERSARIAL: dict[str, tuple[Callable[[str], object], list[str]]] = {
    "price": (
        page_features._PRICE.spans,
        [_fit("1,"), "$" + _fit("1."), _fit("a1$"), _fit("\u00e91 usd"), _fit("usd 1")],
    ),
    "phone": (page_features._PHONE.spans, [_fit("+(1234) 12 1"), _fit("1 12 "), _fit("1")]),
    "email": (
        page_features._email_addresses,
        ["@" + _fit("a"), _fit("a@"), _fit("a" * 64 + "@b-"), _fit("a.@b.c"), _fit("@")],
    ),
    "nct": (page_features._NCT.spans, [_fit("NCT1234567"), _fit("\u00e9NCT12345678")]),
    "citation": (page_features._CITATION.spans, [_fit("doi"), _fit("[12"), _fit("\u00e9et al")]),
    "quotation": (QUOTATION.spans, [_fit('"')]),
    "dateline": (page_features._DATELINE.spans, [_fit("AAAA (BBBBBBBBBBBB - \n"), _fit("A")]),
    "second person": (SECOND_PERSON.spans, [_fit("\u00e9you"), _fit("xyour")]),
    "first plural": (FIRST_PLURAL.spans, [_fit("\u00e9us"), _fit("we'")]),
    "treatment reference": (
        lambda value: classifier._TREATMENT_REFERENCE.search(value),
        [_fit("the "), "the" + " " * SIZE + "cellsx", _fit("\u00e9the cells")],
    ),
    "line-break hyphen": (
        evasion._LINE_BREAK_ANY_HYPHEN.spans,
        ["-" + " " * SIZE + "x", _fit("- \r"), _fit("\u2010\t\n")],
    ),
    "sentence ends": (
        lambda value: text._sentence_ends(value, 0, len(value)),
        ["." + ")" * SIZE, _fit(".)"), _fit("\u3002"), _fit(". ")],
    ),
    "list items": (text._is_list_item, [" " * SIZE + "1.x", "1" * SIZE + ". x"]),
    "segment": (text.segment, [_fit("1. a\n"), _fit(" " * 999 + "1.x\n"), _fit("a. ")]),
    # A run read from its start, and from a third and two thirds of the way in (each read runs
    # to the text's end: reading from every 997th character read 5 MB and took 1.4 s).
    "spaced letters": (
        lambda value: [evasion._spaced_letter_run(value, s) for s in _thirds(value)],
        [_fit("a b "), _fit("a . "), _fit("a \u00b7 b")],
    ),
    "words": (lambda value: list(lookalikes._words(value)), [_fit("a'"), _fit("\u043a''")]),
    "letters": (language._letters, [_fit("a\u3042\u00b2")]),
    "css": (
        lambda value: list(model.css.parse_stylesheet(value)),
        [
            _fit(";"),
            _fit("a{b:c}"),
            ("a" * 499 + "{" + ("display" + " " * 30 + ":" + " " * 30 + "nonx") * 28 + "}") * 40,
            _fit("/*"),
        ],
    ),
    "script words": (html_text._script_words, [_fit("a-"), _fit("\u00e9 ")]),
    "whitespace": (html_text._collapse_whitespace, [_fit(" \u00a0a")]),
}


@pytest.mark.parametrize(
    ("finder", "value"),
    [(finder, value) for finder, values in ADVERSARIAL.values() for value in values],
    ids=[f"{name}-{i}" for name, (_, values) in ADVERSARIAL.items() for i in range(len(values))],
)
def test_adversarial_100kb_input_is_read_at_once(finder, value):
    started = time.process_time()
    finder(value)
    # Generous: these take milliseconds; backtracking took seconds on the same structure.
    assert time.process_time() - started < GUARD_SECONDS


def test_every_pattern_replaced_has_an_adversarial_input():
    assert {name for name, *_ in EQUIVALENCES} <= set(ADVERSARIAL)


# --- which engine -----------------------------------------------------------------------------


def _linear_patterns() -> list[tuple[str, LinearPattern]]:
    found = []
    for path in sorted((ROOT / "model").glob("*.py")):
        module = __import__(f"model.{path.stem}", fromlist=["_"])
        for name, value in vars(module).items():
            if isinstance(value, LinearPattern):
                found.append((f"{path.stem}.{name}", value))
    return found


def test_code_patterns_are_compiled_by_re2():
    patterns = _linear_patterns()
    # The search reaches every module's patterns (a few named ones stand for the rest).
    names = {name for name, _ in patterns}
    assert {
        "page_features._PRICE",
        "classifier._TREATMENT_REFERENCE",
        "evasion._LINE_BREAK_ANY_HYPHEN",
    } <= names
    for name, pattern in patterns:
        assert type(pattern.compiled).__module__.startswith("re2"), name


def _imports_re(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name == "re" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "re":
            return True
    return False


def test_no_module_of_model_or_service_uses_re_beyond_the_allowed():
    users = {
        path.relative_to(ROOT).as_posix()
        for folder in ("model", "service")
        for path in (ROOT / folder).rglob("*.py")
        if _imports_re(path)
    }
    assert users == set(RE_ALLOWED)


def test_word_boundary_is_python_s_not_ascii():
    # RE2's own \b is ASCII: "é" would end a word before "you". `re` reads "éyou" as one word.
    assert SECOND_PERSON.spans("\u00e9you you") == [(5, 8)]
    assert page_features._NCT.spans("NCT1234567\u0663 x") == [(0, 11)]
    # ... and IGNORECASE's dotted and dotless i, which RE2's case folding leaves out.
    assert page_features._CITATION.spans("do\u0130: 10.1 x") == [(0, 9)]


def test_lone_surrogates_are_one_non_word_character():
    assert SECOND_PERSON.spans("\ud800you \udfffyour") == [(1, 4), (6, 10)]


def test_linear_pattern_keeps_python_classes():
    assert linear_regex.LinearPattern(r"a\sb").spans("a\u00a0b a\u2009b") == [(0, 3), (4, 7)]
    assert linear_regex.LinearPattern(r"\d+").spans("\u0663\u0664 x") == [(0, 2)]


# Rule regexes, and patterns that match the empty string (the search then moves on by one
# character: one, two, three or four bytes in UTF-8).
_WRAPPER_PATTERNS = [
    *(pattern for rule in model.shared_checker().rules.rules for pattern in rule.regex),
    *(re2.compile(source) for source in ("a*", "\u00e9?", "(a)|b", "[^a]*", "(?m)^")),
]


@pytest.mark.parametrize("pattern", _WRAPPER_PATTERNS, ids=lambda p: p.pattern[:30])
def test_compiled_spans_are_the_wrapper_s_finditer_spans(pattern):
    @settings(
        max_examples=300, derandomize=True, deadline=None, suppress_health_check=[*HealthCheck]
    )
    @given(
        st.lists(
            st.sampled_from(list('a\u00e9\u20ac\U0001f600 "\u201d-\u2014Ma T.\n45%off')),
            max_size=40,
        ).map("".join)
    )
    def check(value: str) -> None:
        spans = [(match.start(), match.end()) for match in pattern.finditer(value)]
        assert list(linear_regex.compiled_spans(pattern, value)) == spans

    check()


def test_compiled_spans_refuse_what_utf8_cannot_encode_as_the_wrapper_does():
    pattern = re2.compile("a")
    with pytest.raises(UnicodeEncodeError):
        list(pattern.finditer("a\ud800"))
    with pytest.raises(UnicodeEncodeError):
        list(linear_regex.compiled_spans(pattern, "a\ud800"))


RULE_REGEXES = [
    (rule.id, index, pattern)
    for rule in model.shared_checker().rules.rules
    for index, pattern in enumerate(rule.regex)
]


def _regexes_found_one_by_one(text: str) -> frozenset[tuple[str, int]]:
    return frozenset(
        (rule_id, index)
        for rule_id, index, pattern in RULE_REGEXES
        if next(compiled_spans(pattern, text), None) is not None
    )


def test_the_rules_regex_set_finds_what_each_regex_finds_alone():
    """The set only says which regexes to run: it must name every one that has a match."""
    catalogue = model.shared_checker().rules
    examples = [
        example
        for rule in catalogue.rules
        for example in (*rule.match_examples, *rule.no_match_examples)
    ]
    assert len(RULE_REGEXES) > 20
    hits = 0
    for example in examples:
        found = catalogue.regexes_matching(example)
        assert found == _regexes_found_one_by_one(example), example
        hits += bool(found)
    assert hits > 50  # the examples do exercise the regexes


@settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[*HealthCheck])
@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "\u201d",
                "\u00bb",
                " - ",
                "\u2014 ",
                "Marla T.",
                "\u0130rina",
                "\n",
                "95% ",
                "success rate",
                "over 5,000 patients",
                "\u300d",
                "\uff08",
                "\u5973\u58eb",
                "60\u4ee3",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_the_rules_regex_set_agrees_on_texts_built_from_their_parts(value):
    assert model.shared_checker().rules.regexes_matching(value) == _regexes_found_one_by_one(value)


def test_when_the_set_cannot_tell_every_regex_is_searched(monkeypatch):
    checker = model.shared_checker()
    ad = 'Our stem cell knee injections work. "Walking pain-free after 2 weeks!" - Marla T.'
    expected = checker.check(ad, explain=False)
    patterns = checker.rules.regex_set
    # RE2's set answers nothing when its automaton runs out of memory: not even the pattern
    # that matches every text.
    monkeypatch.setattr(patterns, "_set", type("Failed", (), {"Match": lambda self, text: []})())
    assert patterns.matching(ad) is None
    assert checker.check(ad, explain=False) == expected
    assert "testimonial.attributed-quote" in {f["rule_id"] for f in expected["flags"]}
