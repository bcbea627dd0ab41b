"""Which product a condition is paired with when a page names several."""

from __future__ import annotations

import pytest

import model
from evaluation.evaluate import product_condition_pairs

CHECKER = model.load_checker()


def _pairs(text: str) -> set[tuple[str, str]]:
    """The pairs the claims stage finds (whether they stand is the page judgement's call)."""
    return product_condition_pairs({"flags": CHECKER.claims_before_judgement(text)})


def test_generic_stem_cells_stand_for_the_named_cell_type():
    pairs = _pairs(
        "We treat multiple sclerosis with stem cells. Our fat-derived stem cells are harvested "
        "from your own belly."
    )
    assert ("adipose", "multiple sclerosis") in pairs
    assert ("stem_cell_unspecified", "multiple sclerosis") not in pairs


def test_stem_cells_and_exosomes_sold_together_are_two_products():
    pairs = _pairs(
        "Recovery plan for stroke survivors\n"
        "Day 1: a stem cell IV infusion. Days 2 to 5: exosome nasal spray, twice a day."
    )
    assert {("stem_cell_unspecified", "stroke"), ("exosome", "stroke")} <= pairs


def test_stem_cells_named_as_the_source_of_exosomes_are_not_a_product():
    pairs = _pairs(
        "Our exosome infusions for long COVID carry vesicles released by young donor stem "
        "cells. Book your exosome infusion today."
    )
    assert ("exosome", "long covid") in pairs
    assert not {p for p in pairs if p[0] == "stem_cell_unspecified"}


def test_a_condition_named_beside_risks_is_a_harm_not_a_target():
    text = "Our stem cell injections may cause infection; side effects include a lupus flare."
    assert not any(condition == "lupus" for _, condition in _pairs(text))


@pytest.mark.parametrize(
    "risk_line",
    [
        "Risk factors include obesity, type 2 diabetes and earlier injuries to the joint.",
        "Los factores de riesgo son la obesidad, la diabetes y las lesiones previas.",
        "Zu den Risikofaktoren zählen Übergewicht, Diabetes und frühere Verletzungen.",
        "Les facteurs de risque sont l'obésité, le diabète et les blessures anciennes.",
        "危险因素包括肥胖、糖尿病和以前的关节损伤。",
    ],
)
def test_conditions_named_as_risk_factors_are_causes_not_targets(risk_line):
    # A disease-education paragraph lists what makes the disease likelier; the clinic's
    # offer names the disease it sells cells for, not its risk factors.
    text = (
        "Knee osteoarthritis wears away the cartilage over years. "
        f"{risk_line} "
        "Our clinic treats knee osteoarthritis with injections of your own fat stem cells."
    )
    conditions = {condition for _, condition in _pairs(text)}
    assert "knee osteoarthritis" in conditions
    assert not conditions & {"obesity", "diabetes", "type 2 diabetes"}


# (what raises the risk, the offer), each in the page's own language
RISING_RISKS = [
    (
        "Con los años aumenta el riesgo de padecer diabetes y obesidad.",
        "Nuestra clínica trata la artrosis de rodilla con células madre de su propia grasa.",
    ),
    (
        "Com a idade aumenta o risco de diabetes e de obesidade.",
        "A nossa clínica trata a artrose do joelho com células-tronco da sua gordura.",
    ),
    (
        "Avec l'âge, le risque de développer un diabète augmente.",
        "Notre clinique traite l'arthrose du genou par vos cellules souches graisseuses.",
    ),
    (
        "Übergewicht bedeutet ein erhöhtes Risiko für Diabetes.",
        "Unsere Klinik behandelt Kniearthrose mit Stammzellen aus Ihrem Eigenfett.",
    ),
    (
        "Con l'età aumenta il rischio di diabete e di obesità.",
        "La nostra clinica cura l'artrosi del ginocchio con cellule staminali del grasso.",
    ),
    (
        "Z wiekiem wzrasta ryzyko zachorowania na cukrzycę i otyłość.",
        "Nasza klinika leczy chorobę zwyrodnieniową stawu kolanowego komórkami macierzystymi.",
    ),
    (
        "С возрастом повышается риск развития диабета и ожирения.",
        "Наша клиника лечит артроз коленного сустава стволовыми клетками из жира.",
    ),
    ("年龄增长后，糖尿病和肥胖的患病风险随之上升。", "本院用您自己的脂肪干细胞治疗膝骨关节炎。"),
]


@pytest.mark.parametrize(("risk_line", "offer"), RISING_RISKS)
def test_conditions_whose_risk_rises_are_causes_not_targets(risk_line, offer):
    # Education about what raises a disease's risk names other diseases in passing; the
    # offer is the osteoarthritis line only.
    conditions = {condition for _, condition in _pairs(f"{risk_line} {offer}")}
    assert conditions & {"knee osteoarthritis", "osteoarthritis"}, conditions
    assert not conditions & {"obesity", "diabetes", "type 2 diabetes"}, conditions


