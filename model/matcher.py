"""One Aho–Corasick pass finds every lexicon term, cue and rule phrase in a text.

All phrases of all lexicons go into a single automaton over folded text (see `model.normalise`),
so a document is scanned once whatever the number of terms, in time linear in its length. Case-
sensitive abbreviations ("MS", "ALS", "T1D") get a second automaton over the folded text with its
case kept. Matches must start and end on word boundaries, which exist only between letters of
scripts written with spaces: a Chinese or Japanese term matches inside running text; an Arabic
or Hebrew term may also start after the letters those languages write onto a word (`PROCLITICS`). An
open-ended phrase (`Phrase.open_end`: languages that write endings onto the noun) may end inside
a word; its match then runs to the word's end. Within one
*group* (a lexicon, or one phrase list of a rule) overlapping matches are resolved
leftmost-longest, except in the groups named `overlapping`, whose every match is kept for the
caller to resolve (the heads of composed product names: which heads count depends on the source
word before them).
"""

from __future__ import annotations

import itertools
import marshal
import operator
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import chain, compress, repeat
from pathlib import Path
from typing import NamedTuple

import daachorse
import numpy as np

from model.characters import word_characters
from model.datafiles import (
    ArrayState,
    array_from_state,
    array_state,
    files_digest,
    kept_derived,
)
from model.hangul import continues_a_noun, is_hangul_syllable
from model.normalise import ABSENT_FROM_FOLDED, FoldedText, fold_term, fold_terms

# The matcher's groups of lexicon phrases (`model.lexicons` fills them; the context and page
# cue groups are named there, the rule phrase groups in `model.rules.RuleGroups`). Only the
# analysis reads mentions by group name: `model.analysis.Document` serves them as typed layers.
PRODUCT_GROUP = "product"
APPROVED_GROUP = "approved"
# The group whose Korean names end only where a noun may end (`model.hangul`).
CONDITION_GROUP = "condition"
COMPOSED_SOURCE_GROUP = "composed:source"
COMPOSED_HEAD_GROUP = "composed:head"
# Lexicon terms and English page cues that are a common word of a language with another meaning
# (French "goût" folds to "gout", Polish "we" is "in"), keyed by the languages listing them:
# `model.analysis` drops the lexicon or page-cue mention they coincide with on a page in one.
FALSE_FRIEND_GROUP = "false_friend"
# Phrases of claim rules that are a common word of a language with another meaning (Italian
# "cura" is care or a course of treatment, not a cure): `model.analysis` drops the rule-phrase
# mention they coincide with on a page in one of the languages listing them.
RULE_FALSE_FRIEND_GROUP = "rule_false_friend"
# Surrogate code points, which the automaton (UTF-8 inside) cannot read: `scan` reads each as
# ABSENT_FROM_FOLDED, a character no term holds (nor a surrogate).
_SURROGATES_ABSENT = dict.fromkeys(range(0xD800, 0xE000), ABSENT_FROM_FOLDED)


class Mention:
    """A phrase found in the text. `start`/`end` index the original text.

    Treat as immutable. Compared and hashed by identity: each mention is one find, and
    identity hashing keeps the per-sentence lookups cheap. A plain slotted class rather than a
    frozen dataclass because a page creates hundreds and a frozen `__init__` costs 3x more.
    """

    __slots__ = ("group", "key", "start", "end")

    def __init__(self, group: str, key: str, start: int, end: int) -> None:
        self.group = group
        self.key = key
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Mention({self.group!r}, {self.key!r}, {self.start}, {self.end})"


@dataclass(frozen=True, slots=True)
class Found:
    """What `PhraseMatcher.find_all` found: mentions of the de-overlapped groups, sorted by
    start, and every match of the overlapping groups as (start, end, key) spans sorted by
    start, then longest first."""

    mentions: list[Mention]
    raw: dict[str, list[tuple[int, int, str]]]


class Phrase(NamedTuple):
    """A phrase to find, as a lexicon or rule lists it. A named tuple: the checker makes tens of
    thousands at start-up, and a frozen dataclass takes three times as long to create."""

    group: str
    key: str
    text: str
    case_sensitive: bool = False
    # The phrase may be the start of a longer word: endings follow it in languages that write
    # them onto the noun ("kok hucre" in "kok hucrelerimiz").
    open_end: bool = False


