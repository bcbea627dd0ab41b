"""Whether a visitor sees an element's text: seen, hidden, or not decidable from the page.

The page's own style sheets and `style` attributes are applied with a small cascade (importance,
inline over sheet, specificity, order) to the properties in `css_values.VISIBILITY_PROPERTIES`.
A rule takes part as *decided* when its selector is exact, it applies on every screen (no
`@media` width query, `@supports` or `@container` around it) and no script on the page names its
classes or ids. Every other rule that may match, and every value computed at run time (`var()`,
`calc()`), is *uncertain*: the element's outcome is worked out once without it and once with
it; if the outcomes differ, the element is undecided. The caller keeps undecided text apart from
the seen text, so it can add claims but never sit inside, and negate, a seen sentence.

The same cascade gives the direction an element's text is drawn in (`Verdict.override`): under
`unicode-bidi: bidi-override` (or `<bdo>`) with `direction: rtl` a browser draws Latin letters
from right to left, so text stored backwards reads forwards. Only decided rules count for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum

from model.css import Condition, Declaration, StyleRule, parse_declarations
from model.css_selectors import (
    ElementFacts,
    Match,
    MatchBudget,
    Selector,
    index_keys,
    match,
    parse_selector,
    split_selector_list,
)
from model.css_values import (
    HIDING_STAND_IN,
    POSITIONED,
    SHOWING_STAND_IN,
    VISIBILITY_PROPERTIES,
    content_text,
    font_size_effect,
    is_clip_path_empty,
    is_clipped_away,
    is_off_screen,
    is_run_time,
    is_transformed_away,
    is_transparent,
    normalise,
)

MATCH_STEPS_PER_PAGE = 50_000  # past this, every element not yet decided is undecided
SCREEN_MEDIA = frozenset({"all", "screen", "only screen", "only all"})
PRINT_MEDIA = frozenset({"print", "only print", "speech", "only speech"})
# At-rules whose rules apply on every screen: a layer only orders rules.
UNCONDITIONAL_GROUPS = frozenset({"layer"})
PSEUDO_CONTENT = ("before", "after")


class Seen(Enum):
    VISIBLE = "visible"
    HIDDEN = "hidden"
    UNDECIDED = "undecided"


@dataclass(frozen=True, slots=True)
class Inherited:
    """The inherited properties that can hide text (`visibility` and a zero `font-size`), and
    the inherited `direction`."""

    visibility_hidden: bool = False
    font_size_zero: bool = False
    right_to_left: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    subtree_hidden: bool  # display:none, opacity:0, off-screen, clipped: nothing inside shows
    inherited: Inherited  # what the children inherit

    @property
    def text_hidden(self) -> bool:
        return (
            self.subtree_hidden or self.inherited.visibility_hidden or self.inherited.font_size_zero
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    seen: Seen  # of the element and everything in it
    text_seen: bool  # the element's own text (when not HIDDEN)
    inherited: Inherited
    # "rtl" or "ltr" when the element's content is drawn under a directional override
    # (`unicode-bidi: bidi-override` or `isolate-override`, as `<bdo>` is), else "".
    override: str = ""


@dataclass(frozen=True, slots=True)
class _Weighted:
    declaration: Declaration
    priority: tuple[int, int, tuple[int, int, int], int]  # important, origin, specificity, order


@dataclass(frozen=True, slots=True)
class _IndexedRule:
    selector: Selector
    declarations: tuple[Declaration, ...]
    order: int
    decided: bool


_RuleIndex = dict[str, list[_IndexedRule]]


@dataclass(slots=True)
class PageStyles:
    """The rules of a page's style sheets, indexed by the key of their rightmost compound."""

    element_rules: _RuleIndex = field(default_factory=lambda: defaultdict(list))
    pseudo_rules: dict[str, _RuleIndex] = field(
        default_factory=lambda: {which: defaultdict(list) for which in PSEUDO_CONTENT}
    )
    budget: MatchBudget = field(default_factory=lambda: MatchBudget(MATCH_STEPS_PER_PAGE))
    # Elements that match the same declarations decide the same way.
    _verdicts: dict[tuple[object, ...], Verdict] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        sheets: Iterable[tuple[list[StyleRule], bool]],
        script_words: frozenset[str],
    ) -> PageStyles:
        """`sheets`: each sheet's rules and whether the sheet applies for sure (not in noscript)."""
        # A rule repeated word for word counts once, at its last place.
        latest: dict[tuple[str, tuple[Declaration, ...], bool], _IndexedRule] = {}
        conditions: dict[Condition, bool | None] = {}
        order = 0
        for rules, certain in sheets:
            for rule in rules:
                order += 1
                applies = _condition_applies(rule.condition, conditions)
                if applies is False:
                    continue
                for text, indexed in _indexed(
                    rule, order, certain and applies is True, script_words
                ):
                    repeated = (text, indexed.declarations, indexed.decided)
                    latest.pop(repeated, None)
                    latest[repeated] = indexed
        styles = cls()
        for indexed in latest.values():
            key = indexed.selector.compounds[-1].index_key
            pseudo = indexed.selector.pseudo_element
            index = (
                styles.pseudo_rules[pseudo] if pseudo in PSEUDO_CONTENT else styles.element_rules
            )
            index[key].append(indexed)
        return styles

    def verdict(
        self,
        element: ElementFacts,
        inherited: Inherited,
        inline_style: str | None,
        hidden_attribute: str | None,
        scripted: bool = False,
    ) -> Verdict:
        """Whether `element` and its text are seen, given what its parent passes down.

        `scripted`: a script on the page names the element's id or a class of it, so its
        `hidden` attribute and `style` may change after load. Past the page's matching budget
        nothing is decided: the element is undecided.
        """
        decided: list[_Weighted] = _user_agent_bidi(element)
        uncertain: list[_Weighted] = []
        own = uncertain if scripted else decided
        if hidden_attribute is not None:
            display = Declaration("display", "none")
            target = uncertain if hidden_attribute.lower() == "until-found" else own
            target.append(_Weighted(display, (0, -1, (0, 0, 0), 0)))
        if not self._collect(self.element_rules, element, decided, uncertain):
            return Verdict(Seen.UNDECIDED, True, inherited)
        if inline_style:
            for position, declaration in enumerate(parse_declarations(inline_style)):
                normalised = normalise(declaration)
                if normalised is not None and normalised.name != "content":
                    priority = (int(normalised.important), 1, (0, 0, 0), position)
                    own.append(_Weighted(normalised, priority))
        key = (tuple(decided), tuple(uncertain), inherited)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = _decide(decided, uncertain, inherited)
        return verdict

    def pseudo_content(
        self, element: ElementFacts, inherited: Inherited, which: str
    ) -> tuple[str, list[str]]:
        """The seen `content` of `element::before`/`::after`, and texts it may show instead
        (nothing past the matching budget)."""
        decided: list[_Weighted] = []
        uncertain: list[_Weighted] = []
        if not self.pseudo_rules[which]:
            return "", []
        if not self._collect(self.pseudo_rules[which], element, decided, uncertain):
            return "", []
        if not decided and not uncertain:
            return "", []
        winners = _winners(decided)
        base = _pseudo_text(winners, inherited, element)
        alternatives = {
            _pseudo_text(with_alternative, inherited, element)
            for with_alternative in _alternatives(winners, uncertain)
        }
        alternatives.discard("")
        if alternatives <= {base}:
            return base, []
        return "", sorted(alternatives | ({base} - {""}))

    def _collect(
        self,
        rules_by_key: _RuleIndex,
        element: ElementFacts,
        decided: list[_Weighted],
        uncertain: list[_Weighted],
    ) -> bool:
        """Add the declarations of the rules that match `element` (False: over budget)."""
        if not rules_by_key:
            return True
        for key in index_keys(element):
            for rule in rules_by_key.get(key, ()):
                found = match(rule.selector, element, self.budget)
                if self.budget.steps < 0:
                    return False
                if found is Match.NO:
                    continue
                target = decided if found is Match.YES and rule.decided else uncertain
                for declaration in rule.declarations:
                    priority = (
                        int(declaration.important),
                        0,
                        rule.selector.specificity,
                        rule.order,
                    )
                    target.append(_Weighted(declaration, priority))
        return True


