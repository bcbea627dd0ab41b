"""Words in scripts written without spaces: a Chinese sentence is not one word long."""

from __future__ import annotations

import pytest

from model import shared_checker
from model.characters import word_count


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Stem cells for sore knees", 5),
        ("células madre para la rodilla", 5),
        ("干细胞治疗膝关节", 4),  # eight Han characters: about four words
        ("幹細胞で膝を治療", 4),
        ("เซลล์ต้นกำเนิด", 3),  # fourteen Thai letters and marks, four to a word
        ("줄기세포 무릎 치료", 3),  # Hangul is spaced: counted by its spaces
        ("", 0),
    ],
)
def test_words_are_counted_in_every_script(text, words):
    assert word_count(text) == words


def test_the_classifier_scores_a_chinese_sentence():
    checker = shared_checker()
    text = "我们的干细胞疗法可以彻底治愈糖尿病，无需再打胰岛素。"
    document = checker.document(text)
    assert checker.classifier is not None
    assert checker.classifier.score(document).indexes == [0]