class PhraseMatcher:
    """Finds phrases from many groups in one pass."""

    def __init__(
        self,
        phrases: Iterable[Phrase],
        overlapping: frozenset[str] = frozenset({COMPOSED_HEAD_GROUP}),
        *,
        keep: bool = False,
    ) -> None:
        """`keep`: keep the phrase index (`_PhraseIndex.kept`), the automata and the vocabulary
        built from these phrases beside the data files, for the next start with the same
        phrases and terms (`_tables`): the checker's matcher."""
        index = _PhraseIndex.kept(list(phrases)) if keep else _PhraseIndex.of(list(phrases))
        folded_automaton, exact_automaton, self.vocabulary = _tables(
            index.folded_terms, index.exact_terms, keep=keep
        )
        self._folded = None if folded_automaton is None else _TermAutomaton(folded_automaton, 0)
        self._exact = (
            None
            if exact_automaton is None
            else _TermAutomaton(exact_automaton, len(index.folded_terms))
        )
        self.size = len(index.folded_terms) + len(index.exact_terms)
        self.overlapping = overlapping
        # Each term's (group, key) pairs, as arrays, so that a page's matches are expanded
        # into their pairs and ordered by NumPy: the pairs of payload (term) i are rows
        # `_pair_start[i]` to `_pair_start[i + 1]` of `_pair_group` and `_pair_key`, ids
        # numbered in sorted order of the names (`_groups`, `_keys`), so that sorting ids
        # sorts names; `_pair_open` tells which are open-ended phrases.
        self._groups, self._keys = index.groups, index.keys
        self._pair_start, self._pair_group, self._pair_key, self._pair_open = (
            index.pair_start,
            index.pair_group,
            index.pair_key,
            index.pair_open,
        )
        self._payload_any_open = index.any_open
        group_id = {group: number for number, group in enumerate(self._groups)}
        self._condition_id = group_id.get(CONDITION_GROUP, -1)
        self._overlapping_ids = frozenset(
            group_id[group] for group in self.overlapping if group in group_id
        )

    def payload_pairs(self, payload: int) -> list[tuple[str, str, bool]]:
        """The (group, key, open-ended) phrases a term stands for, by its payload index (as
        `_spans` gives it): for tests and tools, read back from the arrays."""
        rows = range(int(self._pair_start[payload]), int(self._pair_start[payload + 1]))
        return [
            (
                self._groups[int(self._pair_group[row])],
                self._keys[int(self._pair_key[row])],
                bool(self._pair_open[row]),
            )
            for row in rows
        ]

    def term_payloads(self, term: str, *, case_sensitive: bool = False) -> list[int]:
        """The payload index of `term` if the automaton holds it (a one-element list), else
        an empty list: found by scanning the term itself for a match that spans all of it."""
        automaton = self._exact if case_sensitive else self._folded
        if automaton is None or not term:
            return []
        starts, lasts, payloads = automaton.scan(term)
        return payloads[(starts == 0) & (lasts == len(term) - 1)].tolist()

    def find(self, text: FoldedText) -> list[Mention]:
        """Every match, grouped and de-overlapped (except in the `overlapping` groups), sorted
        by start offset."""
        found = self.find_all(text)
        mentions = found.mentions + [
            Mention(group, key, s, e) for group, spans in found.raw.items() for s, e, key in spans
        ]
        mentions.sort(key=lambda m: (m.start, -m.end, m.group))
        return mentions

    def find_all(self, text: FoldedText) -> Found:
        """`find`, with the `overlapping` groups' matches left as plain (start, end, key)
        spans: a page has hundreds of composed-name heads ("cells", "therapy") and only the
        few after a source word are ever read.

        The matches are expanded into their (group, key) pairs and sorted by group, start,
        longest first and key in one NumPy sort; each group is then resolved leftmost-longest
        in one pass (tests/model/test_fast_paths.py checks it against a group-by-group search)."""
        origin = None if text.identity else text.origin
        found = [
            self._spans(automaton, haystack, origin, reordered=text.reordered)
            for automaton, haystack in ((self._folded, text.folded), (self._exact, text.cased))
            if automaton is not None
        ]
        if self._exact is not None and found[-1][0].size:
            found[-1] = _not_words_in_capitals(text, found[-1])
        if not found:
            return Found([], {})
        starts, ends, payloads, open_ended, read_starts, read_ends = (
            np.concatenate(arrays) for arrays in zip(*found, strict=True)
        )
        counts = self._pair_start[payloads + 1] - self._pair_start[payloads]
        # Row r of the expansion is pair (r - first row of its match) of its match's payload.
        match_of = np.repeat(np.arange(payloads.size), counts)
        rows = self._pair_start[payloads][match_of] + (
            np.arange(match_of.size) - (np.cumsum(counts) - counts)[match_of]
        )
        if open_ended.any():  # a match inside a word stands for its open-ended phrases only
            keep = ~open_ended[match_of] | self._pair_open[rows]
            rows, match_of = rows[keep], match_of[keep]
        groups, keys = self._pair_group[rows], self._pair_key[rows]
        starts, ends = starts[match_of], ends[match_of]
        read_starts, read_ends = read_starts[match_of], read_ends[match_of]
        if self._condition_id >= 0 and not text.original.isascii():
            keep = self._korean_nouns_ended(text.original, groups, ends)
            if keep is not None:
                groups, keys, starts, ends = groups[keep], keys[keep], starts[keep], ends[keep]
                read_starts, read_ends = read_starts[keep], read_ends[keep]
        # Each group is resolved leftmost-longest in reading order: where text was stored
        # reversed, "umbilical cord stem cell" is read before "stem cell injections" after
        # it, though stored after the head it shares with it. Ends are at most `limit`:
        # `limit - ends` sorts longest first.
        limit = int(max(ends.max(initial=0), read_ends.max(initial=0)))
        order = lexsort_bounded(
            (groups, len(self._groups)),
            (read_starts, limit + 1),
            (limit - read_ends, limit + 1),
            (keys, len(self._keys)),
        )
        group_names, key_names = self._groups, self._keys
        raw: dict[str, list[tuple[int, int, str]]] = {}
        if self._overlapping_ids:
            sorted_groups = groups[order]
            spare = np.zeros(order.size, dtype=bool)
            for group_id in self._overlapping_ids:  # one group, usually: no `np.isin` set-up
                spare |= sorted_groups == group_id
            for group, start, end, key in zip(
                *(array[order[spare]].tolist() for array in (groups, starts, ends, keys)),
                strict=True,
            ):
                raw.setdefault(group_names[group], []).append((start, end, key_names[key]))
            if text.reordered:  # in order of their stored spans, as for any text
                for spans in raw.values():
                    spans.sort(key=lambda span: (span[0], -span[1], span[2]))
            order = order[~spare]
        chosen = order[kept_leftmost_longest(groups[order], read_starts[order], read_ends[order])]
        chosen = chosen[
            lexsort_bounded(
                (starts[chosen], limit + 1),
                (limit - ends[chosen], limit + 1),
                (groups[chosen], len(self._groups)),
            )
        ]
        mentions = [
            Mention(group_names[group], key_names[key], start, end)
            for group, key, start, end in zip(
                groups[chosen].tolist(),
                keys[chosen].tolist(),
                starts[chosen].tolist(),
                ends[chosen].tolist(),
                strict=True,
            )
        ]
        return Found(mentions, raw)

    def _korean_nouns_ended(
        self, original: str, groups: np.ndarray, ends: np.ndarray
    ) -> np.ndarray | None:
        """Which matches to keep (None: all): a condition name ending in a Hangul syllable
        inside a word stands only before a particle, ending or suffix (`model.hangul`), so
        that "신부전" is not found in "신부전용"."""
        keep: np.ndarray | None = None
        for row in np.flatnonzero(groups == self._condition_id).tolist():
            end = int(ends[row])
            if 0 < end < len(original) and is_hangul_syllable(original[end - 1]):
                if not continues_a_noun(original, end):
                    if keep is None:
                        keep = np.ones(groups.size, dtype=bool)
                    keep[row] = False
        return keep

    def _spans(
        self,
        automaton: _TermAutomaton,
        haystack: str,
        origin: np.ndarray | None,
        *,
        reordered: bool = False,
    ) -> tuple[np.ndarray, ...]:
        """Every word-bounded match, as arrays of original-text starts and ends, of payload
        indexes, of whether the match ends inside a word (kept only when its payload has an
        open-ended phrase) and of the starts and ends in reading order (the folded text's,
        where it was `reordered`; else the original's again), in the automaton's order.

        The automaton's matches become arrays and the word-boundary test (a match may not
        start or end inside a word, between two `word_characters`) one vectorised comparison,
        so no match reaches Python. `origin` maps folded offsets to original ones (None: the
        two coincide; `reordered`: it decreases inside text shown reversed, where a match maps
        to the least and greatest index it covers).
        """
        start, last, payload = automaton.scan(haystack)
        if not start.size:
            return start, start, start, start.astype(bool), start, start
        # alnum[i + 1] tells whether haystack[i] is a word character; both ends padded False.
        alnum = np.zeros(len(haystack) + 2, dtype=bool)
        alnum[1:-1] = word_characters(haystack)
        inside = alnum[last + 1] & alnum[last + 2]
        bounded_start = ~(alnum[start] & alnum[start + 1]) | _after_proclitics(
            haystack, alnum, start, last
        )
        keep = bounded_start & (~inside | self._payload_any_open[payload])
        start, last, payload, inside = start[keep], last[keep], payload[keep], inside[keep]
        if inside.any():  # an open-ended match runs to the end of its word ("otizmde")
            breaks = np.flatnonzero(~alnum[1:-1])
            after = np.searchsorted(breaks, last[inside] + 1)
            word_end = np.append(breaks, len(haystack))[after] - 1
            last = last.copy()
            last[inside] = word_end
        if reordered and origin is not None:
            spans = [origin[s : e + 1] for s, e in zip(start.tolist(), last.tolist(), strict=True)]
            display_start, display_end = start, last + 1
            start = np.array([span.min() for span in spans], dtype=np.int64)
            last = np.array([span.max() for span in spans], dtype=np.int64)
            return start, last + 1, payload, inside, display_start, display_end
        if origin is not None:
            start, last = origin[start], origin[last]
        end = last + 1
        return start, end, payload, inside, start, end


