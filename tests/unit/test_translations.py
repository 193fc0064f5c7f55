"""Every message a person sees has a Ukrainian translation, and the catalogs match the code."""

import ast
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "service" / "translations"
# mutmut (`make mutation`) copies each function it mutates as `x_<name>__mutmut_<n>`, strings changed:
# those copies are not code the service runs, so their strings need no translation.
MUTANT_COPY = re.compile(r"__mutmut_\d+$")


def catalog(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def translated(message) -> bool:
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms) and not message.fuzzy


def test_every_message_has_a_ukrainian_translation():
    untranslated = [m.id for m in catalog("uk") if m.id and not translated(m)]
    assert untranslated == []


def test_ukrainian_plurals_have_all_three_forms():
    ukrainian = catalog("uk")
    assert ukrainian.num_plurals == 3
    plurals = [m for m in ukrainian if m.id and isinstance(m.id, tuple)]
    assert plurals, "counts shown to people go through ngettext"
    assert [m.id for m in plurals if len(m.string) != 3 or not all(m.string)] == []


def test_catalog_holds_every_message_the_code_and_templates_use(tmp_path):
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [Path(sys.executable).parent / "pybabel", "extract", "-F", "babel.cfg", "-k", "N_", "-o", str(extracted), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(extracted, "rb") as handle:
        used = {m.id for m in read_po(handle) if m.id and not all(in_a_mutant_copy(*at) for at in m.locations)}
    translated = {m.id for m in catalog("uk") if m.id}
    assert used - translated == set(), "run the extract/update commands in docs/translations.md"


@cache
def mutant_copy_lines(filename: str) -> frozenset[int]:
    tree = ast.parse((ROOT / filename).read_text(encoding="utf-8"))
    return frozenset(
        line
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and MUTANT_COPY.search(node.name)
        for line in range(node.lineno, (node.end_lineno or node.lineno) + 1)
    )


def in_a_mutant_copy(filename: str, line: int | None) -> bool:
    return filename.endswith(".py") and line is not None and line in mutant_copy_lines(filename)


GETTEXT = ("_", "gettext", "ngettext", "N_")


def test_no_message_hides_inside_an_f_string():
    """pybabel's extractor (on Python 3.11) does not look inside f-strings: a `_("...")` there is never
    extracted, so its page shows the English words in Ukrainian too. Messages go outside the f-string."""
    hidden = []
    for path in sorted((ROOT / "service").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                hidden += [
                    f"{path.relative_to(ROOT)}:{call.lineno}"
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call) and getattr(call.func, "id", None) in GETTEXT
                ]
    assert hidden == []
