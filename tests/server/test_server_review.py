"""The reviewer's side of the real `xlreport serve` (issue 21), on SQLite and on PostgreSQL: the
roster with each unit's status, return and approve (who and when, the unit's view, its history),
the audit workbook, the letters, the publication package, next year's workbook, the import of
last year's published reports (the reviewer's upload and `xlreport accounts --import`)."""

from __future__ import annotations

import csv
import io
import json
import secrets
import subprocess
import zipfile
from pathlib import Path

import pytest
from desk_helpers import UNITS, audit_sheets, demo_document, job_ended, run_accounts, xlreport_command

import xlreport
from xlreport.server.client import Client

# All its tests on one xdist worker (--dist loadgroup): its module fixture (the running service)
# is made once, not once per worker.
pytestmark = pytest.mark.xdist_group("server_review")

ROSTER_FIELDS = {"unit", "status", "report", "errors", "warnings", "submitted_at"}


def data_file(folder: Path, name: str, agency: str, year: int, address: str = "") -> Path:
    doc = demo_document()
    doc["meta"]["agency"], doc["meta"]["year"] = agency, year
    if address:
        doc["meta"]["address"] = address
    path = folder / name
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def multipart(fields: dict[str, str], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "----xlreport" + secrets.token_hex(12)
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode("utf-8")
             for k, v in fields.items()]
    parts += [(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
               f"Content-Type: application/octet-stream\r\n\r\n").encode("utf-8") + content + b"\r\n"
              for name, content in files]
    return b"".join(parts) + f"--{boundary}--\r\n".encode("ascii"), f"multipart/form-data; boundary={boundary}"


def units(c: Client, year: int) -> dict[str, dict]:
    answer = c.get(f"/api/units?year={year}")
    assert answer.status == 200, answer.body[:300]
    rows = answer.json()
    assert all(set(r) == ROSTER_FIELDS for r in rows), rows
    return {r["unit"]: r for r in rows}


def members(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.mark.office  # publish.zip: the service runs LibreOffice for the PDFs
def test_a_reviewing_season(service, tmp_path):
    a, b = UNITS
    clerk = service.client(service.unit_user(0))
    office = service.client("shenhe")
    assert {r["status"] for r in units(office, 2020).values()} == {"未报送"}

    # a unit never reaches the reviewer's requests
    for path in ("/api/units?year=2020", "/api/audit.xlsx?year=2020", "/api/feedback.zip?year=2020",
                 "/api/publish.zip?year=2020"):
        assert clerk.get(path).status == 403, path

    first = clerk.upload(data_file(tmp_path, "v1.json", a, 2020)).json()
    assert units(office, 2020)[a]["status"] == "草稿" and units(office, 2020)[a]["submitted_at"] is None
    assert clerk.post_json(f"/api/reports/{first['id']}/submit").status == 200
    row = units(office, 2020)[a]
    assert row["status"] == "已提交" and row["report"] == first["id"] and row["submitted_at"]
    assert row["errors"] == 0 and row["warnings"] == first["warnings"]
    for verb in ("return", "approve"):
        assert clerk.post_json(f"/api/reports/{first['id']}/{verb}", {"comment": "x"}).status == 403

    # return: a comment is needed; the unit sees 已退回 and the comment
    assert office.post_json(f"/api/reports/{first['id']}/return", {}).status == 400
    returned = office.post_json(f"/api/reports/{first['id']}/return", {"comment": "请补充第五部分的说明"})
    assert returned.status == 200 and returned.json()["status"] == "已退回"
    seen = clerk.get(f"/api/reports/{first['id']}").json()
    assert seen["status"] == "已退回" and seen["comment"] == "请补充第五部分的说明" and seen["reviewed_by"] == "shenhe"
    assert "请补充第五部分的说明" in clerk.get("/unit/").body.decode("utf-8")
    assert office.post_json(f"/api/reports/{first['id']}/approve").status == 409  # not submitted any more
    assert units(office, 2020)[a]["status"] == "已退回"

    # a new version, submitted and approved
    second = clerk.upload(data_file(tmp_path, "v2.json", a, 2020, address="改正后的地址2号")).json()
    assert clerk.post_json(f"/api/reports/{second['id']}/submit").status == 200
    assert office.post_json(f"/api/reports/{second['id']}/approve").json()["status"] == "已通过"
    assert units(office, 2020)[a]["status"] == "已通过"
    history = {r["id"]: r for r in clerk.get("/api/reports").json()["reports"]}
    assert history[first["id"]]["status"] == "已退回" and history[second["id"]]["status"] == "已通过"

    # each action with who and when
    log = list(csv.reader(io.StringIO(office.get("/api/actions.csv").body.decode("utf-8-sig"))))
    verbs = [(r[1], r[3], r[4]) for r in log[1:]]
    assert ("shenhe", "退回", str(first["id"])) in verbs and ("shenhe", "通过", str(second["id"])) in verbs
    assert all(r[0] for r in log[1:])

    # the audit of the year: the approved report, 未报送 from the roster
    audit = office.get("/api/audit.xlsx?year=2020")
    assert audit.status == 200, audit.body[:300]
    (tmp_path / "审查结果.xlsx").write_bytes(audit.body)
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(tmp_path / "审查结果.xlsx"))
    assert {"汇总", "问题清单", "逐年对比", "未报送", "合计"} <= set(book.sheet_names)
    missing = book.get_sheet_by_name("未报送").to_python()
    assert any(b in row for row in missing) and not any(a in row for row in missing)
    # the files as the reviewer knows them (unit, version, the name uploaded), never the server's paths
    texts = [str(v) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for v in row]
    assert not [t for t in texts if str(service.data) in t or "/tmp" in t or "\\tmp" in t]
    assert any(f"{a} 2020年第{second['version']}版（上传的文件：v2.json）" in t for t in texts)
    letters = members(office.get("/api/feedback.zip?year=2020").body)
    assert list(letters) == [f"{a}2020年政府信息公开工作年度报告审查意见.docx"]

    # the publication package: the approved report's files and nothing else
    package = office.get("/api/publish.zip?year=2020")
    assert package.status == 200, package.body[:300]
    files = members(package.body)
    title = f"{a}2020年政府信息公开工作年度报告"
    from xlreport.io.office import find_soffice

    expected = {f"{title}.docx", f"{title}.html"} | ({f"{title}.pdf"} if find_soffice() else set())
    assert set(files) == expected
    assert f"<title>{title}</title>" in files[f"{title}.html"].decode("utf-8")
    assert office.get("/api/publish.zip?year=2019").status == 404

    # next year: the approved version is carried in, not a later upload nor a later submission
    third = clerk.upload(data_file(tmp_path, "v3.json", a, 2020, address="之后又改的地址3号")).json()
    assert clerk.post_json(f"/api/reports/{third['id']}/submit").status == 200
    workbook = clerk.get("/api/workbook?year=2021")
    (tmp_path / "2021.xlsx").write_bytes(workbook.body)
    carried = xlreport.load(tmp_path / "2021.xlsx").data
    assert carried["meta.address"] == "改正后的地址2号"
    xlreport.new_workbook(tmp_path / "expected.xlsx", 2021, agency=a, previous=tmp_path / "v2.json")
    assert carried == xlreport.load(tmp_path / "expected.xlsx").data
    assert any(k.startswith("previous.") and v is not None for k, v in carried.items())
    assert units(office, 2020)[a]["status"] == "已提交"  # its latest report's status