# Arabic and Hebrew write a conjunction, preposition or article onto the next word: "و" (and),
# "ف" (so), "ب" (with, in), "ك" (as), "ل" (for); Hebrew "ו" (and), "ה" (the), "ב" (in), "ל"
# (to), "מ" (from), "ש" (that), "כ" (as). "وحذرت" is "حذرت" (warned) with "and"; "بالخلايا
# الجذعية" is "with the stem cells". A term may start after one or two of them at a word's start.
PROCLITICS = frozenset("وفبكلוהבלמשכ")
# A term this short may be the tail of another word after such a letter: it must start a word.
MIN_TERM_AFTER_PROCLITIC = 3


def _after_proclitics(
    haystack: str, alnum: np.ndarray, start: np.ndarray, last: np.ndarray
) -> np.ndarray:
    """Which matches start right after one or two proclitic letters (`PROCLITICS`) that begin a
    word. `alnum` is `word_characters(haystack)` padded with False on both ends. Only the few
    matches that start inside a word are looked at, one by one."""
    after = np.zeros(start.shape, dtype=bool)
    if haystack.isascii():
        return after
    # alnum[i + 1] describes haystack[i]: a match starting inside a word has a word character
    # on both sides of its start.
    rows = np.flatnonzero(
        alnum[start] & alnum[start + 1] & (last - start + 1 >= MIN_TERM_AFTER_PROCLITIC)
    )
    for row, at in zip(rows.tolist(), start[rows].tolist(), strict=True):
        if haystack[at - 1] not in PROCLITICS:
            continue
        if not alnum[at - 1] or (at >= 2 and haystack[at - 2] in PROCLITICS and not alnum[at - 2]):
            after[row] = True
    return after


