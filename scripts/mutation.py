"""`make mutation`: mutation testing of the pure domain modules, one module at a time, from tests/unit alone.

The modules are `[tool.mutmut] only_mutate` in pyproject.toml. Each run starts from a clean `mutants/`
(mutmut's own copy of the project, git-ignored) so its figures never depend on an earlier run's cache.
It prints the score of each module and every surviving mutant (`mutmut show NAME` shows its diff);
docs/testing.md lists the survivors that remain and why each is equivalent.

    python scripts/mutation.py                  # every module, one worker
    python scripts/mutation.py codes scoring    # some of them
    MUTATION_WORKERS=2 python scripts/mutation.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = [sys.executable, "-m", "mutmut"]
LOGS = ROOT / "build" / "mutation"
THRESHOLD = 90.0  # percent killed that each module must reach (the issue that set up these runs)


def configured_modules() -> dict[str, str]:
    """Short name -> dotted module name, from the files pyproject.toml tells mutmut to mutate."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    paths = [Path(path) for path in config["only_mutate"]]
    return {path.stem: ".".join(path.with_suffix("").parts) for path in paths}


def run_module(dotted: str, workers: int) -> float:
    """mutmut on one module's mutants; its spinner output goes to a log file, not the terminal."""
    LOGS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with open(LOGS / f"{dotted}.log", "w") as log:
        finished = subprocess.run(
            [*MUTMUT, "run", "--max-children", str(workers), f"{dotted}.*"], cwd=ROOT, stdout=log, stderr=log
        )
    if finished.returncode != 0:
        sys.exit(f"mutmut failed on {dotted}: see {LOGS / f'{dotted}.log'}")
    return time.monotonic() - started


def results() -> dict[str, str]:
    """Every mutant's status, by name (service.domain.codes.x_normalise_code__mutmut_3: killed)."""
    listing = subprocess.run([*MUTMUT, "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True)
    statuses = {}
    for line in listing.stdout.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            statuses[name] = status
    return statuses


def main(names: list[str]) -> int:
    modules = configured_modules()
    unknown = [name for name in names if name not in modules]
    if unknown:
        sys.exit(f"not in [tool.mutmut] only_mutate: {', '.join(unknown)} (choose from {', '.join(modules)})")
    chosen = {name: modules[name] for name in names or modules}
    workers = int(os.environ.get("MUTATION_WORKERS", "1"))
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    seconds = {name: run_module(dotted, workers) for name, dotted in chosen.items()}

    by_module: dict[str, dict[str, str]] = defaultdict(dict)
    for mutant, status in results().items():
        for name, dotted in chosen.items():
            if mutant.startswith(dotted + "."):
                by_module[name][mutant] = status
    failing = []
    print(f"\n{'module':<12} {'killed':>7} {'mutants':>8} {'score':>7} {'seconds':>8}")
    for name in chosen:
        counts = Counter(by_module[name].values())
        total = sum(counts.values())
        killed = counts["killed"] + counts["timeout"] + counts["caught by type check"]
        score = 100.0 * killed / total if total else 100.0
        failing += [name] if score < THRESHOLD else []
        print(f"{name:<12} {killed:>7} {total:>8} {score:>6.1f}% {seconds[name]:>8.0f}")
    for name in chosen:
        left = sorted(
            (mutant, status) for mutant, status in by_module[name].items() if status not in ("killed", "timeout")
        )
        if left:
            print(f"\n{name}: {len(left)} not killed (`.venv/bin/mutmut show NAME` for the diff)")
            for mutant, status in left:
                print(f"  {mutant}: {status}")
    if failing:
        print(f"\nbelow {THRESHOLD:.0f}%: {', '.join(failing)}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
