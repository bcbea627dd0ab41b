"""`Checker.check` answers for any Python str (issue 13's leftovers).

Over HTTP and in batches the request contract refuses a lone surrogate (U+D800-U+DFFF) with a
JSON error, so no line of a batch is lost. A caller of the library can still pass one: the
checker reads each surrogate as U+FFFD, one code point (and one UTF-16 unit) for one, so offsets
are those of the text sent and every quote is valid Unicode.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st

from tests.property_settings import reproducible

SETTINGS = reproducible(120, [HealthCheck.function_scoped_fixture])
# Any code point, surrogates (category Cs) often among them: `st.text` leaves them out.
ANY_CHARACTER = st.one_of(st.characters(), st.characters(categories=["Cs"]))
PIECES = st.sampled_from(
    [
        "stem cells",
        " cure ",
        "multiple sclerosis",
        "MS",
        ". ",
        "\n",
        "\ud800",
        "\udfff",
        "\ud83d\ude00",  # a pair, as two code points of a Python str
        "\u202e",
        "<p>",
        "</p>",
    ]
)
TEXTS = st.lists(st.one_of(ANY_CHARACTER, PIECES), max_size=40).map("".join)


def _as_unicode(text: str) -> str:
    return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)


@SETTINGS
@given(
    text=TEXTS,
    format=st.sampled_from(["text", "html"]),
    offsets=st.sampled_from(["codepoint", "utf16"]),
)
@example(text="Our stem cells cure lupus \ud800 today.", format="text", offsets="codepoint")
def test_check_never_raises_on_any_str(checker, text: str, format: str, offsets: str) -> None:
    body = checker.check(text, format=format, offsets=offsets)
    json.dumps(body, ensure_ascii=False).encode("utf-8")  # valid Unicode throughout
    if format == "text":
        analysed = _as_unicode(text)
        units = len(analysed.encode("utf-16-le")) // 2
        assert body["text_length"] == (len(text) if offsets == "codepoint" else units)
        if offsets == "codepoint":
            for flag in body["flags"]:
                for evidence in flag["evidence"]:
                    assert analysed[evidence["start"] : evidence["end"]] == evidence["quote"]


def test_a_lone_surrogate_leaves_the_rest_of_the_ad_screened_with_its_offsets(checker) -> None:
    text = "Our clinic\ud800 says: stem cells cure lupus.\udc00"
    body = checker.check(text)
    assert body["risk"]["level"] == "high"
    assert body["text_length"] == len(text)
    for flag in body["flags"]:
        for evidence in flag["evidence"]:
            assert text[evidence["start"] : evidence["end"]] == evidence["quote"]


def test_warming_up_builds_what_a_first_disguised_page_would():
    """A server warms its checker before its workers fork (`service.app`): the look-alike
    table and the digit-for-letter prefixes are then built once, in the parent."""
    from model import evasion, lookalikes, shared_checker

    checker = shared_checker()
    lookalikes.lookalike_table.cache_clear()
    evasion._prefixes.cache_clear()
    checker.warm_up()
    assert lookalikes.lookalike_table.cache_info().currsize == 1
    assert evasion._prefixes.cache_info().currsize == 1
