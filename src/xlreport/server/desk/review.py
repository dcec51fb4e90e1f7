"""The reviewer's jobs (issue 21), through `xlreport.api` and the audit and package functions:
the roster with each unit's status, return and approve, the audit workbook, the 审查意见 letters,
the publication package, and last year's published reports imported for the units they name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xlreport import api
from xlreport.errors import XlreportError
from xlreport.server import storage
from xlreport.server.desk.models import Action, Report, StoredFile, Unit
from xlreport.server.desk.service import (ACCEPTED, STATUS_OF_CODE, Refused, data_root, previous_report,
                                          problem_json, safe_name)

NOT_REPORTED = "未报送"
STATUS_TEXT = dict(Report.STATUSES)
ORDER = [NOT_REPORTED, "草稿", "已提交", "已退回", "已通过"]  # the roster's order by status


def _time(moment: Any) -> str | None:
    return None if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


def status_text(report: Report | None) -> str:
    return NOT_REPORTED if report is None else STATUS_TEXT[report.status]


def latest_reports(year: int) -> dict[int, Report]:
    """Each unit's latest version of `year` (its status is the unit's status), by unit id."""
    latest: dict[int, Report] = {}
    for r in Report.objects.filter(year=year).order_by("unit_id", "-version"):
        latest.setdefault(r.unit_id, r)
    return latest


def roster(year: int) -> list[dict[str, Any]]:
    """`GET /api/units?year=Y`: every unit with its status for the year, the latest report's
    errors and warnings, and when it was submitted (data-model.md §6), in roster order."""
    latest = latest_reports(year)
    rows = []
    for unit in Unit.objects.order_by("id"):
        r = latest.get(unit.pk)
        rows.append({"unit": unit.name, "status": status_text(r), "report": None if r is None else r.pk,
                     "errors": None if r is None else r.errors, "warnings": None if r is None else r.warnings,
                     "submitted_at": None if r is None else _time(r.submitted_at)})
    return rows


def counts_line(rows: list[dict[str, Any]]) -> str:
    """「已提交 137 / 200，已通过 90，已退回 12，未报送 51」: 已提交 counts every unit that has
    submitted (whatever the verdict since)."""
    n = {s: sum(1 for r in rows if r["status"] == s) for s in ORDER}
    submitted = n["已提交"] + n["已退回"] + n["已通过"]
    return (f"已提交 {submitted} / {len(rows)}，已通过 {n['已通过']}，已退回 {n['已退回']}，"
            f"未报送 {n[NOT_REPORTED]}" + (f"，草稿 {n['草稿']}" if n["草稿"] else ""))


def review(report: Report, user: User, verb: str, comment: str = "", ip: str = "") -> Report:
    """Return (with a comment, required) or approve a submitted version; recorded with who and when."""
    comment = comment.strip()
    if verb == "return" and not comment:
        raise Refused(400, "退回时请填写审核意见（comment），说明需要修改什么", "no-comment")
    with transaction.atomic():
        row = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
        if row.status != Report.SUBMITTED:
            raise Refused(409, f"这一版报告{STATUS_TEXT[row.status]}，只能审核已提交的报告", "not-submitted")
        row.status = Report.RETURNED if verb == "return" else Report.APPROVED
        row.reviewed_at, row.reviewed_by, row.comment = timezone.now(), user, comment
        row.save(update_fields=["status", "reviewed_at", "reviewed_by", "comment"])
        Action.objects.create(user=user, username=user.username, unit=row.unit, report=row, verb=verb,
                              detail=f"{row.year}年第{row.version}版" + (f"：{comment}" if comment else ""), ip=ip)
        return row


# --- the audit, the letters, the package ------------------------------------------

def _copy(report: Report, folder: Path, stem: str) -> Path:
    """A stored file copied under a name the readers and the audit go by (its suffix kept)."""
    folder.mkdir(exist_ok=True)
    path = folder / f"{safe_name(stem)}{report.file.suffix}"
    n = 2
    while path.exists():
        path = folder / f"{safe_name(stem)}({n}){report.file.suffix}"
        n += 1
    shutil.copyfile(report.file.path, path)
    return path


@dataclass
class Season:
    """A year's files laid out for the audit: this year's submissions, last year's reports, the roster."""

    folder: Path
    current: list[Path] = field(default_factory=list)
    previous: Path | None = None
    roster: Path | None = None
    labels: dict[str, str] = field(default_factory=dict)  # a copy's path -> what the reviewer knows it by


def _label(report: Report) -> str:
    """A stored version as the reviewer knows it: 「某局 2024年第3版（上传的文件：报表.xlsx）」."""
    return f"{report.unit.name} {report.year}年第{report.version}版（上传的文件：{report.filename}）"


