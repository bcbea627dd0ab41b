"""Pages about animals or plant cosmetics, and pages that decline, doubt or warn, are low risk;
ads for people that borrow veterinary framing are not."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

import model
from evaluation.evaluate import product_condition_pairs
from model.normalise import fold_term
from model.pipeline import CheckState, run_pipeline, stage_decide

ROOT = Path(__file__).resolve().parents[2]

CHECKER = model.load_checker()

DOG_PAGE = """Stem Cell Care for Arthritic Dogs - Maple Grove Veterinary Clinic

Many older dogs stiffen up in the cold months. For dogs with hip or elbow arthritis, our
veterinarian can harvest a little fat from your dog during a short anaesthetic and return the
processed cells into the sore joints.
Most dogs go home the same day, and your dog will need a week of lead walks.
We also treat cats. Ask about the costs and risks at your pet's next check-up."""

HORSE_FRAMED_AD = """Champion-Horse Recovery, Now for People

Racing stables have used fat-derived stem cell shots on horses for years. Our clinic now
offers the same stem cell injections to weekend athletes with torn rotator cuffs and knee
osteoarthritis. We culture the cells for three weeks and inject millions of them back.
Patients are back in the gym in a month. Book your consultation today."""


def _paired_conditions(result: dict) -> set[str]:
    return {condition for _, condition in product_condition_pairs(result)}


def test_a_veterinary_page_is_low_risk():
    result = CHECKER.check(DOG_PAGE)
    assert result["risk"]["level"] == "low", [f["rule_id"] for f in result["flags"]]


def test_an_ad_for_people_with_horse_framing_is_still_flagged():
    result = CHECKER.check(HORSE_FRAMED_AD)
    assert result["risk"]["level"] == "high"
    assert "knee osteoarthritis" in _paired_conditions(result)


@pytest.mark.parametrize(
    "sentence",
    [
        "Rare side effects include infertility.",
        "In rare cases the injections may cause a stroke.",
    ],
)
def test_a_condition_named_as_a_harm_is_not_a_target(sentence):
    text = "Our clinic offers fat-derived stem cell injections for knee pain. " + sentence
    # "knee pain" is a lay name of joint pain
    assert _paired_conditions(CHECKER.check(text)) == {"joint pain"}


def test_a_cosmetic_that_denies_stem_cell_effects_is_low_risk():
    text = (
        "Our night cream uses an extract of grape cells grown in a lab. It has no living cells, "
        "and it does not replace or activate the stem cells in your skin. It moisturises."
    )
    assert CHECKER.check(text)["risk"]["level"] == "low"


def test_a_disciplinary_order_quoting_ads_is_low_risk():
    text = (
        "BOARD OF MEDICAL EXAMINERS\nCONSENT ORDER In the Matter of a licensed physician\n"
        "FINDINGS OF FACT\n1. Respondent advertised umbilical cord stem cell infusions for "
        "multiple sclerosis and called them completely safe.\n2. The products are not approved "
        "by the FDA for that use.\nCONCLUSIONS OF LAW\nRespondent engaged in misleading "
        "advertising.\nORDER\nRespondent is publicly reprimanded and shall pay an administrative "
        "fine. SO ORDERED."
    )
    assert CHECKER.check(text)["risk"]["level"] == "low"


def test_a_clinician_post_about_harvesting_marrow_for_heart_failure_is_flagged():
    text = (
        "Proud moment: a man with heart failure came to us. We harvested his bone marrow, "
        "concentrated the cells and injected them into his heart muscle. Twelve weeks later he "
        "is back on the golf course."
    )
    result = CHECKER.check(text)
    assert result["risk"]["level"] == "high"
    assert any(
        f["entities"].get("condition", {}).get("name") == "heart failure" for f in result["flags"]
    )


def test_a_critics_post_about_a_pay_to_play_programme_is_informational():
    """The critic's vocabulary (evidence judged absent, marketing judged exploitative) reads as
    a report on the offer, not as the offer."""
    text = (
        "Yet another clinic now charges families to enrol their children in what it calls a "
        "study: pay to play, in plain words. I am skeptical, and you should be too.\n"
        "The group's own trial of cord blood infusions for autism found no convincing evidence "
        "that the children improved, yet the programme is marketed direct to consumer, with "
        "glowing testimonials and a price of $12,000.\n"
        "Unregulated stem cell clinics have learned that hope sells; parents deserve better."
    )
    body = CHECKER.check(text)
    assert body["page"]["kind"] == "informational"
    assert body["risk"]["level"] == "low" and body["flags"] == []


