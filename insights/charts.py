"""Server-side SVG charts: no JavaScript and no inline styles, so they pass a strict CSP
(colours come from classes in insights.css). Every mark carries a <title> for its exact value.
"""

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 14, 44
MAX_X_LABELS = 8
Number = int | float | Decimal


def line_chart(points: Sequence[tuple[str, Number | None]], *, label: str, unit: str = "") -> SafeString:
    """One series over time; gaps (None) break the line."""
    scale = _Scale([value for _, value in points])
    xs = _x_positions(len(points))
    segments: list[list[str]] = [[]]
    for x, (_, value) in zip(xs, points, strict=True):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append(f"{x:.1f},{scale.y(value):.1f}")
    lines = "".join(f'<polyline class="series" points="{" ".join(segment)}"/>' for segment in segments if segment)
    dots = "".join(
        format_html('<circle class="dot" cx="{}" cy="{}" r="2.5"><title>{}: {}{}</title></circle>',
                    _at(x), _at(scale.y(value)), name, _number(value), unit)
        for x, (name, value) in zip(xs, points, strict=True) if value is not None
    )
    return _svg(label, scale, _x_labels(points, xs) + lines + dots)


def bar_chart(points: Sequence[tuple[str, Number | None]], *, label: str, unit: str = "") -> SafeString:
    scale = _Scale([value for _, value in points])
    xs = _x_positions(len(points))
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    bar = max(slot * 0.7, 1)
    bars = "".join(
        format_html('<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}{}</title></rect>',
                    _at(x - bar / 2), _at(scale.y(value or 0)), _at(bar), _at(scale.y(0) - scale.y(value or 0)),
                    name, _number(value), unit)
        for x, (name, value) in zip(xs, points, strict=True)
    )
    return _svg(label, scale, _x_labels(points, xs) + bars)


def horizontal_bar_chart(points: Sequence[tuple[str, Number]], *, label: str, unit: str = "") -> SafeString:
    """Ranked categories (top sources): names on the left, bars to the right."""
    row, left = 22, 220
    height = TOP + row * max(len(points), 1) + 8
    top = max((float(value) for _, value in points), default=0) or 1
    parts = []
    for index, (name, value) in enumerate(points):
        y = TOP + index * row
        width = (WIDTH - left - 70) * float(value) / top
        parts.append(format_html(
            '<text class="label" x="{}" y="{}" text-anchor="end">{}</text>'
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}{}</title></rect>'
            '<text class="value" x="{}" y="{}">{}</text>',
            left - 6, y + 15, _shorten(name), left, y + 3, _at(width), row - 6, name, _number(value), unit,
            _at(left + width + 4), y + 15, _number(value),
        ))
    if not points:
        parts.append(format_html('<text class="label" x="{}" y="{}">No data in this range</text>', left, TOP + 15))
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>',
        WIDTH, height, label, mark_safe("".join(parts)),
    )


class _Scale:
    def __init__(self, values: Sequence[Number | None]) -> None:
        self.top = _nice_ceiling(max((float(v) for v in values if v is not None), default=0))

    def y(self, value: Number) -> float:
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * float(value) / self.top

    def ticks(self) -> list[float]:
        return [self.top * n / 4 for n in range(5)]


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``value`` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _x_positions(count: int) -> list[float]:
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return [LEFT + slot * (index + 0.5) for index in range(count)]


def _x_labels(points, xs) -> str:
    every = max(1, math.ceil(len(points) / MAX_X_LABELS))
    return "".join(
        format_html('<text class="label" x="{}" y="{}" text-anchor="middle">{}</text>', _at(x), HEIGHT - BOTTOM + 16, name)
        for index, (x, (name, _)) in enumerate(zip(xs, points, strict=True)) if index % every == 0
    )


def _svg(label: str, scale: _Scale, body: str) -> SafeString:
    grid = "".join(
        format_html('<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                    '<text class="label" x="{}" y="{}" text-anchor="end">{}</text>',
                    LEFT, WIDTH - RIGHT, _at(scale.y(tick)), _at(scale.y(tick)), LEFT - 6, _at(scale.y(tick) + 4),
                    _number(tick))
        for tick in scale.ticks()
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}</svg>',
        WIDTH, HEIGHT, label, mark_safe(grid), mark_safe(body),
    )


def _at(coordinate: float) -> str:
    return f"{coordinate:.1f}"


def _number(value: Number | None) -> str:
    if value is None:
        return "—"
    value = float(value)
    return f"{value:,.0f}" if value == int(value) or abs(value) >= 100 else f"{value:,.1f}"


def _shorten(name: str, length: int = 30) -> str:
    return name if len(name) <= length else name[: length - 1] + "…"

