from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def dollars(value: Decimal | None) -> str:
    return "—" if value is None else f"${value:,.0f}"


@register.filter
def sqft(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.0f}"
