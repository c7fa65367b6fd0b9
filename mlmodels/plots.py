"""Predicted-vs-actual scatter as inline SVG, drawn on the server (no JS, no plotting library)."""

from django.utils.html import format_html, format_html_join

SIZE, MARGIN = 320, 36


def predicted_vs_actual_svg(points: list[list[float]]) -> str:
    """``points`` are (actual days, predicted days); the diagonal is a perfect prediction."""
    if not points:
        return "—"
    top = max(max(a, p) for a, p in points) or 1.0
    span = SIZE - 2 * MARGIN

    def x(value: float) -> float:
        return round(MARGIN + value / top * span, 1)

    def y(value: float) -> float:
        return round(SIZE - MARGIN - value / top * span, 1)

    dots = format_html_join("", '<circle cx="{}" cy="{}" r="2" fill="#447e9b" fill-opacity="0.6"/>', ((x(a), y(p)) for a, p in points))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" role="img" '
        'aria-label="Predicted against actual days on the holdout">'
        '<line x1="{lo}" y1="{hi_y}" x2="{hi_x}" y2="{lo_y}" stroke="#bbb" stroke-dasharray="4"/>'
        '<line x1="{lo}" y1="{lo_y}" x2="{hi_x}" y2="{lo_y}" stroke="#333"/>'
        '<line x1="{lo}" y1="{lo_y}" x2="{lo}" y2="{hi_y}" stroke="#333"/>'
        '{dots}'
        '<text x="{mid}" y="{size}" font-size="11" text-anchor="middle" dy="-6">actual days (0–{top})</text>'
        '<text x="12" y="{mid}" font-size="11" text-anchor="middle" transform="rotate(-90 12 {mid})">predicted days</text>'
        '</svg>',
        size=SIZE, lo=MARGIN, hi_x=SIZE - MARGIN, lo_y=SIZE - MARGIN, hi_y=MARGIN, mid=SIZE // 2,
        top=round(top), dots=dots,
    )