def test_a_condition_in_a_sentence_that_denies_all_risk_is_still_a_target():
    # "side effects" is a risk cue; said as "none", the sentence sells the treatment.
    for text in (
        "Our fat-derived stem cells treat lupus with no side effects at all.",
        "Nuestras células madre tratan el lupus sin efectos secundarios.",
        "我们的脐带干细胞可以治疗红斑狼疮，没有副作用。",
    ):
        assert any(condition == "lupus" for _, condition in _pairs(text)), text


def test_lay_names_of_conditions_are_paired():
    assert ("umbilical_cord", "autism spectrum disorder") in _pairs(
        "Our cord tissue cells help kids on the spectrum sleep and talk."
    )
    assert ("adipose", "autoimmune disease") in _pairs(
        "Fat-derived stem cells put an end to autoimmune flare-ups."
    )


def test_a_testimonial_opening_with_a_grim_prognosis_keeps_its_condition():
    pairs = _pairs(
        "After my stroke the doctors told me I would never use my right hand again. Six weeks "
        "after our bone marrow stem cell programme I can write my name."
    )
    assert ("bone_marrow", "stroke") in pairs


@pytest.mark.parametrize(
    "text",
    [
        "According to our physicians, umbilical cord stem cell infusions calm multiple sclerosis.",
        "Según nuestros médicos, las células madre de cordón umbilical calman la esclerosis "
        "múltiple.",
        "Selon nos médecins, les cellules souches de cordon ombilical apaisent la sclérose en "
        "plaques.",
    ],
)
def test_a_claim_credited_to_the_pages_own_doctors_is_the_pages_claim(text):
    """ "According to our doctors" cites the provider itself: its claim is not set aside as a
    report of someone else's words (prefixed so, a fifth of the written ads fell to low)."""
    assert any(condition == "multiple sclerosis" for _, condition in _pairs(text))


def test_a_claim_credited_to_others_is_still_set_aside():
    pairs = _pairs(
        "According to the clinic's brochure, umbilical cord stem cell infusions calm multiple "
        "sclerosis; neurologists disagree."
    )
    assert not any(condition == "multiple sclerosis" for _, condition in pairs)


def test_a_patient_reporting_what_a_clinic_told_them_is_still_set_aside():
    pairs = _pairs(
        "The clinic told me their fat-derived stem cells would cure my lupus. They did not; "
        "I am back on my old medication."
    )
    assert not any(condition == "lupus" for _, condition in pairs)


def test_a_heading_in_capitals_names_no_condition_by_its_articles():
    # "LES" is the French article and the Spanish pronoun before it is lupus in Spanish.
    for text in (
        "LES CELLULES SOUCHES DE NOTRE CENTRE. Injections de cellules souches pour le genou.",
        "TERAPIA CON CÉLULAS MADRE: LES OFRECEMOS UNA PRIMERA CONSULTA.",
    ):
        assert not any(condition == "lupus" for _, condition in _pairs(text)), text


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        (
            "For emphysema we return cells gathered from your own blood or bone marrow through "
            "a vein on the same day.",
            ("bone_marrow", "chronic obstructive pulmonary disease"),
        ),
        (
            "Our knee programme injects stem cells taken from the fat of your abdomen into worn "
            "cartilage; most patients with osteoarthritis need one visit.",
            ("adipose", "osteoarthritis"),
        ),
        (
            "Tratamos la esclerosis lateral amiotrófica con células de la médula ósea del propio "
            "paciente.",
            ("bone_marrow", "amyotrophic lateral sclerosis"),
        ),
        (
            "Pour la sclérose en plaques, nous injectons des cellules souches prélevées dans la "
            "moelle osseuse du patient.",
            ("bone_marrow", "multiple sclerosis"),
        ),
        (
            "Per l'artrosi del ginocchio usiamo cellule staminali ricavate dal tessuto adiposo "
            "dell'addome.",
            ("adipose", "knee osteoarthritis"),
        ),
    ],
)
def test_a_product_named_head_first_is_paired_by_its_source(text, pair):
    # "Cells gathered from your bone marrow" names the product by its source after the head,
    # the way "bone marrow-derived cells" does before it (neither product was found at d1df406).
    assert pair in _pairs(text)


def test_blood_forming_cells_from_marrow_for_leukaemia_are_an_approved_use():
    assert not _pairs("Blood-forming stem cells from bone marrow are used to treat leukemia.")


@pytest.mark.parametrize(
    "text",
    [
        "For myeloma, doctors harvest your bone marrow before high-dose chemotherapy and return "
        "its stem cells afterwards.",
        "Marrow harvested from the patient's hip has been used to treat lymphoma for decades.",
    ],
)
def test_a_transplant_of_ones_own_marrow_for_a_blood_cancer_is_an_approved_use(text):
    assert not {pair for pair in _pairs(text) if pair[1] in {"multiple myeloma", "lymphoma"}}


