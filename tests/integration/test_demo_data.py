"""`make run`'s demonstration cohort comes with a simulated class that took all three tests (issue 18),
stored through the same use case as a phone's, and is left with the pre-test open for a visitor."""

from service import local, reports


def test_the_demonstration_cohort_has_a_class_in_all_three_tests(app):
    services = app.extensions["assess"]

    cohort_id, trainer_token = local.create_demo_cohort(services, seeded=True)

    cohort = services.store.get_cohort(cohort_id)
    summary = reports.cohort_summary(services, cohort)
    assert (summary.pre, summary.post, summary.paired, summary.follow_up) == (30, 27, 27, 18)
    assert cohort.open_phases == ("pre",) and trainer_token
    stored = reports.cohort_submissions(services, cohort)
    assert any(sub.reaction for sub in stored if sub.phase == "post") == bool(
        services.banks.get(cohort.bank_id, cohort.bank_version).reaction
    )


def test_a_run_that_keeps_nothing_starts_the_demonstration_cohort_empty(app):
    services = app.extensions["assess"]

    cohort_id, _ = local.create_demo_cohort(services)

    cohort = services.store.get_cohort(cohort_id)
    assert reports.cohort_summary(services, cohort).pre == 0
