"""Template filters for numbers, in the page's locale (Ukrainian: decimal comma, non-breaking space
between thousands). A None figure is shown as a dash with a title saying why, never as 0 or a
made-up number."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal, format_percent, gettext
from jinja2 import pass_context
from markupsafe import Markup, escape


def init_app(app: Flask) -> None:
    app.add_template_filter(_per_request(number), "number")
    app.add_template_filter(_per_request(percent_of_fraction), "fraction_percent")
    app.add_template_filter(_per_request(percent), "percent")
    app.add_template_filter(_per_request(points), "points")
    app.add_template_filter(_per_request(signed), "signed")


def _per_request(format_number):
    """The filter, formatting in the language of the request that renders. Jinja's compiler folds a
    plain filter applied to a constant (`0.001|number(3)`) into the compiled template, in the
    language of whichever request compiled it (or the build, for the Lambda's precompiled
    templates); a filter that takes the render context is never folded."""

    @pass_context
    def at_render(_context, *args, **kwargs):
        return format_number(*args, **kwargs)

    return at_render


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
