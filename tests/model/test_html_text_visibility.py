"""What a visitor sees (issue 13): one small page per rule of the README's visibility section.

The pages are written for these tests. The danger they guard against: a negation the visitor
never sees ("do not") that, if read, would suppress the visible claim beside it.
"""

from __future__ import annotations

import pytest

from model.html_text import html_to_page_text, html_to_text
from model.normalise import fold_text

CLAIM = "Our stem cells cure multiple sclerosis."
NEGATED = "Our stem cells do {} cure multiple sclerosis."


def _negation_page(span: str, style: str = "", after: str = "") -> str:
    """A visible claim whose sentence holds `span` (an element around the word "not")."""
    sentence = NEGATED.format(span.format("not"))
    return f"<html><head><style>{style}</style></head><body><p>{sentence}</p>{after}</body></html>"


# --- counted as seen -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param(
            "<title>Stem cells cure MS | Clinic</title><p>Welcome.</p>",
            "Stem cells cure MS | Clinic\nWelcome.",
            id="the title, on the first line",
        ),
        pytest.param(
            "<p>Our clinic <img src=a.png alt='Stem cells cure MS'> welcomes you.</p><p>Next.</p>",
            "Our clinic  welcomes you.\nStem cells cure MS\nNext.",
            id="alt, on a line after its block",
        ),
        pytest.param(
            "<p>See <a href=/ms title='Stem cells cure MS'>our results</a>.</p>",
            "See our results.\nStem cells cure MS",
            id="title attribute",
        ),
        pytest.param(
            "<p><a href=/ms aria-label='Stem cells cure MS'>Read</a> more</p>",
            "Read more\nStem cells cure MS",
            id="aria-label",
        ),
        pytest.param(
            "<p><a href=/ms title='Results'>Results</a></p>",
            "Results",
            id="a label that repeats the element's text is not repeated",
        ),
        pytest.param(
            "<p>Welcome.</p><noscript><p>Stem cells cure MS</p></noscript>",
            "Welcome.\nStem cells cure MS",
            id="noscript",
        ),
        pytest.param(
            "<p>Stem cells <noscript>do not</noscript> cure MS</p>",
            "Stem cells\ndo not\ncure MS",
            id="noscript stands on lines of its own",
        ),
        pytest.param(
            "<style>.c::before{content:'Stem cells cure ' attr(data-x)}"
            ".c::after{content:'\\2014 guaranteed'}</style><p class=c data-x=MS>. </p>",
            "Stem cells cure MS. \u2014guaranteed",
            id="CSS ::before and ::after content, in place",
        ),
        pytest.param(
            "<p aria-hidden=true>Stem cells cure MS</p>",
            "Stem cells cure MS",
            id="aria-hidden does not hide visible text",
        ),
        pytest.param(
            "<nav><a href=/>Stem cells cure MS</a></nav>"
            "<p>Call <button>Book now</button> today</p>",
            "Stem cells cure MS\nCall  Book now  today",
            id="nav and button text",
        ),
        pytest.param(
            "<dialog open><p>Stem cells cure MS</p></dialog><dialog><p>closed</p></dialog>",
            "Stem cells cure MS",
            id="an open dialog",
        ),
        pytest.param(
            "<style>@media print{.n{display:none}}</style><p>Stem cells <b class=n>cure</b> MS</p>",
            "Stem cells cure MS",
            id="a rule for print only",
        ),
        pytest.param(
            "<style>.n{display:none} p .n{display:inline}</style><p>Stem <b class=n>cells</b></p>",
            "Stem cells",
            id="a more specific rule shows it again",
        ),
        pytest.param(
            "<div style='visibility:hidden'>x <b style='visibility:visible'>Stem cells</b></div>",
            "Stem cells",
            id="visibility:visible inside visibility:hidden",
        ),
        pytest.param(
            "<div style='font-size:0'>x <b style='font-size:16px'>Stem cells</b>"
            "<i style='font-size:2em'>y</i></div>",
            "Stem cells",
            id="an absolute font size inside font-size:0 (a relative one stays 0)",
        ),
    ],
)
def test_what_counts_as_seen(page: str, expected: str) -> None:
    assert html_to_text(page) == expected


def test_template_content_is_not_seen() -> None:
    assert html_to_text("<template><p>Stem cells cure MS</p></template><p>Hi</p>") == "Hi"


def test_later_style_sheets_win() -> None:
    page = "<style>.n{display:none}</style><p>Stem <b class=n>cells</b></p>"
    assert html_to_text(page + "<style>.n{display:inline}</style>") == "Stem cells"
    assert html_to_text("<style>.n{display:inline}</style>" + page) == "Stem"