def _relabel(value: Any, labels: dict[str, str]) -> Any:
    """The audit's result with the temporary copies' paths said as the reviewer knows the files
    (every text of it: a file column, a pair's note, a message naming last year's file). The
    paths the readers opened (`path`) and the raw data stay as they are."""
    import dataclasses

    if isinstance(value, str):
        for raw, label in labels.items():
            value = value.replace(raw, label)
        return value
    if isinstance(value, list):
        return [_relabel(v, labels) for v in value]
    if isinstance(value, tuple):
        return tuple(_relabel(v, labels) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _relabel(getattr(value, f.name), labels) for f in dataclasses.fields(value)
                   if f.name not in ("path", "data", "cells", "numbers")}
        return dataclasses.replace(value, **changes)
    return value


def submitted_reports(year: int) -> list[Report]:
    """Each unit's current submission of the year: its latest version that was submitted."""
    found: dict[int, Report] = {}
    for r in Report.objects.filter(year=year, submitted_at__isnull=False).select_related("unit", "file") \
            .order_by("unit_id", "-version"):
        found.setdefault(r.unit_id, r)
    return list(found.values())


@contextlib.contextmanager
def season(year: int) -> Iterator[Season]:
    """The year's current submissions, each unit's report of the year before (approved, else
    submitted, else latest: previous_report) and the roster, in a temporary folder."""
    with tempfile.TemporaryDirectory(dir=data_root() / "tmp") as tmp:
        laid = Season(Path(tmp))
        for r in submitted_reports(year):
            laid.current.append(_copy(r, laid.folder / "current", f"{r.unit.name}{year}"))
            laid.labels[str(laid.current[-1])] = _label(r)
        last = [p for p in (previous_report(u, year) for u in Unit.objects.order_by("id")) if p is not None]
        if last:
            laid.previous = laid.folder / "previous"
            for r in last:
                laid.labels[str(_copy(r, laid.previous, f"{r.unit.name}{year - 1}"))] = _label(r)
            laid.labels[str(laid.previous)] = "报送服务中各单位的上年报告"
        names = list(Unit.objects.order_by("id").values_list("name", flat=True))
        if names:
            laid.roster = laid.folder / "名单.txt"
            laid.labels[str(laid.roster)] = "报送服务中的单位名单"
            laid.roster.write_text("\n".join(names) + "\n", "utf-8")
        yield laid


def _audit(laid: Season, year: int, output: Path | None = None) -> Any:
    """The audit's result, its files named as the reviewer knows them (never the temporary
    folder's paths); the workbook written to `output`."""
    from xlreport.audit.book import write_audit

    if not laid.current:
        raise Refused(404, f"{year} 年度还没有单位提交报告，无法生成审查结果", "no-reports")
    try:
        done = api.audit(laid.current, roster=laid.roster, year=year,
                         previous_dirs=[laid.previous] if laid.previous else [])
        result = _relabel(done.result, dict(sorted(laid.labels.items(), key=lambda kv: -len(kv[0]))))
        if output is not None:
            write_audit(output, result)
        return result
    except XlreportError as exc:
        raise Refused(STATUS_OF_CODE.get(exc.code, 422), exc.message, exc.code) from None


def audit_workbook(year: int) -> tuple[bytes, str]:
    """`GET /api/audit.xlsx`: the `xlreport audit` workbook of the year's submissions, with last
    year's reports for 逐年对比 and the roster for 未报送."""
    with season(year) as laid:
        out = laid.folder / "审查结果.xlsx"
        _audit(laid, year, out)
        return out.read_bytes(), f"{year}年政府信息公开工作年度报告审查结果.xlsx"


def feedback(year: int) -> tuple[bytes, str]:
    """`GET /api/feedback.zip`: one 审查意见 .docx per reviewed unit, as `audit --feedback` writes them."""
    from xlreport.audit.feedback import feedback_zip

    with season(year) as laid:
        return feedback_zip(_audit(laid, year)), f"{year}年政府信息公开工作年度报告审查意见.zip"


def approved_reports(year: int) -> list[Report]:
    """Each unit's approved report of the year (its latest approved version)."""
    found: dict[int, Report] = {}
    for r in Report.objects.filter(year=year, status=Report.APPROVED).select_related("unit", "file") \
            .order_by("unit_id", "-version"):
        found.setdefault(r.unit_id, r)
    return list(found.values())


def publication(year: int) -> tuple[bytes, str, list[Any]]:
    """`GET /api/publish.zip`: for every approved report its .docx, .html and (where LibreOffice is
    installed) .pdf, and nothing else; the package's entries (what is missing, why) beside it."""
    from xlreport.report.package import package_name, publish_package

    reports = approved_reports(year)
    if not reports:
        raise Refused(404, f"{year} 年度还没有审核通过的报告，发布包为空；请先审核通过报告", "no-reports")
    with tempfile.TemporaryDirectory(dir=data_root() / "tmp") as tmp:
        paths = [_copy(r, Path(tmp), f"{r.unit.name}{year}") for r in reports]
        try:
            package = publish_package(paths, year=year)
        except XlreportError as exc:
            raise Refused(STATUS_OF_CODE.get(exc.code, 422), exc.message, exc.code) from None
    return package.data, package_name(year), package.entries


