"""The page judgement's features: named, inspectable quantities the project computes itself.

Who speaks and whether they offer (provider voice, offers, calls to action, prices, contact
details, protocol talk, "our patients"), against reporting (attribution, quotation, third-person
talk of clinics, study design, registry fields, citations, news furniture, critical stance),
plus the claims found, the approved products named and the sentence classifier's statistics.
The provider's voice, the reader addressed and offer verbs count only in the page's own voice:
not inside quotation marks, not in a sentence that attributes its words (`ReportedSpeech`).
Features count sentences (log(1 + n); a share only of a page of ten sentences or more); a
reporting sentence is credited to one source only, and a critic's or reporter's stance counts
from its second sentence (on a page of one sentence, from its first). How often a page names a
cell product is no feature: an encyclopedia names its subject as often as a clinic does. Each
feature declares the direction its coefficient may take
(`Feature.direction`), which `training/page_model.py` enforces; `model/page.py` judges with them.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from model.analysis import Document
from model.characters import is_word_character
from model.lexicons import CueKind, PageFamily, page_cue_languages
from model.linear_regex import NOT_WORD_OR_END, LinearPattern
from model.matcher import Mention
from model.report import Flag, Span

# A missing disclosure is the absence of a sentence, not a claim: a disclaimer appended to an ad
# removes it, and must not make the page read as less of an ad.
NOT_CLAIMS = frozenset({"missing_disclosure"})
DANGEROUS_CATEGORIES = frozenset(
    {"medication_discontinuation", "regulatory_misrepresentation", "pay_to_participate"}
)

# RE2 patterns (`model.linear_regex`): linear in the text. Each keeps the meaning the `re`
# pattern had; where that had `\b` before a word, the group is checked for `re`'s word boundary
# (`word_start_groups`), and `\b` after a word is a consumed non-word character or the end.
# Prices: a currency sign or code before or after the figure, in the currencies of the pages'
# languages (roubles, hryvnias, zloty, koruna, lira, dirhams, riyals, Egyptian pounds, dong,
# rupiah, yen, yuan, won, francs); CJK units are written straight after the figure.
_PRICE_SIGNS = "$\u20ac\u00a3\u00a5\u20a9\u20b9\u20bd\u20ba\u20ab"
_PRICE_SIGNS_AFTER = "$\u20ac\u00a3\u20bd\u20ba\u20ab"
_PRICE_CODES_BEFORE = (
    r"usd|eur|gbp|mxn|cad|aud|us\$|r\$|rp\.?|idr|chf|pln|czk|aed|sar|egp|vnd|rub|inr"
)
_PRICE_UNITS_AFTER = (
    "usd|eur|dollars|euros|pesos|reais|rubles|roubles|\u0440\u0443\u0431|"
    "\u0440\u0443\u0431\u043b\u0435\u0439|\u0433\u0440\u043d|z\u0142|zl|pln|k\u010d|"
    "czk|tl|lira|aed|dirham|dirhams|\u062f\u0631\u0647\u0645|\u0631\u064a\u0627\u0644|"
    "\u062c\u0646\u064a\u0647|vnd|\u0111\u1ed3ng|dong|idr|rupiah|yen|yuan|won|chf|francs"
)
_PRICE_UNITS_JOINED = "\u4e07\u5186|\u5186|\u4e07\u5143|\u842c\u5143|\u5143|\ub9cc\uc6d0|\uc6d0"
_PRICE = LinearPattern(
    f"([{_PRICE_SIGNS}]\\s?\\d[\\d.,]{{0,12}})"
    rf"|\b((?:{_PRICE_CODES_BEFORE})\s?\d[\d.,]{{0,12}})"
    f"|(\\d[\\d.,]{{0,12}}\\s?[{_PRICE_SIGNS_AFTER}])"
    rf"|(\d[\d.,]{{0,12}}\s?(?:{_PRICE_UNITS_AFTER})){NOT_WORD_OR_END}"
    rf"|(\d[\d.,]{{0,12}}\s?(?:{_PRICE_UNITS_JOINED}))",
    ignore_case=True,
    word_start_groups=frozenset({2, 3, 4, 5}),
)
_PHONE = LinearPattern(r"\+?\(?\d{1,4}\)?[ .\-]\d{2,4}[ .\-]\d{3,4}(?:[ .\-]\d{2,4})?")
_NCT = LinearPattern(rf"\b(NCT\d{{8}}){NOT_WORD_OR_END}", word_start_groups=frozenset({1}))
# A citation: "et al", a DOI, a numbered reference, a year in brackets, or a journal's volume
# and issue ("Vol 12", "7(2): e1043", "12(3):45"). A DOI is read with its "10." prefix
# ("doi:10.1038", "doi.org/10.1016"): folded, Portuguese "dói" (it hurts), Vietnamese "dõi" and
# Romanian "doi" (two) are "doi" too.
_CITATION = LinearPattern(
    rf"\b(et al){NOT_WORD_OR_END}|\b(doi(?:\.org)?:?\s?10\.\d)|(\[\d{{1,3}}\])|(\(\d{{4}}\))"
    rf"|\b(vol\.?\s?\d{{1,4}}){NOT_WORD_OR_END}|(\d{{1,4}}\(\d{{1,3}}\):\s?e?\d{{1,6}})",
    ignore_case=True,
    word_start_groups=frozenset({1, 2, 5}),
)
# The marks that open or close a quotation (folding straightens the curly ones).
QUOTATION_MARKS = '"\u201c\u201d\u00ab\u00bb\u201e'
# Quotation marks (a quotation closes on the line it opens on).
_QUOTE_MARKS = LinearPattern('["\u201c\u201d\u201e\u00ab\u00bb\u300c\u300d\u300e\u300f]')
_CJK_QUOTE_CLOSERS = {"\u300c": "\u300d", "\u300e": "\u300f"}
# The longest quotation read as one: beyond it a lone mark does not make a page's prose quoted.
QUOTATION_LIMIT = 400
_DATELINE = LinearPattern(
    r"^[A-Z][A-Z .'-]{2,30}(?:\([A-Z]{2,10}\))?\s?[-" "\u2013\u2014" r"]\s", multiline=True
)


@dataclass(frozen=True)
class FeatureValue:
    value: float
    evidence: Span | None = None


@dataclass(frozen=True)
class PageInputs:
    """What the page stage reads: the analysed document, the claims every detector found, and
    the sentence classifier's violative probabilities of the body sentences."""

    document: Document
    claims: list[Flag]
    sentence_probabilities: list[float] | None  # None: the checker runs without a classifier
    # Where the seen text ends (html: text after it is of undecided visibility). Undecided text
    # may add to the offer, never to the report: it cannot make a page informational.
    seen_length: int | None = None

    @cached_property
    def body_sentences(self) -> int:
        """The page's sentences that are not headings (at least 1), counted once per page."""
        return max(1, sum(1 for s in self.document.sentences if not s.is_heading))

    @cached_property
    def reporting(self) -> dict[str, tuple[set[int], Span | None]]:
        """Per reporting source, the sentences it is the first of `REPORTING_SOURCES` to hit,
        and its first evidence. A sentence is one piece of evidence: a line that reads as a
        critic, a study and a quotation at once counts once, for the first of these."""
        taken: set[int] = set()
        found: dict[str, tuple[set[int], Span | None]] = {}
        seen = len(self.document.text) if self.seen_length is None else self.seen_length
        for name, locate in REPORTING_SOURCES:
            spans = [span for span in locate(self.document) if span.start < seen]
            sentences = {self.document.sentence_at(span.start) for span in spans} - taken
            taken |= sentences
            found[name] = (sentences, spans[0] if spans else None)
        return found

    @cached_property
    def reported(self) -> ReportedSpeech:
        """The page's quotations and attributed sentences, in the seen text."""
        document = self.document
        seen = len(document.text) if self.seen_length is None else self.seen_length
        quotations = Quotations.of(document.text[:seen])
        attributed = frozenset(
            document.sentence_at(span.start)
            for span in _family_spans("attribution")(document)
            if span.start < seen
        )
        return ReportedSpeech(quotations, attributed)