class _TermAutomaton:
    """An Aho–Corasick automaton over terms, each term a payload index: daachorse's
    character-wise double array (a Rust library), which holds the 63,000 folded terms (524,000
    trie nodes) in 11 MiB where pyahocorasick's node-per-character trie took 24 MiB per worker,
    and scans a page four times as fast. It reports every match, overlapping ones included, as
    pyahocorasick's `iter` did. The automaton's i-th term is payload `first_payload` + i."""

    __slots__ = ("_automaton", "_first_payload")

    def __init__(self, automaton: daachorse.CharwiseDoubleArrayAhoCorasick, first_payload: int):
        self._automaton = automaton
        self._first_payload = first_payload

    def scan(self, haystack: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every match in `haystack`: arrays of its first and last character's index and of its
        term's payload index."""
        try:
            found = self._automaton.find_overlapping(haystack)
        except UnicodeEncodeError:  # a surrogate (same length replaced: offsets unchanged)
            found = self._automaton.find_overlapping(haystack.translate(_SURROGATES_ABSENT))
        flat = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=3 * len(found))
        start, end, term = flat[0::3], flat[1::3], flat[2::3]
        return start, end - 1, term + self._first_payload if self._first_payload else term


# Change when what `_tables` derives from the same terms changes (its key names the terms, the
# daachorse library and `_vocabulary`'s code, not this module's other code).
_TABLES_FORMAT = b"phrase matcher tables 1"
Tables = tuple[
    daachorse.CharwiseDoubleArrayAhoCorasick | None,
    daachorse.CharwiseDoubleArrayAhoCorasick | None,
    frozenset[str],
]


