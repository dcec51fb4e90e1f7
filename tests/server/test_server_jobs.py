"""The reviewer's background jobs (desk/jobs.py) in this process with Django's test client (SQLite):
one job of a kind and year at a time, the claim that one worker wins, the jobs a stopped service left
running queued again at start, failures said in Chinese (the traceback in the log), the API and the
office page (reviewers only, CSRF), and no worker at all unless a test runs a job itself."""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile

import pytest
from desk_helpers import PASSWORD, audit_sheets
from test_server_django import api_login, client, english_words


@pytest.fixture(autouse=True)
def no_jobs(desk):
    """Each test starts and ends with no job (the database lives for the whole session)."""
    from xlreport.server.desk.models import Job

    Job.objects.all().delete()
    yield
    Job.objects.all().delete()


def reviewer(people):
    from django.contrib.auth.models import User

    return User.objects.get(username=people["r"])


def test_a_kind_and_year_is_queued_once_and_claimed_by_one_worker(people):
    from django.db import IntegrityError, connections, transaction

    from xlreport.server.desk import jobs
    from xlreport.server.desk.models import Job

    user = reviewer(people)
    first, new = jobs.start(Job.AUDIT, 2031, user)
    assert new and first.status == Job.QUEUED and first.requested_by == user
    again, new = jobs.start(Job.AUDIT, 2031, user)
    assert again.pk == first.pk and not new  # no work twice
    other, new = jobs.start(Job.AUDIT, 2032, user)
    assert new and other.pk != first.pk  # another year is another job
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too (two requests at once)
        Job.objects.create(kind=Job.AUDIT, year=2031)
    with pytest.raises(jobs.Refused) as refused:
        jobs.start("everything", 2031, user)
    assert refused.value.status == 400 and "audit" in refused.value.message

    # six workers, two queued jobs: each job claimed exactly once
    claimed: list[int] = []
    ready = threading.Barrier(6)

    def worker() -> None:
        try:
            ready.wait(timeout=60)
            job = jobs.claim()
            if job is not None:
                claimed.append(job.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(claimed) == sorted([first.pk, other.pk])
    running = Job.objects.get(pk=first.pk)
    assert running.status == Job.RUNNING and running.attempts == 1 and running.started_at is not None
    assert jobs.start(Job.AUDIT, 2031, user) == (running, False)  # running: still the same job
    assert jobs.claim() is None


def test_a_request_after_a_report_was_approved_queues_a_new_job_behind_the_running_one(people):
    """A job running when a report is approved (submitted, returned, imported) would miss it: a
    request after the change queues a new job, once; a login changes nothing. A service cut off
    then builds the new one only, and says so on the old one."""
    from django.db import IntegrityError, transaction

    from xlreport.server.desk import jobs
    from xlreport.server.desk.models import Action, Job

    user = reviewer(people)
    jobs.start(Job.PUBLISH, 2033, user)
    running = jobs.claim()
    assert running is not None and running.status == Job.RUNNING
    Action.objects.create(user=user, username=user.username, verb="login")
    assert jobs.start(Job.PUBLISH, 2033, user) == (running, False)
    Action.objects.create(user=user, username=user.username, verb="approve", detail="2033年第1版")
    again, new = jobs.start(Job.PUBLISH, 2033, user)
    assert new and again.status == Job.QUEUED and again.pk != running.pk
    assert jobs.start(Job.PUBLISH, 2033, user) == (again, False)  # queued once, however many clicks
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind=Job.PUBLISH, year=2033)
    assert jobs.requeue() == 0
    running.refresh_from_db()
    assert running.status == Job.FAILED and "已按最新的报告重新排队生成" in running.message
    assert Job.objects.get(pk=again.pk).status == Job.QUEUED


def test_a_job_left_running_is_queued_again_at_start_and_given_up_after_three_cut_off_runs(people, monkeypatch):
    from xlreport.server.desk import jobs
    from xlreport.server.desk.models import Job

    monkeypatch.setitem(jobs.BUILDERS, Job.FEEDBACK, lambda year: (b"PK-letters", f"{year}年审查意见.zip"))
    job, _ = jobs.start(Job.FEEDBACK, 2031, reviewer(people))
    for attempt in (1, 2):
        assert jobs.claim().pk == job.pk  # the service is killed while it runs …
        assert jobs.requeue() == 1  # … and started again
        job.refresh_from_db()
        assert job.status == Job.QUEUED and job.started_at is None and job.attempts == attempt
    done = jobs.run_next()
    assert done.pk == job.pk and done.status == Job.DONE and done.attempts == 3
    assert done.file.path.read_bytes() == b"PK-letters" and done.filename == "2031年审查意见.zip"

    cut_off, _ = jobs.start(Job.FEEDBACK, 2031, reviewer(people))
    for _ in range(3):
        jobs.claim()
        jobs.requeue()
    cut_off.refresh_from_db()
    assert cut_off.status == Job.FAILED and cut_off.message == jobs.CUT_OFF and "重新生成" in cut_off.message
    assert jobs.run_next() is None