# --- features ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quotations:
    """A text's quotations, in order: from an opening quotation mark to the mark that closes it
    on the same line, at most `QUOTATION_LIMIT` characters on. Straight and curly double quotes
    and guillemets alternate (open, close); Japanese and Chinese corner brackets pair by kind.

    A paragraph that opens with a mark it does not close is a quotation to its end: quoting
    someone over several paragraphs, a reporter opens each with the mark and closes only the
    last."""

    spans: list[Span]
    starts: list[int]

    @classmethod
    def of(cls, text: str) -> Quotations:
        spans: list[Span] = []
        opened_at, closer = -1, ""
        for start, _ in _QUOTE_MARKS.finditer(text):
            mark = text[start]
            if opened_at >= 0 and (
                start - opened_at > QUOTATION_LIMIT or text.find("\n", opened_at, start) >= 0
            ):
                spans.extend(_unclosed_paragraph(text, opened_at))
                opened_at = -1
            if opened_at >= 0:
                if mark == closer or (not closer and mark not in _CJK_QUOTE_CLOSERS):
                    spans.append(Span(opened_at, start + 1))
                    opened_at = -1
            elif mark in _CJK_QUOTE_CLOSERS:
                opened_at, closer = start, _CJK_QUOTE_CLOSERS[mark]
            elif mark not in _CJK_QUOTE_CLOSERS.values():
                opened_at, closer = start, ""
        if opened_at >= 0:
            spans.extend(_unclosed_paragraph(text, opened_at))
        return cls(spans, [span.start for span in spans])

    def cover(self, start: int, end: int) -> bool:
        """Whether text[start:end] lies inside one quotation."""
        index = bisect.bisect_right(self.starts, start) - 1
        return index >= 0 and end <= self.spans[index].end

    def hold(self, claim: Flag) -> bool:
        """Whether all the claim's evidence lies inside quotations."""
        return bool(claim.evidence) and all(self.cover(e.start, e.end) for e in claim.evidence)


