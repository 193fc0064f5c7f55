"""Page weight and slow-3G first contentful paint of the participant test page (docs/performance.md).

Starts the service as a user would (`python -m service serve`), creates cohorts on a 20-question
bank in each language and measures, for the test page:

- requests needed to render: requests Chromium starts before the first contentful paint (budget 1);
- transfer size with brotli and with gzip (budget: at most 12 KB), and without compression;
- uncompressed HTML against the UTF-8 size of the bank's own text in that language (every text
  field of the bank file; budget: at most 2x), and also against the part of it the page carries
  (title, description, questions, options, questions about the participant: the stricter ratio);
- first contentful paint in Debian's Chromium under CDP Network.emulateNetworkConditions at
  400 kbit/s and 400 ms latency, median of several loads, with the small 404 page measured the same
  way in the same run as a baseline (the floor set by latency alone).

    .venv/bin/python -m bench.page_weight            # measure and rewrite the section in the docs
    .venv/bin/python -m bench.page_weight --no-write # only print
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

import brotli

from bench.served import create_cohort, served
from service.domain.banks import load_published_banks
from service.domain.models import Bank

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "performance.md"
START, END = "<!-- pages-bench:start -->", "<!-- pages-bench:end -->"
BANK_ID, BANK_VERSION = "online-child-safety", "1"  # version 1 has 20 questions
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
BUDGET_REQUESTS, BUDGET_TRANSFER, BUDGET_RATIO = 1, 12 * 1024, 2.0


def page_texts(bank: Bank, language: str) -> list[str]:
    """The bank's texts that the test page carries in `language`."""
    texts = [bank.title[language], bank.description[language]]
    for question in bank.questions:
        texts += [question.prompt[language]] + [option.text[language] for option in question.options]
    for demographic in bank.demographics:
        texts += [demographic.prompt[language]] + [option.text[language] for option in demographic.options]
    return texts


def bank_texts(bank: Bank, language: str) -> list[str]:
    """Every text of the bank in `language`: the page's, and topics, explanations, the review note."""
    texts = page_texts(bank, language) + [topic.label[language] for topic in bank.topics]
    texts += [question.explanation[language] for question in bank.questions if question.explanation]
    return texts + ([bank.review_note[language]] if bank.review_note else [])


def utf8_bytes(texts: list[str]) -> int:
    return sum(len(text.encode()) for text in texts)


def fetch(url: str, encoding: str) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read(), dict(response.headers)


