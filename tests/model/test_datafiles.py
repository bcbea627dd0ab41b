"""`load_yaml` builds exactly what `yaml.load` with the safe loader builds."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from model.datafiles import _LOADER, load_yaml

DATA_FILES = sorted((Path(__file__).parents[2] / "model" / "data").rglob("*.yaml"))
TRICKY = [
    "",
    "# only a comment\n",
    "plain",
    "[1, 2.5, true, null, '3', ~, 0x1f, 1_000, 1:30, .inf, yes, on, 2001-12-14]",
    "a: 1\nb: [x, {c: d}]\n'e': !!str 5\nf: !!int '7'\n",
    "base: &base {x: 1, y: two}\nmerged: {<<: *base, y: three}\nagain: *base\n",
    "? a\n: explicit key\n",
    "1: int key\nyes: bool key\nnull: null key\n",
    "when: 2026-12-02T13:47:30Z\nset: !!set {a, b}\nbin: !!binary aGVsbG8=\n",
    "omap: !!omap [a: 1, b: 2]\npairs: !!pairs [a: 1, a: 2]\n",
    "list: &l [1, 2]\nsame: *l\nnested: {inner: *l, 2: *l}\n",
    "dup: 1\ndup: 2\n",
    "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
]


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_data_file_loads_as_with_yaml_load(path):
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.load(text, Loader=_LOADER)  # noqa: S506


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_documents_load_as_with_yaml_load(text):
    expected = yaml.load(text, Loader=_LOADER)  # noqa: S506
    loaded = load_yaml(text)
    assert loaded == expected
    assert repr(loaded) == repr(expected)  # the same types, keys in the same order


def test_an_aliased_node_is_one_object():
    loaded = load_yaml(
        "list: &l [1, 2]\nsame: *l\nnested: {inner: *l, 2: *l}\nm: &m {a: b}\nn: *m\n"
    )
    assert loaded["list"] is loaded["same"] is loaded["nested"]["inner"] is loaded["nested"][2]
    assert loaded["m"] is loaded["n"]


def test_what_yaml_load_refuses_is_refused():
    for text in (
        "a: [unclosed",
        "--- 1\n--- 2\n",  # one document per file
        "!!python/object:os.system {}",
        "? [a, b]\n: a list as a key\n",
    ):
        with pytest.raises(yaml.YAMLError):
            yaml.load(text, Loader=_LOADER)  # noqa: S506
        with pytest.raises(yaml.YAMLError):
            load_yaml(text)
    assert isinstance(load_yaml("d: 2001-12-14")["d"], datetime.date)