def _unclosed_paragraph(text: str, opened_at: int) -> list[Span]:
    """The quotation from a mark left open to the end of its line, if the mark opens the line
    and the line ends within `QUOTATION_LIMIT` characters (else no quotation)."""
    if text[text.rfind("\n", 0, opened_at) + 1 : opened_at].strip():
        return []
    end = text.find("\n", opened_at)
    end = len(text) if end < 0 else end
    return [Span(opened_at, end)] if end - opened_at <= QUOTATION_LIMIT else []


@dataclass(frozen=True)
class ReportedSpeech:
    """Where a page gives someone else's words: its quotations, and the sentences that attribute
    what they say ("he said", "according to"). Only those the visitor sees: undecided html
    text may add to the offer, never take from it."""

    quotations: Quotations
    attributed: frozenset[int]

    def holds(self, mention: Mention | Span, sentence: int) -> bool:
        """Whether `mention`, in `sentence`, is someone else's words."""
        return sentence in self.attributed or self.quotations.cover(mention.start, mention.end)


def _first(mentions: Sequence[Any]) -> Span | None:
    return Span(mentions[0].start, mentions[0].end) if mentions else None


def sentences_with(document: Document, mentions: Sequence[Any]) -> int:
    return len({document.sentence_of[m] for m in mentions})


Layer = Callable[[Document], Sequence[Mention]]


