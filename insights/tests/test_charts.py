import re

import pytest

from insights import charts


def bar_heights(svg: str) -> list[float]:
    return [float(h) for h in re.findall(r'<rect class="bar" [^>]*height="([0-9.]+)"', svg)]


def test_bars_are_proportional_to_their_values_on_a_rounded_scale():
    svg = charts.bar_chart([("a", 10), ("b", 20), ("c", 0)], label="x")
    tall = charts.HEIGHT - charts.TOP - charts.BOTTOM
    assert bar_heights(svg) == [tall / 2, tall, 0]  # scale tops out at 20
    assert ">20<" in svg and ">10<" in svg  # tick labels


@pytest.mark.parametrize(("value", "ceiling"), [(0, 1), (7, 10), (11, 20), (201, 250), (0.3, 0.5), (4999, 5000)])
def test_the_axis_top_is_a_round_number_at_or_above_the_maximum(value, ceiling):
    assert charts._nice_ceiling(value) == pytest.approx(ceiling)


def test_labels_are_escaped_and_no_inline_style_or_script_is_emitted():
    hostile = '<script>alert(1)</script>" style="x'
    for svg in (charts.bar_chart([(hostile, 1)], label=hostile),
                charts.line_chart([(hostile, 1), ("b", None), ("c", 2)], label="l"),
                charts.horizontal_bar_chart([(hostile, 3)], label="h")):
        assert "<script" not in svg and ' style="' not in svg
        assert "&lt;script&gt;" in svg


def test_a_gap_in_a_line_series_breaks_the_line():
    svg = charts.line_chart([("a", 1), ("b", 2), ("c", None), ("d", 3), ("e", 4)], label="l")
    assert svg.count("<polyline") == 2 and svg.count('<circle class="dot"') == 4


def test_horizontal_bars_rank_sources_with_their_values():
    svg = charts.horizontal_bar_chart([("Harbor", 4), ("Bay", 2)], label="h")
    widths = [float(w) for w in re.findall(r'<rect class="bar" [^>]*width="([0-9.]+)"', svg)]
    assert widths[0] == 2 * widths[1] and "<title>Bay: 2</title>" in svg
    assert "No data" in charts.horizontal_bar_chart([], label="h")
