"""The page judgement: its artifact, its features' directions, its signals, and the pipeline."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.real_pages import real_pages_available
from model import shared_checker
from model.analysis import Document
from model.classifier import load_classifier
from model.lexicons import page_cue_languages
from model.page import PAGE_MODEL_PATH, SIGNALS, PageModelError, load_page_model
from model.page_features import (
    FEATURE_NAMES,
    FEATURES,
    OFFERS,
    QUOTATION_LIMIT,
    REPORTS,
    FeatureValue,
    Quotations,
    page_features,
)
from model.pipeline import STAGES, CheckState, page_inputs, run_pipeline


def _page_features(text: str) -> tuple[Document, dict[str, FeatureValue]]:
    """The analysed text and its page features, as the pipeline computes them."""
    state = run_pipeline(
        CheckState(text, frozenset(), False), shared_checker().parts, until="find_claims"
    )
    assert state.document is not None
    return state.document, page_features(page_inputs(state))


def _values(text: str) -> dict[str, float]:
    """The page features' values alone."""
    return {name: value.value for name, value in _page_features(text)[1].items()}


AD = (
    "Knee pain? Our clinic offers same-day fat-derived stem cell injections for knee "
    "osteoarthritis. Packages start at $3,900. Call 555-010-2233 to book your consultation."
)
REPORT = (
    "Regulators warned three clinics last week, the paper reported.\n"
    "According to the agency, the clinics sold fat-derived stem cell injections for knee "
    "osteoarthritis without approval.\n"
    '"There is no evidence these shots work," said a professor of orthopaedics.\n'
    "Researchers who studied such clinics found that patients paid thousands of dollars.\n"
    "Critics say the industry preys on people in pain."
)


def test_a_claim_is_found_whatever_the_page_and_stands_only_where_the_page_offers():
    quoted = (
        "Regulators warned a clinic last week, the paper reported.\n"
        "The clinic advertised that its stem cell shots let diabetics stop insulin, according "
        "to the warning letter.\n"
        '"Nobody should stop insulin on a clinic\'s word," said an endocrinologist.\n'
        "Researchers who studied such clinics found that patients paid thousands of dollars."
    )
    checker = shared_checker()
    assert any(
        f["category"] == "medication_discontinuation"
        for f in checker.claims_before_judgement(quoted)
    )
    assert checker.check(quoted)["flags"] == []


def test_the_stages_run_in_the_documented_order():
    assert [name for name, _ in STAGES] == [
        "analyse",
        "score_sentences",
        "find_claims",
        "judge_page",
        "decide",
    ]


def test_an_offer_is_promotional_with_its_signals_and_their_evidence():
    body = shared_checker().check(AD)
    page = body["page"]
    assert page["kind"] == "promotional" and page["probability"] >= 0.5
    assert body["risk"]["level"] == "high"
    names = [s["signal"] for s in page["signals"]]
    assert 1 <= len(names) <= 5 and len(set(names)) == len(names)
    assert set(names) <= set(SIGNALS)
    assert {"offer", "call_to_action", "price", "booking_or_contact"} & set(names)
    for signal in page["signals"]:
        evidence = signal["evidence"]
        assert AD[evidence["start"] : evidence["end"]] == evidence["quote"]


def test_a_claims_signal_quotes_the_sentence_that_makes_the_claim():
    # The pair's first evidence span is the condition name; the signal quotes its sentence.
    text = (
        "Lupus and rheumatoid arthritis are autoimmune diseases.\n"
        "Rheumatoid arthritis responds to our umbilical cord stem cell infusions, which repair "
        "the joints. Book a visit today."
    )
    document, values = _page_features(text)
    evidence = values["high_claims"].evidence
    assert evidence is not None
    sentence = document.sentences[document.sentence_at(evidence.start)]
    assert (evidence.start, evidence.end) == (sentence.start, sentence.end)
    assert "umbilical cord stem cell" in text[evidence.start : evidence.end]


def test_a_page_called_promotional_on_its_claims_alone_quotes_its_first_claim():
    # No offer words, price, title pair or high-severity claim: only the kinds of claim it makes.
    text = (
        "Why cells matter.\n\nResearch proves that stem cell infusions repair damaged tissue. "
        "The treatment is a breakthrough that restores lost function. Many people feel the "
        "difference within days."
    )
    page = shared_checker().check(text, explain=False)["page"]
    assert page["kind"] == "promotional"
    assert [(s["signal"], s["evidence"]["quote"]) for s in page["signals"]] == [
        ("offer", "Research proves that stem cell infusions repair damaged tissue.")
    ]


def test_a_plainer_sign_of_offering_is_quoted_before_a_claims_sentence():
    text = (
        "Exosome therapy for knee arthritis.\n\nStudies show exosomes regenerate worn cartilage "
        "and end knee pain for good."
    )
    signals = shared_checker().check(text, explain=False)["page"]["signals"]
    assert signals[0] == {
        "signal": "offer",
        "evidence": {"start": 0, "end": 35, "quote": "Exosome therapy for knee arthritis."},
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Catch-all cue lists name their signal by the family their words belong to.
        (
            "Researchers tested bone marrow cells for knee arthritis in a small group of people.",
            [("research_report", "Researchers")],
        ),
        (
            "According to the regulator, fat-derived cells for lupus are not an approved product.",
            [("reported_speech", "According to")],
        ),
        # One quote is one reason: "Sign up" is a call to action, not also an offer, and "Our
        # patients" a patient story, not also an offer.
        (
            "Sign up today for our knee program.",
            [("call_to_action", "Sign up"), ("provider_voice", "our")],
        ),
        (
            "Our patients love us. Stem cells for knees.",
            [("patient_story", "Our patients"), ("provider_voice", "Our")],
        ),
    ],
)
def test_a_signal_names_what_its_words_are_and_no_quote_is_given_twice(text, expected):
    signals = shared_checker().check(text, explain=False)["page"]["signals"]
    assert [(s["signal"], s["evidence"]["quote"]) for s in signals] == expected


