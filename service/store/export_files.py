"""Where large exports and their jobs' state live: an S3 bucket on AWS, a local folder otherwise.

Everything of one job sits under `exports/<job_id>/`: `request.json` (what was asked), the file
itself, and `result.json` once the job finished (or failed). The bucket forgets all of it after a
few days (its lifecycle rule in serverless/template.yaml). Evaluators download through a link
valid for minutes: an S3 pre-signed URL, or locally an HMAC-signed URL the app itself serves.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import time
from pathlib import Path

from botocore.exceptions import ClientError

from service.errors import N_, Unavailable
from service.observability import logger

PREFIX = "exports"


def job_key(job_id: str, name: str) -> str:
    return f"{PREFIX}/{job_id}/{name}"


class S3ExportFiles:
    def __init__(self, client, bucket: str):
        self.client = client
        self.bucket = bucket

    def put(self, key: str, body: bytes, content_type: str, filename: str | None = None) -> None:
        extra = {"ContentDisposition": f'attachment; filename="{filename}"'} if filename else {}
        with _unavailable_on_failure():
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                ServerSideEncryption="AES256",
                **extra,
            )

    def get_json(self, key: str) -> dict | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            logger.warning("export store call failed", extra={"code": error.response.get("Error", {}).get("Code")})
            raise Unavailable(N_("the export store did not answer; please try again in a moment")) from error
        return json.loads(answer["Body"].read())

    def get_bytes(self, key: str) -> bytes:
        with _unavailable_on_failure():
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def download_url(self, key: str, seconds: int, base_url: str) -> str:
        return self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=seconds
        )


class LocalExportFiles:
    """The same in a folder, for running without AWS; the app serves the files (see download_url).

    No lifecycle rule forgets these, so each job's folder carries the time it may be deleted (its
    `keep-until` file) and `delete_expired` removes the folders past theirs: while the job may still
    run (its request's time, plus the job's time limit and a link's life), then as long as a link
    made when it finished would be valid, or the last link given for it is."""

    KEEP_UNTIL = "keep-until"

    def __init__(self, folder: Path, signing_key: bytes, link_seconds: int = 600, job_seconds: int = 360, clock=None):
        self.folder = folder
        self.signing_key = signing_key
        self.link_seconds = link_seconds
        self.job_seconds = job_seconds
        self.clock = clock or time.time

    def put(self, key: str, body: bytes, content_type: str, filename: str | None = None) -> None:
        path = self.path_of(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(body)
        partial.replace(path)  # readers never see half a file
        if path.name == "request.json":  # a new job
            self._keep(path.parent, self.clock() + self.job_seconds + self.link_seconds)
        elif path.name == "result.json":  # finished: a link's life from now, whatever was set before
            self._keep(path.parent, self.clock() + self.link_seconds, extend_only=False)

    def get_json(self, key: str) -> dict | None:
        path = self.path_of(key)
        return json.loads(path.read_bytes()) if path.is_file() else None

    def get_bytes(self, key: str) -> bytes:
        return self.path_of(key).read_bytes()

    def download_url(self, key: str, seconds: int, base_url: str) -> str:
        expires = int(self.clock()) + seconds
        self._keep(self.path_of(key).parent, expires)
        return f"{base_url}/api/v1/exports/files/{key.removeprefix(PREFIX + '/')}?expires={expires}&signature=" + (
            self.signature(key, expires)
        )

    def signature(self, key: str, expires: int) -> str:
        return hmac.new(self.signing_key, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()

    def valid_signature(self, key: str, expires: int, signature: str) -> bool:
        return expires >= self.clock() and hmac.compare_digest(self.signature(key, expires), signature)

    def path_of(self, key: str) -> Path:
        path = (self.folder / key).resolve()
        if not path.is_relative_to(self.folder.resolve()):
            raise ValueError(f"{key!r} is outside the export folder")
        return path

    def delete_expired(self) -> list[str]:
        """Delete every job folder past its time; return their job ids. A folder without a time (left
        by an older version) gets one now, a running job's worth."""
        jobs = self.folder / PREFIX
        if not jobs.is_dir():
            return []
        now, deleted = self.clock(), []
        for job in sorted(jobs.iterdir()):
            until = self._kept_until(job)
            if until is None:
                self._keep(job, now + self.job_seconds + self.link_seconds)
            elif until < now:
                shutil.rmtree(job, ignore_errors=True)
                deleted.append(job.name)
        if deleted:
            logger.info("expired export files deleted", extra={"jobs": len(deleted)})
        return deleted

    def _keep(self, job: Path, until: float, extend_only: bool = True) -> None:
        current = self._kept_until(job)
        if extend_only and current is not None and current >= until:
            return
        job.mkdir(parents=True, exist_ok=True)
        (job / self.KEEP_UNTIL).write_text(str(int(until)))

    def _kept_until(self, job: Path) -> float | None:
        try:
            return float((job / self.KEEP_UNTIL).read_text())
        except (OSError, ValueError):
            return None


class _unavailable_on_failure:
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if isinstance(exc, ClientError):
            logger.warning("export store call failed", extra={"code": exc.response.get("Error", {}).get("Code")})
            raise Unavailable(N_("the export store did not answer; please try again in a moment")) from exc
        return False
