"""Every link and cookie path the service hands out, in one place.

A deployed stage is reached two ways: behind a custom domain (`ASSESS_PUBLIC_URL`, no prefix) or on
API Gateway's default execute-api URL, where every page lives under the stage (`/prod/...`). Zappa's
handler says which: on an `amazonaws.com` host it sets the WSGI script root (`SCRIPT_NAME`) to
`/<stage>` and strips it from the path. Links start from the configured public URL; with
`ASSESS_PUBLIC_URL=execute-api`, from the API id and stage in API Gateway's request context (Zappa
keeps the event in the WSGI environ), which no client can change. Only a local run, which has no
public URL of its own, builds links from the request's host. Cookie paths always carry the script
root of the request that sets them, because that is the path the browser sends them back on.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from markupsafe import Markup

from service.settings import EXECUTE_API
from service.web import services


def site_root() -> str:
    """Where participants, trainers and programs reach the service: `https://assess.example.org`, or
    `https://abc.execute-api.eu-central-1.amazonaws.com/prod` on the default URL."""
    settings = services().settings
    if settings.public_url == EXECUTE_API:
        return execute_api_root(request.environ.get("lambda.event") or {}, settings.region)
    return settings.public_url or request.host_url.rstrip("/") + request.script_root


def execute_api_root(event: dict, region: str) -> str:
    """The stage's default URL, from the API id and stage API Gateway sent with the event."""
    context = event.get("requestContext") or {}
    api_id, stage = context.get("apiId"), context.get("stage")
    if not (api_id and stage):
        raise RuntimeError("ASSESS_PUBLIC_URL=execute-api, but the request did not come through API Gateway")
    return f"https://{api_id}.execute-api.{region}.amazonaws.com/{stage}"


def participant_link(root: str, cohort_id: str) -> str:
    return f"{root}/c/{cohort_id}"


def trainer_link(root: str, cohort_id: str, token: str) -> str:
    """The trainer's link: the token moves into a cookie on first use (service/web/trainer.py)."""
    return f"{root}/cohorts/{cohort_id}?token={token}"


def participant_url(cohort_id: str) -> str:
    return participant_link(site_root(), cohort_id)


def trainer_url(cohort_id: str, token: str) -> str:
    return trainer_link(site_root(), cohort_id, token)


def export_job_url(job_id: str) -> str:
    return f"{site_root()}/api/v1/exports/jobs/{job_id}"


def from_another_site() -> bool:
    """Whether this request was sent by another origin's page (a form that posts here, auto-submitted).
    Browsers say so in `Sec-Fetch-Site` (anything but same-origin, or none for a typed address); one
    that does not send it is judged by its `Origin`, unless that is "null", which is what our own
    pages send too (their `Referrer-Policy: no-referrer`). A client that sends neither (curl, an app)
    is no page of another site: it could not use a participant's cookies anyway."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return False
    own = {_origin(request.host_url)}
    if services().settings.public_url:
        own.add(_origin(services().settings.public_url))
    return origin.rstrip("/").lower() not in own


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}".lower()


def cookie_path(path: str) -> str:
    """A cookie path as the browser sees it: under the stage prefix on the execute-api URL."""
    return request.script_root + path


def short_link(url: str) -> str:
    """The link without its scheme, to read out or copy from a projected screen."""
    return url.split("://", 1)[-1]


def qr_svg(url: str) -> Markup:
    """The link as an inline SVG QR code that scales to its box (a viewBox, no width or height),
    labelled for screen readers. The same code on the trainer page, the projector and the console."""
    import segno  # here: a cold start serving a participant page draws no QR code

    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, svgclass=None, lineclass=None)
    label = Markup(' role="img" aria-label="{}"').format(_("QR code of the participant link"))
    return Markup(svg.replace("<svg", "<svg" + str(label), 1))
