"""The reviewer's outputs built in the background: the audit workbook, the 审查意见 letters and the
publication package of a year take seconds to minutes (docs/speed.md), longer than an HTTPS
proxy waits for an answer, so a request only queues a `Job` and the serve process's one worker
thread builds the jobs one at a time, oldest first (two LibreOffice runs never overlap).

A job is claimed with `UPDATE … WHERE status = 'queued'` (one claimer wins, on SQLite and on
PostgreSQL); its result is stored (fsync, rename) before the row says done. A job the service's
end cut off (SIGTERM during a long job, kill -9, a power cut) is still `running` at the next
start: `requeue` puts it back in the queue (after three cut-off runs it fails, saying so).
Nothing starts the worker at import: `xlreport serve` does (server/run.py); the in-process
tests run a job with `run_next()` when they want one run.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable

from django.contrib.auth.models import User
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.db.models import F
from django.utils import timezone

from xlreport.errors import XlreportError, reason
from xlreport.server import storage
from xlreport.server.desk import review
from xlreport.server.desk.models import Action, Job, StoredFile
from xlreport.server.desk.service import Refused, data_root

log = logging.getLogger("xlreport.server")

KINDS = dict(Job.KINDS)
MAX_ATTEMPTS = 3  # runs cut off by the service's end before a job is given up
INTERNAL = "生成时出现内部错误（详情已记入服务日志）；请重新生成，如果反复出现，请联系负责本服务的技术人员"
SUPERSEDED = "生成过程中服务已中断；之后又请求了同一项，已按最新的报告重新排队生成，请下载那一项"
CUT_OFF = (f"生成过程中服务已中断 {MAX_ATTEMPTS} 次（停止、重启或断电），未能完成；请检查服务器的内存和磁盘空间后重新生成")


def _publication(year: int) -> tuple[bytes, str]:
    content, name, _ = review.publication(year)
    return content, name


BUILDERS: dict[str, Callable[[int], tuple[bytes, str]]] = {
    Job.AUDIT: review.audit_workbook, Job.FEEDBACK: review.feedback, Job.PUBLISH: _publication,
}


# What changes the outputs: the submissions, their review, last year's reports, the roster.
CHANGES = ("submit", "return", "approve", "import", "account-created")


def active_job(kind: str, year: int) -> Job | None:
    """The job of that kind and year a request may take as its own: the one queued, else the one
    running when nothing it reads changed since it started (a report approved meanwhile would be
    missing from its output)."""
    found = Job.objects.filter(kind=kind, year=year, status__in=(Job.QUEUED, Job.RUNNING)).order_by("-id").first()
    if found is None or found.status == Job.QUEUED:
        return found
    changed = found.started_at is None or Action.objects.filter(verb__in=CHANGES, at__gte=found.started_at).exists()
    return None if changed else found


def start(kind: str, year: int, user: User | None) -> tuple[Job, bool]:
    """Queue a job, or take the one of that kind and year already queued or running on the
    reports as they are now (no work twice): the job and whether it is new."""
    if kind not in KINDS:
        raise Refused(400, f"kind 应是 audit（审查结果）、feedback（审查意见）或 publish（发布包），而不是“{kind}”", "usage")
    for _ in range(3):
        found = active_job(kind, year)
        if found is not None:
            return found, False
        try:
            with transaction.atomic():
                job = Job.objects.create(kind=kind, year=year, requested_by=user)
        except IntegrityError:  # another request queued it in the meantime (the one_queued_job constraint)
            continue
        wake()
        return job, True
    raise Refused(409, "同一项内容正被反复请求，请稍后刷新页面查看", "busy")


def claim() -> Job | None:
    """The oldest queued job, now running (None when the queue is empty): the UPDATE that finds
    it still queued wins it, so no job runs twice."""
    for job_id in Job.objects.filter(status=Job.QUEUED).order_by("id").values_list("id", flat=True)[:10]:
        won = Job.objects.filter(pk=job_id, status=Job.QUEUED).update(
            status=Job.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1)
        if won:
            return Job.objects.get(pk=job_id)
    return None


def _end(job: Job, **fields: Any) -> Job:
    Job.objects.filter(pk=job.pk, status=Job.RUNNING).update(finished_at=timezone.now(), **fields)
    job.refresh_from_db()
    return job


def run(job: Job) -> Job:
    """Build a claimed job's output and keep it: done with its file, or failed with why in Chinese
    (a bug: a Chinese line for the reviewer, the traceback in the log)."""
    try:
        content, name = BUILDERS[job.kind](job.year)
        suffix = Path(name).suffix.lower()
        sha, _ = storage.store_bytes(data_root(), content, suffix)  # durable before the row below
    except (Refused, XlreportError) as exc:
        return _end(job, status=Job.FAILED, message=exc.message)
    except OSError as exc:
        log.exception("job %s (%s %s): the output could not be kept", job.pk, job.kind, job.year)
        return _end(job, status=Job.FAILED, message=f"无法保存生成的文件（{reason(exc, '写入')}）；"
                                                    f"请检查数据文件夹所在磁盘的空间和权限后重新生成")
    except Exception:
        log.exception("job %s (%s %s) failed", job.pk, job.kind, job.year)
        return _end(job, status=Job.FAILED, message=INTERNAL)
    with transaction.atomic():
        stored, _ = StoredFile.objects.get_or_create(sha256=sha, defaults={"size": len(content), "suffix": suffix})
        return _end(job, status=Job.DONE, file=stored, filename=name[:255], message="")


def run_next() -> Job | None:
    """Claim and run the oldest queued job; the job as it ended (None: nothing queued)."""
    job = claim()
    return None if job is None else run(job)


def requeue() -> int:
    """At start: the jobs a stopped or killed service left running go back to the queue (those
    cut off MAX_ATTEMPTS times fail, saying so). Returns how many were queued again."""
    with transaction.atomic():
        Job.objects.filter(status=Job.RUNNING, attempts__gte=MAX_ATTEMPTS).update(
            status=Job.FAILED, message=CUT_OFF, finished_at=timezone.now())
        for queued in Job.objects.filter(status=Job.QUEUED).values("kind", "year"):  # built anew by that one
            Job.objects.filter(status=Job.RUNNING, **queued).update(
                status=Job.FAILED, message=SUPERSEDED, finished_at=timezone.now())
        return Job.objects.filter(status=Job.RUNNING).update(status=Job.QUEUED, started_at=None)


def ahead_of(job: Job) -> int:
    """How many jobs run before this queued one."""
    return Job.objects.filter(status__in=(Job.QUEUED, Job.RUNNING), id__lt=job.pk).count()


class Worker:
    """The one thread that runs the queue, woken by a new job (and every `poll` seconds)."""

    def __init__(self, poll: float = 5.0):
        self.poll = poll
        self.woken = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="xlreport-jobs", daemon=True)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            self.woken.clear()
            try:
                close_old_connections()
                if run_next() is not None:
                    continue
            except Exception:  # the database away for a moment: logged, the job queued again, tried after the pause
                log.exception("the job worker")
                try:
                    requeue()  # this worker's job only: no other runs one
                except Exception:
                    pass  # still away: the next start queues it again
            self.woken.wait(self.poll)
        connections.close_all()


_worker: Worker | None = None


def start_worker(poll: float = 5.0) -> Worker:
    """Put back what the last run left running, then start the worker (once per process)."""
    global _worker
    if _worker is None:
        requeue()
        _worker = Worker(poll)
        _worker.thread.start()
    return _worker


def stop_worker(timeout: float = 5.0) -> None:
    """Ask the worker to stop after its job; a long job is not waited for (it is queued again at
    the next start)."""
    global _worker
    if _worker is not None:
        _worker.stopping.set()
        _worker.woken.set()
        _worker.thread.join(timeout)
        _worker = None


def wake() -> None:
    """A job was queued: the worker looks now (nothing happens where no worker runs)."""
    if _worker is not None:
        _worker.woken.set()
