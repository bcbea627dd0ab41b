"""What one appended sentence does to a page the checker flags (issue 12's robustness check).

The sentences are written for the project: the ones that used to defeat the old gate, an ad's
own fine print, and one informing sentence per genre of the real pages.
`tests/model/test_page_robustness.py` appends them to the written sets' violative ads and bounds
what changes; `python -m evaluation.real_pages --appended` does the same to real pages, which
are shorter on offer cues than written ads, and prints the counts (never text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

GATE_DEFEATERS = {
    "free consultation": "Your first consultation is free of charge.",
    "scientists confirm": "Our scientists confirm that every step follows our written process.",
    "fda disclaimer": "These statements have not been evaluated by the FDA.",
    "denied cure": "We do not claim that stem cells cure multiple sclerosis.",
}
GENRE_SENTENCES = {
    "news": "A reporter from the city paper visited the clinic last spring, the editors said.",
    "abstract": "In a randomized trial of 48 participants, the primary outcome was measured at "
    "12 months.",
    "registry": "Recruitment status: recruiting; estimated enrollment: 60 participants.",
    "skeptic blog": "Critics say such clinics sell hope rather than evidence.",
    "banking": "Families can store their baby's cord blood for use in a future transplant.",
    "advocacy": "The patient society publishes a guide to questions worth asking any provider.",
    "hospital transplant": "Bone marrow transplants are standard care for some leukemias.",
    "law firm": "Attorneys at the firm represent patients harmed by unapproved procedures.",
    "approved product": "The approved product is indicated for certain blood cancers in adults.",
    "agency consumer page": "The agency advises consumers to ask whether a product is approved.",
    "encyclopedia": "Stem cells are cells that can divide and develop into other cell types.",
    "forum": "Has anyone here tried this? I would love to hear your experience.",
    "insurance policy": "The insurer considers these injections experimental and will not pay.",
    "job ad": "We are hiring a laboratory technician with two years of experience.",
    "course catalogue": "The course introduces students to the biology of tissue repair.",
    "veterinary": "Our practice also treats dogs and horses.",
    "cosmetic": "The serum contains an extract of apple stem cells.",
}
# An ad's own fine print. One such line does not cure an ad's claims, and the page model reads a
# disclaimer from its second sentence on (`model.page_features.STANCE_SOURCES`).
FINE_PRINT = {
    "results vary": "Outcomes differ from one person to another.",
    "not approved": "This therapy is not FDA approved for any of the conditions named here.",
    "experimental": "Please note that cell therapy remains an experimental treatment.",
}
ALL_SENTENCES = {**GATE_DEFEATERS, **FINE_PRINT, **GENRE_SENTENCES}


def appended(text: str, text_format: str, sentence: str) -> str:
    """The page with `sentence` at its end (inside `<body>` for html)."""
    if text_format == "html" and "</body>" in text:
        return text.replace("</body>", f"<p>{sentence}</p></body>", 1)
    return f"{text.rstrip()}\n{sentence}"


@dataclass
class AppendedFigures:
    """Of the flagged pages, how many each sentence took to low, or changed the kind of."""

    pages: int = 0
    to_low: dict[str, int] = field(default_factory=dict)
    kind_changed: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        cases = self.pages * len(ALL_SENTENCES)
        return {
            "flagged_pages": self.pages,
            "cases": cases,
            "to_low": sum(self.to_low.values()),
            "kind_changed": sum(self.kind_changed.values()),
            "by_sentence": {
                name: {"to_low": self.to_low.get(name, 0), "kind": self.kind_changed.get(name, 0)}
                for name in ALL_SENTENCES
            },
        }


def appended_figures(
    pages: Iterable[tuple[str, str]], check: Callable[[str, str], dict[str, Any]]
) -> AppendedFigures:
    """For each (text, format) page that `check` flags, each sentence appended once."""
    figures = AppendedFigures()
    for text, text_format in pages:
        before = check(text, text_format)
        if before["risk"]["level"] == "low":
            continue
        figures.pages += 1
        for name, sentence in ALL_SENTENCES.items():
            after = check(appended(text, text_format, sentence), text_format)
            if after["risk"]["level"] == "low":
                figures.to_low[name] = figures.to_low.get(name, 0) + 1
            elif after["page"]["kind"] != before["page"]["kind"]:
                figures.kind_changed[name] = figures.kind_changed.get(name, 0) + 1
    return figures
