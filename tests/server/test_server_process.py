"""The real `xlreport serve` process: kill -9 during uploads loses no acknowledged upload, SIGTERM
stops it cleanly, it binds 127.0.0.1 unless told otherwise, the online backup, and
`xlreport accounts` (new units added, existing passwords kept, --reset)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import threading
import time

import pytest

from desk_helpers import UNITS, demo_document, job_ended, run_accounts, xlreport_command
from xlreport.cli.main import build_parser


def numbered_upload(doc: dict, n: int) -> bytes:
    """A distinct, clean data file: the demo with 说明 numbered."""
    changed = json.loads(json.dumps(doc))
    changed["text"]["text.other"] = f"第 {n} 次上传。"
    return json.dumps(changed, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_kill_9_during_uploads_loses_no_acknowledged_upload(tmp_path, new_service, db, request):
    database = None if db == "sqlite" else request.getfixturevalue("postgres_database_once")
    service = new_service(tmp_path, database)
    doc = demo_document()
    acknowledged: list[tuple[int, bytes]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def clerk(k: int) -> None:
        c = service.client(service.unit_user(k % 2))
        for n in range(k * 1000, k * 1000 + 200):  # bounded
            if stop.is_set():
                return
            content = numbered_upload(doc, n)
            try:
                answer = c.upload(content=content, filename=f"第{n}次.json")
            except OSError:  # the service died under this request: not acknowledged
                return
            if answer.status == 201:
                with lock:
                    acknowledged.append((answer.json()["id"], content))

    clerks = [threading.Thread(target=clerk, args=(k,)) for k in range(4)]
    for t in clerks:
        t.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < 12 and time.monotonic() < deadline:
        time.sleep(0.05)
    service.kill()  # SIGKILL, mid-upload
    stop.set()
    for t in clerks:
        t.join(timeout=60)
    assert len(acknowledged) >= 12
    service.output.clear()
    service.start()  # the same data folder (and database)
    clients = {k: service.client(service.unit_user(k)) for k in (0, 1)}
    for report_id, content in acknowledged:
        got = [c.get(f"/api/reports/{report_id}/file") for c in clients.values()]
        assert [a.body for a in got if a.status == 200] == [content]
    if database is None:
        with sqlite3.connect(service.data / "xlreport.sqlite3") as db_file:
            assert db_file.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert service.stop() == 0


def job_states(service) -> dict[int, str]:
    """The jobs' states as the database holds them (read while the service is down)."""
    query = "SELECT id, status FROM desk_job"
    if service.database is None:
        with sqlite3.connect(service.data / "xlreport.sqlite3") as db_file:
            return dict(db_file.execute(query).fetchall())
    import psycopg

    with psycopg.connect(service.database) as conn:
        return dict(conn.execute(query).fetchall())


@pytest.mark.office  # the publication package: the service runs LibreOffice
@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_kill_9_during_the_reviewers_jobs_loses_no_job(tmp_path, new_service, db, request):
    import io
    import zipfile

    database = None if db == "sqlite" else request.getfixturevalue("postgres_database_once")
    service = new_service(tmp_path, database)
    clerk, office = service.client(service.unit_user(0)), service.client("shenhe")
    doc = demo_document()
    doc["meta"]["agency"] = UNITS[0]
    report = clerk.upload(content=json.dumps(doc, ensure_ascii=False).encode("utf-8"), filename="甲.json").json()
    assert clerk.post_json(f"/api/reports/{report['id']}/submit").status == 200
    assert office.post_json(f"/api/reports/{report['id']}/approve").status == 200
    started = [office.post_json("/api/jobs", {"kind": kind, "year": 2020}).json() for kind in ("publish", "audit", "feedback")]
    deadline = time.monotonic() + 300
    while office.get(f"/api/jobs/{started[0]['id']}").json()["state"] == "queued" and time.monotonic() < deadline:
        time.sleep(0.05)
    service.kill()  # SIGKILL while the package is being made (LibreOffice at work) and the others wait
    left = job_states(service)
    assert set(left) == {j["id"] for j in started} and {"queued", "running"} & set(left.values()), left
    service.output.clear()
    service.start()  # the same data folder and database: what was left running is queued again
    office = service.client("shenhe")  # (on the new port)
    ended = [job_ended(office, job["id"]) for job in started]
    assert [job["status"] for job in ended] == ["已完成"] * 3, ended
    with zipfile.ZipFile(io.BytesIO(office.get(ended[0]["file"]).body)) as z:
        title = f"{UNITS[0]}2020年政府信息公开工作年度报告"
        assert {f"{title}.docx", f"{title}.html"} <= set(z.namelist()) and z.testzip() is None
    with zipfile.ZipFile(io.BytesIO(office.get(ended[2]["file"]).body)) as z:
        assert z.namelist() == [f"{UNITS[0]}2020年政府信息公开工作年度报告审查意见.docx"]
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(office.get(ended[1]["file"]).body))
    assert "汇总" in book.sheet_names

    # SIGTERM (systemd's stop or restart) while a job runs: a clean stop, and the job runs at the next start
    again = office.post_json("/api/jobs", {"kind": "publish", "year": 2020}).json()
    deadline = time.monotonic() + 300
    while office.get(f"/api/jobs/{again['id']}").json()["state"] == "queued" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert service.stop() == 0 and "报送服务已停止" in "".join(service.output)
    service.output.clear()
    service.start()
    done = job_ended(service.client("shenhe"), again["id"])
    assert done["status"] == "已完成" and done["sha256"], done
    assert service.stop() == 0


