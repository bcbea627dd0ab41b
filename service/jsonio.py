"""JSON out, fast: orjson where it writes what the standard library would, else nothing.

A check response is ~140 KB of JSON (every flag carries its regulatory context and precedents);
the standard library takes ~0.7 ms to encode it, orjson ~0.03 ms. orjson writes the same JSON
(same keys in the same order, same numbers) as UTF-8 instead of `\\u` escapes. `fast_dumps`
returns None for what orjson refuses or would write differently, and the caller falls back to
the standard library (Flask's provider, or `redflags screen`'s own):

- strings holding lone surrogates (a batch item's echoed `id`, an unknown field's name, a CSV
  cell read with `surrogateescape`), which no UTF-8 encoder can write;
- dates, dataclasses and subclasses of built-in types (passed through to the fallback, so they
  are written as the fallback writes them), integers beyond 64 bits, anything else orjson
  cannot encode.

No Flask here: `redflags screen` workers import this module.
"""

from __future__ import annotations

from typing import Any

import orjson

# Non-string keys as the standard library writes them (`{0: ...}` -> `{"0": ...}`: marshmallow
# keys the messages of a list's items by index); see the module docstring for the rest.
_OPTIONS = (
    orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def fast_dumps(value: Any, *, newline: bool = False) -> bytes | None:
    """`value` as compact UTF-8 JSON (plus a newline if asked), or None when orjson cannot
    write it as the standard library would."""
    options = _OPTIONS | orjson.OPT_APPEND_NEWLINE if newline else _OPTIONS
    try:
        return orjson.dumps(value, option=options)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return None