def test_naming_the_subject_again_is_no_sign_of_offering():
    # A glossary entry says "mesenchymal stem cells" in every sentence; the same entry with
    # "these cells" in four of them. Only the classifier, which reads the words, may differ.
    named = (
        "Mesenchymal stem cells are cells found in bone marrow, fat and umbilical cord tissue. "
        "In the laboratory, mesenchymal stem cells can turn into bone, cartilage or fat cells. "
        "Scientists grow mesenchymal stem cells in dishes to learn how tissues form. "
        "Mesenchymal stem cells also release signalling molecules. "
        "The name mesenchymal stem cells was coined in 1991."
    )
    plain = named.replace("In the laboratory, mesenchymal stem", "In the laboratory, these")
    for before, after in (
        ("grow mesenchymal stem cells", "grow these cells"),
        ("Mesenchymal stem cells also", "These cells also"),
        ("name mesenchymal stem cells", "name of these cells"),
    ):
        plain = plain.replace(before, after)
    named_features, plain_features = _values(named), _values(plain)
    assert len(shared_checker().document(named).products) > len(
        shared_checker().document(plain).products
    )
    differ = {name for name in FEATURE_NAMES if named_features[name] != plain_features[name]}
    assert differ <= {"classifier_top3", "classifier_max", "classifier_count"}


def test_english_we_and_you_are_page_cues_in_the_sentences_that_hold_them():
    sentences = [
        "We're a family practice in the valley.",
        "Ask about our cord cell program.",
        "Call us today.",
        "You'll feel the difference, and your knees will too.",
        "See for yourself.",
        "The usable cells were counted in a trusted lab.",
        "Researchers found the effect was small.",
        "Ours is a US-based team.",
        "WE TREAT KNEES. CALL US NOW.",
        "Clinics in the US and in Mexico sell YOUR cells back to YOU.",
    ]
    document = shared_checker().document(" ".join(sentences))
    # In capitals amid lower-case text, "US" is the country and not the pronoun; shouted in a
    # line of capitals it is the pronoun again, and a longer pronoun in capitals is stressed.
    for family, expected in (
        ("first_person_plural", {0, 1, 2, 8, 9}),
        ("second_person", {3, 4, 10}),
    ):
        found = {
            document.sentence_of[m]
            for m in document.page_cues(family)
            if "en" in page_cue_languages(m.key)
        }
        assert found == expected, family


def test_a_report_of_the_same_offer_is_informational_with_no_flags():
    body = shared_checker().check(REPORT)
    assert body["page"]["kind"] == "informational"
    assert body["risk"]["level"] == "low" and body["flags"] == []
    assert {"reported_speech", "critical_stance", "news_report", "research_report"} & {
        s["signal"] for s in body["page"]["signals"]
    }


# A law firm's account of a malpractice suit: the parties, the suit and the FDA's warning
# are what mark it as a report (it names the product, the condition and the price it cost).
LAW_FIRM_REPORT = (
    "Patients in Ohio should think twice before paying for knee injections of fat-derived stem "
    "cells. The FDA warned consumers in 2019 that no such product is approved for arthritis.\n"
    "A medical malpractice lawsuit filed last month tells how a retired teacher was promised "
    "that the injections would regrow her cartilage and let her skip a knee replacement. The "
    "plaintiff paid $7,400 for the procedure.\n"
    "According to the complaint, the clinic never explained the risks. Within weeks the "
    "plaintiff's knee became infected and she needed two operations."
)


# An explainer on a treatment: what it is, the mechanism proposed for it, and the concerns it
# has raised. It names the product and its promise of repair, and sells nothing.
EXPLAINER = (
    "Exosomes are small vesicles that cells release to pass signals to one another. Exosome "
    "therapy is an idea from regenerative medicine: vesicles collected from donor cells are "
    "injected in the hope that they tell damaged tissue to heal.\n"
    "The theoretical mechanism is simple enough. Growth factors and microRNA carried by the "
    "vesicles are proposed to calm inflammation and encourage repair.\n"
    "The treatment's growing popularity has raised concerns among doctors, and its scientific "
    "legitimacy is still debated. This article looks at the safety risks reported so far."
)


# A Spanish reporter's account of a sales pitch: "so-called stem cells", "tells them what they
# want to hear". The pitch's cure and reversal claims are the story, not the page's offer.
SPANISH_REPORT = (
    "En una sala de hotel de Monterrey, un vendedor promete a treinta jubilados que sus supuestas "
    "células madre en cápsulas curan la artritis y la diabetes.\n"
    "Por Laura Méndez\n"
    "El vendedor habla con soltura y les dice lo que quieren escuchar: que cualquier enfermedad "
    "se revierte con una buena dosis de células.\n"
    "Los asistentes pagan 4.000 pesos por frasco. Nadie les explica de dónde vienen esos "
    "supuestos tratamientos ni quién los fabrica."
)


@pytest.mark.parametrize(
    ("report", "language"),
    [(LAW_FIRM_REPORT, "en"), (EXPLAINER, "en"), (SPANISH_REPORT, "es")],
    ids=["law firm", "explainer", "spanish report"],
)
def test_reports_in_genres_the_page_model_once_took_for_offers_are_informational(report, language):
    """Each was promotional, with claims standing or at the threshold, until its genre's
    cues were read (eighth session): the law firm's parties and suit, the explainer's proposed
    mechanism and raised concerns, the Spanish reporter's "so-called" cells."""
    body = shared_checker().check(report)
    assert body["language"]["code"] == language
    assert (body["page"]["kind"], body["risk"]["level"], body["flags"]) == (
        "informational",
        "low",
        [],
    )


