"""Every scope word an explanation uses is true of its evidence (issue 16).

"In the same sentence" is checked with a rule of its own, independent of the checker's
segmenter: sentences end at a line break or sentence-ending punctuation, and every sentence the
evidence quotes holds at least two of its spans (a pair flag that quotes each place a page
states the pair quotes a product and a condition in each of those sentences).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evaluation.real_pages import load_real_pages, real_pages_available
from model import shared_checker
from model.classifier import CATEGORY_LIKENESS, FLAGGABLE_CATEGORIES
from model.rules import load_rules

SETS = Path(__file__).resolve().parents[2] / "evaluation"
SAME_SENTENCE = "(in the same sentence"
SENTENCE_BREAK = re.compile(r"[\n.!?\u3002\uff01\uff1f]")


def _pages() -> list[tuple[str, str, str]]:
    pages = []
    for path in sorted(SETS.glob("*_set.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            pages.append((item["id"], item["text"], item.get("format", "text")))
    if real_pages_available():
        pages += [(p.id, p.text, p.format) for p in load_real_pages()]
    return pages


def _untrue_scope_words(page_id: str, text: str, text_format: str) -> list[str]:
    checker = shared_checker()
    body = checker.check(text, format=text_format, explain=False)
    analysed = body.get("extracted_text", text)
    flags = body["flags"] + checker.claims_before_judgement(text, format=text_format)
    untrue = []
    for flag in flags:
        if SAME_SENTENCE not in flag["explanation"]:
            continue
        spans = sorted(flag["evidence"], key=lambda e: e["start"])
        if not _each_sentence_holds_two(analysed, spans):
            untrue.append(f"{page_id} {flag['rule_id']} {[e['quote'] for e in spans]}")
    return untrue


def _each_sentence_holds_two(text: str, spans: list[dict]) -> bool:
    """Sorted spans fall into groups of at least two with no sentence break inside a group."""
    group = 1
    for before, after in zip(spans, spans[1:], strict=False):
        if SENTENCE_BREAK.search(text, before["end"], after["start"]):
            if group < 2:
                return False
            group = 1
        else:
            group += 1
    return group >= 2


def test_the_sentence_check_itself():
    text = "Fat cells for lupus. Lupus again. Fat cells\nfor lupus."
    fat, lupus, again = (0, 9), (14, 19), (21, 26)
    spans = [{"start": a, "end": b} for a, b in (fat, lupus)]
    assert _each_sentence_holds_two(text, spans)
    spans = [{"start": a, "end": b} for a, b in (fat, lupus, again)]
    assert not _each_sentence_holds_two(text, spans)
    across = [{"start": 34, "end": 43}, {"start": 48, "end": 53}]
    assert text[34:43] == "Fat cells" and text[48:53] == "lupus"
    assert not _each_sentence_holds_two(text, across)


def test_there_are_same_sentence_explanations_to_check():
    checker = shared_checker()
    text = "Our fat-derived stem cells treat multiple sclerosis."
    assert any(SAME_SENTENCE in f["explanation"] for f in checker.check(text)["flags"])


@pytest.mark.parametrize("part", range(4))
def test_in_the_same_sentence_is_never_said_across_a_sentence_end(part):
    pages = _pages()[part::4]
    untrue = [u for page in pages for u in _untrue_scope_words(*page)]
    assert not untrue, untrue[:10]


def test_a_condition_in_the_title_is_linked_by_the_title_not_the_sentence():
    text = (
        "Stem cells for lupus\n\n"
        "Lupus is an autoimmune disease.\n"
        "How we treat\n"
        "We harvest your own fat and prepare adipose-derived stem cells the same day."
    )
    flags = shared_checker().claims_before_judgement(text)
    explanations = [f["explanation"] for f in flags if f["category"] == "unapproved_use"]
    assert explanations and not any(SAME_SENTENCE in e for e in explanations)


def test_only_a_first_line_that_reads_as_a_heading_is_called_the_pages_title():
    body_first = (
        "As we age, joints stiffen and painful attacks of gout become more common.\n"
        "What we offer\n"
        "Our clinic offers injections of umbilical cord stem cells."
    )
    heading_first = "Stem cells for gout\n\n" + body_first.replace("attacks of gout", "joints")
    for text, titled in ((body_first, False), (heading_first, True)):
        flags = shared_checker().claims_before_judgement(text)
        explanations = [f["explanation"] for f in flags if f["category"] == "unapproved_use"]
        assert explanations, text
        assert any("on a page titled" in e for e in explanations) is titled, explanations


def test_a_missing_disclosure_points_at_a_rules_claim_never_a_bare_product_name():
    checker = shared_checker()
    text = (
        "Our clinic offers umbilical cord stem cells.\n"
        "Many families come to us for autism.\n"
        "Book your consultation today."
    )
    body = checker.check(text)
    disclosure = [f for f in body["flags"] if f["category"] == "missing_disclosure"]
    assert disclosure, body["flags"]
    quote = disclosure[0]["evidence"][0]["quote"]
    assert "autism" in quote  # the claim it qualifies, not "umbilical cord stem cells" alone


def test_the_classifier_flags_alone_only_a_sentence_about_a_treatment():
    from model.classifier import speaks_of_a_treatment

    checker = shared_checker()
    text = (
        "Multiple sclerosis is a disease in which the immune system attacks the nerves.\n"
        "Our stem cell programme gives patients their lives back.\n"
        "Patients told us the cells changed everything."
    )
    document = checker.document(text)
    assert [speaks_of_a_treatment(document, i) for i in range(3)] == [False, True, True]


def test_the_classifier_flags_alone_only_a_sentence_that_asserts_something_of_the_treatment():
    """Naming the treatment is not enough: the sentence must claim an effect, an improvement,
    safety or processing. A definition, a field's name or a pointer to an article is no claim."""
    from model.classifier import claims_of_a_treatment

    checker = shared_checker()
    text = (
        "Wharton's jelly stem cells come from the cord tissue of a donated placenta.\n"
        "Our clinic has practised regenerative medicine with stem cells since 2012.\n"
        "To learn about stem cell therapy for hips, see our article on the subject.\n"
        "Our stem cell injections regrow the cartilage in a worn knee.\n"
        "After her third infusion of the cells, our patient began walking unaided.\n"
        "Because the stem cells are your own, there is no rejection to fear.\n"
        "The cells are cultured for three weeks until they number in the hundreds of millions."
    )
    document = checker.document(text)
    claims = [claims_of_a_treatment(document, i) for i in range(7)]
    assert claims == [False] * 3 + [True] * 4


