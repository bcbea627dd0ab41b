"""Builds the open condition vocabulary, `model/data/conditions_open.yaml`, from ICD-10-CM.

    python -m training.condition_vocabulary          # rewrite the file
    python -m training.condition_vocabulary --check  # exit 1 if the file is not what a build gives

The curated lexicon (`model/data/conditions.yaml`) names what clinics advertise most; it stays the
authority for names, MeSH ids and synonyms. This adds the long tail: every category and
subcategory of the ICD-10-CM chapters that `training/data/terminology/selection.yaml` selects,
read through `simple-icd-10-cm` (a dev dependency: the checker reads only the built file).

For each code the build keeps its title and inclusion terms when they read as the name of a
condition (no "other", "unspecified", laterality, site or episode qualifiers, at most five
words, no stop term), plus the selection's lay names. A code is named after the Human Disease
Ontology entry its ICD-10-CM code is cross-referenced to (DO labels are plain lower-case names),
else after its own title; its `mesh` is that DO entry's MeSH descriptor, else null. A code whose
MeSH descriptor or one of whose terms belongs to a curated condition extends that condition
instead (`extends: true`): its terms become synonyms of the curated name. Two codes with the same
MeSH descriptor share one name. A term is kept once, for the first code that has it.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from model.normalise import fold_term

ROOT = Path(__file__).resolve().parent.parent
TERMINOLOGY = ROOT / "training" / "data" / "terminology"
CURATED_PATH = ROOT / "model" / "data" / "conditions.yaml"
OUTPUT_PATH = ROOT / "model" / "data" / "conditions_open.yaml"

MAX_WORDS = 5
# Words that make a title a classification device rather than a condition's name.
_QUALIFIERS = re.compile(
    r"\b(other|unspecified|specified|elsewhere|right|left|bilateral|unilateral|sequela|"
    r"encounter|initial|subsequent|site|sites|region|regions|multiple sites|following|"
    r"complicating|remission|due|with|without|except|nos|nec|and|or|personal|history|"
    r"status|screening|involvement|manifestations|classified)\b"
)
_ALLOWED = re.compile(r"^[a-z][a-z' \-]*[a-z]$")
# British spellings of the same words: clinics in the UK, Ireland, Australia and India write them.
_BRITISH = (
    ("ischemi", "ischaemi"),
    ("edema", "oedema"),
    ("anemi", "anaemi"),
    ("hemorrh", "haemorrh"),
    ("esophag", "oesophag"),
    ("orthopedic", "orthopaedic"),
    ("pediatric", "paediatric"),
    ("estrogen", "oestrogen"),
    ("leukemi", "leukaemi"),
    ("tumor", "tumour"),
    ("hematom", "haematom"),
    ("diarrhea", "diarrhoea"),
)


@dataclass
class Entry:
    code: str
    name: str
    group: str
    mesh: str | None
    terms: list[str] = field(default_factory=list)
    extends: bool = False
    label: str | None = None  # the name as the DO writes it, where it has capitals


def _tsv(path: Path) -> Iterator[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        for row in reader:
            yield tuple(cell.strip('"') for cell in row[:3])  # type: ignore[misc]


def disease_ontology(
    directory: Path = TERMINOLOGY / "doid",
) -> dict[str, list[tuple[str, str | None]]]:
    """ICD-10-CM code (dotted) -> its DO entries as (label as the DO writes it, MeSH descriptor id
    or None), the shortest label first (the most general entry: "hypertension" before "essential
    hypertension"); `build` prefers the one that is the code's own title."""
    mesh: dict[str, str] = {}
    for doid, _label, xrefs in _tsv(directory / "MESHinDO.tsv"):
        for xref in xrefs.split(","):
            if xref.strip().startswith("MESH:D"):
                mesh.setdefault(doid, xref.strip().removeprefix("MESH:"))
    by_code: dict[str, list[tuple[str, str]]] = {}
    for doid, label, xrefs in _tsv(directory / "ICD10inDO.tsv"):
        for xref in xrefs.split(","):
            if xref.strip().startswith("ICD10CM:"):
                code = xref.strip().removeprefix("ICD10CM:")
                by_code.setdefault(code, []).append((doid, label))
    return {
        code: [
            (label, mesh.get(doid))
            for doid, label in sorted(entries, key=lambda entry: (len(entry[1]), entry[1]))
        ]
        for code, entries in by_code.items()
    }


def ontology_entry(
    entries: list[tuple[str, str | None]], title: str | None
) -> tuple[str | None, str | None]:
    """The DO entry that names a code: the shortest, the most general ("hypertension" for
    "essential hypertension"), unless it is no part of the code's title and another entry is
    the title itself. Guillain-Barré syndrome's code (G61.0) also holds Miller Fisher
    syndrome, a variant whose shorter label named it (with that variant's MeSH id)."""
    if not entries:
        return None, None
    shortest = entries[0]
    if title is None or fold_term(shortest[0]) in title:
        return shortest
    return next((entry for entry in entries if fold_term(entry[0]) == title), shortest)


def clean_title(title: str, stop_terms: frozenset[str]) -> str | None:
    """A title or inclusion term as a lexicon term, or None where it is not a condition's name.
    Acronyms ("TIA") are left out: the lexicon matches abbreviations by case, and the curated
    file chooses which are safe."""
    if re.fullmatch(r"[A-Z0-9\-]+", title.strip()):
        return None
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", title.lower())
    text = re.sub(r",\s*(unspecified|not elsewhere classified|nos|nec)\b.*$", "", text)
    text = text.replace("\u2019", "'").replace("\u00f6", "o").replace("\u00e9", "e")
    text = " ".join(text.split()).strip(" ,.;:")
    if _QUALIFIERS.search(text) or not _ALLOWED.match(text) or text in stop_terms:
        return None
    folded = fold_term(text)
    return folded if 1 <= len(folded.split()) <= MAX_WORDS else None


def british(term: str) -> list[str]:
    """`term` and its British spelling where one differs."""
    variant = term
    for american, british_form in _BRITISH:
        variant = variant.replace(american, british_form)
    return [term] if variant == term else [term, variant]


def _code_key(code: str) -> tuple[str, str]:
    return (code[:3], code[3:])


def selected_codes(
    ranges: Iterable[dict[str, str]], exclude: Iterable[str], icd: Any
) -> Iterator[tuple[str, str]]:
    """(code, group) for every category and subcategory in the selected ranges and not under an
    excluded prefix, in code order."""
    chosen = [(r["first"], r["last"], r["group"]) for r in ranges]
    excluded = tuple(exclude)
    codes = sorted(
        (code for code in icd.get_all_codes(True) if icd.is_category_or_subcategory(code)),
        key=_code_key,
    )
    for code in codes:
        if code.startswith(excluded):
            continue
        for first, last, group in chosen:
            if first <= code[:3] <= last:
                yield code, group
                break


def build(icd: Any, selection: dict[str, Any], curated: dict[str, Any]) -> list[Entry]:
    stop_terms = frozenset(selection.get("stop_terms") or ())
    lay_names: dict[str, list[str]] = {
        str(code): list(names) for code, names in (selection.get("lay_names") or {}).items()
    }
    ontology = disease_ontology()
    curated_by_term: dict[str, str] = {}
    curated_by_mesh: dict[str, str] = {}
    for record in curated["conditions"]:
        for term in record["terms"]:
            curated_by_term[fold_term(term)] = record["name"]
        if record.get("mesh"):
            curated_by_mesh[record["mesh"]] = record["name"]

    taken: set[str] = set(curated_by_term)
    entries: dict[str, Entry] = {}  # by name, in the order first met
    for code, group in selected_codes(selection["ranges"], selection.get("exclude") or (), icd):
        candidates = [icd.get_description(code), *icd.get_inclusion_term(code)]
        # Lay names first: where no DO label names the code, the first lay name does.
        terms = [fold_term(name) for name in lay_names.pop(code, ())]
        terms += [t for t in (clean_title(c, stop_terms) for c in candidates) if t]
        code_entries = ontology.get(code, [])
        label, mesh = ontology_entry(code_entries, clean_title(candidates[0], stop_terms))
        # The shortest DO label stays a name of the code when another one names it.
        names = [label, code_entries[0][0]] if label and code_entries else []
        for name in dict.fromkeys(names):
            if clean_title(name, frozenset()):
                terms.append(fold_term(name))
        spelled = list(dict.fromkeys(v for term in terms for v in british(term)))
        curated_name = next(
            (curated_by_term[t] for t in spelled if t in curated_by_term), None
        ) or (curated_by_mesh.get(mesh) if mesh else None)
        fresh = [t for t in spelled if t not in taken]
        if not fresh:
            continue
        taken.update(fresh)
        written = None  # the name as the DO writes it, where that has capitals
        if curated_name:
            name, mesh, extends = curated_name, None, True
        else:
            named_by_label = label is not None and fold_term(label) in spelled
            name = label.lower() if label is not None and named_by_label else fresh[0]
            if label is not None and named_by_label and label != name:
                written = label
            extends = False
            twin = next((e for e in entries.values() if mesh and e.mesh == mesh), None)
            if twin is not None:
                name, written = twin.name, twin.label
        entry = entries.get(name)
        if entry is None:
            entry = entries[name] = Entry(code, name, group, mesh, extends=extends, label=written)
        entry.terms += fresh
    if lay_names:
        raise ValueError(f"lay names for codes outside the selection: {sorted(lay_names)}")
    return list(entries.values())


def render(entries: list[Entry], selection: dict[str, Any]) -> str:
    icd_version = metadata.version("simple-icd-10-cm")
    source = (TERMINOLOGY / "doid" / "SOURCE").read_text(encoding="utf-8").split()[0]
    header = (
        "# Open condition vocabulary: GENERATED by `python -m training.condition_vocabulary`;\n"
        "# edit training/data/terminology/selection.yaml (or the curated conditions.yaml), not\n"
        "# this file. ICD-10-CM April 2026 tabular list (public domain) read through\n"
        f"# simple-icd-10-cm {icd_version}; names and MeSH ids through the Human Disease\n"
        f"# Ontology (CC0), DOreports at commit {source}.\n"
        "# `extends: true`: the terms are synonyms of the curated condition of that name.\n"
    )
    records = []
    for entry in entries:
        record: dict[str, Any] = {"name": entry.name, "icd10cm": entry.code}
        if entry.label is not None:
            record["label"] = entry.label
        if entry.extends:
            record["extends"] = True
        else:
            record["mesh"] = entry.mesh
            record["group"] = entry.group
        record["terms"] = entry.terms
        records.append(record)
    body = yaml.safe_dump(
        {"version": selection["version"], "conditions": records},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return header + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    import simple_icd_10_cm as icd  # a dev dependency: only this build reads ICD-10-CM

    selection = yaml.safe_load((TERMINOLOGY / "selection.yaml").read_text(encoding="utf-8"))
    curated = yaml.safe_load(CURATED_PATH.read_text(encoding="utf-8"))
    text = render(build(icd, selection, curated), selection)
    if args.check:
        same = OUTPUT_PATH.exists() and OUTPUT_PATH.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUTPUT_PATH} differs from a build", file=sys.stderr)
        return 0 if same else 1
    OUTPUT_PATH.write_text(text, encoding="utf-8")
    entries = yaml.safe_load(text)["conditions"]
    terms = sum(len(e["terms"]) for e in entries)
    print(f"wrote {OUTPUT_PATH.name}: {len(entries)} entries, {terms} terms", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