def test_a_disguised_product_name_is_an_obfuscation_signal():
    text = "Our fat-derived st\u200bem c\u0435lls treat multiple sclerosis. Book today."
    signals = shared_checker().check(text)["page"]["signals"]
    assert signals[0]["signal"] == "obfuscation"
    assert "\u200b" in signals[0]["evidence"]["quote"]


ANIMAL_PAGE = (
    "Our veterinary clinic treats dogs with arthritis.\n"
    "Horses with tendon injuries are treated with their own stem cells.\n"
    "Cats and dogs recover in our animal hospital.\n"
    "Ask your veterinarian whether your pet is a candidate."
)
# One animal at a time, as a glossary or a magazine piece tells it ("the dog's own fat").
ONE_DOG_PAGE = (
    "Canine regenerative therapy\n"
    "Under light sedation, fat is collected from the dog's flank.\n"
    "Its cells are concentrated in the laboratory on the same day.\n"
    "They are then injected into the dog's sore elbow or hip.\n"
    "Most owners find their pet moves more easily within a month.\n"
    "A horse with a strained tendon can be treated in the same way.\n"
    "The procedure has become common in veterinary medicine."
)
# No "plant stem cells" phrase: the fruit sits beside a generic "stem cells".
FRUIT_SKIN_CARE_PAGE = (
    "Grape stem cells are the newest trend in skincare.\n"
    "Stem cells taken from the skins of red grapes are said to protect your own cells.\n"
    "Our night creams blend them with retinol.\n"
    "Ask us which one suits you."
)


@pytest.mark.parametrize(
    ("text", "signal"),
    [(ANIMAL_PAGE, "veterinary"), (ONE_DOG_PAGE, "veterinary"), (FRUIT_SKIN_CARE_PAGE, "cosmetic")],
    ids=["animals", "one-dog", "fruit-stem-cell-skin-care"],
)
def test_a_page_about_animals_or_plant_cosmetics_is_out_of_scope(text, signal):
    body = shared_checker().check(text)
    assert body["page"]["kind"] == "out_of_scope" and body["flags"] == []
    assert body["page"]["signals"][0]["signal"] == signal


def test_a_clinic_that_also_mentions_plant_stem_cells_stays_in_scope():
    text = (
        "Fruit stem cells in a cream cannot repair a joint, and neither can plant extracts.\n"
        "Grape and apple stem cells are cosmetic ingredients, and our serums contain none.\n"
        "Our clinic injects umbilical cord mesenchymal stem cells into arthritic knees.\n"
        "Book your consultation today."
    )
    body = shared_checker().check(text)
    assert body["page"]["kind"] != "out_of_scope"


# A word a clinic writes in its own sense is no cue of a reporting family: "extract" is what
# it does to fat or marrow (only a plant or fruit extract is the skin-care word), "objective"
# its goal (an abstract's heading reads as study design). The family still reads its own page.
AMBIGUOUS_CUE_WORDS = [
    (
        "cosmetic",
        "We extract stem cells from the fat of your belly under local anaesthetic.\n"
        "The cells we extract are injected into your knee the same day.",
        "This night serum blends an apple fruit extract with plant stem cells.\n"
        "Apply daily to clean skin.",
    ),
    (
        "research",
        "Our objective is simple: to get you back to golf without knee surgery.",
        "Objective: to compare two doses in 40 participants.\n"
        "Methods: participants were followed for a year.",
    ),
    # Japanese "研究" (research) is also inside a clinic's own name ("...研究所", institute) and
    # its "research and development": only study design and its actors read as research.
    (
        "research",
        "当院は再生医療研究所を併設し、患者様ご自身の脂肪から培養した幹細胞を膝に注射します。",
        "この臨床試験では被験者四十名を無作為化し、結果は論文として発表された。",
    ),
]


@pytest.mark.parametrize(
    ("family", "clinic", "own_kind"),
    AMBIGUOUS_CUE_WORDS,
    ids=["extract", "objective", "kenkyujo"],
)
def test_a_clinic_word_is_no_cue_of_a_reporting_family(family, clinic, own_kind):
    assert _values(clinic)[family] == 0
    assert _values(own_kind)[family] > 0


# A journal's furniture (volume and issue, article type, key words, publication dates) marks a
# research page even where its prose, like an abstract's, describes a treatment.
JOURNAL_FURNITURE = (
    "Orthopaedic Cell Reports, Vol 7, Issue 2\n"
    "Review article\n"
    "Hip arthritis and umbilical cord cells: a narrative review\n"
    "Hip arthritis wears away cartilage and limits walking.\n"
    "Key words: hip arthritis; umbilical cord cells; physiotherapy.\n"
    "Published online 20 April 2021. J Orthop Cells 7(2): e1043."
)
SAME_PROSE_WITHOUT_FURNITURE = (
    "Hip arthritis and umbilical cord cells: a narrative review\n"
    "Hip arthritis wears away cartilage and limits walking."
)


def test_a_journals_furniture_reads_as_research_and_citation():
    furnished, bare = _values(JOURNAL_FURNITURE), _values(SAME_PROSE_WITHOUT_FURNITURE)
    assert furnished["research"] > bare["research"] == 0
    assert furnished["citations"] > bare["citations"] == 0
    # "Vol" inside a word, or a bracketed figure without a page, is no citation.
    assert _values("Our volunteers help 12(3) families a week.")["citations"] == 0


def test_every_coefficient_keeps_its_features_sign():
    english = load_page_model()
    assert english.other_languages is not None
    for model in (english, english.other_languages):
        for head, fitted in model.heads.items():
            for feature, coefficient in zip(FEATURES, fitted.coefficients, strict=True):
                direction = feature.direction_for(head)
                if direction == OFFERS:
                    assert coefficient >= 0, (head, feature.name)
                elif direction == REPORTS:
                    assert coefficient <= 0, (head, feature.name)


