"""Rewrite one marker-delimited section of docs/performance.md, leaving every other section alone."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def write_section(markers: tuple[str, str], body: str, docs: Path = DOCS) -> None:
    start, end = markers
    text = docs.read_text()
    if start not in text or end not in text:
        raise SystemExit(f"{docs} has no {start} … {end} section to write into")
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    docs.write_text(f"{before}{start}\n{body.strip()}\n{end}{after}")


def table(header: list[str], rows: list[list], align: str = "") -> str:
    """A Markdown table; `align` is one letter per column, l or r (default: first l, rest r)."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
