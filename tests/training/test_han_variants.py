"""The Han script table folding reads is OpenCC's, one character for one."""

from __future__ import annotations

import pytest

from training.han_variants import OUTPUT_PATH, main


def test_the_committed_table_is_what_the_build_gives() -> None:
    pytest.importorskip("opencc", reason="the build reads OpenCC's table from a dev package")
    assert main(["--check"]) == 0, "run: python -m training.han_variants"


def test_every_pair_is_one_character_for_one() -> None:
    lines = [
        line
        for line in OUTPUT_PATH.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    assert len(lines) > 2000
    for line in lines:
        traditional, simplified = line.split("\t")
        assert len(traditional) == 1 and len(simplified) == 1 and traditional != simplified
