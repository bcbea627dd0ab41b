"""Scores the checker on real published pages (`make evaluate-real`).

`../shared/real_pages/` holds real clinic pages (label `violative`) and real pages that share
their vocabulary but sell nothing (label `ok`), with annotated claim quotes and traps. The
project never holds their text: only their ids (the split in `real_split.json`), and the
figures measured on them.

The pages are split once, by site and stratified by language and label, into a development part
(read, tuned on, used to fit the page model) and a part set aside. The set-aside part is scored
only with `--set-aside --look NAME`; every such look is appended to `real_looks.jsonl` with its
date and commit, so the README can say which figures were seen before which change.
`--sample FILE...` scores labelled pages kept outside the project instead (fresh samples drawn
from other sites, in the same format): the check of a change on pages nobody tuned on.
`--appended` (on the development part or a sample) counts instead how often one appended
sentence (`evaluation.appended`) takes a flagged violative page to low.

Figures (each with n and a 95% interval):
* page level: a page counts as flagged when `risk.level` is not low; precision, recall, F1 on
  all pages, and the false-alarm rate on informational pages;
* claim recall: annotated claims (all but `missing_disclosure`) with a flag whose evidence lies
  inside the claim's sentences; `broad_claims` and `missing_disclosure` flags do not count. The
  sentences are found by a rule independent of the checker's segmenter (line breaks and
  sentence-ending punctuation);
* flag precision: counted flags on clinic pages whose evidence lies inside some annotated claim
  (a lower bound: the annotations are not exhaustive);
* trap rate: traps on informational pages hit by a claim the checker found *before* judging the
  page, so a gate that hides everything does not score 0;
* pair recall: expected product x condition pairs among `unapproved_use` flags (an annotation
  that names the product or condition in the page's words is read as the answers name them:
  `canonical_pairs`).
* pair precision: of the pairs the answers state on violative pages with annotated pairs, the
  share that are annotated. A lower bound: the annotations list a page's main pairs, not every
  condition it sells for (reading the open vocabulary's pairs found them right where unlisted).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import random
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from evaluation.appended import ALL_SENTENCES, appended_figures
from evaluation.evaluate import product_condition_pairs

REAL_PAGES_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "real_pages"
SPLIT_PATH = Path(__file__).parent / "real_split.json"
LOOKS_PATH = Path(__file__).parent / "real_looks.jsonl"
PAGE_FILES = ("clinic_pages.jsonl", "informational_pages.jsonl")
SET_ASIDE_SHARE = 1 / 3
SPLIT_SEED = 20261202
UNCOUNTED_FLAG_CATEGORIES = frozenset({"broad_claims", "missing_disclosure"})
UNCOUNTED_CLAIM_CATEGORIES = frozenset({"missing_disclosure"})
# Second-level labels under which a registrable domain takes three labels (example.co.uk).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "or", "ne", "go"})
_SENTENCE_BREAK = re.compile(r"\n|[.!?\u3002\uff01\uff1f](?=[\s\"'\u201d\u2019)\]]|$)")


@dataclass(frozen=True)
class RealPage:
    id: str
    url: str
    lang: str
    label: str
    genre: str
    text: str
    format: str
    claims: tuple[dict[str, str], ...] = ()
    traps: tuple[dict[str, str], ...] = ()
    expected_pairs: tuple[tuple[str, str], ...] = ()
    borderline: bool = False

    @property
    def violative(self) -> bool:
        return self.label == "violative"

    @property
    def site(self) -> str:
        return site_of(self.url)


def site_of(url: str) -> str:
    """The registrable domain of `url` (www.news.example.co.uk -> example.co.uk)."""
    labels = (urlparse(url).hostname or "").lower().removeprefix("www.").split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def real_pages_available(directory: Path = REAL_PAGES_DIR) -> bool:
    return all((directory / name).is_file() for name in PAGE_FILES)


def load_real_pages(directory: Path = REAL_PAGES_DIR) -> list[RealPage]:
    return [page for name in PAGE_FILES for page in load_pages_file(directory / name)]


def load_pages_file(path: Path) -> list[RealPage]:
    """Pages in the shared set's format, one JSON object per line."""
    pages = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            pages.append(
                RealPage(
                    id=row["id"],
                    url=row["url"],
                    lang=row["lang"],
                    label=row["label"],
                    genre=row["genre"],
                    text=row["text"],
                    format=row.get("format", "text"),
                    claims=tuple(row.get("claims") or ()),
                    traps=tuple(row.get("traps") or ()),
                    expected_pairs=tuple(
                        (p["product"], p["condition"]) for p in row.get("expected_pairs") or ()
                    ),
                    borderline=bool(row.get("borderline")),
                )
            )
    return pages


