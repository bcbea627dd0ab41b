"""The rule catalogue: rules are data records (`model/data/rules.yaml`), compiled once.

A rule record:

```yaml
- id: safety.no-side-effects          # stable id, "<family>.<name>"
  category: safety_claim              # one of SPEC's categories
  severity: high                      # low | medium | high
  title: "Claims the treatment has no side effects"
  description: "What the rule looks for and why it matters."
  explanation: "The flag's explanation; may use {quote}, {product}, {condition}."
  references: [ftc-act-5-12]          # knowledge-base reference ids, most relevant first
  kind: phrase                        # phrase (default) | pair | broad | disclosure | classifier
  scope: cell_product                 # cell_product (default): only on pages promoting a cell
                                      # product; any: everywhere
  patterns: ["(no|zero) side effects"]            # kind phrase: any one suffices, or
  regex: ['[0-9]{2,3} ?% success rate']            # and/or regular expressions (RE2), or
  all_of: [["stop", "get off"], ["insulin"]]      # every group within `window` words of a sentence;
                                      # "@product", "@product:<id>", "@condition",
                                      # "@condition:<group>" stand for lexicon mentions
  window: 12
  unless: ["ask your doctor"]         # phrases that cancel a match in the same sentence
                                      # "@phrases:<name>" in patterns, all_of groups or unless
                                      # stands for the file's `phrase_sets: {<name>: [...]}`
  relevance: {ftc-act-5-12: "Why this reference applies; may use the same placeholders."}
  examples: {match: ["..."], no_match: ["..."]}
```

Patterns use a tiny syntax with no regular-expression engine behind it: `(a|b|)` is a choice
(an empty branch makes it optional). Every pattern expands to a finite set of plain phrases,
matched by the Aho–Corasick automaton in `model.matcher`, so matching stays linear in the text.
The few rules that need a regular expression (`regex`) are compiled by RE2 (`compile_linear`),
linear in the text too. Python's `re` here reads only this file (rule ids, choices, lexicon
references), never a client's text.
"""

from __future__ import annotations

import itertools
import marshal
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import re2

from model.datafiles import kept_derived, read_yaml
from model.linear_regex import PatternSet, python_classes_for_re2
from model.vocabulary import CATEGORIES, SEVERITIES

RULE_KINDS: tuple[str, ...] = ("phrase", "pair", "broad", "disclosure", "classifier")
LEXICON_REFERENCE = re.compile(r"@(product|condition)(?::([a-z_]+))?")
PHRASE_SET_NAME = re.compile(r"[a-z][a-z0-9_]*")
PHRASE_SET_REFERENCE = re.compile(rf"@phrases:({PHRASE_SET_NAME.pattern})")
FILE_KEYS = frozenset({"version", "relevance_defaults", "phrase_sets", "rules"})
SCOPES: tuple[str, ...] = ("cell_product", "any")
MAX_EXPANSIONS = 5_000
RULES_PATH = Path(__file__).parent / "data" / "rules.yaml"

_CHOICE = re.compile(r"\(([^()]*)\)")
# A French or Italian elision ends a choice or a word ("(pas d'|pas de) (effets ...)", "(la|l')
# (artrosi)"), and the words of a pattern are joined with spaces; the text glues the elided
# article to the next word ("pas d'effets", "l'artrosi").
_ELISION = re.compile(r"(?<!\S)([cdjlmnst]|qu)' ")


class RuleError(ValueError):
    """A rule record is malformed."""


def expand_pattern(pattern: str) -> list[str]:
    """Expand `(a|b|)` choices into every plain phrase the pattern stands for."""
    pieces: list[list[str]] = []
    position = 0
    for match in _CHOICE.finditer(pattern):
        pieces.append([pattern[position : match.start()]])
        pieces.append(match.group(1).split("|"))
        position = match.end()
    pieces.append([pattern[position:]])
    if "(" in pattern[position:] or ")" in pattern[position:]:
        raise RuleError(f"unbalanced or nested parentheses in pattern {pattern!r}")
    count = 1
    for options in pieces:
        count *= len(options)
    if count > MAX_EXPANSIONS:
        raise RuleError(f"pattern {pattern!r} expands to {count} phrases (max {MAX_EXPANSIONS})")
    phrases = {
        _ELISION.sub(r"\1'", " ".join("".join(parts).split()))
        for parts in itertools.product(*pieces)
    }
    return sorted(p for p in phrases if p)


def is_claim_phrase_group(group: str) -> bool:
    """Whether a matcher group holds a rule's claim phrases (its `patterns` or an `all_of`
    entry's phrases), not its `unless` phrases (`Rule.groups` names them)."""
    return group.startswith("rule:") and not group.endswith(":unless")


