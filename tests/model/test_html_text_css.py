"""The CSS pieces behind html_text: selectors (exact or a skeleton), matching, and values."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from model.css_selectors import Match, MatchBudget, match, parse_selector, split_selector_list
from model.css_values import (
    content_text,
    font_size_effect,
    is_clip_path_empty,
    is_clipped_away,
    is_off_screen,
    is_transformed_away,
    is_transparent,
)


@dataclass
class Element:
    tag: str
    id: str = ""
    classes: frozenset[str] = frozenset()
    attributes: dict[str, str | None] = field(default_factory=dict)
    parent: Element | None = None


def _chain(*tags: str) -> Element:
    """Nested elements, outermost first; each "tag.class#id" spelled as in CSS."""
    element: Element | None = None
    for spec in tags:
        name, _, rest = spec.partition(".")
        name, _, ident = name.partition("#")
        classes = frozenset(rest.split(".")) if rest else frozenset()
        attributes: dict[str, str | None] = {"class": " ".join(sorted(classes))}
        element = Element(name, ident, classes, attributes, element)
    assert element is not None
    return element


@pytest.mark.parametrize(
    ("selector", "element", "expected"),
    [
        ("main .note span.quiet", _chain("main", "div.note", "p", "span.quiet"), Match.YES),
        ("main > .note span", _chain("main", "div.note", "p", "span"), Match.YES),
        ("main > p span", _chain("main", "div.note", "p", "span"), Match.NO),
        ("div > div p", _chain("div", "div", "section", "div", "p"), Match.YES),
        ("#k.a", _chain("p#k.a"), Match.YES),
        ("#k.a", _chain("p#k"), Match.NO),
        ("[class~=a]", _chain("p.a.b"), Match.YES),
        ("[class^=b]", _chain("p.a.b"), Match.NO),
        (".x:hover .a", _chain("div.x", "p.a"), Match.MAYBE),
        (".x:hover .a", _chain("div", "p.a"), Match.NO),
        ("i + .a", _chain("div", "p.a"), Match.MAYBE),
        ("p:not(.b)", _chain("p.b"), Match.MAYBE),
    ],
)
def test_selectors_match_exactly_or_say_maybe(selector: str, element: Element, expected: Match):
    parsed = parse_selector(selector)
    assert parsed is not None
    assert match(parsed, element, MatchBudget(1_000)) is expected


def test_a_spent_budget_answers_maybe() -> None:
    parsed = parse_selector("a b c d e f g h i j")
    assert parsed is not None
    deep = _chain(*["a"] * 500, "j")
    assert match(parsed, deep, MatchBudget(50)) is Match.MAYBE


def test_selector_lists_split_outside_brackets_and_strings() -> None:
    assert split_selector_list('a, b:is(c, d), [x=","] ,') == ["a", "b:is(c, d)", '[x=","]']


def test_pseudo_elements_and_escapes_are_read() -> None:
    parsed = parse_selector(".lead\\:x::before")
    assert parsed is not None and parsed.exact
    assert parsed.pseudo_element == "before"
    assert parsed.compounds[-1].classes == ("lead:x",)


@pytest.mark.parametrize(
    ("check", "value", "expected"),
    [
        (is_off_screen, "-9999px", True),
        (is_off_screen, "-70em", True),
        (is_off_screen, "-20px", False),
        (is_transparent, "0", True),
        (is_transparent, "0.5", False),
        (is_clipped_away, "rect(0 0 0 0)", True),
        (is_clipped_away, "rect(1px, 1px, 1px, 1px)", True),
        (is_clipped_away, "rect(0, 200px, 40px, 0)", False),
        (is_clip_path_empty, "inset(50%)", True),
        (is_clip_path_empty, "inset(0 0 100% 0)", True),
        (is_clip_path_empty, "inset(10% 20%)", False),
        (is_clip_path_empty, "circle(0)", True),
        (is_transformed_away, "scale(0)", True),
        (is_transformed_away, "translatex(-200vw)", True),
        (is_transformed_away, "translate(-50%, -50%)", False),
    ],
)
def test_declarations_that_hide(check, value: str, expected: bool) -> None:
    assert check(value) is expected


@pytest.mark.parametrize(
    ("value", "effect"),
    [
        ("0", "zero"),
        ("0.5px", "zero"),
        ("0.02em", "zero"),
        ("12px", "absolute"),
        ("small", "absolute"),
        ("1.5em", "relative"),
        ("80%", "relative"),
    ],
)
def test_font_sizes(value: str, effect: str) -> None:
    assert font_size_effect(value) == effect


def test_content_values_read_strings_escapes_and_attributes() -> None:
    value = '"Stem \\"cells\\" " attr(data-x) counter(n) \'\\2014 x\''
    assert content_text(value, {"data-x": "MS"}) == 'Stem "cells" MS\u2014x'
