"""Every language the lexicons read has the page cues the page judgement weighs.

A language with products and conditions but no page cues is judged by the claims alone: its
clinic pages show no provider voice and its research summaries no study, so the page model
falls back on its prior. The sentences below are written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from model.page_features import page_features
from model.pipeline import CheckState, page_inputs, run_pipeline

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
]


def _features(checker, text: str) -> dict[str, float]:
    state = run_pipeline(
        CheckState(text, frozenset(), False, len(text)), checker.parts, until="find_claims"
    )
    return {name: value.value for name, value in page_features(page_inputs(state)).items()}


@pytest.mark.parametrize(("code", "offer", "report"), PAGES, ids=[p[0] for p in PAGES])
def test_an_offer_reads_as_the_provider_and_a_report_as_research(checker, code, offer, report):
    assert checker.check(offer)["language"]["code"] == code
    offered = _features(checker, offer)
    assert offered["provider_voice"] > 0 and offered["call_to_action"] > 0, offered
    assert offered["research"] == 0, offered
    reported = _features(checker, report)
    assert reported["research"] > 0, reported
    assert reported["provider_voice"] == 0 and reported["offer"] == 0, reported


def test_turkish_gore_is_a_report_only_after_a_speaker_or_a_source(checker):
    # "göre" is "according to" after a source, but also "depending on", which clinics write in
    # every treatment plan.
    plan = (
        "Kliniğimizde kök hücre tedavisi, hastanın durumuna göre planlanır ve seans sayısı "
        "yaşa göre belirlenir."
    )
    assert _features(checker, plan)["attribution"] == 0
    report = "Bakanlığın açıklamasına göre kök hücre tedavisi için yeni bir düzenleme hazırlanıyor."
    assert _features(checker, report)["attribution"] > 0
