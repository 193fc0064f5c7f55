"""What the trainer page's "compared with other groups" include (templates/trainer/_compared.html)
shows: the summary of the other finished groups of this bank version and this group's own mean gain
beside it, as words and as a forest plot with two rows. Asked for by the whole page only, never by
the live poll (service/compared_cohorts.py says what it costs)."""

from __future__ import annotations

from flask_babel import gettext as _

from service.compared_cohorts import summary_of_other_cohorts
from service.domain.cohort_comparison import MIN_COHORTS_FOR_TRAINERS
from service.domain.models import Cohort
from service.web import formatting, services
from service.web.forest_plot import forest_plot


def compared_with_others(cohort: Cohort, report: dict) -> dict:
    """{"meta": the others' summary or None, "own": this group's row, "plot": SVG or None}."""
    meta = summary_of_other_cohorts(services(), cohort)
    paired = report["paired"]
    own = {
        "cohort_id": cohort.id,
        "label": _("This group"),
        "region": cohort.region,
        "paired_n": paired["n"],
        "mean_gain": paired["mean_gain"],
        "sd_gain": paired.get("sd_gain"),
        "gain_ci95": paired["gain_ci95"],
    }
    plot = None
    if meta is not None:
        others = _("Other groups (%(cohorts)s)", cohorts=meta["cohorts"])
        figures = {"cohorts": [own], "meta": meta}
        plot = forest_plot(figures, _, signed=formatting.signed, chart_id="compared", summary_label=others)
    return {"meta": meta, "own": own, "plot": plot, "min_cohorts": MIN_COHORTS_FOR_TRAINERS}
