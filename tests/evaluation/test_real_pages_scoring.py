"""How the real-page evaluation scores a page: names of conditions and pairs found."""

from __future__ import annotations

from evaluation.real_pages import RealPage, canonical_conditions, score_page
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
