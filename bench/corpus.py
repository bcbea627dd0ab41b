"""Synthetic but realistic clinic ads for the benchmarks, composed from sentence pools.

Every text is different (a seeded random choice of clinic, city, product, conditions, claims,
testimonials, prices and boilerplate per sentence), so no cache inside the checker can make a
benchmark look faster than real traffic would. The sentences are written for this benchmark;
they imitate the kinds of wording regulators have objected to, mixed with neutral clinic prose.
"""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Callable
from pathlib import Path

# -- slots ----------------------------------------------------------------------------------------

CLINIC_FIRST = (
    "Renew",
    "Vital",
    "Summit",
    "Harbor",
    "Pacific",
    "Evergreen",
    "Lakeside",
    "Cedar",
    "Apex",
    "Horizon",
    "Beacon",
    "Meridian",
    "Northstar",
    "Sunrise",
    "Riverbend",
    "Golden Gate",
    "Aurora",
    "Keystone",
    "Bluewater",
    "Magnolia",
    "Sierra",
    "Prairie",
    "Coastal",
    "Pinnacle",
    "Liberty",
)
CLINIC_SECOND = (
    "Regenerative",
    "Stem Cell",
    "Wellness",
    "Orthobiologics",
    "Longevity",
    "Cellular Health",
    "Integrative Medicine",
    "Joint & Spine",
    "BioRepair",
    "Restorative",
    "Healing Arts",
)
CLINIC_THIRD = ("Clinic", "Institute", "Center", "Medical Group", "Health", "Partners", "Labs")
CITIES = (
    "Phoenix, AZ",
    "Scottsdale, AZ",
    "Miami, FL",
    "Boca Raton, FL",
    "Tampa, FL",
    "Austin, TX",
    "Dallas, TX",
    "Houston, TX",
    "San Diego, CA",
    "Beverly Hills, CA",
    "Las Vegas, NV",
    "Denver, CO",
    "Salt Lake City, UT",
    "Boise, ID",
    "Nashville, TN",
    "Atlanta, GA",
    "Charlotte, NC",
    "Tijuana, Mexico",
    "Cancun, Mexico",
    "Panama City, Panama",
    "Orlando, FL",
    "Portland, OR",
    "Seattle, WA",
    "Kansas City, MO",
    "Columbus, OH",
    "Naples, FL",
)
DOCTORS = (
    "Dr. Alan Pierce",
    "Dr. Maria Castillo",
    "Dr. Kevin Osei",
    "Dr. Linda Marsh",
    "Dr. Samuel Frost",
    "Dr. Priya Nair",
    "Dr. Helen Brooks",
    "Dr. Victor Lindqvist",
    "Dr. Omar Haddad",
    "Dr. Rachel Kim",
    "Dr. George Whitfield",
    "Dr. Nadia Petrova",
)
PATIENTS = (
    "Greg, 61",
    "Martha from Ohio",
    "Dave R.",
    "Sandra, retired teacher",
    "Tom, 54",
    "Luis and Ana",
    "Janet K.",
    "Mike, former marine",
    "Beverly, 72",
    "Carlos M.",
    "Linda P.",
    "Frank, golfer",
    "Rosa, 66",
    "Bill and Karen",
    "Denise T.",
    "Harold, 80",
)
PRODUCTS = (
    "adipose-derived stem cells",
    "stromal vascular fraction (SVF)",
    "SVF cells",
    "your own fat-derived stem cells",
    "bone marrow stem cells",
    "bone marrow aspirate concentrate",
    "umbilical cord stem cells",
    "umbilical cord mesenchymal stem cells",
    "Wharton's jelly",
    "Wharton's jelly stem cells",
    "cord blood stem cells",
    "amniotic stem cells",
    "amniotic fluid injections",
    "placental tissue allografts",
    "exosomes",
    "exosome therapy",
    "mesenchymal stem cells",
    "stem cell therapy",
    "stem cell injections",
    "MSCs",
    "young donor stem cells",
    "regenerative cell therapy with live stem cells",
)
CONDITIONS = (
    "multiple sclerosis",
    "MS",
    "ALS",
    "Parkinson's disease",
    "Alzheimer's disease",
    "dementia",
    "stroke recovery",
    "spinal cord injury",
    "cerebral palsy",
    "autism",
    "neuropathy",
    "rheumatoid arthritis",
    "lupus",
    "psoriasis",
    "Crohn's disease",
    "ulcerative colitis",
    "type 1 diabetes",
    "type 2 diabetes",
    "diabetes",
    "knee osteoarthritis",
    "arthritis",
    "bad knees",
    "chronic back pain",
    "neck pain",
    "degenerative disc disease",
    "rotator cuff tears",
    "tendon injuries",
    "plantar fasciitis",
    "sports injuries",
    "osteoporosis",
    "heart failure",
    "COPD",
    "pulmonary fibrosis",
    "asthma",
    "kidney disease",
    "liver cirrhosis",
    "erectile dysfunction",
    "hair loss",
    "wrinkles",
    "macular degeneration",
    "glaucoma",
    "hearing loss",
    "tinnitus",
    "fibromyalgia",
    "chronic fatigue",
    "Lyme disease",
    "long COVID",
    "chronic pain",
    "interstitial cystitis",
    "depression",
    "anxiety",
    "PTSD",
    "traumatic brain injury",
    "muscular dystrophy",
    "frailty",
    "aging",
)
ROUTES = (
    "intravenously",
    "through an IV drip",
    "intrathecally",
    "by lumbar puncture",
    "directly into the joint",
    "into the spinal fluid",
    "with a nebulizer",
    "into the eye",
    "as a scalp injection",
    "under ultrasound guidance",
)
MEDICINES = (
    "insulin",
    "your MS medication",
    "steroids",
    "immunosuppressants",
    "pain pills",
    "methotrexate",
    "your blood pressure medicine",
    "inhalers",
    "opioids",
    "biologic injections",
)
PERCENT = ("85%", "87%", "90%", "92%", "93%", "95%", "96%", "97%", "98%", "99%")
PRICES = ("$2,995", "$4,500", "$5,900", "$7,500", "$9,800", "$12,000", "$15,000", "$24,500")
MONTHS = ("January", "March", "April", "June", "August", "September", "October", "December")