def load_sample(paths: Iterable[Path], known_sites: set[str]) -> tuple[list[RealPage], int]:
    """A sample of real pages kept outside the project, in the shared set's format, without the
    pages of a site in `known_sites` (the page model learnt from those sites' pages) and without
    a page another file already gave (the same address). Samples drawn apart number their pages
    alike ("a001" in each): a page whose id an earlier file used for another page keeps it with
    "#2", "#3" ... appended, so that scoring several samples together loses none of them.
    Returns the pages and how many were left out."""
    pages: list[RealPage] = []
    addresses: set[str] = set()
    ids: set[str] = set()
    left_out = 0
    for path in paths:
        for page in load_pages_file(path):
            if page.site in known_sites or page.url in addresses:
                left_out += 1
                continue
            addresses.add(page.url)
            page_id, repeat = page.id, 1
            while page_id in ids:
                repeat += 1
                page_id = f"{page.id}#{repeat}"
            ids.add(page_id)
            pages.append(page if page_id == page.id else replace(page, id=page_id))
    return pages, left_out


# --- the split ---------------------------------------------------------------------------------


def make_split(pages: list[RealPage], seed: int = SPLIT_SEED) -> dict[str, list[str]]:
    """Sites, not pages, go to one part; within each (language, label) stratum about a third
    of the pages are set aside. A site's stratum is that of its first page."""
    sites: dict[str, list[RealPage]] = defaultdict(list)
    for page in pages:
        sites[page.site].append(page)
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for site, members in sites.items():
        strata[(members[0].lang, members[0].label)].append(site)
    rng = random.Random(seed)
    set_aside: list[str] = []
    for stratum in sorted(strata):
        names = sorted(strata[stratum])
        rng.shuffle(names)
        total = sum(len(sites[s]) for s in names)
        target = round(total * SET_ASIDE_SHARE)
        taken = 0
        for site in names:
            if taken >= target:
                break
            set_aside += [p.id for p in sites[site]]
            taken += len(sites[site])
    aside = set(set_aside)
    return {
        "development": sorted(p.id for p in pages if p.id not in aside),
        "set_aside": sorted(aside),
    }


def load_split(path: Path = SPLIT_PATH) -> dict[str, list[str]]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return {"development": data["development"], "set_aside": data["set_aside"]}