def test_classifier_only_judgements_hold_ids_offsets_and_verdicts_never_text():
    from evaluation.classifier_only_flags import JUDGEMENTS_PATH, VERDICTS

    rows = [json.loads(line) for line in JUDGEMENTS_PATH.read_text().splitlines() if line]
    assert rows
    for row in rows:
        assert set(row) == {"page", "start", "end", "category", "verdict", "look"}, row
        assert row["verdict"] in VERDICTS and 0 <= row["start"] < row["end"]


@pytest.mark.skipif(not real_pages_available(), reason="needs ../shared/real_pages")
def test_every_classifier_only_flag_on_real_pages_was_read_and_most_are_claims():
    """A change that raises a classifier-only flag nobody has read fails here: read it with
    `python -m evaluation.classifier_only_flags --read`, add its verdict, then quote figures."""
    from evaluation.classifier_only_flags import collect, load_judgements, score

    flags = collect(shared_checker(), ("development", "set_aside"))
    figures = score(flags, load_judgements())
    assert figures["unjudged"] == []
    assert figures["precision"] is None or figures["precision"] >= 0.9, figures


def test_explanations_agree_with_a_plural_or_singular_product():
    checker = shared_checker()
    plural = checker.check("Our exosome products regenerate worn knee cartilage.")
    singular = checker.check("Our stromal vascular fraction regenerates worn knee cartilage.")
    texts = [f["explanation"] for body in (plural, singular) for f in body["flags"]]
    assert texts
    for wrong in ("products regenerates", "products is ", "(SVF) regenerate or", "they is"):
        assert not any(wrong in text for text in texts), wrong
    assert any("products regenerate or repair" in text for text in texts), texts
    assert any("(SVF) regenerates or repairs" in text for text in texts), texts
    # Pronouns agree too: "a tissue they do not come from", "that they are not FDA approved".
    assert any("tissue they do not come from" in text for text in texts), texts
    assert any("that they are not FDA approved" in text for text in texts), texts
    assert any("that it is not FDA approved" in text for text in texts), texts


