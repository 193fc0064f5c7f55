"""A local run's export files (`.local/exports`, no S3 lifecycle rule to forget them): a job's folder
lives while its job may still run and while a download link given for it is valid, then goes."""

from __future__ import annotations

from service.store.export_files import LocalExportFiles, job_key

LINK_SECONDS, JOB_SECONDS = 600, 360


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def files_at(folder, clock: Clock) -> LocalExportFiles:
    return LocalExportFiles(folder, b"k" * 32, link_seconds=LINK_SECONDS, job_seconds=JOB_SECONDS, clock=clock)


def finished_job(files: LocalExportFiles, job_id: str = "job1") -> str:
    files.put(job_key(job_id, "request.json"), b"{}", "application/json")
    files.put(job_key(job_id, "submissions.csv"), b"a,b\r\n", "text/csv")
    files.put(job_key(job_id, "result.json"), b'{"status": "done"}', "application/json")
    return job_key(job_id, "submissions.csv")


def test_an_export_file_is_deleted_once_its_signed_link_has_expired(tmp_path):
    clock = Clock()
    files = files_at(tmp_path, clock)
    key = finished_job(files)
    clock.now += 100
    files.download_url(key, LINK_SECONDS, "https://assess.example.org")
    clock.now += LINK_SECONDS  # the link's last valid second
    assert files.delete_expired() == [] and files.path_of(key).is_file()
    clock.now += 1
    assert files.delete_expired() == ["job1"]
    assert not (tmp_path / "exports" / "job1").exists()


def test_a_later_link_keeps_the_file_until_it_expires_too(tmp_path):
    clock = Clock()
    files = files_at(tmp_path, clock)
    key = finished_job(files)
    files.download_url(key, LINK_SECONDS, "https://h")
    clock.now += 500
    files.download_url(key, LINK_SECONDS, "https://h")
    clock.now += 200
    assert files.delete_expired() == [] and files.path_of(key).is_file()
    clock.now += 401
    assert files.delete_expired() == ["job1"]


def test_a_finished_file_nobody_asked_a_link_for_goes_as_a_link_made_then_would(tmp_path):
    clock = Clock()
    files = files_at(tmp_path, clock)
    key = finished_job(files)
    clock.now += LINK_SECONDS
    assert files.delete_expired() == []
    clock.now += 1
    assert files.delete_expired() == ["job1"] and not files.path_of(key).exists()


def test_a_running_job_keeps_its_folder_until_it_would_read_failed_and_then_a_link_time(tmp_path):
    clock = Clock()
    files = files_at(tmp_path, clock)
    files.put(job_key("slow", "request.json"), b"{}", "application/json")
    clock.now += JOB_SECONDS + LINK_SECONDS
    assert files.delete_expired() == []
    clock.now += 1
    assert files.delete_expired() == ["slow"]


def test_a_folder_left_by_an_older_version_gets_a_grace_period_then_goes(tmp_path):
    clock = Clock()
    (tmp_path / "exports" / "old").mkdir(parents=True)
    (tmp_path / "exports" / "old" / "submissions.csv").write_text("a")
    files = files_at(tmp_path, clock)
    assert files.delete_expired() == []
    clock.now += JOB_SECONDS + LINK_SECONDS + 1
    assert files.delete_expired() == ["old"]