def test_the_ways_a_bank_names_cord_blood_storage_are_an_approved_use():
    for text in (
        "We store cord blood for families in a licensed facility.",
        "Bank your baby's cord blood at birth with one collection kit.",
        "Cord blood storage is paid once a year.",
    ):
        document = CHECKER.document(text)
        assert "cord_blood_banking" in {m.key for m in document.approved}, text


@pytest.mark.parametrize(
    "text",
    [
        "Korea's regulator licensed Cartistem, made from donated cord blood cells, for worn knee "
        "cartilage in osteoarthritis.",
        "厚生労働省はステミラック注を脊髄損傷の治療に条件付きで承認した。",
        "Temcell is given in Japan to children with graft-versus-host disease after a transplant.",
        "In Europe, Holoclar grows a new layer of the eye's surface from the patient's own limbal "
        "stem cells to treat limbal stem cell deficiency left by a chemical burn.",
        "Spherox, small spheres of the patient's own cartilage cells, is licensed in the EU to "
        "repair cartilage defects of the knee.",
        "Canada's conditional licence let Prochymal, donor marrow stem cells, be used in children "
        "with graft-versus-host disease that steroids had not controlled.",
        "India's drug regulator approved Stempeucel, pooled bone marrow stem cells, for critical "
        "limb ischemia in Buerger's disease.",
    ],
)
def test_a_product_licensed_abroad_for_its_indication_is_an_approved_use(text):
    claims = CHECKER.claims_before_judgement(text)
    assert not [c for c in claims if c["category"] == "unapproved_use"], claims


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("The Holoclar graft is sewn onto the eye once the scarred tissue is gone.", "holoclar"),
        ("Spherox is implanted into the knee through a small incision.", "spherox"),
        ("Prochymal was the first stem cell drug a national regulator licensed.", "ryoncil"),
        ("Stempeucel is injected into the calf muscles of the affected leg.", "stempeucel"),
        ("ハートシートは重い心不全の患者の心臓に貼り付けて使う。", "heartsheet"),
    ],
)
def test_a_cell_product_licensed_abroad_is_read_as_an_approved_product(text, key):
    assert key in {m.key for m in CHECKER.document(text).approved}


def test_a_product_licensed_abroad_named_for_another_disease_is_still_a_claim():
    text = "We import Cartistem cord blood stem cells to treat autism in children. Book a visit."
    claims = CHECKER.claims_before_judgement(text)
    assert [c for c in claims if c["category"] == "unapproved_use"], claims


@pytest.mark.parametrize(
    ("text", "critical_words"),
    [
        ("Desconfie de quem cobra por um tratamento experimental com células-tronco.", 1),
        ("Vários sites vendem tratamentos sem eficácia comprovada e com riscos para a saúde.", 3),
        ("Die Einlagerung ist spekulativ: Belege für einen Nutzen fehlen bislang.", 2),
        ("Diffidate dei centri che vendono staminali: efficacia non dimostrata.", 2),
        ("Méfiez-vous des sites qui vendent des cellules souches : rien ne prouve leur effet.", 3),
        ("Будьте осторожны: эффективность не доказана, а риски для здоровья велики.", 3),
        ("专家提醒患者不要轻信干细胞旅游广告，疗效未经证实。", 4),
    ],
)
def test_a_warning_in_another_language_is_read_as_critical(text, critical_words):
    """The critic's words in Portuguese, German, Italian, French, Russian and Chinese (be wary,
    speculative, efficacy not shown, sites that sell): each is a critical cue the page judgement
    counts."""
    document = CHECKER.document(text)
    assert len(document.cues("critical")) == critical_words
    body = CHECKER.check(text)
    assert body["page"]["kind"] == "informational" and body["risk"]["level"] == "low"


