"""What one CSS declaration does to the visibility of the text it applies to, and the text a
`content` value inserts.

Each predicate reads a value written by the page (lower-cased) and answers for a 1280 px wide
screen with a 16 px root font; no value is parsed with a pattern that can backtrack.
"""

from __future__ import annotations

from model.css import Declaration

# Where text stops being seen.
OFF_SCREEN_PX = -1000.0  # left/top/text-indent/translate at or beyond this: off the page
SMALLEST_FONT_PX = 1.0  # below this the glyphs are not drawn at a readable size
FAINTEST_OPACITY = 0.1  # below this the text is practically transparent
ROOT_FONT_PX = 16.0
VIEWPORT_PX = 1280.0

ABSOLUTE_UNITS = {
    "px": 1.0,
    "pt": 4 / 3,
    "pc": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "q": 96 / 101.6,
}
FONT_RELATIVE_UNITS = {"em": 1.0, "rem": 1.0, "ex": 0.5, "ch": 0.5, "cap": 0.7, "lh": 1.2}
VIEWPORT_UNITS = ("vw", "vh", "vmin", "vmax", "svw", "svh", "lvw", "lvh", "dvw", "dvh")
FONT_SIZE_KEYWORDS = frozenset(
    {"xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large", "xxx-large"}
)
POSITIONED = frozenset({"absolute", "fixed", "relative", "sticky"})
# Values computed at run time: their outcome cannot be decided from the page alone.
RUN_TIME_FUNCTIONS = ("var(", "calc(", "env(", "attr(", "min(", "max(", "clamp(")

# The properties that decide whether an element's text is seen, and the declarations that stand
# for "the value may be anything" when a value cannot be decided.
VISIBILITY_PROPERTIES = frozenset(
    {
        "display",
        "visibility",
        "content-visibility",
        "opacity",
        "font-size",
        "position",
        "left",
        "top",
        "text-indent",
        "clip",
        "clip-path",
        "transform",
    }
)
# Properties that decide the order text is drawn in: `direction` with `unicode-bidi:
# bidi-override` draws the element's letters right to left (see `model.visibility.Verdict`).
BIDI_PROPERTIES = frozenset({"direction", "unicode-bidi"})
HIDING_STAND_IN = {
    "display": "none",
    "visibility": "hidden",
    "content-visibility": "hidden",
    "opacity": "0",
    "font-size": "0",
    "position": "absolute",
    "left": "-9999px",
    "top": "-9999px",
    "text-indent": "-9999px",
    "clip": "rect(0 0 0 0)",
    "clip-path": "inset(50%)",
    "transform": "scale(0)",
}
SHOWING_STAND_IN = {
    "display": "inline",
    "visibility": "visible",
    "content-visibility": "visible",
    "opacity": "1",
    "font-size": "16px",
    "position": "static",
    "left": "0",
    "top": "0",
    "text-indent": "0",
    "clip": "auto",
    "clip-path": "none",
    "transform": "none",
}


def number_and_unit(token: str) -> tuple[float, str] | None:
    """`-9999px` -> (-9999.0, "px"); `0` -> (0.0, ""); not a number -> None."""
    end = 0
    if token[:1] in "+-":
        end = 1
    digits_start = end
    while end < len(token) and (token[end].isdigit() or token[end] == "."):
        end += 1
    if end == digits_start or token[digits_start:end].count(".") > 1:
        return None
    number_text, unit = token[:end], token[end:]
    if unit[:1] == "e" and unit[1:].lstrip("+-").isdigit():
        number_text, unit = token, ""
    try:
        number = float(number_text)
    except ValueError:
        return None
    if unit and not unit.isalpha() and unit != "%":
        return None
    return number, unit


def length_px(token: str, percent_of: float | None = None) -> float | None:
    """A length in CSS pixels, or None when it is not one (or relative to an unknown box)."""
    parsed = number_and_unit(token)
    if parsed is None:
        return None
    number, unit = parsed
    if not unit:
        return 0.0 if number == 0 else None
    if unit in ABSOLUTE_UNITS:
        return number * ABSOLUTE_UNITS[unit]
    if unit in FONT_RELATIVE_UNITS:
        return number * FONT_RELATIVE_UNITS[unit] * ROOT_FONT_PX
    if unit in VIEWPORT_UNITS:
        return number * VIEWPORT_PX / 100
    if unit == "%" and percent_of is not None:
        return number * percent_of / 100
    return None


def is_run_time(value: str) -> bool:
    lowered = value.lower()
    return any(function in lowered for function in RUN_TIME_FUNCTIONS)


def is_off_screen(value: str) -> bool:
    """`left`, `top` or `text-indent` far enough negative to put text off the page."""
    offset = length_px(value.lower().split(" ", 1)[0], percent_of=VIEWPORT_PX)
    return offset is not None and offset <= OFF_SCREEN_PX


def font_size_effect(value: str) -> str:
    """ "zero" (text not drawn), "relative" (scales the inherited size), or "absolute"."""
    value = value.lower()
    if value in FONT_SIZE_KEYWORDS:
        return "absolute"
    if value in ("smaller", "larger", "inherit", "unset", "revert", "revert-layer"):
        return "relative"
    if value == "initial":
        return "absolute"
    parsed = number_and_unit(value)
    if parsed is None:
        return "absolute"  # an unknown value is ignored by the browser: the size stays
    number, unit = parsed
    if number <= 0:
        return "zero"
    if unit in ("em", "%", "ex", "ch", "cap", "lh"):
        factor = number / 100 if unit == "%" else number * FONT_RELATIVE_UNITS.get(unit, 1.0)
        return "zero" if factor * ROOT_FONT_PX < SMALLEST_FONT_PX else "relative"
    size = length_px(value)
    if size is not None and size < SMALLEST_FONT_PX:
        return "zero"
    return "absolute"