def test_import_of_last_years_published_reports(service, tmp_path):
    a, b = UNITS
    office = service.client("shenhe")
    body, kind = multipart({"year": "2019"}, [
        ("测试县财政局2019年报告.json", data_file(tmp_path, "x.json", "测试县 财政局", 2019).read_bytes()),
        ("某某局.json", data_file(tmp_path, "y.json", "某某不在名单局", 2019).read_bytes()),
        ("坏.txt", "这不是报告".encode("utf-8")),
        ("去年的.json", data_file(tmp_path, "z.json", a, 2018).read_bytes()),
    ])
    done = office.request("POST", "/api/import", body, kind)
    assert done.status == 200, done.body[:300]
    answer = done.json()
    assert answer["loaded"] == [{"unit": b, "file": "测试县财政局2019年报告.json"}]
    reasons = {r["file"]: r["reason"] for r in answer["not_loaded"]}
    assert set(reasons) == {"某某局.json", "坏.txt", "去年的.json"}
    assert "对不上" in reasons["某某局.json"] and "2018" in reasons["去年的.json"]
    assert units(office, 2019)[b]["status"] == "已通过"
    clerk = service.client(service.unit_user(1))
    (tmp_path / "2020.xlsx").write_bytes(clerk.get("/api/workbook?year=2020").body)
    carried = xlreport.load(tmp_path / "2020.xlsx").data
    assert carried["meta.agency"] == b
    assert carried["meta.address"] == demo_document()["meta"]["address"]
    assert any(k.startswith("previous.") and v is not None for k, v in carried.items())
    assert service.client(service.unit_user(0)).request("POST", "/api/import", body, kind).status == 403


