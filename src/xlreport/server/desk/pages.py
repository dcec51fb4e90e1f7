"""The web pages: 登录, the unit's page, a report's page, the office's page.

Server-rendered Chinese pages with plain forms: every action works without JavaScript. The
report's page shows the three tables as the report prints them (the format's own grid cells),
each problem's cells marked (red: error, orange: warning), the problems linking to them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from xlreport import api
from xlreport.errors import XlreportError
from xlreport.server.desk import jobs, review, service
from xlreport.server.desk.access import account_of, client_ip, own_report
from xlreport.server.desk.endpoints import import_uploads, job_year, refuse_too_large, try_login
from xlreport.server.desk.models import Account, Action, Job, Report
from xlreport.server.desk.service import Refused


def _page(request: HttpRequest, template: str, status: int = 200, **context: Any) -> HttpResponse:
    return render(request, f"desk/{template}", context, status=status)


def error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return _page(request, "error.html", status=status, status_code=status, message=message)


def home(request: HttpRequest) -> HttpResponse:
    account = account_of(request)
    if account is None:
        return HttpResponseRedirect("/login/")
    return HttpResponseRedirect("/office/" if account.role == Account.REVIEWER else "/unit/")


def login_page(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        try:
            try_login(request, username, request.POST.get("password", ""))
        except Refused as exc:
            return _page(request, "login.html", status=exc.status, message=exc.message, username=username, next=target)
        return HttpResponseRedirect(target)
    return _page(request, "login.html", next=target)


def logout_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.user.is_authenticated:
            Action.objects.create(user=request.user, username=request.user.get_username(), verb="logout",
                                  ip=client_ip(request))
        logout(request)
    return HttpResponseRedirect("/login/")


def _login_required(request: HttpRequest, role: str | None = None) -> Account | HttpResponse:
    account = account_of(request)
    if account is None:
        return HttpResponseRedirect(f"/login/?next={request.path}")
    if role is not None and account.role != role:
        return error_page(request, 403, "这个页面只供" + ("政务公开办的审核人员" if role == Account.REVIEWER else "填报单位") + "使用")
    return account


def unit_page(request: HttpRequest) -> HttpResponse:
    account = _login_required(request, Account.UNIT)
    if isinstance(account, HttpResponse):
        return account
    assert account.unit is not None
    year = service.reporting_year()
    reports = list(Report.objects.filter(unit=account.unit).select_related("uploaded_by"))
    this_year = [r for r in reports if r.year == year]
    # the year's status is its latest version's (data-model.md §6); a returned version's comment stays in view
    returned = next((r for r in this_year if r.status == Report.RETURNED), None)
    newest = max(reports, key=lambda r: r.pk, default=None)  # the last upload, whatever its year
    other_year = newest if newest is not None and newest.year != year else None
    return _page(request, "unit.html", account=account, unit=account.unit, year=year, reports=reports,
                 other_year=other_year, year_notice=service.other_year_notice(other_year.year, year) if other_year else "",
                 latest=this_year[0] if this_year else None, returned=returned,
                 limit=service.size_text(int(_setting("XLREPORT_UPLOAD_LIMIT"))), limits=_limits())


def _limits() -> dict[str, Any]:
    """The upload limits the forms check before sending (desk.js) and the views check again."""
    from xlreport.server.config import import_limit

    file = int(_setting("XLREPORT_UPLOAD_LIMIT"))
    total = import_limit(file)
    return {"file": file, "total": total, "files": int(_setting("DATA_UPLOAD_MAX_NUMBER_FILES")),
            "file_text": service.size_text(file), "total_text": service.size_text(total)}


def _setting(name: str) -> Any:
    from django.conf import settings

    return getattr(settings, name)


def upload_page(request: HttpRequest) -> HttpResponse:
    account = _login_required(request, Account.UNIT)
    if isinstance(account, HttpResponse):
        return account
    if request.method != "POST":
        return HttpResponseRedirect("/unit/")
    assert account.unit is not None
    try:
        refuse_too_large(request)
        upload = request.FILES.get("file")
        if upload is None:
            raise Refused(400, "请先选择要上传的文件", "no-file")
        report = service.accept_upload(account.unit, request.user, upload, client_ip(request))
    except Refused as exc:
        return error_page(request, exc.status, exc.message)
    return HttpResponseRedirect(f"/reports/{report.pk}/")


def _tables(report: Report) -> tuple[list[dict[str, Any]], str]:
    """The report's tables as rows of cells with each problem's cells marked, or why not."""
    try:
        loaded = api.load(report.file.path)
    except XlreportError as exc:
        return [], exc.message
    marks: dict[str, str] = {}
    for p in report.problems:
        for key in p.get("keys", []):
            if marks.get(key) != "error":
                marks[key] = p["severity"]
    tables = []
    for table in loaded.fmt.tables:
        rows: list[list[dict[str, Any]]] = [[] for _ in range(table.n_rows)]
        for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
            entry: dict[str, Any] = {"rowspan": cell.rowspan, "colspan": cell.colspan, "role": cell.role,
                                     "lines": cell.text.split("\n")}
            if cell.role == "value" and cell.key:
                value = loaded.data.get(cell.key)
                entry.update(key=cell.key, lines=["" if value is None else str(value)], mark=marks.get(cell.key, ""),
                             where=loaded.fmt.field(cell.key).where if loaded.fmt.has(cell.key) else "")
            rows[cell.row].append(entry)
        tables.append({"id": table.id, "name": table.name, "heading": table.heading, "rows": rows})
    return tables, ""


def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    account = _login_required(request)
    if isinstance(account, HttpResponse):
        return account
    try:
        report = own_report(account, report_id)
    except Refused as exc:
        return error_page(request, exc.status, exc.message)
    tables, unreadable = _tables(report)
    in_tables = {cell.get("key") for t in tables for row in t["rows"] for cell in row}
    problems = [{**p, "anchor": next((k for k in p.get("keys", []) if k in in_tables), "")} for p in report.problems]
    return _page(request, "report.html", account=account, report=report, tables=tables, unreadable=unreadable,
                 problems=problems, can_submit=account.role == Account.UNIT and report.status == Report.DRAFT,
                 other_agency=service.other_agency(report.unit, report.agency),
                 can_review=account.role == Account.REVIEWER and report.status == Report.SUBMITTED,
                 year_notice=service.other_year_notice(report.year) if account.role == Account.UNIT else "",
                 history=Report.objects.filter(unit=report.unit).select_related("reviewed_by"),
                 message=_message(request.GET.get("m", ""), report))


def _message(code: str, report: Report) -> str:
    if code == "not-sent" and report.status != Report.DRAFT:
        return ""  # a later 提交 went through: nothing to say
    if code == "not-reviewed" and report.status != Report.SUBMITTED:
        return ""  # a later 退回/通过 went through
    return MESSAGES.get(code, "")


MESSAGES = {
    "submitted": "已提交。政务公开办审核后，结果会显示在本页和单位首页。",
    "has-errors": "这一版报告还有错误，不能提交：请按下面的问题清单改正工作簿后重新上传，再提交。",
    "not-sent": "这一版还没有提交（提交前登录已过期，重新登录后提交没有完成）：请核对后再点一次“提交”。",
    "not-reviewed": ("这份报告还没有退回或通过（操作前登录已过期，重新登录后操作没有完成，填写的审核意见也没有保存）："
                     "请重新填写审核意见后再点一次“退回”或“通过”。"),
    "not-draft": "这一版报告已经提交过，不能再次提交；如需修改请上传新的版本。",
    "other-agency": "这一版报告封面的机关名称不是本单位，不能提交：请按下面的提示处理后重新上传。",
    "returned": "已退回。单位会在本单位页面看到“已退回”和审核意见。",
    "approved": "已通过。这份报告将列入发布包。",
    "no-comment": "退回时请填写审核意见，说明需要修改什么。",
    "not-submitted": "只能审核已提交的报告：这一版不是“已提交”状态（可能已审核过，或单位已上传新版本）。",
}


def submit_page(request: HttpRequest, report_id: int) -> HttpResponse:
    account = _login_required(request, Account.UNIT)
    if isinstance(account, HttpResponse):
        return account
    if request.method != "POST":  # 提交 that had to log in first comes back from 登录 (?next=) as a GET
        return HttpResponseRedirect(f"/reports/{report_id}/?m=not-sent")
    try:
        service.submit(own_report(account, report_id), request.user, client_ip(request))
    except Refused as exc:
        if exc.code == "not-found":
            return error_page(request, exc.status, exc.message)
        return HttpResponseRedirect(f"/reports/{report_id}/?m={exc.code}")
    return HttpResponseRedirect(f"/reports/{report_id}/?m=submitted")


SORTS = {  # ?sort=: the roster's orders
    "status": lambda r: (review.ORDER.index(r["status"]), r["position"]),
    "unit": lambda r: r["unit"],
    "errors": lambda r: (-(r["errors"] or 0), -(r["warnings"] or 0), r["position"]),
    "submitted": lambda r: (r["submitted_at"] is None, r["submitted_at"] or "", r["position"]),
    "roster": lambda r: r["position"],
}


def office_page(request: HttpRequest) -> HttpResponse:
    """The reviewer's page: the counts, the roster with each unit's status (filtered, sorted),
    the downloads of the season, the import of last year's reports, the latest actions."""
    account = _login_required(request, Account.REVIEWER)
    if isinstance(account, HttpResponse):
        return account
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else service.reporting_year()
    rows = [{**r, "position": n} for n, r in enumerate(review.roster(year))]
    counts = review.counts_line(rows)
    wanted = request.GET.get("status", "")
    shown_rows = [r for r in rows if r["status"] == wanted] if wanted in review.ORDER else rows
    sort = request.GET.get("sort", "roster")
    shown_rows.sort(key=SORTS.get(sort, SORTS["roster"]))
    actions = list(Action.objects.select_related("unit")[:30])
    recent = [{"job": j, "ahead": jobs.ahead_of(j) if j.status == Job.QUEUED else 0}
              for j in Job.objects.filter(year=year).select_related("requested_by", "file")[:10]]
    return _page(request, "office.html", account=account, actions=actions, year=year, rows=shown_rows,
                 counts=counts, statuses=review.ORDER, wanted=wanted, sort=sort, total=len(rows), limits=_limits(),
                 message=request.session.pop("office_message", None), jobs=recent, kinds=Job.KINDS,
                 working=any(j["job"].active for j in recent), refresh=REFRESH)


