"""`load_yaml` builds exactly what `yaml.load` with the safe loader builds, and `read_yaml`'s kept
parses read back as the files parse."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from model import datafiles
from model.datafiles import _LOADER, load_yaml, read_yaml

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


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_libyaml_and_the_pure_python_loader_read_every_data_file_alike(path):
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506


# -- parses kept beside the packaged data files (model/datafiles.py's docstring) ---------------


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A stand-in for model/data/: read_yaml keeps parses only of files under DATA_DIR."""
    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path.resolve())
    return tmp_path


def _kept(directory: Path) -> list[Path]:
    return sorted((directory / "__pycache__").glob(f"*{datafiles._CACHE_SUFFIX}"))


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_a_kept_parse_reads_back_as_the_file_parses(path):
    """Every packaged file, read through its kept parse, is what parsing it builds (types, key
    order and aliased nodes included)."""
    text = path.read_text(encoding="utf-8")
    parsed = load_yaml(text)
    kept = datafiles._kept_path(path.resolve(), text)
    datafiles._keep(kept, parsed)
    read = datafiles._read_kept(kept)
    assert read == parsed
    assert repr(read) == repr(parsed)
    assert read_yaml(path) == parsed


def test_aliased_nodes_stay_one_object_through_a_kept_parse(data_dir):
    source = data_dir / "aliases.yaml"
    source.write_text("list: &l [a, b]\nsame: *l\nm: &m {a: b}\nn: *m\n", encoding="utf-8")
    read_yaml(source)
    assert len(_kept(data_dir)) == 1
    loaded = read_yaml(source)
    assert loaded["list"] is loaded["same"]
    assert loaded["m"] is loaded["n"]


def test_an_edited_file_is_parsed_again_and_its_old_parse_removed(data_dir, monkeypatch):
    source = data_dir / "edited.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    assert read_yaml(source) == {"a": 1}
    first = _kept(data_dir)
    source.write_text("a: 2\n", encoding="utf-8")
    assert read_yaml(source) == {"a": 2}
    second = _kept(data_dir)
    assert len(first) == len(second) == 1 and first != second
    # Read back from the kept parse, not parsed again.
    monkeypatch.setattr(datafiles, "load_yaml", lambda text: pytest.fail("parsed again"))
    assert read_yaml(source) == {"a": 2}


def test_another_pyyaml_or_format_is_another_key(data_dir, monkeypatch):
    source = data_dir / "versions.yaml"
    source.write_text("a: b\n", encoding="utf-8")
    key = datafiles._kept_path(source, "a: b\n")
    monkeypatch.setattr(yaml, "__version__", "0.0.1")
    assert datafiles._kept_path(source, "a: b\n") != key
    monkeypatch.undo()
    monkeypatch.setattr(datafiles, "_CACHE_FORMAT", b"load_yaml 0")
    assert datafiles._kept_path(source, "a: b\n") != key


def test_a_damaged_parse_is_not_read(data_dir):
    source = data_dir / "damaged.yaml"
    source.write_text("a: [x, y]\n", encoding="utf-8")
    read_yaml(source)
    (kept,) = _kept(data_dir)
    stored = bytearray(kept.read_bytes())
    stored[-1] ^= 1
    kept.write_bytes(bytes(stored))
    assert read_yaml(source) == {"a": ["x", "y"]}
    kept.write_bytes(b"")
    assert read_yaml(source) == {"a": ["x", "y"]}


def test_what_marshal_cannot_hold_is_parsed_each_time(data_dir):
    source = data_dir / "dated.yaml"
    source.write_text("when: 2026-12-02\n", encoding="utf-8")
    assert read_yaml(source) == {"when": datetime.date(2026, 12, 2)}
    assert _kept(data_dir) == []


def test_an_unwritable_directory_still_reads(data_dir, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(datafiles.tempfile, "mkstemp", refuse)
    source = data_dir / "readonly.yaml"
    source.write_text("a: b\n", encoding="utf-8")
    assert read_yaml(source) == read_yaml(source) == {"a": "b"}
    assert _kept(data_dir) == []


def test_files_outside_the_data_directory_are_not_kept(tmp_path):
    source = tmp_path / "elsewhere.yaml"
    source.write_text("a: b\n", encoding="utf-8")
    assert read_yaml(source) == {"a": "b"}
    assert not (tmp_path / "__pycache__").exists()


# -- values derived from the data, kept the same way (kept_derived) -----------------------------


def test_a_derived_value_is_kept_and_read_back(data_dir):
    calls: list[int] = []

    def derive() -> tuple[bytes, frozenset[str]]:
        calls.append(1)
        return b"\x00automaton", frozenset({"stem", "stem cells"})

    first = datafiles.kept_derived("derived", (b"format 1", b"terms"), derive)
    again = datafiles.kept_derived("derived", (b"format 1", b"terms"), derive)
    assert first == again == (b"\x00automaton", frozenset({"stem", "stem cells"}))
    assert calls == [1]
    assert len(_kept(data_dir)) == 1


def test_a_derived_value_of_another_key_is_derived_again_and_replaces_the_old(data_dir):
    values = iter(["one", "two"])
    assert datafiles.kept_derived("derived", (b"a",), lambda: next(values)) == "one"
    first = _kept(data_dir)
    # Parts are length-prefixed: (b"a", b"") and (b"a",) are other keys than (b"a",) alone.
    assert datafiles.kept_derived("derived", (b"a", b""), lambda: next(values)) == "two"
    second = _kept(data_dir)
    assert len(first) == len(second) == 1 and first != second


def test_a_damaged_derived_value_is_derived_again(data_dir):
    datafiles.kept_derived("derived", (b"k",), lambda: [1, 2, 3])
    (kept,) = _kept(data_dir)
    stored = bytearray(kept.read_bytes())
    stored[-1] ^= 1
    kept.write_bytes(bytes(stored))
    assert datafiles.kept_derived("derived", (b"k",), lambda: [4]) == [4]


def test_an_unwritable_directory_derives_each_time(data_dir, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(datafiles.tempfile, "mkstemp", refuse)
    values = iter([1, 2])
    assert datafiles.kept_derived("derived", (b"k",), lambda: next(values)) == 1
    assert datafiles.kept_derived("derived", (b"k",), lambda: next(values)) == 2
    assert _kept(data_dir) == []


def test_kept_files_are_readable_by_other_users(data_dir):
    """The Docker build keeps them as root; the server reads them as another user."""
    source = data_dir / "shared.yaml"
    source.write_text("a: b\n", encoding="utf-8")
    read_yaml(source)
    datafiles.kept_derived("derived", (b"k",), lambda: [1])
    kept = _kept(data_dir)
    assert len(kept) == 2
    for path in kept:
        assert path.stat().st_mode & 0o777 == 0o644