# -- sentence pools ------------------------------------------------------------------------
# {clinic} {city} {doctor} {patient} {product} {product2} {condition} {condition2} {condition3}
# {route} {medicine} {percent} {price} {price2} {month} {years} {count}

CLAIMS = (
    "Our {product} repair damaged tissue and reverse {condition} at the root cause.",
    "{product} have helped hundreds of our patients recover from {condition} and {condition2}.",
    "With {product} there is no need for surgery: the body rebuilds itself.",
    "Most patients with {condition} see dramatic improvement within {count} weeks.",
    "Our success rate for {condition} is {percent}, far higher than any drug.",
    "We regenerate cartilage, nerves and blood vessels using {product}.",
    "{product} can cure {condition} without the side effects of conventional medicine.",
    "Results are guaranteed or we repeat the treatment at no charge.",
    "Clinically proven {product} restore function in {condition}, {condition2} and {condition3}.",
    "This treatment finally addresses what your doctor told you was incurable.",
    "We have treated {condition} with {product} for {years} years with outstanding results.",
    "Stop living with {condition}: {product} heal the damage instead of masking symptoms.",
    "{product} home in on inflammation anywhere in the body and switch it off.",
    "After a single session, many of our {condition} patients walk, sleep and think better.",
    "Our protocol reverses the progression of {condition} in most cases.",
    "Studies show that {product} regenerate the insulin-producing cells of the pancreas.",
    "Science now confirms what our patients already know: {product} work.",
    "One infusion of {product} can add years of healthy life.",
)
SAFETY = (
    "Because we use {product}, there is zero risk of rejection and no side effects.",
    "The procedure is completely safe and natural, with no downtime.",
    "Since the cells come from your own body, the therapy is 100% safe.",
    "There are no known risks with {product}; thousands of treatments, no complications.",
    "Unlike drugs, {product} cannot harm you: they only repair.",
    "Our cells are screened and sterile, so you can relax: nothing can go wrong.",
)
MEDICATION = (
    "Many patients were able to stop taking {medicine} within months of treatment.",
    "Imagine a life without {medicine}: our patients no longer need it.",
    "After {product}, several of our diabetic patients came off {medicine} entirely.",
    "You may be able to reduce {medicine} once the cells start working.",
)
REGULATORY = (
    "Our laboratory is FDA registered and our protocols are FDA compliant.",
    "Because the cells are your own, this treatment does not require FDA approval.",
    "{product} are regulated as tissue, so they are legal to use for any condition.",
    "Our study is listed on ClinicalTrials.gov, which shows it has been reviewed and approved.",
    "All products come from an FDA-registered tissue bank and meet AATB standards.",
    "We operate under the 361 HCT/P exemption, which allows treatment of {condition}.",
)
EVIDENCE = (
    "Research shows stem cells can treat more than {count} conditions.",
    "Preliminary results show great promise for {condition} and {condition2}.",
    "Independent studies confirm that {product} are effective for {condition}.",
    "Peer-reviewed research supports the use of {product} for {condition}.",
    "Published data from our own clinic show a {percent} satisfaction rate.",
)
PAY_TRIAL = (
    "Enroll now in our patient-funded study of {product} for {condition}; the fee is {price}.",
    "Join our clinical trial: participants pay {price} to cover cells and lab work.",
    "Our research protocol is open to new patients; treatment fees start at {price}.",
)
HYPE = (
    "A true medical breakthrough is finally here.",
    "This revolutionary therapy is changing lives every single day.",
    "Unlock the healing power hidden inside your own body.",
    "Limited spots available this month, so call today to reserve yours.",
    "Experience the miracle of regenerative medicine.",
    "Don't wait until surgery is your only option.",
    "The future of medicine is here, and it is available now in {city}.",
    "Special pricing ends {month} 30: book your consultation before it is gone.",
)
PROCESS = (
    "The cells are culture-expanded in our lab to more than {count} million before injection.",
    "We activate the cells with light and growth factors to multiply their power.",
    "Your fat is collected by mini-liposuction and enzymatically digested to release the SVF.",
    "The {product} are given {route} so they can reach every organ.",
    "For neurological cases, we deliver the cells {route} to cross the blood-brain barrier.",
    "For eye conditions the cells are placed {route}.",
    "Treatment combines {product} with {product2} for a stronger effect.",
)
TESTIMONIAL = (
    '"I had {condition} for {years} years. Two weeks after my treatment I was hiking again." '
    "- {patient}",
    '"My doctor wanted to operate. {clinic} gave me my life back." - {patient}',
    '"After the {product} my {condition} symptoms are gone. I tell everyone about it." - {patient}',
    '"Best money I ever spent. I threw away my cane." - {patient}',
    '"The staff were wonderful and I felt better within days." - {patient}',
    "Before treatment {patient} could barely climb stairs; today they play tennis twice a week.",
    "Watch the video of {patient}, who regained movement after treatment for {condition}.",
)
NEUTRAL = (
    "{clinic} is located in {city}, a short drive from the airport.",
    "Our team is led by {doctor}, who has practiced medicine for {years} years.",
    "Free parking is available behind the building, and the entrance is wheelchair accessible.",
    "Consultations take about an hour and can also be done by video call.",
    "We accept cash, credit cards and medical financing; insurance does not cover this treatment.",
    "Please bring a list of your current medications and any recent imaging to your visit.",
    "Our office is open Monday to Friday from 8 a.m. to 5 p.m. and Saturdays by appointment.",
    "Patients travelling from abroad can ask our coordinators about nearby hotels.",
    "{doctor} trained in internal medicine and later focused on regenerative treatments.",
    "The procedure is performed in our outpatient suite and usually takes two to three hours.",
    "Most people return to light activity the next day and to exercise within two weeks.",
    "We will review your history and tell you honestly whether you are a good candidate.",
    "Follow-up calls are scheduled at one, three and six months after the procedure.",
    "Our newsletter shares clinic news, patient events and seasonal wellness tips.",
    "Call {clinic} or fill in the form below and a patient advocate will contact you.",
    "The clinic opened in {month} {year} and has grown to a staff of {count}.",
    "Our building has a calm waiting room, fresh coffee and a children's corner.",
    "Ask about packages for couples and family members treated on the same day.",
)
PRICING = (
    "Knee treatment: {price}. Both knees: {price2}.",
    "Introductory offer: {price} (regular price {price2}) through the end of {month}.",
    "Packages from {price} include the harvest, processing and two follow-up visits.",
    "Financing from $199 a month is available for qualified patients.",
)
DISCLAIMER = (
    "These statements have not been evaluated by the Food and Drug Administration.",
    "Individual results vary; this page is not medical advice.",
    "Stem cell therapy is not approved by the FDA for the conditions listed on this page.",
    "Possible risks include infection, pain at the injection site and no improvement at all.",
)
HEADINGS = (
    "Why choose {clinic}?",
    "Conditions we treat",
    "How the treatment works",
    "Patient stories",
    "Frequently asked questions",
    "Pricing and financing",
    "About {doctor}",
    "Book today",
    "What to expect on the day",
    "The science",
    "Safety first",
    "Our laboratory",
)

