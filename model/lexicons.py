"""Loads the lexicon data files into lookup tables and matcher phrases.

Files (all under `model/data/`): `products.yaml` (cell products, FDA-approved products and
legitimate procedures), `conditions.yaml` (canonical condition names with MeSH ids, groups,
lay names and abbreviations) and `context_cues.yaml` (critical, informational, negation,
free-trial, disclosure and promotional cues) hold the entries, with their English terms (and the
first Spanish ones). `page_cues.yaml` holds the page judgement's cue families by language.

`conditions_open.yaml` is the open condition vocabulary, generated from ICD-10-CM by
`training/condition_vocabulary.py`: more conditions (their `code` a MeSH id reached through the
Human Disease Ontology, or null) and more synonyms of curated ones (`extends: true`). The curated
file stays the authority: an open entry never renames, recodes or regroups a curated condition.

`languages/<code>.yaml` gives each entry its terms in one more language; the entries, their
ids, labels and canonical English names stay those of the shared files, so a condition named in
any language maps to the same canonical name and MeSH id:

```yaml
language: pt                  # ISO 639-1, the file's name
name: "Portuguese"
version: "2026.12.02.1"
suffixes: ["", "ler"]         # optional: endings appended to every product and condition term
                              # (languages that write case endings onto the noun)
open_endings: false           # optional: true matches product and condition terms (of four
                              # characters or more) as the start of a word, whatever endings
                              # follow ("kok hucre" in "kok hucrelerimiz"): for languages whose
                              # endings are too many to list
products: {stem_cells_generic: ["celulas tronco"]}      # keys of products.yaml `products`
approved: {hsct: ["transplante de medula ossea"]}        # approved products, legitimate
                                                         # procedures, not-cell products
conditions: {"multiple sclerosis": ["esclerose multipla"]}   # canonical names
cues: {critical: ["nao ha evidencias"]}                  # CUE_KINDS
abbreviations: {"chronic obstructive pulmonary disease": ["DPOC"]}   # optional
false_friends: [dor]          # optional: lexicon terms or English page cues that are a word of
                              # this language with another meaning, set aside on its pages
rule_false_friends: [cura]    # optional: likewise for phrases of the claim rules (checked
                              # against the rule catalogue when the checker is built)
```

`abbreviations:` maps canonical condition names to abbreviations matched case-sensitively and
as written (no suffixes): "SLA" for ALS in Italian, French and Polish. Each must hold an
upper-case letter, so that it never matches the lower-case word it might also spell; list only
abbreviations that are no common word in any language read on these pages ("EM", "SEP", "TEA"
are left out for that reason: see the language files).

Unknown keys, entries or cue kinds are refused when the lexicons load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast, get_args

from model.datafiles import read_yaml
from model.language import UNDETERMINED
from model.matcher import (
    APPROVED_GROUP,
    COMPOSED_HEAD_GROUP,
    COMPOSED_SOURCE_GROUP,
    CONDITION_GROUP,
    FALSE_FRIEND_GROUP,
    PRODUCT_GROUP,
    RULE_FALSE_FRIEND_GROUP,
    Phrase,
    PhraseMatcher,
)
from model.normalise import fold_terms, fold_text
from model.rules import is_claim_phrase_group

DATA_DIR = Path(__file__).parent / "data"
OPEN_CONDITIONS_FILENAME = "conditions_open.yaml"
OPEN_CONDITION_KEYS = frozenset({"name", "label", "icd10cm", "extends", "mesh", "group", "terms"})
LANGUAGES_DIRNAME = "languages"
LANGUAGE_FILE_KEYS = frozenset(
    {
        "false_friends",
        "rule_false_friends",
        "language",
        "name",
        "version",
        "suffixes",
        "products",
        "approved",
        "conditions",
        "cues",
        "abbreviations",
        "open_endings",
    }
)
# Open-ended terms must be at least this long (letters and spaces): a short one would start too
# many other words.
MIN_OPEN_TERM = 4
# The kinds of context cue (`context_cues.yaml`, `cues:` of a language file) and the page cue
# families (`page_cues.yaml`): a file naming another is refused. Code reads a kind's mentions
# as `Document.cues(kind)` and a family's as `Document.page_cues(family)`, so a misspelt one is
# a type error.
CueKind = Literal[
    "critical",
    "informational",
    "prognosis",
    "own_voice",
    "negation",
    "free_trial",
    "disclosure",
    "promotional",
    "adverse",
    "veterinary",
    "other_treatment",
    "claimed_effect",
]
CUE_KINDS: tuple[CueKind, ...] = get_args(CueKind)
PageFamily = Literal[
    "provider_voice",
    "offer",
    "call_to_action",
    "booking",
    "protocol",
    "own_patients",
    "attribution",
    "third_party",
    "research",
    "registry",
    "news",
    "cosmetic",
    "plant_source",
    "first_person_plural",
    "second_person",
    "money_reported",
]
PAGE_FAMILIES: tuple[PageFamily, ...] = get_args(PageFamily)
# Their matcher groups.
CUE_GROUPS: dict[CueKind, str] = {kind: f"cue:{kind}" for kind in CUE_KINDS}
PAGE_CUE_GROUPS: dict[PageFamily, str] = {family: f"page:{family}" for family in PAGE_FAMILIES}
# The lexicons' own groups, and the mentions a language file's `false_friends` may set aside
# (`model.analysis`; checked at load by `_check_false_friends`): lexicon terms and page cues.
LEXICON_GROUPS = frozenset({PRODUCT_GROUP, APPROVED_GROUP, CONDITION_GROUP})
FALSE_FRIEND_TARGETS = LEXICON_GROUPS | frozenset(PAGE_CUE_GROUPS.values())
# A language file's lists of false friends, and the matcher group each list's phrases go in:
# `false_friends` set aside lexicon terms and page cues, `rule_false_friends` claim-rule phrases.
FRIEND_LISTS = {"false_friends": FALSE_FRIEND_GROUP, "rule_false_friends": RULE_FALSE_FRIEND_GROUP}


class LexiconError(ValueError):
    """A lexicon data file is malformed or names an entry that does not exist."""


@dataclass(frozen=True)
class Product:
    key: str
    id: str
    label: str
    autologous: bool | None
    # Conditions for which this source of cells is standard care (blood-forming stem cells
    # by transplant for blood cancers): naming the two together is not a red flag.
    legitimate_for: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ApprovedUse:
    """An FDA-approved product or an established procedure and what it is approved for."""

    key: str
    name: str
    product_id: str
    approved_conditions: frozenset[str]
    note: str
    cover_only: bool = False  # shields its conditions, never stands for a marketed product


@dataclass(frozen=True)
class Condition:
    name: str
    mesh: str | None
    group: str
    icd10cm: str | None = None  # set on conditions of the open vocabulary only
    # The name as prose writes it, where that is not the lower-case canonical name
    # ("Alzheimer's disease", "Sjögren's syndrome", "COVID-19"): titles and explanations.
    label: str | None = None

    @property
    def display(self) -> str:
        return self.label or self.name

    @property
    def code(self) -> str | None:
        return f"MeSH:{self.mesh}" if self.mesh else None


@dataclass(frozen=True)
class SourceAfterHead:
    """How a composed product is named head first: one of `heads`, then within `window` words
    of the same sentence one of `linking_words` and the source."""

    heads: frozenset[str]
    linking_words: frozenset[str]
    window: int


@dataclass(frozen=True)
class Lexicons:
    version: str
    products: dict[str, Product]
    approved: dict[str, ApprovedUse]
    conditions: dict[str, Condition]
    phrases: tuple[Phrase, ...]
    composed_window: int = 3
    # Source key -> the head words that may follow it ("fat" + "stem cells"). Every head is one
    # phrase of the `composed:head` group, found once whatever the number of sources using it.
    composed_heads: dict[str, frozenset[str]] = field(default_factory=dict)
    # The same products named head first ("cells taken from your bone marrow").
    composed_source_after: SourceAfterHead | None = None
    # The page cue families of `page_cues.yaml` (matched as `PAGE_CUE_GROUPS`), and the
    # languages each family has phrases in.
    page_families: dict[PageFamily, tuple[str, ...]] = field(default_factory=dict)
    # Languages with a `languages/<code>.yaml` file, and their number of terms.
    languages: dict[str, int] = field(default_factory=dict)


def page_cue_key(family: str, languages: Iterable[str]) -> str:
    """The matcher key of a page cue: its family and every language it is a cue in
    ("second_person@es+fr" for "tu")."""
    return f"{family}@{'+'.join(sorted(languages))}"


def page_cue_languages(key: str) -> list[str]:
    """The languages a page cue with matcher `key` is a cue in."""
    return key.partition("@")[2].split("+")


def page_cue_counts(key: str, language: str | None) -> bool:
    """Whether a page cue with matcher `key` counts on a page in `language`: a cue of that
    language or of English (English phrases stand on pages in any language: "contact us",
    "book now"), or any cue where the language is unknown. Italian "noi" (we) is Vietnamese
    "nói" (to say) folded, Spanish "tu" (you) Vietnamese "tự" and "từ": on a Vietnamese page
    they counted a provider's voice in every other sentence."""
    if language is None or language == UNDETERMINED:
        return True
    languages = page_cue_languages(key)
    return language in languages or "en" in languages


