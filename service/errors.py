"""The service's own exceptions. The store and the operations raise these; one table in
`service/web/errors.py` turns each into an HTTP status and the SPEC.md error shape."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for translation where it is written; the web edge translates it when shown."""
    return message


class ServiceError(Exception):
    """`message` is a catalog message (marked with N_); `params` fill its %(name)s placeholders after
    translation, so a message can name the bad value and still be translated."""

    code = "error"

    def __init__(self, message: str, fields: dict[str, str] | None = None, params: dict | None = None):
        self.message = message
        self.fields = fields or {}
        self.params = params or {}
        super().__init__(message % self.params if self.params else message)


class InvalidInput(ServiceError):
    code = "invalid_input"


class TooFewAnswers(InvalidInput):
    """Fewer questions answered than the bank's `min_answered` share: not stored (a blank test would
    count as 0% and pull the class down)."""

    code = "too_few_answers"


class UnknownCode(InvalidInput):
    """A post-test code with no pre-test in this cohort: mistyped, or from another cohort."""

    code = "unknown_code"


class InvalidJson(ServiceError):
    """A request body that is not JSON, or nests too deep to be read safely (service/web/json_body.py)."""

    code = "invalid_json"


class NotFound(ServiceError):
    """Also what a wrong or missing trainer token gets, so that existence is not revealed."""

    code = "not_found"


class Unauthorized(ServiceError):
    code = "unauthorized"


class Forbidden(ServiceError):
    code = "forbidden"


class Conflict(ServiceError):
    code = "conflict"


class AlreadySent(Conflict):
    """This participant has sent this phase already (another submission): the first one counts."""

    code = "already_sent"


class CrossSite(Forbidden):
    """A participant's submit sent from another site's page (a forged form): refused."""

    code = "cross_site"


class CohortClosed(ServiceError):
    """The coordinator closed the cohort for good: no more submissions, no phase opens again."""

    code = "cohort_closed"


class PhaseClosed(ServiceError):
    code = "phase_closed"


class CohortFull(ServiceError):
    """A phase has taken as many submissions as the cohort allows (1.5 × its expected size)."""

    code = "cohort_full"


class Unavailable(ServiceError):
    """The database did not answer in time (throttled, timed out, failing): try again later."""

    code = "unavailable"


class StoredDataError(ServiceError):
    """A stored item the service cannot read (written by an unknown schema version, an attribute
    missing or of the wrong type). `detail` names the item kind and attribute, for the log only."""

    code = "stored_data_unreadable"

    def __init__(self, detail: str):
        super().__init__(N_("Stored data could not be read. The team has been told."))
        self.detail = detail


class ExportTooLarge(Exception):
    """An export over the limits of one response: not an error for the client, who gets a job
    instead (service/export_jobs.py)."""
