"""Offset conversion between Python code points and JavaScript (UTF-16) string indices."""

from __future__ import annotations

import numpy as np

from model.characters import code_points


class Utf16Offsets:
    """Converts code-point offsets of one text to UTF-16 code-unit offsets."""

    def __init__(self, text: str) -> None:
        codes = code_points(text)
        astral = (codes > 0xFFFF).astype(np.int64)
        # prefix[i] = number of astral characters before code point i
        self._prefix = np.concatenate(([0], np.cumsum(astral)))
        self._has_astral = bool(self._prefix[-1])

    def __call__(self, offset: int) -> int:
        if not self._has_astral:
            return offset
        return offset + int(self._prefix[offset])


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
