"""The HTTP edge: blueprints for participants, trainers and the JSON API, and what they share."""

from __future__ import annotations

from flask import current_app

from service.operations import Services


def services() -> Services:
    """The services object the app factory built for this app."""
    return current_app.extensions["assess"]
