"""CSS selectors: read them, and match the ones that can be decided against a page's elements.

A selector made of type, class, id and attribute tests joined by descendant (` `) and child
(`>`) combinators is *exact*: whether it matches an element is decided from the element and its
ancestors. Anything else (a pseudo-class such as `:hover` or `:not()`, a sibling combinator, a
nesting `&`) depends on state or structure not modelled here; such a selector is kept as its
*skeleton*, the exact selector left when those parts are dropped (and everything left of a
sibling combinator). The skeleton matches every element the selector could match, so a match
of an inexact selector means "may apply", never "applies".

Matching walks ancestors right to left and remembers failures, so no selector takes more than
(compounds x ancestors) steps per element; a `MatchBudget` caps the steps over a whole page,
and past it every answer is "may apply".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

LEGACY_PSEUDO_ELEMENTS = frozenset({"before", "after", "first-line", "first-letter"})


class Match(Enum):
    NO = 0
    YES = 1
    MAYBE = 2


class ElementFacts(Protocol):
    """What a selector can test on an element."""

    @property
    def tag(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def classes(self) -> frozenset[str]: ...
    @property
    def attributes(self) -> dict[str, str | None]: ...
    @property
    def parent(self) -> ElementFacts | None: ...


@dataclass(frozen=True, slots=True)
class AttributeTest:
    name: str
    operator: str  # "" (present), "=", "~=", "|=", "^=", "$=", "*="
    value: str = ""
    ignore_case: bool = False

    def accepts(self, attributes: dict[str, str | None]) -> bool:
        if self.name not in attributes:
            return False
        if not self.operator:
            return True
        actual = attributes[self.name] or ""
        wanted = self.value
        if self.ignore_case:
            actual, wanted = actual.lower(), wanted.lower()
        if self.operator == "=":
            return actual == wanted
        if self.operator == "~=":
            return wanted in actual.split()
        if self.operator == "|=":
            return actual == wanted or actual.startswith(wanted + "-")
        if not wanted:
            return False
        if self.operator == "^=":
            return actual.startswith(wanted)
        if self.operator == "$=":
            return actual.endswith(wanted)
        return wanted in actual  # "*="


@dataclass(frozen=True, slots=True)
class Compound:
    tag: str | None = None
    ids: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    attributes: tuple[AttributeTest, ...] = ()

    def accepts(self, element: ElementFacts) -> bool:
        if self.tag is not None and self.tag != element.tag:
            return False
        for wanted in self.ids:
            if wanted != element.id:
                return False
        if self.classes and not element.classes.issuperset(self.classes):
            return False
        for test in self.attributes:
            if not test.accepts(element.attributes):
                return False
        return True

    @property
    def index_key(self) -> str:
        """The key under which rules ending in this compound are looked up."""
        if self.ids:
            return "#" + self.ids[0]
        if self.classes:
            return "." + self.classes[0]
        return self.tag or "*"


@dataclass(frozen=True, slots=True)
class Selector:
    compounds: tuple[Compound, ...]  # left to right
    child_combinator: tuple[bool, ...]  # per compound: joined to the previous one by ">"
    specificity: tuple[int, int, int]
    pseudo_element: str | None = None
    exact: bool = True


class MatchBudget:
    """Steps left for matching selectors on one page."""

    def __init__(self, steps: int) -> None:
        self.steps = steps

    def spend(self) -> bool:
        self.steps -= 1
        return self.steps >= 0


def index_keys(element: ElementFacts) -> list[str]:
    """The keys of the rules that may match `element` (see `Compound.index_key`)."""
    keys = [element.tag, "*"]
    if element.id:
        keys.append("#" + element.id)
    keys.extend("." + name for name in element.classes)
    return keys


def match(selector: Selector, element: ElementFacts, budget: MatchBudget) -> Match:
    """Whether `selector` (its skeleton, when inexact) matches `element`."""
    compounds = selector.compounds
    if not budget.spend():
        return Match.MAYBE
    if not compounds[-1].accepts(element):
        return Match.NO
    found = len(compounds) == 1 or _match_ancestors(selector, element, budget)
    if found is None:
        return Match.MAYBE
    if not found:
        return Match.NO
    return Match.YES if selector.exact else Match.MAYBE


def _match_ancestors(selector: Selector, element: ElementFacts, budget: MatchBudget) -> bool | None:
    """Whether the compounds left of the last one match `element`'s ancestors (None: over
    budget). Depth-first over ancestors, remembering (compound, element) pairs that failed."""
    compounds, child = selector.compounds, selector.child_combinator
    failed: set[tuple[int, int]] = set()
    matched_at: list[tuple[int, ElementFacts]] = [(len(compounds) - 1, element)]
    next_try: list[ElementFacts | None] = [element.parent]
    while matched_at:
        j, at = matched_at[-1]
        if j == 0:
            return True
        candidate = next_try[-1]
        if candidate is None:
            failed.add((j, id(at)))
            matched_at.pop()
            next_try.pop()
            continue
        if not budget.spend():
            return None
        next_try[-1] = None if child[j] else candidate.parent
        if (j - 1, id(candidate)) not in failed and compounds[j - 1].accepts(candidate):
            matched_at.append((j - 1, candidate))
            next_try.append(candidate.parent)
    return False


def split_selector_list(text: str) -> list[str]:
    """Split at the commas that are not inside brackets, parentheses or strings."""
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    position = 0
    while position < len(text):
        char = text[position]
        if quote:
            if char == "\\":
                position += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "\\":
            position += 1
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            parts.append(text[start:position])
            start = position + 1
        position += 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def parse_selector(text: str) -> Selector | None:
    """One complex selector, or None when it has no compound at all."""
    return _SelectorReader(text).read()


class _SelectorReader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.exact = True
        self.pseudo_element: str | None = None
        self.ids = self.classes = self.types = 0
        self.compounds: list[Compound] = []
        self.child: list[bool] = []
        self.preceding = ""  # the combinator before the compound being read
        self._reset_compound()

    def _reset_compound(self) -> None:
        self.tag: str | None = None
        self.compound_ids: list[str] = []
        self.compound_classes: list[str] = []
        self.compound_attributes: list[AttributeTest] = []
        self.compound_started = False

    def read(self) -> Selector | None:
        text = self.text
        combinator = ""
        while self.position < len(text):
            char = text[self.position]
            if char.isspace():
                self.position += 1
                if self.compound_started and not combinator:
                    combinator = " "
                continue
            if char in ">+~":
                self.position += 1
                combinator = char
                continue
            if combinator and self.compound_started:
                self._close_compound()
                if self.pseudo_element is not None:
                    self.exact = False  # a pseudo-element must end the selector
                if combinator in "+~":
                    # Siblings are not modelled: keep the part right of the combinator.
                    self.exact = False
                    self.compounds.clear()
                    self.child.clear()
                    combinator = ""
                self.preceding = combinator
            elif combinator and not self.compound_started:
                self.exact = False  # a relative selector (nested rules): "> .a"
            combinator = ""
            self._read_simple(char)
        if self.compound_started:
            self._close_compound()
        if not self.compounds:
            return None
        return Selector(
            tuple(self.compounds),
            tuple(self.child),
            (self.ids, self.classes, self.types),
            self.pseudo_element,
            self.exact,
        )

    def _close_compound(self) -> None:
        compound = Compound(
            self.tag,
            tuple(self.compound_ids),
            tuple(self.compound_classes),
            tuple(self.compound_attributes),
        )
        self.compounds.append(compound)
        self.child.append(bool(self.child) and self.preceding == ">")
        self._reset_compound()

    def _read_simple(self, char: str) -> None:
        text = self.text
        self.compound_started = True
        if char == "*":
            self.position += 1
        elif char == ".":
            self.position += 1
            self.compound_classes.append(self._ident())
            self.classes += 1
        elif char == "#":
            self.position += 1
            self.compound_ids.append(self._ident())
            self.ids += 1
        elif char == "[":
            self._attribute()
            self.classes += 1
        elif char == ":":
            double = text.startswith("::", self.position)
            self.position += 2 if double else 1
            name = self._ident().lower()
            argument = self._parenthesised()
            if double or name in LEGACY_PSEUDO_ELEMENTS:
                if self.pseudo_element is not None or argument is not None:
                    self.exact = False
                self.pseudo_element = name
                self.types += 1
            else:
                self.exact = False  # state (:hover), structure (:nth-child) or logic (:not)
                if name != "where":
                    self.classes += 1
        elif _is_name_char(char) or char == "\\":
            self.tag = self._ident().lower()
            self.types += 1
        else:
            self.exact = False  # "&", "|", or anything this reader does not know
            self.position += 1

    def _ident(self) -> str:
        text = self.text
        chars: list[str] = []
        while self.position < len(text):
            char = text[self.position]
            if char == "\\":
                chars.append(self._escape())
            elif _is_name_char(char):
                chars.append(char)
                self.position += 1
            else:
                break
        return "".join(chars)

    def _escape(self) -> str:
        text = self.text
        self.position += 1  # the backslash
        digits = 0
        while digits < 6 and self.position + digits < len(text):
            if text[self.position + digits] not in "0123456789abcdefABCDEF":
                break
            digits += 1
        if digits:
            code = int(text[self.position : self.position + digits], 16)
            self.position += digits
            if self.position < len(text) and text[self.position].isspace():
                self.position += 1
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        if self.position < len(text):
            self.position += 1
            return text[self.position - 1]
        return "\ufffd"

    def _parenthesised(self) -> str | None:
        text = self.text
        if self.position >= len(text) or text[self.position] != "(":
            return None
        depth = 0
        start = self.position
        while self.position < len(text):
            char = text[self.position]
            self.position += 1
            if char == "\\":
                self.position += 1
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    break
        return text[start + 1 : self.position - 1]

    def _attribute(self) -> None:
        text = self.text
        end = text.find("]", self.position)
        body = text[self.position + 1 : len(text) if end < 0 else end]
        self.position = len(text) if end < 0 else end + 1
        test = _attribute_test(body)
        if test is None:
            self.exact = False
        else:
            self.compound_attributes.append(test)


def _attribute_test(body: str) -> AttributeTest | None:
    for operator in ("~=", "|=", "^=", "$=", "*=", "="):
        name, found, value = body.partition(operator)
        if found:
            break
    else:
        name, operator, value = body, "", ""
    name = name.strip().lower()
    if not name or not all(_is_name_char(char) for char in name):
        return None
    value = value.strip()
    ignore_case = False
    if value[-2:].lower() in (" i", " s") and len(value) > 2:
        ignore_case = value[-1].lower() == "i"
        value = value[:-2].rstrip()
    if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0]:
        value = value[1:-1]
    elif any(char in value for char in "\"'\\"):
        return None
    return AttributeTest(name, operator, value, ignore_case)


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char in "-_" or not char.isascii()
