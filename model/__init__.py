"""The checker: rules, lexicons, classifier and knowledge base. Plain Python, no Flask."""

from __future__ import annotations

import gc
from functools import lru_cache
from pathlib import Path

from model.checker import Checker, UnknownExclusionError
from model.classifier import ArtifactError, load_classifier
from model.html_text import DEFAULT_MAX_DEPTH, HtmlTooDeepError
from model.knowledge_base import load_knowledge_base
from model.lexicons import load_lexicons
from model.memory import release_free_heap
from model.page import PageModel
from model.rules import load_rules

__all__ = [
    "ArtifactError",
    "Checker",
    "HtmlTooDeepError",
    "UnknownExclusionError",
    "load_checker",
    "shared_checker",
]


def load_checker(
    *,
    artifact_dir: Path | None = None,
    use_classifier: bool = True,
    max_html_depth: int = DEFAULT_MAX_DEPTH,
    page_model: PageModel | None = None,
) -> Checker:
    """Build a checker from the packaged data files and the committed classifier artifact.

    `artifact_dir` is a deployment setting (never a request field): joblib files are pickles.
    """
    # Loading allocates hundreds of thousands of objects and frees none of them: the cyclic
    # garbage collector's passes over them found nothing and took a sixth of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        classifier = load_classifier(artifact_dir) if use_classifier else None
        checker = Checker(
            load_lexicons(),
            load_rules(),
            load_knowledge_base(),
            classifier,
            page_model=page_model,
            max_html_depth=max_html_depth,
        )
    finally:
        if collecting:
            gc.enable()
    # What building freed goes back to the system (`model.memory`): a server's workers are
    # forked after this, and count every page kept here.
    release_free_heap()
    return checker


@lru_cache(maxsize=1)
def shared_checker() -> Checker:
    """One checker per process, for callers (CLI workers, tests) that want to share it."""
    return load_checker()
