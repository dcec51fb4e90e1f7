"""The desk's jobs, through `xlreport.api` only: check an upload and keep it, last year's report,
this year's workbook, the Word/PDF/web report of a stored version, submission.

Views call these and turn `Refused` into a 4xx answer with its Chinese message.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xlreport import api
from xlreport.errors import XlreportError
from xlreport.server import storage
from xlreport.server.desk.models import Action, Report, StoredFile, Unit

# What an upload may be: a workbook, a data file, or a published report.
ACCEPTED = (".xlsx", ".xlsm", ".json", ".docx", ".pdf", ".html", ".htm", ".txt", ".md", ".doc", ".wps")
# The HTTP status of an XlreportError code (anything else the file's fault: 422).
STATUS_OF_CODE = {"too-large": 413, "unsupported-type": 415, "usage": 400, "missing-program": 503}


class Refused(Exception):
    """A request the desk refuses, with the HTTP status, a Chinese message and a stable code."""

    def __init__(self, status: int, message: str, code: str, **extra: Any):
        super().__init__(message)
        self.status, self.message, self.code, self.extra = status, message, code, extra


def data_root() -> Path:
    return Path(settings.XLREPORT_DATA)


def reporting_year(today: datetime.date | None = None) -> int:
    """The year units report on now: set by `serve --year`, else last year until June and
    this year from July (the season runs December to 31 January)."""
    if settings.XLREPORT_YEAR:
        return int(settings.XLREPORT_YEAR)
    today = today or timezone.localdate()
    return today.year - 1 if today.month < 7 else today.year


def other_year_notice(report_year: int, desk_year: int | None = None) -> str:
    """Why an upload of another year does not count for the year being collected ("" when it does)."""
    desk_year = reporting_year() if desk_year is None else desk_year
    if report_year == desk_year:
        return ""
    return (f"这份文件是 {report_year} 年度的报告（封面“报告年度”为 {report_year}），而本服务现在收集的是 "
            f"{desk_year} 年度的报告：它已作为 {report_year} 年度的报告保存，不算 {desk_year} 年度的报送。"
            f"如果传错了文件，请下载 {desk_year} 年度的工作簿，填好后重新上传；如果是有意上传 {report_year} 年度的报告"
            f"（例如供 {report_year + 1} 年度的工作簿带入上年数据），无需再做什么。")


def size_text(size: int, limit: int | None = None) -> str:
    """A size as the pages say it (50 MB, 300 KB); with `limit`, a size over it that would read the
    same (50 MB and one byte) is said in bytes, so that it is never 「有 50 MB，超过上限 50 MB」."""
    text = f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"
    if limit is not None and size > limit and text == size_text(limit):
        return f"{size:,} 字节（上限是 {limit:,} 字节）"
    return text


def previous_report(unit: Unit, year: int) -> Report | None:
    """Last year's report of the unit as `--previous` uses it (data-model.md §6): the approved
    version of year-1, else the last one submitted (whatever its verdict since), else the latest upload."""
    last = Report.objects.filter(unit=unit, year=year - 1)
    return (last.filter(status=Report.APPROVED).order_by("-version").first()
            or last.filter(submitted_at__isnull=False).order_by("-version").first()
            or last.order_by("-version").first())


def problem_json(problem: Any, report: Any) -> dict[str, Any]:
    """One problem as the API gives it: rule, severity, message, cells, place (the printed
    place of its first value), keys."""
    fmt = report.fmt
    places = [fmt.field(k).where for k in problem.keys if fmt.has(k)]
    return {"rule": problem.rule, "severity": problem.severity, "message": problem.message,
            "cells": list(problem.cells), "place": places[0] if places else "", "keys": list(problem.keys)}


def safe_name(name: str) -> str:
    """The uploaded file's own name, made safe as a file name on Windows and Linux."""
    name = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in Path(name).name).strip(" .")
    stem, suffix = os.path.splitext(name)
    return (stem[:80] or "未命名") + suffix[:10]


def _spool(upload: UploadedFile, name: str) -> tuple[Path, str]:
    """The upload copied under its own name (the readers go by suffix, messages name it) into a
    new temporary folder of the data folder, and its SHA-256."""
    folder = Path(tempfile.mkdtemp(dir=data_root() / "tmp"))
    path = folder / name
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    return path, digest.hexdigest()