def _sentences_of(layer: Layer) -> Callable[[PageInputs], FeatureValue]:
    """Sentences holding a mention of a layer of cues."""

    def compute(inputs: PageInputs) -> FeatureValue:
        document = inputs.document
        mentions = layer(document)
        return FeatureValue(math.log1p(sentences_with(document, mentions)), _first(mentions))

    return compute


def _family(family: PageFamily) -> Callable[[PageInputs], FeatureValue]:
    """Sentences holding a page cue of `family` (`page_cues.yaml`)."""
    return _sentences_of(lambda document: document.page_cues(family))


def _own_voice(family: PageFamily) -> Callable[[PageInputs], FeatureValue]:
    """Sentences holding a page cue of `family` in the page's own voice (`PageInputs.reported`):
    a clinic's "we offer" quoted in a news report is the clinic speaking, not the page."""

    def compute(inputs: PageInputs) -> FeatureValue:
        document, reported = inputs.document, inputs.reported
        mentions = [
            m for m in document.page_cues(family) if not reported.holds(m, document.sentence_of[m])
        ]
        return FeatureValue(math.log1p(sentences_with(document, mentions)), _first(mentions))

    return compute


def _cue(kind: CueKind) -> Callable[[PageInputs], FeatureValue]:
    """Sentences holding a context cue of `kind` (`context_cues.yaml`)."""
    return _sentences_of(lambda document: document.cues(kind))


def _find(document: Document, pattern: LinearPattern) -> list[Span]:
    """Matches of `pattern` as original spans, read on the folded text with its case kept (a
    disguised "𝐎𝐮𝐫" or "Y​our" reads as it looks), or on the text when it was not folded."""
    folded = document.folded
    if folded is None:
        return [Span(start, end) for start, end in pattern.finditer(document.text)]
    spans = []
    for start, end in pattern.finditer(folded.cased):
        if end > start:
            spans.append(Span(*folded.span_in_original(start, end)))
    return spans


def _quoted_price(inputs: PageInputs) -> FeatureValue:
    """Sentences in which the page quotes a price as its own: not someone else's words, and not
    money told of (`money_reported`: "paid", "was fined", "millions"). Read on real pages, news
    tells what patients paid far more often than a clinic prints its prices."""
    document, reported = inputs.document, inputs.reported
    told_of = {document.sentence_of[m] for m in document.page_cues("money_reported")}
    quoted = []
    for span in _find(document, _PRICE):
        sentence = document.sentence_at(span.start)
        if sentence in told_of or reported.holds(span, sentence):
            continue
        # The figure's pattern takes a full stop or comma after it ("$6,500."): not the price.
        end = len(document.text[span.start : span.end].rstrip(".,")) + span.start
        quoted.append((sentence, Span(span.start, end)))
    return FeatureValue(math.log1p(len({s for s, _ in quoted})), quoted[0][1] if quoted else None)


def _layer_spans(layer: Layer) -> Callable[[Document], list[Span]]:
    """Where the mentions of a layer of cues are."""

    def locate(document: Document) -> list[Span]:
        return [Span(m.start, m.end) for m in layer(document)]

    return locate


def _cue_spans(kind: CueKind) -> Callable[[Document], list[Span]]:
    return _layer_spans(lambda document: document.cues(kind))


def _family_spans(family: PageFamily) -> Callable[[Document], list[Span]]:
    return _layer_spans(lambda document: document.page_cues(family))


def _pattern_spans(
    *patterns: LinearPattern, on_lines: bool = False
) -> Callable[[Document], list[Span]]:
    """Matches of the patterns as original spans; `on_lines`: read on the text itself, whose
    line breaks the pattern needs (folding reads them as spaces)."""

    def locate(document: Document) -> list[Span]:
        if on_lines:
            spans = [Span(*found) for p in patterns for found in p.finditer(document.text)]
        else:
            spans = [span for p in patterns for span in _find(document, p)]
        return sorted(spans, key=lambda span: span.start)

    return locate