def _page_cue_phrases(family: PageFamily, by_language: Mapping[str, list[str]]) -> list[Phrase]:
    """One phrase per folded cue, keyed by its family and all its languages: the matcher keeps
    one of several keys on the same span, so a cue two languages share carries both."""
    languages_of: dict[str, set[str]] = defaultdict(set)
    written: dict[str, str] = {}
    for language, cues in by_language.items():
        for cue, folded in zip(cues, fold_terms(cues), strict=True):
            languages_of[folded].add(language)
            written.setdefault(folded, cue)
    return [
        Phrase(PAGE_CUE_GROUPS[family], page_cue_key(family, languages), written[folded])
        for folded, languages in sorted(languages_of.items())
    ]


def _read(path: Path) -> dict[str, Any]:
    return read_yaml(path)


_NUMBER_PAIRS = (
    ("cells", "cell"),
    ("injections", "injection"),
    ("infusions", "infusion"),
    ("therapies", "therapy"),
    ("treatments", "treatment"),
    ("shots", "shot"),
    ("products", "product"),
    ("procedures", "procedure"),
    ("protocols", "protocol"),
)


def inflections(term: str) -> set[str]:
    """The term and its other grammatical number ("placental cells" -> "placental cell").

    Ads say "regenerative cell injections" as often as "regenerative cells": with the singular
    head listed, the longer phrase matches through it.
    """
    forms = {term}
    head, _, last = term.rpartition(" ")
    for plural, singular in _NUMBER_PAIRS:
        if last == plural:
            forms.add(f"{head} {singular}".strip())
        elif last == singular:
            forms.add(f"{head} {plural}".strip())
    return forms