# A consumer warning in Spanish, written for this test: it names what clinics promise, in the
# third person, and warns twice.
SPANISH_WARNING = """Aviso a pacientes: ofertas de células madre

Cada año aparecen más centros que venden inyecciones de células madre para la artritis, el
autismo o la esclerosis múltiple, y muchos prometen curar casi cualquier enfermedad.
Tenga cuidado: la mayoría de estos tratamientos no están aprobados.
Son tratamientos no comprobados, anunciados con publicidad engañosa en redes sociales.
Antes de pagar, hable con su médico de cabecera."""


def test_a_consumer_warning_in_spanish_is_not_flagged():
    result = CHECKER.check(SPANISH_WARNING)
    assert result["risk"]["level"] == "low", [f["rule_id"] for f in result["flags"]]
    assert result["page"]["kind"] == "informational", result["page"]


def _cues(text: str, kind: str) -> Sequence:
    """The context cues of `kind` ("critical", "informational", ...) that analysis finds."""
    return CHECKER.document(text).cues(kind)


@pytest.mark.parametrize(
    "warning",
    [
        "Tenga cuidado: hay clínicas sospechosas cuyos tratamientos no están aprobados.",
        "Tenha cuidado: são tratamentos não comprovados, com propaganda enganosa.",
        "Soyez prudents : ces traitements non prouvés relèvent de la publicité trompeuse.",
        "Seien Sie vorsichtig: irreführende Werbung für unbewiesen wirksame Spritzen.",
        "Fate attenzione alle cliniche sospette e alla pubblicità ingannevole.",
        # someone else's offer, and an effect not shown
        "Certaines cliniques vendent ces injections ; leur effet n'est pas démontré.",
        "Algunas clínicas venden estas infusiones, cuyo efecto no está demostrado.",
        "Algumas clínicas vendem essas aplicações, mas o efeito não foi demonstrado.",
        "Manche Kliniken verkaufen solche Spritzen, deren Nutzen nicht belegt ist.",
        "Alcune cliniche vendono queste infusioni, con un effetto non dimostrato.",
    ],
)
def test_consumer_warnings_read_as_critical_in_five_languages(warning):
    assert len(_cues(warning, "critical")) >= 2, warning


@pytest.mark.parametrize(
    "sentence",
    [
        # a reporter's distance: "so-called" cells, quacks, what the audience wants to hear
        "Un vendedor ofrece sus supuestas células madre como una supuesta cura para la diabetes.",
        "O charlatão vende supostos tratamentos e diz ao público o que querem ouvir.",
        "Ces prétendues cellules souches sont vendues à des patients désespérés.",
        "Le presunte cellule staminali vengono vendute da sedicenti esperti.",
        "Quacksalber verkaufen angebliche Stammzellen an verzweifelte Patienten.",
        "Estos tratamientos son aún experimentales y no han sido comprobados.",
        # a critic's register in English
        "The craze has raised concerns among surgeons, and its safety risks are poorly known.",
        # an advocate's warning about medical tourism: what the companies claim, on what evidence
        "Sellers of these shots say they reverse arthritis, on little or no evidence.",
        "A spinal injection of donor cells carries a significant risk for the patient.",
        "A chain of for-profit clinics pays for the ads seen on this forum.",
    ],
)
def test_a_reporters_distance_reads_as_critical(sentence):
    assert _cues(sentence, "critical"), sentence


@pytest.mark.parametrize(
    "sentence",
    [
        # guidelines, payers and reviewers weighing the evidence
        "Kidney societies say cell infusions are not currently recommended outside trials.",
        "The payer lists these shots as experimental or investigational and pays nothing.",
        "Two small trials of the jelly injections were inconclusive about pain.",
        "In our reading, the research does not support cell shots for worn hips.",
        "The plan treats the procedure as medically unnecessary for back pain.",
        "The long term safety is unknown for cells placed in the spine.",
        "Several wellness chains sell exosome drips that lack FDA approval.",
        # Arabic: evidence said to be missing, a warning with "and" written onto it, claims
        # called misleading; and Chinese: a product's origin unknown, the evidence too thin
        "لا يوجد دليل علمي على فعالية هذه الحقن في علاج الركبة.",
        "وحذرت النقابة المرضى من المراكز التي تبيع هذه الحقن.",
        "وصفت الهيئة هذه الإعلانات بأنها مضللة.",
        "这类产品来源不明,而且证据不足。",
        "Le infusioni restano a livello sperimentale per questa malattia.",
        # the same verdicts in Spanish, Portuguese, French, German, Italian and Dutch
        "El producto carece de regulación y su uso sigue siendo experimental en España.",
        "Esse implante de células ainda não foi liberado no Brasil, diz o médico.",
        "Malgré le battage médiatique, ces perfusions ne sont pas une panacée.",
        "Für Knieschmerzen sind diese Spritzen keine Routinebehandlung und noch nicht zugelassen.",
        "Un trattamento non privo di rischi, venduto con facili promesse.",
        "Voor deze aandoening is er geen bewijs dat de injecties helpen.",
    ],
)
def test_a_verdict_on_the_evidence_reads_as_critical(sentence):
    assert _cues(sentence, "critical"), sentence