def test_only_the_first_title_of_the_head_is_read() -> None:
    page = "<head><title>One</title><title>Two</title></head><body><p>Hi</p><title>x</title>"
    assert html_to_text(page) == "One\nHi"


# --- hidden: dropped -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "style"),
    [
        pytest.param("<span style='display:none'>{}</span>", "", id="display:none"),
        pytest.param("<span hidden>{}</span>", "", id="hidden attribute"),
        pytest.param("<span style='visibility:hidden'>{}</span>", "", id="visibility:hidden"),
        pytest.param("<span style='font-size:0'>{}</span>", "", id="font-size:0"),
        pytest.param("<span style='font-size:0.4px'>{}</span>", "", id="font-size below 1px"),
        pytest.param("<span style='font:0/0 a'>{}</span>", "", id="font shorthand 0/0"),
        pytest.param("<span class=n>{}</span>", ".n{position:absolute;left:-9999px}", id="left"),
        pytest.param("<span class=n>{}</span>", ".n{position:fixed;top:-100em}", id="top in em"),
        pytest.param("<span style='text-indent:-9999px'>{}</span>", "", id="text-indent"),
        pytest.param(
            "<span class=sr>{}</span>",
            ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}",
            id="clip",
        ),
        pytest.param("<span style='clip-path:inset(50%)'>{}</span>", "", id="clip-path"),
        pytest.param("<span style='opacity:0'>{}</span>", "", id="opacity:0"),
        pytest.param("<span style='opacity:.05'>{}</span>", "", id="opacity below 0.1"),
        pytest.param("<span style='transform:scale(0)'>{}</span>", "", id="transform:scale(0)"),
        pytest.param("<span class=n>{}</span>", ".n{display:none}", id="class rule"),
        pytest.param("<span id=n>{}</span>", "#n{visibility:hidden}", id="id rule"),
        pytest.param(
            "<span class='a n'>{}</span>", "body p > span.a.n[class]{display:none}", id="compound"
        ),
        pytest.param("<em><b>{}</b></em>", "p em b{font-size:0}", id="descendant"),
        pytest.param(
            "<span class=n>{}</span>",
            "@media screen{.n{display:none}}",
            id="a rule for every screen",
        ),
        pytest.param(
            "<span class=n>{}</span>", ".n{display:block} .n{display:none}", id="the later rule"
        ),
        pytest.param(
            "<span class=n style='display:inline'>{}</span>",
            ".n{display:none!important}",
            id="!important over the style attribute",
        ),
    ],
)
def test_hidden_text_is_dropped(span: str, style: str) -> None:
    page = _negation_page(span, style)
    assert html_to_text(page) == "Our stem cells do  cure multiple sclerosis."


@pytest.mark.parametrize(
    ("span", "style"),
    [
        pytest.param("<span class=n>{}</span>", "div.n{display:none}", id="tag does not match"),
        pytest.param("<span class=n>{}</span>", "ul .n{display:none}", id="no such ancestor"),
        pytest.param("<span class=n>{}</span>", "body > .n{display:none}", id="not a child"),
        pytest.param("<span class=n>{}</span>", ".n{left:-9999px}", id="left, not positioned"),
        pytest.param("<span class=n>{}</span>", ".n{position:absolute;left:-20px}", id="near"),
        pytest.param("<span class=n>{}</span>", ".n{opacity:.5}", id="half opacity"),
        pytest.param("<span class=n>{}</span>", ".n{clip:rect(0,0,0,0)}", id="clip, static"),
        pytest.param("<span class=n>{}</span>", "/* .n{display:none} */", id="commented out"),
    ],
)
def test_rules_that_do_not_hide_keep_the_text(span: str, style: str) -> None:
    page = _negation_page(span, style)
    assert html_to_text(page) == "Our stem cells do not cure multiple sclerosis."


# --- undecidable: kept apart, after the seen text --------------------------------------------


