"""The language dimension of the lexicons (`model/data/languages/<code>.yaml`).

Checks on the data (every entry exists, terms are written folded, no term names two
conditions, required languages are covered) and, per language, sentences written for this
suite that must pair a product with a canonical English condition, or must not.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from model import load_checker, shared_checker
from model.checker import Checker
from model.knowledge_base import load_knowledge_base
from model.lexicons import (
    CUE_KINDS,
    DATA_DIR,
    PAGE_FAMILIES,
    LexiconError,
    fold_terms,
    load_lexicons,
)
from model.page import PageModel
from model.pipeline import CheckState, run_pipeline
from model.rules import load_rules
from model.text import fold_term

LANGUAGES_DIR = DATA_DIR / "languages"
REQUIRED = ("es", "pt", "fr", "de", "it", "ru", "zh", "ja", "ko", "vi", "nl", "tr", "ar", "hi",
            "he")  # fmt: skip
# Words that would fire on innocent text in their language: never a term on their own.
FORBIDDEN = {
    "grasa", "gordura", "graisse", "fett", "grasso", "vet", "celulas", "celulas madre de",
    "zellen", "cellules", "cellule", "terapia", "therapie", "traitement", "tratamento",
    "behandlung", "injektion", "placenta", "plazenta", "medula ossea", "knochenmark",
    "moelle osseuse", "midollo osseo", "beenmerg", "dolor", "dor", "douleur", "schmerz",
    "schmerzen", "dolore", "pijn", "tea", "ms", "stamina", "sara", "inme", "бас",
    "мск", "암", "がん",
}  # fmt: skip
# Product and condition terms in these scripts must be long enough not to occur inside
# unrelated words once CJK text is matched without word boundaries.
MIN_CJK_CHARS = 2


def _files() -> dict[str, dict]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(LANGUAGES_DIR.glob("*.yaml"))
    }


FILES = _files()


def _latin(term: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in term)


def _cjk(term: str) -> bool:
    return bool(re.search(r"[\u3040-\u30ff\u3400-\u9fff]", term))


def _entries(data: dict, section: str) -> dict[str, list[str]]:
    return data.get(section) or {}


def test_required_languages_have_files_with_products_conditions_and_cues() -> None:
    for code in REQUIRED:
        assert code in FILES, code
        data = FILES[code]
        assert data["language"] == code
        assert "stem_cells_generic" in _entries(data, "products"), code
        assert len(_entries(data, "conditions")) >= 15, code
        assert len(_entries(data, "cues")) >= 5, code


def test_every_language_loads_with_terms() -> None:
    lexicons = load_lexicons()
    assert set(FILES) <= set(lexicons.languages)
    for code in REQUIRED:
        assert lexicons.languages[code] >= 60, code
    assert "languages." in lexicons.version


@pytest.mark.parametrize("code", sorted(FILES))
def test_terms_are_written_as_the_matcher_reads_them(code: str) -> None:
    data = FILES[code]
    for section in ("products", "approved", "conditions", "cues"):
        for entry, terms in _entries(data, section).items():
            assert len(set(terms)) == len(terms), (code, entry, "duplicate term")
            for term in terms:
                where = (code, section, entry, term)
                assert term == term.strip() and term == term.lower(), where
                assert re.search(r"[^\W\d_]", term), where
                if _latin(term):
                    assert term == fold_term(term), where
                assert fold_term(term) not in FORBIDDEN, where
                if section in ("products", "conditions") and _cjk(term):
                    assert len(term.replace(" ", "")) >= MIN_CJK_CHARS, where


# Vietnamese words are single syllables told apart by their tones, and folding removes the
# tones: one folded syllable stands for many words ("bao" is newspaper, protect, bag, how much).
# Its terms are at least two syllables, except loanwords written the same in every language.
VIETNAMESE_LOANWORDS = {"exosome", "exosomes", "copd", "hotline", "serum", "insulin"}


def test_vietnamese_terms_are_never_one_folded_syllable() -> None:
    page_cues = yaml.safe_load((DATA_DIR / "page_cues.yaml").read_text(encoding="utf-8"))
    terms = [
        term
        for section in ("products", "approved", "conditions", "cues")
        for entry_terms in _entries(FILES["vi"], section).values()
        for term in entry_terms
    ]
    terms += [term for family in page_cues["families"].values() for term in family.get("vi", [])]
    short = [t for t in terms if len(t.split()) < 2 and t not in VIETNAMESE_LOANWORDS]
    assert not short


def test_no_term_names_two_conditions_or_both_a_product_and_a_condition() -> None:
    shared = [
        record
        for name in ("conditions.yaml", "conditions_open.yaml")
        for record in yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))["conditions"]
    ]
    owner: dict[str, set[str]] = defaultdict(set)
    for record in shared:
        for term in record.get("terms") or []:
            owner[fold_term(term)].add(record["name"])
    for data in FILES.values():
        for name, terms in _entries(data, "conditions").items():
            for term in terms:
                owner[fold_term(term)].add(name)
    clashes = {term: names for term, names in owner.items() if len(names) > 1}
    assert not clashes
    products = {
        fold_term(term)
        for data in FILES.values()
        for section in ("products", "approved")
        for terms in _entries(data, section).values()
        for term in terms
    }
    assert not products & set(owner)


def _copied_language_file(tmp_path: Path, language: str) -> tuple[Path, Path, str]:
    """A copy of the data folder to spoil: the folder, its `languages/<language>.yaml` and that
    file's text."""
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    path = data_dir / "languages" / f"{language}.yaml"
    return data_dir, path, path.read_text(encoding="utf-8")