def test_arabic_letters_written_either_way_read_alike():
    """A final yeh written as an alef maqsura (as Egyptian writing does), and the Persian yeh
    and keheh for the Arabic ones: the same words, and the same cues."""
    for text in ("لا يوجد دليل علمى على ذلك.", "لا يوجد دليل علمي على ذلك."):
        assert _cues(text, "critical"), text
    assert fold_term("کلینیک") == fold_term("كلينيك")  # clinic, typed on either keyboard


@pytest.mark.parametrize(
    "sentence",
    [
        "Die Verbraucherzentrale rät, vor jeder Zahlung die Krankenkasse zu fragen.",
        "L'association de consommateurs conseille de demander l'avis de l'Assurance maladie.",
        "Los abogados del bufete buscan una indemnización para los pacientes afectados.",
        "O Procon e a defesa do consumidor recebem queixas sobre essas clínicas.",
        "Lo studio legale chiede un risarcimento per i pazienti danneggiati.",
        "The plaintiff's medical malpractice lawsuit names the clinic and its owner.",
        "La demandante acusa a la clínica de mala praxis.",
        "Der Kläger wirft der Praxis einen Behandlungsfehler vor.",
    ],
)
def test_consumer_bodies_lawyers_and_insurers_are_read_as_reporting(sentence):
    """Who writes the page is evidence of what it is: a consumer body, a law firm or an insurer
    reports on treatments (issue 12's genres), in the languages clinics advertise in too."""
    assert _cues(sentence, "informational"), sentence


DECLINING_PRACTICE = """Why We Do Not Offer Exosome Injections for Thinning Hair
Northfield Hair Surgery

Patients often ask us about exosome injections for hair loss. Exosome shots are marketed to
regrow hair and to repair damaged follicles. No exosome product has FDA approval, and the agency
has warned clinics that market them. Our surgeons do not offer exosome shots to hair-loss patients.
We think patients should avoid exosome injections until controlled trials show they are safe
and work. We offer follicular unit transplants and proven medicines instead. Book a
consultation to talk about them."""

HEDGED_EXPLAINER = """Is stem cell treatment worth it for knee arthritis?

Regenerative injections have become popular for worn knees. Theoretically, the injected cells
restore and rebuild cartilage, so a joint replacement might be avoided. Whether that happens in
people remains to be seen. Ask your physiotherapist which exercises suit your knee."""

PORTUGUESE_CONSUMER_ALERT = """Alerta ao consumidor: células-tronco para autismo

Clínicas anunciam nas redes sociais que injeções de células-tronco do cordão curam o autismo e
a paralisia cerebral. Cuidado com essas ofertas. Não há comprovação científica de que o
tratamento funcione, e as famílias pagam caro por falsas promessas. Tenha cuidado com pacotes
que incluem viagem ao exterior e pagamento antecipado."""


@pytest.mark.parametrize(
    "text",
    [DECLINING_PRACTICE, HEDGED_EXPLAINER, PORTUGUESE_CONSUMER_ALERT],
    ids=["declines-the-product", "hedged-explainer", "pt-consumer-alert"],
)
def test_a_page_that_declines_doubts_or_warns_is_low_risk(text):
    # A practice that declines to sell the product and tells readers to avoid it, an explainer
    # whose effects are "in theory" and "remain to be seen", a Portuguese consumer warning: all
    # three were flagged high before their cue families were read as critical.
    result = CHECKER.check(text)
    assert result["risk"]["level"] == "low", [f["rule_id"] for f in result["flags"]]