@pytest.mark.parametrize(
    ("span", "style", "after"),
    [
        pytest.param("<span class=n>{}</span>", ".n:hover{display:none}", "", id=":hover"),
        pytest.param(
            "<span class=n>{}</span>", "p:not(.x) .n{display:none}", "", id="pseudo-class"
        ),
        pytest.param("<span class=n>{}</span>", "i + .n{display:none}", "", id="sibling"),
        pytest.param(
            "<span class=n>{}</span>",
            "@media (max-width:600px){.n{display:none}}",
            "",
            id="a width query",
        ),
        pytest.param(
            "<span class=n>{}</span>",
            ".n{display:none}",
            "<script>document.querySelector('.n').classList.remove('n')</script>",
            id="a class a script toggles",
        ),
        pytest.param(
            "<span id=more hidden>{}</span>",
            "",
            "<button aria-controls=more>Read more</button>",
            id="an element a control opens",
        ),
        pytest.param(
            "<span style='font-size:var(--small)'>{}</span>", "", "", id="a run-time value"
        ),
        pytest.param(
            "<span class=n>{}</span>", ".n{display:none} .n:focus{display:inline}", "", id="reveal"
        ),
        pytest.param("<span hidden=until-found>{}</span>", "", "", id="hidden=until-found"),
    ],
)
def test_undecidable_text_follows_the_seen_text(span: str, style: str, after: str) -> None:
    page = html_to_page_text(_negation_page(span, style, after))
    seen = page.text[: page.seen_length]
    assert seen.startswith("Our stem cells do  cure multiple sclerosis.")
    assert "not" not in seen
    assert page.text.endswith("\nnot")


def test_undecidable_pseudo_content_is_kept_apart() -> None:
    page = html_to_page_text(
        "<style>.n:hover::before{content:'not '}</style><p>Stem cells <b class=n>cure</b> MS</p>"
    )
    assert page.text == "Stem cells cure MS\nnot"
    assert page.seen_length == len("Stem cells cure MS")


def test_undecidable_blocks_inside_undecidable_blocks_are_separate_pieces() -> None:
    page = html_to_page_text(
        "<style>.a:hover{opacity:0} .b:focus{opacity:0}</style>"
        "<p>Seen.</p><div class=a>Stem cells <span class=b>do not</span> cure MS</div>"
    )
    assert page.text == "Seen.\nStem cells  cure MS\ndo not"
    assert page.seen_length == len("Seen.")


# --- structure -------------------------------------------------------------------------------


def test_blocks_headings_and_list_items_keep_their_lines() -> None:
    page = (
        "<h1>Stem cell therapy</h1><div>We treat:<ul><li>MS</li><li>ALS</li></ul></div>"
        "<p>Call <b>now</b>.</p>"
    )
    assert html_to_text(page) == "Stem cell therapy\nWe treat:\n\u2022 MS\n\u2022 ALS\nCall now."


# --- through the checker: a hidden negation never suppresses the visible claim ---------------


@pytest.mark.parametrize(
    ("span", "style"),
    [
        pytest.param("<span style='font-size:0'>{}</span>", "", id="font-size:0"),
        pytest.param("<span class=n>{}</span>", ".n{position:absolute;left:-9999px}", id="left"),
        pytest.param("<b><i class=n>{}</i></b>", "p > b .n{display:none}", id="compound"),
        pytest.param("<span class=n>{}</span>", ".n:hover{display:none}", id="undecidable"),
        pytest.param(
            "<span class=n>{}</span>", "@media (min-width:1px){.n{display:none}}", id="media"
        ),
    ],
)
def test_a_hidden_negation_does_not_suppress_the_visible_claim(
    checker, span: str, style: str
) -> None:
    body = checker.check(_negation_page(span, style), format="html")
    assert "unapproved-use.cell-product-for-disease" in {f["rule_id"] for f in body["flags"]}
    assert body["risk"]["level"] == "high"


def test_a_visible_negation_still_negates(checker) -> None:
    body = checker.check(_negation_page("<span>{}</span>"), format="html")
    assert body["risk"]["level"] == "low"


def test_a_claim_seen_only_in_an_attribute_is_flagged(checker) -> None:
    page = f"<p>Welcome to our clinic.</p><img src=a.png alt='{CLAIM}'>"
    body = checker.check(page, format="html")
    assert "unapproved-use.cell-product-for-disease" in {f["rule_id"] for f in body["flags"]}


CRITICAL_BLOCK = (
    "<p>The FDA warns patients that these clinics sell unproven treatments.</p>"
    "<p>Experts say such stem cell clinics put patients at risk.</p>"
    "<p>Regulators have warned about clinics like this one.</p>"
    "<p>A news investigation found patients were harmed.</p>"
)


def test_undecidable_critical_text_does_not_make_the_page_informational(checker) -> None:
    page = (
        "<style>.u:hover{display:none}</style><h1>Renew Clinic</h1>"
        f"<p>{CLAIM}</p><p>Book your treatment today for $5,000.</p>"
        f"<div class=u>{CRITICAL_BLOCK}</div>"
    )
    assert checker.check(page, format="html")["risk"]["level"] == "high"


# --- drawn under a directional override --------------------------------------------------------