def _phrases(
    group: str, key: str, record: dict[str, Any], *, inflect: bool = False
) -> list[Phrase]:
    terms = record.get("terms") or []
    if inflect:
        terms = sorted({form for term in terms for form in inflections(term)})
    phrases = [Phrase(group, key, term) for term in terms]
    phrases += [Phrase(group, key, term, True) for term in record.get("abbreviations") or []]
    return phrases


def _label(record: dict[str, Any], where: str) -> str | None:
    """A condition's `label`: its name as prose writes it, which must fold to the name."""
    label = record.get("label")
    if label is not None and fold_terms([label]) != fold_terms([record["name"]]):
        raise LexiconError(f"{where}: {record['name']}: label {label!r} is not the name")
    return label


def _read_open_conditions(path: Path) -> dict[str, Any]:
    return _read(path) if path.exists() else {"version": "0", "conditions": []}


def _open_conditions(data: dict[str, Any], conditions: dict[str, Condition]) -> list[Phrase]:
    """Adds the open vocabulary's conditions to `conditions` (curated ones already in it) and
    returns the phrases of all its terms. An `extends` record must name a curated condition; any
    other record must not (the curated entry would be shadowed)."""
    curated = set(conditions)
    phrases: list[Phrase] = []
    for record in data["conditions"]:
        name = record["name"]
        unknown = set(record) - OPEN_CONDITION_KEYS
        if unknown:
            raise ValueError(f"{OPEN_CONDITIONS_FILENAME}: {name}: unknown keys {sorted(unknown)}")
        if record.get("extends"):
            if name not in curated:
                raise ValueError(f"{OPEN_CONDITIONS_FILENAME}: extends unknown condition {name!r}")
        elif name in conditions:
            raise ValueError(f"{OPEN_CONDITIONS_FILENAME}: {name!r} is defined twice")
        else:
            conditions[name] = Condition(
                name=name,
                mesh=record.get("mesh"),
                group=record["group"],
                icd10cm=record["icd10cm"],
                label=_label(record, OPEN_CONDITIONS_FILENAME),
            )
        phrases += [Phrase(CONDITION_GROUP, name, term) for term in record["terms"]]
    return phrases