def header_bytes(headers: dict) -> int:
    return len("HTTP/1.1 200 OK\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in headers.items()) + 2


def weigh(url: str, bank: Bank, language: str) -> dict:
    plain, _ = fetch(url, "")
    squeezed = {}
    for encoding in ("br", "gzip"):
        body, headers = fetch(url, encoding)
        assert headers.get("Content-Encoding") == encoding, headers
        decoded = brotli.decompress(body) if encoding == "br" else gzip.decompress(body)
        assert len(decoded) == len(plain)
        squeezed[encoding] = {"body": len(body), "transfer": len(body) + header_bytes(headers)}
    bank_text, page_text = utf8_bytes(bank_texts(bank, language)), utf8_bytes(page_texts(bank, language))
    return {
        "html": len(plain),
        "bank_text": bank_text,
        "ratio": len(plain) / bank_text,
        "page_text": page_text,
        "page_ratio": len(plain) / page_text,
        **squeezed,
    }


def browser_figures(chromium: str, url: str, baseline_url: str, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    figures: dict = {"fcp": [], "baseline_fcp": [], "requests_before_fcp": [], "requests": [], "load": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        for _ in range(runs):
            for target, key in ((url, "fcp"), (baseline_url, "baseline_fcp")):
                context = browser.new_context(viewport={"width": 390, "height": 844})
                page = context.new_page()
                started = []
                page.on("request", lambda request, started=started: started.append(request.url))
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                cdp.send("Network.emulateNetworkConditions", SLOW_3G)
                page.goto(target, wait_until="load")
                fcp = first_contentful_paint(page)
                figures[key].append(fcp)
                if key == "fcp":
                    before = page.evaluate(
                        "fcp => 1 + performance.getEntriesByType('resource').filter(e => e.startTime < fcp).length",
                        fcp,
                    )
                    figures["requests_before_fcp"].append(before)
                    figures["requests"].append(len(started))
                    figures["load"].append(
                        page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
                    )
                context.close()
        browser.close()
    return {
        "fcp_ms": statistics.median(figures["fcp"]),
        "baseline_fcp_ms": statistics.median(figures["baseline_fcp"]),
        "requests_before_fcp": max(figures["requests_before_fcp"]),
        "requests": max(figures["requests"]),
        "load_ms": statistics.median(figures["load"]),
        "runs": runs,
    }


def first_contentful_paint(page, timeout: float = 30) -> float:
    """FCP in ms from navigation start (polled: the page's CSP rightly forbids eval-based waiting)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fcp = page.evaluate("() => performance.getEntriesByName('first-contentful-paint').map(e => e.startTime)")
        if fcp:
            return fcp[0]
        time.sleep(0.05)
    raise TimeoutError("no first contentful paint")


def render(results: dict, browser: dict | None) -> str:
    kb = 1024
    lines = [
        START,
        f"Measured by `bench/page_weight.py` on the `{BANK_ID}` bank version {BANK_VERSION} "
        f"({results['questions']} questions), participant test page, served by `python -m service serve`.",
        "",
        "| language | HTML | bank's text | HTML / bank's text (budget ≤ 2) | bank's text on the page"
        " | HTML / text on the page | brotli transfer | gzip transfer (budget ≤ 12 KB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for language, row in results["languages"].items():
        lines.append(
            f"| {language} | {row['html'] / kb:.1f} KB | {row['bank_text'] / kb:.1f} KB | {row['ratio']:.2f} "
            f"| {row['page_text'] / kb:.1f} KB | {row['page_ratio']:.2f} "
            f"| {row['br']['transfer'] / kb:.1f} KB | {row['gzip']['transfer'] / kb:.1f} KB |"
        )
    lines.append("")
    lines.append(
        "Transfer sizes are the compressed body plus the response headers. KB = 1,024 bytes. The bank's text is"
        " every text field of the bank file in that language; the page carries all but the topics, the"
        " explanations and the review note."
    )
    if browser:
        ratio = browser["fcp_ms"] / browser["baseline_fcp_ms"]
        difference = browser["fcp_ms"] - browser["baseline_fcp_ms"]
        verdict = f"the page's weight adds {difference:.0f} ms" if difference > 0 else "no difference beyond noise"
        lines += [
            "",
            f"In Debian's Chromium ({browser['chromium']}), 390×844, cache disabled, CDP "
            "`Network.emulateNetworkConditions` 400 kbit/s down and up, 400 ms latency, median of "
            f"{browser['runs']} loads of the Ukrainian page:",
            "",
            f"- requests needed to render (started before first contentful paint): {browser['requests_before_fcp']}"
            f" (budget {BUDGET_REQUESTS}); requests in all: {browser['requests']}",
            f"- first contentful paint: {browser['fcp_ms']:.0f} ms; the 404 page (about 1 KB, latency alone) "
            f"in the same run: {browser['baseline_fcp_ms']:.0f} ms (ratio {ratio:.2f}: {verdict}); Chromium"
            " paints the first screen before the rest of the page has arrived",
            f"- the whole page loaded (load event): {browser['load_ms']:.0f} ms",
        ]
    lines.append(END)
    return "\n".join(lines)


def write_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Performance\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Pages\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    arguments = parser.parse_args()
    bank = load_published_banks(ROOT / "question_banks").get(BANK_ID, BANK_VERSION)
    with served() as server:
        root, admin = server.root, server.printed("Admin token")
        made = {
            language: create_cohort(root, admin, bank_id=BANK_ID, bank_version=BANK_VERSION, language=language)
            for language in bank.languages
        }
        urls = {language: cohort["participant_url"] for language, cohort in made.items()}
        results = {
            "questions": len(bank.questions),
            "languages": {language: weigh(url, bank, language) for language, url in urls.items()},
        }
        browser = None
        chromium = shutil.which("chromium")
        if chromium and not arguments.no_browser:
            browser = browser_figures(chromium, urls["uk"], f"{root}/c/no-such-cohort", arguments.runs)
            version = subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip()
            browser["chromium"] = version
    section = render(results, browser)
    print(section)
    if not arguments.no_write:
        write_docs(section)


if __name__ == "__main__":
    main()
