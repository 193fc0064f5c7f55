"""Fields stricter than marshmallow's own, where a lenient reading would hide a mistake."""

from __future__ import annotations

from marshmallow import fields


class StrictBoolean(fields.Boolean):
    """Only a real true/false (JSON or YAML boolean). marshmallow's Boolean takes 0 and 1 even with
    truthy={True}, because 1 == True in Python; `open: 0` or `correct: 1` is a mistake worth reporting."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