# Pools weighted by how often they appear in a typical promotional page.
POOLS: tuple[tuple[tuple[str, ...], int], ...] = (
    (CLAIMS, 14),
    (NEUTRAL, 14),
    (TESTIMONIAL, 6),
    (HYPE, 5),
    (SAFETY, 4),
    (PROCESS, 4),
    (EVIDENCE, 3),
    (REGULATORY, 3),
    (MEDICATION, 2),
    (PRICING, 2),
    (PAY_TRIAL, 1),
    (DISCLAIMER, 1),
)


def _slots(rng: random.Random) -> dict[str, Callable[[], str]]:
    clinic = f"{rng.choice(CLINIC_FIRST)} {rng.choice(CLINIC_SECOND)} {rng.choice(CLINIC_THIRD)}"
    city = rng.choice(CITIES)
    doctor = rng.choice(DOCTORS)
    main_products = rng.sample(PRODUCTS, 2)
    conditions = rng.sample(CONDITIONS, rng.randint(4, 9))
    last = [conditions[0]]  # {condition2} differs from the {condition} just written
    return {
        "clinic": lambda: clinic,
        "city": lambda: city,
        "doctor": lambda: doctor,
        "patient": lambda: rng.choice(PATIENTS),
        "product": lambda: rng.choice(main_products if rng.random() < 0.8 else PRODUCTS),
        "product2": lambda: rng.choice(PRODUCTS),
        "condition": lambda: last.__setitem__(0, rng.choice(conditions)) or last[0],
        "condition2": lambda: rng.choice([c for c in conditions if c != last[0]]),
        "condition3": lambda: rng.choice(CONDITIONS),
        "route": lambda: rng.choice(ROUTES),
        "medicine": lambda: rng.choice(MEDICINES),
        "percent": lambda: rng.choice(PERCENT),
        "price": lambda: rng.choice(PRICES),
        "price2": lambda: rng.choice(PRICES),
        "month": lambda: rng.choice(MONTHS),
        "year": lambda: str(rng.randint(2008, 2024)),
        "years": lambda: str(rng.randint(2, 25)),
        "count": lambda: str(rng.randint(3, 300)),
    }