@pytest.mark.parametrize(
    "sentence",
    [
        "Scientists are studying cord tissue cells in trials for autism and cerebral palsy.",
        "Fat-derived cells are still being studied for knee osteoarthritis.",
        "Exosome scalp treatments for hair loss are advertised elsewhere.",
        "Las células madre de cordón se están estudiando para el autismo.",
        "Stammzellen aus Eigenfett werden bei Kniearthrose derzeit untersucht.",
    ],
)
def test_research_under_way_and_others_offers_set_a_pair_aside(sentence):
    # The sentence reports research still under way or someone else's offer; it makes no claim
    # of the page's own, so it pairs no product with a condition (each paired at 8e701c9).
    claims = CHECKER.claims_before_judgement(sentence)
    assert "unapproved-use.cell-product-for-disease" not in {c["rule_id"] for c in claims}


def _decided_where_claims_do_not_stand(text: str) -> set[str]:
    """The flags of a promotional page whose own claims the page model does not let stand:
    only the claims that endanger patients."""
    state = CheckState(text, frozenset(), False)
    run_pipeline(state, CHECKER.parts, until="judge_page")
    assert state.page is not None
    state.page = dataclasses.replace(state.page, kind="promotional", claims_stand=False)
    stage_decide(state, CHECKER.parts)
    return {flag.rule_id for flag in state.flags}


def test_a_claim_only_quoted_does_not_stand_where_the_pages_claims_do_not():
    said = "Our cord stem cells carry no risk of rejection."
    quoted = 'Early papers described cord stem cells as "free of any risk of rejection".'
    assert "safety.no-rejection" in _decided_where_claims_do_not_stand(said)
    assert "safety.no-rejection" not in _decided_where_claims_do_not_stand(quoted)