def test_a_page_is_judged_by_the_model_of_its_language():
    from dataclasses import replace

    from model.page import Head, PageModel

    n = len(FEATURE_NAMES)
    never = Head((0.0,) * n, -30.0, 0.5)  # every page informational
    english = PageModel.untrained()  # every page promotional
    routed = replace(
        english, other_languages=replace(english, heads={"promotional": never, "violative": never})
    )
    assert routed.for_language("en") is routed
    assert routed.for_language("und") is routed  # too short or mixed to tell: English
    assert routed.for_language("es") is routed.other_languages
    assert routed.for_language("ja") is routed.other_languages
    assert english.for_language("es") is english  # a model without a second one judges all


def test_the_checker_routes_by_the_language_it_reports():
    checker = shared_checker()
    spanish = (
        "Nuestra clinica ofrece celulas madre mesenquimales para la esclerosis multiple. "
        "Agende hoy su valoracion gratuita."
    )
    from model.pipeline import CheckState, run_pipeline

    assert checker.check(spanish)["language"]["code"] == "es"
    state = run_pipeline(
        CheckState(spanish, frozenset(), False, len(spanish)), checker.parts, until="judge_page"
    )
    assert state.page is not None
    model, features = checker.page_model, state.page.features
    assert model.other_languages is not None
    by_other = model.other_languages.probability(features, "promotional")
    assert state.page.probability == pytest.approx(by_other, abs=1e-3)
    # The two models differ on this page's promotional probability (so the test above could
    # fail).
    assert abs(model.probability(features, "promotional") - by_other) > 0.01


def test_an_altered_artifact_is_refused(tmp_path: Path):
    copy = tmp_path / "page_model.json"
    shutil.copy(PAGE_MODEL_PATH, copy)
    data = json.loads(copy.read_text())
    data["model"]["heads"]["violative"]["threshold"] = 0.01
    copy.write_text(json.dumps(data))
    with pytest.raises(PageModelError, match="hash"):
        load_page_model(copy)


def test_an_artifact_fitted_on_other_features_is_refused(tmp_path: Path):
    import hashlib

    data = json.loads(PAGE_MODEL_PATH.read_text())
    data["model"]["features"] = list(reversed(FEATURE_NAMES))
    body = json.dumps(data["model"], sort_keys=True).encode()
    data["manifest"]["model_sha256"] = hashlib.sha256(body).hexdigest()
    copy = tmp_path / "page_model.json"
    copy.write_text(json.dumps(data))
    with pytest.raises(PageModelError, match="other features"):
        load_page_model(copy)


def test_the_page_model_was_fitted_on_this_classifier():
    manifest = json.loads(PAGE_MODEL_PATH.read_text())["manifest"]
    assert manifest["classifier_version"] == load_classifier().version


def test_the_page_model_is_fresh():
    """Fitted on the pages it says: the training data's hash (written set, split, labels)."""
    if not real_pages_available():
        pytest.skip("../shared/real_pages is absent (a clone without ../shared): freshness unknown")
    from training.page_model import data_hash, training_pages

    manifest = json.loads(PAGE_MODEL_PATH.read_text())["manifest"]
    assert manifest["data_sha256"] == data_hash(training_pages()), (
        "the page model is stale: run `python -m training.page_model`"
    )


def test_the_page_model_was_fitted_on_what_the_checker_reads_now():
    """The same pages can read differently after a lexicon, cue or rule change: the features the
    checker computes on them now are those the model was fitted on."""
    if not real_pages_available():
        pytest.skip("../shared/real_pages is absent (a clone without ../shared): freshness unknown")
    from training.page_model import feature_matrix, features_hash, training_pages

    manifest = json.loads(PAGE_MODEL_PATH.read_text())["manifest"]
    assert manifest["features_sha256"] == features_hash(feature_matrix(training_pages())), (
        "the page model was fitted on features the checker no longer computes: run "
        "`python -m training.page_model`"
    )


@pytest.mark.parametrize(
    ("text", "endangers"),
    [
        ("Our stem cell injections for knees carry no risk of rejection.", True),
        ("A transplant of your own stem cells carries no risk of rejection.", False),
    ],
)
def test_an_endangering_claim_said_of_an_approved_use_does_not_stand_alone(text, endangers):
    """A safety claim said of a cell product stands on any promotional page, unless the same
    sentence names an approved use: then it is said of the transplant, not of a clinic's cells."""
    from model.pipeline import CheckState, _endangers_patients, run_pipeline

    state = run_pipeline(
        CheckState(text, frozenset(), False, len(text)), shared_checker().parts, until="find_claims"
    )
    assert state.document is not None
    safety = [claim for claim in state.claims if claim.category == "safety_claim"]
    assert safety
    assert any(_endangers_patients(claim, state.document) for claim in safety) is endangers