def test_an_approved_procedure_sold_for_another_condition_is_a_cell_product_on_offer():
    # The page names no cell product but "stem cell transplant", an approved procedure for blood
    # cancers; sold for a spinal cord injury it is offered off-label, and its claims stand.
    answer = CHECKER.check(
        "Our institute treats spinal cord injury with a stem cell transplant into the injured "
        "segment of the cord. The transplant repairs the damaged cord, and most of our "
        "patients regain feeling in their legs. Book your assessment today.",
        explain=False,
    )
    assert answer["risk"]["level"] == "high"
    assert {"unapproved-use.cell-product-for-disease", "efficacy.regenerate-repair"} <= {
        flag["rule_id"] for flag in answer["flags"]
    }
    # The title names what the page sells, a stem cell transplant, and not the blood-forming
    # transplant of the approved use, which the page never names.
    (pair,) = [f for f in answer["flags"] if f["rule_id"].startswith("unapproved-use.cell")]
    assert pair["title"] == "Stem cell transplant marketed for spinal cord injury"
    assert "hematopoietic" not in pair["explanation"].lower()


def test_the_same_procedure_offered_for_its_approved_use_stays_low():
    answer = CHECKER.check(
        "Our hospital performs stem cell transplants for leukemia and lymphoma. Book your "
        "assessment today.",
        explain=False,
    )
    assert answer["risk"]["level"] == "low" and not answer["flags"]


def _pair_flag(text: str, condition: str) -> dict:
    (flag,) = [
        f
        for f in CHECKER.check(text, explain=False)["flags"]
        if f["rule_id"] == "unapproved-use.cell-product-for-disease"
        and f["entities"]["condition"]["name"] == condition
    ]
    return flag


def test_a_pair_stated_in_several_sentences_quotes_each_of_them():
    # One flag for the pair, quoting every sentence that states it (up to a limit), so that a
    # reviewer sees each place the claim is made; a sentence that names only the condition is
    # not quoted.
    text = (
        "Our clinic treats lupus with adipose-derived stem cells.\n"
        "Lupus is an autoimmune disease that can affect the skin, joints and kidneys.\n"
        "Patients fly in from abroad for fat-derived stem cell infusions for lupus.\n"
        "Book a consultation: our adipose stem cells help lupus patients every week."
    )
    flag = _pair_flag(text, "lupus")
    quotes = [e["quote"] for e in flag["evidence"]]
    assert quotes == [
        "lupus",
        "adipose-derived stem cells",
        "fat-derived stem cell",
        "lupus",
        "adipose stem cells",
        "lupus",
    ]
    assert "in the same sentence, and again in 2 more sentences" in flag["explanation"]


def test_a_pair_stated_once_quotes_one_place():
    text = (
        "Our clinic treats lupus with adipose-derived stem cells.\n"
        "Lupus is an autoimmune disease that can affect the skin, joints and kidneys."
    )
    flag = _pair_flag(text, "lupus")
    assert [e["quote"] for e in flag["evidence"]] == ["lupus", "adipose-derived stem cells"]
    assert "again" not in flag["explanation"]


@pytest.mark.parametrize(
    "denial",
    [
        "Do you offer stem cell injections for knee arthritis? No, we do not.",
        "Knee arthritis: how we treat it.\nDo you use stem cells? No, we don't. Most patients do "
        "well with exercise.",
        "Stem cell injections for knee arthritis are not offered at our practice.",
        "Stamceltherapie voor knieartrose bieden wij niet aan.",
        "Células madre para la artrosis de rodilla: no las ofrecemos en nuestra consulta.",
        "Stammzellen gegen Kniearthrose bieten wir nicht an.",
        "Cellules souches pour l'arthrose du genou : nous ne proposons pas ce traitement.",
        "Le cellule staminali per l'artrosi del ginocchio non vengono offerte nel nostro studio.",
        "Células-tronco para artrose do joelho: não oferecemos esse tratamento.",
        "当院では、膝の変形性関節症に対する幹細胞治療は行っていません。",
    ],
)
def test_a_practice_that_says_it_does_not_offer_cells_offers_none(denial):
    assert not _pairs(denial)


def test_a_question_answered_yes_still_introduces_the_offer():
    text = (
        "Do you offer stem cells for knee arthritis? Yes, we do. Our stem cells regrow cartilage."
    )
    assert ("stem_cell_unspecified", "knee osteoarthritis") in _pairs(text)


@pytest.mark.parametrize(
    "report",
    [
        "Clinical trials are studying cord blood for cerebral palsy and autism.",
        "Des essais cliniques étudient le sang de cordon dans l'autisme.",
        "Klinische Studien untersuchen Stammzellen bei Multipler Sklerose.",
        "Studi clinici stanno valutando le cellule staminali nella sclerosi multipla.",
        "Ensayos clínicos estudian las células madre en la esclerosis múltiple.",
        "Klinische studies onderzoeken stamcellen bij multiple sclerose.",
        "Studies are under way on stem cells for multiple sclerosis.",
        "Hay estudios en curso con células madre en la diabetes tipo 1.",
        "Des études sont en cours sur les cellules souches dans la sclérose en plaques.",
        "Onderzoekers onderzoeken stamcellen bij de ziekte van Parkinson.",
        "Forscher untersuchen Stammzellen bei Parkinson.",
        "脐带血治疗自闭症仍在研究阶段。",
        "Células-tronco do cordão para a esclerose múltipla: ainda em estudo.",
    ],
)
def test_trials_that_study_a_product_for_a_condition_offer_nothing(report):
    assert not _pairs(report)
