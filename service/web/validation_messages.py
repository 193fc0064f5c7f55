"""marshmallow's and webargs' messages for bad request fields, in the request's language.

The JSON error's `fields` carry these (`{"error": {..., "fields": {"phase": "Must be one of: pre,
post."}}}`). marshmallow formats them before we see them, so each is matched against its template
here and the translated template is filled with the same values.
"""

from __future__ import annotations

import re

from flask_babel import gettext

from service.errors import N_

TEMPLATES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Unknown field."),
    N_("Invalid input type."),
    N_("Invalid input."),
    N_("Invalid type."),
    N_("Invalid value."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid UUID."),
    N_("Not a valid date."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Not a valid utf-8 string."),
    N_("String does not match expected pattern."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Longer than maximum length {max}."),
    N_("Shorter than minimum length {min}."),
    N_("Must be one of: {choices}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("letters, digits and - _ . : only, at most 64"),
    N_("Invalid JSON body."),
    N_("Must not contain the invisible or control character {character}."),
)


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


_PATTERNS = [(template, _pattern(template)) for template in TEMPLATES]


def translate(message: str) -> str:
    """The message in the request's language when it is one of the known templates, else as it is."""
    for template, pattern in _PATTERNS:
        match = pattern.match(message)
        if match:
            return gettext(template).format(**match.groupdict())
    return gettext(message)