@pytest.mark.parametrize(
    ("text", "speaks_as_we", "addresses_you"),
    [
        ("Nuestro equipo le atiende. Usted elige la fecha.", True, True),
        ("Наши врачи ждут вас.", True, True),
        ("我们的医生为您服务。", True, True),
        ("Unsere Ärzte beraten dich gern.", True, True),
        # French "du" ("of the") and Portuguese "nas" ("in the") are not pronouns.
        ("Le traitement du genou dure une heure.", False, False),
        ("O tratamento nas clínicas dura uma hora.", False, False),
        # A cue counts in its own language: folded, Vietnamese "nói" (to say) is Italian "noi"
        # (we), and "tự" and "từ" are Spanish "tu" (you).
        (
            "Bác sĩ nói rằng bệnh nhân tự theo dõi đường huyết tại nhà mỗi ngày, từ sáng.",
            False,
            False,
        ),
        ("Noi offriamo una visita gratuita ai nostri pazienti.", True, False),
        # Every form of a possessive: plural ones as much as singular ones.
        ("Nos médecins reçoivent chaque patient en personne.", True, False),
        ("Quali miglioramenti notano i vostri pazienti dopo la seduta?", False, True),
        ("Kiedy można zobaczyć wasze wyniki badań krwi?", False, True),
        ("Apakah Anda sudah membaca hasil pemeriksaan darah yang dikirim kemarin?", False, True),
        ("Wanneer krijgen jullie de uitslag van het bloedonderzoek?", False, True),
    ],
)
def test_provider_voice_and_address_are_read_in_other_languages(
    text: str, speaks_as_we: bool, addresses_you: bool
) -> None:
    _, values = _page_features(text)
    assert (values["first_person_plural"].value > 0) is speaks_as_we
    assert (values["second_person"].value > 0) is addresses_you


# An English cue that is a common word of the page's language, with another meaning, is that
# word there (a language file's `false_friends`); the same cue still counts in English.
# (sentence, the features it must not light)
FALSE_FRIENDS = [
    # Polish "we" is "in".
    (
        "Lekarz mówi, że komórki zmieniają się we wszystkie rodzaje tkanek.",
        ("first_person_plural", "product_offer"),
    ),
    # Portuguese "dói" (it hurts) folds to "doi".
    (
        "Seu ombro dói de manhã? Muitos pacientes sentem isso depois dos cinquenta anos.",
        ("research", "citations"),
    ),
    # Vietnamese "theo dõi" (to monitor).
    (
        "Bác sĩ theo dõi huyết áp của người bệnh hằng tuần tại phòng khám.",
        ("research", "citations"),
    ),
    # French "identifier" (to identify).
    ("Le médecin cherche à identifier l'origine de la douleur au genou.", ("registry",)),
    # Dutch "offers" (victims).
    ("De offers van de kliniek vertelden hun verhaal aan de krant.", ("offer",)),
]


@pytest.mark.parametrize(("text", "unlit"), FALSE_FRIENDS)
def test_an_english_cue_that_is_a_word_of_the_page_language_does_not_count_there(
    text: str, unlit: tuple[str, ...]
) -> None:
    values = _values(text)
    assert {name: values[name] for name in unlit} == {name: 0.0 for name in unlit}


def test_english_false_friends_still_count_in_english() -> None:
    assert _values("We treat knee pain with stem cells.")["first_person_plural"] > 0
    cited = _values("Knee pain and stem cells: the full text is at doi:10.1000/182.")
    assert cited["research"] + cited["citations"] > 0


def test_a_german_verb_is_no_plant_source() -> None:
    """German "plant" (plans) beside stem cells is no plant "stem cell" of skin care."""
    document, _ = _page_features("Das Universitätsklinikum plant eine Studie mit Stammzellen.")
    assert not document.page_cues("plant_source")
    assert _page_features("Apple stem cells in our serum.")[0].page_cues("plant_source")


# --- page cues in every language -----------------------------------------------------------------
# A language with products and conditions but no page cues is judged by the claims alone: its
# clinic pages show no provider voice and its research summaries no study, so the page model
# falls back on its prior. The sentences below are written for these tests.
DATA = Path(__file__).resolve().parents[2] / "model" / "data"
LANGUAGES = sorted(path.stem for path in (DATA / "languages").glob("*.yaml"))
# The families the page model leans on most, on either side.
CORE_FAMILIES = (
    "provider_voice",
    "offer",
    "call_to_action",
    "attribution",
    "research",
    "news",
    "first_person_plural",
    "second_person",
)


def test_every_language_has_the_core_page_cue_families() -> None:
    families = yaml.safe_load((DATA / "page_cues.yaml").read_text(encoding="utf-8"))["families"]
    missing = [
        f"{family}: {code}"
        for family in CORE_FAMILIES
        for code in LANGUAGES
        if not families[family].get(code)
    ]
    assert not missing, missing


# (language, a clinic's offer, a report of a study)
PAGES = [
    (
        "cs",
        "V naší klinice nabízíme léčbu kmenovými buňkami. Objednejte se na konzultaci.",
        "Vědci popsali klinickou studii, do které se zapojilo čtyřicet účastníků.",
    ),
    (
        "sk",
        "V našej klinike ponúkame liečbu kmeňovými bunkami pre pacientov s artrózou kolena. "
        "Objednajte sa ešte dnes na bezplatnú konzultáciu.",
        "Klinická štúdia zahŕňala štyridsať účastníkov a skupinu s placebom.",
    ),
    (
        "bg",
        "В нашата клиника предлагаме лечение със стволови клетки. Запишете се за консултация.",
        "Учените описаха клинично изпитване с четиридесет участници и плацебо.",
    ),
    (
        "el",
        "Στην κλινική μας προσφέρουμε θεραπεία με βλαστοκύτταρα. Κλείστε ραντεβού σήμερα.",
        "Οι ερευνητές δημοσίευσαν μια κλινική μελέτη με σαράντα συμμετέχοντες.",
    ),
    (
        "fa",
        "در کلینیک ما درمان با سلول\u200cهای بنیادی ارائه می\u200cدهیم. همین امروز تماس بگیرید.",
        "پژوهشگران نتایج یک کارآزمایی بالینی با چهل شرکت\u200cکننده را منتشر کردند.",
    ),
    (
        "th",
        "คลินิกของเราให้บริการรักษาด้วยสเต็มเซลล์ ติดต่อเราเพื่อนัดหมายได้ทุกวัน",
        "นักวิจัยรายงานผลการทดลองทางคลินิกที่มีผู้เข้าร่วมสี่สิบคนในวารสารการแพทย์",
    ),
    (
        "hi",
        "हमारे क्लिनिक में स्टेम सेल थेरेपी उपलब्ध है। आज ही हमसे संपर्क करें।",
        "यह अध्ययन चालीस प्रतिभागियों वाले एक क्लिनिकल ट्रायल पर आधारित है।",
    ),
    (
        "he",
        "במרפאה שלנו אנו מציעים טיפול בתאי גזע. צרו קשר עוד היום.",
        "תוצאות המחקר פורסמו, ובו השתתפו ארבעים משתתפים.",
    ),
]


