"""Every page kind a person meets, reached in a browser context the way a person reaches it, and the
checks each must pass: axe-core (bundled by axe-playwright-python, runs offline) and the layout rules
of the phone pages (labels, focus ring, tap targets, text size, no horizontal scrolling)."""

from __future__ import annotations

import json
import re
import urllib.request

from axe_playwright_python.sync_playwright import Axe

PAGE_KINDS = (
    "test",
    "unanswered",
    "result",
    "post",
    "post-result",
    "which",
    "already-sent",
    "done",
    "closed",
    "error",
    "trainer",
    "projector",
)
SEND = {"uk": "Надіслати відповіді", "en": "Send my answers"}
SERIOUS = ("serious", "critical")


def api(server: dict, path: str, body: dict | None = None, method: str | None = None) -> dict:
    """Call the JSON API of the running server as the coordinator."""
    request = urllib.request.Request(
        server["root"] + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {server['admin_token']}", "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def new_cohort(server: dict, label: str, **extra) -> dict:
    both_open = {"pre": {"open": True}, "post": {"open": True}}  # the pages below name their phase
    body = {"bank_id": "online-child-safety", "bank_version": "2", "label": label, "phases": both_open} | extra
    return api(server, "/api/v1/cohorts", body)


def answer_every_question(page, choose_first: bool = True, leave_out: int = 0) -> None:
    questions = page.locator("fieldset[id^=q-]").all()
    for fieldset in questions[leave_out:]:
        fieldset.locator("label").nth(0 if choose_first else 1).click()


def send(page, language: str) -> None:
    page.get_by_role("button", name=SEND[language], exact=True).click()


def open_kind(context, kind: str, language: str, server: dict, cohort: dict, closed: dict):
    """Open one page kind in `context` (a fresh one: cookies decide what some pages show)."""
    page = context.new_page()
    participant = cohort["participant_url"]
    if kind == "test":
        page.goto(f"{participant}?phase=pre&lang={language}")
    elif kind == "unanswered":
        page.goto(f"{participant}?phase=pre&lang={language}")
        answer_every_question(page, leave_out=3)
        send(page, language)
    elif kind in ("result", "post-result", "already-sent", "done"):
        page.goto(f"{participant}?phase=pre&lang={language}")
        answer_every_question(page, choose_first=False)
        send(page, language)
        if kind != "result":
            page.goto(f"{participant}?phase=post")
            answer_every_question(page)
            send(page, language)
        if kind == "already-sent":
            page.goto(f"{participant}?phase=post")
            answer_every_question(page, choose_first=False)
            send(page, language)
        elif kind == "done":
            page.goto(participant)
    elif kind == "which":
        page.goto(f"{participant}?lang={language}")
    elif kind == "post":
        page.goto(f"{participant}?phase=post&lang={language}")
    elif kind == "closed":
        page.goto(f"{closed['participant_url']}?lang={language}")
    elif kind == "error":
        page.goto(f"{server['root']}/c/no-such-cohort?lang={language}")
    elif kind == "trainer":
        page.goto(cohort["trainer_url"])
        page.goto(f"{page.url}?lang={language}")
    elif kind == "projector":
        page.goto(cohort["trainer_url"])
        page.goto(f"{page.url}/projector?lang={language}")
    else:
        raise ValueError(kind)
    assert page.locator("html").get_attribute("lang") == language
    return page


def serious_axe_violations(page) -> list[str]:
    results = Axe().run(page).response
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results["violations"]
        if violation["impact"] in SERIOUS
    ]


def fits_without_horizontal_scrolling(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def small_tap_targets(page) -> list[str]:
    """Controls smaller than 44×44 CSS px; a radio or checkbox counts by its label, which takes the tap."""
    return page.evaluate(
        """() => {
          const small = [];
          const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
          for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) {
            if (!visible(el)) continue;
            const target = (el.type === 'radio' || el.type === 'checkbox') ? el.closest('label') : el;
            const box = target.getBoundingClientRect();
            if (box.width < 44 || box.height < 44) {
              small.push(`${el.outerHTML.slice(0, 80)} ${box.width}x${box.height}`);
            }
          }
          return small;
        }"""
    )


def small_text(page) -> list[str]:
    """Elements whose own text is set smaller than 16 CSS px."""
    return page.evaluate(
        """() => {
          const small = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const text = walker.currentNode;
            const el = text.parentElement;
            if (!text.textContent.trim() || !el || el.closest('svg, [hidden]')) continue;
            const size = parseFloat(getComputedStyle(el).fontSize);
            if (size < 16) small.push(`${el.tagName} ${size}px: ${text.textContent.trim().slice(0, 40)}`);
          }
          return small;
        }"""
    )


def unlabelled_inputs(page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label'))
                 .map(el => el.outerHTML.slice(0, 80))"""
    )


def focus_rings(page, presses: int = 6) -> list[str]:
    """Tab through the first controls; each focused one must show an outline at least 2px wide
    (on itself, or on the label of a radio or checkbox)."""
    missing = []
    page.locator("body").click(position={"x": 1, "y": 1})
    for _ in range(presses):
        page.keyboard.press("Tab")
        ring = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el || el === document.body) return null;
              const styled = (el.type === 'radio' || el.type === 'checkbox') ? [el, el.closest('label')] : [el];
              const ok = styled.some(s => s && getComputedStyle(s).outlineStyle !== 'none'
                                          && parseFloat(getComputedStyle(s).outlineWidth) >= 2);
              return ok ? '' : el.outerHTML.slice(0, 80);
            }"""
        )
        if ring:
            missing.append(ring)
    return missing


def code_on_page(page) -> str:
    code = page.locator(".code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}", code), code
    return code
