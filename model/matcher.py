"""One Aho–Corasick pass finds every lexicon term, cue and rule phrase in a text.

All phrases of all lexicons go into a single automaton over folded text (see `model.text`), so a
document is scanned once whatever the number of terms, in time linear in its length. Case-
sensitive abbreviations ("MS", "ALS", "T1D") get a second automaton over the original text.
Matches must start and end on word boundaries; within one *group* (a lexicon, or one phrase list
of a rule) overlapping matches are resolved leftmost-longest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from model.text import FoldedText, fold_term


@dataclass(frozen=True, slots=True, eq=False)
class Mention:
    """A phrase found in the text. `start`/`end` index the original text.

    Compared and hashed by identity: each mention is one find, and identity hashing keeps the
    per-sentence lookups cheap.
    """

    group: str
    key: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Phrase:
    group: str
    key: str
    text: str
    case_sensitive: bool = False


def _is_word_char(char: str) -> bool:
    return char.isalnum()


class PhraseMatcher:
    """Finds phrases from many groups in one pass."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        folded: dict[str, set[tuple[str, str]]] = defaultdict(set)
        exact: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for phrase in phrases:
            if phrase.case_sensitive:
                term = phrase.text.strip()
                if term:
                    exact[term].add((phrase.group, phrase.key))
            else:
                term = fold_term(phrase.text)
                if term:
                    folded[term].add((phrase.group, phrase.key))
        self._folded = self._build(folded)
        self._exact = self._build(exact)
        self.size = len(folded) + len(exact)

    @staticmethod
    def _build(terms: dict[str, set[tuple[str, str]]]) -> ahocorasick.Automaton | None:
        if not terms:
            return None
        automaton = ahocorasick.Automaton()
        for term, payload in terms.items():
            automaton.add_word(term, (len(term), tuple(sorted(payload))))
        automaton.make_automaton()
        return automaton

    def find(self, text: FoldedText) -> list[Mention]:
        """Every match, grouped and de-overlapped, sorted by start offset."""
        by_group: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        if self._folded is not None:
            self._collect(self._folded, text.folded, by_group, text)
        if self._exact is not None:
            self._collect(self._exact, text.original, by_group, None)
        mentions: list[Mention] = []
        for group, spans in by_group.items():
            mentions.extend(Mention(group, key, s, e) for s, e, key in _leftmost_longest(spans))
        mentions.sort(key=lambda m: (m.start, -m.end, m.group))
        return mentions

    @staticmethod
    def _collect(
        automaton: ahocorasick.Automaton,
        haystack: str,
        by_group: dict[str, list[tuple[int, int, str]]],
        folded: FoldedText | None,
    ) -> None:
        size = len(haystack)
        for last, (length, payload) in automaton.iter(haystack):
            start, end = last - length + 1, last + 1
            if start > 0 and _is_word_char(haystack[start - 1]) and _is_word_char(haystack[start]):
                continue
            if end < size and _is_word_char(haystack[end]) and _is_word_char(haystack[end - 1]):
                continue
            if folded is not None:
                start, end = folded.span_in_original(start, end)
            for group, key in payload:
                by_group[group].append((start, end, key))


def _leftmost_longest(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    spans.sort(key=lambda s: (s[0], -s[1], s[2]))
    kept: list[tuple[int, int, str]] = []
    last_end = -1
    for span in spans:
        if span[0] >= last_end:
            kept.append(span)
            last_end = span[1]
    return kept