def _tables(folded: list[str], exact: list[str], *, keep: bool) -> Tables:
    """The automata of the folded and of the case-sensitive terms (None for none), and the
    vocabulary (`_vocabulary`).

    With `keep`, they are read from what an earlier start kept beside the data files
    (`model.datafiles.kept_derived`), or built and kept there: building the automata and the
    vocabulary was a third of start-up, reading them back takes a few milliseconds. The key is
    the terms themselves (in order: the i-th term is the automaton's pattern i), the daachorse
    library's files (which build and read the automata) and `_vocabulary`'s compiled code (with
    this package's source, as every kept value's)."""
    if not keep:
        return _automaton(folded), _automaton(exact), _vocabulary(folded, exact)

    def derive() -> tuple[bytes, bytes, frozenset[str]]:
        built = (_automaton(folded), _automaton(exact))
        serialized = [b"" if automaton is None else automaton.serialize() for automaton in built]
        return serialized[0], serialized[1], _vocabulary(folded, exact)

    key = (
        _TABLES_FORMAT,
        _daachorse_digest(),
        marshal.dumps(_vocabulary.__code__),
        marshal.dumps((folded, exact)),
    )
    folded_bytes, exact_bytes, vocabulary = kept_derived("phrase_matcher", key, derive)
    return _deserialized(folded_bytes), _deserialized(exact_bytes), vocabulary


def _automaton(terms: list[str]) -> daachorse.CharwiseDoubleArrayAhoCorasick | None:
    return daachorse.CharwiseDoubleArrayAhoCorasick(terms) if terms else None


def _deserialized(data: bytes) -> daachorse.CharwiseDoubleArrayAhoCorasick | None:
    return daachorse.CharwiseDoubleArrayAhoCorasick.deserialize(data) if data else None


def _daachorse_digest() -> bytes:
    """A SHA-256 of the daachorse package's files (its compiled library among them)."""
    package = Path(daachorse.__file__).parent
    return files_digest(package, sorted(p for p in package.iterdir() if p.is_file()))


# Where the words around a case-sensitive match are looked for: on its line and in its clause.
_CLAUSE_ENDS = "\n\r.!?;:"
_NEIGHBOURS = 3  # words on each side
_NEIGHBOUR_REACH = 80  # characters on each side


def _not_words_in_capitals(
    text: FoldedText, spans: tuple[np.ndarray, ...]
) -> tuple[np.ndarray, ...]:
    """The case-sensitive matches (`_spans` arrays, original offsets) without those that are
    words written in capitals: a case-sensitive abbreviation ("AIDS", "ELA", "ALS") is told
    from the word it spells ("aids", Portuguese "ela", German "als") by its capitals, and in a
    stretch written all in capitals ("HEARING AIDS", "ELA VOLTOU A ANDAR") the capitals say
    nothing. There a match stands only when the page never writes its letters as a word in
    lower case: a page that writes "hearing aids" or "ela" elsewhere uses the word."""
    starts, ends = spans[0].tolist(), spans[1].tolist()
    keep = np.ones(len(starts), dtype=bool)
    written_lower: dict[str, bool] = {}
    original = text.original
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if capitals_are_meant(original, start, end):
            continue
        word = fold_term(original[start:end]).lower()
        if word not in written_lower:
            written_lower[word] = _written_as_word(text.cased, word)
        keep[index] = not written_lower[word]
    if keep.all():
        return spans
    return tuple(array[keep] for array in spans)