def test_a_file_naming_an_unknown_entry_is_refused(tmp_path: Path) -> None:
    data_dir, bad, original = _copied_language_file(tmp_path, "pt")
    bad.write_text(
        original.replace("stem_cells_generic:", "stem_cels_generic:", 1), encoding="utf-8"
    )
    with pytest.raises(LexiconError, match="stem_cels_generic"):
        load_lexicons(data_dir)


def test_a_file_with_an_unknown_key_or_the_wrong_language_is_refused(tmp_path: Path) -> None:
    data_dir, path, original = _copied_language_file(tmp_path, "de")
    path.write_text(original + "synonyms: {}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="unknown keys"):
        load_lexicons(data_dir)
    path.write_text(original.replace("language: de", "language: nl"), encoding="utf-8")
    with pytest.raises(LexiconError, match="'language' must be 'de'"):
        load_lexicons(data_dir)


def test_page_cue_families_are_the_ones_the_code_names(tmp_path: Path) -> None:
    """`page_cues.yaml` holds every `PageFamily` and no other: code reads a family by that name
    (`Document.page_cues`), so a family it does not name could never be read."""
    families = yaml.safe_load((DATA_DIR / "page_cues.yaml").read_text(encoding="utf-8"))
    assert set(families["families"]) == set(PAGE_FAMILIES)
    _assert_refused(
        tmp_path, "page_cues.yaml", ("  offer:", "  offers:"), "unknown family 'offers'"
    )


def _assert_refused(tmp_path: Path, name: str, edit: tuple[str, str], message: str) -> None:
    """A copy of the data folder whose file `name` has `edit` (old, new) made once, or `new`
    appended where `old` is empty, is refused at load with `message`."""
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    path = data_dir / name
    text = path.read_text(encoding="utf-8")
    old, new = edit
    path.write_text(text.replace(old, new, 1) if old else text + new, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        load_lexicons(data_dir)


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        ("languages/pl.yaml", ("false_friends: [we]", "false_friends: [we, zdrowie]"),
         "'zdrowie' must be a lexicon term or an English page cue"),
        ("languages/fr.yaml", ("false_friends: [gout,", "false_friends: [gouter, gout,"),
         "'gouter' must be a lexicon term or an English page cue"),
        # "rats" is a research cue in French as in English: on French pages it would drop itself.
        ("languages/fr.yaml", ("false_friends: [gout,", "false_friends: [rats, gout,"),
         "not a page cue in fr"),
        ("page_cues.yaml", ("", "false_friends: {}\n"), "unknown keys"),
    ],
)  # fmt: skip
def test_a_false_friend_must_be_a_term_or_an_english_cue_not_a_cue_of_its_language(
    tmp_path: Path, name: str, edit: tuple[str, str], message: str
) -> None:
    _assert_refused(tmp_path, name, edit, message)


def test_a_condition_label_must_be_its_name_written_otherwise(tmp_path: Path) -> None:
    """A condition's `label` (its name as prose writes it) must fold to its name."""
    _assert_refused(
        tmp_path,
        "conditions.yaml",
        ('label: "Lyme disease"', 'label: "Lyme borreliosis"'),
        "label 'Lyme borreliosis' is not the name",
    )


def test_no_page_cue_is_listed_twice_in_one_family_and_language() -> None:
    """A phrase listed twice counts once, so a second copy is a slip (often a traditional
    Chinese form that folding now makes the simplified one: write it once)."""
    families = yaml.safe_load((DATA_DIR / "page_cues.yaml").read_text(encoding="utf-8"))
    for family, languages in families["families"].items():
        for language, phrases in languages.items():
            twice = sorted({p for p in phrases if phrases.count(p) > 1})
            assert not twice, (family, language, twice)


def test_no_language_file_repeats_a_context_cue_of_its_kind() -> None:
    """A language file's cue becomes the same phrase as an entry of `context_cues.yaml` (both
    are matched on every page), so one that folds to an entry of the same kind there adds
    nothing: it is a second copy to keep in step."""
    shared = yaml.safe_load((DATA_DIR / "context_cues.yaml").read_text(encoding="utf-8"))
    folded = {kind: set(fold_terms(shared.get(kind) or [])) for kind in CUE_KINDS}
    for path in sorted(LANGUAGES_DIR.glob("*.yaml")):
        cues = yaml.safe_load(path.read_text(encoding="utf-8")).get("cues") or {}
        for kind, terms in cues.items():
            twins = [t for t, f in zip(terms, fold_terms(terms), strict=True) if f in folded[kind]]
            assert not twins, (path.name, kind, twins)


# --- sentences per language --------------------------------------------------------------------

