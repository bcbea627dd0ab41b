"""No cache in `model/` keeps what a client sent (issue 15: no result caches; the service keeps
no text). A cache keyed by a page's text, however small, holds the last pages in memory after
their checks, and serves a repeated body faster than real traffic would be served."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import model
from model import Checker

WORDS = (
    "Our autologous stem cells (SVF) treat multiple sclerosis and lupus with no side effects. "
    "Patients stop their insulin. Call today, only $5,000! s t e m c e l l s and st3m c3lls."
).split()


def cached_functions() -> Iterator[tuple[str, Any]]:
    """Every functools cache at module level or on a class in model/."""
    for info in pkgutil.iter_modules(model.__path__, "model."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            candidates = [value] + (list(vars(value).values()) if isinstance(value, type) else [])
            for candidate in candidates:
                if hasattr(candidate, "cache_info") and hasattr(candidate, "cache_clear"):
                    yield f"{info.name}.{name}", candidate


def text_of(order: list[int]) -> str:
    return " ".join(WORDS[i] for i in order) * 20


def test_checking_a_new_text_adds_nothing_to_any_cache(checker: Checker) -> None:
    """Two texts of the same words in different orders: a cache keyed by characters or words
    (the same in both) does not grow on the second; one keyed by the text does."""
    caches = dict(cached_functions())
    assert caches  # the scan finds the caches model/ has (look-alike tables, vectorizers...)
    forward = list(range(len(WORDS)))
    checker.check(text_of(forward))
    checker.check(text_of(forward), format="html")
    before = {name: cache.cache_info().currsize for name, cache in caches.items()}
    checker.check(text_of(forward[::-1]))
    checker.check(text_of(forward[::-1]), format="html")
    after = {name: cache.cache_info().currsize for name, cache in caches.items()}
    grown = {name: (before[name], after[name]) for name in caches if after[name] > before[name]}
    assert grown == {}