@dataclass(frozen=True)
class RuleGroups:
    """A rule's matcher group names (`Rule.phrase_groups` makes the groups) and, per `all_of`
    entry, its `@product` / `@condition` references."""

    any: str
    unless: str
    regex: str
    all_of: tuple[str, ...]
    references: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: str
    title: str
    description: str
    explanation: str
    references: tuple[str, ...]
    kind: str = "phrase"
    scope: str = "cell_product"
    patterns: tuple[str, ...] = ()
    all_of: tuple[tuple[str, ...], ...] = ()
    regex: tuple[Any, ...] = ()  # RE2 patterns (`compile_linear`)
    window: int = 12
    unless: tuple[str, ...] = ()
    relevance: dict[str, str] = field(default_factory=dict)
    match_examples: tuple[str, ...] = ()
    no_match_examples: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

    def phrase_groups(self) -> list[tuple[str, list[str]]]:
        """(group name, expanded phrases) for the matcher: one group per phrase list."""
        return list(self._phrase_groups)

    @cached_property
    def _phrase_groups(self) -> tuple[tuple[str, list[str]], ...]:
        """Expanded once: when the rule is parsed (to check it) and for the matcher."""
        names = self.groups
        groups: list[tuple[str, list[str]]] = []
        if self.patterns:
            groups.append((names.any, _expand_all(self.patterns)))
        for name, alternatives in zip(names.all_of, self.all_of, strict=True):
            phrases = [a for a in alternatives if not a.startswith("@")]
            if phrases:
                groups.append((name, _expand_all(tuple(phrases))))
        if self.unless:
            groups.append((names.unless, _expand_all(self.unless)))
        return tuple(groups)

    @cached_property
    def groups(self) -> RuleGroups:
        """The names of this rule's matcher groups and its `all_of` lexicon references, built
        once: detectors ask for them on every check."""
        return RuleGroups(
            any=f"rule:{self.id}:any",
            unless=f"rule:{self.id}:unless",
            regex=f"rule:{self.id}:regex",
            all_of=tuple(f"rule:{self.id}:{index}" for index in range(len(self.all_of))),
            references=tuple(
                tuple(a for a in alternatives if a.startswith("@")) for alternatives in self.all_of
            ),
        )

    def as_dict(self) -> dict[str, Any]:
        """The public catalogue entry served by GET /v1/rules."""
        return {
            "id": self.id,
            "category": self.category,
            "severity": self.severity,
            "title": self.title,
            "description": self.description,
            "references": list(self.references),
        }


def _expand_all(patterns: tuple[str, ...]) -> list[str]:
    return sorted({phrase for pattern in patterns for phrase in _expanded(pattern)})


# `expand_pattern`'s answers for the patterns of the rule files loaded, read from what an
# earlier start kept (`_keep_expansions`). The function is pure: a pattern missing here (a rule
# built in a test) is expanded when asked.
_EXPANSIONS: dict[str, list[str]] = {}
# Change when what `_keep_expansions` keeps changes.
_EXPANSIONS_FORMAT = b"rule pattern expansions 2"


def _expanded(pattern: str) -> list[str]:
    known = _EXPANSIONS.get(pattern)
    return expand_pattern(pattern) if known is None else known


def _keep_expansions(records: Any) -> None:
    """Read the expansions of every phrase pattern of `records` (rule records as the YAML file
    holds them) from what an earlier start kept beside the data files, or expand them and keep
    them there (`model.datafiles.kept_derived`): expanding the catalogue's patterns (some
    59,000 phrases) was a tenth of start-up. The key is the patterns (and this package's source,
    which expands them). A pattern that does not expand is left to `parse_rule`, which refuses
    it."""
    patterns: set[str] = set()
    for record in records if isinstance(records, list) else ():
        if not isinstance(record, dict):
            continue
        all_of = record.get("all_of")
        lists = [record.get("patterns"), record.get("unless")]
        lists += all_of if isinstance(all_of, list) else []
        for phrases in lists:
            if isinstance(phrases, list):
                patterns.update(p for p in phrases if isinstance(p, str) and p[:1] != "@")
    ordered = sorted(patterns)

    def derive() -> dict[str, list[str]]:
        expansions: dict[str, list[str]] = {}
        for pattern in ordered:
            try:
                expansions[pattern] = expand_pattern(pattern)
            except RuleError:
                continue
        return expansions

    key = (_EXPANSIONS_FORMAT, marshal.dumps(ordered))
    _EXPANSIONS.update(kept_derived("rule_phrases", key, derive))