# (language, sentence, product id, canonical condition name): the pair the checker must find.
PAIRS = [
    ("es", "Aplicamos células madre mesenquimatosas a niños con autismo.", "stem_cell_unspecified",
     "autism spectrum disorder"),
    ("pt", "Oferecemos células-tronco do cordão umbilical para a esclerose múltipla.",
     "umbilical_cord", "multiple sclerosis"),
    ("pt", "As células estaminais ajudam crianças com paralisia cerebral.",
     "stem_cell_unspecified", "cerebral palsy"),
    ("fr", "Notre centre traite l'arthrose du genou par des cellules souches adipeuses.",
     "adipose", "knee osteoarthritis"),
    ("fr", "Des exosomes contre la chute de cheveux, en trois séances.", "exosome", "hair loss"),
    ("de", "Unsere Stammzelltherapie mit Eigenfett lindert Arthrose im Knie.", "adipose",
     "knee osteoarthritis"),
    ("de", "Wir behandeln Multiple Sklerose mit Stammzellen aus der Nabelschnur.",
     "umbilical_cord", "multiple sclerosis"),
    ("it", "Le cellule staminali da tessuto adiposo rigenerano la cartilagine nell'artrosi.",
     "adipose", "osteoarthritis"),
    ("it", "Trattiamo la sclerosi multipla con cellule staminali mesenchimali.",
     "stem_cell_unspecified", "multiple sclerosis"),
    ("nl", "Wij behandelen knieartrose met stamcellen uit eigen vet.", "adipose",
     "knee osteoarthritis"),
    ("ru", "Мы проводим лечение стволовыми клетками при рассеянном склерозе.",
     "stem_cell_unspecified", "multiple sclerosis"),
    ("ru", "Стволовые клетки пуповины помогают детям с аутизмом.", "umbilical_cord",
     "autism spectrum disorder"),
    ("uk", "Лікування стовбуровими клітинами при розсіяному склерозі.", "stem_cell_unspecified",
     "multiple sclerosis"),
    ("pl", "Oferujemy terapię komórkami macierzystymi w chorobie zwyrodnieniowej stawów.",
     "stem_cell_unspecified", "osteoarthritis"),
    ("tr", "Otizm için kök hücre tedavisi uyguluyoruz.", "stem_cell_unspecified",
     "autism spectrum disorder"),
    ("tr", "Diz kireçlenmesi olan hastalara kök hücreler enjekte ediyoruz.",
     "stem_cell_unspecified", "knee osteoarthritis"),
    ("ar", "نقدم العلاج بالخلايا الجذعية لأطفال التوحد.", "stem_cell_unspecified",
     "autism spectrum disorder"),
    ("ko", "저희 병원은 줄기세포 치료로 당뇨병을 관리합니다.", "stem_cell_unspecified", "diabetes"),
    ("ko", "지방줄기세포 주사는 퇴행성 관절염 환자에게 효과적입니다.", "adipose", "osteoarthritis"),
    ("vi", "Chúng tôi điều trị tự kỷ bằng tế bào gốc tự thân.", "stem_cell_unspecified",
     "autism spectrum disorder"),
    ("vi", "Tế bào gốc dây rốn giúp bệnh nhân thoái hóa khớp gối.", "umbilical_cord",
     "knee osteoarthritis"),
    ("id", "Terapi sel punca untuk osteoartritis lutut tersedia di klinik kami.",
     "stem_cell_unspecified", "knee osteoarthritis"),
    ("el", "Προσφέρουμε βλαστοκύτταρα για τη σκλήρυνση κατά πλάκας.", "stem_cell_unspecified",
     "multiple sclerosis"),
    ("cs", "Nabízíme léčbu kmenovými buňkami při artróze kolene.", "stem_cell_unspecified",
     "knee osteoarthritis"),
    ("bg", "Предлагаме стволови клетки при множествена склероза.", "stem_cell_unspecified",
     "multiple sclerosis"),
    ("es", "Tratamos la ciática y la hernia discal con células madre.", "stem_cell_unspecified",
     "back pain"),
    ("pt", "Tratamos a dermatite atópica com células-tronco.", "stem_cell_unspecified",
     "atopic dermatitis"),
    ("fr", "Nos cellules souches soignent la pelade en quelques séances.", "stem_cell_unspecified",
     "alopecia areata"),
    ("it", "Le cellule staminali curano l'insonnia cronica.", "stem_cell_unspecified", "insomnia"),
    ("de", "Wir behandeln Neurodermitis mit Stammzellen.", "stem_cell_unspecified",
     "atopic dermatitis"),
    ("nl", "Wij behandelen slapeloosheid met stamcellen.", "stem_cell_unspecified", "insomnia"),
    ("ru", "Лечение стволовыми клетками: атопический дерматит у детей.", "stem_cell_unspecified",
     "atopic dermatitis"),
    ("uk", "Лікування стовбуровими клітинами: ревматоїдний артрит.", "stem_cell_unspecified",
     "rheumatoid arthritis"),
    ("pl", "Oferujemy terapię komórkami macierzystymi przy łuszczycy.", "stem_cell_unspecified",
     "psoriasis"),
    ("cs", "Nabízíme léčbu kmenovými buňkami: atopická dermatitida u dětí.",
     "stem_cell_unspecified", "atopic dermatitis"),
    ("sk", "Liečba kmeňovými bunkami: atopická dermatitída.", "stem_cell_unspecified",
     "atopic dermatitis"),
    ("bg", "Предлагаме стволови клетки при псориазис.", "stem_cell_unspecified", "psoriasis"),
    ("tr", "Bel fıtığı için kök hücre tedavisi uyguluyoruz.", "stem_cell_unspecified",
     "degenerative disc disease"),
    ("el", "Προσφέρουμε βλαστοκύτταρα για την ψωρίαση.", "stem_cell_unspecified", "psoriasis"),
    ("fa", "درمان با سلول های بنیادی برای پوکی استخوان.", "stem_cell_unspecified", "osteoporosis"),
    ("ar", "نقدم العلاج بالخلايا الجذعية لمرضى هشاشة العظام.", "stem_cell_unspecified",
     "osteoporosis"),
    ("id", "Terapi sel punca untuk dermatitis atopik tersedia di klinik kami.",
     "stem_cell_unspecified", "atopic dermatitis"),
    ("vi", "Chúng tôi điều trị thoát vị đĩa đệm bằng tế bào gốc.", "stem_cell_unspecified",
     "degenerative disc disease"),
    ("ko", "줄기세포 치료로 아토피 피부염을 관리합니다.", "stem_cell_unspecified",
     "atopic dermatitis"),
    ("ko", "와튼젤리 줄기세포로 고관절 골관절염을 치료합니다.", "umbilical_cord", "osteoarthritis"),
    ("vi", "Tế bào gốc dây rốn điều trị bệnh Crohn hiệu quả.", "umbilical_cord",
     "crohn's disease"),
    ("ru", "Лечение коксартроза стволовыми клетками без операции.", "stem_cell_unspecified",
     "osteoarthritis"),
    ("fr", "Nous traitons la coxarthrose par cellules souches.", "stem_cell_unspecified",
     "osteoarthritis"),
    ("hi", "हमारे क्लिनिक में ऑटिज़्म के लिए स्टेम सेल थेरेपी दी जाती है।", "stem_cell_unspecified",
     "autism spectrum disorder"),
    ("hi", "गर्भनाल स्टेम सेल से मधुमेह का इलाज अब संभव है।", "umbilical_cord", "diabetes"),
    ("hi", "एडिपोज़ स्टेम सेल इंजेक्शन से घुटनों का गठिया ठीक करें।", "adipose",
     "knee osteoarthritis"),
    ("he", "אנו מציעים טיפול בתאי גזע לילדים עם אוטיזם.", "stem_cell_unspecified",
     "autism spectrum disorder"),
    ("he", "תאי גזע מחבל הטבור לטיפול בטרשת נפוצה.", "umbilical_cord", "multiple sclerosis"),
    ("he", "תאי גזע מרקמת שומן עצמית לטיפול בשחיקת ברכיים.", "adipose", "knee osteoarthritis"),
]  # fmt: skip
# Chinese, Japanese and Thai run their words together: a term inside a run of characters is
# found only once word boundaries are read for those scripts (the matcher's boundary change).
NO_SPACES = [
    ("zh", "我们用脐带间充质干细胞治疗2型糖尿病。", "umbilical_cord", "type 2 diabetes"),
    ("zh", "本院以自體脂肪幹細胞治療退化性膝關節炎。", "adipose", "knee osteoarthritis"),
    ("ja", "当院は脂肪由来幹細胞で変形性膝関節症を治療します。", "adipose",
     "knee osteoarthritis"),
    ("ja", "幹細胞点滴は糖尿病の方にもおすすめです。", "stem_cell_unspecified", "diabetes"),
    ("th", "คลินิกเรารักษาข้อเข่าเสื่อมด้วยสเต็มเซลล์", "stem_cell_unspecified",
     "knee osteoarthritis"),
    ("zh", "我们用干细胞治疗椎间盘突出。", "stem_cell_unspecified", "degenerative disc disease"),
    ("ja", "当院は幹細胞でアトピー性皮膚炎を治療します。", "stem_cell_unspecified",
     "atopic dermatitis"),
    ("th", "คลินิกเรารักษาโรคพาร์กินสันด้วยสเต็มเซลล์", "stem_cell_unspecified",
     "parkinson's disease"),
    ("zh", "我们用脐带间充质干细胞治疗克罗恩病。", "umbilical_cord", "crohn's disease"),
    ("ja", "当院では幹細胞点滴で全身性エリテマトーデスを治療します。", "stem_cell_unspecified",
     "lupus"),
    # Thai: a source named after the product noun, a name whose shorter neighbour would start
    # first ("โรคเบาหวาน", "โรคข้ออักเสบ", "โรคหัวใจ"), and the native term for stem cells.
    ("th", "เราใช้มีเซนไคมอลสเต็มเซลล์จากสายสะดือรักษาโรคเบาหวานชนิดที่ 2", "umbilical_cord",
     "type 2 diabetes"),
    ("th", "ฉีดสเต็มเซลล์จากไขมันของตัวเองเพื่อรักษาข้อสะโพกเสื่อม", "adipose", "osteoarthritis"),
    ("th", "คลินิกให้บริการฉีดสเต็มเซลล์รักษาโรคข้ออักเสบรูมาตอยด์", "stem_cell_unspecified",
     "rheumatoid arthritis"),
    ("th", "ผู้ป่วยโรคหัวใจล้มเหลวรับเซลล์ต้นกำเนิดทางหลอดเลือดดำที่ศูนย์ของเรา",
     "stem_cell_unspecified", "heart failure"),
    ("th", "เอ็กโซโซมช่วยแก้ปัญหาผมร่วงหลังคลอด", "exosome", "hair loss"),
    ("th", "เซลล์ต้นกำเนิดสำหรับผู้ป่วยโรคปลอกประสาทเสื่อมแข็ง", "stem_cell_unspecified",
     "multiple sclerosis"),
]  # fmt: skip
# Hindi, Hebrew and Thai: a marrow transplant for blood cancers (an approved use the page names)
# and a health ministry's warning (critical words): (language, text, whether an approved use is
# named).
LEGITIMATE_READ_AS_SUCH = [
    ("hi", "ल्यूकेमिया और थैलेसीमिया के मरीज़ों के लिए बोन मैरो ट्रांसप्लांट एक स्थापित इलाज है।", True),
    ("hi", "स्वास्थ्य मंत्रालय ने चेतावनी दी है कि ऑटिज़्म के लिए स्टेम सेल थेरेपी अप्रमाणित है।",
     False),
    ("he", "השתלת מח עצם היא טיפול מקובל בלוקמיה ובלימפומה.", True),
    ("he", "משרד הבריאות מזהיר: טיפולים בתאי גזע לאוטיזם לא אושרו ואין הוכחות ליעילותם.", False),
    ("th", "การปลูกถ่ายไขกระดูกเป็นการรักษามาตรฐานของมะเร็งเม็ดเลือดขาวและมะเร็งต่อมน้ำเหลือง", True),
    ("th", "กระทรวงสาธารณสุขเตือนว่าการฉีดสเต็มเซลล์รักษาออทิสติกยังไม่ได้รับการรับรองจากแพทยสภา",
     False),
]  # fmt: skip
# A product named with its legitimate use, or a condition named in a warning: no pair.
NO_PAIR = [
    ("es", "El trasplante de progenitores hematopoyéticos es el tratamiento de la leucemia."),
    ("pt", "O transplante de medula óssea é indicado para leucemia e linfoma."),
    ("fr", "La greffe de cellules souches hématopoïétiques soigne certaines leucémies."),
    ("de", "Die Stammzelltransplantation ist eine Standardbehandlung bei Leukämie."),
    ("it", "Il trapianto di midollo osseo cura alcune leucemie e linfomi."),
    ("nl", "Een stamceltransplantatie is de standaardbehandeling bij leukemie."),
    ("ru", "Трансплантация костного мозга применяется при лейкозе."),
    ("tr", "Kemik iliği nakli lösemi tedavisinde kullanılır."),
    ("de", "Das Paul-Ehrlich-Institut warnt vor Stammzellen gegen Multiple Sklerose."),
    ("pt", "A Anvisa alerta: não há evidências de que células-tronco tratem o autismo."),
    ("fr", "L'ANSM met en garde contre les cellules souches vendues pour l'autisme."),
    ("ru", "Минздрав предупреждает: стволовые клетки от аутизма не одобрены."),
    ("vi", "Bộ Y tế cảnh báo tế bào gốc chưa được chứng minh chữa tự kỷ."),
    *((code, text) for code, text, _ in LEGITIMATE_READ_AS_SUCH),
]  # fmt: skip