# --- figures -----------------------------------------------------------------------------------


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (0, 1 for n = 0)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def f1_of(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(1 for predicted, expected in pairs if predicted and expected)
    fp = sum(1 for predicted, expected in pairs if predicted and not expected)
    fn = sum(1 for predicted, expected in pairs if expected and not predicted)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def f1_interval(pairs: list[tuple[bool, bool]], rounds: int = 1000) -> tuple[float, float]:
    """A seeded percentile bootstrap interval of F1 over pages."""
    if not pairs:
        return 0.0, 1.0
    rng = random.Random(0)
    values = sorted(f1_of(rng.choices(pairs, k=len(pairs))) for _ in range(rounds))
    return values[int(0.025 * rounds)], values[int(0.975 * rounds) - 1]


@dataclass
class PageOutcome:
    page: RealPage
    flagged: bool
    kind: str | None
    claims_hit: int
    claims_counted: int
    flags_counted: int
    flags_on_claims: int
    traps_hit: int
    pairs_found: int
    pairs_stated: int = 0  # on a violative page with annotated pairs: the pairs its answer states
    pairs_stated_expected: int = 0  # ... of which annotated


def sentence_extent(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentences holding text[start:end]: out to the nearest line break or sentence end."""
    left = 0
    for match in _SENTENCE_BREAK.finditer(text, 0, start):
        left = match.end()
    following = _SENTENCE_BREAK.search(text, max(end - 1, start))
    right = following.end() if following else len(text)
    return left, max(right, end)


def quote_extents(text: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    extents = []
    for quote in quotes:
        position = text.find(quote)
        if position >= 0:
            extents.append(sentence_extent(text, position, position + len(quote)))
    return extents


def _inside(span: dict[str, int], extent: tuple[int, int]) -> bool:
    return extent[0] <= span["start"] and span["end"] <= extent[1]


def _flag_hits(flag: dict[str, Any], extent: tuple[int, int]) -> bool:
    return any(_inside(span, extent) for span in flag["evidence"])


ClaimFinder = Callable[[str, str], list[dict[str, Any]]]


def score_page(page: RealPage, body: dict[str, Any], claims_before: list[dict]) -> PageOutcome:
    text = body.get("extracted_text", page.text)
    counted = [f for f in body["flags"] if f["category"] not in UNCOUNTED_FLAG_CATEGORIES]
    claim_quotes = [
        c["quote"] for c in page.claims if c["category"] not in UNCOUNTED_CLAIM_CATEGORIES
    ]
    claim_extents = quote_extents(text, claim_quotes)
    trap_extents = quote_extents(text, [t["quote"] for t in page.traps])
    pre = [f for f in claims_before if f["category"] not in UNCOUNTED_FLAG_CATEGORIES]
    pairs = product_condition_pairs(body)
    return PageOutcome(
        page=page,
        flagged=body["risk"]["level"] != "low",
        kind=(body.get("page") or {}).get("kind"),
        claims_hit=sum(1 for e in claim_extents if any(_flag_hits(f, e) for f in counted)),
        claims_counted=len(claim_extents),
        flags_counted=len(counted) if page.violative else 0,
        flags_on_claims=(
            sum(1 for f in counted if any(_flag_hits(f, e) for e in claim_extents))
            if page.violative
            else 0
        ),
        traps_hit=sum(1 for e in trap_extents if any(_flag_hits(f, e) for f in pre)),
        pairs_found=sum(1 for pair in page.expected_pairs if pair in pairs),
        pairs_stated=len(pairs) if page.violative and page.expected_pairs else 0,
        pairs_stated_expected=(
            len(set(pairs) & set(page.expected_pairs))
            if page.violative and page.expected_pairs
            else 0
        ),
    )


@dataclass
class Figures:
    outcomes: list[PageOutcome] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        pairs = [(o.flagged, o.page.violative) for o in self.outcomes]
        ok = [o for o in self.outcomes if not o.page.violative]
        bad = [o for o in self.outcomes if o.page.violative]
        tp = sum(1 for o in bad if o.flagged)
        fp = sum(1 for o in ok if o.flagged)
        claims = sum(o.claims_counted for o in self.outcomes)
        claims_hit = sum(o.claims_hit for o in self.outcomes)
        flags = sum(o.flags_counted for o in self.outcomes)
        flags_on = sum(o.flags_on_claims for o in self.outcomes)
        traps = sum(len(o.page.traps) for o in ok)
        traps_hit = sum(o.traps_hit for o in ok)
        pairs_expected = sum(len(o.page.expected_pairs) for o in bad)
        pairs_found = sum(o.pairs_found for o in bad)
        pairs_stated = sum(o.pairs_stated for o in bad)
        pairs_stated_expected = sum(o.pairs_stated_expected for o in bad)
        return {
            "pages": len(self.outcomes),
            "violative": len(bad),
            "informational": len(ok),
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, len(bad)),
            "f1": round(f1_of(pairs), 3),
            "f1_interval": [round(v, 3) for v in f1_interval(pairs)],
            "false_alarm_rate": _ratio(fp, len(ok)),
            "claim_recall": _ratio(claims_hit, claims),
            "flag_precision": _ratio(flags_on, flags),
            "trap_rate": _ratio(traps_hit, traps),
            "pair_recall": _ratio(pairs_found, pairs_expected),
            "pair_precision": _ratio(pairs_stated_expected, pairs_stated),
        }


def _ratio(successes: int, n: int) -> dict[str, Any]:
    low, high = wilson(successes, n)
    value = successes / n if n else None
    return {
        "value": None if value is None else round(value, 3),
        "n": n,
        "interval": [round(low, 3), round(high, 3)],
    }


def canonical_conditions(pages: list[RealPage], lexicons: Any) -> list[RealPage]:
    """The pages with each expected pair's condition under the lexicon's canonical name: the
    annotations name a condition as the page does ("autism"), the checker by its lexicon entry
    ("autism spectrum disorder"). A name no entry holds is left as it is (and cannot match)."""
    canonical = set(lexicons.conditions)
    by_term = {
        phrase.text.lower(): phrase.key
        for phrase in lexicons.phrases
        if phrase.group == "condition" and phrase.key in canonical
    }

    def named(condition: str) -> str:
        return condition if condition in canonical else by_term.get(condition.lower(), condition)

    return [
        replace(page, expected_pairs=tuple((p, named(c)) for p, c in page.expected_pairs))
        for page in pages
    ]


def canonical_pairs(pages: list[RealPage], checker: Any) -> list[RealPage]:
    """The pages with each expected pair named as the checker's answers name it: the product by
    its SPEC id ("umbilical_cord"), the condition by its canonical name. The shared set's
    annotations give SPEC ids; samples drawn later name products as the page does ("bone marrow
    aspirate concentrate", "cellules souches de cordon"), and conditions in words no lexicon
    term equals ("knee OA"). A name that is neither is read by the checker's own lexicons: the
    longest product (condition) it mentions, when there is one (one condition, when there are
    several); otherwise it is left as it is, and cannot match."""
    pages = canonical_conditions(pages, checker.lexicons)
    product_ids = {product.id for product in checker.lexicons.products.values()}
    canonical = set(checker.lexicons.conditions)

    def longest_key(mentions: list[Any]) -> str | None:
        if not mentions:
            return None
        longest = max(m.end - m.start for m in mentions)
        keys = {m.key for m in mentions if m.end - m.start == longest}
        return keys.pop() if len(keys) == 1 else None

    def product_id(name: str) -> str:
        if name in product_ids:
            return name
        key = longest_key(list(checker.document(name).products))
        return name if key is None else str(checker.lexicons.products[key].id)

    def condition_name(name: str) -> str:
        if name in canonical:
            return name
        key = longest_key(list(checker.document(name).conditions))
        return name if key is None else key

    return [
        replace(
            page,
            expected_pairs=tuple(
                (product_id(p), condition_name(c)) for p, c in page.expected_pairs
            ),
        )
        for page in pages
    ]


def evaluate_pages(
    pages: list[RealPage],
    check: Callable[[RealPage], dict[str, Any]],
    claims_before: Callable[[RealPage], list[dict[str, Any]]],
) -> list[PageOutcome]:
    return [score_page(page, check(page), claims_before(page)) for page in pages]


def grouped(outcomes: list[PageOutcome], key: Callable[[RealPage], str]) -> dict[str, Figures]:
    groups: dict[str, Figures] = defaultdict(Figures)
    for outcome in outcomes:
        groups[key(outcome.page)].outcomes.append(outcome)
    return dict(sorted(groups.items()))


def report(outcomes: list[PageOutcome]) -> dict[str, Any]:
    def english(page: RealPage) -> str:
        return "en" if page.lang == "en" else "not en"

    return {
        "all": Figures(outcomes).as_dict(),
        "by_english": {k: v.as_dict() for k, v in grouped(outcomes, english).items()},
        "by_language": {k: v.as_dict() for k, v in grouped(outcomes, lambda p: p.lang).items()},
        "by_genre": {k: v.as_dict() for k, v in grouped(outcomes, lambda p: p.genre).items()},
    }


def _cell(ratio: dict[str, Any]) -> str:
    if ratio["value"] is None:
        return "–"
    low, high = ratio["interval"]
    return f"{ratio['value']:.3f} [{low:.2f}, {high:.2f}] n={ratio['n']}"


def markdown(figures: dict[str, Any]) -> str:
    lines = [
        "| pages | n | P | R | F1 [95% CI] | false alarms | claim recall | flag precision "
        "| trap rate | pair recall | pair precision |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]

    def row(name: str, f: dict[str, Any]) -> str:
        low, high = f["f1_interval"]
        return (
            f"| {name} | {f['pages']} ({f['violative']}/{f['informational']}) "
            f"| {_cell(f['precision'])} | {_cell(f['recall'])} "
            f"| {f['f1']:.3f} [{low:.2f}, {high:.2f}] | {_cell(f['false_alarm_rate'])} "
            f"| {_cell(f['claim_recall'])} | {_cell(f['flag_precision'])} "
            f"| {_cell(f['trap_rate'])} | {_cell(f['pair_recall'])} "
            f"| {_cell(f['pair_precision'])} |"
        )

    lines.append(row("all", figures["all"]))
    for name, f in figures["by_english"].items():
        lines.append(row(name, f))
    lines += ["", "By language:", "", *lines[:2]]
    lines += [row(k, v) for k, v in figures["by_language"].items()]
    lines += ["", "By genre:", "", *lines[:2]]
    lines += [row(k, v) for k, v in figures["by_genre"].items()]
    return "\n".join(lines)


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set-aside", action="store_true", help="score the set-aside part")
    parser.add_argument("--look", help="name of this look at the set-aside part (required)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", action="store_true", help="list pages judged wrongly")
    parser.add_argument("--make-split", action="store_true", help="(re)write real_split.json")
    parser.add_argument(
        "--appended",
        action="store_true",
        help="instead of scoring: append each robustness sentence (`evaluation.appended`) to "
        "each flagged violative page and count the pages it takes to low",
    )
    parser.add_argument(
        "--sample",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="score labelled pages kept outside the project instead (JSONL in the shared set's "
        "format); pages of the shared set's sites are left out; nothing is logged or written",
    )
    args = parser.parse_args(argv)
    if args.appended and (args.set_aside or args.make_split):
        parser.error("--appended reads the development part or a --sample, never the set-aside")
    if args.sample and args.appended:
        return _print_appended(load_sample(args.sample, _shared_sites())[0], args.json)
    if args.sample:
        return _score_sample(args.sample, args.json, args.misses)
    if not real_pages_available():
        print(f"skipped: no real pages at {REAL_PAGES_DIR} (a clone without ../shared)")
        return 0
    pages = load_real_pages()
    if args.make_split:
        split = make_split(pages)
        SPLIT_PATH.write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
        print(f"development {len(split['development'])}, set aside {len(split['set_aside'])}")
        return 0
    if args.set_aside and not args.look:
        parser.error("--set-aside needs --look NAME: every look at the set-aside part is logged")
    part = "set_aside" if args.set_aside else "development"
    wanted = set(load_split()[part])
    chosen = [p for p in pages if p.id in wanted]
    if args.appended:
        return _print_appended(chosen, args.json)

    outcomes = check_pages(chosen)
    figures = report(outcomes)
    if args.set_aside:
        entry = {
            "look": args.look,
            "date": datetime.date.today().isoformat(),
            "commit": _commit(),
            "figures": {"all": figures["all"], "by_english": figures["by_english"]},
        }
        with LOOKS_PATH.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
    print(json.dumps(figures, indent=1) if args.json else markdown(figures))
    print(f"\n{part}: {len(chosen)} pages", file=sys.stderr)
    if args.misses:
        _print_misses(outcomes)
    return 0


def _shared_sites() -> set[str]:
    """The sites of the shared set, whose pages a sample leaves out (none without ../shared)."""
    return {page.site for page in load_real_pages()} if real_pages_available() else set()


def _score_sample(paths: list[Path], as_json: bool, misses: bool) -> int:
    """`--sample`: a fresh sample of real pages (drawn from sites the project never learnt from)
    scored like the shared set, so a change can be measured on pages nobody tuned on. The
    sample's text stays where it is: third-party text is never kept in the project."""
    known = _shared_sites()
    pages, left_out = load_sample(paths, known)
    outcomes = check_pages(pages)
    figures = report(outcomes)
    print(json.dumps(figures, indent=1) if as_json else markdown(figures))
    shared = "" if known else " (../shared absent: no site left out for being in the shared set)"
    print(
        f"\nsample: {len(pages)} pages from {len(paths)} file(s), {left_out} left out{shared}",
        file=sys.stderr,
    )
    if misses:
        _print_misses(outcomes)
    return 0


def _print_appended(pages: list[RealPage], as_json: bool) -> int:
    """`--appended`: what one appended sentence does to the violative pages the checker flags,
    in English and in other languages (counts only)."""
    from model import load_checker

    checker = load_checker()

    def check(text: str, text_format: str) -> dict[str, Any]:
        return checker.check(text, format=text_format, explain=False)

    violative = [p for p in pages if p.violative]
    figures = {
        name: appended_figures(
            [(p.text, p.format) for p in violative if (p.lang == "en") == english], check
        ).as_dict()
        for name, english in (("en", True), ("not en", False))
    }
    if as_json:
        print(json.dumps(figures, indent=1))
        return 0
    names = list(ALL_SENTENCES)
    print("| sentence | " + " | ".join(f"{k}: to low / kind" for k in figures) + " |")
    print("| --- | " + " | ".join("---" for _ in figures) + " |")
    for name in names:
        cells = [f"{f['by_sentence'][name]['to_low']} / {f['by_sentence'][name]['kind']}"
                 for f in figures.values()]  # fmt: skip
        print(f"| {name} | " + " | ".join(cells) + " |")
    totals = [
        f"{f['to_low']} / {f['kind_changed']} of {f['cases']} ({f['flagged_pages']} pages)"
        for f in figures.values()
    ]
    print("| all | " + " | ".join(totals) + " |")
    return 0


def check_pages(pages: list[RealPage]) -> list[PageOutcome]:
    """Every page checked by the project's checker and scored."""
    from model import load_checker

    checker = load_checker()
    return evaluate_pages(
        canonical_pairs(pages, checker),
        lambda p: checker.check(p.text, format=p.format, explain=False),
        lambda p: checker.claims_before_judgement(p.text, format=p.format),
    )


def _print_misses(outcomes: list[PageOutcome]) -> None:
    for o in outcomes:
        if o.flagged != o.page.violative:
            print(f"{o.page.id} {o.page.lang} {o.page.genre}: kind={o.kind}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