REFRESH = 5  # seconds: the office page reloads itself while one of its jobs is queued or running


def jobs_page(request: HttpRequest) -> HttpResponse:
    """The office page's 生成 buttons: queue the job (or find the one already queued), back to the page."""
    account = _login_required(request, Account.REVIEWER)
    if isinstance(account, HttpResponse):
        return account
    if request.method != "POST":  # a 生成 that had to log in first comes back from 登录 (?next=) as a GET
        return HttpResponseRedirect("/office/")
    try:
        year = job_year(request.POST.get("year"))
        job, new = jobs.start(request.POST.get("kind", ""), year, request.user)
    except Refused as exc:
        return error_page(request, exc.status, exc.message)
    name = job.get_kind_display()
    request.session["office_message"] = (
        f"已开始生成{year}年度{name}：完成后在下面“生成与下载”中点“下载”。本页会自动刷新，可以离开本页，稍后再回来下载。"
        if new else f"{year}年度{name}已在{job.get_status_display()}，无需重复点击：完成后在下面“生成与下载”中下载。")
    return HttpResponseRedirect(f"/office/?year={year}")  # (no #fragment: a reload would only scroll)


def review_page(request: HttpRequest, report_id: int) -> HttpResponse:
    """The report page's 退回 / 通过 form."""
    account = _login_required(request, Account.REVIEWER)
    if isinstance(account, HttpResponse):
        return account
    if request.method != "POST":  # 退回/通过 that had to log in first comes back from 登录 (?next=) as a GET
        return HttpResponseRedirect(f"/reports/{report_id}/?m=not-reviewed")
    verb = request.POST.get("verb", "")
    try:
        if verb not in ("return", "approve"):
            raise Refused(400, "请选择“退回”或“通过”", "usage")
        review.review(own_report(account, report_id), request.user, verb, request.POST.get("comment", ""),
                      client_ip(request))
    except Refused as exc:
        if exc.code == "not-found":
            return error_page(request, exc.status, exc.message)
        return HttpResponseRedirect(f"/reports/{report_id}/?m={exc.code}")
    return HttpResponseRedirect(f"/reports/{report_id}/?m={'returned' if verb == 'return' else 'approved'}")


def import_page(request: HttpRequest) -> HttpResponse:
    """The office page's upload of last year's published reports."""
    account = _login_required(request, Account.REVIEWER)
    if isinstance(account, HttpResponse):
        return account
    if request.method != "POST":
        return HttpResponseRedirect("/office/")
    try:
        done = import_uploads(request)
    except Refused as exc:
        return error_page(request, exc.status, exc.message)
    return _page(request, "imported.html", account=account, done=done, year=request.POST.get("year"))


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin site logs in through the throttled login page."""
    return HttpResponseRedirect(f"/login/?next={request.GET.get('next', '/admin/')}")
