"""The HTTP API (docs/http-api.md): JSON, the session cookie, the CSRF token in X-CSRFToken."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import quote

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.views.decorators.csrf import ensure_csrf_cookie

from xlreport.server.desk import jobs, review, service, throttle
from xlreport.server.desk.access import answer, client_ip, endpoint, own_report
from xlreport.server.desk.models import Account, Action, Job, Report
from xlreport.server.desk.service import Refused


def _time(moment: Any) -> str | None:
    return None if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


def report_json(report: Report) -> dict[str, Any]:
    """A version as the API gives it (POST /api/reports, GET /api/reports/{id})."""
    return {
        "id": report.pk, "unit": report.unit.name, "year": report.year, "version": report.version,
        "status": report.get_status_display(), "state": report.status,  # 草稿/已提交/已退回/已通过 (data-model.md §6)
        "status_text": report.get_status_display(),  # the same, kept for early clients (docs/http-api.md)
        "ok": report.ok, "errors": report.errors, "warnings": report.warnings,
        "problems": report.problems, "notices": report.notices,
        "year_notice": service.other_year_notice(report.year),  # "" when the report is of the year collected
        "filename": report.filename, "format": report.format, "agency": report.agency,
        "sha256": report.file_id, "size": report.file.size,
        "uploaded_at": _time(report.uploaded_at),
        "uploaded_by": report.uploaded_by.username if report.uploaded_by else None,
        "submitted_at": _time(report.submitted_at), "reviewed_at": _time(report.reviewed_at),
        "reviewed_by": report.reviewed_by.username if report.reviewed_by else None,
        "comment": report.comment,
    }


def attachment(content: bytes, filename: str, content_type: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    ascii_name = "report" + (filename[filename.rfind("."):] if "." in filename else "")
    response["Content-Disposition"] = (f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; "
                                       f"filename*=UTF-8''{quote(filename)}")
    return response


def me_json(account: Account) -> dict[str, Any]:
    return {"user": account.user.username, "role": account.role,
            "unit": account.unit.name if account.unit else None}


@endpoint(("GET",), login=False)
def health(request: HttpRequest) -> HttpResponse:
    return answer({"ok": True})


@ensure_csrf_cookie
@endpoint(("GET",), login=False)
def csrf(request: HttpRequest) -> HttpResponse:
    return answer({"csrfToken": get_token(request)})


def _body(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise Refused(400, "请求内容不是有效的 JSON", "bad-json") from None
        if not isinstance(data, dict):
            raise Refused(400, "请求内容应是 JSON 对象", "bad-json")
        return data
    return dict(request.POST.items())


def try_login(request: HttpRequest, username: str, password: str) -> Account:
    """Log in with the throttle: a locked name is refused before its password is tried."""
    if not username or not password:
        raise Refused(400, "请填写用户名和密码", "login")
    until = throttle.locked_until(username)
    ip = client_ip(request)
    if until is not None:
        raise Refused(429, throttle.locked_message(until), "locked")
    user = authenticate(request, username=username, password=password)
    account = None if user is None else Account.objects.select_related("unit").filter(user=user).first()
    if user is None or account is None:
        left, until = throttle.failed(username)
        Action.objects.create(username=username[:150], verb="locked" if until else "login-failed", ip=ip)
        if until is not None:
            raise Refused(429, throttle.locked_message(until), "locked")
        raise Refused(401, f"用户名或密码不正确；再错 {left} 次账号将锁定 15 分钟", "login")
    throttle.succeeded(username)
    login(request, user)
    Action.objects.create(user=user, username=user.username, unit=account.unit, verb="login", ip=ip)
    return account


@endpoint(("POST",), login=False)
def api_login(request: HttpRequest) -> HttpResponse:
    data = _body(request)
    account = try_login(request, str(data.get("username") or "").strip(), str(data.get("password") or ""))
    return answer(me_json(account))


@endpoint(("POST",), login=False)
def api_logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        Action.objects.create(user=request.user, username=request.user.get_username(), verb="logout",
                              ip=client_ip(request))
    logout(request)
    return answer({"ok": True})


@endpoint(("GET",))
def me(request: HttpRequest, account: Account) -> HttpResponse:
    return answer({**me_json(account), "year": service.reporting_year()})


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year") or ""
    if not raw:
        return service.reporting_year()
    if not raw.isdigit():
        raise Refused(400, f"year 应是年份，如 2024，而不是“{raw}”", "usage")
    return int(raw)


@endpoint(("GET",), role=Account.UNIT)
def api_workbook(request: HttpRequest, account: Account) -> HttpResponse:
    assert account.unit is not None
    content, name = service.workbook(account.unit, _year(request))
    return attachment(content, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def refuse_too_large(request: HttpRequest, several: bool = False) -> None:
    """The body's declared length beyond the limit: refused (413) without parsing it. The body is
    read to its end first (waitress has it already), so the client gets the answer, not a reset.
    `several`: an import of last year's reports, whose files together may reach `import_limit`."""
    from django.conf import settings

    from xlreport.server.config import IMPORT_FILES, import_limit

    limit = int(settings.XLREPORT_UPLOAD_LIMIT)
    total = import_limit(limit) if several else limit
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # The multipart envelope: the form's fields, and each file's headers (its name, its type: up to 1 KB),
    # so that files of exactly the limit in all, as the page counts them, are taken.
    if length > total + 64 * 1024 + (IMPORT_FILES * 1024 if several else 0):
        for _ in iter(lambda: request.read(1024 * 1024), b""):
            pass
        if several:
            raise Refused(413, f"一次导入的文件共 {service.size_text(length, total)}，超过一次导入的上限 "
                               f"{service.size_text(total)}；请分几次导入，每次少选几个文件", "too-large")
        raise Refused(413, f"上传的文件超过上传上限 {service.size_text(limit)}；请上传填报工作簿本身（通常不到 1 MB）",
                      "too-large")


