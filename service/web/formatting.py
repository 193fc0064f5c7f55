"""Template filters for numbers that may be undefined: a None figure is shown as a dash with a
title saying why, never as 0 or a made-up number."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup, escape


def init_app(app: Flask) -> None:
    app.add_template_filter(number)
    app.add_template_filter(percent_of_fraction, "fraction_percent")


def number(value, digits: int = 1, suffix: str = "") -> Markup:
    if value is None:
        return Markup('<span title="not enough data">–</span>')
    return escape(f"{value:.{digits}f}{suffix}")


def percent_of_fraction(value, digits: int = 0) -> Markup:
    return number(None if value is None else value * 100, digits, "%")