def test_a_product_label_reads_without_an_article():
    """Labels are plural or mass nouns: "offers exosome products for …", not "offers exosome
    product for …" (a singular count noun needs an article the templates do not give it)."""
    from model.lexicons import load_lexicons

    for product in load_lexicons().products.values():
        last = product.label.split("(", 1)[0].split()[-1]
        assert last not in {"product", "allograft", "cosmetic", "supplement"}, product.label


def test_a_classifier_flag_can_name_each_category_it_flags():
    assert set(CATEGORY_LIKENESS) == FLAGGABLE_CATEGORIES


@pytest.mark.parametrize(
    ("category", "phrase"),
    [
        ("efficacy_claim", "an efficacy claim"),
        ("safety_claim", "a safety claim"),
        ("hype_language", "hype"),
        ("unsupported_evidence", "a claim of evidence it does not cite"),
    ],
)
def test_a_classifier_flag_names_its_category_as_a_reader_would(category, phrase):
    # Mass nouns and plurals take no "a": "most like hype", not "most like a hype language".
    assert CATEGORY_LIKENESS[category] == phrase


def test_prose_writes_a_condition_as_its_label_and_the_entity_keeps_the_canonical_name():
    text = (
        "Our clinic treats Alzheimer's disease, Sjögren's syndrome, Bell's palsy and type 1 "
        "diabetes with umbilical cord stem cells. Book now."
    )
    flags = shared_checker().check(text)["flags"]
    pairs = {
        f["entities"]["condition"]["name"]: f
        for f in flags
        if f["rule_id"] == "unapproved-use.cell-product-for-disease"
    }
    assert {"alzheimer's disease", "sjogren's syndrome", "bell's palsy"} <= set(pairs)
    for label in ("Alzheimer's disease", "Sjögren's syndrome", "Bell's palsy"):
        flag = next(f for f in pairs.values() if f["title"].endswith(label))
        assert label in flag["explanation"]
        assert any(label in item["relevance"] for item in flag["regulatory_context"])
    broad = next(f for f in flags if f["category"] == "broad_claims")
    assert "Alzheimer's disease" in broad["explanation"]


# An empty value leaves a space before the punctuation that followed it ("work for ."). The
# quoted claim is the page's own text, typography and all, so it is left out of the check.
EMPTY_VALUE = re.compile(r" [.,;:)]|\( ")
QUOTED = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d")


def test_no_explanation_of_a_rule_example_leaves_a_value_empty():
    checker = shared_checker()
    empty = [
        f"{rule.id}: {flag['explanation'][:100]}"
        for rule in load_rules().rules
        for text in rule.match_examples
        for flag in checker.claims_before_judgement(text)
        if flag["rule_id"] == rule.id and EMPTY_VALUE.search(QUOTED.sub("", flag["explanation"]))
    ]
    assert not empty, empty[:10]


def test_a_claim_that_names_a_condition_is_explained_with_it():
    text = "Our umbilical cord stem cell protocol is an effective therapy for lupus."
    (flag,) = [
        f
        for f in shared_checker().check(text)["flags"]
        if f["rule_id"] == "efficacy.works-for-condition"
    ]
    assert "work for lupus" in flag["explanation"]
    assert flag["entities"]["condition"]["name"] == "lupus"
