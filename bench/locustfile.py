"""The classroom load for bench/load_test.py (locust, headless): 90 phones each load the test page,
answer for a while and send the form once, all within 30 s; 5 trainers poll the live report.

Configured by the environment bench/load_test.py sets: BENCH_COHORT, BENCH_TRAINER_TOKEN,
BENCH_ANSWER_SECONDS (the longest a phone spends answering), BENCH_ARRIVAL_SECONDS (over how long
the phones open the page).
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, constant, task
from locust.exception import StopUser

COHORT = os.environ.get("BENCH_COHORT", "")
TRAINER_TOKEN = os.environ.get("BENCH_TRAINER_TOKEN", "")
ANSWER_SECONDS = float(os.environ.get("BENCH_ANSWER_SECONDS", "20"))
ARRIVAL_SECONDS = float(os.environ.get("BENCH_ARRIVAL_SECONDS", "8"))
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
RADIO = re.compile(r'<input type="(?:radio|checkbox)" name="(a\.[^"]+)" value="([^"]+)"')


class Participant(HttpUser):
    """One phone: the page, some time answering, one submission; then done."""

    fixed_count = int(os.environ.get("BENCH_PARTICIPANTS", "90"))
    wait_time = constant(0)

    @task
    def take_the_test(self):
        self._sleep(random.uniform(0, ARRIVAL_SECONDS))  # a class arrives over a few seconds
        page = self.client.get(f"/c/{COHORT}", name="GET /c/[cohort] (test page)")
        form = {name: value for name, value in HIDDEN.findall(page.text)}
        picked = {}
        for name, value in RADIO.findall(page.text):
            picked.setdefault(name, value)  # the first option of each question
        self._sleep(random.uniform(ANSWER_SECONDS / 10, ANSWER_SECONDS))
        with self.client.post(
            f"/c/{COHORT}", data=form | picked, name="POST /c/[cohort] (submit)", catch_response=True
        ) as answer:
            if answer.status_code != 200 or 'name="submission_id"' in answer.text:
                answer.failure(f"not a result page: {answer.status_code}")
        raise StopUser()

    def _sleep(self, seconds: float) -> None:
        import gevent

        gevent.sleep(seconds)


class Trainer(HttpUser):
    """A trainer's open page refreshing its live part, and the report as JSON, every two seconds."""

    fixed_count = int(os.environ.get("BENCH_TRAINERS", "5"))
    wait_time = constant(2)

    def on_start(self):
        self.client.get(f"/cohorts/{COHORT}?token={TRAINER_TOKEN}", name="GET /cohorts/[cohort] (trainer page)")

    @task
    def poll(self):
        self.client.get(f"/cohorts/{COHORT}/live.json", name="GET /cohorts/[cohort]/live.json")
        self.client.get(
            f"/api/v1/cohorts/{COHORT}/report",
            headers={"Authorization": f"Bearer {TRAINER_TOKEN}"},
            name="GET /api/v1/cohorts/[cohort]/report",
        )
