"""The report as a flat table, one row per figure, for spreadsheets, SPSS and R (docs/report.md).

Columns: bank_id, bank_version, cohorts (space-separated ids), section (phase, topic, language,
histogram, paired, gain_histogram, paired_gain, attrition, item, retention, reaction; evaluator
reports also cohort, meta), phase (pre, post, follow_up or empty), group (topic id, language,
question id, histogram bin, reaction item, cohort id or, for paired_gain, `<breakdown>:<group>` such
as `topic:signs`), figure (an interval is two rows, `<name>_low` and `<name>_high`), value (empty
where the figure is undefined or withheld), n (the number of participants the figure rests on) and
withheld (why a value is empty though
defined: "fewer than 5", domain/disclosure.py). A long table keeps one header whatever the bank's
topics and questions are, and pivots into any wide layout.
"""

from __future__ import annotations

import csv
import io

from service.domain.csv_cells import spreadsheet_cell
from service.domain.models import PHASES

COLUMNS = ["bank_id", "bank_version", "cohorts", "section", "phase", "group", "figure", "value", "n", "withheld"]
SUMMARY_FIGURES = (
    "mean_percent",
    "median_percent",
    "sd_percent",
    "min_percent",
    "max_percent",
    "skewness",
    "kurtosis",
)
PAIRED_FIGURES = (
    "mean_pre_percent",
    "mean_post_percent",
    "mean_gain",
    "sd_gain",
    "t_statistic",
    "t_test_p",
    "cohen_dz",
    "normalized_gain_class",
    "improved",
    "unchanged",
    "declined",
    "wilcoxon_p",
    "sign_test_p",
    "normalized_change_mean",
    "pass_percent",
    "pass_rate_pre",
    "pass_rate_post",
    "pass_mcnemar_p",
)
PAIRED_INTERVALS = ("cohen_dz_ci95", "improved_share_ci95", "normalized_gain_class_ci95")
GAIN_CELL_FIGURES = ("mean_pre_percent", "mean_post_percent", "mean_gain")
ATTRITION_COUNTS = ("pre_only_n", "post_only_n", "returners_n")
ITEM_PHASE_FIGURES = (
    "facility",
    "sd",
    "discrimination",
    "discrimination_index",
    "efficiency",
    "alpha_if_deleted",
    "discrimination_not_judged",
)
ITEM_PHASE_FIGURES = ("facility", "sd", "discrimination", "efficiency")
RETENTION_COUNTS = ("n", "n_pre_follow_up", "n_all_three")
RETENTION_FIGURES = (
    ("mean_post_percent", "n"),
    ("mean_follow_up_percent", "n"),
    ("mean_change", "n"),
    ("change_p", "n"),
    ("pre_follow_up_gain", "n_pre_follow_up"),
    ("retained_share", "n_all_three"),
)
RETENTION_INTERVALS = (("change_ci95", "n"), ("pre_follow_up_gain_ci95", "n_pre_follow_up"))
COHORT_FIGURES = ("mean_gain", "sd_gain")
META_FIGURES = ("method", "cohorts", "participants", "cohorts_without_spread", "estimate", "se", "tau2", "i2")
META_FIGURES += ("q", "q_df", "q_p")


def report_rows(report: dict) -> list[dict]:
    """Every figure of a report as a row, in a stable order: phases, pairs, then items in bank order."""
    cohorts = " ".join(report.get("cohort_ids") or ([report["cohort_id"]] if report.get("cohort_id") else []))
    base = {"bank_id": report["bank_id"], "bank_version": report["bank_version"], "cohorts": cohorts}
    rows = _phase_rows(report) + _paired_rows(report["paired"]) + _paired_gain_rows(report["paired"])
    rows += _attrition_rows(report["attrition"]) + _item_rows(report)
    rows += _retention_rows(report["retention"]) + _reaction_rows(report["reaction"]) + _comparison_rows(report)
    return [base | row for row in rows]


def _row(section: str, phase: str, group: str, figure: str, value, n: int, withheld: str | None = None) -> dict:
    """`withheld`: why the value (and perhaps n) is empty: a group under k (domain/disclosure.py)."""
    row = {"section": section, "phase": phase, "group": group, "figure": figure, "value": value, "n": n}
    return row | {"withheld": withheld}


