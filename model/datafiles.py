"""Reads the YAML data files (rules, lexicons, knowledge base)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# libyaml's parser when PyYAML has it: about ten times faster, which is most of start-up.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


def read_yaml(path: Path) -> Any:
    """Parse one data file with the safe loader (no Python objects, no tags)."""
    return load_yaml(path.read_text(encoding="utf-8"))


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