def _indexed(
    rule: StyleRule, order: int, certain: bool, script_words: frozenset[str]
) -> list[tuple[str, _IndexedRule]]:
    """The rule's selectors that can change what is seen, each with the rule's declarations.

    `certain`: the rule applies on every screen, in every page state."""
    declarations = tuple(d for d in map(normalise, rule.declarations) if d is not None)
    if not declarations:
        return []
    indexed: list[tuple[str, _IndexedRule]] = []
    for text in _selector_texts(rule):
        selector = parse_selector(text)
        if selector is None:
            continue
        named = {name for c in selector.compounds for name in (*c.classes, *c.ids)}
        decided = certain and selector.exact and rule.nested_in is None and not named & script_words
        pseudo = selector.pseudo_element
        if pseudo in PSEUDO_CONTENT:
            kept = declarations
        elif pseudo is None or pseudo in ("first-line", "first-letter"):
            kept = tuple(d for d in declarations if d.name != "content")
            decided = decided and pseudo is None
        else:
            continue  # ::selection, ::placeholder, ::-webkit-scrollbar...
        if kept:
            indexed.append((text, _IndexedRule(selector, kept, order, decided)))
    return indexed


def _selector_texts(rule: StyleRule) -> list[str]:
    texts = split_selector_list(rule.selectors)
    if rule.nested_in is None:
        return texts
    # A nested rule: stand the parent's selectors in for "&", or put them before.
    parents = split_selector_list(rule.nested_in) or ["*"]
    return [
        text.replace("&", parent) if "&" in text else f"{parent} {text}"
        for parent in parents
        for text in texts
    ]