def test_a_failed_job_says_why_in_chinese_and_the_log_has_the_traceback(people, monkeypatch, caplog):
    from xlreport.errors import ProgramFailed
    from xlreport.server.desk import jobs
    from xlreport.server.desk.models import Job

    user = reviewer(people)
    jobs.start(Job.AUDIT, 2031, user)  # nothing submitted for 2031
    nothing = jobs.run_next()
    assert nothing.status == Job.FAILED and nothing.message == "2031 年度还没有单位提交报告，无法生成审查结果"
    assert nothing.file is None and nothing.finished_at is not None

    monkeypatch.setitem(jobs.BUILDERS, Job.PUBLISH, lambda year: (_ for _ in ()).throw(ProgramFailed("LibreOffice 转换失败：请重试")))
    jobs.start(Job.PUBLISH, 2031, user)
    assert jobs.run_next().message == "LibreOffice 转换失败：请重试"

    monkeypatch.setitem(jobs.BUILDERS, Job.PUBLISH, lambda year: 1 / 0)
    jobs.start(Job.PUBLISH, 2031, user)
    with caplog.at_level("ERROR", logger="xlreport.server"):
        bug = jobs.run_next()
    assert bug.status == Job.FAILED and bug.message == jobs.INTERNAL
    assert "ZeroDivisionError" in caplog.text and "Traceback" not in bug.message
    assert jobs.start(Job.PUBLISH, 2031, user)[1]  # a failed job does not hold the next one back


def submitted(people, folder) -> None:
    """Unit a's clean 2020 report (the demo's figures under its name), uploaded and submitted through the pages."""
    import json

    from desk_helpers import demo_document

    doc = demo_document()
    doc["meta"]["agency"] = people["a_unit"]
    path = folder / "2020年报表.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    c = client(enforce_csrf=False)
    c.post("/login/", {"username": people["a"], "password": PASSWORD})
    with open(path, "rb") as f:
        where = c.post("/upload/", {"file": f})["Location"]
    assert c.post(where + "submit").status_code == 302
    assert "已提交" in c.get(where).content.decode()


def test_the_api_queues_and_the_worker_builds_what_the_get_endpoint_gives(people, tmp_path):
    from xlreport.server.desk import jobs

    submitted(people, tmp_path)
    c = client()
    assert api_login(c, people["r"]).status_code == 200
    token = {"HTTP_X_CSRFTOKEN": c.cookies["csrftoken"].value}
    answer = c.post("/api/jobs", {"kind": "audit", "year": 2020}, content_type="application/json", **token)
    assert answer.status_code == 202, answer.content
    job = answer.json()
    assert job["state"] == "queued" and job["status"] == "已排队" and job["file"] is None
    assert job["requested_by"] == people["r"] and job["name"] == "审查结果（Excel）"
    # no worker runs in the test client's process: the job waits
    assert c.get(f"/api/jobs/{job['id']}").json()["state"] == "queued"
    waiting = c.get(f"/api/jobs/{job['id']}/file")
    assert waiting.status_code == 409 and waiting.json()["code"] == "not-done" and "完成后才能下载" in waiting.json()["error"]
    same = c.post("/api/jobs", {"kind": "audit", "year": "2020"}, content_type="application/json", **token)
    assert same.status_code == 202 and same.json()["id"] == job["id"]
    letters = c.post("/api/jobs", {"kind": "feedback", "year": 2020}, content_type="application/json", **token).json()
    assert letters["ahead"] == 1

    assert jobs.run_next().pk == job["id"] and jobs.run_next().pk == letters["id"]
    done = c.get(f"/api/jobs/{job['id']}").json()
    assert done["state"] == "done" and done["status"] == "已完成" and done["file"] == f"/api/jobs/{job['id']}/file"
    assert done["filename"] == "2020年政府信息公开工作年度报告审查结果.xlsx"
    book = c.get(done["file"])
    assert book.status_code == 200 and "attachment" in book["Content-Disposition"]
    assert audit_sheets(book.content) == audit_sheets(c.get("/api/audit.xlsx?year=2020").content)
    zipped = c.get(f"/api/jobs/{letters['id']}/file").content
    with zipfile.ZipFile(io.BytesIO(zipped)) as z, \
            zipfile.ZipFile(io.BytesIO(c.get("/api/feedback.zip?year=2020").content)) as expected:
        assert z.namelist() == expected.namelist() and z.namelist()
    assert [j["id"] for j in c.get("/api/jobs?year=2020").json()["jobs"]] == [letters["id"], job["id"]]
    assert c.get("/api/jobs/999999").status_code == 404