@pytest.fixture(scope="module")
def rules_checker():
    return load_checker(use_classifier=False)


def _pairs(checker, text: str) -> set[tuple[str, str]]:
    return {
        (flag["entities"]["product"]["id"], flag["entities"]["condition"]["name"])
        for flag in checker.claims_before_judgement(text)
        if flag["rule_id"] == "unapproved-use.cell-product-for-disease"
    }


def _ids(cases: list[tuple[str, ...]]) -> list[str]:
    """Test ids: the language code, numbered when a language has several cases."""
    seen: dict[str, int] = defaultdict(int)
    ids = []
    for case in cases:
        seen[case[0]] += 1
        ids.append(f"{case[0]}-{seen[case[0]]}")
    return ids


@pytest.mark.parametrize(("code", "text", "product", "condition"), PAIRS, ids=_ids(PAIRS))
def test_each_language_pairs_a_product_with_the_canonical_condition(
    rules_checker, code: str, text: str, product: str, condition: str
) -> None:
    assert (product, condition) in _pairs(rules_checker, text)


@pytest.mark.parametrize(("code", "text", "product", "condition"), NO_SPACES, ids=_ids(NO_SPACES))
def test_languages_without_spaces_pair_a_product_with_the_canonical_condition(
    rules_checker, code: str, text: str, product: str, condition: str
) -> None:
    assert (product, condition) in _pairs(rules_checker, text)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("zh", "干细胞治疗 糖尿病"),
        ("ja", "幹細胞治療 糖尿病"),
        ("zh", "脐带间充质干细胞：2型糖尿病"),
    ],
    ids=["zh-spaced", "ja-spaced", "zh-punctuated"],
)
def test_cjk_terms_are_found_where_spaces_or_punctuation_bound_them(
    rules_checker, code: str, text: str
) -> None:
    assert {condition for _, condition in _pairs(rules_checker, text)} & {
        "diabetes",
        "type 2 diabetes",
    }