@dataclass(frozen=True)
class RuleCatalogue:
    version: str
    rules: tuple[Rule, ...]
    relevance_defaults: dict[str, str] = field(default_factory=dict)

    @cached_property
    def _index(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    def by_id(self) -> dict[str, Rule]:
        return self._index

    def select(self, exclude: frozenset[str]) -> tuple[Rule, ...]:
        """The rules left after excluding rule ids and whole categories."""
        return tuple(r for r in self.rules if r.id not in exclude and r.category not in exclude)

    @cached_property
    def _excludable(self) -> frozenset[str]:
        return frozenset(rule.id for rule in self.rules) | frozenset(CATEGORIES)

    def unknown_exclusions(self, exclude: frozenset[str] | set[str]) -> list[str]:
        return sorted(item for item in exclude if item not in self._excludable)

    @cached_property
    def _regex_keys(self) -> tuple[tuple[str, int], ...]:
        return tuple((rule.id, i) for rule in self.rules for i in range(len(rule.regex)))

    @cached_property
    def regex_set(self) -> PatternSet:
        """Every rule's regular expressions in one RE2 set (built when the checker is)."""
        return PatternSet(tuple(pattern for rule in self.rules for pattern in rule.regex))

    def regexes_matching(self, text: str) -> frozenset[tuple[str, int]] | None:
        """(rule id, index in its `regex`) of each rule regex with a match in `text`, found in
        one pass; None when RE2 could not tell (then each is searched)."""
        found = self.regex_set.matching(text)
        if found is None:
            return None
        keys = self._regex_keys
        return frozenset(keys[i] for i in found)


def _tuple_of_str(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(f"{where} must be a list of non-empty strings")
    return tuple(value)


def compile_linear(pattern: str, where: str) -> Any:
    """Compile a rule's regular expression with RE2, which matches in time linear in the text
    whatever the pattern: no backtracking, so no input can make it slow. Patterns RE2 cannot
    run in linear time (lookarounds, backreferences) are refused when the rules load.

    Python's `re` backtracks even on bounded quantifiers (`[^{}]{0,2000}?` tried at every
    start), so a bound on repetition is no guarantee; the engine is.
    """
    try:
        source = python_classes_for_re2(pattern)
    except ValueError as error:
        raise RuleError(f"{where}: {error}") from error
    options = re2.Options()
    options.log_errors = False  # the RuleError says what is wrong; RE2 would also log it
    try:
        return re2.compile(source, options)
    except re2.error as error:
        raise RuleError(f"{where}: regex {pattern!r} is not RE2 syntax: {error}") from error


def parse_rule(record: dict[str, Any]) -> Rule:
    """Validate one YAML record and build its `Rule`."""
    rule_id = record.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)+", rule_id):
        raise RuleError(f"rule id {rule_id!r} must look like 'family.name'")
    where = f"rule {rule_id}"
    for key in ("category", "severity", "title", "description", "explanation"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise RuleError(f"{where}: '{key}' is required")
    if record["category"] not in CATEGORIES:
        raise RuleError(f"{where}: unknown category {record['category']!r}")
    if record["severity"] not in SEVERITIES:
        raise RuleError(f"{where}: unknown severity {record['severity']!r}")
    kind = record.get("kind", "phrase")
    if kind not in RULE_KINDS:
        raise RuleError(f"{where}: unknown kind {kind!r}")
    scope = record.get("scope", "cell_product")
    if scope not in SCOPES:
        raise RuleError(f"{where}: unknown scope {scope!r}")
    patterns = _tuple_of_str(record.get("patterns"), f"{where}: patterns")
    regex = tuple(compile_linear(r, where) for r in _tuple_of_str(record.get("regex"), where))
    all_of_raw = record.get("all_of") or []
    if not isinstance(all_of_raw, list):
        raise RuleError(f"{where}: all_of must be a list of lists")
    all_of = tuple(_tuple_of_str(g, f"{where}: all_of group") for g in all_of_raw)
    if kind == "phrase" and bool(all_of) == bool(patterns or regex):
        raise RuleError(
            f"{where}: a phrase rule needs 'patterns' or 'regex' (or both), or else 'all_of'"
        )
    if all_of and len(all_of) < 2:
        raise RuleError(f"{where}: all_of needs at least two groups")
    examples = record.get("examples") or {}
    relevance = record.get("relevance") or {}
    if not isinstance(relevance, dict):
        raise RuleError(f"{where}: relevance must map reference ids to sentences")
    known = {
        "id",
        "category",
        "severity",
        "title",
        "description",
        "explanation",
        "references",
        "kind",
        "scope",
        "patterns",
        "all_of",
        "regex",
        "window",
        "unless",
        "relevance",
        "examples",
        "options",
    }
    extra = set(record) - known
    if extra:
        raise RuleError(f"{where}: unknown keys {sorted(extra)}")
    rule = Rule(
        id=rule_id,
        category=record["category"],
        severity=record["severity"],
        title=record["title"].strip(),
        description=" ".join(record["description"].split()),
        explanation=" ".join(record["explanation"].split()),
        references=_tuple_of_str(record.get("references"), f"{where}: references"),
        kind=kind,
        scope=scope,
        patterns=patterns,
        all_of=all_of,
        regex=regex,
        window=int(record.get("window", 12)),
        unless=_tuple_of_str(record.get("unless"), f"{where}: unless"),
        relevance={str(k): " ".join(str(v).split()) for k, v in relevance.items()},
        match_examples=_tuple_of_str(examples.get("match"), f"{where}: examples.match"),
        no_match_examples=_tuple_of_str(examples.get("no_match"), f"{where}: examples.no_match"),
        options=dict(record.get("options") or {}),
    )
    for group, phrases in rule.phrase_groups():
        if not phrases:
            raise RuleError(f"{where}: {group} expands to no phrase")
    for alternatives in rule.all_of:
        for item in alternatives:
            if item.startswith("@") and not LEXICON_REFERENCE.fullmatch(item):
                raise RuleError(f"{where}: bad lexicon reference {item!r}")
    near = rule.options.get("near_product")
    if near not in (None, "sentence", "section"):
        raise RuleError(f"{where}: options.near_product must be 'sentence' or 'section'")
    return rule


def with_phrase_sets(data: dict[str, Any]) -> list[Any]:
    """The file's rule records, copied, with each "@phrases:<name>" entry of a `patterns`,
    `unless` or `all_of` list replaced where it stands by the phrases of the file's
    `phrase_sets` entry `name` (the file's data is not changed).

    A set is written once and shared by the rules it serves (the words of a controlled study
    cancel several rules' claims; "safe for mother and baby" cancels three safety rules). Sets
    hold patterns, never another set; a set nothing uses and a name no set has are errors."""
    sets_raw = data.get("phrase_sets") or {}
    if not isinstance(sets_raw, dict):
        raise RuleError("phrase_sets must map names to lists of phrases")
    sets: dict[str, tuple[str, ...]] = {}
    for name, phrases in sets_raw.items():
        where = f"phrase set {name!r}"
        if not isinstance(name, str) or not PHRASE_SET_NAME.fullmatch(name):
            raise RuleError(f"{where}: a name is lower case letters, digits and '_'")
        sets[name] = _tuple_of_str(phrases, where)
        if not sets[name] or any(p.startswith("@") for p in sets[name]):
            raise RuleError(f"{where}: a set lists one or more phrases, and no reference")
    used: set[str] = set()

    def resolved(values: Any, where: str) -> Any:
        if not isinstance(values, list):
            return values
        out: list[Any] = []
        for value in values:
            found = PHRASE_SET_REFERENCE.fullmatch(value) if isinstance(value, str) else None
            if found is None:
                out.append(value)
            elif found.group(1) in sets:
                used.add(found.group(1))
                out.extend(sets[found.group(1)])
            else:
                raise RuleError(f"{where}: no phrase set named {found.group(1)!r}")
        return out

    records: list[Any] = []
    for record in data.get("rules") or []:
        if not isinstance(record, dict):
            records.append(record)
            continue
        where = f"rule {record.get('id')}"
        record = dict(record)
        for key in ("patterns", "unless"):
            if key in record:
                record[key] = resolved(record[key], where)
        if isinstance(record.get("all_of"), list):
            record["all_of"] = [resolved(group, where) for group in record["all_of"]]
        records.append(record)
    unused = sorted(set(sets) - used)
    if unused:
        raise RuleError(f"phrase sets no rule uses: {unused}")
    return records


def load_rules(path: Path = RULES_PATH) -> RuleCatalogue:
    data = read_yaml(path)
    extra = set(data) - FILE_KEYS
    if extra:
        raise RuleError(f"rules file: unknown keys {sorted(extra)}")
    records = with_phrase_sets(data)
    _keep_expansions(records)
    rules = tuple(parse_rule(record) for record in records)
    ids = [rule.id for rule in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuleError(f"duplicate rule ids: {duplicates}")
    defaults = {
        str(k): " ".join(str(v).split()) for k, v in (data.get("relevance_defaults") or {}).items()
    }
    return RuleCatalogue(version=str(data["version"]), rules=rules, relevance_defaults=defaults)
