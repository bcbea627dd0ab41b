"""Builds `model/data/han_simplified.tsv`: traditional Chinese characters and their simplified form.

    python -m training.han_variants          # rewrite the file
    python -m training.han_variants --check  # exit 1 if the file is not what a build gives

Folding (`model.normalise`) reads every traditional character as its simplified one, so a
lexicon term written in either script matches a page written in the other, or in the mix that
a machine conversion leaves ("干細胞": the simplified form of its first character, the
traditional form of its second, which neither spelling of the word in the lexicons matches).
The table is OpenCC's character table (`TSCharacters.txt`, Apache-2.0), read through the
`opencc-python-reimplemented` package (a dev dependency: the checker reads only the built file).

Only one-for-one pairs are kept, so folding keeps one character for one and the offset map stays
exact: a traditional character whose first simplified form is one code point; OpenCC's other
candidates are left out (they are rarer readings). Characters that already read as themselves
(the table lists a few) are left out too.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata, resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_PATH = ROOT / "model" / "data" / "han_simplified.tsv"
PACKAGE = "opencc-python-reimplemented"


def opencc_pairs() -> list[tuple[str, str]]:
    """OpenCC's traditional -> simplified character pairs, one-for-one, in code point order."""
    table = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    pairs: dict[str, str] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        traditional, candidates = line.split("\t", 1)
        simplified = candidates.split()[0]
        if len(traditional) == 1 and len(simplified) == 1 and traditional != simplified:
            pairs[traditional] = simplified
    return sorted(pairs.items(), key=lambda pair: ord(pair[0]))


def build() -> str:
    header = (
        f"# Traditional Chinese character -> simplified, one for one. Built by "
        f"`python -m training.han_variants` from OpenCC's TSCharacters.txt ({PACKAGE} "
        f"{metadata.version(PACKAGE)}; OpenCC, https://github.com/BYVoid/OpenCC, Apache-2.0). "
        f"Do not edit.\n"
    )
    return header + "".join(f"{t}\t{s}\n" for t, s in opencc_pairs())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    built = build()
    if args.check:
        current = OUTPUT_PATH.read_text(encoding="utf-8") if OUTPUT_PATH.exists() else ""
        if current != built:
            print(f"{OUTPUT_PATH} is stale: run python -m training.han_variants", file=sys.stderr)
            return 1
        return 0
    OUTPUT_PATH.write_text(built, encoding="utf-8")
    print(f"wrote {OUTPUT_PATH} ({built.count(chr(10)) - 1} pairs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
