"""Pooled evaluator reports over the API with k = 5: the cohort table and the summary, and an evaluator
who asks for every combination of cohorts and tries to get back a withheld cohort's mean gain."""

import dataclasses
import itertools
import math

import pytest

from tests.integration.test_api_basics import create_cohort, submit
from tests.integration.test_reports_api import HALF, RIGHT, WRONG, class_of, report

# Percent scores on the small bank: RIGHT 100, HALF 37.5, WRONG 0.
KYIV = [(WRONG, HALF)] * 3 + [(HALF, RIGHT)] * 2 + [(WRONG, RIGHT)]  # gains 37.5 x3, 62.5 x2, 100
LVIV = [(HALF, RIGHT)] * 4 + [(WRONG, HALF)] * 2 + [(HALF, HALF)]  # gains 62.5 x4, 37.5 x2, 0
ODESA = [(WRONG, RIGHT)] * 3 + [(HALF, RIGHT)] * 2 + [(WRONG, HALF)]  # gains 100 x3, 62.5 x2, 37.5
# 9 took the pre-test (k or more: the cohort is counted), 3 came back: 3 pairs, fewer than k
FEW_PAIRS = [(WRONG, RIGHT), (WRONG, RIGHT), (WRONG, HALF)] + [(HALF, None)] * 6
FEW_PAIRS_GAIN = (100 + 100 + 37.5) / 3


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, k_anonymity=5)


@pytest.fixture
def programme(small_client):
    classes = (("Kyiv", KYIV, "Київська"), ("Lviv", LVIV, "Львівська"), ("Odesa", ODESA, "Одеська"))
    classes += (("Few", FEW_PAIRS, "Полтавська"),)
    ids = {name: class_of(small_client, pairs, label=name, region=f"{where} область") for name, pairs, where in classes}
    return small_client, ids


def test_pooled_report_has_a_row_per_cohort_and_a_summary(programme):
    client, ids = programme
    pooled = report(client, "bank_id=small&bank_version=1").json
    rows = {row["label"]: row for row in pooled["cohorts"]}
    assert [row["cohort_id"] for row in pooled["cohorts"]] == pooled["cohort_ids"]
    assert (rows["Kyiv"]["paired_n"], rows["Kyiv"]["mean_gain"]) == (6, pytest.approx((3 * 37.5 + 125 + 100) / 6))
    assert rows["Kyiv"]["region"] == "Київська область" and rows["Kyiv"]["gain_ci95"][0] < rows["Kyiv"]["mean_gain"]
    assert rows["Few"] == {
        "cohort_id": ids["Few"],
        "label": "Few",
        "region": "Полтавська область",
        "paired_n": None,
        "mean_gain": None,
        "sd_gain": None,
        "gain_ci95": [None, None],
        "withheld": "fewer than 5",
    }
    assert pooled["cohort_rows_withheld"] == {"n": 1, "withheld": "fewer than 5"}
    assert pooled["paired_cohorts_withheld"] == {"n": 1, "withheld": "fewer than 5"}
    assert pooled["cohorts_withheld"] == {"n": 0}
    # the few pairs count in the phases, not in the pairs: the paired figures are the shown rows'
    assert pooled["phases"]["pre"]["n"] == 6 + 7 + 6 + 9 and pooled["paired"]["n"] == 6 + 7 + 6
    meta = pooled["meta"]
    assert (meta["method"], meta["cohorts"], meta["participants"]) == ("DerSimonian-Laird", 3, 19)
    assert meta["ci95"][0] < meta["estimate"] < meta["ci95"][1]
    assert meta["tau2"] >= 0 and 0 <= meta["i2"] < 1 and 0 < meta["q_p"] <= 1


def test_the_pooled_csv_has_the_cohort_rows_and_the_summary(programme):
    client, ids = programme
    lines = report(client, "bank_id=small&bank_version=1&format=csv").get_data(as_text=True).splitlines()
    assert any(line.endswith(f",cohort,,{ids['Few']},mean_gain,,,fewer than 5") for line in lines)
    assert any(",meta,,,method,DerSimonian-Laird,19," in line for line in lines)


