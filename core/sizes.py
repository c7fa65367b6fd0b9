"""Square feet from the free-text size/weight field of order and catalog items.

The legacy shop typed sizes by hand for twenty years, so one column holds dimensions
(``8'9"x10'2"``, ``8x10``, ``8' x 10'``), pre-computed areas (``8x10=80'``, ``4'8R=68.48'``),
several sections (``8x10+4x5``), yardage (``44 yds.``), weights (``20 lb.``; sails as ``95#``),
prices (``$45 ea.``) and junk (``.``, ``na``, ``?``). These functions read the area of ONE item
(the line quantity multiplies it elsewhere) and say ``None`` whenever the text does not state an
area, rather than guessing. The rules follow the legacy analytics parser:

- an item whose size contains ``#`` is a sail and the number is its weight: no area;
- a ``=`` total typed by the office wins over the dimensions before it (they did the maths for
  radius cuts and odd shapes the dimensions alone cannot express);
- ``+`` joins sections of one item, whose areas add up;
- plain numbers are feet, ``'`` feet, ``"`` inches; ``R`` after a length is a radius (a round
  awning, pi r squared); three bare numbers ``18x18x4`` are a cushion measured in inches (no
  awning is four feet thick), read as its ``18x18`` face;
- ``~``/``approx`` (approximate) and ``ea.``/``each`` (per item) are noise around the area;
- yardage is read as square yards (9 sq ft each);
- an area above ``MAX_PLAUSIBLE_SQUARE_FEET`` is a data-entry error (``640x873``,
  ``=5123456'``) and gives ``None``; the legacy dashboard replaced such values by the mean of the
  others, which is an aggregation decision, so it is left to the reader of these values.
"""

from __future__ import annotations

import math
import re

# No awning or cover the shop has handled comes near this; above it the digits were mistyped.
MAX_PLAUSIBLE_SQUARE_FEET = 8000.0

_NUMBER = r"\d+(?:\.\d+)?|\.\d+"
# One length: 10'6", 10'6, 10', 6", 10 ft 6 in, 10.5 (bare numbers are feet). Inches need
# their mark unless a feet mark comes first, so 12" is never read as 1'2".
_INCH_MARK = r'(?:"|\'\'|in\.?|inch(?:es)?)'
_LENGTH = re.compile(
    rf"""^\s*(?:(?P<feet>{_NUMBER})\s*(?:'|ft\.?|feet|foot)\s*(?:(?P<inches>{_NUMBER})\s*{_INCH_MARK}?)?
         |(?P<only_inches>{_NUMBER})\s*{_INCH_MARK}
         |(?P<bare_feet>{_NUMBER}))\s*$""",
    re.VERBOSE,
)
_YARDS = re.compile(rf"^(?:sq\.?\s*)?(?P<n>{_NUMBER})\s*(?:sq\.?\s*)?(?:yds?|yards?)\.?$")
_SQUARE_FEET = re.compile(rf"^(?P<n>{_NUMBER})\s*(?:sq\.?\s*(?:ft|feet)\.?|sf|sqft|ft2)$")
_LEADING_NUMBER = re.compile(rf"^\s*(?P<n>{_NUMBER})")
_WEIGHT = re.compile(r"\d\s*(?:lbs?|pounds?|kg)\b")
_NOISE = re.compile(r"~|\bapprox(?:imately|\.)?|\bea\b\.?|\beach\b|\bsize\b:?")
_TIMES = re.compile(r"\s*(?:x|\*|×|\bby\b)\s*")
_TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "′": "'", "”": '"', "“": '"', "″": '"'})


def is_sail(text: str | None) -> bool:
    """True when the size is a sail weight: sails are sized by weight, written with '#' (e.g. 95#),
    so any size containing '#' is a sail's."""
    return bool(text) and "#" in text


def parse_square_feet(text: str | None) -> float | None:
    """Area of one item in square feet, rounded to 0.01; ``None`` when the text states none."""
    if text is None or is_sail(text):
        return None
    cleaned = _NOISE.sub(" ", text.translate(_TYPOGRAPHIC).lower().replace(",", "")).strip()
    if not cleaned or "$" in cleaned:
        return None
    area = _area_of_item(cleaned)
    if area is None or area <= 0 or area > MAX_PLAUSIBLE_SQUARE_FEET:
        return None
    return round(area, 2)


def _area_of_item(text: str) -> float | None:
    if text.count("=") == 1:
        dimensions, total = text.split("=")
        stated = _sum_sections(total, _stated_area)
        # "8x10=" (total left blank) still has usable dimensions.
        return stated if stated is not None else _sum_sections(dimensions, _area_of_section)
    # Several "=" mean each section carries its own total: "8x10=80' + 4x5=20'".
    return _sum_sections(text, _area_of_section)


def _sum_sections(text: str, area_of) -> float | None:
    areas = [area_of(section.strip()) for section in text.split("+") if section.strip()]
    if not areas or any(area is None for area in areas):
        return None
    return sum(areas)


def _stated_area(text: str) -> float | None:
    """The area after an ``=``: ``80'``, ``68.48'``, ``80 sq ft``; a leading number suffices."""
    match = _LEADING_NUMBER.match(text)
    return float(match["n"]) if match else None


def _area_of_section(text: str) -> float | None:
    if "=" in text:
        return _stated_area(text.split("=")[-1])
    if _WEIGHT.search(text):
        return None
    if match := _YARDS.match(text):
        return float(match["n"]) * 9
    if match := _SQUARE_FEET.match(text):
        return float(match["n"])
    if text.endswith("r"):
        radius = _feet(text[:-1])
        return math.pi * radius * radius if radius is not None else None
    lengths = [_feet(part) for part in _TIMES.split(text)]
    if len(lengths) not in (2, 3) or any(length is None for length in lengths):
        return None
    if len(lengths) == 3 and not re.search(r"['\"]|ft|in", text):
        return lengths[0] * lengths[1] / 144
    return lengths[0] * lengths[1]


def _feet(text: str) -> float | None:
    match = _LENGTH.match(text)
    if not match:
        return None
    if match["only_inches"]:
        return float(match["only_inches"]) / 12
    if match["bare_feet"]:
        return float(match["bare_feet"])
    return float(match["feet"]) + float(match["inches"] or 0) / 12