def _flagged_ads(count: int) -> list[str]:
    ads = []
    for line in (ROOT / "evaluation" / "dev_set.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["kind"] == "ad" and item["expected_risk"] == "high" and not item.get("format"):
            ads.append(item["text"])
    return ads[:count]


def test_ads_written_inside_quotation_marks_are_still_flagged():
    # Quoting sets aside only what a page whose own claims do not stand quotes: an ad cannot
    # slip past by putting each of its lines in quotation marks.
    ads = _flagged_ads(20)
    quoted = [
        "\n".join(f'"{line}"' if line.strip() else line for line in ad.split("\n")) for ad in ads
    ]
    still = [CHECKER.check(text, explain=False)["risk"]["level"] != "low" for text in quoted]
    assert sum(still) >= len(ads) - 1, still


FRENCH_EQUINE_PRACTICE = """Cellules souches pour chevaux de sport - Clinique des Trois Prés

Votre cheval boite depuis une tendinite du fléchisseur ? Notre vétérinaire prélève un peu de
graisse sur la croupe de la jument ou du hongre, puis les cellules sont mises en culture.
Le cheval reçoit ensuite une injection dans le tendon, sous échographie.
La reprise du travail se fait au pas pendant trois mois, puis le cheval retourne au paddock.
Un poulain peut aussi être traité après une blessure au boulet. Demandez un devis pour votre
cheval à l'accueil de la clinique vétérinaire."""


def test_a_french_equine_practice_is_out_of_scope():
    # Horses named in the singular ("votre cheval", "la jument", "un poulain"): only the plural
    # was an animal cue in French, and the page was judged a clinic's ad at 6968873.
    result = CHECKER.check(FRENCH_EQUINE_PRACTICE)
    assert result["page"]["kind"] == "out_of_scope"
    assert result["risk"]["level"] == "low"


# Small-animal practices in Polish, Indonesian and Turkish, written for this test: the animals
# are named as these languages name them (no veterinary cue existed in Polish or Indonesian).
ANIMAL_PRACTICES = [
    """Terapia komórkami macierzystymi w naszej lecznicy weterynaryjnej.
Pobieramy odrobinę tłuszczu od zwierzęcia w krótkim znieczuleniu.
Komórki podajemy do stawu twojego psa albo twojego kota.
Weterynarz ocenia wyniki po sześciu tygodniach.
Zabieg stosujemy u psów i kotów z chorobą zwyrodnieniową stawów.""",
    """Terapi sel punca di klinik hewan kami untuk anjing dan kucing.
Dokter hewan mengambil sedikit lemak dari hewan peliharaan Anda.
Sel disuntikkan ke sendi anjing yang sakit.
Kucing dengan radang sendi juga dapat dirawat oleh dokter hewan kami.
Hubungi klinik hewan untuk jadwal.""",
    """Kliniğimizde kedi ve köpekler için kök hücre tedavisi uygulanıyor.
Veteriner hekim kedinin yağ dokusundan küçük bir örnek alır.
Hücreler köpeğin eklemine enjekte edilir.
Evcil hayvan sahipleri sonuçları altı hafta sonra görür.
Randevu için hayvan hastanesi ile iletişime geçin.""",
]


@pytest.mark.parametrize("page", ANIMAL_PRACTICES)
def test_a_small_animal_practice_is_out_of_scope_in_more_languages(page):
    result = CHECKER.check(page)
    assert result["page"]["kind"] == "out_of_scope", result["page"]
    assert result["risk"]["level"] == "low"


@pytest.mark.parametrize(
    "sentence",
    [
        "猫背を直すための姿勢の指導も行っています。",  # a stooped back ("cat back")
        "抜けた乳歯の犬歯から歯髄の幹細胞を取り出します。",  # a canine tooth ("dog tooth")
    ],
)
def test_japanese_words_built_on_dog_and_cat_are_no_animal_cue(sentence):
    assert not _cues(sentence, "veterinary"), sentence


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Министерство здравоохранения напоминает о рисках клеточных процедур.", "informational"),
        ("Ни одного клеточного продукта для лечения артроза не зарегистрировано.", "critical"),
        ("厚生労働省によると、このクリニックは計画と異なる方法で投与していた。", "informational"),
        ("専門家は、計画の受理は効果のお墨付きではないと指摘した。", "critical"),
        ("As pesquisas com células do cordão em autismo estão em andamento.", "informational"),
        ("Ein Knorpelaufbau ist beim Menschen nicht überzeugend nachgewiesen.", "critical"),
        ("Eksperci ostrzegli przed gabinetami oferującymi komórki macierzyste.", "critical"),
    ],
)
def test_reporting_and_doubt_read_in_more_languages(sentence, kind):
    # A health authority reminding and a ministry cited (Russian, Japanese), research under way
    # (Portuguese), an effect not convincingly shown (German), experts who warned (Polish).
    assert _cues(sentence, kind), sentence


# A reporter's or critic's page in five languages, written for this test: the product
# advertised "as" a remedy, nobody knowing whether it works, no authorisation, more studies
# needed. Each names claims a clinic would make, so its claims are found; its critical voice,
# in two sentences or more, must count (one such sentence is allowed to any advertiser).
CRITICAL_REPORTS = {
    "it": (
        "Gli esosomi vengono pubblicizzati come rimedio per la caduta dei capelli e per "
        "l'artrosi del ginocchio.\n"
        "Non sappiamo se funzionano: le particelle cambiano da un lotto all'altro.\n"
        "In Italia l'uso per iniezione è vietato senza autorizzazione.\n"
        "Servono ulteriori studi prima di qualsiasi impiego sui pazienti."
    ),
    "es": (
        "Algunas clínicas ofrecen infusiones de células madre para el autismo a familias "
        "desesperadas.\n"
        "El tratamiento no está científicamente validado y no sabemos si funciona.\n"
        "Se promocionan como una cura, sin respaldo científico alguno.\n"
        "Se necesitan más estudios antes de ofrecerlo a ningún niño."
    ),
    "pt": (
        "Os exossomos são anunciados como solução para rugas, queda de cabelo e artrose do "
        "joelho.\n"
        "A Anvisa não autoriza a aplicação injetável desses produtos no país.\n"
        "Não se sabe se o efeito dura, e mais estudos são necessários.\n"
        "As clínicas que prometem curar a artrose vendem grandes promessas."
    ),
    "fr": (
        "Des injections de cellules souches sont présentées comme un remède à l'arthrose du "
        "genou.\n"
        "On ne sait pas si elles régénèrent le cartilage : d'autres études sont nécessaires.\n"
        "Leur efficacité reste à démontrer et certaines sont proposées sans autorisation.\n"
        "Les preuves restent insuffisantes selon les rhumatologues."
    ),
    "de": (
        "Stammzellspritzen werden als Lösung für Kniearthrose beworben.\n"
        "Ob sie den Knorpel wiederherstellen, ist wissenschaftlich nicht belegt.\n"
        "Weitere Studien sind nötig, bevor Patienten behandelt werden.\n"
        "In Deutschland ist die Anwendung ohne Genehmigung verboten."
    ),
}


