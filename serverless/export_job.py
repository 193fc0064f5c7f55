"""The export job, as a Lambda handler: runs on the export function (Zappa stage `<stage>_exports`,
no API, minutes instead of the web function's 25 s), invoked asynchronously by the web function
with `{"command": "serverless.export_job.handler", "job_id": ..., "correlation_id": ...}` — Zappa's
handler passes such a `command` event to this function.

powertools: the log lines carry the correlation id of the HTTP request that started the job, the
metrics (exports produced, errors) are flushed once per invocation, and the Tracer records the
DynamoDB and S3 calls in X-Ray.
"""

from __future__ import annotations

import functools

from service import export_jobs, exports, observability
from service.observability import logger, metrics

tracer = observability.tracer()


@functools.cache
def _services():
    """Built once per container, like the web app: settings (secrets from SSM), store, banks."""
    from service.domain.bank_snapshot import load_published
    from service.operations import Services
    from service.settings import Settings
    from service.store.dynamodb import Store, dynamodb_client

    settings = Settings.from_environment()
    store = Store(dynamodb_client(settings.region, settings.dynamodb_endpoint), settings.table_name)
    services = Services(settings=settings, store=store, banks=load_published(settings.banks_dir))
    return services, export_jobs.ExportJobs(settings)


@logger.inject_lambda_context(correlation_id_path="correlation_id", clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    services, jobs = _services()
    job_id = event["job_id"]
    tracer.put_annotation("job_id", job_id)
    status = export_jobs.run_job(jobs, job_id, lambda query: exports.build_export(services, query))
    return {"job_id": job_id, "status": status.status, "rows": status.rows}