def load_lexicons(data_dir: Path = DATA_DIR) -> Lexicons:
    products_data = _read(data_dir / "products.yaml")
    conditions_data = _read(data_dir / "conditions.yaml")
    cues_data = _read(data_dir / "context_cues.yaml")
    phrases: list[Phrase] = []

    products: dict[str, Product] = {}
    for record in products_data["products"]:
        products[record["key"]] = Product(
            key=record["key"],
            id=record["id"],
            label=record["label"],
            autologous=record.get("autologous"),
            legitimate_for=frozenset(record.get("legitimate_for") or ()),
        )
        phrases += _phrases(PRODUCT_GROUP, record["key"], record, inflect=True)

    approved: dict[str, ApprovedUse] = {}
    for section in ("approved_products", "legitimate_procedures"):
        for record in products_data.get(section) or []:
            approved[record["key"]] = ApprovedUse(
                key=record["key"],
                name=record["name"],
                product_id=record.get("product_id") or "other",
                approved_conditions=frozenset(record.get("approved_conditions") or ()),
                note=record.get("note") or "",
                cover_only=bool(record.get("cover_only", False)),
            )
            phrases += _phrases(APPROVED_GROUP, record["key"], record)

    for record in products_data.get("not_cell_products") or []:
        approved[record["key"]] = ApprovedUse(
            key=record["key"],
            name=record["name"],
            product_id="other",
            approved_conditions=frozenset(),
            note="not a human cell product",
            cover_only=True,
        )
        phrases += _phrases(APPROVED_GROUP, record["key"], record)

    composed = products_data.get("composed_products") or {}
    composed_heads: dict[str, frozenset[str]] = {}
    for record in composed.get("sources") or []:
        products[record["key"]] = Product(
            key=record["key"],
            id=record["id"],
            label=record["label"],
            autologous=None,
            legitimate_for=frozenset(record.get("legitimate_for") or ()),
        )
        phrases += [Phrase(COMPOSED_SOURCE_GROUP, record["key"], t) for t in record["terms"]]
        heads = record.get("heads") or composed.get("heads") or []
        phrases += [Phrase(COMPOSED_HEAD_GROUP, h, h) for h in heads]
        composed_heads[record["key"]] = frozenset(heads)
    source_after = None
    if composed.get("heads_before"):
        source_after = SourceAfterHead(
            heads=frozenset(composed["heads_before"]),
            linking_words=frozenset(composed["from_words"]),
            window=int(composed["from_window"]),
        )
        phrases += [Phrase(COMPOSED_HEAD_GROUP, h, h) for h in composed["heads_before"]]

    conditions: dict[str, Condition] = {}
    for record in conditions_data["conditions"]:
        conditions[record["name"]] = Condition(
            name=record["name"],
            mesh=record.get("mesh"),
            group=record["group"],
            label=_label(record, "conditions.yaml"),
        )
        phrases += _phrases(CONDITION_GROUP, record["name"], record)

    open_data = _read_open_conditions(data_dir / OPEN_CONDITIONS_FILENAME)
    phrases += _open_conditions(open_data, conditions)

    for kind in CUE_KINDS:
        for cue in cues_data.get(kind) or []:
            phrases.append(Phrase(CUE_GROUPS[kind], kind, cue))

    language_phrases, language_versions, languages = _language_phrases(
        data_dir / LANGUAGES_DIRNAME, set(products), set(approved), set(conditions)
    )
    phrases += language_phrases

    page_cues_data = _read(data_dir / "page_cues.yaml")
    unknown_sections = set(page_cues_data) - {"version", "families"}
    if unknown_sections:
        raise LexiconError(f"page_cues.yaml: unknown keys {sorted(unknown_sections)}")
    page_families: dict[PageFamily, tuple[str, ...]] = {}
    for name, by_language in page_cues_data["families"].items():
        if name not in PAGE_CUE_GROUPS:
            raise LexiconError(f"page_cues.yaml: unknown family {name!r} (PAGE_FAMILIES)")
        family = cast(PageFamily, name)
        page_families[family] = tuple(sorted(by_language))
        phrases += _page_cue_phrases(family, by_language)

    _check_false_friends(phrases)
    version = "+".join(
        str(d.get("version", "0"))
        for d in (products_data, conditions_data, open_data, cues_data, page_cues_data)
    )
    if language_versions:
        version += f"+languages.{max(language_versions)}"
    return Lexicons(
        version=version,
        products=products,
        approved=approved,
        conditions=conditions,
        phrases=tuple(phrases),
        composed_window=int(composed.get("window", 3)),
        composed_heads=composed_heads,
        composed_source_after=source_after,
        page_families=page_families,
        languages=languages,
    )