RLO, LRO, PDF = "\u202e", "\u202d", "\u202c"
# "Our stem cells cure multiple sclerosis." stored backwards: drawn so under a right-to-left
# override, it is what a visitor reads.
BACKWARDS = CLAIM[::-1]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param("<p>Hi <bdo dir=rtl>olleh</bdo>.</p>", f"Hi {RLO}olleh{PDF}.", id="bdo rtl"),
        pytest.param(
            "<p style='direction:rtl;unicode-bidi:bidi-override'>olleh</p>",
            f"{RLO}olleh{PDF}",
            id="inline style",
        ),
        pytest.param(
            "<style>.r span{unicode-bidi:isolate-override}</style>"
            "<div class=r dir=rtl><span>olleh</span></div>",
            f"{RLO}olleh{PDF}",
            id="sheet rule, direction from dir",
        ),
        pytest.param(
            "<html dir=rtl><body><p><span style='unicode-bidi:bidi-override'>olleh</span></p>",
            f"{RLO}olleh{PDF}",
            id="direction from the html element",
        ),
        pytest.param(
            "<p><bdo dir=rtl>ab <bdo dir=ltr>cd</bdo></bdo> <bdo dir=ltr>ef</bdo></p>",
            f"{RLO}ab {LRO}cd{PDF}{PDF} ef",
            id="a left-to-right override counts only inside a right-to-left one",
        ),
        pytest.param("<p dir=rtl>hello</p>", "hello", id="direction alone reverses nothing"),
        pytest.param(
            "<p style='direction:rtl;unicode-bidi:embed'>hello</p>", "hello", id="an embedding"
        ),
        pytest.param(
            "<style>p:hover{unicode-bidi:bidi-override}</style><p dir=rtl>hello</p>",
            "hello",
            id="an undecided rule does not count",
        ),
        pytest.param(
            "<p>a<bdo dir=rtl></bdo>b</p><bdo dir=rtl><p>c</p></bdo>",
            f"a{RLO}{PDF}b\nc",
            id="no line of override marks alone",
        ),
        pytest.param(
            "<div style='direction:rtl;unicode-bidi:bidi-override'>ab<p>cd</p>ef</div>",
            f"{RLO}ab\ncd\n{RLO}ef{PDF}",
            id="a block inside ends the override, which goes on after it",
        ),
    ],
)
def test_text_under_an_override_is_written_between_override_marks(page: str, expected: str):
    assert html_to_text(page) == expected


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(
            f"<p>Welcome to our clinic.</p><p><bdo dir=rtl>{BACKWARDS}</bdo></p>", id="bdo"
        ),
        pytest.param(
            "<style>.turned{direction:rtl;unicode-bidi:bidi-override}</style>"
            f"<h1>Renew Clinic</h1><p class=turned>{BACKWARDS}</p>",
            id="style sheet",
        ),
    ],
)
def test_a_claim_drawn_right_to_left_is_read_as_drawn_and_quoted_as_stored(checker, page: str):
    body = checker.check(page, format="html")
    text = body["extracted_text"]
    assert body["risk"]["level"] == "high"
    pair = [f for f in body["flags"] if f["rule_id"] == "unapproved-use.cell-product-for-disease"]
    quotes = [e["quote"] for e in pair[0]["evidence"]]
    assert quotes == ["sisorelcs elpitlum", "sllec mets"]
    for evidence in pair[0]["evidence"]:
        assert text[evidence["start"] : evidence["end"]] == evidence["quote"]
    signal = body["page"]["signals"][0]
    assert signal["signal"] == "obfuscation"
    assert signal["evidence"]["quote"] == f"{RLO}{BACKWARDS}{PDF}"


# Written for this test: "Welcome to our centre for the treatment of joint pain" and "Book an
# appointment now" in Arabic, in an rtl page and inside an override that draws them as written.
ARABIC_PAGE = (
    "<html dir=rtl lang=ar><body><h1>"
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0643\u0645 \u0641\u064a "
    "\u0645\u0631\u0643\u0632\u0646\u0627 \u0644\u0639\u0644\u0627\u062c \u0622\u0644\u0627\u0645 "
    "\u0627\u0644\u0645\u0641\u0627\u0635\u0644</h1><p><bdo dir=rtl>\u0627\u062d\u062c\u0632 "
    "\u0645\u0648\u0639\u062f\u0627\u064b \u0627\u0644\u0622\u0646</bdo></p></body></html>"
)


def test_arabic_text_in_a_right_to_left_override_is_left_as_written(checker):
    body = checker.check(ARABIC_PAGE, format="html")
    assert body["risk"]["level"] == "low"
    assert "obfuscation" not in {s["signal"] for s in body["page"]["signals"]}
    text = body["extracted_text"]
    assert "\u0627\u062d\u062c\u0632 \u0645\u0648\u0639\u062f\u0627\u064b" in text
    assert fold_text(text, checker.matcher.vocabulary).obfuscations == ()