@pytest.mark.parametrize(("code", "text"), NO_PAIR, ids=_ids(NO_PAIR))
def test_legitimate_uses_and_warnings_pair_nothing(rules_checker, code: str, text: str) -> None:
    assert not _pairs(rules_checker, text)
    assert rules_checker.check(text)["risk"]["level"] != "high"


@pytest.mark.parametrize(
    ("code", "text", "names_an_approved_use"),
    LEGITIMATE_READ_AS_SUCH,
    ids=_ids(LEGITIMATE_READ_AS_SUCH),
)
def test_legitimate_uses_and_warnings_are_read_as_such(
    rules_checker, code: str, text: str, names_an_approved_use: bool
) -> None:
    """The transplant is read as the approved use it is, with the blood cancers it treats, and
    the warning as critical: neither pairs nothing for want of a lexicon."""
    state = run_pipeline(
        CheckState(text, frozenset(), False, len(text)), rules_checker.parts, until="analyse"
    )
    document = state.document
    assert document is not None
    assert state.language is not None and state.language.code == code
    if names_an_approved_use:
        assert {m.key for m in document.approved} == {"hsct"}
        assert document.conditions
    else:
        assert document.cues("critical")


def test_condition_names_stay_english_and_quotes_stay_in_the_page_words(rules_checker) -> None:
    text = "Unsere Klinik behandelt Multiple Sklerose mit Stammzellen aus der Nabelschnur."
    flags = [
        flag
        for flag in rules_checker.claims_before_judgement(text)
        if flag["rule_id"] == "unapproved-use.cell-product-for-disease"
    ]
    assert flags
    flag = flags[0]
    assert flag["entities"]["condition"] == {"name": "multiple sclerosis", "code": "MeSH:D009103"}
    quotes = {span["quote"] for span in flag["evidence"]}
    assert "Multiple Sklerose" in quotes
    assert all(text[span["start"] : span["end"]] == span["quote"] for span in flag["evidence"])
    assert "multiple sclerosis" in flag["explanation"]