def capitals_are_meant(original: str, start: int, end: int) -> bool:
    """Whether capitals written at [start, end) say something: the text around is not written
    in capitals too, so a word in capitals there is an abbreviation ("ALS", "US") and not the
    word it spells ("als", "us")."""
    return _lower_case_next_to(original, start, end) or not _among_capitals(original, start, end)


def _lower_case_next_to(original: str, start: int, end: int) -> bool:
    """Whether the nearest letter before or after [start, end), within four characters of the
    same clause, is in lower case: in most text, where the search ends."""
    for at in range(start - 1, max(start - 5, -1), -1):
        char = original[at]
        if char in _CLAUSE_ENDS or char.isalpha():
            if char.islower():
                return True
            break
    for at in range(end, min(end + 4, len(original))):
        char = original[at]
        if char in _CLAUSE_ENDS or char.isalpha():
            return char.islower()
    return False


def _among_capitals(original: str, start: int, end: int) -> bool:
    """Whether the words around [start, end), on its line and in its clause, are written in
    capitals: none has a lower-case letter and one at least has two letters or more. Read
    outwards, so that the first word in lower case ends it."""
    left, right = _clause_around(original, start, end, _NEIGHBOUR_REACH)
    capitals = False
    for word in itertools.chain.from_iterable(
        itertools.zip_longest(left.split()[::-1][:_NEIGHBOURS], right.split()[:_NEIGHBOURS])
    ):
        if word is None:
            continue
        folded = word if word.isascii() else fold_term(word, keep_case=True)
        if folded != folded.upper():
            return False
        capitals = capitals or sum(c.isalpha() for c in folded) >= 2
    return capitals


def _clause_around(original: str, start: int, end: int, reach: int) -> tuple[str, str]:
    """Up to `reach` characters of the text before `start` and after `end`, on the same line
    and in the same clause."""
    left = original[max(0, start - reach) : start]
    right = original[end : end + reach]
    left = left[max(left.rfind(mark) for mark in _CLAUSE_ENDS) + 1 :]
    cut = [at for at in (right.find(mark) for mark in _CLAUSE_ENDS) if at >= 0]
    return left, right[: min(cut)] if cut else right


def _written_as_word(cased: str, word: str) -> bool:
    """Whether `word` (lower case) is written in lower case as a whole word of `cased`."""
    at = cased.find(word)
    while at >= 0:
        after = at + len(word)
        if (not at or not cased[at - 1].isalnum()) and (
            after == len(cased) or not cased[after].isalnum()
        ):
            return True
        at = cased.find(word, at + 1)
    return False