@pytest.mark.parametrize(("code", "offer", "report"), PAGES, ids=[p[0] for p in PAGES])
def test_an_offer_reads_as_the_provider_and_a_report_as_research(code, offer, report):
    assert shared_checker().check(offer)["language"]["code"] == code
    offered = _values(offer)
    assert offered["provider_voice"] > 0 and offered["call_to_action"] > 0, offered
    assert offered["research"] == 0, offered
    reported = _values(report)
    assert reported["research"] > 0, reported
    assert reported["provider_voice"] == 0 and reported["offer"] == 0, reported


def test_turkish_gore_is_a_report_only_after_a_speaker_or_a_source():
    # "göre" is "according to" after a source, but also "depending on", which clinics write in
    # every treatment plan.
    plan = (
        "Kliniğimizde kök hücre tedavisi, hastanın durumuna göre planlanır ve seans sayısı "
        "yaşa göre belirlenir."
    )
    assert _values(plan)["attribution"] == 0
    report = "Bakanlığın açıklamasına göre kök hücre tedavisi için yeni bir düzenleme hazırlanıyor."
    assert _values(report)["attribution"] > 0


# (language, a short news report: a scientist's study and a speaker's words). Written for these
# tests; each leans on the reporting words a news story in that language uses most.
NEWS_REPORTS = [
    (
        "pl",
        "Naukowcy opisali swoje obserwacje w czasopiśmie medycznym. Potrzeba jeszcze wielu "
        "lat pracy – wyjaśnia profesor z Krakowa.",
    ),
    (
        "vi",
        "Các nhà khoa học đã công bố trên tạp chí y khoa quốc tế. Theo ông Minh, cần thêm "
        "nhiều năm trước khi áp dụng rộng rãi.",
    ),
    (
        "id",
        "Para ilmuwan memaparkan uji klinis itu dalam jurnal kedokteran. Temuan ini masih "
        "sangat awal, ujarnya kepada wartawan.",
    ),
    (
        "uk",
        "Вчені розповіли про свою роботу в журналі для лікарів. Лікарка пояснила, що до "
        "широкого застосування ще далеко.",
    ),
    (
        "tr",
        "Bilim insanları bulgularını bir tıp dergisinde paylaştı. Uygulama için daha çok "
        "zaman gerekiyor, dedi uzman.",
    ),
    ("ar", "نشر العلماء الدراسة في مجلة طبية معروفة. أوضحت الطبيبة أن الأمر يحتاج إلى سنوات."),
    (
        "nl",
        "Wetenschappers beschreven de proef in een medisch tijdschrift. Het duurt nog jaren, "
        "aldus de woordvoerder van het ziekenhuis.",
    ),
    (
        "ru",
        "Результаты опубликованы в медицинском журнале. Это только начало, пояснила врач "
        "из Москвы.",
    ),
    ("zh", "这项试验的数据发表在医学期刊上。据悉，这种疗法仍处于早期阶段。"),
    (
        "ja",
        "研究チームは臨床試験の経過を学会で報告した。担当の医師は、まだ初期の段階だと説明した。",
    ),
    (
        "ko",
        "연구팀은 임상시험 경과를 학회에서 공개했다. 아직 초기 단계라고 병원 관계자는 강조했다.",
    ),
    (
        "hi",
        "यह अध्ययन एक चिकित्सा जर्नल में प्रकाशित हुआ है। इसमें अभी कई साल लगेंगे, उन्होंने कहा।",
    ),
    (
        "he",
        "תוצאות המחקר פורסמו בכתב עת רפואי. יעברו עוד שנים עד שהטיפול יגיע לציבור, הסבירה הרופאה.",
    ),
    (
        "th",
        "ผลการศึกษานี้ตีพิมพ์ในวารสารทางการแพทย์เมื่อต้นเดือน\n"
        "แพทย์ผู้ร่วมทำวิจัยให้สัมภาษณ์ว่ายังต้องใช้เวลาอีกหลายปีกว่าจะนำมาใช้ได้จริง",
    ),
]


@pytest.mark.parametrize(("code", "report"), NEWS_REPORTS, ids=[r[0] for r in NEWS_REPORTS])
def test_a_news_report_reads_its_speakers_and_its_study(code, report):
    assert shared_checker().check(report)["language"]["code"] == code
    values = _values(report)
    assert values["attribution"] > 0 and values["research"] > 0, values
    assert values["provider_voice"] == 0 and values["offer"] == 0, values


# A date written with dots or hyphens looks like a phone number to the contact pattern; a news
# item's or a journal's dates are no way to reach a clinic.
DATED_REPORT = (
    "Case series. Submitted 14.02.2022, accepted 2022-06-30.\n"
    "Four patients received cord cells for a spinal injury; two improved on one scale."
)
CLINIC_PHONE = (
    "Four patients received our cord cells for a spinal injury.\n"
    "Call 0161 496 0731 or 030-1234-5678 to arrange a visit."
)


def test_a_date_is_no_contact_detail_and_a_phone_number_is():
    assert _values(DATED_REPORT)["contact_details"] == 0
    assert _values(CLINIC_PHONE)["contact_details"] > 0