def test_suffixes_inflect_the_terms_of_their_language_only(rules_checker) -> None:
    # Korean particles and Turkish endings are written onto the noun.
    assert ("stem_cell_unspecified", "diabetes") in _pairs(
        rules_checker, "줄기세포를 이용한 시술이 당뇨병에 좋습니다."
    )
    assert ("stem_cell_unspecified", "autism spectrum disorder") in _pairs(
        rules_checker, "Kök hücrelerin otizmde etkili olduğunu söylüyoruz."
    )


def test_korean_particles_need_no_listing(rules_checker) -> None:
    """Hangul terms are found inside the written word, whatever particle follows (the language
    file lists none), and the quote is the term without it."""
    data = FILES["ko"]
    assert "suffixes" not in data
    text = "줄기세포만으로도 파킨슨병까지 좋아집니다."  # stem cells alone help even Parkinson's
    flags = [
        flag
        for flag in rules_checker.claims_before_judgement(text)
        if flag["rule_id"] == "unapproved-use.cell-product-for-disease"
    ]
    assert {flag["entities"]["condition"]["name"] for flag in flags} == {"parkinson's disease"}
    quotes = {span["quote"] for flag in flags for span in flag["evidence"]}
    assert quotes == {"줄기세포", "파킨슨병"}


def test_words_in_capitals_are_not_read_as_abbreviations_where_the_page_writes_them(
    rules_checker,
) -> None:
    """A heading in capitals spells "ELA" (Portuguese "she") and "AIDS" (hearing aids): the
    body writes the words in lower case, so the capitals are no abbreviation of ALS or HIV."""
    portuguese = (
        "ELA VOLTOU A CAMINHAR COM C\u00c9LULAS-TRONCO\n"
        "Depois de tr\u00eas sess\u00f5es com c\u00e9lulas-tronco, ela voltou a caminhar."
    )
    assert not {name for _, name in _pairs(rules_checker, portuguese)} & {
        "amyotrophic lateral sclerosis"
    }
    english = (
        "STEM CELL EAR REPAIR OR HEARING AIDS?\n"
        "Our stem cell injections mean you may not need hearing aids at all."
    )
    assert "hiv/aids" not in {name for _, name in _pairs(rules_checker, english)}
    # The same capitals on a page that never writes the word are the abbreviation.
    assert ("stem_cell_unspecified", "amyotrophic lateral sclerosis") in _pairs(
        rules_checker, "TRATAMOS ELA COM C\u00c9LULAS-TRONCO"
    )


# --- case-sensitive abbreviations --------------------------------------------------------------


def _abbreviations() -> dict[str, set[str]]:
    """Each abbreviation of the language files and the conditions it names."""
    owner: dict[str, set[str]] = defaultdict(set)
    for data in FILES.values():
        for name, abbreviations in _entries(data, "abbreviations").items():
            for abbreviation in abbreviations:
                owner[abbreviation].add(name)
    return owner


def test_abbreviations_load_as_case_sensitive_condition_phrases() -> None:
    phrases = {
        (phrase.key, phrase.text)
        for phrase in load_lexicons().phrases
        if phrase.group == "condition" and phrase.case_sensitive
    }
    for abbreviation, names in _abbreviations().items():
        assert {(name, abbreviation) for name in names} <= phrases