class _Fill(dict):
    def __init__(self, slots: dict[str, Callable[[], str]]) -> None:
        super().__init__()
        self.slots = slots

    def __missing__(self, key: str) -> str:
        return self.slots[key]()


def _sentence(rng: random.Random, fill: _Fill) -> str:
    pools = [pool for pool, _ in POOLS]
    weights = [weight for _, weight in POOLS]
    pool = rng.choices(pools, weights)[0]
    text = rng.choice(pool).format_map(fill)
    return text[0].upper() + text[1:]


def _heading(rng: random.Random, fill: _Fill) -> str:
    return rng.choice(HEADINGS).format_map(fill)


def make_sections(rng: random.Random, target_chars: int) -> list[tuple[str, list[list[str]]]]:
    """Sections of (heading, paragraphs of sentences) adding up to about `target_chars`."""
    fill = _Fill(_slots(rng))
    sections: list[tuple[str, list[list[str]]]] = []
    total = 0
    while total < target_chars:
        heading = _heading(rng, fill)
        paragraphs = []
        for _ in range(rng.randint(1, 3)):
            sentences = []
            for _ in range(rng.randint(2, 6)):
                sentence = _sentence(rng, fill)
                sentences.append(sentence)
                total += len(sentence) + 1
                if total >= target_chars:
                    break
            paragraphs.append(sentences)
            if total >= target_chars:
                break
        sections.append((heading, paragraphs))
        total += len(heading) + 2
    return sections


def make_ad(rng: random.Random, target_chars: int) -> str:
    """A plain-text ad of about `target_chars` characters (headings, paragraphs, a footer)."""
    parts = []
    for heading, paragraphs in make_sections(rng, target_chars):
        parts.append(heading)
        parts.extend(" ".join(sentences) for sentences in paragraphs)
    return "\n\n".join(parts)


def make_ads(count: int, target_chars: int, seed: int) -> list[str]:
    """`count` different ads; raises if the generator ever repeats a text."""
    rng = random.Random(seed)
    ads = [make_ad(rng, target_chars) for _ in range(count)]
    if len(set(ads)) != len(ads):
        raise RuntimeError("the ad generator repeated a text")
    return ads


_HIDDEN_SPAM = "stem cells cure autism lupus COPD ALS diabetes heart failure"
_SCRIPT = (
    "window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}"
    "gtag('js',new Date());gtag('config','G-{n}');var slides=document.querySelectorAll('.slide');"
    "for(var i=0;i<slides.length;i++){{slides[i].style.opacity=i==0?1:0;}}"
)
_STYLE = (
    ".hero{{background:#0a3d62;color:#fff;padding:{n}px}} .cta{{font-size:22px;border-radius:8px}}"
    " .hidden{{display:none}} nav a{{margin:0 12px}} .grid{{display:grid;gap:{n}px}}"
)


