"""The one rule for text a request brings in: one line of characters a person can see.

Cohort labels and regions are shown again on the console, the trainer page and in exports, where a
right-to-left override (U+202E) or an isolate reorders what a reader sees, a zero-width character
makes two labels look alike, and a tab, CR or LF starts another cell or line in a CSV. A lone
surrogate (JSON's "\\ud800") is not text at all: DynamoDB refuses it, which showed as a 503. So
control characters (C0, DEL, C1), Unicode format characters (bidi embeddings, overrides, isolates
and marks, zero-width characters, the byte-order mark, soft hyphen), line and paragraph separators
and surrogates are refused wherever text comes in (service/schemas/strict.py for the API, the
console's form, operations.create_cohort for every way a cohort is made).
"""

from __future__ import annotations

import re

_HIDDEN = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0 controls (NUL, tab, LF, CR, ESC...), DEL, C1 controls (NEL...)
    "\u00ad\u061c\u180e"  # soft hyphen, Arabic letter mark, Mongolian vowel separator
    "\u200b-\u200f"  # zero-width space, non-joiner, joiner; left-to-right and right-to-left marks
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e"  # bidi embeddings and overrides (LRE, RLE, PDF, LRO, RLO)
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators; bidi isolates (LRI, RLI, FSI, PDI) and others
    "\ufeff\ufff9-\ufffb"  # byte-order mark, interlinear annotation
    "\ud800-\udfff"  # surrogates: in a Python string from JSON, only a lone one can be here
    "]"
)


# The message that names the character, where a field is refused for it (the API and the console).
HIDDEN_CHARACTER_MESSAGE = "Must not contain the invisible or control character {character}."


def hidden_character(text: str) -> str | None:
    """The first character of `text` a reader cannot see (or that is no character), as `U+202E`;
    None when every character is plain, visible, single-line text."""
    found = _HIDDEN.search(text)
    return f"U+{ord(found.group()):04X}" if found else None
