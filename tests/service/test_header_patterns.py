"""Request ids, lone surrogates and gunicorn's invalid-request message are read with string code,
not Python's `re` (issue 14): equal to the patterns they replaced, and at once on 100 KB."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from service.contract import _has_lone_surrogate
from service.gunicorn_hooks import _without_client_address
from service.request_id import looks_like_an_id

OLD_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
OLD_CLIENT_ADDRESS = re.compile(r"^Invalid request from ip=\S*: ")
OLD_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
SIZE = 100_000


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet="aZ09._:- \t\u00e9/", max_size=140) | st.just("a" * 128))
def test_request_id_as_the_pattern_it_replaced(supplied):
    assert looks_like_an_id(supplied) == bool(OLD_ID.fullmatch(supplied))


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet="1.:a \t\u00a0", max_size=12))
def test_client_address_removed_as_the_pattern_it_replaced(rest):
    message = "Invalid request from ip=" + rest
    expected = (
        OLD_CLIENT_ADDRESS.sub("Invalid request: ", message)
        if OLD_CLIENT_ADDRESS.match(message)
        else None
    )
    reason = _without_client_address(message)
    assert (None if reason is None else "Invalid request: " + reason) == expected


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0xE000, exclude_categories=()), max_size=8))
def test_lone_surrogates_as_the_pattern_they_replaced(text):
    assert _has_lone_surrogate(text) == bool(OLD_LONE_SURROGATE.search(text))


def test_100kb_headers_and_messages_are_read_at_once():
    started = time.process_time()
    assert not looks_like_an_id("a" * SIZE)
    assert _without_client_address("Invalid request from ip=" + ":" * SIZE + "x") is None
    assert _without_client_address("Invalid request from ip=" + "a:" * SIZE + " x") == "x"
    assert _has_lone_surrogate("a" * SIZE + "\udc00")
    assert time.process_time() - started < 2.0