@pytest.mark.parametrize("language", sorted(CRITICAL_REPORTS))
def test_a_critics_page_reads_as_critical_in_five_languages(language):
    text = CRITICAL_REPORTS[language]
    document = CHECKER.document(text)
    critical = document.cues("critical")
    assert len({document.sentence_of[m] for m in critical}) >= 3, language
    result = CHECKER.check(text)
    assert result["page"]["kind"] == "informational" and result["risk"]["level"] == "low"


@pytest.mark.parametrize(
    "text",
    [
        "Regulators cracked down on a chain that sold birth-tissue injections as a cure-all.",
        "The commission called the clinic's cell shots quackery dressed up as science.",
        "The agency says the company deceptively advertised fat-derived cells for lung disease.",
        "A physician who writes about charlatans listed the claims the mailer made.",
    ],
)
def test_the_words_of_an_enforcement_story_are_critical_cues(text):
    """How reporters and critics name a crackdown and its target (cracked down on, quackery,
    deceptively, charlatans) is the critic's stance, which the page judgement counts."""
    assert CHECKER.document(text).cues("critical"), text


ANIMAL_PATIENT_PAGE = """Regenerative Therapy at Hillside Vets

We collect a little fat from the animal's own belly under sedation.
The cells are separated in our practice laboratory the same afternoon.
They go back into the animal's sore joint on that day.
Cell therapy for animals has been offered for more than a decade.
Most animals treated this way move more freely after a few weeks.
Call the surgery to ask whether it suits your animal."""

HUMAN_PAGE_CITING_ANIMAL_RESEARCH = """Stem Cells for Knee Arthritis

Our clinic offers fat-derived stem cell injections for knee osteoarthritis.
Early research in animals suggested the cells calm inflammation.
Animal studies are only a first step, and results in people vary.
Book a consultation to learn more."""


def test_a_page_whose_patients_are_animals_is_out_of_scope():
    result = CHECKER.check(ANIMAL_PATIENT_PAGE)
    assert result["page"]["kind"] == "out_of_scope"
    assert result["risk"]["level"] == "low"


def test_a_page_for_people_that_cites_animal_research_stays_in_scope():
    result = CHECKER.check(HUMAN_PAGE_CITING_ANIMAL_RESEARCH)
    assert result["page"]["kind"] == "promotional"
    assert result["risk"]["level"] != "low"


@pytest.mark.parametrize(
    "text",
    [
        "Cord blood preservation starts within 48 hours of the birth.",
        "Ofrecemos la criopreservación de la sangre del cordón de su bebé durante 20 años.",
        "O armazenamento do sangue do cordão é feito em tanques de nitrogênio líquido.",
        "La conservation du sang de cordon est proposée aux parents dès la naissance.",
        "La crioconservazione del sangue cordonale avviene a meno 196 gradi.",
        "Wilt u het navelstrengbloed bewaren voor later?",
        "Die Einlagerung des Nabelschnurbluts kostet einmalig 1.500 Euro.",
        "我们提供脐带血保存服务，为期二十年。",
        "臍帯血の保管には専用の凍結タンクを使います。",
        "Хранение пуповинной крови в нашем банке стоит 30 000 рублей в год.",
    ],
)
def test_storing_cord_blood_is_read_as_cord_blood_banking(text):
    """A bank says what it sells as storage or preservation as often as it says "bank": each is
    cord blood banking, a legitimate service (its approved uses are blood diseases)."""
    assert "cord_blood_banking" in {m.key for m in CHECKER.document(text).approved}