def test_only_reviewers_queue_jobs_and_only_with_the_csrf_token(people):
    from xlreport.server.desk import jobs
    from xlreport.server.desk.models import Job

    job, _ = jobs.start(Job.AUDIT, 2020, reviewer(people))
    unit = client()
    assert api_login(unit, people["a"]).status_code == 200
    token = {"HTTP_X_CSRFTOKEN": unit.cookies["csrftoken"].value}
    assert unit.post("/api/jobs", {"kind": "feedback", "year": 2020}, content_type="application/json",
                     **token).status_code == 403
    for path in (f"/api/jobs/{job.pk}", f"/api/jobs/{job.pk}/file", "/api/jobs?year=2020"):
        assert unit.get(path).status_code == 403, path
    page = unit.post("/office/jobs", {"kind": "feedback", "year": "2020",
                                      "csrfmiddlewaretoken": unit.cookies["csrftoken"].value})
    assert page.status_code == 403 and "只供政务公开办" in page.content.decode()

    office = client()
    assert api_login(office, people["r"]).status_code == 200
    forged = office.post("/api/jobs", {"kind": "feedback", "year": 2020}, content_type="application/json")
    assert forged.status_code == 403 and forged.json()["code"] == "csrf"
    assert office.post("/office/jobs", {"kind": "feedback", "year": "2020"}).status_code == 403
    assert list(Job.objects.values_list("pk", flat=True)) == [job.pk]  # nothing queued by a refused request
    assert client().get(f"/api/jobs/{job.pk}").status_code == 401


def test_the_office_page_queues_with_a_button_and_shows_each_jobs_status(people, monkeypatch):
    from xlreport.server.desk import jobs
    from xlreport.server.desk.models import Job

    c = client(enforce_csrf=False)
    c.post("/login/", {"username": people["r"], "password": PASSWORD})
    page = c.get("/office/?year=2031").content.decode()
    assert page.count('action="/office/jobs"') == 3 and page.count("csrfmiddlewaretoken") >= 3
    assert "还没有生成过" in page and 'http-equiv="refresh"' not in page
    assert "/api/audit.xlsx" not in page  # a button that queues, not a link that waits minutes

    queued = c.post("/office/jobs", {"kind": "publish", "year": "2031"})
    assert queued.status_code == 302 and queued["Location"] == "/office/?year=2031"
    page = c.get(queued["Location"]).content.decode()
    assert "已开始生成2031年度发布包" in page and "已排队" in page
    # it looks again by itself (at the address without a #fragment, which would only scroll)
    assert re.search(r'<meta http-equiv="refresh" content="\d+; url=/office/\?year=2031">', page)
    assert not english_words(page, people["r"], people["a"], people["b"])
    again = c.get(c.post("/office/jobs", {"kind": "publish", "year": "2031"})["Location"]).content.decode()
    assert "无需重复点击" in again and Job.objects.count() == 1
    assert c.get("/office/jobs")["Location"] == "/office/"  # a GET (after logging in again) queues nothing

    jobs.claim()
    assert "正在生成" in c.get("/office/?year=2031").content.decode()
    Job.objects.update(status=Job.FAILED, message="<b>发布包</b>无法生成：请重试")
    page = c.get("/office/?year=2031").content.decode()
    assert "失败：&lt;b&gt;发布包&lt;/b&gt;无法生成：请重试" in page  # the message is text, never markup
    assert 'http-equiv="refresh"' not in page  # nothing left to wait for

    monkeypatch.setitem(jobs.BUILDERS, Job.AUDIT, lambda year: (b"PK", "审查结果.xlsx"))
    c.post("/office/jobs", {"kind": "audit", "year": "2031"})
    done = jobs.run_next()
    page = c.get("/office/?year=2031").content.decode()
    assert f'已完成，<a class="download" href="/api/jobs/{done.pk}/file">下载</a>' in page
    assert c.get(f"/api/jobs/{done.pk}/file").content == b"PK"


def test_a_job_whose_end_the_database_missed_is_queued_again_not_left_running(people, monkeypatch):
    from xlreport.server.desk import jobs
    from xlreport.server.desk.models import Job

    monkeypatch.setitem(jobs.BUILDERS, Job.AUDIT, lambda year: (b"PK", "审查结果.xlsx"))
    job, _ = jobs.start(Job.AUDIT, 2031, reviewer(people))
    ends = iter([ConnectionError("the database went away"), None])

    def end_once_failing(job, **fields):
        failure = next(ends)
        if failure:
            raise failure
        return real_end(job, **fields)

    real_end = jobs._end
    monkeypatch.setattr(jobs, "_end", end_once_failing)
    worker = jobs.Worker(poll=0.05)
    worker.thread.start()
    try:
        deadline = time.monotonic() + 120
        while Job.objects.get(pk=job.pk).status != Job.DONE and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stopping.set()
        worker.woken.set()
        worker.thread.join(timeout=60)
    job.refresh_from_db()
    assert job.status == Job.DONE and job.attempts == 2 and job.file.path.read_bytes() == b"PK"


def test_the_migrations_hold_every_model_change(desk):
    from django.core.management import call_command

    call_command("makemigrations", "desk", check=True, dry_run=True, verbosity=0)  # exits 1 on a change
