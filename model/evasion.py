"""Word-level repairs of text written to slip past screening, each kept as evidence.

`model.normalise` folds characters one by one; what it cannot see is a *word* in disguise:
Cyrillic or Greek letters that look Latin (`ѕtеm`), letters spaced or dotted apart
(`s t e m`, `s.t.e.m`), digits for letters (`st3m c3lls`), and a word hyphenated across a line
break. Each stage here finds such words in the folded text (case kept) and rewrites them to what
a reader reads, keeping for every character its index in the original; each rewrite is also an
`Obfuscation` record with the original span.

Rewrites that could turn honest text into something else are gated by the *vocabulary*, the
words of the lexicon and rule phrases (lower case), their adjacent pairs ("stem cells") and the
case-sensitive abbreviations as written ("ALS"): spaced letters and digit swaps are undone only
when the result is a vocabulary word (so "M.S.", "U.S." and "24h" stay as written), a line-break
hyphen is dropped only when the joined word is one and the two halves are not a known pair, and
a word written wholly in Cyrillic or Greek letters is read as Latin only when its Latin
look-alike is one and the page is not written in that script. A word that mixes Latin with
look-alike letters of another script is read as Latin whatever the vocabulary: no honest word is
spelled that way (on a page written in that script it is a slip, and not reported).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from model.characters import ascii_table, code_points
from model.linear_regex import LinearPattern
from model.lookalikes import latin_lookalike, lookalike_words, script_of, written_in

# A run of spaced-out or dotted single letters, at least three of them: "s t e m", "S.T.E.M",
# with the dot after the last letter when a word follows ("s. t. e. m. cells"). Read by
# `_spaced_letter_run` with string code (the `re` pattern it replaces needed lookarounds).
SPACED_LETTER_MARKS = ".\u00b7\u2022*"
_WIDE_SPACED_LETTER_MARKS = "\u00b7\u2022"
# Marks put inside a word, or between the words of a name, to break it for a filter while a
# reader reads through them: "ste*m", "multiple.sclerosis". (`_` and `-` are separators already.)
_INSERTED_MARKS = "*.\u00b7\u2022~^|+#"
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LEET_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@$!|'")
LEET_LETTERS: dict[str, str] = {
    "0": "o",
    "1": "il",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "l",
}
_MAX_LEET_POSITIONS = 6
# Character classes of ASCII, looked up with NumPy to find exactly the few places worth a closer
# look (Python's `re`, trying a pattern at every letter, costs 20 times more on a 5 KB ad).
_OTHER, _ASCII_LETTER, _LEET, _DIGIT, _NON_ASCII = range(5)
_CLASSES = np.zeros(129, dtype=np.uint8)
_CLASSES[[ord(c) for c in "0123456789"]] = _DIGIT
_CLASSES[[ord(c) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"]] = _ASCII_LETTER
_CLASSES[[ord(c) for c in LEET_LETTERS]] = _LEET
_CLASSES[128] = _NON_ASCII
_ASCII_CLASSES = ascii_table(_CLASSES)


def _class_members(characters: str) -> str:
    """`characters` as the members of an RE2 character class (ASCII punctuation escaped)."""
    return "".join("\\" + c if c.isascii() and not c.isalnum() else c for c in characters)


# An inserted mark between two ASCII letters (`_inner_marks`): the group is the mark, and the
# next search starts after it, so the letter after it may begin the next match ("a.m.x").
_INNER_MARK = LinearPattern(f"[A-Za-z]([{_class_members(_INSERTED_MARKS)}])[A-Za-z]")
# Whether the array passes of `_spaced_letter_starts` and `_leet_contacts` can find anything,
# as one RE2 search each (most pages have no spaced letters and no digit beside a letter, and
# on a 5 KB ad the search costs a third to a half of the passes), written from the same
# character classes: a text without a match has nothing to find. Outside a word: an ASCII
# character of class _OTHER, or a wide spaced-letter mark.
_OUTSIDE_WORD = (
    f"(?:[^A-Za-z0-9{_class_members(''.join(LEET_LETTERS))}\\x{{80}}-\\x{{10ffff}}]"
    f"|[{_WIDE_SPACED_LETTER_MARKS}])"
)
_LONE_LETTERS_GAP = f"(?:{_OUTSIDE_WORD}(?s:.)?{_OUTSIDE_WORD}|{_OUTSIDE_WORD})"
# Three one-letter words, each at most four characters from the next.
_THREE_LONE_LETTERS = LinearPattern(
    f"(?:^|{_OUTSIDE_WORD})[A-Za-z]{_LONE_LETTERS_GAP}[A-Za-z]{_LONE_LETTERS_GAP}[A-Za-z]"
    f"(?:{_OUTSIDE_WORD}|$)"
)
# A character that may stand for a letter beside an ASCII letter or apostrophe.
_LEET_CLASS = f"[{_class_members(''.join(LEET_LETTERS))}]"
_LEET_BESIDE_LETTER = LinearPattern(f"[A-Za-z']{_LEET_CLASS}|{_LEET_CLASS}[A-Za-z']")
_SPACED_LETTERS_OR_LEET = LinearPattern(
    f"{_THREE_LONE_LETTERS.pattern}|{_LEET_BESIDE_LETTER.pattern}"
)
# A word hyphenated at the end of a line: "multi-\nple" (a soft hyphen there is already gone).
# (RE2 patterns that start with a literal scan fast; the letters on either side are checked
# after.)
_LINE_BREAK_HYPHEN = LinearPattern(r"-[ \t]*(?:\r\n?|\n)")
_LINE_BREAK_ANY_HYPHEN = LinearPattern("[-\u2010\u00ad]" r"[ \t]*(?:\r\n?|\n)")
_MIN_SPACED_WORD = 3  # letters of a word made from spaced letters
_MAX_SPACED_WORD = 30  # ... and at most (a page of "S S S S ..." must stay linear)
_MIN_SPACED_RUN = 4  # letters read as words in a run: "s v f" stays as written, "A L S" too
_MIN_SPACED_LETTERS = 3  # unless an abbreviation of the vocabulary, in capitals
_MIN_LEET_WORD = 3
_MAX_LEET_WORD = 40
_MIN_LOOKALIKE_WORD = 3


class ObfuscationKind(StrEnum):
    """How a word was disguised."""

    INVISIBLE = "invisible_characters"
    LOOKALIKE = "lookalike_letters"
    LETTER_SPACING = "letter_spacing"
    DIGIT_SWAP = "digits_for_letters"
    INSERTED_MARKS = "marks_inside_words"
    # Letters stored in reverse and shown in reading order by a right-to-left override.
    BIDI_OVERRIDE = "reversed_by_bidi_override"
    # Typesetting more often than evasion: weak evidence on its own.
    LINE_BREAK_HYPHEN = "line_break_hyphenation"


@dataclass(frozen=True, slots=True)
class Obfuscation:
    """A disguised word: [start, end) of the original text, and how it reads once undone."""

    kind: ObfuscationKind
    start: int
    end: int
    reads_as: str


@dataclass(frozen=True, slots=True)
class _Rewrite:
    """Replace [start, end) of the folded text by `text`, whose characters come from `origins`."""

    start: int
    end: int
    text: str
    origins: np.ndarray
    record: Obfuscation | None  # None: undone, but not evidence of anything


Vocabulary = Collection[str]
_Stage = Callable[[str, str, np.ndarray, Vocabulary | None], list[_Rewrite]]


def repair_words(
    original: str, cased: str, origin: np.ndarray, vocabulary: Vocabulary | None
) -> tuple[str, np.ndarray, list[Obfuscation], bool]:
    """Undo word disguises in `cased` (the folded text, case kept) whose characters come from
    `origin`; returns the repaired text, its origin map, the disguises undone and whether any
    word was rewritten (some rewrites are no evidence: "A.L.S." read as "ALS")."""
    records: list[Obfuscation] = []
    rewritten = False
    stages: tuple[_Stage, ...] = (
        _lookalikes,
        _line_break_hyphens,
        _spaced_letters,
        _marks_inside_words,
        _digit_swaps,
    )
    # Whether the text holds no spaced letters and no letter beside a digit or symbol (most
    # texts): one search for both spares the two stages that look for them. Asked again after
    # a rewrite.
    plain: bool | None = None
    for stage in stages:
        if stage in _LETTER_STAGES:
            if plain is None:
                plain = vocabulary is None or _SPACED_LETTERS_OR_LEET.search(cased) is None
            if plain:
                continue
        rewrites = stage(original, cased, origin, vocabulary)
        if rewrites:
            rewritten = True
            plain = None
            cased, origin = _apply(cased, origin, rewrites)
            records += [rewrite.record for rewrite in rewrites if rewrite.record is not None]
    return cased, origin, records, rewritten


def _apply(cased: str, origin: np.ndarray, rewrites: list[_Rewrite]) -> tuple[str, np.ndarray]:
    pieces: list[str] = []
    origins: list[np.ndarray] = []
    position = 0
    for rewrite in sorted(rewrites, key=lambda r: r.start):
        if rewrite.start < position:  # overlaps an earlier rewrite of the same stage
            continue
        pieces += [cased[position : rewrite.start], rewrite.text]
        origins += [origin[position : rewrite.start], rewrite.origins]
        position = rewrite.end
    pieces.append(cased[position:])
    origins.append(origin[position:])
    return "".join(pieces), np.concatenate(origins).astype(np.int64, copy=False)


def _record(
    kind: ObfuscationKind, origin: np.ndarray, start: int, end: int, reads_as: str
) -> Obfuscation:
    # The least and greatest origin: inside text shown reversed (`model.normalise`) the first
    # character read is not the first stored.
    span = origin[start:end]
    return Obfuscation(kind, int(span.min()), int(span.max()) + 1, reads_as.lower())


# --- look-alike letters ------------------------------------------------------------------------


def _lookalikes(
    original: str, cased: str, origin: np.ndarray, vocabulary: Vocabulary | None
) -> list[_Rewrite]:
    if cased.isascii():
        return []
    rewrites: list[_Rewrite] = []
    whole_word: dict[str, list[tuple[int, int, str]]] = {}
    is_written_in = functools.cache(functools.partial(written_in, cased))
    for start, end in lookalike_words(cased):
        word = cased[start:end]
        if sum(c.isalpha() for c in word) < _MIN_LOOKALIKE_WORD:
            continue
        scripts = {script_of(c) for c in word if c.isalpha()}
        reads_as = "".join(c if c.isascii() else latin_lookalike(c) or c for c in word)
        if "LATIN" in scripts:
            # On a page written in Cyrillic, "avilovа" is a slip of the keyboard layout more
            # often than a disguise: read as Latin, not reported.
            slip = len(scripts) == 2 and is_written_in(next(iter(scripts - {"LATIN"})))
            rewrites.append(_same_length(start, end, reads_as, origin, report=not slip))
        elif len(scripts) == 1 and vocabulary is not None and reads_as.lower() in vocabulary:
            whole_word.setdefault(scripts.pop(), []).append((start, end, reads_as))
    for script, words in whole_word.items():
        if not is_written_in(script):
            rewrites += [_same_length(start, end, text, origin) for start, end, text in words]
    return rewrites


def _same_length(
    start: int, end: int, text: str, origin: np.ndarray, *, report: bool = True
) -> _Rewrite:
    record = _record(ObfuscationKind.LOOKALIKE, origin, start, end, text) if report else None
    return _Rewrite(start, end, text, origin[start:end], record)


# --- line-break hyphenation --------------------------------------------------------------------


def _line_break_hyphens(
    original: str, cased: str, origin: np.ndarray, vocabulary: Vocabulary | None
) -> list[_Rewrite]:
    if vocabulary is None or "\n" not in original and "\r" not in original:
        return []
    rewrites: list[_Rewrite] = []
    pattern = _LINE_BREAK_HYPHEN if original.isascii() else _LINE_BREAK_ANY_HYPHEN
    for hyphen, _ in pattern.finditer(original):
        if not hyphen or not original[hyphen - 1].isalnum():
            continue
        gap = int(np.searchsorted(origin, hyphen))
        if gap >= len(cased) or cased[gap] != " ":
            continue
        if origin[gap] < hyphen or (gap and origin[gap - 1] >= hyphen):
            continue  # inside text shown reversed, where the origin map is not ordered
        left = _word_before(cased, gap)
        right = _word_after(cased, gap + 1)
        joined = cased[left:gap] + cased[gap + 1 : right]
        if left == gap or right == gap + 1 or joined.lower() not in vocabulary:
            continue
        if f"{cased[left:gap]} {cased[gap + 1 : right]}".lower() in vocabulary:
            continue  # "stem-\ncells": a hyphenated pair the vocabulary knows, kept apart
        origins = np.concatenate((origin[left:gap], origin[gap + 1 : right]))
        record = _record(ObfuscationKind.LINE_BREAK_HYPHEN, origin, left, right, joined)
        rewrites.append(_Rewrite(left, right, joined, origins, record))
    return rewrites


def _word_before(text: str, end: int) -> int:
    start = end
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    return start


def _word_after(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isalnum():
        end += 1
    return end


# --- spaced and dotted letters -----------------------------------------------------------------


def _spaced_letters(
    original: str, cased: str, origin: np.ndarray, vocabulary: Vocabulary | None
) -> list[_Rewrite]:
    if vocabulary is None:
        return []
    rewrites: list[_Rewrite] = []
    seen_until = 0
    for start in _spaced_letter_starts(cased):
        run_end = _spaced_letter_run(cased, start) if start >= seen_until else None
        if run_end is None:
            continue
        seen_until = run_end
        rewrite = _read_spaced(cased, origin, vocabulary, start, run_end)
        if rewrite is not None:
            rewrites.append(rewrite)
            continue
        # Unread whole, a run may be a word before spaced capitals ("a A L S"): letters spaced
        # in one style share their case, so each stretch that starts in capitals after a
        # lower-case letter is read on its own.
        rewrites += filter(
            None,
            (
                _read_spaced(cased, origin, vocabulary, part_start, part_end)
                for part_start, part_end in _case_parts(cased, start, run_end)
            ),
        )
    return rewrites


def _case_parts(cased: str, start: int, end: int) -> list[tuple[int, int]]:
    """The stretches of the spaced letters in [start, end) that a lower-case letter followed by
    a capital separates, when there are several; the last one ends at `end`."""
    positions = [p for p in range(start, end) if cased[p] in _ASCII_LETTERS]
    cuts = [
        i
        for i in range(1, len(positions))
        if cased[positions[i - 1]].islower() and cased[positions[i]].isupper()
    ]
    if not cuts:
        return []
    bounds = [0, *cuts, len(positions)]
    parts = []
    for first, after in itertools.pairwise(bounds):
        if after - first >= _MIN_SPACED_LETTERS:
            last = end if after == len(positions) else positions[after - 1] + 1
            parts.append((positions[first], last))
    return parts


def _read_spaced(
    cased: str, origin: np.ndarray, vocabulary: Vocabulary, start: int, run_end: int
) -> _Rewrite | None:
    """The rewrite of the spaced letters in [start, run_end) as vocabulary words, if any."""
    positions = [p for p in range(start, run_end) if cased[p] in _ASCII_LETTERS]
    letters = "".join(cased[p] for p in positions)
    honest = False
    if len(letters) < _MIN_SPACED_RUN:
        # Three letters only for an abbreviation in capitals ("A L S"); dotted, as in
        # "A.L.S.", it is honest writing, read as the abbreviation but not reported.
        if letters not in vocabulary or not letters.isupper():
            return None
        pieces: list[int] | None = [len(letters)]
        honest = "." in cased[start:run_end]
    else:
        pieces = segment_letters(letters.lower(), vocabulary)
    if pieces is None:
        return None
    text_parts: list[str] = []
    origins: list[int] = []
    index = 0
    for piece_number, length in enumerate(pieces):
        if piece_number:
            text_parts.append(" ")
            origins.append(int(origin[positions[index - 1] + 1]))
        piece = positions[index : index + length]
        text_parts.append(letters[index : index + length])
        origins += [int(origin[p]) for p in piece]
        index += length
    reads_as = "".join(text_parts)
    record = (
        None
        if honest
        else _record(
            ObfuscationKind.LETTER_SPACING, origin, positions[0], positions[-1] + 1, reads_as
        )
    )
    return _Rewrite(start, run_end, reads_as, np.array(origins, dtype=np.int64), record)


def _spaced_letter_run(text: str, start: int) -> int | None:
    """The end of the run of spaced or dotted single letters that starts at `start`, None when
    none does: a letter with no letter or digit before it, two or more times a separator (a
    space, or a mark with an optional space on either side) and a letter with no letter or digit
    after it, and a final dot when a space follows. Where `re` matched
    `(?<![^\\W_])[A-Za-z](?:(?: ?[.·•*] ?| )[A-Za-z](?![^\\W_])){2,}(?:\\.(?= ))?`: each
    repetition can be read one way only, so reading greedily is what `re` found."""
    if text[start : start + 1] not in _ASCII_LETTERS or (start and text[start - 1].isalnum()):
        return None
    end = start + 1
    letters = 1
    while (letter_end := _spaced_letter(text, end)) is not None:
        end = letter_end
        letters += 1
    if letters < 3:
        return None
    return end + 1 if text[end : end + 2] == ". " else end


def _spaced_letter(text: str, position: int) -> int | None:
    """The end of a separator and a lone letter at `position`, None when there is none."""
    mark = position + 1 if text[position : position + 1] == " " else position
    if text[mark : mark + 1] and text[mark] in SPACED_LETTER_MARKS:
        letter = mark + 2 if text[mark + 1 : mark + 2] == " " else mark + 1
    elif mark > position:  # a space alone
        letter = mark
    else:
        return None
    if text[letter : letter + 1] not in _ASCII_LETTERS or text[letter + 1 : letter + 2].isalnum():
        return None
    return letter + 1


def _character_classes(text: str) -> np.ndarray:
    """`_CLASSES` of each character. Not remembered between calls: a cache keyed by the text
    would keep the last pages a client sent in memory after their checks (issue 15)."""
    if text.isascii():
        return np.frombuffer(bytearray(text, "ascii").translate(_ASCII_CLASSES), dtype=np.uint8)
    codes = code_points(text)
    return _CLASSES[np.minimum(codes, 128)]


def _spaced_letter_starts(cased: str) -> list[int]:
    """The one-letter words followed closely by two more: where runs may start."""
    if _THREE_LONE_LETTERS.search(cased) is None:
        return []
    classes = _character_classes(cased)
    outside_words = np.ones(len(classes) + 2, dtype=bool)
    outside_words[1:-1] = classes == _OTHER
    if not cased.isascii():  # the middle dot and the bullet separate letters like "." does
        for mark in _WIDE_SPACED_LETTER_MARKS:
            position = cased.find(mark)
            while position >= 0:
                outside_words[position + 1] = True
                position = cased.find(mark, position + 1)
    lone = (classes == _ASCII_LETTER) & outside_words[:-2] & outside_words[2:]
    letters = lone.nonzero()[0]
    if letters.size < _MIN_SPACED_LETTERS:
        return []
    close = np.diff(letters) <= 4  # "s t", "s.t", "s. t"
    return letters[:-2][close[:-1] & close[1:]].tolist()


def segment_letters(letters: str, vocabulary: Vocabulary) -> list[int] | None:
    """Lengths of the pieces that split `letters` into the fewest vocabulary words of three
    letters or more (a letter that fits no word stays on its own, at a high price), or None when
    fewer than four letters are read as words.

    Fewest pieces reads "w i t h o u t" as "without", not "with out"; among splits with as many
    pieces, the one whose neighbouring words the vocabulary knows as a pair wins ("multiple
    sclerosis", not "multipl esclerosis", though each of those is a word of some lexicon); a
    piece that is two words the vocabulary knows as a pair ("stemcells": "stem cells") is then
    split in two."""
    size = len(letters)
    single_cost = 5
    # Per start: (cost, known pairs, words' letters, step), the best reading of letters[start:].
    best: list[tuple[int, int, int, int] | None] = [None] * (size + 1)
    best[size] = (0, 0, 0, 0)
    for start in range(size - 1, -1, -1):
        options = []
        after = best[start + 1]
        if after is not None:
            options.append((after[0] + single_cost, after[1], after[2], 1))
        for end in range(start + _MIN_SPACED_WORD, min(start + _MAX_SPACED_WORD, size) + 1):
            rest = best[end]
            word = letters[start:end]
            if rest is None or word not in vocabulary:
                continue
            following = letters[end : end + rest[3]]
            paired = rest[3] >= _MIN_SPACED_WORD and f"{word} {following}" in vocabulary
            options.append((rest[0] + 1, rest[1] + paired, rest[2] + end - start, end - start))
        best[start] = min(options, key=lambda o: (o[0], -o[1], -o[2])) if options else None
    if best[0] is None or best[0][2] < _MIN_SPACED_RUN:
        return None
    lengths = []
    position = 0
    while position < size:
        step = best[position]
        assert step is not None
        lengths += _split_known_pair(letters[position : position + step[3]], vocabulary)
        position += step[3]
    return lengths


def _split_known_pair(word: str, vocabulary: Vocabulary) -> list[int]:
    for cut in range(_MIN_SPACED_WORD, len(word) - _MIN_SPACED_WORD + 1):
        if f"{word[:cut]} {word[cut:]}" in vocabulary:
            return [cut, len(word) - cut]
    return [len(word)]


# --- marks inside words -----------------------------------------------------------------------


def _marks_inside_words(
    original: str, cased: str, origin: np.ndarray, vocabulary: Vocabulary | None
) -> list[_Rewrite]:
    """Letters broken by marks a reader reads through: read without them when that spells a
    vocabulary word ("ste*m", "cel.ls"), or with a space for each when the pieces are words the
    vocabulary knows as pairs ("multiple.sclerosis"). A run that is a vocabulary word as written,
    spells none, or is shorter than four letters stays as it is ("e.g.", "U.S.", "clinic.com")."""
    if vocabulary is None:
        return []
    rewrites: list[_Rewrite] = []
    token_end = -1
    for position in _inner_marks(cased):
        if position < token_end:
            continue
        start, token_end = _marked_token(cased, position)
        token = cased[start:token_end]
        if token.lower() in vocabulary:
            continue
        letters = [p for p in range(start, token_end) if cased[p] in _ASCII_LETTERS]
        # Each mark stands between two letters (`_marked_token`): a space for each splits the
        # token into its pieces.
        spaced = "".join(c if c in _ASCII_LETTERS else " " for c in token)
        pieces = spaced.split(" ")
        joined = "".join(pieces)
        if len(joined) < _MIN_SPACED_RUN or max(map(len, pieces)) == 1:
            continue  # "M.S", "U.S", "s.t.e.m": abbreviations, or dotted letters (read above)
        if joined.lower() in vocabulary:
            record = _record(ObfuscationKind.INSERTED_MARKS, origin, start, token_end, joined)
            rewrites.append(_Rewrite(start, token_end, joined, origin[letters], record))
        elif all(f"{a} {b}".lower() in vocabulary for a, b in itertools.pairwise(pieces)):
            record = _record(ObfuscationKind.INSERTED_MARKS, origin, start, token_end, spaced)
            rewrites.append(_Rewrite(start, token_end, spaced, origin[start:token_end], record))
    return rewrites


def _inner_marks(text: str) -> list[int]:
    """Positions of inserted marks with an ASCII letter on either side, in order."""
    return [position for position, _ in _INNER_MARK.finditer(text)]


def _marked_token(text: str, position: int) -> tuple[int, int]:
    """The run of ASCII letters and single inserted marks around the mark at `position`."""
    start = position
    while start > 0 and (
        text[start - 1] in _ASCII_LETTERS
        or (text[start - 1] in _INSERTED_MARKS and text[start - 2 : start - 1] in _ASCII_LETTERS)
    ):
        start -= 1
    while text[start] not in _ASCII_LETTERS:
        start += 1
    end = position + 1
    while end < len(text) and (
        text[end] in _ASCII_LETTERS
        or (text[end] in _INSERTED_MARKS and text[end + 1 : end + 2] in _ASCII_LETTERS)
    ):
        end += 1
    return start, end


# --- digits for letters ------------------------------------------------------------------------


def _digit_swaps(
    original: str, cased: str, origin: np.ndarray, vocabulary: Vocabulary | None
) -> list[_Rewrite]:
    if vocabulary is None:
        return []
    rewrites: list[_Rewrite] = []
    token_end = -1
    for contact in _leet_contacts(cased):
        if contact < token_end:  # inside the token just read
            continue
        start, end, token_end = _leet_token(cased, contact)
        token = cased[start:end]
        reads_as = read_leet(token, vocabulary)
        if reads_as is not None:
            record = _record(ObfuscationKind.DIGIT_SWAP, origin, start, end, reads_as)
            rewrites.append(_Rewrite(start, end, reads_as, origin[start:end], record))
    return rewrites


def _leet_contacts(cased: str) -> list[int]:
    """Each position where an ASCII letter or apostrophe and a character of `LEET_LETTERS` meet:
    the first of the two."""
    if _LEET_BESIDE_LETTER.search(cased) is None:
        return []
    classes = _character_classes(cased)
    letter, leet = classes == _ASCII_LETTER, (classes == _LEET)
    position = cased.find("'")
    while position >= 0:  # "parkinson'5": the apostrophe of a word touches the swapped letter
        letter[position] = True
        position = cased.find("'", position + 1)
    contacts: list[int] = (
        ((letter[:-1] & leet[1:]) | (leet[:-1] & letter[1:])).nonzero()[0].tolist()
    )
    return contacts


def _leet_token(text: str, position: int) -> tuple[int, int, int]:
    """The run of letters, digits, @$!| and apostrophes around `position`: its start and end
    without edge punctuation, and where the run ends."""
    start = position
    while start > 0 and text[start - 1] in _LEET_CHARS:
        start -= 1
    run_end = position
    while run_end < len(text) and text[run_end] in _LEET_CHARS:
        run_end += 1
    end = run_end
    while start < end and text[start] in "!|@'":
        start += 1
    while end > start and text[end - 1] in "!|@$'":
        end -= 1
    return start, end, run_end


def read_leet(token: str, vocabulary: Vocabulary) -> str | None:
    """The vocabulary word `token` spells with digits or symbols for letters ("c3lls" → "cells"),
    with the fewest such swaps; None when it spells none (or is a word already, like "covid19").

    The readings are searched letter by letter, a branch dropped as soon as no vocabulary word
    starts with what it has spelt: a token of six swappable characters has hundreds of
    readings, and a page of registry numbers ("NCT01234567") thousands of such tokens. Among
    the readings with the fewest swaps, the first in the order of `LEET_LETTERS`' alternatives
    (the token's own character first) wins."""
    if not _MIN_LEET_WORD <= len(token) <= _MAX_LEET_WORD or _ASCII_LETTERS.isdisjoint(token):
        return None
    if token.lower() in vocabulary:
        return None
    swappable = [i for i, c in enumerate(token) if c in LEET_LETTERS]
    if not swappable or len(swappable) > _MAX_LEET_POSITIONS:
        return None
    frozen = vocabulary if isinstance(vocabulary, frozenset) else frozenset(vocabulary)
    prefixes = _prefixes(frozen)
    upper = token.isupper()
    best: tuple[int, str] | None = None
    # Depth-first over the characters, in the order itertools.product would give the readings.
    stack: list[tuple[int, str, str, int]] = [(0, "", "", 0)]  # position, spelt, lowered, swaps
    while stack:
        position, spelt, lowered, swaps = stack.pop()
        if best is not None and swaps > best[0]:
            continue
        if position == len(token):
            if swaps and lowered in vocabulary and (best is None or swaps < best[0]):
                best = (swaps, spelt)
            continue
        char = token[position]
        options = [(char, 0)]
        if char in LEET_LETTERS:
            options += [(letter, 1) for letter in LEET_LETTERS[char]]
        branches = []
        for letter, swapped in options:
            shown = letter.upper() if upper and swapped else letter
            longer = lowered + letter.lower()
            if longer in prefixes:
                branches.append((position + 1, spelt + shown, longer, swaps + swapped))
        stack.extend(reversed(branches))  # the first option is explored first
    return None if best is None else best[1]


@functools.lru_cache(maxsize=4)
def _prefixes(vocabulary: frozenset[str]) -> frozenset[str]:
    """Every prefix of the vocabulary's words a token can spell (one word, of a readable
    length); the vocabulary is built once per checker."""
    return frozenset(
        word[:end]
        for word in vocabulary
        if " " not in word and _MIN_LEET_WORD <= len(word) <= _MAX_LEET_WORD
        for end in range(1, len(word) + 1)
    )


# The stages that find nothing in a text `_SPACED_LETTERS_OR_LEET` finds nothing in.
_LETTER_STAGES: frozenset[_Stage] = frozenset({_spaced_letters, _digit_swaps})