# --- last year's published reports ------------------------------------------------

@dataclass
class Imported:
    """What an import did: (unit, file) loaded, and each file not loaded with why (in Chinese)."""

    loaded: list[tuple[str, str]] = field(default_factory=list)
    not_loaded: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"已导入：{file} → {unit}" for unit, file in self.loaded]
        out += [f"未导入：{file}（{why}）" for file, why in self.not_loaded]
        return out


def import_files(files: list[tuple[Path, str]], year: int, user: User | None = None, ip: str = "") -> Imported:
    """Load published reports of `year` (any kind the importer reads) for the units they name: the
    agency on the report (else the file's name) matched to the roster by name (spaces, full-width
    letters, 政府/人民政府 and a place prefix do not matter). Each is kept as the unit's approved
    report of that year (it was published), so next year's workbook and the audit carry it. Files
    not matched, not read, of another year, naming a unit twice or already stored for the unit are
    listed with why, never skipped silently."""
    from xlreport.audit.names import match_names

    done = Imported()
    readable: list[tuple[Path, str, Any, str]] = []  # path, shown name, report, agency
    for path, shown_name in files:
        if path.suffix.lower() not in ACCEPTED:
            done.not_loaded.append((shown_name, "不是可以导入的报告文件（.html/.docx/.pdf/.txt/.md/.xlsx/.json 等）"))
            continue
        try:
            report = api.load(path)
        except XlreportError as exc:
            done.not_loaded.append((shown_name, f"无法读取：{exc.message}"))
            continue
        found = report.data.get("meta.year")
        if isinstance(found, int) and not isinstance(found, bool) and found != year:
            done.not_loaded.append((shown_name, f"报告是 {found} 年度的，不是 {year} 年度的"))
            continue
        agency = str(report.data.get("meta.agency") or "").strip() or Path(shown_name).stem
        readable.append((path, shown_name, report, agency))
    units = list(Unit.objects.order_by("id"))
    matches, unmatched, _ = match_names([a for *_, a in readable], [u.name for u in units], suffix=True)
    for i in unmatched:
        path, shown_name, report, agency = readable[i]
        done.not_loaded.append((shown_name, f"报告的机关“{agency}”与名单中的单位对不上（或名单中有多个相近的名称）；"
                                            f"请先用 xlreport accounts 把该单位加入名单，或把文件名改为单位全称后重新导入"))
    for i, j, _ in matches:
        path, shown_name, report, agency = readable[i]
        unit = units[j]
        result = api.check(report)
        suffix = path.suffix.lower()
        with open(path, "rb") as stream:
            sha = storage.sha256_of(stream)
        if Report.objects.filter(unit=unit, year=year, file_id=sha).exists():
            done.not_loaded.append((shown_name, f"这个文件已是“{unit.name}”{year} 年度的报告（已导入或已上传过），未重复导入"))
            continue
        storage.store(data_root(), path, sha, suffix)  # durable before the row below
        with transaction.atomic():
            Unit.objects.select_for_update().filter(pk=unit.pk).first()
            stored, _ = StoredFile.objects.get_or_create(sha256=sha, defaults={"size": path.stat().st_size,
                                                                                "suffix": suffix})
            number = (Report.objects.filter(unit=unit, year=year).aggregate(n=Max("version"))["n"] or 0) + 1
            now = timezone.now()
            row = Report.objects.create(
                unit=unit, year=year, version=number, file=stored, filename=safe_name(shown_name)[:255],
                uploaded_by=user, agency=agency[:200], format=report.fmt.version, errors=len(result.errors),
                warnings=len(result.warnings), problems=[problem_json(p, report) for p in result.problems],
                notices=["政务公开办导入的已发布报告"], status=Report.APPROVED, submitted_at=now, reviewed_at=now,
                reviewed_by=user, comment="已发布的上年度报告（导入）")
            Action.objects.create(user=user, username=user.username if user else "xlreport accounts", unit=unit,
                                  report=row, verb="import", detail=f"{shown_name}（{year}年第{number}版）", ip=ip)
        done.loaded.append((unit.name, shown_name))
    return done


def import_folder(folder: str | os.PathLike, year: int) -> Imported:
    """`xlreport accounts --import FOLDER --year Y`: every file under the folder."""
    root = Path(folder)
    if not root.is_dir():
        raise Refused(400, f"找不到文件夹“{root}”，请检查上年报告所在文件夹的路径", "usage")
    files = [(p, str(p.relative_to(root))) for p in sorted(root.rglob("*")) if p.is_file()]
    if not files:
        raise Refused(400, f"文件夹“{root}”中没有文件；请把上年已发布的报告放进去", "usage")
    return import_files(files, year)
