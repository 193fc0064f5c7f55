"""Remove each protection in turn, in a scratch copy of the repository, and check that the tests
meant to guard it fail. A protection whose removal leaves its tests green is not protected.

    .venv/bin/python scripts/check_protections.py            # all, about three minutes
    .venv/bin/python scripts/check_protections.py csp hsts   # some, by name

Not part of `make test`: it runs parts of the suite once per protection. Results: docs/security.md.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPY = ("service", "tests", "question_banks", "serverless", "pyproject.toml", "zappa_settings.json", "babel.cfg")


@dataclass(frozen=True)
class Removal:
    name: str
    what: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]
    also: tuple[str, str] | None = None  # a second (old, new) change in the same file


REMOVALS = [
    Removal(
        "k-anonymity",
        "no class is suppressed",
        "service/domain/anonymity.py",
        "suppressed = {person for members in classes.values() if len(members) < k for person in members}",
        "suppressed = set()",
        ("tests/integration/test_export_anonymity.py", "tests/unit/test_anonymity.py"),
    ),
    Removal(
        "complementary suppression",
        "a lone suppressed participant is left alone in their group",
        "service/domain/anonymity.py",
        "        _complete_suppression(members, classes, suppressed, k)",
        "        pass",
        ("tests/integration/test_export_anonymity.py", "tests/unit/test_anonymity.py"),
    ),
    Removal(
        "one decision per cohort",
        "each export decides its own suppression on its own rows (a pooled one across cohorts)",
        "service/domain/export.py",
        "        _apply(row, sub.participant_hash, decision, quasi)\n            rows.append(row)",
        "        rows.append(row)",
        ("tests/integration/test_insider_attacks.py", "tests/unit/test_disclosure.py"),
        also=(
            "    anonymity = _anonymity(rows, quasi, k, pooled, decisions, cohorts)\n    columns = BASE_COLUMNS",
            "    from service.domain.anonymity import k_anonymize\n\n"
            "    k_anonymize(rows, quasi, k, within=_within(pooled))\n"
            "    anonymity = _anonymity(rows, quasi, k, pooled, decisions, cohorts)\n    columns = BASE_COLUMNS",
        ),
    ),
    Removal(
        "small groups withheld",
        "rows of a (cohort, phases taken) group under k are exported",
        "service/domain/export.py",
        "    if participant in decision.withheld:\n        return False\n",
        "",
        ("tests/integration/test_insider_attacks.py", "tests/unit/test_disclosure.py"),
    ),
    Removal(
        "day filter on shown days",
        "a day filter returns the rows of participants whose day is suppressed",
        "service/domain/export.py",
        "    return not (day_filtered and participant in decision.suppressed)",
        "    return True",
        ("tests/integration/test_insider_attacks.py",),
    ),
    Removal(
        "small cells withheld",
        "a language cell under k shows its mean",
        "service/domain/disclosure.py",
        'hidden = {name for name, cell in cells.items() if 0 < cell["n"] < k}',
        "hidden = set()",
        ("tests/integration/test_insider_attacks.py", "tests/unit/test_disclosure.py"),
    ),
    Removal(
        "complementary cell suppression",
        "one withheld cell is recovered as the total minus the others",
        "service/domain/disclosure.py",
        '        hidden.add(name)\n        people += cells[name]["n"]',
        "        break",
        ("tests/integration/test_insider_attacks.py", "tests/unit/test_disclosure.py"),
    ),
    Removal(
        "min and max of small groups",
        "the lowest and highest score of a group under k are shown",
        "service/domain/disclosure.py",
        "    if 0 < n < k:\n        summary.update",
        "    if False:\n        summary.update",
        ("tests/unit/test_disclosure.py",),
    ),
    Removal(
        "live view in steps of k",
        "live.json's figures change with every submission",
        "service/domain/disclosure.py",
        "    if len(waiting) >= k or (not phase_open and len(submitted) >= k):",
        "    if True:",
        ("tests/integration/test_insider_attacks.py", "tests/unit/test_disclosure.py"),
    ),
    Removal(
        "reports pass through disclosure",
        "the evaluator report (JSON, CSV, CLI) shows every cell",
        "service/reports.py",
        "    report = disclose_report(cohort_report(bank, counted, cohort_id=single), k)",
        "    report = cohort_report(bank, counted, cohort_id=single)",
        ("tests/integration/test_insider_attacks.py",),
    ),
    Removal(
        "trainer report passes through disclosure",
        "the trainer's report JSON shows every cell",
        "service/web/api.py",
        "        return disclose_report(report, services().settings.k_anonymity)",
        "        return report",
        ("tests/integration/test_insider_attacks.py",),
    ),
    Removal(
        "trainer page passes through disclosure",
        "the trainer page and live.json show every cell",
        "service/web/trainer.py",
        "    report = disclose_report(cohort_report(bank, shown, cohort_id=cohort.id), k)",
        "    report = cohort_report(bank, shown, cohort_id=cohort.id)",
        ("tests/integration/test_insider_attacks.py",),
    ),
    Removal(
        "pseudonym is not the stored hash",
        "the export carries the stored hash (shortened)",
        "service/domain/export.py",
        "return hmac.new(export_key, participant_hash.encode(), hashlib.sha256).hexdigest()[:16]",
        "return participant_hash[:16]",
        ("tests/integration/test_nothing_identifying_is_kept.py", "tests/unit/test_export.py"),
    ),
    Removal(
        "per-export key",
        "every export uses the configured key",
        "service/exports.py",
        "        return secrets.token_bytes(32)",
        "        return settings.export_key",
        ("tests/integration/test_export_anonymity.py",),
    ),
    Removal(
        "row order by pseudonym",
        "rows ordered by the stored hash",
        "service/domain/export.py",
        'key=lambda s: (pseudonym(export_key, s.participant_hash), s.phase != "pre")',
        'key=lambda s: (s.participant_hash, s.phase != "pre")',
        ("tests/unit/test_export.py",),
    ),
    Removal(
        "trainer secret checked",
        "any bearer of a trainer token reads any cohort",
        "service/web/auth.py",
        "    if operations.tokens_match(token, cohort.trainer_token_hash):",
        "    if token:",
        ("tests/integration/test_access_matrix.py",),
    ),
    Removal(
        "existence not revealed",
        "a wrong trainer secret answers 401 instead of the unknown cohort's 404",
        "service/web/auth.py",
        '        return cohort, bank\n    raise NotFound(N_("no such cohort"))',
        '        return cohort, bank\n    raise Unauthorized(N_("no such cohort"))',
        ("tests/integration/test_access_matrix.py",),
    ),
    Removal(
        "evaluator token required",
        "exports open to anyone",
        "service/web/auth.py",
        "    if not is_evaluator(bearer_token()):",
        "    if False:",
        ("tests/integration/test_access_matrix.py",),
    ),
    Removal(
        "trainer token stored as a hash",
        "the trainer token stored as it is",
        "service/operations.py",
        "        trainer_token_hash=token_hash(trainer_token),",
        "        trainer_token_hash=trainer_token,",
        ("tests/integration/test_nothing_identifying_is_kept.py", "tests/integration/test_api_basics.py"),
    ),
    Removal(
        "rotation revokes",
        "a rotated trainer token keeps working",
        "service/store/dynamodb.py",
        '            UpdateExpression="SET trainer_token_hash = :hash",',
        '            UpdateExpression="SET rotated = :hash",',
        ("tests/integration/test_cohort_lifecycle.py",),
    ),
    Removal(
        "closed for good",
        "a closed cohort still takes JSON submissions",
        "service/submissions.py",
        "    if cohort.closed:\n        raise CohortClosed",
        "    if False:\n        raise CohortClosed",
        ("tests/integration/test_cohort_lifecycle.py",),
    ),
    Removal(
        "free text refused",
        "demographic answers stored without checking them against the options",
        "service/submissions.py",
        "    chosen_demographics = _check_demographics(bank, demographics or {})",
        "    chosen_demographics = dict(demographics or {})",
        ("tests/integration/test_nothing_identifying_is_kept.py",),
    ),
    Removal(
        "minute timestamps",
        "submission times stored to the second",
        "service/operations.py",
        '    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ")',
        '    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")',
        ("tests/integration/test_nothing_identifying_is_kept.py",),
    ),
    Removal(
        "csp",
        "inline scripts allowed",
        "service/web/security.py",
        "\"script-src 'self'; \"",
        "\"script-src 'self' 'unsafe-inline'; \"",
        ("tests/integration/test_security_headers.py", "tests/integration/test_access_matrix.py"),
    ),
    Removal(
        "no-store",
        "pages and JSON cacheable by shared caches",
        "service/web/security.py",
        '        headers.setdefault("Cache-Control", NO_STORE)',
        "        pass",
        ("tests/integration/test_security_headers.py",),
    ),
    Removal(
        "hsts",
        "X-Forwarded-Proto believed from anyone",
        "service/web/security.py",
        "    if trusted_proxies:",
        "    if True:",
        ("tests/integration/test_security_headers.py",),
        also=("x_proto=trusted_proxies", "x_proto=1"),
    ),
    Removal(
        "trainer cookie httponly",
        "the trainer cookie readable by scripts",
        "service/web/trainer.py",
        "            httponly=True,",
        "            httponly=False,",
        ("tests/integration/test_trainer_page.py", "tests/integration/test_security_headers.py"),
    ),
    Removal(
        "trainer link from another site",
        "a trainer link clicked in a webmail is redirected and lands on the not-found page",
        "service/web/trainer.py",
        '        if request.headers.get("Sec-Fetch-Site") == "cross-site":',
        "        if False:",
        ("tests/integration/test_trainer_page.py",),
    ),
    Removal(
        "logout ends the session",
        "a console cookie replayed after logging out still opens the console",
        "service/domain/console_sessions.py",
        "            self.ended_at is None\n            and ",
        "            ",
        ("tests/integration/test_console_sessions.py",),
    ),
    Removal(
        "idle console sessions end",
        "a console session left for hours without a request stays open",
        "service/domain/console_sessions.py",
        "            and now - self.last_seen < IDLE_SECONDS\n",
        "\n",
        ("tests/integration/test_console_sessions.py",),
    ),
    Removal(
        "console sessions end after 8 hours",
        "a console session kept busy never ends",
        "service/domain/console_sessions.py",
        "            and now < self.expires_at\n",
        "\n",
        ("tests/integration/test_console_sessions.py",),
    ),
    Removal(
        "a new admin token ends sessions",
        "console sessions opened under a leaked admin token survive its change",
        "service/domain/console_sessions.py",
        "            and hmac.compare_digest(self.token_generation, token_generation)\n",
        "\n",
        ("tests/integration/test_console_sessions.py",),
    ),
    Removal(
        "a session opens only its role's pages",
        "an evaluator's session id opens the coordinator's console (and a coordinator's the workspace)",
        "service/domain/console_sessions.py",
        "            and self.role == role\n",
        "\n",
        ("tests/unit/test_session_roles.py", "tests/integration/test_evaluator_workspace.py"),
    ),
    Removal(
        "the workspace's forms need the session's CSRF secret",
        "a page on another site can make a logged-in evaluator's browser post the workspace's forms",
        "service/web/evaluator.py",
        "    sessions.check_form(g.evaluator_session)\n",
        "\n",
        ("tests/integration/test_evaluator_workspace.py",),
    ),
    Removal(
        "console login throttle",
        "the admin token can be guessed at the console's login as fast as requests go",
        "service/web/sessions.py",
        "    if wait:  # the token is not even compared",
        "    if False:  # the token is not even compared",
        ("tests/integration/test_console_sessions.py",),
    ),
    Removal(
        "submissions capped per cohort",
        "a forwarded link or a script fills a class's results without limit",
        "service/submissions.py",
        "    if not store.take_submission_place(cohort.id, submission.phase, cohort.submission_limit):",
        "    if False:",
        ("tests/integration/test_cohort_caps.py",),
    ),
    Removal(
        "a retry takes no second place",
        "each retry of a stored submission uses up a place of the cap",
        "service/submissions.py",
        "    if not created:\n        with contextlib.suppress(ServiceError):\n"
        "            store.give_back_submission_place(cohort.id, submission.phase)\n",
        "",
        ("tests/integration/test_cohort_caps.py",),
    ),
    Removal(
        "default secrets refused",
        "deployed stages accept example and test secrets",
        "service/settings.py",
        "    if stage in DEPLOYED_STAGES:\n        _refuse_guessable(name, value, stage)",
        "    if False:\n        _refuse_guessable(name, value, stage)",
        ("tests/unit/test_settings.py",),
    ),
    Removal(
        "unknown stage refused",
        "a misspelt stage runs as local, without the deployed checks",
        "service/settings.py",
        "    if stage not in STAGES:",
        "    if False:",
        ("tests/unit/test_settings.py",),
    ),
    Removal(
        "libraries kept quiet",
        "botocore logs request bodies when the root logger is at DEBUG",
        "service/app.py",
        "    observability.quiet_chatty_libraries()\n",
        "",
        ("tests/integration/test_logs.py",),
    ),
    Removal(
        "no codes in logs",
        "the participant code logged with each submission",
        "service/submissions.py",
        'extra={"cohort_id": cohort.id, "phase": phase}',
        'extra={"cohort_id": cohort.id, "phase": phase, "code": code}',
        ("tests/integration/test_logs.py",),
    ),
    Removal(
        "zappa access log off",
        "Zappa logs each request line (trainer token, client IP, user agent)",
        "zappa_settings.json",
        '"log_level": "WARNING"',
        '"log_level": "INFO"',
        ("tests/unit/test_deployed_configuration.py",),
    ),
    Removal(
        "413 before parsing",
        "no request body limit",
        "service/app.py",
        "        MAX_CONTENT_LENGTH=settings.max_body_bytes,\n",
        "",
        ("tests/integration/test_api_basics.py",),
    ),
    Removal(
        "submission id hashed",
        "the client's submission id is stored as it came",
        "service/submissions.py",
        "        submission_id=linkage.submission_id_hash(key, submission_id),",
        "        submission_id=submission_id,",
        ("tests/integration/test_identity_and_erasure.py",),
    ),
    Removal(
        "retry needs the same answers",
        "a replayed submission id gets the stored code whatever it sends",
        "service/submissions.py",
        "    if not created and not linkage.same_answers(stored, phase, checked, chosen_demographics):",
        "    if False:",
        ("tests/integration/test_identity_and_erasure.py",),
    ),
    Removal(
        "random submission ids only",
        "a nil or time-based UUID is taken as a submission id",
        "service/submissions.py",
        "    if not linkage.is_random_uuid(submission_id):",
        "    if False:",
        ("tests/integration/test_identity_and_erasure.py",),
    ),
    Removal(
        "linkage key destroyed at close",
        "closing for good keeps the cohort's linkage salt",
        "service/store/dynamodb.py",
        "SET closed_at = if_not_exists(closed_at, :at), #phases = :phases REMOVE linkage_salt",
        "SET closed_at = if_not_exists(closed_at, :at), #phases = :phases",
        ("tests/integration/test_identity_and_erasure.py", "tests/integration/test_nothing_identifying_is_kept.py"),
    ),
    Removal(
        "retention",
        "items are written without an expiry",
        "service/operations.py",
        "    return int(datetime.now(UTC).timestamp()) + settings.retention_days * 86400",
        "    return None",
        ("tests/integration/test_identity_and_erasure.py",),
    ),
    Removal(
        "deep json refused",
        "a body of 30,000 '[' reaches the parser: RecursionError, a 500",
        "service/web/json_body.py",
        "    app.before_request(refuse_unreadable_json)",
        "    pass",
        ("tests/integration/test_hostile_input.py",),
    ),
    Removal(
        "hidden characters refused",
        "control, bidi and zero-width characters and lone surrogates are stored (a surrogate: a 503)",
        "service/domain/text.py",
        "    found = _HIDDEN.search(text)",
        "    found = None",
        ("tests/integration/test_hostile_input.py",),
    ),
    Removal(
        "configured regions only",
        "any text is a cohort's region, 'suppressed' too",
        "service/operations.py",
        "    if region and region not in settings.regions:",
        "    if False:",
        ("tests/integration/test_hostile_input.py",),
    ),
    Removal(
        "'suppressed' is no region",
        "ASSESS_REGIONS may offer the exports' suppression marker as a region",
        "service/settings.py",
        "        if name.casefold() == SUPPRESSED:",
        "        if False:",
        ("tests/unit/test_settings.py",),
    ),
    Removal(
        "formula guard knows every start",
        "cells starting with tab, CR, LF or a full-width = + - @ reach spreadsheets as they are",
        "service/domain/csv_cells.py",
        "text.startswith(FORMULA_STARTS)",
        'text.startswith(("=", "+", "-", "@"))',
        ("tests/unit/test_export.py", "tests/unit/test_report_outputs.py"),
    ),
    Removal(
        "128-bit secrets",
        "a deployed stage takes 26 letters in order or a keyboard row as a secret",
        "service/settings.py",
        "    if bits < MIN_BITS:",
        "    if False:",
        ("tests/unit/test_settings.py",),
    ),
    Removal(
        "common password hashes refused",
        "the SHA-256 of 123456 is taken as a token hash",
        "service/settings.py",
        '"change-me", *COMMON_PASSWORDS)',
        '"change-me")',
        ("tests/unit/test_settings.py",),
    ),
    Removal(
        "export key of its own",
        "the export key may be the HMAC key or a token",
        "service/settings.py",
        "            _refuse_shared_export_key(export_key, hmac_key, admin, evaluator)",
        "            pass",
        ("tests/unit/test_settings.py",),
    ),
    Removal(
        "public url required",
        "a deployed stage starts without ASSESS_PUBLIC_URL and builds links from the Host header",
        "service/settings.py",
        "    if url != EXECUTE_API and not _PUBLIC_URL.match(url):",
        "    if False:",
        ("tests/unit/test_settings.py",),
    ),
    Removal(
        "execute-api links from api gateway",
        "links on the execute-api URL come from the request's Host header",
        "service/web/links.py",
        '        return execute_api_root(request.environ.get("lambda.event") or {}, settings.region)',
        '        return request.host_url.rstrip("/") + request.script_root',
        ("tests/integration/test_links.py",),
    ),
    Removal(
        "given tokens not printed",
        "the local banner prints a token the operator set in the environment",
        "service/__main__.py",
        "if name in environment.given else os.environ[name]",
        "if False else os.environ[name]",
        ("tests/unit/test_local_banner.py",),
    ),
    Removal(
        "local export files expire",
        "a local run keeps every export file for ever",
        "service/store/export_files.py",
        "            elif until < now:",
        "            elif False:",
        ("tests/unit/test_local_exports.py", "tests/integration/test_export_jobs.py"),
    ),
]


def run(removal: Removal, python: str) -> tuple[bool, str, float]:
    """(caught, pytest's summary line, seconds) for one removal, in a scratch copy."""
    with tempfile.TemporaryDirectory(prefix="protection-") as scratch:
        for name in COPY:
            source = ROOT / name
            target = Path(scratch) / name
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(source, target)
        if (ROOT / ".cache").is_dir():  # dynalite, so that its half of the store tests runs there too
            (Path(scratch) / ".cache").symlink_to((ROOT / ".cache").resolve())
        path = Path(scratch) / removal.file
        text = path.read_text(encoding="utf-8")
        for old, new in [(removal.old, removal.new), *([removal.also] if removal.also else [])]:
            if text.count(old) != 1:
                return False, f"the protected code was not found once in {removal.file}: update this script", 0.0
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
        started = time.monotonic()
        result = subprocess.run(
            [python, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *removal.tests],
            cwd=scratch,
            capture_output=True,
            text=True,
        )
        failed = [
            line.split(" - ")[0].split(" ", 1)[1]
            for line in result.stdout.splitlines()
            if line.startswith(("FAILED tests/", "ERROR tests/"))
        ]
        summary = ", ".join(failed) if failed else result.stdout[-300:]
        return result.returncode != 0, summary, time.monotonic() - started


def main(names: list[str]) -> int:
    chosen = [r for r in REMOVALS if not names or r.name in names]
    python = sys.executable
    failures = 0
    print("| protection removed | what that allows | first test that failed (-x) |")
    print("| --- | --- | --- |")
    for removal in chosen:
        caught, summary, seconds = run(removal, python)
        failures += not caught
        verdict = f"`{summary}`" if caught else f"NOT CAUGHT ({summary})"
        print(f"| {removal.name} | {removal.what} | {verdict} ({seconds:.0f} s) |", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
