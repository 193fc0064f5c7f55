"""Bank files on disk: write an imported draft, publish a version into the lock.

A published version is immutable (SPEC.md): its hash is in `published.lock`, so a draft may be
rewritten as often as its author likes, but a published version never, and publishing the same
version with other content is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from service.domain.banks import BankError, canonical_sha256, load_bank_file, parse_bank, read_lock, write_lock
from service.domain.models import Bank

NEW_VERSION_HINT = "published versions never change: give the changed bank a new version number"


@dataclass(frozen=True)
class Written:
    path: Path
    replaced: bool  # an earlier draft of the same version was overwritten


def write_draft(root: Path, data: dict, source: str) -> Written:
    """Write `<root>/<id>/<version>.yaml` from imported bank data; refuse to touch a published version."""
    bank_id, version = data["id"], data["version"]
    path = root / bank_id / f"{version}.yaml"
    parse_bank(data, f"{bank_id}/{version}.yaml", expected_id=bank_id, expected_version=version)
    published = read_lock(root).get(bank_id, {}).get(version)
    if published is not None:
        same = published == canonical_sha256(data)
        state = "is already published with exactly this content" if same else f"is published; {NEW_VERSION_HINT}"
        raise BankError([f"{bank_id} version {version} {state}."])
    replaced = path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"# Imported from {source} on {stamp} by `python -m service banks import`.\n"
        f"# A draft until `python -m service banks publish {bank_id} {version}`; after that it never changes.\n\n"
    )
    path.write_text(header + bank_yaml(data), encoding="utf-8")
    return Written(path, replaced)


def bank_yaml(data: dict) -> str:
    """The bank as YAML in SPEC.md's key order, Cyrillic as it is (not escaped)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)


def publish(root: Path, bank_id: str, version: str) -> tuple[Bank, bool]:
    """Validate a version and add its hash to the lock; (bank, False) when it was already published as is."""
    bank = load_bank_file(root / bank_id / f"{version}.yaml")
    lock = read_lock(root)
    locked = lock.get(bank_id, {}).get(version)
    if locked == bank.sha256:
        return bank, False
    if locked is not None:
        raise BankError(
            [
                f"{bank_id} version {version} was published with other content (sha256 {locked}); "
                f"{NEW_VERSION_HINT}, and restore this file."
            ]
        )
    lock.setdefault(bank_id, {})[version] = bank.sha256
    write_lock(root, lock)
    return bank, True
