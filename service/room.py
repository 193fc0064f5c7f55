"""A class served from a laptop in a room without internet (`serve --room`), and its cohorts sent to a
deployment afterwards (`room upload`). Only the command line imports this module.

The laptop is the phones' server: it listens on its own network address (its Wi-Fi hotspot, or the
room's router), and every link and QR code names that address. Afterwards each closed cohort goes to
the deployment's admin API as stored items (service/imports.py), idempotently, in small requests
that are retried on a weak connection.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from service.imports import MAX_SUBMISSIONS_PER_REQUEST
from service.store import items

RETRIES = 5
BATCH_BYTES = 40_000


@dataclass(frozen=True)
class RoomAddress:
    address: str | None
    warning: str | None  # why phones may not reach it, or None


def interface_addresses() -> list[tuple[str, str]]:
    """(interface, IPv4 address) of every interface that is up, from iproute2 (`ip -j -4 addr`)."""
    try:
        shown = subprocess.run(["ip", "-j", "-4", "addr", "show", "up"], capture_output=True, text=True, timeout=5)
        interfaces = json.loads(shown.stdout or "[]")
    except (OSError, ValueError, subprocess.SubprocessError):
        return []
    return [
        (interface.get("ifname", ""), info["local"])
        for interface in interfaces
        for info in interface.get("addr_info", [])
        if info.get("family") == "inet" and info.get("local")
    ]


def choose_room_address(addresses: Iterable[tuple[str, str]]) -> RoomAddress:
    """The address phones in the room should use: a private (LAN) address of a real interface first.
    Loopback, link-local (169.254.x: no network gave an address) and container bridges are not
    reachable from a phone; a public address may be, but is unusual in a room."""
    usable, doubtful = [], []
    for name, text in addresses:
        address = ipaddress.ip_address(text)
        if address.is_loopback:
            continue
        if address.is_link_local or name.startswith(("docker", "br-", "veth", "virbr", "lxc")):
            doubtful.append(text)
        elif address.is_private:
            usable.append(text)
        else:
            doubtful.append(text)
    if usable:
        return RoomAddress(usable[0], None)
    if doubtful:
        return RoomAddress(
            doubtful[0],
            f"{doubtful[0]} may not be reachable from phones: start the laptop's Wi-Fi hotspot or join the"
            " room's Wi-Fi, then start again",
        )
    return RoomAddress(
        None, "no network address found: phones cannot reach this laptop; start its Wi-Fi hotspot, then start again"
    )


def terminal_qr(url: str) -> str:
    """The link as a QR code drawn in the terminal (for a quick scan before the projector is on)."""
    import io

    import segno

    drawn = io.StringIO()
    segno.make(url, error="m").terminal(out=drawn, compact=True)
    return drawn.getvalue()


class UploadError(RuntimeError):
    """An upload step the deployment refused, with its message."""


def upload(
    store,
    cohorts,
    to: str,
    admin_token: str,
    *,
    echo: Callable[[str], None] = print,
    opener: Callable = urllib.request.urlopen,
) -> dict[str, dict]:
    """Send each (closed) cohort and its submissions to the deployment at `to`; returns per cohort what
    the deployment stored now and what it had already. Safe to run again: nothing is sent twice."""
    outcome = {}
    for cohort in cohorts:
        address = f"{to}/api/v1/imports/cohorts/{cohort.id}"
        answer = _send(opener, "PUT", address, admin_token, {"cohort": _wire(items.cohort_to_item(cohort))})
        stored = unchanged = 0
        wires = [_wire(items.submission_to_item(submission)) for submission in store.cohort_submissions(cohort.id)]
        for batch in batches(wires):
            counts = _send(opener, "POST", f"{address}/submissions", admin_token, {"submissions": batch})
            stored += counts["stored"]
            unchanged += counts["unchanged"]
        outcome[cohort.id] = {"cohort": answer["status"], "stored": stored, "unchanged": unchanged}
        echo(
            f"{cohort.id}  {cohort.label}: cohort {answer['status']},"
            f" {stored} submissions stored, {unchanged} there already"
        )
    return outcome


def batches(wires: list[dict], max_bytes: int = BATCH_BYTES, max_count: int = MAX_SUBMISSIONS_PER_REQUEST):
    """Submissions in requests of at most `max_count` items and about `max_bytes` of JSON, under the
    deployment's request body limit (ASSESS_MAX_BODY_BYTES, 64 KiB by default)."""
    batch, size = [], 0
    for wire in wires:
        length = len(json.dumps(wire)) + 2
        if batch and (len(batch) == max_count or size + length > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(wire)
        size += length
    if batch:
        yield batch


def _wire(item: dict) -> dict:
    """A DynamoDB item as JSON: it is typed JSON already (numbers as strings), binary aside."""
    return json.loads(json.dumps(item))


def _send(opener, method: str, url: str, token: str, body: dict) -> dict:
    data = json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for attempt in range(RETRIES):
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with opener(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code in (429, 502, 503, 504) and attempt < RETRIES - 1:
                time.sleep(min(2**attempt, 10))
                continue
            raise UploadError(f"{method} {url}: {error.code} {_message(error)}") from None
        except OSError as error:  # no connection, timed out: the step is safe to send again
            if attempt == RETRIES - 1:
                raise UploadError(f"{method} {url}: {error}") from None
            time.sleep(min(2**attempt, 10))
    raise UploadError(f"{method} {url}: no answer")


def _message(error: urllib.error.HTTPError) -> str:
    try:
        body = json.load(error)
    except ValueError:
        return error.reason
    problem = body.get("error", {})
    fields = "; ".join(f"{name}: {text}" for name, text in (problem.get("fields") or {}).items())
    return problem.get("message", "") + (f" ({fields})" if fields else "")
