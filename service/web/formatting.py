"""Template filters for numbers, in the page's locale (Ukrainian: decimal comma, non-breaking space
between thousands). A None figure is shown as a dash with a title saying why, never as 0 or a
made-up number."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal, format_percent, gettext
from markupsafe import Markup, escape


def init_app(app: Flask) -> None:
    app.add_template_filter(number)
    app.add_template_filter(percent_of_fraction, "fraction_percent")
    app.add_template_filter(percent)
    app.add_template_filter(points)
    app.add_template_filter(signed)


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits else "")


def number(value, digits: int = 1, suffix: str = "") -> Markup:
    if value is None:
        return Markup('<span title="{}">–</span>').format(gettext("not enough data"))
    return escape(format_decimal(value, format=_pattern(digits)) + suffix)


def percent_of_fraction(value, digits: int = 0) -> Markup:
    return number(None if value is None else value * 100, digits, "%")


def percent(value, digits: int = 0) -> str:
    """A percentage given as 0–100, in the locale's percent format (uk: 37,5%)."""
    return format_percent(value / 100, format=_pattern(digits) + "%")


def points(value) -> str:
    """Points as whole numbers when they are whole (partial scoring can give 2.5)."""
    return format_decimal(value, format="#,##0.##")


def signed(value, digits: int = 0) -> str:
    """A change with its sign: +12, −3 (a real minus sign, not a hyphen)."""
    pattern = _pattern(digits)
    return format_decimal(value, format=f"+{pattern};−{pattern}")