def _last_year(unit: Unit, year: Any, notices: list[str]) -> Any:
    """Last year's report of the unit, read (None when there is none or it cannot be read)."""
    if not isinstance(year, int) or isinstance(year, bool):
        return None
    prior = previous_report(unit, year)
    if prior is None:
        return None
    try:
        return api.load(prior.file.path)
    except XlreportError as exc:  # an old file no reader takes any more: check without it
        notices.append(f"上年报告无法读取（{exc.message}），本次未做跨年度校验")
        return None


def accept_upload(unit: Unit, user: User, upload: UploadedFile, ip: str = "") -> Report:
    """Check an uploaded file and keep it as the unit's next version of its year.

    The file is stored (fsync, rename) before the row that names it is committed; nothing is
    kept of a file that cannot be read."""
    limit = int(settings.XLREPORT_UPLOAD_LIMIT)
    name = safe_name(upload.name or "")
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED:
        raise Refused(415, f"“{name}”不是可以上传的报告：请上传填好的工作簿（.xlsx/.xlsm）、数据文件（.json）"
                           f"或已发布的报告（.docx/.pdf/.html）", "unsupported-type")
    if (upload.size or 0) > limit:
        raise Refused(413, f"“{name}”有 {size_text(upload.size or 0, limit)}，超过上传上限 {size_text(limit)}；"
                           f"请上传填报工作簿本身（通常不到 1 MB）", "too-large")
    spooled, sha = _spool(upload, name)
    try:
        notices: list[str] = []
        try:
            report = api.load(spooled)
            year = report.data.get("meta.year")  # the year decides which report is last year's
            last = _last_year(unit, year, notices)
            result = api.check(report, previous=last)
            notices += result.notices
        except XlreportError as exc:
            raise Refused(STATUS_OF_CODE.get(exc.code, 422), exc.message, exc.code) from None
        if not isinstance(year, int) or isinstance(year, bool):
            raise Refused(422, f"“{name}”的封面没有填写“报告年度”，无法确定是哪一年的报告；请填写后重新上传",
                          "no-year")
        agency = str(report.data.get("meta.agency") or "")
        if agency and agency != unit.name:
            notices.append(other_agency(unit, agency)
                           or f"报告封面的机关名称“{agency}”与本单位名称“{unit.name}”写法不同，请核对")
        problems = [problem_json(p, report) for p in result.problems]
        storage.store(data_root(), spooled, sha, suffix)  # durable before the row below
        with transaction.atomic():
            Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one version number at a time
            stored, _ = StoredFile.objects.get_or_create(sha256=sha, defaults={"size": spooled.stat().st_size,
                                                                                "suffix": suffix})
            number = (Report.objects.filter(unit=unit, year=year).aggregate(n=Max("version"))["n"] or 0) + 1
            row = Report.objects.create(
                unit=unit, year=year, version=number, file=stored, filename=name[:255], uploaded_by=user,
                agency=agency[:200], format=report.fmt.version, errors=len(result.errors),
                warnings=len(result.warnings), problems=problems, notices=notices)
            Action.objects.create(user=user, username=user.username, unit=unit, report=row, verb="upload",
                                  detail=f"{name}（{year}年第{number}版，错误 {row.errors} 处，提醒 {row.warnings} 处）",
                                  ip=ip)
        return row
    finally:
        shutil.rmtree(spooled.parent, ignore_errors=True)


# What a name may carry after it on a cover or in a workbook's cell: a seal's note, a date.
_ANNOTATION = re.compile(r"(?:[(（][^()（）]*[章印][^()（）]*[)）]|\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?)+$")


def other_agency(unit: Unit, agency: str) -> str:
    """Why a report naming `agency` on its cover is not the unit's own ("" when it is): the name is
    matched to the roster as the import matches it (spaces, full-width letters, 政府/人民政府 and a
    place prefix do not matter, nor a seal's note or a date after it); it must come out as this
    unit, not another one, not none. A short name that fits this unit and others alike (「财政局」
    with 某县财政局 and 某市财政局 on the roster) is refused, saying so: the audit tells agencies by the
    cover's name, and two units' 「财政局」 would be taken for one agency's two reports."""
    from xlreport.audit.names import match_names, name_key, prefixed, variant_key

    if not agency or agency == unit.name:
        return ""
    roster = list(Unit.objects.order_by("id").values_list("name", flat=True))
    name = agency
    matches, _, _ = match_names([name], roster, suffix=True)
    if not matches and (bare := _ANNOTATION.sub("", name_key(agency))):  # 「某县财政局（盖章）」, 「…2025年1月20日」
        name = bare
        matches, _, _ = match_names([name], roster, suffix=True)
    if matches and roster[matches[0][1]] == unit.name:
        return ""
    fits = [n for n in roster if prefixed(variant_key(name), variant_key(n))]
    whose = (f"是名单中“{roster[matches[0][1]]}”的名称，不是本单位（{unit.name}）" if matches else
             f"可能是名单中“{'”“'.join(fits)}”中任何一个的名称，无法确定是本单位（{unit.name}）"
             if unit.name in fits and len(fits) > 1 else f"与名单中的本单位名称对不上，不是本单位（{unit.name}）")
    return (f"报告封面的机关名称“{agency}”{whose}，不能作为本单位的报告提交："
            f"请上传本单位的报告；如果封面写的就是本单位（例如用了简称），请把封面的机关名称改为“{unit.name}”后重新上传")


