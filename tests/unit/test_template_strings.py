"""No template shows a person a hard-coded word: every visible text and visible attribute comes from
a gettext call (or from the bank's own texts). Jinja expressions are left out, the HTML around them
is parsed, and text nodes and the attributes a person sees or hears must hold no letters."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

TEMPLATES = Path(__file__).resolve().parents[2] / "service" / "templates"
LETTER = re.compile(r"[^\W\d_]")
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")  # stands for expression number N's output; holds no letter
VISIBLE_ATTRIBUTES = {"aria-label", "aria-description", "aria-roledescription", "title", "alt", "placeholder", "label"}
ALLOWED_TEXT = {"n"}  # the statistical symbol n reads the same in every language


class VisibleText(HTMLParser):
    def __init__(self, literals: dict[int, list[str]]):
        super().__init__(convert_charrefs=True)
        self.literals = literals  # string constants each expression outputs as they are
        self.found: list[str] = []
        self._raw = 0  # inside <style> or <script>

    def _check(self, text: str, where: str) -> None:
        for number in PLACEHOLDER.findall(text):
            self.found += [f"{where}: {literal}" for literal in self.literals.get(int(number), [])]
        bare = PLACEHOLDER.sub(" ", text).strip()
        if bare not in ALLOWED_TEXT and LETTER.search(bare):
            self.found.append(f"{where}: {bare}")

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._raw += 1
        values = dict(attrs)
        visible = set(VISIBLE_ATTRIBUTES)
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            visible.add("value")
        if tag == "meta" and values.get("name") == "description":
            visible.add("content")
        for name, value in attrs:
            if name in visible and value:
                self._check(value, f"<{tag} {name}>")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._raw = max(0, self._raw - 1)

    def handle_data(self, data):
        if not self._raw:
            self._check(data, "text")


def _literal_strings(node) -> list[str]:
    """String constants an expression outputs as they are (not through a gettext call)."""
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, nodes.CondExpr):
        return _literal_strings(node.expr1) + (_literal_strings(node.expr2) if node.expr2 else [])
    if isinstance(node, nodes.Concat):
        return [text for part in node.nodes for text in _literal_strings(part)]
    return []


def hard_coded_strings(source: str) -> list[str]:
    """Every hard-coded visible string in a template's source (all branches of every block, in order)."""
    tree = Environment(extensions=["jinja2.ext.i18n"]).parse(source)
    html = []
    literals: dict[int, list[str]] = {}
    for output in tree.find_all(nodes.Output):
        for child in output.nodes:
            if isinstance(child, nodes.TemplateData):
                html.append(child.data)
            else:
                literals[len(literals)] = [text for text in _literal_strings(child) if LETTER.search(text)]
                html.append(f"\ue000{len(literals) - 1}\ue001")
    parser = VisibleText(literals)
    parser.feed("".join(html))
    parser.close()
    return parser.found


TEMPLATE_FILES = sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_hard_coded_user_visible_string(path):
    assert hard_coded_strings(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "<p>Send</p>",
        "<p>{{ _('Send') }} now</p>",
        '<button aria-label="Close">{{ _("x") }}</button>',
        '<img alt="QR code" src="{{ url }}">',
        '<input type="submit" value="Send">',
        "{% if a %}<h1>Closed</h1>{% endif %}",
        "<p>{{ 'Before' if a else _('After') }}</p>",
        '<span title="not enough data">–</span>',
    ],
)
def test_the_check_finds_hard_coded_words(source):
    assert hard_coded_strings(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "<p>{{ _('Send') }}</p>",
        '<input type="hidden" name="phase" value="pre">',
        '<a class="button" href="?lang={{ code }}" lang="en">{{ name }}</a>',
        "<style>body{margin:0}</style><script src='/static/js/x.js' defer></script>",
        "<p>{{ a }} · {{ b }} – 100%</p>",
        '<button type="submit" name="switch_lang" value="en">{{ n }}</button>',
    ],
)
def test_the_check_leaves_translated_and_invisible_text_alone(source):
    assert hard_coded_strings(source) == []
