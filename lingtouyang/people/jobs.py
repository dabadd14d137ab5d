"""Running an uploaded roster import outside the web request: the page starts a separate
`lingtouyang run-import JOB` process and polls the job row for progress."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lingtouyang.audit.context import acting_as
from lingtouyang.audit.services import audit_record
from lingtouyang.people.importer import import_roster
from lingtouyang.people.models import ImportJob


def import_job_create(*, acting_user: Any, upload: UploadedFile, address: str) -> ImportJob:
    settings.UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    job = ImportJob.objects.create(
        created_by=acting_user, region_code=acting_user.region_id or "", file_name=upload.name[:200],
        stored_path="", language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    path = Path(settings.UPLOAD_DIR) / f"import-{job.pk}.xlsx"
    # The upload holds full ID numbers: readable by this account only, deleted when the job ends.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    job.stored_path = str(path)
    job.save(update_fields=["stored_path"])
    if settings.IMPORT_RUNNER == "inline":
        import_job_run(job.pk, address=address)
    else:
        subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-m", "lingtouyang", "run-import", str(job.pk), f"--address={address}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
    return job


def import_jobs_fail_stale() -> int:
    """Jobs still queued or running IMPORT_STALE_MINUTES after they were started have lost their process (killed,
    machine restarted): the import wrote nothing (it commits in one transaction at its very end), so they are
    marked failed, saying so, and their file may simply be imported again. Returns how many."""
    cutoff = timezone.now() - timedelta(minutes=settings.IMPORT_STALE_MINUTES)
    stale = ImportJob.objects.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING],
                                     created_at__lt=cutoff)
    count = 0
    for job in stale.select_related("created_by"):
        with transaction.atomic(), translation.override(job.language):
            # Conditional: a job that finished meanwhile keeps its own outcome.
            changed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ImportJob.Status.FAILED, finished_at=timezone.now(),
                report=[str(_("The import stopped before it finished (its process ended); nothing was imported. "
                              "Upload the file again."))])
            if changed:
                audit_record("roster.import_abandoned", obj=job, region_code=job.region_code, outcome="failed",
                             changes={"file": job.file_name, "rows_done": job.rows_done})
                count += 1
        if changed:
            Path(job.stored_path).unlink(missing_ok=True)  # the upload holds full ID numbers; keep it no longer
    return count


def import_job_run(job_id: int, *, address: str = "") -> ImportJob:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job  # already run: running it again must not import twice
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

    with translation.override(job.language), acting_as(job.created_by, address):
        try:
            result = import_roster(job.stored_path, acting_user=job.created_by, progress=progress,
                                   file_name=job.file_name)
        except Exception:
            # Whatever broke, the job must not look as if it were still running.
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED, finished_at=timezone.now(),
                report=[str(_("The import stopped because of an internal error; nothing was imported."))],
            )
            Path(job.stored_path).unlink(missing_ok=True)
            raise
        job.report = result.report_lines()
    job.status = ImportJob.Status.DONE if result.ok else ImportJob.Status.FAILED
    job.people, job.appointments = result.people, result.appointments
    job.rows_done = job.rows_total = result.rows
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "people", "appointments", "rows_done", "rows_total", "report", "finished_at"])
    Path(job.stored_path).unlink(missing_ok=True)  # the upload holds full ID numbers; keep it no longer
    return job
