"""Chinese, Japanese and Korean: sentences end at full-width marks without a space, and terms
match inside running text, while words of spaced scripts keep their boundaries.

The CJK terms here are test data only; the lexicons are the languages work's."""

from __future__ import annotations

import pytest

from model.matcher import Phrase, PhraseMatcher
from model.normalise import fold_text
from model.text import segment

MATCHER = PhraseMatcher(
    [
        # Written once, in traditional characters: folding reads both scripts as simplified, so
        # the term meets Chinese in either script and Japanese, which keeps these forms.
        Phrase("product", "stem cells (zh, ja)", "\u5e79\u7d30\u80de"),  # 幹細胞
        Phrase("product", "stem cells (ko)", "\uc904\uae30\uc138\ud3ec"),  # 줄기세포
        Phrase("condition", "diabetes (zh, ja)", "\u7cd6\u5c3f\u75c5"),  # 糖尿病
        Phrase("condition", "autism (ja)", "\u81ea\u9589\u75c7"),  # 自閉症
        Phrase("condition", "cancer (ru)", "\u0440\u0430\u043a"),  # рак
        Phrase("product", "stem cells", "stem cells"),
        Phrase("condition", "ms", "MS", case_sensitive=True),
    ]
)


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.key, text[m.start : m.end]) for m in MATCHER.find(fold_text(text))]


def _sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in segment(text)[0]]


def test_chinese_terms_match_inside_running_text():
    text = "\u6211\u4eec\u7684\u5e72\u7ec6\u80de\u7597\u6cd5\u6cbb\u6108\u7cd6\u5c3f\u75c5\u3002"
    assert _found(text) == [
        ("stem cells (zh, ja)", "\u5e72\u7ec6\u80de"),
        ("diabetes (zh, ja)", "\u7cd6\u5c3f\u75c5"),
    ]


def test_japanese_terms_match_between_kana_and_kanji():
    # 幹細胞で自閉症が治ります / カンジ幹細胞治療
    text = "\u5e79\u7d30\u80de\u3067\u81ea\u9589\u75c7\u304c\u6cbb\u308a\u307e\u3059"
    assert [key for key, _ in _found(text)] == ["stem cells (zh, ja)", "autism (ja)"]
    katakana = "\u30ab\u30f3\u30b8\u5e79\u7d30\u80de\u6cbb\u7642"
    assert [key for key, _ in _found(katakana)] == ["stem cells (zh, ja)"]


def test_a_korean_term_matches_before_a_particle():
    text = (
        "\uc904\uae30\uc138\ud3ec\ub97c \uc774\uc6a9\ud55c \uce58\ub8cc"  # 줄기세포를 이용한 치료
    )
    assert _found(text) == [("stem cells (ko)", "\uc904\uae30\uc138\ud3ec")]


KOREAN_CONDITIONS = PhraseMatcher(
    [
        Phrase("condition", "kidney failure (ko)", "\uc2e0\ubd80\uc804"),  # 신부전
        Phrase("condition", "wrinkles (ko)", "\uc8fc\ub984"),  # 주름
        Phrase("condition", "autism (ko)", "\uc790\ud3d0"),  # 자폐
        Phrase("cue", "wrinkle (ko)", "\uc8fc\ub984"),  # the same word, not a condition name
    ]
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # 신부전을 치료합니다 (we treat kidney failure): before a particle
        ("\uc2e0\ubd80\uc804\uc744 \uce58\ub8cc\ud569\ub2c8\ub2e4", True),
        # 신부전 환자 / 신부전환자 (kidney failure patients), spaced or written as one word
        ("\uc2e0\ubd80\uc804 \ud658\uc790", True),
        ("\uc2e0\ubd80\uc804\ud658\uc790", True),
        # 신부전용 드레스 (a dress for brides only: 신부 + 전용), not kidney failure
        ("\uc2e0\ubd80\uc804\uc6a9 \ub4dc\ub808\uc2a4", False),
        # 잔주름이 (fine wrinkles, with a particle) and 주름치마 (a pleated skirt)
        ("\uc794\uc8fc\ub984\uc774", True),
        ("\uc8fc\ub984\uce58\ub9c8", False),
        # 자폐아 (an autistic child: the suffix -아)
        ("\uc790\ud3d0\uc544", True),
    ],
)
def test_a_korean_condition_name_ends_only_where_a_noun_may_end(text: str, found: bool):
    matches = KOREAN_CONDITIONS.find(fold_text(text))
    assert any(m.group == "condition" for m in matches) is found
    # Other groups keep matching inside words: particles and compounds attach to them too.
    assert any(m.group == "cue" for m in matches) is ("\uc8fc\ub984" in text)


def test_latin_terms_next_to_chinese_match_and_keep_their_own_boundaries():
    assert _found("MS\u60a3\u8005\u7684stem cells\u7597\u6cd5") == [
        ("ms", "MS"),
        ("stem cells", "stem cells"),
    ]
    assert _found("terms and stem cellsx") == []


def test_cyrillic_words_keep_their_boundaries():
    assert _found("\u0440\u0430\u043a\u0435\u0442\u0430") == []  # ракета, not рак
    assert _found("\u043e\u0442 \u0440\u0430\u043a\u0430 \u0438 \u0440\u0430\u043a") == [
        ("cancer (ru)", "\u0440\u0430\u043a")
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "\u5e72\u7ec6\u80de\u6cbb\u6108\u7cd6\u5c3f\u75c5\u3002\u65e0\u526f\u4f5c\u7528\uff01"
            "\u7acb\u5373\u9884\u7ea6\uff1f\u597d",
            [
                "\u5e72\u7ec6\u80de\u6cbb\u6108\u7cd6\u5c3f\u75c5\u3002",
                "\u65e0\u526f\u4f5c\u7528\uff01",
                "\u7acb\u5373\u9884\u7ea6\uff1f",
                "\u597d",
            ],
        ),
        (  # 「…。」 the closing bracket goes with the gap, as closing quotes do after "."
            "\u300c\u6cbb\u308a\u307e\u3059\u3002\u300d\u6b21\u3067\u3059\u3002",
            ["\u300c\u6cbb\u308a\u307e\u3059\u3002", "\u6b21\u3067\u3059\u3002"],
        ),
        (
            "\u672c\u5f53\uff01\uff01\u306f\u3044\uff1f",
            ["\u672c\u5f53\uff01\uff01", "\u306f\u3044\uff1f"],
        ),
        ("\u7ed3\u675f\u3002 Next one. And more", ["\u7ed3\u675f\u3002", "Next one.", "And more"]),
        ("Stem cells cure MS. No side effects!", ["Stem cells cure MS.", "No side effects!"]),
        ("Version 3.5 is out.", ["Version 3.5 is out."]),
    ],
)
def test_sentences_end_at_full_width_marks_without_a_space(text, sentences):
    assert _sentences(text) == sentences


def test_a_long_chinese_line_is_not_a_heading_and_a_short_one_is():
    heading = "\u6211\u4eec\u7684\u7597\u6cd5"
    body = "\u5e72\u7ec6\u80de" * 16  # 48 wide characters: 96 columns, a paragraph
    sentences, sections = segment(f"{heading}\n{body}\n{heading}\n{body}")
    assert [s.is_heading for s in sentences] == [True, False, True, False]
    assert len(sections) == 2