def make_page_html(rng: random.Random, target_chars: int) -> str:
    """A landing page of about `target_chars` characters of html: head with styles and scripts,
    navigation, sections with lists and testimonials, hidden keyword spam, a footer."""
    sections = make_sections(rng, int(target_chars * 0.55))
    out = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(sections[0][0])}</title>",
        f"<style>{_STYLE.format(n=rng.randint(10, 60))}</style>",
        f"<script>{_SCRIPT.format(n=rng.randint(1000, 9999))}</script></head><body>",
        '<nav><a href="/">Home</a><a href="/conditions">Conditions</a>'
        '<a href="/about">About</a><a href="/contact">Contact</a></nav>',
        '<header class="hero"><h1>' + html.escape(sections[0][0]) + "</h1></header><main>",
    ]
    for index, (heading, paragraphs) in enumerate(sections):
        out.append(f'<section id="s{index}" class="grid"><h2>{html.escape(heading)}</h2>')
        for paragraph in paragraphs:
            if rng.random() < 0.25:
                items = "".join(f"<li>{html.escape(s)}</li>" for s in paragraph)
                out.append(f'<ul class="bullets">{items}</ul>')
            elif rng.random() < 0.15:
                out.append(
                    '<blockquote class="testimonial"><p>'
                    + html.escape(" ".join(paragraph))
                    + "</p></blockquote>"
                )
            else:
                out.append(
                    '<div class="col"><p><span class="lead">'
                    + html.escape(paragraph[0])
                    + "</span> "
                    + " ".join(
                        f"<em>{html.escape(s)}</em>" if rng.random() < 0.1 else html.escape(s)
                        for s in paragraph[1:]
                    )
                    + "</p></div>"
                )
        if rng.random() < 0.3:
            out.append(f'<div class="hidden" style="display:none">{_HIDDEN_SPAM}</div>')
        if rng.random() < 0.3:
            out.append(
                f"<script>{_SCRIPT.format(n=rng.randint(1000, 9999))}</script>"
                '<a class="cta" href="/book">Book your free consultation</a>'
            )
        out.append("</section>")
    out.append("</main><footer><p>&copy; 2025 All rights reserved.</p></footer></body></html>")
    page = "\n".join(out)
    filler = 0
    while len(page) < target_chars:  # top up with inert markup if the prose came out short
        filler += 1
        page = page.replace(
            "</main>", f'<div class="spacer" data-i="{filler}">&nbsp;</div>' * 20 + "</main>"
        )
    return page


def make_pages_html(count: int, target_chars: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [make_page_html(rng, target_chars) for _ in range(count)]


def payloads(count: int, target_chars: int, seed: int) -> list[dict]:
    """JSON bodies for POST /v1/check (different ~`target_chars` ads with ids)."""
    return [
        {"id": f"bench-{seed}-{i}", "text": text}
        for i, text in enumerate(make_ads(count, target_chars, seed))
    ]


# -- non-English ads ----------------------------------------------------------------------

_SETS = Path(__file__).resolve().parent.parent / "evaluation"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _sentences_of_ads(lang: str) -> list[str]:
    """The sentences of the plain-text ads in `lang` of our own written evaluation sets."""
    sentences: dict[str, None] = {}
    for path in sorted(_SETS.glob("*_set.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if (item.get("lang"), item.get("kind"), item.get("format", "text")) == (
                lang,
                "ad",
                "text",
            ):
                for sentence in _SENTENCE_END.split(item["text"]):
                    if len(sentence.split()) >= 3:
                        sentences[sentence.strip()] = None
    if not sentences:
        raise RuntimeError(f"no written ads in {lang!r} under {_SETS}")
    return list(sentences)


def make_foreign_ads(count: int, target_chars: int, seed: int, lang: str = "es") -> list[str]:
    """`count` different ads of about `target_chars` characters in `lang`: sentences of the
    written sets' ads in that language, drawn at random into paragraphs."""
    pool = _sentences_of_ads(lang)
    rng = random.Random(seed)
    ads = []
    for _ in range(count):
        paragraphs: list[str] = []
        total = 0
        while total < target_chars:
            paragraph = " ".join(rng.sample(pool, min(len(pool), rng.randint(2, 5))))
            paragraphs.append(paragraph)
            total += len(paragraph) + 2
        ads.append("\n\n".join(paragraphs))
    if len(set(ads)) != len(ads):
        raise RuntimeError("the ad generator repeated a text")
    return ads