def _numbers(value) -> list[float]:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):  # scores (`*_percent`) are levels, not gains: a score of 58.3% that
        # equals the withheld gain of 58.3 points by chance gives nothing away
        return [number for key, item in value.items() if not key.endswith("_percent") for number in _numbers(item)]
    return [number for item in value for number in _numbers(item)]


def _recoveries(first: dict, second: dict) -> list[float]:
    """What an evaluator computes from two reports to single out the cohort one has and the other not:
    the difference of paired totals over the difference of n, and the difference of the summaries'
    inverse-variance totals (exact when tau² is 0 in both: each weight is then 1 / the cohort's variance)."""
    guesses = []
    (n1, m1), (n2, m2) = ((r["paired"]["n"], r["paired"]["mean_gain"]) for r in (first, second))
    if n1 != n2 and m1 is not None and m2 is not None:
        guesses.append((n1 * m1 - n2 * m2) / (n1 - n2))
    if m1 is not None and m2 is None and n1:
        guesses.append(m1)
    s1, s2 = first["meta"]["se"], second["meta"]["se"]
    if s1 and s2 and s1 != s2:
        w1, w2 = 1 / s1**2, 1 / s2**2
        guesses.append((w1 * first["meta"]["estimate"] - w2 * second["meta"]["estimate"]) / (w1 - w2))
    return guesses


def test_no_combination_of_pooled_reports_gives_back_a_withheld_cohorts_gain(programme):
    client, ids = programme
    reports = [report(client, "bank_id=small&bank_version=1").json]
    for size in range(1, len(ids) + 1):
        for chosen in itertools.combinations(ids.values(), size):
            answer = report(client, "&".join(f"cohort_id={cohort_id}" for cohort_id in chosen))
            assert answer.status_code == 200
            reports.append(answer.json)
    with_few = [r for r in reports if ids["Few"] in r["cohort_ids"]]
    assert all(r["paired"]["n"] == 0 or r["paired"]["mean_gain"] is not None for r in with_few)
    shown = [number for r in reports for number in _numbers({k: v for k, v in r.items() if k != "phases"})]
    guesses = [guess for first, second in itertools.permutations(reports, 2) for guess in _recoveries(first, second)]
    assert guesses and shown  # the attack ran
    assert not any(math.isclose(value, FEW_PAIRS_GAIN, rel_tol=1e-9) for value in shown + guesses)
    # the attack works on a shown cohort: the same arithmetic finds Kyiv's mean gain, as it should
    kyiv_gain = (3 * 37.5 + 125 + 100) / 6
    assert any(math.isclose(guess, kyiv_gain, rel_tol=1e-9) for guess in guesses)


def test_a_cohort_alone_with_fewer_than_k_pairs_shows_no_paired_figure(programme):
    client, ids = programme
    alone = report(client, f"cohort_id={ids['Few']}").json
    assert alone["phases"]["pre"]["n"] == 9 and alone["phases"]["post"]["n"] == 3
    assert alone["paired"]["n"] == 0 and alone["paired"]["mean_gain"] is None
    assert all(item["mcnemar_b"] == item["mcnemar_c"] == 0 for item in alone["items"])
    assert alone["meta"]["cohorts"] == 0 and alone["meta"]["estimate"] is None


def test_the_trainers_own_report_of_a_cohort_with_few_pairs_is_whole(programme):
    """The trainer saw the room: their cohort's report pairs everyone (docs/security.md)."""
    client, _ = programme
    created = create_cohort(client, label="Own")
    for pre, post in FEW_PAIRS[:3]:
        code = submit(client, created["cohort_id"], pre).json["participant_code"]
        submit(client, created["cohort_id"], post, phase="post", participant_code=code)
    trainer = {"Authorization": f"Bearer {created['trainer_token']}"}
    own = client.get(f"/api/v1/cohorts/{created['cohort_id']}/report", headers=trainer).json
    assert own["paired"]["n"] == 3 and own["paired"]["mean_gain"] == pytest.approx(FEW_PAIRS_GAIN)