@dataclass(frozen=True, slots=True)
class _PhraseIndex:
    """The phrases as the matcher reads them: the distinct folded terms of the case-insensitive
    phrases (`folded_terms`) and of the case-sensitive ones (`exact_terms`), each list in order
    of its first phrase, numbered in that order, folded terms first (a term's number is its
    payload index); and each term's distinct (group, key) pairs, sorted by group then key, as
    rows of arrays (`pair_start[i]` to `pair_start[i + 1]` are term i's), with whether each is
    an open-ended phrase's (`pair_open`; only folded terms have them) and whether any of a
    term's is (`any_open`). A phrase whose text folds to nothing is left out.

    Built with a few passes over all phrases at once (texts folded by one `fold_terms` call per
    case mode, pairs sorted and merged by NumPy), not a set of pairs per term: start-up builds
    it from 65,000 phrases."""

    folded_terms: list[str]
    exact_terms: list[str]
    groups: list[str]
    keys: list[str]
    pair_start: np.ndarray
    pair_group: np.ndarray
    pair_key: np.ndarray
    pair_open: np.ndarray
    any_open: np.ndarray

    @classmethod
    def of(cls, phrases: list[Phrase]) -> _PhraseIndex:
        # Whole columns at a time (zip, map, compress, dict.fromkeys: loops in C); the few
        # case-sensitive phrases are then set right one by one.
        groups, keys, texts, case_modes, open_ends = (
            zip(*phrases, strict=True) if phrases else ((), (), (), (), ())
        )
        insensitive = list(map(operator.not_, case_modes))
        sensitive_rows = list(compress(range(len(phrases)), case_modes))
        folded_of_text: list[dict[str, str]] = []
        for keep_case, selected in ((False, insensitive), (True, case_modes)):
            distinct = list(dict.fromkeys(compress(texts, selected)))
            folded = fold_terms(distinct, keep_case=keep_case)
            folded_of_text.append(dict(zip(distinct, folded, strict=True)))
        terms: list[str] = list(map(folded_of_text[False].get, texts, repeat("")))
        for row in sensitive_rows:
            terms[row] = folded_of_text[True][texts[row]]
        folded_terms = list(dict.fromkeys(filter(None, compress(terms, insensitive))))
        exact_terms = list(dict.fromkeys(filter(None, compress(terms, case_modes))))
        folded_number = dict(zip(folded_terms, range(len(folded_terms)), strict=True))
        exact_number = dict(zip(exact_terms, itertools.count(len(folded_terms))))
        numbers = list(map(folded_number.get, terms, repeat(-1)))
        for row in sensitive_rows:
            numbers[row] = exact_number.get(terms[row], -1)
        term = np.array(numbers, dtype=np.int64)
        kept = term >= 0  # a text folding to nothing has no term
        kept_rows = kept.tolist()
        kept_groups = list(compress(groups, kept_rows))
        kept_keys = list(compress(keys, kept_rows))
        group_names, key_names = sorted(set(kept_groups)), sorted(set(kept_keys))
        group_id = {group: number for number, group in enumerate(group_names)}
        key_id = {key: number for number, key in enumerate(key_names)}
        count = len(kept_groups)
        term = term[kept]
        group = np.fromiter(map(group_id.__getitem__, kept_groups), dtype=np.int64, count=count)
        key = np.fromiter(map(key_id.__getitem__, kept_keys), dtype=np.int64, count=count)
        opened = np.array(open_ends, dtype=bool).reshape(-1)
        if opened.size:
            opened &= np.array(insensitive, dtype=bool)
        opened = opened[kept]
        # One row per distinct (term, group, key), in that order; open if any phrase of it is.
        order = np.lexsort((key, group, term))
        term, group, key, opened = term[order], group[order], key[order], opened[order]
        first = np.ones(count, dtype=bool)
        first[1:] = (term[1:] != term[:-1]) | (group[1:] != group[:-1]) | (key[1:] != key[:-1])
        rows = np.flatnonzero(first)
        pair_open = np.logical_or.reduceat(opened, rows) if rows.size else np.zeros(0, dtype=bool)
        size = len(folded_terms) + len(exact_terms)
        per_term = np.bincount(term[rows], minlength=size)
        pair_start = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(per_term, out=pair_start[1:])
        any_open = np.bincount(term[rows], weights=pair_open, minlength=size) > 0
        return cls(
            folded_terms,
            exact_terms,
            group_names,
            key_names,
            pair_start,
            group[rows],
            key[rows],
            pair_open,
            any_open,
        )

    @classmethod
    def kept(cls, phrases: list[Phrase]) -> _PhraseIndex:
        """`of(phrases)`, read from what an earlier start kept beside the data files
        (`model.datafiles.kept_derived`), or built and kept there: folding and indexing 65,000
        phrases was a quarter of start-up. The key is the phrases themselves (and, as every kept
        value's, this package's source, which folds them), NumPy's version and the Unicode
        database's (which folding reads)."""

        def derive() -> tuple[list[str], list[str], list[str], list[str], list[ArrayState]]:
            index = cls.of(phrases)
            arrays = [array_state(getattr(index, name)) for name in _INDEX_ARRAYS]
            return index.folded_terms, index.exact_terms, index.groups, index.keys, arrays

        columns = tuple(zip(*phrases, strict=True)) if phrases else ()
        key = (
            _INDEX_FORMAT,
            np.__version__.encode(),
            unicodedata.unidata_version.encode(),
            marshal.dumps(columns),
        )
        folded_terms, exact_terms, groups, keys, arrays = kept_derived("phrase_index", key, derive)
        return cls(folded_terms, exact_terms, groups, keys, *map(array_from_state, arrays))


