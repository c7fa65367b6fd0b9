import math

import pytest

from core.sizes import MAX_PLAUSIBLE_SQUARE_FEET, is_sail, parse_square_feet

# The size strings the legacy data really contains, with the area of one item each should give.
LEGACY_AREAS = [
    ("8'9\"x10'2\"", 88.96),  # (8 + 9/12) * (10 + 2/12)
    ("10'6\"x8'3\"", 86.62),
    ("3'0\"x4'11\"", 14.75),
    ("8x10", 80.0),
    ("8' x 10'", 80.0),
    ("12'6\" x 9'", 112.5),
    ("8x10=80'", 80.0),
    ("7x9=63'", 63.0),
    # The typed total wins over the dimensions, even when the office rounded it.
    ("4'8R=68.48'", 68.48),
    ("=118.26'", 118.26),
    ("44 yds.", 396.0),
    ("3 yds", 27.0),
    ("18x18x4", 2.25),  # cushion in inches
    ("60x24x3", 10.0),
]

MODERN_AREAS = [
    ("8x10+4x5", 100.0),
    ("8x10 + 4'6\"x2'", 89.0),
    ("8x10+4x5=100'", 100.0),
    ("8x10=80' + 4x5=20'", 100.0),
    ("~8x10", 80.0),
    ("approx. 10 x 12", 120.0),
    ("8x10 ea.", 80.0),
    ("8x10 each", 80.0),
    ("8 X 10", 80.0),
    ("8’x10’", 80.0),  # typographic apostrophes from a phone keyboard
    ("6\"x12\"", 0.5),
    ("10.5x4", 42.0),
    ("80 sq ft", 80.0),
    ("1,200 sq ft", 1200.0),
    ("8x10=", 80.0),
]

NO_AREA = [
    None,
    "",
    "   ",
    # junk
    ".",
    "na",
    "*",
    "?",
    "N/A",
    "-",
    "NA",
    # weights and prices are not areas
    "20 lb.",
    "95 lb.",
    "95 lbs",
    "$45 ea.",
    "$12 ea.",
    "set of 6",
    "8x",
    "x10",
    "8x10x4x2",
    "10",
    # sails: the number is a weight
    "95#",
    "35 #",
    "95 lbs #",
    "8x10#",
]

DATA_ENTRY_ERRORS = ["640x873", "123x456", "4512x300=1234567'", "=5123456'", "9000 sq ft"]


@pytest.mark.parametrize(("text", "square_feet"), LEGACY_AREAS + MODERN_AREAS)
def test_parse_square_feet_reads_the_area_of_one_item(text, square_feet):
    assert parse_square_feet(text) == pytest.approx(square_feet, abs=0.005)


@pytest.mark.parametrize("text", NO_AREA)
def test_parse_square_feet_gives_none_when_no_area_is_stated(text):
    assert parse_square_feet(text) is None


@pytest.mark.parametrize("text", DATA_ENTRY_ERRORS)
def test_areas_beyond_any_awning_are_data_entry_errors(text):
    assert parse_square_feet(text) is None


def test_the_plausibility_limit_is_inclusive():
    assert parse_square_feet("80x100") == MAX_PLAUSIBLE_SQUARE_FEET
    assert parse_square_feet("80x100.01") is None


def test_radius_without_a_total_is_a_circle():
    assert parse_square_feet("4'8R") == pytest.approx(round(math.pi * (4 + 8 / 12) ** 2, 2))


@pytest.mark.parametrize(
    ("text", "sail"),
    [("95#", True), ("35 #", True), ("95 lbs #", True), ("#", True), ("95 lb.", False),
     ("8x10", False), ("", False), (None, False)],
)
def test_is_sail_means_the_size_contains_a_hash(text, sail):
    assert is_sail(text) is sail