def test_accounts_adds_units_and_imports_a_folder(service, tmp_path):
    office = service.client("shenhe")
    roster = tmp_path / "新名单.txt"
    roster.write_text("\n".join([*UNITS, "新增县教育局"]) + "\n", "utf-8")
    run_accounts(service.data, tmp_path / "账号2.xlsx", "--roster", str(roster), database=service.database)
    assert units(office, 2018)["新增县教育局"]["status"] == "未报送"  # the running service sees it
    folder = tmp_path / "上年报告"
    folder.mkdir()
    data_file(folder, "教育局.json", "新增县教育局", 2018)
    (folder / "说明.docx").write_bytes(b"not a report")
    db = ["--database", service.database] if service.database else []
    done = subprocess.run(xlreport_command("accounts", "--data", str(service.data), *db, "--import", str(folder),
                                           "--year", "2018"), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "已导入：教育局.json → 新增县教育局" in done.stdout and "未导入：说明.docx" in done.stdout
    assert units(office, 2018)["新增县教育局"]["status"] == "已通过"
    again = subprocess.run(xlreport_command("accounts", "--data", str(service.data), *db, "--import", str(folder),
                                            "--year", "2018"), capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "未重复导入" in again.stdout  # nothing loaded twice, and said so
    bad = subprocess.run(xlreport_command("accounts", "--data", str(service.data), *db, "--import", str(folder)),
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "--year" in bad.stderr and "Traceback" not in bad.stderr


def test_a_report_of_another_agency_cannot_be_submitted_as_the_units_own(service, tmp_path):
    """The cover's agency is matched to the roster as the import matches names: another unit of the
    roster, or a name the roster does not have, is refused at 提交 (409 other-agency) and said at
    upload; the unit's own name written otherwise (a space, without the city) is submitted."""
    a, b = UNITS  # 枣庄市峄城区科学技术局, 测试县财政局
    clerk = service.client(service.unit_user(0))
    for n, (agency, why) in enumerate([(b, f"是名单中“{b}”的名称"), ("淮安市人民政府", "与名单中的本单位名称对不上")]):
        report = clerk.upload(data_file(tmp_path, f"别人的{n}.json", agency, 2019)).json()
        assert any(why in notice and "不能作为本单位的报告提交" in notice for notice in report["notices"]), report
        refused = clerk.post_json(f"/api/reports/{report['id']}/submit")
        assert refused.status == 409 and refused.json()["code"] == "other-agency"
        assert f"请把封面的机关名称改为“{a}”" in refused.json()["error"]
        assert clerk.get(f"/api/reports/{report['id']}").json()["status"] == "草稿"
        page = clerk.get(f"/reports/{report['id']}/").body.decode("utf-8")
        assert "other-agency" in page and 'disabled title="封面的机关名称不是本单位，不能提交"' in page
    for n, agency in enumerate(["峄城区科学技术局", "枣庄市峄城区 科学技术局"]):
        report = clerk.upload(data_file(tmp_path, f"自己的{n}.json", agency, 2019)).json()
        assert not any("不能作为本单位的报告提交" in notice for notice in report["notices"]), report
        assert clerk.post_json(f"/api/reports/{report['id']}/submit").status == 200, agency


@pytest.mark.office  # the publication package: the service runs LibreOffice for the PDFs
def test_the_jobs_build_in_the_background_what_the_get_requests_give(service, tmp_path):
    a, b = UNITS
    clerk = service.client(service.unit_user(1))
    office = service.client("shenhe")
    report = clerk.upload(data_file(tmp_path, "b.json", b, 2020)).json()
    assert clerk.post_json(f"/api/reports/{report['id']}/submit").status == 200
    assert office.post_json(f"/api/reports/{report['id']}/approve").status == 200
    assert clerk.post_json("/api/jobs", {"kind": "audit", "year": 2020}).status == 403
    started = {}
    for kind in ("publish", "audit", "feedback"):
        answer = office.post_json("/api/jobs", {"kind": kind, "year": 2020})
        assert answer.status == 202, answer.body[:300]
        started[kind] = answer.json()
        assert started[kind]["state"] in ("queued", "running", "done") and started[kind]["kind"] == kind
    ended = {kind: job_ended(office, job["id"]) for kind, job in started.items()}
    assert {kind: job["status"] for kind, job in ended.items()} == dict.fromkeys(started, "已完成"), ended
    # one worker, oldest first: each job started after the one before it ended
    order = [ended[k] for k in ("publish", "audit", "feedback")]
    assert all(x["finished_at"] <= y["started_at"] for x, y in zip(order, order[1:]))
    got = {kind: office.get(job["file"]) for kind, job in ended.items()}
    assert all(answer.status == 200 for answer in got.values())
    assert audit_sheets(got["audit"].body) == audit_sheets(office.get("/api/audit.xlsx?year=2020").body)
    assert list(members(got["feedback"].body)) == list(members(office.get("/api/feedback.zip?year=2020").body))
    package = members(got["publish"].body)
    assert set(package) == set(members(office.get("/api/publish.zip?year=2020").body))
    title = f"{b}2020年政府信息公开工作年度报告"
    assert {f"{title}.docx", f"{title}.html"} <= set(package)
    assert ended["publish"]["filename"] == "2020年政府信息公开工作年度报告发布包.zip"
    assert got["publish"].headers["content-type"] == "application/zip"
    failed = job_ended(office, office.post_json("/api/jobs", {"kind": "audit", "year": 2016}).json()["id"])
    assert failed["status"] == "失败" and failed["message"] == "2016 年度还没有单位提交报告，无法生成审查结果"
    refused = office.get(f"/api/jobs/{failed['id']}/file")
    assert refused.status == 409 and refused.json()["error"] == f"这项生成任务失败了：{failed['message']}"
