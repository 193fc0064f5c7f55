"""Fields stricter than marshmallow's own, where a lenient reading would hide a mistake."""

from __future__ import annotations

from marshmallow import ValidationError, fields

from service.domain.text import HIDDEN_CHARACTER_MESSAGE, hidden_character


class StrictBoolean(fields.Boolean):
    """Only a real true/false (JSON or YAML boolean). marshmallow's Boolean takes 0 and 1 even with
    truthy={True}, because 1 == True in Python; `open: 0` or `correct: 1` is a mistake worth reporting."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Text(fields.String):
    """A string of one line of visible characters (service/domain/text.py): every string a request
    brings in is one of these, so that no control, bidi or zero-width character and no lone
    surrogate gets past the edge. Give it a validate.Length too: nothing is unbounded."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        character = hidden_character(text)
        if character:
            raise ValidationError(HIDDEN_CHARACTER_MESSAGE.format(character=character))
        return text