@endpoint(("GET", "POST"), role=Account.UNIT)
def api_reports(request: HttpRequest, account: Account) -> HttpResponse:
    assert account.unit is not None
    if request.method == "GET":
        rows = Report.objects.filter(unit=account.unit).select_related("unit", "file", "uploaded_by")
        return answer({"reports": [report_json(r) for r in rows]})
    refuse_too_large(request)
    upload = request.FILES.get("file")
    if upload is None:
        raise Refused(400, "没有收到文件：请在表单字段 file 中上传工作簿或报告", "no-file")
    report = service.accept_upload(account.unit, request.user, upload, client_ip(request))
    return answer(report_json(report), status=201)


@endpoint(("GET",))
def api_report(request: HttpRequest, account: Account, report_id: int) -> HttpResponse:
    return answer(report_json(own_report(account, report_id)))


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@endpoint(("GET",))
def api_file(request: HttpRequest, account: Account, report_id: int) -> HttpResponse:
    report = own_report(account, report_id)
    return attachment(report.file.path.read_bytes(), report.filename, "application/octet-stream")


@endpoint(("GET",))
def api_render(request: HttpRequest, account: Account, report_id: int, kind: str) -> HttpResponse:
    report = own_report(account, report_id)
    content, name = service.render(report, kind)
    response = attachment(content, name, CONTENT_TYPES[kind], inline=kind == "html" and "download" not in request.GET)
    if kind == "html":  # our own page, user text escaped; still: no script, no outside request
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    return response


@endpoint(("POST",), role=Account.UNIT)
def api_submit(request: HttpRequest, account: Account, report_id: int) -> HttpResponse:
    report = own_report(account, report_id)
    return answer(report_json(service.submit(report, request.user, client_ip(request))))


ACTION_COLUMNS = ["时间", "用户名", "单位", "操作", "报告编号", "年度", "版本", "详情", "IP 地址"]