def _summary_rows(section: str, phase: str, group: str, summary: dict) -> list[dict]:
    n, withheld = summary["n"], summary.get("withheld")
    reasons = withheld if isinstance(withheld, dict) else dict.fromkeys(("n", *SUMMARY_FIGURES), withheld)
    return [
        _row(section, phase, group, figure, summary[figure], n, reasons.get(figure))
        for figure in ("n", *SUMMARY_FIGURES)
    ]


def _phase_rows(report: dict) -> list[dict]:
    rows = []
    for phase in PHASES:
        summary = report["phases"][phase]
        rows += _summary_rows("phase", phase, "", summary)
        rows += [_row("phase", phase, "", figure, summary[figure], summary["n"]) for figure in ("kr20", "sem")]
        rows += _interval_rows("phase", phase, "", "kr20_ci95", summary["kr20_ci95"], summary["n"])
        for topic, figures in summary["by_topic"].items():
            rows += _summary_rows("topic", phase, topic, figures)
        for language, figures in summary["by_language"].items():
            rows += _summary_rows("language", phase, language, figures)
        for histogram_bin in summary["histogram"]:
            closing = "]" if histogram_bin["high"] == 100 else ")"
            interval = f"[{histogram_bin['low']}, {histogram_bin['high']}{closing}"
            rows.append(_row("histogram", phase, interval, "count", histogram_bin["n"], summary["n"]))
    return rows


def _paired_rows(paired: dict) -> list[dict]:
    n = paired["n"]
    rows = [_row("paired", "", "", "n", n, n)]
    rows.append(_row("paired", "", "", "pairing_rate", paired["pairing_rate"], n))
    rows += [_row("paired", "", "", figure, paired[figure], n) for figure in PAIRED_FIGURES]
    low, high = paired["gain_ci95"]
    rows += [_row("paired", "", "", "gain_ci95_low", low, n), _row("paired", "", "", "gain_ci95_high", high, n)]
    for name in PAIRED_INTERVALS:
        rows += _interval_rows("paired", "", "", name, paired[name], n)
    excluded = paired["normalized_gain_excluded"]
    rows.append(_row("paired", "", "", "normalized_gain_mean", paired["normalized_gain_mean"], n - excluded))
    rows.append(_row("paired", "", "", "normalized_gain_excluded", excluded, n))
    rows.append(_row("paired", "", "", "normalized_change_excluded", paired["normalized_change_excluded"], n))
    for gain_bin in paired["gain_histogram"]:
        rows.append(_row("gain_histogram", "", _gain_interval(gain_bin), "count", gain_bin["n"], n))
    return rows


def _interval_rows(section: str, phase: str, group: str, name: str, interval, n, withheld=None) -> list[dict]:
    low, high = interval or (None, None)
    return [
        _row(section, phase, group, f"{name}_low", low, n, withheld),
        _row(section, phase, group, f"{name}_high", high, n, withheld),
    ]


def _paired_gain_rows(paired: dict) -> list[dict]:
    """The paired gain by topic, language and demographic: `<breakdown>:<group>` in the group column."""
    rows = []
    for breakdown in [name for name in paired if name.startswith("by_")]:
        for group, cell in paired[breakdown].items():
            label, n, withheld = f"{breakdown.removeprefix('by_')}:{group}", cell["n"], cell.get("withheld")
            rows.append(_row("paired_gain", "", label, "n", n, n, withheld))
            rows += [_row("paired_gain", "", label, figure, cell[figure], n, withheld) for figure in GAIN_CELL_FIGURES]
            rows += _interval_rows("paired_gain", "", label, "gain_ci95", cell["gain_ci95"], n, withheld)
    return rows


def _attrition_rows(attrition: dict) -> list[dict]:
    reasons = attrition.get("withheld") or {}
    rows = [_row("attrition", "", "", name, attrition[name], attrition[name]) for name in ATTRITION_COUNTS]
    for name, n in (("returners_pre_mean_percent", "returners_n"), ("non_returners_pre_mean_percent", "pre_only_n")):
        rows.append(_row("attrition", "", "", name, attrition[name], attrition[n], reasons.get(name)))
    everyone = attrition["returners_n"] + attrition["pre_only_n"]
    rows += _interval_rows(
        "attrition", "", "", "difference_ci95", attrition["difference_ci95"], everyone, reasons.get("difference_ci95")
    )
    return rows