# Change when what `_PhraseIndex.kept` keeps changes; the arrays it keeps, in `of`'s order.
_INDEX_FORMAT = b"phrase index 2"
_INDEX_ARRAYS = ("pair_start", "pair_group", "pair_key", "pair_open", "any_open")


def _vocabulary(folded_terms: Collection[str], exact_terms: Collection[str]) -> frozenset[str]:
    """What `fold_text` may read a disguised word as: the words of every phrase in lower case,
    their adjacent pairs ("stem cells", to split "s t e m c e l l s" where the pair is meant) and
    the case-sensitive abbreviations as written ("ALS") and in lower case."""
    vocabulary: set[str] = set()
    # Pairs are joined once each: the lexicons' 137,000 adjacent pairs are 40,000 distinct ones.
    pairs: set[tuple[str, str]] = set()
    for words in map(str.split, map(str.lower, chain(folded_terms, exact_terms))):
        vocabulary.update(words)
        if len(words) > 1:
            pairs.update(zip(words, words[1:], strict=False))
    vocabulary.update(map(" ".join, pairs))
    vocabulary.update(exact_terms)
    return frozenset(vocabulary)


def kept_leftmost_longest(groups: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Which spans a scan keeps that takes, group by group, each span starting at or after the
    end of the last span it kept in its group (spans sorted by group, start, longest first).

    A span that starts at or after the end of every earlier span of its group is kept whatever
    was kept before it: most are, and they are found with one running maximum. Only the spans
    that overlap an earlier one of their group are scanned in Python, each from the kept span
    right before its run of overlaps."""
    keep = np.ones(groups.size, dtype=bool)
    if groups.size < 2:
        return keep
    # Per group, the greatest end so far: groups are offset by `span`, so the running maximum
    # starts afresh with each group (the previous group's maximum reads as negative).
    span = int(ends.max()) + 1
    offset = groups.astype(np.int64) * span
    reach = np.maximum.accumulate(ends + offset)
    overlapping = np.zeros(groups.size, dtype=bool)
    overlapping[1:] = starts[1:] < reach[:-1] - offset[1:]
    rows = np.flatnonzero(overlapping)
    if not rows.size:
        return keep
    keep[rows] = False
    kept: list[int] = []
    last_end, previous = 0, -2
    for row, start, end, end_before in zip(
        rows.tolist(),
        starts[rows].tolist(),
        ends[rows].tolist(),
        ends[rows - 1].tolist(),
        strict=True,
    ):
        if row != previous + 1:  # the span before starts the run, and is kept
            last_end = end_before
        if start >= last_end:
            kept.append(row)
            last_end = end
        previous = row
    keep[kept] = True
    return keep


def lexsort_bounded(*columns: tuple[np.ndarray, int]) -> np.ndarray:
    """`np.lexsort` of non-negative integer arrays, the first the primary key, each given with
    a bound its values are below: when the bounds' product fits in 63 bits, one stable argsort
    of the keys combined into one integer (a third of `lexsort`'s time on a page's matches),
    which orders exactly as `lexsort` does, ties included."""
    size = 1
    for _, bound in columns:
        size *= max(bound, 1)
    if size >= 1 << 63:
        return np.lexsort(tuple(values for values, _ in reversed(columns)))
    combined = np.zeros(columns[0][0].size, dtype=np.int64)
    for values, bound in columns:
        combined *= max(bound, 1)
        combined += values
    return np.argsort(combined, kind="stable")


def leftmost_longest_sorted(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """(start, end, key) spans without overlaps, of spans sorted by start, then longest first,
    then key (as `find_all` gives an overlapping group's spans): of each overlapping run, the
    earliest, then the longest (then the first key) is kept. A 100 KB page's composed names
    filter and resolve a thousand heads per source word; sorting them again took most of the
    time."""
    kept: list[tuple[int, int, str]] = []
    last_end = -1
    for span in spans:
        if span[0] >= last_end:
            kept.append(span)
            last_end = span[1]
    return kept
