"""The HTTP API of the real `xlreport serve` (docs/http-api.md), on SQLite and on PostgreSQL:
every endpoint, both roles, and every refusal (another unit's report, no CSRF token, a reviewer's
endpoint, bad uploads); the service stays up after each."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

import xlreport
from xlreport.server.client import Client

# All its tests on one xdist worker (--dist loadgroup): its module fixture (the running service)
# is made once, not once per worker.
pytestmark = pytest.mark.xdist_group("server_api")

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def refused(answer, status: int, code: str | None = None) -> dict:
    """A refusal: the status, JSON with a Chinese message, and its code."""
    assert answer.status == status, (answer.status, answer.body[:300])
    body = answer.json()
    assert CHINESE.search(body["error"]), body
    if code:
        assert body["code"] == code, body
    return body


def test_health_login_me_logout(service):
    anonymous = service.client()
    assert anonymous.get("/api/health").json() == {"ok": True}
    refused(anonymous.get("/api/me"), 401, "login")
    wrong = refused(anonymous.login(service.unit_user(), "wrong-password"), 401, "login")
    assert "再错" in wrong["error"]
    user = service.unit_user()
    answer = anonymous.login(user, service.passwords[user])
    assert answer.status == 200
    assert answer.json() == {"user": user, "role": "unit", "unit": "枣庄市峄城区科学技术局"}
    assert anonymous.get("/api/me").json()["year"] == 2021
    assert anonymous.post_json("/api/logout").status == 200
    refused(anonymous.get("/api/reports"), 401, "login")
    reviewer = service.client("shenhe").get("/api/me").json()
    assert reviewer == {"user": "shenhe", "role": "reviewer", "unit": None, "year": 2021}


def test_every_state_change_needs_the_csrf_token(service, clean_json):
    c = Client(service.base)
    refused(c.post_json("/api/login", {"username": service.unit_user(), "password": service.passwords[service.unit_user()]},
                        csrf=False), 403, "csrf")
    c = service.client(service.unit_user())
    refused(c.upload(clean_json, csrf=False), 403, "csrf")
    report = c.upload(clean_json).json()
    refused(c.request("POST", f"/api/reports/{report['id']}/submit", csrf=False), 403, "csrf")
    refused(c.request("POST", "/api/logout", csrf=False), 403, "csrf")
    assert c.get(f"/api/reports/{report['id']}").json()["status"] == "草稿"  # nothing happened


def test_upload_check_and_downloads(service, clean_json):
    c = service.client(service.unit_user())
    answer = c.upload(clean_json)
    assert answer.status == 201
    report = answer.json()
    assert {k: report[k] for k in ("year", "status", "ok", "errors", "warnings", "problems", "version")} == \
        {"year": 2020, "status": "草稿", "ok": True, "errors": 0, "warnings": 0, "problems": [],
         "version": report["version"]}
    assert c.get(f"/api/reports/{report['id']}").json() == report
    assert report["status_text"] == report["status"] and report["state"] == "draft"  # as docs/http-api.md shows it
    assert c.get(f"/api/reports/{report['id']}/file").body == clean_json.read_bytes()
    docx = c.get(f"/api/reports/{report['id']}/docx")
    assert docx.status == 200 and "UTF-8''" in docx.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(docx.body)) as z:
        assert "枣庄市峄城区科学技术局" in z.read("word/document.xml").decode("utf-8")
    page = c.get(f"/api/reports/{report['id']}/html")
    assert page.status == 200 and "sandbox" in page.headers["content-security-policy"]
    assert "枣庄市峄城区科学技术局2020年政府信息公开工作年度报告" in page.body.decode("utf-8")
    # the same bytes again: a new version, the file stored once
    again = c.upload(clean_json).json()
    assert again["id"] != report["id"] and again["version"] == report["version"] + 1
    assert again["sha256"] == report["sha256"]
    stored = [p for p in (service.data / "files").rglob("*") if p.is_file() and report["sha256"] in p.name]
    assert len(stored) == 1 and stored[0].read_bytes() == clean_json.read_bytes()
    assert report["id"] in [r["id"] for r in c.get("/api/reports").json()["reports"]]


def test_a_finished_report_uploaded_downloads_in_its_own_kind(service, clean_json, tmp_path):
    """A unit may upload its finished Word report or web page; its Word (web) download is made from
    it — the upload is never taken for the output of the same name (it was: 422 same-as-input)."""
    c = service.client(service.unit_user())
    for kind in ("docx", "html"):
        finished = tmp_path / f"成稿.{kind}"
        (xlreport.render_docx if kind == "docx" else xlreport.render_html)(clean_json, finished)
        report = c.upload(finished).json()
        assert report["ok"], report["problems"]
        again = c.get(f"/api/reports/{report['id']}/{kind}")
        assert again.status == 200, again.body[:300]
        assert "枣庄市峄城区科学技术局" in (again.body.decode("utf-8") if kind == "html" else
                                         zipfile.ZipFile(io.BytesIO(again.body)).read("word/document.xml").decode())


@pytest.mark.office  # the service runs LibreOffice
def test_pdf_download(service, clean_json, soffice):
    c = service.client(service.unit_user())
    report = c.upload(clean_json).json()
    pdf = c.get(f"/api/reports/{report['id']}/pdf")
    assert pdf.status == 200, pdf.body[:300]
    assert pdf.body.startswith(b"%PDF")


def test_errors_are_listed_and_block_submission_and_reports(service, error_json):
    c = service.client(service.unit_user())
    report = c.upload(error_json).json()
    assert report["ok"] is False and report["errors"] == 2
    rules = {p["rule"] for p in report["problems"]}
    assert rules == {"t3-row-sum", "t3-balance"}
    for p in report["problems"]:
        assert p["severity"] == "error" and CHINESE.search(p["message"]) and p["place"].startswith("表三")
        assert "t3.new.natural_person" in p["keys"]
    body = refused(c.post_json(f"/api/reports/{report['id']}/submit"), 409, "has-errors")
    assert body["problems"] == report["problems"]
    refused(c.get(f"/api/reports/{report['id']}/docx"), 409, "has-errors")
    assert c.get(f"/api/reports/{report['id']}").json()["status"] == "草稿"


def test_submit_then_next_year_workbook_carries_it(service, clean_json, tmp_path):
    user = service.unit_user(1)  # 测试县财政局: its own history
    doc = json.loads(clean_json.read_text("utf-8"))
    doc["meta"]["agency"] = "测试县财政局"  # its own report (another agency's is not submitted as its own)
    own = tmp_path / "财政局2020.json"
    own.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    c = service.client(user)
    empty = c.get("/api/workbook?year=2021")
    assert empty.status == 200
    (tmp_path / "empty.xlsx").write_bytes(empty.body)
    before = xlreport.load(tmp_path / "empty.xlsx").data
    assert before["meta.agency"] == "测试县财政局" and before["meta.year"] == 2021
    assert not [k for k, v in before.items() if k.startswith("previous.") and v is not None]
    draft = c.upload(own).json()
    (tmp_path / "from-draft.xlsx").write_bytes(c.get("/api/workbook?year=2021").body)
    # nothing submitted of 2020 yet: the latest upload is carried in (data-model.md §6)
    assert xlreport.load(tmp_path / "from-draft.xlsx").data["meta.address"] == xlreport.load(own).data["meta.address"]
    report = c.upload(own).json()
    assert report["version"] == draft["version"] + 1
    submitted = c.post_json(f"/api/reports/{report['id']}/submit")
    assert submitted.status == 200 and submitted.json()["status"] == "已提交"
    assert submitted.json()["submitted_at"]
    refused(c.post_json(f"/api/reports/{report['id']}/submit"), 409, "not-draft")
    carried = c.get("/api/workbook?year=2021")
    (tmp_path / "carried.xlsx").write_bytes(carried.body)
    after = xlreport.load(tmp_path / "carried.xlsx").data
    demo = xlreport.load(own).data
    assert after["meta.address"] == demo["meta.address"]  # the cover carried over
    # exactly what `xlreport new --previous` makes of last year's submitted report
    xlreport.new_workbook(tmp_path / "expected.xlsx", 2021, agency="测试县财政局", previous=own)
    assert after == xlreport.load(tmp_path / "expected.xlsx").data
    assert [k for k, v in after.items() if k.startswith("previous.") and v is not None]
    refused(c.get("/api/workbook?year=abc"), 400, "usage")


def test_units_never_see_each_other(service, clean_json):
    mine = service.client(service.unit_user(0))
    theirs = service.client(service.unit_user(1))
    report = mine.upload(clean_json).json()
    rid = report["id"]
    for path in ("", "/file", "/docx", "/html", "/pdf"):
        refused(theirs.get(f"/api/reports/{rid}{path}"), 404, "not-found")
    refused(theirs.post_json(f"/api/reports/{rid}/submit"), 404, "not-found")
    assert rid not in [r["id"] for r in theirs.get("/api/reports").json()["reports"]]
    assert mine.get(f"/api/reports/{rid}").json()["status"] == "草稿"
    # the reviewer sees every unit's reports
    assert service.client("shenhe").get(f"/api/reports/{rid}").json()["id"] == rid


def test_roles_and_the_action_log(service, clean_json):
    unit = service.client(service.unit_user())
    refused(unit.get("/api/actions.csv"), 403, "forbidden")
    reviewer = service.client("shenhe")
    refused(reviewer.upload(clean_json), 403, "forbidden")
    refused(reviewer.get("/api/workbook?year=2021"), 403, "forbidden")
    report = unit.upload(clean_json).json()
    unit.post_json(f"/api/reports/{report['id']}/submit")
    log = reviewer.get("/api/actions.csv")
    assert log.status == 200 and log.headers["content-type"].startswith("text/csv")
    text = log.body.decode("utf-8-sig")
    assert text.splitlines()[0] == "时间,用户名,单位,操作,报告编号,年度,版本,详情,IP 地址"
    mine = [line for line in text.splitlines() if f",{report['id']},2020," in line]
    assert [line.split(",")[3] for line in mine] == ["上传", "提交"]
    assert all(",dw0001,枣庄市峄城区科学技术局," in line for line in mine)
    for password in service.passwords.values():  # never a password in the log
        assert password not in text


def zip_bomb(size: int = 300 * 1024 * 1024) -> bytes:
    """An .xlsx-looking zip whose one member inflates from about 300 KB to 300 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(size // len(block)):
                member.write(block)
        z.writestr("[Content_Types].xml", "<Types/>")
    return out.getvalue()


def test_bad_uploads_are_refused_and_the_service_stays_up(service, tmp_path, clean_json):
    c = service.client(service.unit_user())
    refused(c.upload(content=b"PK\x03\x04 not really a workbook", filename="报表.xlsx"), 422, "damaged")
    refused(c.upload(content=b"\x89PNG\r\n\x1a\n", filename="截图.png"), 415, "unsupported-type")
    letter = refused(c.upload(content="你好，这是一封信。\n".encode() * 20, filename="信.txt"), 422)
    assert "不像政府信息公开工作年度报告" in letter["error"]
    import openpyxl

    other = openpyxl.Workbook()
    other.active["A1"] = "别的表格"
    other.save(tmp_path / "别的表格.xlsx")
    refused(c.upload(tmp_path / "别的表格.xlsx"), 422, "not-xlreport")
    bomb = refused(c.upload(content=zip_bomb(), filename="炸弹.xlsx"), 413, "too-large")
    assert "炸弹.xlsx" in bomb["error"]
    refused(c.request("POST", "/api/reports", b"", "multipart/form-data; boundary=x"), 400, "no-file")
    refused(c.post_json("/api/login", ["not", "an", "object"]), 400, "bad-json")
    assert c.get("/api/health").status == 200
    assert c.upload(clean_json).status == 201  # and it still works
    assert not [p for p in (service.data / "tmp").iterdir()]  # nothing left behind


def test_unknown_addresses_and_methods_answer_in_chinese(service):
    c = service.client(service.unit_user())
    refused(c.get("/api/nothing-here"), 404, "not-found")
    refused(c.get("/api/reports/999999"), 404, "not-found")
    refused(c.get("/api/reports/1/submit"), 405, "method")
    page = c.get("/no-such-page/")
    assert page.status == 404 and "没有这个页面" in page.body.decode("utf-8")