def _character_spans(characters: str) -> Callable[[Document], list[Span]]:
    """Each occurrence of one of `characters` as an original span, read as `_find` reads (on
    the folded text with its case kept). A scan with `str.find`: a character class run as a
    regular expression cost one call per match."""

    def locate(document: Document) -> list[Span]:
        folded = document.folded
        text = document.text if folded is None else folded.cased
        starts: list[int] = []
        for character in characters:
            at = text.find(character)
            while at >= 0:
                starts.append(at)
                at = text.find(character, at + 1)
        starts.sort()
        if folded is None:
            return [Span(start, start + 1) for start in starts]
        return [Span(*folded.span_in_original(start, start + 1)) for start in starts]

    return locate


def _registry_spans(document: Document) -> list[Span]:
    return sorted(
        _family_spans("registry")(document) + _pattern_spans(_NCT)(document),
        key=lambda span: span.start,
    )


# Sentences of one reporting source that a page may hold before they count: an ad may carry a
# disclaimer and cite a study, and one more such sentence appended to it changes nothing.
REPORTING_ALLOWANCE = 0
# A share is taken of at least this many sentences: one sentence of a one-line ad is no share.
SHARE_MIN_SENTENCES = 10
# A critic's or a reporter's stance counts from its second sentence: one line of warning
# appended to an ad ("ask whether a product is approved") is how a clinic would slip past. So
# does a disclaimer: one line of fine print ("results may vary", "not FDA approved for this
# use") is what ads carry, and it does not cure their claims (the FTC's view; its 2009
# Endorsement Guides dropped the "results not typical" safe harbour). A page of one sentence has
# nothing the allowance could protect: a one-line warning is the page's own stance.
STANCE_SOURCES = frozenset({"critical", "informational_cues", "disclosure"})
STANCE_ALLOWANCE = 1
# Where a page shows that it reports, in the order a sentence is credited to them.
REPORTING_SOURCES: tuple[tuple[str, Callable[[Document], list[Span]]], ...] = (
    ("critical", _cue_spans("critical")),
    ("informational_cues", _cue_spans("informational")),
    ("registry", _registry_spans),
    ("research", _family_spans("research")),
    ("citations", _pattern_spans(_CITATION)),
    ("attribution", _family_spans("attribution")),
    ("quotation", _character_spans(QUOTATION_MARKS)),
    ("third_party", _family_spans("third_party")),
    ("news", _family_spans("news")),
    ("dateline", _pattern_spans(_DATELINE, on_lines=True)),
    ("disclosure", _cue_spans("disclosure")),
    ("cosmetic", _family_spans("cosmetic")),
    ("veterinary", _cue_spans("veterinary")),
)


def _reporting_value(inputs: PageInputs, name: str, share: bool) -> FeatureValue:
    """Sentences credited to a reporting source beyond its allowance: log(1 + n), or as a share
    of the page's sentences."""
    sentences, evidence = inputs.reporting[name]
    allowance = STANCE_ALLOWANCE if name in STANCE_SOURCES else REPORTING_ALLOWANCE
    allowance = min(allowance, inputs.body_sentences - 1)
    count = max(0, len(sentences) - allowance)
    value = (
        count / max(inputs.body_sentences, SHARE_MIN_SENTENCES) if share else (math.log1p(count))
    )
    return FeatureValue(value, evidence)


def _contact(inputs: PageInputs) -> FeatureValue:
    text = inputs.document.text
    matches = [
        (s, e)
        for s, e in _PHONE.finditer(text)
        if sum(c.isdigit() for c in text[s:e]) >= 7 and not _is_calendar_date(text[s:e])
    ]
    matches += _email_addresses(text)
    matches.sort(key=lambda found: found[0])
    evidence = Span(*matches[0]) if matches else None
    return FeatureValue(math.log1p(len(matches)), evidence)