def _condition_applies(
    condition: Condition | None, known: dict[Condition, bool | None]
) -> bool | None:
    """True on every screen, False on none (print), None when it depends. `known` memoises
    each at-rule's answer, so rules deep inside nested at-rules cost no more than others."""
    chain: list[Condition] = []
    while condition is not None and condition not in known:
        chain.append(condition)
        condition = condition.outer
    verdict = True if condition is None else known[condition]
    for inner in reversed(chain):
        own = _prelude_applies(inner.prelude)
        if verdict is not False:
            verdict = False if own is False else (None if own is None else verdict)
        known[inner] = verdict
    return verdict


def _prelude_applies(prelude: str) -> bool | None:
    name, _, query = prelude[1:].partition(" ")
    name = name.split("(", 1)[0].lower()
    query = " ".join(query.lower().split())
    if name in UNCONDITIONAL_GROUPS or (name == "media" and query in SCREEN_MEDIA):
        return True
    if name == "media" and query in PRINT_MEDIA:
        return False
    return None


def _winners(declarations: list[_Weighted]) -> dict[str, _Weighted]:
    best: dict[str, _Weighted] = {}
    for weighted in declarations:
        name = weighted.declaration.name
        if name not in best or weighted.priority >= best[name].priority:
            best[name] = weighted
    return best


def _alternatives(
    winners: dict[str, _Weighted], maybe: list[_Weighted]
) -> list[dict[str, _Weighted]]:
    """The winners as they may turn out, one uncertain declaration at a time (each distinct
    declaration once; one that loses to a decided winner changes nothing)."""
    seen: set[Declaration] = set()
    alternatives = []
    for weighted in maybe:
        for stand_in in _stand_ins(weighted):
            current = winners.get(stand_in.declaration.name)
            if stand_in.declaration in seen or (
                current is not None and current.priority > stand_in.priority
            ):
                continue
            seen.add(stand_in.declaration)
            alternatives.append({**winners, stand_in.declaration.name: stand_in})
    return alternatives


def _outcome(winners: dict[str, _Weighted], inherited: Inherited) -> Outcome:
    def value(name: str) -> str:
        weighted = winners.get(name)
        return weighted.declaration.value.lower() if weighted is not None else ""

    position = value("position")
    subtree_hidden = (
        value("display") == "none"
        or value("content-visibility") == "hidden"
        or ("opacity" in winners and is_transparent(value("opacity")))
        or (
            position in POSITIONED and (is_off_screen(value("left")) or is_off_screen(value("top")))
        )
        or ("text-indent" in winners and is_off_screen(value("text-indent")))
        or (position in ("absolute", "fixed") and is_clipped_away(value("clip")))
        or ("clip-path" in winners and is_clip_path_empty(value("clip-path")))
        or ("transform" in winners and is_transformed_away(value("transform")))
    )
    visibility = value("visibility")
    visibility_hidden = (
        visibility in ("hidden", "collapse")
        if visibility in ("hidden", "collapse", "visible")
        else inherited.visibility_hidden
    )
    font_size = value("font-size")
    effect = font_size_effect(font_size) if font_size else "relative"
    font_size_zero = effect == "zero" or (effect == "relative" and inherited.font_size_zero)
    inherits = Inherited(visibility_hidden, font_size_zero, inherited.right_to_left)
    return Outcome(subtree_hidden, inherits)