def _check_false_friends(phrases: list[Phrase]) -> None:
    """A language file's `false_friends` must each be a product, approved or condition term or
    an English page cue (folded alike): one that is none would never drop anything, and is a
    slip; and no page cue of that language, which it would drop on the language's own pages."""
    friends = [p for p in phrases if p.group == FALSE_FRIEND_GROUP]
    if not friends:
        return
    terms: set[str] = set()
    # A page cue of the friend's own language is no false friend there: it would drop itself.
    own_cues: set[tuple[str, str]] = set()
    # Folding keeps a word's length within a character or two: only phrases of about a false
    # friend's length are folded, once, to be compared (the lexicons hold some 65,000 phrases).
    lengths = {n for p in friends for n in range(len(p.text) - 2, len(p.text) + 3)}
    nearby = [p for p in phrases if len(p.text) in lengths and p.group in FALSE_FRIEND_TARGETS]
    for phrase, folded in zip(nearby, fold_terms([p.text for p in nearby]), strict=True):
        if phrase.group in LEXICON_GROUPS:
            terms.add(folded)
            continue
        languages = page_cue_languages(phrase.key)
        if "en" in languages:
            terms.add(folded)
        own_cues.update((language, folded) for language in languages)
    for phrase in friends:
        for language in phrase.key.split("+"):
            if phrase.text not in terms or (language, phrase.text) in own_cues:
                raise LexiconError(
                    f"languages/{language}.yaml: false_friends: {phrase.text!r} must be a "
                    f"lexicon term or an English page cue, and not a page cue in {language}"
                )


def check_rule_false_friends(phrases: Iterable[Phrase], matcher: PhraseMatcher) -> None:
    """A language file's `rule_false_friends` must each be a phrase of a claim rule (its
    `patterns` or an `all_of` entry, folded alike): one that is none would never drop anything.
    Checked when the checker is built, with its matcher (the lexicons load without the rules):
    the friend, read as a page, must be matched whole by a claim rule's phrase. The matcher
    has folded every phrase already (and keeps them), so nothing is folded again here."""
    for phrase in phrases:
        if phrase.group != RULE_FALSE_FRIEND_GROUP:
            continue
        groups = {
            m.group
            for m in matcher.find(fold_text(phrase.text))
            if (m.start, m.end) == (0, len(phrase.text))
        }
        if not any(map(is_claim_phrase_group, groups)):
            files = ", ".join(f"languages/{code}.yaml" for code in phrase.key.split("+"))
            raise LexiconError(
                f"{files}: rule_false_friends: {phrase.text!r} must be a phrase of a claim rule"
            )