def _is_calendar_date(found: str) -> bool:
    """A day, a month and a year joined twice by one dot or hyphen ("14.02.2022", "2021-01-12",
    "30-06-2019"): the phone pattern takes them for numbers, and a news item's or a journal's
    date is no way to book a visit."""
    for separator in ".-":
        parts = found.split(separator)
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            continue
        if len(parts[0]) == 4:
            year, first, second = parts[0], parts[1], parts[2]
        elif len(parts[2]) == 4:
            first, second, year = parts
        else:
            continue
        if len(first) > 2 or len(second) > 2 or not 1900 <= int(year) <= 2099:
            continue
        low, high = sorted((int(first), int(second)))
        if 1 <= low <= 12 and 1 <= high <= 31:
            return True
    return False


def _email_addresses(text: str) -> list[tuple[int, int]]:
    """Where `re` finds `\\b[\\w.+-]{1,64}@[\\w-]{1,63}\\.[\\w.]{2,20}`, found from each `@` with
    string code (as an RE2 pattern the bounded Unicode classes make a program of 200,000
    instructions, slow to run). A match holds one `@`: before it, the leftmost start at a word
    boundary within 64 name characters; after it, 1-63 domain characters, a dot, and the
    longest run of up to 20 word characters or dots (at least 2)."""
    found: list[tuple[int, int]] = []
    previous_end = 0
    at = text.find("@")
    while at >= 0:
        domain_end = at + 1
        while (
            domain_end - at <= 64
            and domain_end < len(text)
            and _is_domain_character(text[domain_end])
        ):
            domain_end += 1
        tail = domain_end + 1
        while tail < len(text) and tail - domain_end <= 20 and _is_host_character(text[tail]):
            tail += 1
        if 1 <= domain_end - at - 1 <= 63 and text[domain_end : domain_end + 1] == ".":
            tail_end = min(tail, domain_end + 21)
            start = _name_start(text, at, previous_end) if tail_end - domain_end - 1 >= 2 else None
            if start is not None:
                found.append((start, tail_end))
                previous_end = tail_end
        at = text.find("@", max(at + 1, previous_end))
    return found


def _is_domain_character(char: str) -> bool:
    return char.isalnum() or char in "_-"


def _is_host_character(char: str) -> bool:
    return char.isalnum() or char in "_."


def _name_start(text: str, at: int, previous_end: int) -> int | None:
    """The leftmost start of an address name ending at `at`: at `re`'s word boundary, after
    `previous_end`, at most 64 characters of `[\\w.+-]` long."""
    lowest = max(at - 64, previous_end)
    start = at
    while start > lowest and (text[start - 1].isalnum() or text[start - 1] in "_.+-"):
        start -= 1
    for candidate in range(start, at):
        before = candidate > 0 and is_word_character(text[candidate - 1])
        if before != is_word_character(text[candidate]):
            return candidate
    return None


def _approved(inputs: PageInputs) -> FeatureValue:
    """Sentences naming an FDA-approved product or an established procedure, from the second
    on: a page about a transplant or a licensed product names it throughout."""
    document = inputs.document
    approved = [m for m in document.approved if m.key not in document.cover_only_keys]
    count = max(0, sentences_with(document, approved) - 1)
    return FeatureValue(math.log1p(count), _first(approved))


def _conditions(inputs: PageInputs) -> FeatureValue:
    distinct = {m.key for m in inputs.document.conditions}
    return FeatureValue(math.log1p(len(distinct)))


def _claims(predicate: Callable[[Flag], bool]) -> Callable[[PageInputs], FeatureValue]:
    def compute(inputs: PageInputs) -> FeatureValue:
        chosen = [f for f in inputs.claims if f.category not in NOT_CLAIMS and predicate(f)]
        evidence = _claim_sentence(inputs.document, chosen[0]) if chosen else None
        return FeatureValue(math.log1p(len(chosen)), evidence)

    return compute


