"""A probe generator: violative ads rewritten the ways clinics disguise words, and benign texts.

Each ad marks its product and condition names with braces; a transformation rewrites the marked
names (or every word) the way issue 13's table lists, and the checker must still find the same
product x condition pair. The ads and benign texts are written for these tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

VIOLATIVE_ADS = (
    "Our {fat-derived stem cells} treat {multiple sclerosis}. No side effects, no waiting list.",
    "{Umbilical cord stem cell} injections reverse {Parkinson's disease} in a few weeks.",
    "We use {bone marrow stem cells} to cure {type 2 diabetes}, guaranteed results.",
    "{Exosome therapy} heals {COPD} so patients can throw away their inhalers.",
    "{Amniotic stem cell therapy} repairs {spinal cord injury} and has you walking again.",
    "Our {mesenchymal stem cells} treat {autism} in children with no risk at all.",
    "Book now: {stem cell treatment} for {rheumatoid arthritis} cures the pain for good.",
    "{Placental stem cells} regenerate the damaged nerves of {ALS} patients. Call today!",
)

BENIGN_TEXTS = (
    "Our physiotherapy team helps with {knee pain} after sport. Book a session online.",
    "The {clinic} is open Monday to Friday; parking is free for patients.",
    "Dr. Lee holds an M.S. in nutrition and trained in the U.S. before joining us.",
    "Family day at the practice \U0001f468\u200d\U0001f469\u200d\U0001f467 with free "
    "blood-pressure checks \u2764\ufe0f and flu shots \U0001f44d\U0001f3fd.",
    "Unsere Praxis bietet Ern\u00e4hrungs\u00adberatung und Physio\u00adtherapie an. "
    "Termine nach Vereinbarung.",
    "\u0645\u0627 \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u06cc\u0645 \u0628\u0647 "
    "\u0634\u0645\u0627 \u06a9\u0645\u06a9 \u06a9\u0646\u06cc\u0645. \u0646\u0648\u0628\u062a "
    "\u0628\u06af\u06cc\u0631\u06cc\u062f.",
    "\u0939\u092e\u093e\u0930\u093e \u0915\u094d\u200d\u0932\u093f\u0928\u093f\u0915 "
    "\u0938\u094b\u092e\u0935\u093e\u0930 \u0938\u0947 \u0936\u0941\u0915\u094d\u0930\u0935"
    "\u093e\u0930 \u0924\u0915 \u0916\u0941\u0932\u093e \u0939\u0948\u0964",
    "\u041d\u0430\u0448\u0430 \u043a\u043b\u0438\u043d\u0438\u043a\u0430 \u0440\u0430\u0431"
    "\u043e\u0442\u0430\u0435\u0442 \u0441 \u043f\u043e\u043d\u0435\u0434\u0435\u043b\u044c"
    "\u043d\u0438\u043a\u0430 \u043f\u043e \u043f\u044f\u0442\u043d\u0438\u0446\u0443. "
    "\u0417\u0430\u043f\u0438\u0441\u044c \u043f\u043e \u0442\u0435\u043b\u0435\u0444\u043e"
    "\u043d\u0443, \u043a\u043e\u043d\u0441\u0443\u043b\u044c\u0442\u0430\u0446\u0438\u044f "
    "\u0432\u0440\u0430\u0447\u0430 \u0438 \u0441\u043f\u0440\u0430\u0432\u043a\u0438.",
    "\u0397 \u03ba\u03bb\u03b9\u03bd\u03b9\u03ba\u03ae \u03bc\u03b1\u03c2 \u03b5\u03af\u03bd"
    "\u03b1\u03b9 \u03b1\u03bd\u03bf\u03b9\u03c7\u03c4\u03ae \u03ba\u03ac\u03b8\u03b5 "
    "\u03bc\u03ad\u03c1\u03b1. \u039a\u03bb\u03b5\u03af\u03c3\u03c4\u03b5 \u03c1\u03b1\u03bd"
    "\u03c4\u03b5\u03b2\u03bf\u03cd \u03c3\u03c4\u03bf \u03c4\u03b7\u03bb\u03ad\u03c6\u03c9"
    "\u03bd\u03bf.",
    "Our team: Anna (R.N.), Tom (P.T.), and Dr. Ruiz, M.D. \u2014 open 24/7 at 1200 Main St.",
    "Our services: \u24d0 {physiotherapy} after surgery, \u24d1 nutrition advice, \u24d2 "
    "sports massage. Ask at the desk \u24d8.",
    # Right-to-left pages: a Latin name isolated in an Arabic sentence (LRI…PDI), and a Hebrew
    # line a content system wrapped in a right-to-left override: shown as stored, read so.
    "\u0646\u0633\u062a\u0642\u0628\u0644\u0643\u0645 \u0641\u064a \u0639\u064a\u0627"
    "\u062f\u0629 \u2066Cedar Physio\u2069 \u0644\u0644\u0639\u0644\u0627\u062c \u0627"
    "\u0644\u0637\u0628\u064a\u0639\u064a \u0645\u0646 \u0627\u0644\u0633\u0628\u062a "
    "\u0625\u0644\u0649 \u0627\u0644\u062e\u0645\u064a\u0633.",
    "\u202e\u05d4\u05de\u05e8\u05e4\u05d0\u05d4 \u05e4\u05ea\u05d5\u05d7\u05d4 \u05d1"
    "\u05d9\u05de\u05d9\u05dd \u05e8\u05d0\u05e9\u05d5\u05df \u05e2\u05d3 \u05d7\u05de"
    "\u05d9\u05e9\u05d9\u202c, \u05d8\u05dc\u05e4\u05d5\u05df 03-5551234.",
)

_MARKED = re.compile(r"\{([^}]*)\}")
_WORD = re.compile(r"[A-Za-z']+")


def plain(ad: str) -> str:
    return _MARKED.sub(r"\1", ad)


def _in_names(transform_word: Callable[[str], str]) -> Callable[[str], str]:
    """Apply a word rewrite to every word of the marked names."""

    def rewrite(ad: str) -> str:
        names = _MARKED.sub(lambda m: _WORD.sub(lambda w: transform_word(w.group()), m[1]), ad)
        return names

    return rewrite


def _in_product(transform_word: Callable[[str], str]) -> Callable[[str], str]:
    """Apply a word rewrite to the words of the first marked name (the product) only."""

    def rewrite(ad: str) -> str:
        first = _MARKED.search(ad)
        if first is None:
            return ad
        product = _WORD.sub(lambda w: transform_word(w.group()), first[1])
        return plain(ad[: first.start()] + product + ad[first.end() :])

    return rewrite


def _everywhere(transform_word: Callable[[str], str]) -> Callable[[str], str]:
    def rewrite(ad: str) -> str:
        return _WORD.sub(lambda w: transform_word(w.group()), plain(ad))

    return rewrite


def _inside(char: str) -> Callable[[str], str]:
    """Put `char` after every second letter of a word of three letters or more."""

    def rewrite(word: str) -> str:
        if len(word) < 3:
            return word
        return "".join(
            c + (char if i % 2 == 1 and i < len(word) - 1 else "") for i, c in enumerate(word)
        )

    return rewrite


_CYRILLIC_TWINS = {"e": "\u0435", "o": "\u043e", "a": "\u0430", "c": "\u0441", "p": "\u0440"}
_GREEK_TWINS = {"o": "\u03bf", "i": "\u03b9", "a": "\u03b1", "v": "\u03bd"}


def _one_twin(twins: dict[str, str]) -> Callable[[str], str]:
    """Swap the first letter of the word that has a twin in another script."""

    def rewrite(word: str) -> str:
        for i, c in enumerate(word):
            if c in twins:
                return word[:i] + twins[c] + word[i + 1 :]
        return word

    return rewrite


def _all_twins(word: str) -> str:
    return "".join(_CYRILLIC_TWINS.get(c, c) for c in word)


_LEET = str.maketrans({"e": "3", "o": "0", "a": "4", "i": "1", "s": "5", "t": "7"})
_VOWEL_LEET = str.maketrans({"e": "3", "o": "0", "a": "4", "i": "1"})


def _spaced(word: str) -> str:
    return " ".join(word) if len(word) > 2 else word


def _dotted(word: str) -> str:
    return ".".join(word) if len(word) > 2 else word


def _fullwidth(word: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)


def _math(offset_upper: int, offset_lower: int) -> Callable[[str], str]:
    def rewrite(word: str) -> str:
        out = []
        for c in word:
            if "A" <= c <= "Z":
                out.append(chr(offset_upper + ord(c) - ord("A")))
            elif "a" <= c <= "z":
                out.append(chr(offset_lower + ord(c) - ord("a")))
            else:
                out.append(c)
        return "".join(out)

    return rewrite


def _hyphenate_longest(ad: str) -> str:
    """Break the longest word of each marked name across a line, with a hyphen."""

    def split(name: re.Match[str]) -> str:
        words = _WORD.findall(name[1])
        longest = max(words, key=len)
        if len(longest) < 5:
            return name[1]
        half = len(longest) // 2
        return name[1].replace(longest, f"{longest[:half]}-\n{longest[half:]}", 1)

    return _MARKED.sub(split, ad)


_SMALL_CAPITALS = dict(
    zip(
        "abcdefghijklmnoprstuvwyz",
        "\u1d00\u0299\u1d04\u1d05\u1d07\ua730\u0262\u029c\u026a\u1d0a\u1d0b\u029f"
        "\u1d0d\u0274\u1d0f\u1d18\u0280\ua731\u1d1b\u1d1c\u1d20\u1d21\u028f\u1d22",
        strict=True,
    )
)


def _small_capitals(word: str) -> str:
    return "".join(_SMALL_CAPITALS.get(c, c) for c in word.lower())


def _enclosed(small_a: int) -> Callable[[str], str]:
    """Each letter of the word, in lower case, as an enclosed letter (circled, parenthesised)
    whose block starts with small "a" at `small_a`: "ALS" becomes "\u24d0\u24db\u24e2"."""

    def rewrite(word: str) -> str:
        return "".join(
            chr(small_a + ord(c) - ord("a")) if "a" <= c <= "z" else c for c in word.lower()
        )

    return rewrite


def _mark_inside(mark: str) -> Callable[[str], str]:
    """The mark after the second letter of each word of four letters or more ("ste*m")."""

    def rewrite(word: str) -> str:
        return word[:2] + mark + word[2:] if len(word) >= 4 and word[:3].isalpha() else word

    return rewrite


def _wrapped_inside_names(ad: str) -> str:
    """Each marked name of several words broken over two lines, as a hard-wrapped e-mail."""
    return _MARKED.sub(lambda m: m[1].replace(" ", "\n", 1), ad)


_RLO, _PDF = "\u202e", "\u202c"


def _names_stored_backwards(ad: str) -> str:
    """Each marked name stored backwards under a right-to-left override: a browser draws it
    from right to left, so a visitor reads the name as written."""
    return _MARKED.sub(lambda m: _RLO + m[1][::-1] + _PDF, ad)


def _ad_stored_backwards(ad: str) -> str:
    return _RLO + plain(ad)[::-1] + _PDF


def _emoji_between_words(ad: str) -> str:
    return plain(ad).replace(" ", " \U0001f9ec ")


def _emoji_in_names(ad: str) -> str:
    return _MARKED.sub(lambda m: m[1].replace(" ", " \u2728 "), ad)


TRANSFORMATIONS: dict[str, Callable[[str], str]] = {
    "zero-width space in every word": _everywhere(_inside("\u200b")),
    "zero-width non-joiner in names": _in_names(_inside("\u200c")),
    "zero-width joiner in names": _in_names(_inside("\u200d")),
    "word joiner in the product only": _in_product(_inside("\u2060")),
    "soft hyphen in names": _in_names(_inside("\u00ad")),
    "bidi mark in names": _in_names(_inside("\u200e")),
    "variation selector in names": _in_names(_inside("\ufe0f")),
    "one Cyrillic letter per product word": _in_product(_one_twin(_CYRILLIC_TWINS)),
    "one Cyrillic letter per name word": _in_names(_one_twin(_CYRILLIC_TWINS)),
    "one Greek letter per name word": _in_names(_one_twin(_GREEK_TWINS)),
    "Cyrillic twins for every twin letter": _in_names(_all_twins),
    "leetspeak vowels in names": _in_names(lambda w: w.translate(_VOWEL_LEET)),
    "leetspeak in names": _in_names(lambda w: w.translate(_LEET)),
    "spaced letters in names": _in_names(_spaced),
    "spaced capitals in names": _in_names(lambda w: _spaced(w.upper())),
    "dotted letters in names": _in_names(_dotted),
    "fullwidth names": _in_names(_fullwidth),
    "fullwidth ad": _everywhere(_fullwidth),
    "math bold names": _in_names(_math(0x1D400, 0x1D41A)),
    "math sans-serif italic ad": _everywhere(_math(0x1D608, 0x1D622)),
    "hyphenated across line breaks": _hyphenate_longest,
    "emoji between all words": _emoji_between_words,
    "emoji inside names": _emoji_in_names,
    "small capitals in names": _in_names(_small_capitals),
    "a star inside name words": _in_names(_mark_inside("*")),
    "a dot inside name words": _in_names(_mark_inside(".")),
    "middle-dotted letters in names": _in_names(lambda w: "\u00b7".join(w) if len(w) > 2 else w),
    "bulleted letters in names": _in_names(lambda w: "\u2022".join(w) if len(w) > 2 else w),
    "names wrapped over two lines": _wrapped_inside_names,
    "circled small letters in names": _in_names(_enclosed(0x24D0)),
    "parenthesised small letters in names": _in_names(_enclosed(0x249C)),
    "spaced circled small letters in names": _in_names(lambda w: _spaced(_enclosed(0x24D0)(w))),
    "names stored backwards under an override": _names_stored_backwards,
    "ad stored backwards under an override": _ad_stored_backwards,
}


@dataclass(frozen=True)
class Probe:
    transformation: str
    source: str
    text: str


def probes(texts: tuple[str, ...]) -> list[Probe]:
    return [
        Probe(name, text, transform(text))
        for name, transform in TRANSFORMATIONS.items()
        for text in texts
    ]