def font_size_of_shorthand(value: str) -> str | None:
    """The font size inside a `font` shorthand (`font: 0/0 a` hides text), if any."""
    for token in value.lower().split():
        size = token.split("/", 1)[0]
        if size in FONT_SIZE_KEYWORDS or size in ("smaller", "larger"):
            return size
        parsed = number_and_unit(size)
        if parsed is not None and (parsed[1] or parsed[0] == 0):
            return size
    return None


def is_transparent(value: str) -> bool:
    parsed = number_and_unit(value.lower())
    if parsed is None:
        return False
    number, unit = parsed
    return (number / 100 if unit == "%" else number) < FAINTEST_OPACITY


def _arguments(value: str, function: str) -> list[str] | None:
    start = value.find(function + "(")
    if start < 0:
        return None
    end = value.find(")", start)
    inside = value[start + len(function) + 1 : len(value) if end < 0 else end]
    return inside.replace(",", " ").split()


def is_clipped_away(value: str) -> bool:
    """`clip: rect(...)` that leaves at most a pixel (the "visually hidden" pattern)."""
    edges = _arguments(value.lower(), "rect")
    if edges is None or len(edges) != 4:
        return False
    top, right, bottom, left = (length_px(edge) if edge != "auto" else None for edge in edges)
    narrow = right is not None and (left or 0.0) >= right - 1
    flat = bottom is not None and (top or 0.0) >= bottom - 1
    return narrow or flat


def is_clip_path_empty(value: str) -> bool:
    """`clip-path: inset(50%)`, `circle(0)`, `ellipse(0 0)`: nothing of the box is painted."""
    value = value.lower()
    for function in ("circle", "ellipse"):
        radii = _arguments(value, function)
        if radii is not None:
            return bool(radii) and length_px(radii[0]) == 0.0
    arguments = _arguments(value, "inset")
    if not arguments:
        return False
    insets = arguments[: arguments.index("round")] if "round" in arguments else arguments
    percents = []
    for inset in insets[:4]:
        size = number_and_unit(inset)
        percents.append(size[0] if size is not None and size[1] == "%" else 0.0)
    if not percents:
        return False
    top = percents[0]
    right = percents[1] if len(percents) > 1 else top
    bottom = percents[2] if len(percents) > 2 else top
    left = percents[3] if len(percents) > 3 else right
    return top + bottom >= 100 or left + right >= 100


def is_transformed_away(value: str) -> bool:
    """`transform: scale(0)` or a translation off the page."""
    value = value.lower()
    for function in ("scale", "scalex", "scaley", "scale3d"):
        factors = _arguments(value, function)
        if factors and any(number_and_unit(factor) == (0.0, "") for factor in factors[:2]):
            return True
    for function in ("translate", "translatex", "translatey", "translate3d"):
        offsets = _arguments(value, function)
        if offsets and any(is_off_screen(offset) for offset in offsets[:2]):
            return True
    return False


def normalise(declaration: Declaration) -> Declaration | None:
    """The declaration as one of `VISIBILITY_PROPERTIES`, `BIDI_PROPERTIES` (or `content`), or
    None."""
    name = declaration.name
    if name == "font":
        size = font_size_of_shorthand(declaration.value)
        return None if size is None else Declaration("font-size", size, declaration.important)
    if name in VISIBILITY_PROPERTIES or name in BIDI_PROPERTIES or name == "content":
        return declaration
    return None


def content_text(value: str, attributes: dict[str, str | None]) -> str:
    """The text a `content` value inserts: its strings and `attr()` values, in order."""
    pieces: list[str] = []
    position = 0
    while position < len(value):
        char = value[position]
        if char in "\"'":
            text, position = _css_string(value, position)
            pieces.append(text)
        elif value.startswith("attr(", position):
            end = value.find(")", position)
            end = len(value) if end < 0 else end
            name = value[position + 5 : end].strip().split(" ", 1)[0].lower()
            pieces.append(attributes.get(name) or "")
            position = end + 1
        else:
            position += 1
    return "".join(pieces)


def _css_string(value: str, start: int) -> tuple[str, int]:
    quote = value[start]
    chars: list[str] = []
    position = start + 1
    while position < len(value):
        char = value[position]
        if char == quote:
            return "".join(chars), position + 1
        if char == "\\" and position + 1 < len(value):
            digits = 0
            while digits < 6 and position + 1 + digits < len(value):
                if value[position + 1 + digits] not in "0123456789abcdefABCDEF":
                    break
                digits += 1
            if digits:
                code = int(value[position + 1 : position + 1 + digits], 16)
                valid = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
                chars.append(chr(code) if valid else "\ufffd")
                position += 1 + digits
                if position < len(value) and value[position] == " ":
                    position += 1
                continue
            chars.append(value[position + 1])
            position += 2
            continue
        chars.append(char)
        position += 1
    return "".join(chars), position
