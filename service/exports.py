"""The export use case: what an evaluator asks for (one `ExportQuery`, built once at the HTTP edge),
which cohorts and submissions that covers, and the file it gives. The synchronous response and the
export job (service/export_jobs.py) both call `build_export` with the same query; the job stores it
as JSON (`to_json` / `from_json`) between the request and the run."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import date

from service import catalogs
from service.errors import ExportTooLarge
from service.observability import logger
from service.operations import Services, now_to_the_minute
from service.reports import select_cohorts
from service.settings import Settings

KINDS = ("submissions", "participants")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = {"csv": "text/csv", "jsonl": "application/x-ndjson", "xlsx": XLSX, "zip": "application/zip"}


@dataclass(frozen=True)
class ExportQuery:
    """One export request, whatever path builds it: kind, file format, pseudonym key and filters."""

    kind: str = "submissions"
    file_format: str = "csv"
    pseudonym_key: str | None = None
    pooled: bool = False
    cohort_id: str | None = None
    bank_id: str | None = None
    bank_version: str | None = None
    region: str | None = None  # the evaluator's workspace filters by region too
    day_from: date | None = None
    day_to: date | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown export kind {self.kind!r}")
        if self.file_format not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {self.file_format!r}")

    @classmethod
    def from_arguments(cls, kind: str, arguments: dict) -> ExportQuery:
        """From the query string as schemas.ExportQuerySchema loaded it (`from` is `from_` there)."""
        return cls(
            kind=kind,
            file_format=arguments.get("format", "csv"),
            pseudonym_key=arguments.get("pseudonym_key"),
            pooled=arguments.get("pooled", False),
            cohort_id=arguments.get("cohort_id"),
            bank_id=arguments.get("bank_id"),
            bank_version=arguments.get("bank_version"),
            day_from=arguments.get("from_"),
            day_to=arguments.get("to"),
        )

    def to_json(self) -> dict:
        fields = asdict(self)
        for name in ("day_from", "day_to"):
            fields[name] = fields[name].isoformat() if fields[name] else None
        return fields

    @classmethod
    def from_json(cls, fields: dict) -> ExportQuery:
        days = {name: date.fromisoformat(fields[name]) if fields.get(name) else None for name in ("day_from", "day_to")}
        return cls(**{**fields, **days})

    def filters(self) -> dict:
        """The filters as the metadata names them."""
        return {
            "cohort_id": self.cohort_id,
            "bank_id": self.bank_id,
            "bank_version": self.bank_version,
            "region": self.region,
            "from": self.day_from.isoformat() if self.day_from else None,
            "to": self.day_to.isoformat() if self.day_to else None,
        }

    @property
    def filtered_by_day(self) -> bool:
        return bool(self.day_from or self.day_to)

    def with_format(self, file_format: str) -> ExportQuery:
        return replace(self, file_format=file_format)


@dataclass(frozen=True)
class ExportFile:
    body: bytes
    content_type: str
    filename: str
    rows: int
    headers: dict[str, str]  # the metadata as X-Export-* headers


def export_data(services: Services, query: ExportQuery):
    """The cohorts (with bank and every submission) an export covers: one cohort by key, or every
    cohort found through the cohorts index, of the bank and version asked for. Every submission, not
    only the day asked for: what may be shown of a participant is decided on the whole cohort."""
    from service.domain import export as exports  # here: export formats are not loaded by a cold start

    selected = []
    for cohort in _cohorts(services, query):
        bank = services.banks.get(cohort.bank_id, cohort.bank_version)
        if bank is None:
            continue
        selected.append(exports.CohortData(cohort, bank, list(services.store.cohort_submissions(cohort.id))))
    return selected


def estimate_rows(services: Services, query: ExportQuery) -> int:
    """An upper bound of the rows an export with this query has (before day filters): a COUNT query
    for each cohort it covers, chosen as the export itself chooses them."""
    return sum(services.store.count_cohort_submissions(cohort.id) for cohort in _cohorts(services, query))


def _cohorts(services: Services, query: ExportQuery):
    cohorts = select_cohorts(
        services,
        cohort_ids=[query.cohort_id] if query.cohort_id else [],
        bank_id=query.bank_id,
        bank_version=query.bank_version,
    )
    return [cohort for cohort in cohorts if not query.region or cohort.region == query.region]


def pseudonym_export_key(settings: Settings, name: str | None) -> bytes:
    """The key an export's pseudonyms are made with. Without a name: a fresh random key, so this export
    joins no other. With a name: derived from the configured export key and the name, so exports asked
    for with the same name share pseudonyms (and can be joined) and no one without the server's key
    can compute them (docs/security.md, "Export keys")."""
    if not name:
        return secrets.token_bytes(32)
    return hmac.new(settings.export_key, b"pseudonym-key:" + name.encode(), hashlib.sha256).digest()


def build_export(services: Services, query: ExportQuery, *, max_rows: int | None = None) -> ExportFile:
    """An anonymized export as a file: CSV (UTF-8 with BOM), JSON Lines, an Excel workbook (data,
    codebook and metadata sheets), or a zip of CSV and JSON Lines with the codebook, the metadata and
    the bank versions used. With `max_rows`, an export of more rows is
    refused (ExportTooLarge) before it is written out."""
    from service.domain import export as exports
    from service.domain.codebook import bundle, codebook

    build = exports.submission_export if query.kind == "submissions" else exports.participant_export
    export = build(
        export_data(services, query),
        export_key=pseudonym_export_key(services.settings, query.pseudonym_key),
        k=services.settings.k_anonymity,
        pooled=query.pooled,
        day_from=query.day_from.isoformat() if query.day_from else None,
        day_to=query.day_to.isoformat() if query.day_to else None,
    )
    metadata = exports.export_metadata(
        export, generated_on=now_to_the_minute()[:10], pseudonym_key=query.pseudonym_key, filters=query.filters()
    )
    if max_rows is not None and metadata["rows"] > max_rows:
        raise ExportTooLarge(f"{metadata['rows']} rows")
    if query.file_format == "zip":
        body = bundle(export, metadata, codebook(export, catalogs.in_languages))
    elif query.file_format == "xlsx":
        from service.domain.workbook import workbook  # XlsxWriter only when an XLSX is asked for

        exported_at = now_to_the_minute()
        body = workbook(export, metadata, codebook(export, catalogs.in_languages), exported_at)
    elif query.file_format == "jsonl":
        body = exports.to_jsonl(export).encode("utf-8")
    else:
        body = exports.to_csv(export).encode("utf-8")
    logger.info(
        "export built",
        extra={
            "export": query.kind,
            "format": query.file_format,
            "rows": metadata["rows"],
            "suppressed_rows": metadata["suppressed_rows"],
        },
    )
    return ExportFile(
        body,
        EXPORT_FORMATS[query.file_format],
        f"{query.kind}.{query.file_format}",
        metadata["rows"],
        exports.metadata_headers(metadata),
    )