def _claim_sentence(document: Document, claim: Flag) -> Span:
    """The sentence that carries a claim, as a signal's evidence: a claim's first evidence span
    may be a bare condition name ("lupus"), which says nothing of an offer by itself."""
    carrier = claim.anchor or claim.evidence[0]
    sentence = document.sentences[document.sentence_at(carrier.start)]
    return Span(sentence.start, sentence.end)


def _claim_categories(inputs: PageInputs) -> FeatureValue:
    """Kinds of claim the rules find; the evidence is the sentence of the first of them."""
    counted = [
        f for f in inputs.claims if f.source != "classifier" and f.category not in NOT_CLAIMS
    ]
    evidence = _claim_sentence(inputs.document, counted[0]) if counted else None
    return FeatureValue(float(len({f.category for f in counted})), evidence)


def _testimonials(inputs: PageInputs) -> FeatureValue:
    stories = [f for f in inputs.claims if f.category == "testimonial"]
    own = inputs.document.page_cues("own_patients")
    value = math.log1p(len(stories) + sentences_with(inputs.document, own))
    evidence = stories[0].evidence[0] if stories else _first(own)
    return FeatureValue(value, evidence)


# The classifier's features are missing (NaN) when the checker runs without the classifier: the
# model then reads them at their mean, so they weigh neither way. A page with no sentence long
# enough to score reads as 0 (nothing violative found), so that a sentence appended to it can
# only raise them: each is a maximum, a top-3 sum or a count.
MISSING = math.nan


def _classifier_top(inputs: PageInputs) -> FeatureValue:
    values = inputs.sentence_probabilities
    if values is None:
        return FeatureValue(MISSING)
    return FeatureValue(sum(sorted(values, reverse=True)[:3]) / 3)


def _classifier_max(inputs: PageInputs) -> FeatureValue:
    values = inputs.sentence_probabilities
    return FeatureValue(MISSING if values is None else max(values, default=0.0))


def _classifier_count(inputs: PageInputs) -> FeatureValue:
    """Sentences the classifier reads as violative (counted, not averaged: neutral sentences
    added to an ad do not dilute it)."""
    values = inputs.sentence_probabilities
    return FeatureValue(MISSING if values is None else math.log1p(sum(v >= 0.5 for v in values)))


# The page cue families in which the page speaks as the provider.
PROVIDER_FAMILIES: tuple[PageFamily, ...] = ("provider_voice", "offer")


def _product_offer(inputs: PageInputs) -> FeatureValue:
    """Sentences in which the page speaks as the provider ("we", "our", an offer verb) and
    names a cell product: "We use bone marrow stem cells to…" is an offer in one line."""
    document = inputs.document
    voice = {
        document.sentence_of[m] for family in PROVIDER_FAMILIES for m in document.page_cues(family)
    }
    # "we" and "our" in English on a page in any language, as the offer families are read.
    voice |= {
        document.sentence_of[m]
        for m in document.page_cues("first_person_plural")
        if "en" in page_cue_languages(m.key)
    }
    offered = sorted(
        document.sentence_of[m] for m in document.products if document.sentence_of[m] in voice
    )
    evidence = None
    if offered:
        first = document.sentences[offered[0]]
        evidence = Span(first.start, first.end)
    return FeatureValue(math.log1p(len(set(offered))), evidence)


def _title_pair(inputs: PageInputs) -> FeatureValue:
    """The page's first line names a cell product and a condition ("Stem cells for COPD"),
    with no critical or reporting cue: a page titled as an offer."""
    document = inputs.document
    if not document.sentences:
        return FeatureValue(0.0)
    first = document.sentences[0]
    if document.cues_by_sentence.get(0, set()) & {"critical", "informational", "negation"}:
        return FeatureValue(0.0)
    products = document.in_sentence(document.products, 0)
    conditions = document.in_sentence(document.conditions, 0)
    if products and conditions:
        return FeatureValue(1.0, Span(first.start, first.end))
    return FeatureValue(0.0)


