"""Where a Korean condition name may end inside a written word.

Korean writes its particles and endings onto the noun ("관절염을", "노화된"), so the matcher lets a
Hangul term end inside a word. For a short condition name that also lets it match the start of
an unrelated word: "신부전" (kidney failure) inside "신부전용", which is "신부 전용" (for brides
only). `continues_a_noun` tells the two apart by what follows the name in the same word: a
particle, the copula, an ending of the light verbs 하다/되다/시키다, or one of the few nouns and
suffixes written onto a condition's name ("당뇨병환자", "당뇨병성", "관절염치료"; "-아", a child,
as in "자폐아", is also the vocative particle).
"""

from __future__ import annotations

# What may follow a condition's name inside one written word, as prefixes of the rest of it.
_NOUN_CONTINUATIONS = (
    # case and auxiliary particles
    "이", "가", "을", "를", "은", "는", "의", "에", "께", "한테", "와", "과", "로", "으로",
    "도", "만", "까지", "부터", "보다", "처럼", "같이", "마저", "조차", "나", "든", "랑",
    "하고", "아", "야", "요", "등",
    # the copula and the light verbs: 이다/입니다/인, 하다 (하/한/할/함/해/했), 되다, 시키다
    "인", "입", "일", "였", "예", "하", "한", "할", "함", "해", "했", "되", "된", "될", "됨",
    "돼", "됐", "시키", "시켜",
    # suffixes and nouns written onto a condition's name
    "성", "적", "증", "환자", "치료", "증상", "질환", "예방", "개선", "완화", "관리", "진단",
    "수술", "전문", "클리닉",
)  # fmt: skip


def is_hangul_syllable(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


def continues_a_noun(text: str, end: int) -> bool:
    """Whether a Korean noun that ends at `end` of `text` may end there: at the end of its
    written word, or before a particle, ending or suffix (`_NOUN_CONTINUATIONS`)."""
    if end >= len(text) or not is_hangul_syllable(text[end]):
        return True
    return text.startswith(_NOUN_CONTINUATIONS, end)