def _decide(decided: list[_Weighted], uncertain: list[_Weighted], inherited: Inherited) -> Verdict:
    if not decided and not uncertain:
        return Verdict(Seen.VISIBLE, not Outcome(False, inherited).text_hidden, inherited)
    winners = _winners([w for w in decided if not _is_run_time(w)])
    maybe = [*(w for w in decided if _is_run_time(w)), *uncertain]
    inherited, override = _direction(winners, inherited)
    base = _outcome(winners, inherited)
    outcomes = {base}
    for alternative in _alternatives(winners, maybe):
        outcomes.add(_outcome(alternative, inherited))
    if len(outcomes) == 1:
        seen = Seen.HIDDEN if base.subtree_hidden else Seen.VISIBLE
        return Verdict(seen, not base.text_hidden, base.inherited, override)
    # Undecided: its text is kept apart, and read as shown wherever some outcome shows it.
    shown = [outcome for outcome in outcomes if not outcome.subtree_hidden]
    passed_down = Inherited(
        all(outcome.inherited.visibility_hidden for outcome in shown),
        all(outcome.inherited.font_size_zero for outcome in shown),
        inherited.right_to_left,
    )
    text_seen = any(not outcome.text_hidden for outcome in shown)
    return Verdict(Seen.UNDECIDED, text_seen, passed_down, override)


# The user agent's style sheet (HTML, *Bidirectional text*): `dir` sets `direction`, `<bdo>`
# overrides. Below every author rule (origin -2: under the `hidden` attribute's -1).
_UA_PRIORITY = (0, -2, (0, 0, 0), 0)
_BDO = _Weighted(Declaration("unicode-bidi", "isolate-override"), _UA_PRIORITY)
_DIR = {value: _Weighted(Declaration("direction", value), _UA_PRIORITY) for value in ("rtl", "ltr")}


def _user_agent_bidi(element: ElementFacts) -> list[_Weighted]:
    declarations = [_BDO] if element.tag == "bdo" else []
    direction = _DIR.get((element.attributes.get("dir") or "").strip().lower())
    if direction is not None:
        declarations.append(direction)
    return declarations


def _direction(winners: dict[str, _Weighted], inherited: Inherited) -> tuple[Inherited, str]:
    """What the element passes down as its `direction`, and its override ("rtl", "ltr", "")."""
    direction = winners.get("direction")
    right_to_left = inherited.right_to_left
    if direction is not None and direction.declaration.value.lower() in ("rtl", "ltr"):
        right_to_left = direction.declaration.value.lower() == "rtl"
    bidi = winners.get("unicode-bidi")
    overrides = bidi is not None and bidi.declaration.value.lower() in _OVERRIDES
    override = ("rtl" if right_to_left else "ltr") if overrides else ""
    return replace(inherited, right_to_left=right_to_left), override


_OVERRIDES = frozenset({"bidi-override", "isolate-override"})


def _is_run_time(weighted: _Weighted) -> bool:
    declaration = weighted.declaration
    return declaration.name in VISIBILITY_PROPERTIES and is_run_time(declaration.value)


def _stand_ins(weighted: _Weighted) -> list[_Weighted]:
    """The declaration as it may turn out: itself, or for a run-time value a hiding and a
    showing value. An uncertain rule keeps its place in the cascade: only whether it applies,
    or what its value is, is unknown."""
    if not _is_run_time(weighted):
        return [weighted]
    declaration = weighted.declaration
    return [
        _Weighted(replace(declaration, value=stand_in[declaration.name]), weighted.priority)
        for stand_in in (HIDING_STAND_IN, SHOWING_STAND_IN)
    ]


def _pseudo_text(winners: dict[str, _Weighted], inherited: Inherited, element: ElementFacts) -> str:
    content = winners.get("content")
    if content is None or _outcome(winners, inherited).text_hidden:
        return ""
    return content_text(content.declaration.value, element.attributes)