# The same offering sentences said by the page, then quoted or attributed by a reporter.
OWN_OFFER = (
    "We treat worn knees with cells from your own fat. "
    "Our team offers the injection on the day of your visit. "
    "You can be back at work the next morning."
)
QUOTED_OFFER = (
    'A clinic director told the paper, "We treat worn knees with cells from your own fat." '
    "Our team offers the injection on the day of your visit, she said. "
    "According to its leaflet, you can be back at work the next morning."
)


@pytest.mark.parametrize("feature", ["first_person_plural", "second_person", "offer"])
def test_an_offer_counts_in_the_pages_own_voice_and_not_in_words_it_reports(feature):
    assert _values(OWN_OFFER)[feature] > 0
    assert _values(QUOTED_OFFER)[feature] == 0


# Sums of money as a clinic's price card gives them, then as a news story tells them.
PRICE_CARDS = {
    "en": "Knee package: two fat-derived cell injections, $6,500.\nBook a visit today.",
    "es": "Paquete de rodilla: dos sesiones con células madre, 4.200 USD.\nReserve su cita hoy.",
}
MONEY_TOLD_OF = {
    "en": (
        "One couple paid $6,500 for two knee injections and saw no change.\n"
        "The clinic was fined $2 million last year.\n"
        'A patient said the treatment "cost me $9,000".'
    ),
    "es": (
        "Los pacientes pagaron 4.200 USD por dos sesiones y no notaron cambios.\n"
        "La clínica recibió una multa de 90.000 USD el año pasado."
    ),
}


@pytest.mark.parametrize("language", sorted(PRICE_CARDS))
def test_a_price_counts_where_the_page_asks_it_and_not_where_it_tells_of_money_paid(language):
    document, values = _page_features(PRICE_CARDS[language])
    assert values["price"].value == pytest.approx(math.log1p(1))
    evidence = values["price"].evidence
    assert evidence is not None
    assert document.text[evidence.start : evidence.end] in {"$6,500", "4.200 USD"}
    assert _values(MONEY_TOLD_OF[language])["price"] == 0


# A report's doubts as news words them (two sentences: a critic's stance
# counts from its second), each beside a sentence that relays a clinic's promise.
DOUBTS = {
    "en": (
        "A review found that the knee shots offer no benefit at all. "
        "Desperate parents are swindled out of their savings."
    ),
    "es": (
        "Estos tratamientos con células madre no están científicamente comprobados. "
        "Además, no existen tratamientos aprobados contra la artrosis."
    ),
    "pt": (
        "Os tratamentos com células-tronco não são cientificamente comprovados. "
        "Os médicos criticam as promessas exageradas das clínicas."
    ),
    "fr": (
        "Ces injections de cellules souches ne sont pas scientifiquement prouvées. "
        "Aucun traitement n'est approuvé pour rajeunir la peau."
    ),
    "de": (
        "Die Wirkung der Stammzellspritzen ist nicht wissenschaftlich nachgewiesen. "
        "Es gibt keine zugelassene Therapie gegen das Altern."
    ),
    "it": (
        "Queste terapie con cellule staminali non sono scientificamente provati rimedi. "
        "Non esiste nessun trattamento approvato per ringiovanire."
    ),
    "tr": (
        "Bu tedavinin diz ağrısında kanıtlanmış bir etkisi yoktur. "
        "Uzmanlar abartılı vaatler konusunda uyarıyor."
    ),
    "zh": "干细胞美容的夸大宣传越来越多。多数医生对这种疗法持保留态度。",
    "id": "Konsumen tertipu oleh iklan sel punca. Para dokter bilang belum ada bukti manfaatnya.",
    "zh (illegal practice, experts' warning)": (
        "调查发现，这些机构违规开展干细胞回输，已被查处。专家提醒消费者别再交智商税。"
    ),
    "vi": (
        "Cơ sở này tiêm tế bào gốc trái phép và đã bị xử phạt. "
        "Chưa có bằng chứng cho thấy cách làm này hiệu quả."
    ),
    "pl": (
        "Ten gabinet nielegalnie podaje pacjentom komórki macierzyste. "
        "Jego reklamy wprowadzają w błąd chorych na stawy."
    ),
    "ru": (
        "Тревожные признаки: клиника обещает вылечить артроз одной инъекцией. "
        "Такие непроверенные процедуры стоят дорого."
    ),
    "ja": ("宣伝の言葉だけで判断しないでください。届け出は、国が効果を認めたものではありません。"),
}


@pytest.mark.parametrize("code", sorted(DOUBTS))
def test_doubts_in_a_reports_words_read_as_a_critical_stance(code):
    assert _values(DOUBTS[code])["critical"] > 0


# A news report's own words for who said what (attribution), two sentences each, so that the
# feature counts them whatever the allowance.
REPORTED_SPEECH = {
    "es": (
        "La clínica abrió en marzo, añadió el concejal. "
        "De acuerdo con la fiscalía, cobraba por inyecciones de células madre."
    ),
    "pt": (
        "O hospital suspendeu as aplicações, acrescentou a diretora. "
        "Em nota, a agência lembrou que o produto não tem registro."
    ),
    "de": (
        "Der Verband teilte mit, dass die Praxis geschlossen wurde. "
        "Den Behörden zufolge verkaufte sie Stammzellspritzen ohne Erlaubnis."
    ),
    "fr": (
        "La clinique a fermé ses portes, a indiqué le préfet. "
        "D'après l'agence, les injections de cellules souches n'étaient pas autorisées."
    ),
    "it": (
        "Il sindaco ha sottolineato che il centro era senza licenza. "
        "In un comunicato, l'ospedale ha precisato di non offrire cellule staminali."
    ),
    "ja": "院長は治療を中止したと明らかにした。保健所によりますと、届け出はなかった。",
    "ko": (
        "보건소는 해당 의원을 점검했다고 밝혔습니다. "
        "담당 직원은 줄기세포 시술이 신고되지 않았다고 전했습니다."
    ),
    "zh": "这家诊所的负责人对记者说，干细胞疗法已经停止。据介绍，卫生部门已经介入调查。",
}