def test_no_abbreviation_names_two_conditions_or_is_a_lower_case_word() -> None:
    owner = _abbreviations()
    for record in yaml.safe_load((DATA_DIR / "conditions.yaml").read_text(encoding="utf-8"))[
        "conditions"
    ]:
        for abbreviation in record.get("abbreviations") or []:
            owner[abbreviation].add(record["name"])
    assert not {a: names for a, names in owner.items() if len(names) > 1}
    assert all(a != a.lower() for a in _abbreviations())


def test_abbreviations_are_matched_with_their_case(rules_checker) -> None:
    assert ("stem_cell_unspecified", "amyotrophic lateral sclerosis") in _pairs(
        rules_checker, "Trattiamo la SLA con cellule staminali."
    )
    assert not _pairs(rules_checker, "Trattiamo la sla con cellule staminali.")
    # Cyrillic capitals: the Bulgarian "МС" is read as written only.
    assert ("umbilical_cord", "multiple sclerosis") in _pairs(
        rules_checker, "Лекуваме МС със стволови клетки от пъпна връв."
    )
    assert not _pairs(rules_checker, "Лекуваме мс със стволови клетки от пъпна връв.")


def test_an_abbreviation_of_an_unknown_condition_is_refused(tmp_path: Path) -> None:
    data_dir, path, original = _copied_language_file(tmp_path, "el")
    path.write_text(original + '\nabbreviations:\n  "lou gehrigs": [SLA]\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="abbreviations: unknown entry 'lou gehrigs'"):
        load_lexicons(data_dir)
    path.write_text(original + '\nabbreviations:\n  "lupus": [les]\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="upper-case"):
        load_lexicons(data_dir)


# --- inflected, compounded and prefixed forms ---------------------------------------------------

# Short ads naming the product and the condition as the language bends them: case endings
# (Polish, Turkish), compounds (German, Dutch), attached prefixes (Arabic).
INFLECTED = [
    ("pl", "Pomagamy pacjentom po udarze dzięki terapii egzosomami.", "exosome", "stroke"),
    ("pl", "Leczymy zwyrodnienie stawu biodrowego komórkami macierzystymi z własnego tłuszczu.",
     "adipose", "osteoarthritis"),
    ("pl", "Chorym ze stwardnieniem rozsianym podajemy wlew komórek macierzystych z pępowiny.",
     "umbilical_cord", "multiple sclerosis"),
    ("pl", "Skuteczna terapia komórkami macierzystymi w chorobie Leśniowskiego-Crohna.",
     "stem_cell_unspecified", "crohn's disease"),
    ("ar", "نتائج مبهرة للتوحد والتصلب الجانبي الضموري بالخلايا الجذعية.",
     "stem_cell_unspecified", "amyotrophic lateral sclerosis"),
    ("ar", "نتائج مبهرة للتوحد والتصلب الجانبي الضموري بالخلايا الجذعية.",
     "stem_cell_unspecified", "autism spectrum disorder"),
    ("ar", "جلسات الإكسوزومات تعالج خشونة الركبة بدون جراحة.", "exosome", "knee osteoarthritis"),
    ("ar", "نقدم العلاج بخلايا الحبل السري لمرضى السكري من النوع الأول.", "umbilical_cord",
     "type 1 diabetes"),
    ("de", "Unsere Stammzell-Infusion hilft MS-Patienten schon nach der ersten Sitzung.",
     "stem_cell_unspecified", "multiple sclerosis"),
    ("de", "Eigenfett-Stammzellen gegen Hüftarthrose, ganz ohne Operation.", "adipose",
     "osteoarthritis"),
    ("de", "Die Exosomenkur regeneriert Nervenzellen nach einem Schlaganfall.", "exosome",
     "stroke"),
    ("nl", "Onze exosomenkuur verlicht heupartrose binnen enkele weken.", "exosome",
     "osteoarthritis"),
    ("nl", "Een stamcelinfusie met navelstrengbloed voor ms-patiënten.", "umbilical_cord",
     "multiple sclerosis"),
    ("tr", "Diyabette kök hücre tedavisi ile kalıcı sonuçlar alıyoruz.", "stem_cell_unspecified",
     "diabetes"),
    ("tr", "Eksozomlarla saç dökülmesine son veriyoruz.", "exosome", "hair loss"),
    ("tr", "Kalça kireçlenmesinde kök hücre enjeksiyonu uyguluyoruz.", "stem_cell_unspecified",
     "osteoarthritis"),
    # Hebrew prefixes: "in" + "the" cells, "in" Parkinson's, "and the" diabetes.
    ("he", "בתאי הגזע שלנו אנו מטפלים בפרקינסון והסוכרת.", "stem_cell_unspecified",
     "parkinson's disease"),
    ("he", "בתאי הגזע שלנו אנו מטפלים בפרקינסון והסוכרת.", "stem_cell_unspecified", "diabetes"),
    ("he", "טיפולי האקסוזומים שלנו מקלים על כאבי הגב ועל הפסוריאזיס.", "exosome", "psoriasis"),
    # Hindi: the oblique plural, and a nukta letter stored in one code point (U+095B), which
    # folding reads without its nukta.
    ("hi", "स्टेम कोशिकाओं से पार्किंसंस रोग का उपचार।", "stem_cell_unspecified",
     "parkinson's disease"),
    ("hi", "टाइप 2 डायबिटी\u095b के मरी\u095bों को हम स्टेम सेल्स देते हैं।", "stem_cell_unspecified",
     "type 2 diabetes"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "text", "product", "condition"), INFLECTED, ids=_ids(INFLECTED))
def test_inflected_compounded_and_prefixed_forms_pair(
    rules_checker, code: str, text: str, product: str, condition: str
) -> None:
    assert (product, condition) in _pairs(rules_checker, text)


# Thai runs its words together and terms match inside a run: what an ordinary word holds must not
# be read as a term or a cue. (text, what must not be found in it: a lexicon group or a page cue
# family)
THAI_ORDINARY_WORDS = [
    # "ผม" (I) + "บางครั้ง" (sometimes) holds "ผมบาง" (thin hair).
    ("ผมบางครั้งก็ไปตลาดกับแม่ตอนเช้า", "condition"),
    # Thanks, and quality: both hold "คุณ" (you).
    ("ขอบคุณลูกค้าที่ไว้วางใจในคุณภาพของโรงงาน", "second_person"),
    # A title before a name is no "you" either.
    ("คุณสมชายเดินทางไปเชียงใหม่เมื่อวานนี้", "second_person"),
    # Education ("การศึกษา") is no study.
    ("แพทย์ท่านนี้จบการศึกษาจากมหาวิทยาลัยในกรุงเทพฯ", "research"),
    # "ที่อยู่" is "that is in" before it is an address.
    ("ผู้ป่วยที่อยู่ในโรงพยาบาลได้รับการดูแลอย่างดี", "booking"),
    # A long weekend ("วันหยุดยาว") and a hospital ("โรงพยาบาล") hold "หยุดยา" and "ยา": "no need
    # to" wait is found, but no drug, so no claim to stop one.
    ("ช่วงวันหยุดยาวผู้ป่วยไม่ต้องใช้เวลารอคิวที่โรงพยาบาลนาน", "rule:medication.stop-or-reduce:1"),
]


@pytest.mark.parametrize(("text", "unfound"), THAI_ORDINARY_WORDS)
def test_thai_ordinary_words_hold_no_term_or_cue(rules_checker, text: str, unfound: str) -> None:
    state = run_pipeline(
        CheckState(text, frozenset(), False, len(text)), rules_checker.parts, until="find_claims"
    )
    document = state.document
    assert document is not None
    found = {
        group.split(":")[1] if group.startswith("page:") else group
        for group, mentions in document.groups.items()
        if mentions
    }
    assert not {g for g in found if g == unfound or g.startswith(unfound + ":")}, found


# A lexicon term that is a common word of the page's language with another meaning is that word
# there (a language file's `false_friends`); in English it is still the term.
def test_a_french_taste_is_no_gout(rules_checker) -> None:
    french = "Nos cellules souches vous redonnent le goût de vivre. Prenez rendez-vous."
    assert not _pairs(rules_checker, french)
    english = "Our clinic offers stem cell injections for gout. Book your visit today."
    assert ("stem_cell_unspecified", "arthritis") in _pairs(rules_checker, english)


# A claim rule's phrase that is a common word of the page's language with another meaning is
# that word there (a language file's `rule_false_friends`): Italian "cura" is care or a course
# of treatment, French "cure" a course of treatment; in Spanish "cura" is still a cure.
def _claim_rules(checker, text: str) -> set[str]:
    return {flag["rule_id"] for flag in checker.claims_before_judgement(text)}


@pytest.mark.parametrize(
    ("text", "is_cure_claim"),
    [
        ("Il nostro centro propone una nuova cura con cellule staminali per l'artrosi del "
         "ginocchio: chiedete un appuntamento.", False),
        ("Le nostre cellule staminali portano alla guarigione definitiva dell'artrosi del "
         "ginocchio: chiedete un appuntamento.", True),
        ("Nous proposons une cure de trois injections de cellules souches pour l'arthrose du "
         "genou, sur rendez-vous.", False),
        ("Nuestras células madre son la cura definitiva para la artrosis de rodilla: pida su "
         "cita hoy.", True),
        ("Our stem cell injections cure knee arthritis for good: book your visit today.", True),
    ],
)  # fmt: skip
def test_a_rule_phrase_that_is_another_word_in_the_pages_language_is_no_claim(
    text: str, is_cure_claim: bool
) -> None:
    assert ("efficacy.cure" in _claim_rules(shared_checker(), text)) is is_cure_claim


def test_a_rule_false_friend_must_be_a_phrase_of_a_claim_rule(tmp_path: Path) -> None:
    """Checked when the checker is built (the lexicons load without the rules): a word that no
    rule's phrase spells would never drop anything, and is a slip."""
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    path = data_dir / "languages" / "it.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("rule_false_friends: [cura, cure]", "rule_false_friends: [cura, curry]"),
        encoding="utf-8",
    )
    lexicons = load_lexicons(data_dir)
    with pytest.raises(LexiconError, match="'curry' must be a phrase of a claim rule"):
        Checker(lexicons, load_rules(), load_knowledge_base(), page_model=PageModel.untrained())