def _gain_interval(gain_bin: dict) -> str:
    low, high = gain_bin["low"], gain_bin["high"]
    if low == high:
        return f"[{low}, {high}]"
    return f"[{low}, {high})" if high <= 0 else f"({low}, {high}]"


def _item_rows(report: dict) -> list[dict]:
    rows = []
    paired_n = report["paired"]["n"]
    for item in report["items"]:
        question = item["question_id"]
        rows.append(_row("item", "", question, "topic", item["topic"], None))
        for phase in ("pre", "post"):
            n = item[f"n_{phase}"]
            rows += [_row("item", phase, question, name, item[f"{name}_{phase}"], n) for name in ITEM_PHASE_FIGURES]
            rows.append(_row("item", phase, question, "confident_wrong", item[f"confident_wrong_{phase}"], n))
        rows.append(_row("item", "follow_up", question, "facility", item["facility_follow_up"], item["n_follow_up"]))
        both = item["lost_post_follow_up"] + item["gained_post_follow_up"]
        for name in ("lost_post_follow_up", "gained_post_follow_up", "mcnemar_p_post_follow_up"):
            rows.append(_row("item", "", question, name, item[name], both))
        for name in ("mcnemar_b", "mcnemar_c", "mcnemar_p", "mcnemar_p_holm"):
            rows.append(_row("item", "", question, name, item[name], paired_n))
        rows.append(_row("item", "", question, "flags", " ".join(item["flags"]), paired_n))
    return rows


def _retention_rows(retention: dict) -> list[dict]:
    withheld = retention.get("withheld")
    rows = [_row("retention", "", "", count, retention[count], retention[count]) for count in RETENTION_COUNTS]
    for figure, n in RETENTION_FIGURES:
        rows.append(_row("retention", "", "", figure, retention[figure], retention[n], withheld))
    for figure, n in RETENTION_INTERVALS:
        low, high = retention[figure]
        rows.append(_row("retention", "", "", f"{figure}_low", low, retention[n], withheld))
        rows.append(_row("retention", "", "", f"{figure}_high", high, retention[n], withheld))
    return rows


def _reaction_rows(reaction: dict) -> list[dict]:
    rows = []
    for item in reaction["items"]:
        n, withheld = item["n"], item.get("withheld")
        figures = ("n", "mean", "agree_share") if item["type"] == "likert" else ("n",)
        rows += [_row("reaction", "", item["id"], figure, item[figure], n, withheld) for figure in figures]
        for value, count in item["distribution"].items():
            rows.append(_row("reaction", "", item["id"], f"count_{value}", count, n, withheld))
    return rows


def to_csv(rows: list[dict]) -> str:
    """Numbers at full precision, empty where undefined. Ids are ASCII (bank ids, topic and question ids,
    language codes), so no byte-order mark is needed and R and pandas read the header as it is;
    every cell goes through the formula guard (domain/csv_cells.py)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: spreadsheet_cell(row[column]) for column in COLUMNS})
    return buffer.getvalue()


def _comparison_rows(report: dict) -> list[dict]:
    """Evaluator reports: a cohort's rows (`group` = its id), then the summary across cohorts."""
    rows = []
    for cohort in report.get("cohorts", []):
        group, n, withheld = cohort["cohort_id"], cohort["paired_n"], cohort.get("withheld")
        rows += [_row("cohort", "", group, name, cohort[name], None) for name in ("label", "region")]
        rows += [_row("cohort", "", group, name, cohort[name], n, withheld) for name in ("paired_n", *COHORT_FIGURES)]
        low, high = cohort["gain_ci95"]
        rows += [_row("cohort", "", group, "gain_ci95_low", low, n, withheld)]
        rows += [_row("cohort", "", group, "gain_ci95_high", high, n, withheld)]
    meta = report.get("meta")
    if meta:
        n = meta["participants"]
        rows += [_row("meta", "", "", name, meta[name], n) for name in META_FIGURES]
        low, high = meta["ci95"]
        rows += [_row("meta", "", "", "ci95_low", low, n), _row("meta", "", "", "ci95_high", high, n)]
    return rows
