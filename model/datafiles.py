"""Reads the YAML data files (rules, lexicons, knowledge base).

Parsing the packaged files (`model/data/`, 800 KB of YAML) took about a seventh of start-up,
even with libyaml. What a packaged file parses to is therefore kept beside it, as Python keeps
bytecode beside a module: `model/data/**/__pycache__/<name>.<key>.marshal`, written on the first
read and read back with `marshal` (a fiftieth of the parse). The key is a SHA-256 of the file's
text, of PyYAML's version, of this interpreter's bytecode magic number (the marshal format) and
of `_CACHE_FORMAT`, so an edited file, another PyYAML or Python, or a change to what
`load_yaml` builds is never answered from an old parse: it is parsed again and the other keys'
files of that data file are removed. The file's payload is checked against a SHA-256 it carries
before it is read. Where the directory cannot be written (an installed package owned by another
user), every start parses the YAML, as it always did. Files outside `model/data/` (tests, a
knowledge base given by path) are parsed each time and nothing is written beside them.

`kept_derived` keeps other values derived from the data the same way (the phrase matcher's
index, automata and vocabulary, the rules' expanded patterns, the classifier's term indexes),
under a key of this package's source and of whatever else its caller names.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable, Iterable
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# libyaml's parser when PyYAML has it: about ten times faster, which is most of start-up.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


DATA_DIR = Path(__file__).resolve().parent / "data"
# Change when what `load_yaml` builds from the same text changes: every kept parse is then stale.
_CACHE_FORMAT = b"load_yaml 1"
_CACHE_SUFFIX = ".marshal"
_DIGEST_SIZE = 32


def read_yaml(path: Path) -> Any:
    """Parse one data file with the safe loader (no Python objects, no tags); a file of
    `model/data/` is parsed once per version of its text (see the module's docstring)."""
    text = path.read_text(encoding="utf-8")
    resolved = path.resolve()
    if not resolved.is_relative_to(DATA_DIR):
        return load_yaml(text)
    kept = _kept_path(resolved, text)
    try:
        return _read_kept(kept)
    except (OSError, ValueError, EOFError, TypeError):
        pass  # not written yet, unreadable or damaged: parse
    data = load_yaml(text)
    _keep(kept, data)
    return data


def kept_derived(name: str, key_parts: Iterable[bytes], derive: Callable[[], Any]) -> Any:
    """What `derive()` returns, kept in `model/data/__pycache__/<name>.<key>.marshal` and read
    back on later calls with the same key (checked as a kept parse is); derived again, and the
    file rewritten, when it is missing, damaged or of another key. The key is a SHA-256 of this
    interpreter's bytecode magic number, of this package's source (`model_source_digest`: the
    code that derives the value, so an edit to it derives the value again) and of `key_parts`,
    which must name everything else the value depends on. Where the directory cannot be
    written, `derive` runs on every call."""
    digest = hashlib.sha256()
    for part in (MAGIC_NUMBER, model_source_digest(), *key_parts):
        digest.update(len(part).to_bytes(8, "big") + part)
    kept = DATA_DIR / "__pycache__" / f"{name}.{digest.hexdigest()[:32]}{_CACHE_SUFFIX}"
    try:
        return _read_kept(kept)
    except (OSError, ValueError, EOFError, TypeError):
        pass  # not written yet, unreadable or damaged: derive
    value = derive()
    _keep(kept, value)
    return value


# An array as plain values `marshal` can keep (in a `kept_derived` value): dtype, shape, bytes.
ArrayState = tuple[str, tuple[int, ...], bytes]


def array_state(array: np.ndarray) -> ArrayState:
    return array.dtype.str, array.shape, array.tobytes()


def array_from_state(state: ArrayState) -> np.ndarray:
    """The array `array_state` describes (read-only: it reads the kept bytes in place)."""
    dtype, shape, data = state
    return np.frombuffer(data, dtype=np.dtype(dtype)).reshape(shape)


@functools.cache
def model_source_digest() -> bytes:
    """A SHA-256 of the `model` package's Python source and of the tables folding reads
    (`data/*.tsv`), read once per process."""
    package = Path(__file__).resolve().parent
    return files_digest(package, sorted([*package.rglob("*.py"), *package.glob("data/*.tsv")]))


def files_digest(root: Path, paths: Iterable[Path]) -> bytes:
    """A SHA-256 of the files at `paths`, in that order: each one's name relative to `root` and
    its bytes."""
    digest = hashlib.sha256()
    for path in paths:
        name = path.relative_to(root).as_posix().encode()
        data = path.read_bytes()
        digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big") + data)
    return digest.digest()


def _kept_path(path: Path, text: str) -> Path:
    digest = hashlib.sha256()
    for part in (_CACHE_FORMAT, yaml.__version__.encode(), MAGIC_NUMBER):
        digest.update(len(part).to_bytes(4, "big") + part)
    digest.update(text.encode("utf-8", "surrogatepass"))
    return path.parent / "__pycache__" / f"{path.stem}.{digest.hexdigest()[:32]}{_CACHE_SUFFIX}"


def _read_kept(kept: Path) -> Any:
    stored = kept.read_bytes()
    payload = memoryview(stored)[_DIGEST_SIZE:]
    if hashlib.sha256(payload).digest() != stored[:_DIGEST_SIZE]:
        raise ValueError(f"{kept.name}: damaged")
    return marshal.loads(payload)


def _keep(kept: Path, data: Any) -> None:
    """Write `data`'s parse beside its file, if marshal can hold it exactly (it holds the types
    YAML's safe loader builds but dates and sets of other types) and the directory can be
    written; remove the file's parses kept under other keys."""
    try:
        payload = marshal.dumps(data)
    except ValueError:  # e.g. a date: parse this file each time
        return
    try:
        kept.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=kept.parent, prefix=kept.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                # Readable by all, as the package's own files are: mkstemp makes it 0600, and
                # the Docker image writes it as root for a server running as another user.
                os.fchmod(out.fileno(), 0o644)
                out.write(hashlib.sha256(payload).digest() + payload)
            os.replace(temporary, kept)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        stem, key = kept.name.removesuffix(_CACHE_SUFFIX).rsplit(".", 1)
        for other in kept.parent.glob(f"{stem}.*{_CACHE_SUFFIX}"):
            other_key = other.name[len(stem) + 1 : -len(_CACHE_SUFFIX)]
            if other_key != key and len(other_key) == len(key) and "." not in other_key:
                other.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only installation: parse each time


def load_yaml(text: str) -> Any:
    """`yaml.load(text, Loader=_LOADER)`, in less time: the strings, lists and maps with string
    keys that make up our files are built here in one pass over the parsed nodes, any other node
    by the loader's own constructor (PyYAML's is pure Python: a third of the loading time).
    Both share the loader's table of built nodes, so an aliased node is one object, as with
    `yaml.load`."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(node, loader.constructed_objects, loader)
    finally:
        loader.dispose()


def _build(node: Node, built: dict[Node, Any], loader: Any) -> Any:
    if node in built:
        return built[node]
    kind, tag = type(node), node.tag
    if kind is ScalarNode and tag == _STR:
        return node.value
    if kind is SequenceNode and tag == _SEQ:
        items: list[Any] = []
        built[node] = items
        items.extend([_build(item, built, loader) for item in node.value])
        return items
    if (
        kind is MappingNode
        and tag == _MAP
        and all(type(key) is ScalarNode and key.tag == _STR for key, _ in node.value)
    ):
        mapping: dict[str, Any] = {}
        built[node] = mapping
        for key, value in node.value:
            mapping[key.value] = _build(value, built, loader)
        return mapping
    return loader.construct_object(node, deep=True)