def submit(report: Report, user: User, ip: str = "") -> Report:
    """Submit a version: refused (409) when it has errors, names another agency on its cover, or is
    not a draft."""
    with transaction.atomic():
        row = Report.objects.select_for_update().get(pk=report.pk)
        if row.status != Report.DRAFT:
            raise Refused(409, f"这一版报告{row.get_status_display()}，不能再次提交；如需修改请上传新的版本",
                          "not-draft")
        if row.errors:
            raise Refused(409, f"报告还有 {row.errors} 处错误，请改正后重新上传，再提交", "has-errors",
                          problems=row.problems)
        if why := other_agency(row.unit, row.agency):
            raise Refused(409, why, "other-agency")
        row.status, row.submitted_at, row.submitted_by = Report.SUBMITTED, timezone.now(), user
        row.save(update_fields=["status", "submitted_at", "submitted_by"])
        Action.objects.create(user=user, username=user.username, unit=row.unit, report=row, verb="submit",
                              detail=f"{row.year}年第{row.version}版", ip=ip)
        return row


def workbook(unit: Unit, year: int) -> tuple[bytes, str]:
    """This year's locked workbook for the unit: its name on the cover, last year's report
    carried in (上年结转, 上年数据) as `xlreport new --previous` does."""
    prior = previous_report(unit, year)
    with tempfile.TemporaryDirectory(dir=data_root() / "tmp") as folder:
        out = Path(folder) / "workbook.xlsx"
        try:
            api.new_workbook(out, year, agency=unit.name, previous=None if prior is None else prior.file.path)
        except XlreportError as exc:
            raise Refused(STATUS_OF_CODE.get(exc.code, 400), exc.message, exc.code) from None
        return out.read_bytes(), f"{unit.name}{year}年政府信息公开工作年度报告（填报工作簿）.xlsx"


_office = threading.Lock()  # one LibreOffice conversion at a time


def render(report: Report, kind: str) -> tuple[bytes, str]:
    """The Word report, its PDF or the web page of a stored version (refused when it has errors)."""
    prior = previous_report(report.unit, report.year)
    previous = None if prior is None else prior.file.path
    with tempfile.TemporaryDirectory(dir=data_root() / "tmp") as folder:
        source = Path(folder) / "uploaded" / f"report{report.file.suffix}"  # never the output's own path
        source.parent.mkdir()
        shutil.copyfile(report.file.path, source)
        try:
            loaded = api.load(source)
            title = api.report_title(loaded)
            if kind == "html":
                done = api.render_html(loaded, Path(folder) / "report.html", previous=previous)
            else:
                with _office if kind == "pdf" else contextlib.nullcontext():
                    done = api.render_docx(loaded, Path(folder) / "report.docx", previous=previous, pdf=kind == "pdf")
        except XlreportError as exc:
            if exc.code == "missing-program":
                raise Refused(503, "服务器上没有安装 LibreOffice，无法生成 PDF；请下载 Word 报告，"
                                   "或请政务公开办在服务器上安装 LibreOffice", exc.code) from None
            raise Refused(STATUS_OF_CODE.get(exc.code, 422), exc.message, exc.code) from None
        if done.blocked:
            raise Refused(409, f"报告还有 {len(done.result.errors)} 处错误，改正后才能生成报告", "has-errors",
                          problems=[problem_json(p, done.result.report) for p in done.result.problems])
        path = done.pdf if kind == "pdf" else done.path
        assert path is not None
        return path.read_bytes(), f"{title}.{kind}"
