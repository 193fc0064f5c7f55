"""Does the knowledge last? Figures of the delayed follow-up test against the post-test and the
pre-test, for the participants who took both tests compared (issue 18; docs/report.md).

Pure: per-participant percents and marks in, figures out; what may be shown is decided in
`service.domain.disclosure` like every other figure (groups under k show no figure).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from service.domain.distributions import binomial_two_sided_p
from service.domain.statistics import paired_t

Key = tuple[str, str]  # (cohort id, participant hash): participants are never paired across cohorts


def retention(pre: Mapping[Key, float], post: Mapping[Key, float], follow_up: Mapping[Key, float]) -> dict:
    """Post -> follow-up (the change since the training, paired t), pre -> follow-up (what is left
    of the gain), and the share who retained: follow-up at least pre + half their gain (post - pre),
    among those who took all three."""
    after = sorted(post.keys() & follow_up.keys())
    since = paired_t([post[key] for key in after], [follow_up[key] for key in after])
    from_start = sorted(pre.keys() & follow_up.keys())
    overall = paired_t([pre[key] for key in from_start], [follow_up[key] for key in from_start])
    all_three = sorted(pre.keys() & post.keys() & follow_up.keys())
    retained = [follow_up[key] >= pre[key] + (post[key] - pre[key]) / 2 for key in all_three]
    return {
        "n": len(after),
        "mean_post_percent": _mean([post[key] for key in after]),
        "mean_follow_up_percent": _mean([follow_up[key] for key in after]),
        "mean_change": since["mean_gain"],
        "change_ci95": since["ci95"],
        "change_p": since["p"],
        "n_pre_follow_up": len(from_start),
        "pre_follow_up_gain": overall["mean_gain"],
        "pre_follow_up_gain_ci95": overall["ci95"],
        "n_all_three": len(all_three),
        "retained_share": sum(retained) / len(retained) if retained else None,
    }


def item_retention(post_marks: Mapping[Key, float], follow_up_marks: Mapping[Key, float]) -> dict:
    """One question from the post-test to the follow-up, for those who took both: facility at the
    follow-up and McNemar's exact test on right (full marks) / not right."""
    both = post_marks.keys() & follow_up_marks.keys()
    lost = sum(1 for key in both if post_marks[key] >= 1.0 > follow_up_marks[key])
    gained = sum(1 for key in both if follow_up_marks[key] >= 1.0 > post_marks[key])
    return {
        "n": len(both),
        "facility_follow_up": _mean([follow_up_marks[key] for key in both]),
        "lost": lost,  # right after the training, not at the follow-up
        "gained": gained,
        "mcnemar_p_post_follow_up": binomial_two_sided_p(lost, lost + gained) if both else None,
    }


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
