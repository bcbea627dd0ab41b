"""How the real-page evaluation scores a page: names of conditions and pairs found."""

from __future__ import annotations

import json
from pathlib import Path

from evaluation.appended import ALL_SENTENCES, appended, appended_figures
from evaluation.real_pages import (
    LOOKS_PATH,
    RealPage,
    canonical_conditions,
    canonical_pairs,
    load_sample,
    main,
    score_page,
)
from model import shared_checker


def _page(pairs: tuple[tuple[str, str], ...]) -> RealPage:
    return RealPage(
        id="t1",
        url="https://clinic.example/autism",
        lang="en",
        label="violative",
        genre="clinic treatment page",
        text="Our umbilical cord stem cells help children with autism speak again.",
        format="text",
        expected_pairs=pairs,
    )


def test_an_annotated_condition_is_scored_under_its_lexicon_entry():
    checker = shared_checker()
    page = _page((("umbilical_cord", "autism"), ("umbilical_cord", "no such condition")))
    [named] = canonical_conditions([page], checker.lexicons)
    assert named.expected_pairs == (
        ("umbilical_cord", "autism spectrum disorder"),
        ("umbilical_cord", "no such condition"),
    )
    body = checker.check(page.text)
    outcome = score_page(named, body, checker.claims_before_judgement(page.text))
    assert outcome.pairs_found == 1
    assert score_page(page, body, checker.claims_before_judgement(page.text)).pairs_found == 0


def test_a_pair_annotated_in_the_pages_words_is_scored_under_the_answers_names():
    """Samples name the product as the page does, and a condition in words no lexicon term
    equals: both are read with the checker's lexicons, so the pair can be found."""
    checker = shared_checker()
    page = _page(
        (
            ("umbilical cord stem cells", "autism"),
            ("cellules souches de cordon ombilical", "sclérose en plaques"),
            ("bone marrow aspirate concentrate", "arthritis of the knee"),
            ("umbilical_cord", "autism"),
            ("a face serum", "an illness nobody has named"),
        )
    )
    [named] = canonical_pairs([page], checker)
    assert named.expected_pairs == (
        ("umbilical_cord", "autism spectrum disorder"),
        ("umbilical_cord", "multiple sclerosis"),
        ("bone_marrow", "knee osteoarthritis"),
        ("umbilical_cord", "autism spectrum disorder"),
        ("a face serum", "an illness nobody has named"),
    )
    body = checker.check(page.text)
    before = checker.claims_before_judgement(page.text)
    assert score_page(named, body, before).pairs_found == 2
    assert score_page(page, body, before).pairs_found == 0


def _write_sample(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


_CLINIC = {
    "id": "s1",
    "url": "https://www.knee-clinic.example/stem-cells",
    "lang": "en",
    "label": "violative",
    "genre": "clinic treatment page",
    "text": "Our clinic injects your own fat-derived stem cells to regrow knee cartilage. "
    "Book your consultation today.",
    "claims": [{"quote": "regrow knee cartilage", "category": "efficacy_claim"}],
}
_NEWS = {
    "id": "s2",
    "url": "https://news.paper.example/2026/stem-cell-warning",
    "lang": "en",
    "label": "ok",
    "genre": "news",
    "text": "Regulators warned consumers that clinics selling stem cell injections for knee "
    "pain have not shown that they work, the agency said on Tuesday.",
}


def test_a_sample_leaves_out_known_sites_and_pages_already_given(tmp_path: Path):
    first = _write_sample(tmp_path / "a.jsonl", [_CLINIC, _NEWS])
    # The same clinic page again, under another id: one page, scored once.
    second = _write_sample(tmp_path / "b.jsonl", [{**_CLINIC, "id": "x9"}])
    pages, left_out = load_sample([first, second], known_sites={"paper.example"})
    assert [page.id for page in pages] == ["s1"] and left_out == 2


def test_samples_drawn_apart_keep_every_page_when_their_ids_repeat(tmp_path: Path):
    # Two samples number their pages alike; the second's "s1" is another page.
    first = _write_sample(tmp_path / "a.jsonl", [_CLINIC])
    second = _write_sample(
        tmp_path / "b.jsonl", [{**_NEWS, "id": "s1", "url": "https://o.example"}]
    )
    third = _write_sample(tmp_path / "c.jsonl", [{**_NEWS, "id": "s1", "url": "https://p.example"}])
    pages, left_out = load_sample([first, second, third], known_sites=set())
    assert [page.id for page in pages] == ["s1", "s1#2", "s1#3"] and left_out == 0
    assert [page.url for page in pages] == [
        _CLINIC["url"],
        "https://o.example",
        "https://p.example",
    ]


def test_a_sample_is_scored_and_nothing_is_written(tmp_path: Path, capsys):
    sample = _write_sample(tmp_path / "pages.jsonl", [_CLINIC, _NEWS])
    looks = LOOKS_PATH.read_bytes()
    assert main(["--sample", str(sample), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["all"]["pages"] == 2 and figures["all"]["violative"] == 1
    assert LOOKS_PATH.read_bytes() == looks


def test_appended_sentences_are_counted_per_flagged_violative_page(tmp_path: Path, capsys):
    sample = _write_sample(tmp_path / "pages.jsonl", [_CLINIC, _NEWS])
    assert main(["--sample", str(sample), "--appended", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    english = figures["en"]
    # The clinic page is flagged; the news page is not violative and is not counted.
    assert english["flagged_pages"] == 1
    assert english["cases"] == len(english["by_sentence"]) == len(ALL_SENTENCES)
    assert english["by_sentence"]["free consultation"] == {"to_low": 0, "kind": 0}
    assert figures["not en"]["flagged_pages"] == 0


def test_appended_figures_count_what_each_sentence_does() -> None:
    """A fake checker that reads any appended "Critics" sentence as informational."""

    def check(text: str, text_format: str) -> dict[str, object]:
        low = "Critics" in text
        return {
            "risk": {"level": "low" if low else "high"},
            "page": {"kind": "informational" if low else "promotional"},
        }

    figures = appended_figures([("An ad.", "text"), ("<p>Ad</p></body>", "html")], check)
    assert figures.pages == 2
    assert figures.to_low == {"skeptic blog": 2}
    assert appended("<p>Ad</p></body>", "html", "X.") == "<p>Ad</p><p>X.</p></body>"