def test_sigterm_stops_the_service_cleanly(tmp_path, new_service):
    service = new_service(tmp_path)
    assert service.output[0].startswith("报送服务已启动：http://127.0.0.1:")
    assert service.client().get("/api/health").status == 200
    year = service.client("shenhe").get("/api/me").json()["year"]
    assert service.stop() == 0
    said = "".join(service.output)
    assert "报送服务已停止" in said
    assert f"收取 {year} 年度的报告（--year 指定）" in said  # the IT person can confirm it


def test_serve_binds_loopback_unless_told():
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000 and args.max_upload_mb == 50


def test_oversized_upload_is_refused_with_the_limit_said(tmp_path, new_service):
    service = new_service(tmp_path, None, "--max-upload-mb", "1")
    c = service.client(service.unit_user())
    answer = c.upload(content=b"PK" + b"\0" * (2 * 1024 * 1024), filename="很大的工作簿.xlsx")
    assert answer.status == 413 and answer.json()["code"] == "too-large"
    assert "超过上传上限 1 MB" in answer.json()["error"]
    assert c.get("/api/health").status == 200


def test_backup_while_the_service_runs(tmp_path, new_service, clean_json):
    service = new_service(tmp_path)
    c = service.client(service.unit_user())
    report = c.upload(clean_json).json()
    target = tmp_path / "备份"
    done = subprocess.run(xlreport_command("serve", "--data", str(service.data), "--backup", str(target)),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "数据库已备份" in done.stdout
    with sqlite3.connect(target / "xlreport.sqlite3") as copy:
        assert copy.execute("SELECT count(*) FROM desk_report WHERE id = ?", (report["id"],)).fetchone()[0] == 1
    stored = list((target / "files").rglob(f"{report['sha256']}*"))
    assert len(stored) == 1 and stored[0].read_bytes() == clean_json.read_bytes()
    if os.name != "nt":  # the database holds the password hashes: the service's user alone reads it, and its copy
        for folder in (service.data, target):
            private = [folder / "secret_key", *folder.glob("xlreport.sqlite3*"), stored[0]]
            assert {p.name: oct(p.stat().st_mode & 0o077) for p in private} == {p.name: "0o0" for p in private}
    again = subprocess.run(xlreport_command("serve", "--data", str(service.data), "--backup", str(target)),
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "不是空的" in again.stderr  # never over an earlier backup
    # the copy serves: the backup is a data folder
    service.stop()
    service.data = target
    service.output.clear()
    service.start()
    assert service.client(service.unit_user()).get(f"/api/reports/{report['id']}/file").body == clean_json.read_bytes()


def test_accounts_add_new_units_keep_passwords_and_reset(tmp_path):
    data = tmp_path / "data"
    roster = tmp_path / "名单.txt"
    roster.write_text("甲局\n乙局\n", "utf-8")
    first = run_accounts(data, tmp_path / "账号1.xlsx", "--roster", str(roster), "--reviewer", "shenhe")
    assert set(first) == {"dw0001", "dw0002", "shenhe"} and all(len(p) == 12 for p in first.values())
    roster.write_text("甲局\n乙局\n丙局\n", "utf-8")
    second = run_accounts(data, tmp_path / "账号2.xlsx", "--roster", str(roster))
    assert second["dw0001"] == second["dw0002"] == "（已有账号，密码未变）" and len(second["dw0003"]) == 12
    reset = run_accounts(data, tmp_path / "账号3.xlsx", "--reset", "乙局")
    assert set(reset) == {"dw0002"} and reset["dw0002"] != first["dw0002"]
    refused = subprocess.run(xlreport_command("accounts", "--data", str(data), "--roster", str(roster),
                                              "-o", str(tmp_path / "账号3.xlsx")), capture_output=True, text=True)
    assert refused.returncode == 2 and "已存在" in refused.stderr
    unknown = subprocess.run(xlreport_command("accounts", "--data", str(data), "--reset", "丁局",
                                              "-o", str(tmp_path / "账号4.xlsx")), capture_output=True, text=True)
    assert unknown.returncode == 2 and "没有“丁局”" in unknown.stderr
    assert not (tmp_path / "账号4.xlsx").exists()


def test_behind_an_https_proxy(tmp_path, new_service):
    """--https: the proxy's X-Forwarded-Proto makes the request secure (secure cookies, the CSRF
    origin check against --origin) and X-Forwarded-For is the address in the log."""
    import http.cookiejar

    class AsThroughTheProxy(http.cookiejar.DefaultCookiePolicy):
        def return_ok_secure(self, cookie, request):  # the proxy would speak HTTPS to the browser
            return True

    service = new_service(tmp_path, None, "--https", "--origin", "https://nianbao.test")
    c = service.client()
    c.cookies.set_policy(AsThroughTheProxy())
    user = service.unit_user()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.8.0.7", "Referer": "https://nianbao.test/",
               "Origin": "https://nianbao.test"}
    token = c.get("/api/csrf").json()["csrfToken"]
    body = json.dumps({"username": user, "password": service.passwords[user]}).encode()
    answer = c.request("POST", "/api/login", body, "application/json", headers={**proxied, "X-CSRFToken": token})
    assert answer.status == 200, answer.body
    assert "Secure" in answer.headers["set-cookie"]
    forged = {**proxied, "Referer": "https://elsewhere.test/", "Origin": "https://elsewhere.test"}
    other = c.request("POST", "/api/login", body, "application/json", headers={**forged, "X-CSRFToken": token})
    assert other.status == 403 and other.json()["code"] == "csrf"
    reviewer = service.client()
    reviewer.cookies.set_policy(AsThroughTheProxy())
    reviewer.get("/api/csrf")
    login = json.dumps({"username": "shenhe", "password": service.passwords["shenhe"]}).encode()
    assert reviewer.request("POST", "/api/login", login, "application/json",
                            headers={**proxied, "X-CSRFToken": reviewer.cookie("csrftoken") or ""}).status == 200
    log = reviewer.request("GET", "/api/actions.csv", headers=proxied).body.decode("utf-8-sig")
    assert any(line.endswith(",10.8.0.7") and f",{user}," in line and ",登录," in line for line in log.splitlines())


def test_a_wrong_database_is_one_chinese_line(tmp_path):
    wrong = subprocess.run(xlreport_command("serve", "--data", str(tmp_path / "d"), "--database", "mysql://x/y"),
                           capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "--database 应是 postgresql://" in wrong.stderr
    assert not (tmp_path / "d").exists()
    unreachable = subprocess.run(xlreport_command("serve", "--data", str(tmp_path / "d"), "--database",
                                                  "postgresql://nobody:secret@127.0.0.1:9/nothing"),
                                 capture_output=True, text=True, timeout=120)
    assert unreachable.returncode == 2 and unreachable.stderr.startswith("错误：无法打开PostgreSQL 数据库")
    assert "Traceback" not in unreachable.stderr and "secret" not in unreachable.stderr