def actions_csv() -> bytes:
    """The action log as CSV (UTF-8 with BOM, so Excel and WPS open it in Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ACTION_COLUMNS)
    rows = Action.objects.select_related("unit", "report").order_by("at", "id")
    for a in rows.iterator():
        cells = [_time(a.at), a.username, a.unit.name if a.unit else "", a.get_verb_display(),
                 a.report_id or "", a.report.year if a.report else "", a.report.version if a.report else "",
                 a.detail, a.ip]
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@endpoint(("GET",), role=Account.REVIEWER)
def api_actions(request: HttpRequest, account: Account) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return attachment(actions_csv(), f"操作记录-{stamp}.csv", "text/csv; charset=utf-8")




# --- the reviewer's side (issue 21) ---------------------------------------------------

@endpoint(("GET",), role=Account.REVIEWER)
def api_units(request: HttpRequest, account: Account) -> HttpResponse:
    return answer(review.roster(_year(request)))


def _review(request: HttpRequest, account: Account, report_id: int, verb: str) -> HttpResponse:
    report = own_report(account, report_id)
    comment = str(_body(request).get("comment") or "")
    return answer(report_json(review.review(report, request.user, verb, comment, client_ip(request))))


@endpoint(("POST",), role=Account.REVIEWER)
def api_return(request: HttpRequest, account: Account, report_id: int) -> HttpResponse:
    return _review(request, account, report_id, "return")


@endpoint(("POST",), role=Account.REVIEWER)
def api_approve(request: HttpRequest, account: Account, report_id: int) -> HttpResponse:
    return _review(request, account, report_id, "approve")


@endpoint(("GET",), role=Account.REVIEWER)
def api_audit(request: HttpRequest, account: Account) -> HttpResponse:
    content, name = review.audit_workbook(_year(request))
    return attachment(content, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@endpoint(("GET",), role=Account.REVIEWER)
def api_feedback(request: HttpRequest, account: Account) -> HttpResponse:
    content, name = review.feedback(_year(request))
    return attachment(content, name, "application/zip")


@endpoint(("GET",), role=Account.REVIEWER)
def api_publish(request: HttpRequest, account: Account) -> HttpResponse:
    content, name, _ = review.publication(_year(request))
    return attachment(content, name, "application/zip")


def too_many_files() -> Refused:
    """More files than one request may carry (Django's DATA_UPLOAD_MAX_NUMBER_FILES): said here, or by
    errors.bad_request when the CSRF check read the form before the view."""
    from django.conf import settings

    return Refused(413, f"一次最多导入 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个文件；请分几次导入，"
                        f"或在服务器上用 xlreport accounts --import 文件夹 一次导入整个文件夹", "too-many-files")


def import_uploads(request: HttpRequest) -> review.Imported:
    """Last year's published reports uploaded by a reviewer (multipart `file`, one or more; `year`)."""
    import tempfile
    from pathlib import Path

    from django.conf import settings
    from django.core.exceptions import TooManyFilesSent

    refuse_too_large(request, several=True)
    try:
        raw = str(request.POST.get("year") or "")
        uploads = request.FILES.getlist("file")
    except TooManyFilesSent:
        raise too_many_files() from None
    if not raw.isdigit():
        raise Refused(400, "请填写这些报告的年度（year），如 2023", "usage")
    if not uploads:
        raise Refused(400, "没有收到文件：请选择上年已发布的报告（可多选）", "no-file")
    limit = int(settings.XLREPORT_UPLOAD_LIMIT)
    too_large = [(u.name or "", f"有 {service.size_text(u.size or 0, limit)}，超过每个文件的上限 {service.size_text(limit)}")
                 for u in uploads if (u.size or 0) > limit]
    uploads = [u for u in uploads if (u.size or 0) <= limit]
    with tempfile.TemporaryDirectory(dir=service.data_root() / "tmp") as tmp:
        files = []
        for n, upload in enumerate(uploads):
            name = service.safe_name(upload.name or "")
            folder = Path(tmp) / str(n)
            folder.mkdir()
            path = folder / name
            with open(path, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            files.append((path, upload.name or name))
        done = review.import_files(files, int(raw), request.user, client_ip(request))
    done.not_loaded[:0] = too_large
    return done


@endpoint(("POST",), role=Account.REVIEWER)
def api_import(request: HttpRequest, account: Account) -> HttpResponse:
    done = import_uploads(request)
    return answer({"loaded": [{"unit": u, "file": f} for u, f in done.loaded],
                   "not_loaded": [{"file": f, "reason": why} for f, why in done.not_loaded]})


# --- the reviewer's outputs as background jobs (desk/jobs.py) -------------------------

def job_json(job: Job) -> dict[str, Any]:
    """A job as the API gives it (POST /api/jobs, GET /api/jobs/{id})."""
    return {
        "id": job.pk, "kind": job.kind, "name": job.get_kind_display(), "year": job.year,
        "status": job.get_status_display(), "state": job.status,  # 已排队/正在生成/已完成/失败
        "message": job.message, "ahead": jobs.ahead_of(job) if job.status == Job.QUEUED else 0,
        "requested_by": job.requested_by.username if job.requested_by else None,
        "requested_at": _time(job.requested_at), "started_at": _time(job.started_at),
        "finished_at": _time(job.finished_at),
        "filename": job.filename or None, "size": job.file.size if job.file else None,
        "sha256": job.file_id, "file": f"/api/jobs/{job.pk}/file" if job.status == Job.DONE else None,
    }


def job_year(raw: Any) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text:
        return service.reporting_year()
    if not (text.isdigit() and len(text) == 4):
        raise Refused(400, f"year 应是年份，如 2024，而不是“{text}”", "usage")
    return int(text)


@endpoint(("GET", "POST"), role=Account.REVIEWER)
def api_jobs(request: HttpRequest, account: Account) -> HttpResponse:
    if request.method == "GET":
        rows = Job.objects.filter(year=_year(request)).select_related("requested_by", "file")[:50]
        return answer({"jobs": [job_json(j) for j in rows]})
    data = _body(request)
    job, _ = jobs.start(str(data.get("kind") or ""), job_year(data.get("year")), request.user)
    return answer(job_json(job), status=202)


def _job(job_id: int) -> Job:
    found = Job.objects.select_related("requested_by", "file").filter(pk=job_id).first()
    if found is None:
        raise Refused(404, "没有这项生成任务：编号不存在", "not-found")
    return found


@endpoint(("GET",), role=Account.REVIEWER)
def api_job(request: HttpRequest, account: Account, job_id: int) -> HttpResponse:
    return answer(job_json(_job(job_id)))


OUTPUT_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".zip": "application/zip"}


@endpoint(("GET",), role=Account.REVIEWER)
def api_job_file(request: HttpRequest, account: Account, job_id: int) -> HttpResponse:
    job = _job(job_id)
    if job.status == Job.FAILED:
        raise Refused(409, f"这项生成任务失败了：{job.message}", "failed")
    if job.status != Job.DONE or job.file is None:
        raise Refused(409, f"{job.get_kind_display()}还在{job.get_status_display()}，完成后才能下载；请稍后再试",
                      "not-done")
    return attachment(job.file.path.read_bytes(), job.filename, OUTPUT_TYPES.get(job.file.suffix, "application/zip"))