OFFERS, REPORTS, EITHER = 1, -1, 0


@dataclass(frozen=True)
class Feature:
    """A named page feature. `direction` is the sign its coefficient is fitted under: a cue
    of offering can only raise the probability that the page offers, a cue of reporting can
    only lower it. With every feature counting sentences, a sentence appended to a page can
    only move it the way that sentence points, and a lone reporting sentence not at all."""

    name: str
    signal: str | None  # the SPEC signal this feature's evidence stands for, if any
    compute: Callable[[PageInputs], FeatureValue]
    direction: int = OFFERS
    # The sign under the `violative` head when it differs (an approved product's page offers
    # it, and is the less likely to make claims that call for review).
    violative: int | None = None

    # For a reporting feature: the source it counts, and whether as a share.
    source: str | None = None
    share: bool = False

    def direction_for(self, head: str) -> int:
        return (
            self.violative
            if head == "violative" and self.violative is not None
            else (self.direction)
        )


def _reports(name: str, signal: str | None, source: str, *, share: bool = False) -> Feature:
    def compute(inputs: PageInputs) -> FeatureValue:
        return _reporting_value(inputs, source, share)

    return Feature(name, signal, compute, REPORTS, source=source, share=share)


FEATURES: tuple[Feature, ...] = (
    Feature("provider_voice", "provider_voice", _own_voice("provider_voice")),
    Feature(
        "first_person_plural",
        "provider_voice",
        _own_voice("first_person_plural"),
    ),
    Feature("second_person", None, _own_voice("second_person")),
    Feature("offer", "offer", _own_voice("offer")),
    Feature("product_offer", "offer", _product_offer),
    Feature("call_to_action", "call_to_action", _family("call_to_action")),
    Feature("booking", "booking_or_contact", _family("booking")),
    Feature("contact_details", "booking_or_contact", _contact),
    Feature("price", "price", _quoted_price),
    Feature("protocol", None, _family("protocol")),
    Feature("patient_story", "patient_story", _testimonials),
    Feature("promotional_cues", "offer", _cue("promotional")),
    Feature("title_pair", "offer", _title_pair),
    Feature("conditions", None, _conditions),
    Feature("high_claims", "offer", _claims(lambda f: f.severity == "high")),
    Feature("dangerous_claims", None, _claims(lambda f: f.category in DANGEROUS_CATEGORIES)),
    Feature("claim_categories", "offer", _claim_categories),
    Feature("classifier_top3", None, _classifier_top),
    Feature("classifier_max", None, _classifier_max),
    Feature("classifier_count", None, _classifier_count),
    _reports("attribution", "reported_speech", "attribution"),
    _reports("attribution_share", "reported_speech", "attribution", share=True),
    _reports("quotation", "reported_speech", "quotation"),
    _reports("third_party", "critical_stance", "third_party"),
    _reports("third_party_share", "critical_stance", "third_party", share=True),
    _reports("critical", "critical_stance", "critical"),
    _reports("informational_cues", "news_report", "informational_cues"),
    _reports("research", "research_report", "research"),
    _reports("research_share", "research_report", "research", share=True),
    _reports("citations", "research_report", "citations"),
    _reports("registry", "registry_fields", "registry"),
    _reports("news", "news_report", "news"),
    _reports("dateline", "news_report", "dateline"),
    _reports("cosmetic", "cosmetic", "cosmetic"),
    _reports("veterinary", "veterinary", "veterinary"),
    _reports("disclosure", None, "disclosure"),
    Feature("approved", "approved_product", _approved, EITHER, violative=REPORTS),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)


def feature_directions(head: str) -> tuple[int, ...]:
    return tuple(f.direction_for(head) for f in FEATURES)


def page_features(inputs: PageInputs) -> dict[str, FeatureValue]:
    return {feature.name: feature.compute(inputs) for feature in FEATURES}