def _terms_of(entries: Any, known: set[str], where: str) -> dict[str, list[str]]:
    """A language file's `{entry: [terms]}` section, checked against the known entries."""
    if entries is None:
        return {}
    if not isinstance(entries, dict):
        raise LexiconError(f"{where} must map entries to lists of terms")
    for entry, terms in entries.items():
        if entry not in known:
            raise LexiconError(f"{where}: unknown entry {entry!r}")
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            raise LexiconError(f"{where}: {entry!r} must be a list of non-empty terms")
    return entries


def _language_phrases(
    directory: Path, products: set[str], approved: set[str], conditions: set[str]
) -> tuple[list[Phrase], list[str], dict[str, int]]:
    """The phrases of every `languages/<code>.yaml`, their versions, and terms per language."""
    phrases: list[Phrase] = []
    versions: list[str] = []
    languages: dict[str, int] = {}
    # Per friends' list (`FRIEND_LISTS`), each folded friend -> the languages listing it.
    friend_languages: dict[str, dict[str, set[str]]] = {
        key: defaultdict(set) for key in FRIEND_LISTS
    }
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        data = _read(path)
        where = f"{directory.name}/{path.name}"
        unknown = set(data) - LANGUAGE_FILE_KEYS
        if unknown:
            raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
        if data.get("language") != path.stem:
            raise LexiconError(f"{where}: 'language' must be {path.stem!r}")
        suffixes = data.get("suffixes") or [""]
        if not all(isinstance(s, str) for s in suffixes):
            raise LexiconError(f"{where}: suffixes must be strings")
        open_endings = data.get("open_endings", False)
        if not isinstance(open_endings, bool):
            raise LexiconError(f"{where}: open_endings must be true or false")
        count = len(phrases)
        for group, section, known in (
            (PRODUCT_GROUP, "products", products),
            (APPROVED_GROUP, "approved", approved),
            (CONDITION_GROUP, "conditions", conditions),
        ):
            # Suffixes inflect nouns: they apply to products and conditions, not to approved
            # names, which are matched as written.
            endings = suffixes if group != APPROVED_GROUP else [""]
            open_end = open_endings and group != APPROVED_GROUP
            for key, terms in _terms_of(data.get(section), known, f"{where} {section}").items():
                phrases += [
                    Phrase(
                        group,
                        key,
                        term + ending,
                        open_end=open_end and len(term) >= MIN_OPEN_TERM,
                    )
                    for term in terms
                    for ending in endings
                ]
        abbreviations = _terms_of(data.get("abbreviations"), conditions, f"{where} abbreviations")
        for name, terms in abbreviations.items():
            if any(term == term.lower() for term in terms):
                raise LexiconError(f"{where} abbreviations: {name!r} needs upper-case letters")
            phrases += [Phrase(CONDITION_GROUP, name, term, True) for term in terms]
        cues = _terms_of(data.get("cues"), set(CUE_KINDS), f"{where} cues")
        for kind, terms in cues.items():
            phrases += [Phrase(CUE_GROUPS[cast(CueKind, kind)], kind, term) for term in terms]
        for key in FRIEND_LISTS:
            friends = data.get(key) or []
            if not all(isinstance(term, str) for term in friends):
                raise LexiconError(f"{where}: {key} must be a list of terms")
            for folded in fold_terms(friends):
                friend_languages[key][folded].add(path.stem)
        versions.append(str(data.get("version", "0")))
        languages[path.stem] = len(phrases) - count
    # One phrase per false friend, keyed by every language listing it (the matcher keeps one key
    # of several on the same span: folded, Portuguese "dói" and Vietnamese "dõi" are one "doi").
    phrases += [
        Phrase(group, "+".join(sorted(codes)), folded)
        for key, group in FRIEND_LISTS.items()
        for folded, codes in sorted(friend_languages[key].items())
    ]
    return phrases, versions, languages