# A news site's furniture around its report (a correspondent, a wire agency, "read also"),
# two sentences each.
NEWS_FURNITURE = {
    "es": "Por nuestro corresponsal en Lima. Te puede interesar: el tiempo en la sierra.",
    "pt": "Com informações da Agência Brasil. Leia também: a saúde no interior.",
    "de": "Von unserem Korrespondenten in Wien. Lesen Sie auch: Neues aus der Medizin.",
    "fr": "De notre correspondante à Genève. À lire aussi : la santé en Suisse.",
    "it": "Dal nostro corrispondente a Torino. Leggi anche: la sanità in Piemonte.",
    "ja": "読売新聞の取材に応じた。関連記事も参照。",
    "ko": "뉴시스 취재에 따르면 그렇다. 무단전재 및 재배포 금지.",
    "zh": "据中新网消息。责任编辑：王明。",
}


REPORT_WORDING = {"attribution": REPORTED_SPEECH, "news": NEWS_FURNITURE}


@pytest.mark.parametrize(
    ("feature", "code"),
    [(feature, code) for feature, texts in REPORT_WORDING.items() for code in sorted(texts)],
)
def test_a_reports_own_wording_reads_as_its_feature(feature, code):
    assert _values(REPORT_WORDING[feature][code])[feature] > 0


# "Median" names a midline in anatomy and a middle size in everyday Spanish ("de mediana
# edad"); only its statistical use ("la mediana de", "age médian") is research talk.
MEDIAN_NOT_RESEARCH = {
    "es": "Tratamos sobre todo a deportistas de mediana edad con dolor de rodilla.",
    "fr": "Chez l'homme, la calvitie commence souvent le long de la raie médiane.",
    "it": "L'incisione viene praticata in sede mediana, sopra l'ombelico.",
    "de": "Der Hautschnitt wird median am Unterbauch gesetzt, oberhalb des Nabels.",
}
MEDIAN_RESEARCH = {
    "es": "La mediana de seguimiento fue de dos años en los pacientes tratados.",
    "fr": "L'âge médian des participants était de soixante ans.",
    "it": "La mediana di sopravvivenza non è stata raggiunta.",
    "de": "Im Median lag die Nachbeobachtung bei zwei Jahren.",
}


@pytest.mark.parametrize("code", sorted(MEDIAN_NOT_RESEARCH))
def test_median_as_anatomy_or_middle_age_is_not_research(code):
    assert _values(MEDIAN_NOT_RESEARCH[code])["research"] == 0
    assert _values(MEDIAN_RESEARCH[code])["research"] > 0


# A reporter quoting a clinic's founder over three paragraphs: each opens with a quotation
# mark and only the last one closes it.
QUOTED_OVER_PARAGRAPHS = (
    "The founder opened his second clinic in the spring.\n\n"
    "\u201cWe can offer you cells grown from your own fat.\n\n"
    "\u201cOur team treats worn knees and tired hearts alike.\n\n"
    "\u201cPeople leave here feeling years younger,\u201d he told visitors on Tuesday."
)


@pytest.mark.parametrize("feature", ["provider_voice", "first_person_plural", "second_person"])
def test_a_quotation_continued_over_paragraphs_is_not_the_pages_own_voice(feature):
    assert _values(QUOTED_OVER_PARAGRAPHS)[feature] == 0
    # The same paragraphs, the marks taken away, are the page speaking.
    assert _values(QUOTED_OVER_PARAGRAPHS.replace("\u201c", "").replace("\u201d", ""))[feature] > 0


def _quotations_read_mark_by_mark(text: str) -> list[tuple[int, int]]:
    """Quotations.of's rule read one character at a time: a mark opens (a corner bracket waits
    for its own closer), the next fitting mark on the same line within QUOTATION_LIMIT closes;
    a mark that opens its line and is still open at the line's end, within the limit, quotes
    the line."""
    closers = {"\u300c": "\u300d", "\u300e": "\u300f"}
    spans, opened_at, closer = [], -1, ""

    def opens_its_line(at: int) -> bool:
        return all(c in " \t" for c in text[text.rfind("\n", 0, at) + 1 : at])

    for i, char in enumerate(text + "\n"):
        if opened_at >= 0 and (char == "\n" or i - opened_at > QUOTATION_LIMIT):
            if char == "\n" and i - opened_at <= QUOTATION_LIMIT and opens_its_line(opened_at):
                spans.append((opened_at, min(i, len(text))))
            opened_at = -1
        if char not in '"\u201c\u201d\u201e\u00ab\u00bb\u300c\u300d\u300e\u300f':
            continue
        if opened_at >= 0:
            if char == closer or (not closer and char not in closers):
                spans.append((opened_at, i + 1))
                opened_at = -1
        elif char in closers:
            opened_at, closer = i, closers[char]
        elif char not in closers.values():
            opened_at, closer = i, ""
    return spans


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[*HealthCheck])
@given(
    st.lists(
        st.sampled_from(['"', "\u201c", "\u201d", "\u00ab", "\u00bb", "\u300c", "\u300d", "\n"])
        | st.text(alphabet="ab ", min_size=1, max_size=3)
        | st.just("x" * 150),
        max_size=30,
    ).map("".join)
)
def test_quotations_are_those_the_mark_by_mark_reading_finds(text):
    found = Quotations.of(text)
    assert [(s.start, s.end) for s in found.spans] == _quotations_read_mark_by_mark(text)
