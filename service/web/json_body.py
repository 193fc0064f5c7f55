"""JSON request bodies of the API, read once before any view sees them.

Python's json module recurses once per level of nesting, so a body of 30,000 `[` (a few kilobytes,
well under the body limit) ends in a RecursionError, a 500, wherever it is parsed. No body this API
takes nests more than a few levels, so anything deeper than MAX_DEPTH, and anything that is not
JSON, is answered 400 `invalid_json` here, before webargs or a view parses it.
"""

from __future__ import annotations

import json

from flask import Flask, request

from service.errors import N_, InvalidJson

MAX_DEPTH = 32


def init_app(app: Flask) -> None:
    app.before_request(refuse_unreadable_json)


def refuse_unreadable_json() -> None:
    if not request.is_json:
        return
    body = request.get_data(cache=True)  # the body limit (413) applies here as everywhere
    if not body:
        return
    try:
        too_deep = nesting_depth(json.loads(body)) > MAX_DEPTH
    except RecursionError:  # far deeper than MAX_DEPTH: the C parser stops at the recursion limit
        too_deep = True
    except ValueError:  # also UnicodeDecodeError: JSON is UTF-8
        raise InvalidJson(N_("The request body is not valid JSON.")) from None
    if too_deep:
        raise InvalidJson(N_("The request body nests deeper than %(depth)s levels."), params={"depth": MAX_DEPTH})


def nesting_depth(value) -> int:
    """How many arrays and objects deep `value` goes (a scalar is 0), without recursing, and
    stopping once past MAX_DEPTH."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest
