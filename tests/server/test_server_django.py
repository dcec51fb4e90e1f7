"""The desk in this process with Django's test client (SQLite): login throttling, session expiry,
CSRF, hashed passwords, the pages (Chinese, usable without JavaScript), the error pages."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from desk_helpers import PASSWORD


@pytest.fixture
def clean_json(tmp_path, people) -> Path:
    """The demo's 2020 data file (no errors) under unit a's name: a report of another agency is not
    submitted as the unit's own."""
    import json

    from desk_helpers import demo_document

    doc = demo_document()
    doc["meta"]["agency"] = people["a_unit"]
    path = tmp_path / "2020年报表.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def client(enforce_csrf: bool = True, raise_errors: bool = True):
    from django.test import Client

    return Client(enforce_csrf_checks=enforce_csrf, raise_request_exception=raise_errors)


def api_login(c, username: str, password: str = PASSWORD):
    c.get("/api/csrf")
    return c.post("/api/login", {"username": username, "password": password}, content_type="application/json",
                  HTTP_X_CSRFTOKEN=c.cookies["csrftoken"].value)


def test_ten_wrong_passwords_lock_the_account_for_15_minutes(people, monkeypatch):
    from xlreport.server.desk import throttle

    start = datetime.datetime(2027, 1, 20, 2, 0, tzinfo=datetime.timezone.utc)
    clock = [start]
    monkeypatch.setattr(throttle, "now", lambda: clock[0])
    c = client()
    user = people["a"]
    for i in range(9):
        answer = api_login(c, user, "wrong")
        assert answer.status_code == 401 and f"再错 {9 - i} 次" in answer.json()["error"]
    locked = api_login(c, user, "wrong")
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked"
    assert "已锁定 15 分钟" in locked.json()["error"] and "10:15" in locked.json()["error"]  # Beijing time
    clock[0] = start + datetime.timedelta(minutes=14)
    refused = api_login(c, user)  # the right password, while locked
    assert refused.status_code == 429 and "已锁定" in refused.json()["error"]
    assert api_login(client(), people["b"]).status_code == 200  # another account is not affected
    clock[0] = start + datetime.timedelta(minutes=15, seconds=1)
    assert api_login(c, user).status_code == 200


def test_wrong_passwords_spread_over_more_than_15_minutes_do_not_lock(people, monkeypatch):
    from xlreport.server.desk import throttle

    start = datetime.datetime(2027, 1, 20, 2, 0, tzinfo=datetime.timezone.utc)
    clock = [start]
    monkeypatch.setattr(throttle, "now", lambda: clock[0])
    c = client()
    for i in range(9):
        assert api_login(c, people["a"], "wrong").status_code == 401
    clock[0] = start + datetime.timedelta(minutes=16)
    assert api_login(c, people["a"], "wrong").status_code == 401  # a new window: 1 of 10
    assert api_login(c, people["a"]).status_code == 200


def test_the_page_login_says_locked_in_chinese(people, monkeypatch):
    from xlreport.server.desk import throttle

    c = client(enforce_csrf=False)
    for _ in range(10):
        page = c.post("/login/", {"username": people["b"], "password": "wrong"})
    assert page.status_code == 429
    assert "账号已锁定 15 分钟" in page.content.decode("utf-8")
    throttle.succeeded(people["b"])


def test_sessions_expire(people):
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    c = client()
    assert api_login(c, people["a"]).status_code == 200
    assert c.get("/api/me").status_code == 200
    Session.objects.filter(session_key=c.session.session_key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    answer = c.get("/api/me")
    assert answer.status_code == 401 and "登录已过期" in answer.json()["error"]
    assert c.get("/unit/").status_code == 302  # the page sends it to 登录


def test_csrf_is_enforced_on_the_api_and_the_pages(people):
    c = client()
    answer = c.post("/api/login", {"username": people["a"], "password": PASSWORD}, content_type="application/json")
    assert answer.status_code == 403 and answer.json()["code"] == "csrf" and "CSRF" in answer.json()["error"]
    page = c.post("/login/", {"username": people["a"], "password": PASSWORD})
    assert page.status_code == 403 and "页面已过期" in page.content.decode("utf-8")
    assert api_login(c, people["a"]).status_code == 200


def test_passwords_are_stored_hashed_and_never_in_the_database(people, desk):
    from django.contrib.auth.models import User
    from django.db import connection

    user = User.objects.get(username=people["a"])
    # Argon2id with OWASP's minimum parameters (server/hashers.py), not Django's 1,000,000-round PBKDF2
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$") and PASSWORD not in user.password
    connection.close()  # everything on disk
    for f in Path(desk).glob("xlreport.sqlite3*"):
        assert PASSWORD.encode() not in f.read_bytes()


def test_an_older_pbkdf2_hash_still_logs_in_and_is_rewritten_as_argon2id(people, desk):
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    user = User.objects.get(username=people["a"])
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    assert authenticate(username=people["a"], password=PASSWORD) is not None
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


def test_sqlite_runs_in_wal_mode(desk):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL


ENGLISH = re.compile(r"[A-Za-z]{3,}")
# What may stay in Latin letters on a page: names of programs and file kinds, user names and files.
ALLOWED = {"xlreport", "Excel", "WPS", "LibreOffice", "Word", "PDF", "CSV", "CSRF", "xlsx", "xlsm", "json",
           "docx", "pdf", "html", "htm", "txt", "md"}


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    return html


def english_words(html: str, *allowed: str) -> set[str]:
    return {w for w in ENGLISH.findall(visible_text(html)) if w not in ALLOWED and w not in allowed}


def test_the_unit_pages_work_without_javascript(people, clean_json, error_json):
    c = client(enforce_csrf=False)
    assert c.get("/").status_code == 302
    login = c.get("/login/")
    assert "用户名" in login.content.decode() and not english_words(login.content.decode())
    assert c.post("/login/", {"username": people["a"], "password": PASSWORD}).status_code == 302
    home = c.get("/unit/").content.decode()
    assert "未报送" in home and "下载今年的工作簿" in home and not english_words(home, people["a"])
    with open(error_json, "rb") as f:
        uploaded = c.post("/upload/", {"file": f})
    assert uploaded.status_code == 302
    page = c.get(uploaded["Location"]).content.decode()
    assert "发现 <strong>2</strong> 处错误" in page
    marked = re.findall(r'class="value mark-error" id="k-([^"]+)"', page)
    assert "t3.new.natural_person" in marked and "t3.new.total" in marked
    assert 'href="#k-t3.new.natural_person"' in page  # the problem links to its cell
    assert "disabled" in page  # 提交 is disabled with errors
    assert not english_words(page, people["a"])
    refused = c.post(uploaded["Location"] + "submit")
    assert "不能提交" in c.get(refused["Location"]).content.decode()
    with open(clean_json, "rb") as f:
        clean = c.post("/upload/", {"file": f})
    assert "检查通过" in c.get(clean["Location"]).content.decode()
    done = c.post(clean["Location"] + "submit")
    assert "已提交" in c.get(done["Location"]).content.decode()
    home = c.get("/unit/").content.decode()
    assert "第 2 版已提交" in home and error_json.name in home


def test_another_units_report_page_is_not_found(people, clean_json):
    a, b = client(enforce_csrf=False), client(enforce_csrf=False)
    a.post("/login/", {"username": people["a"], "password": PASSWORD})
    b.post("/login/", {"username": people["b"], "password": PASSWORD})
    with open(clean_json, "rb") as f:
        where = a.post("/upload/", {"file": f})["Location"]
    page = b.get(where)
    assert page.status_code == 404 and "不是本单位的报告" in page.content.decode()
    assert b.post(where + "submit").status_code == 404
    assert b.get("/office/").status_code == 403
    assert "只供政务公开办" in b.get("/office/").content.decode()


def test_the_upload_limit_is_said_in_chinese(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client(enforce_csrf=False)
    c.post("/login/", {"username": people["a"], "password": PASSWORD})
    big = SimpleUploadedFile("大文件.xlsx", b"0" * (1024 * 1024 + 1))
    page = c.post("/upload/", {"file": big})
    assert page.status_code == 413 and "超过上传上限 1 MB" in page.content.decode()


def test_the_import_limits_are_said_in_chinese(people):
    """The import of last year's reports (upload limit 1 MB here): a file over 1 MB is listed as not
    imported, with why, and the others are read; more than 4 MB in all, or more files than the
    service takes at once, is refused with what to do — never Django's bare 400."""
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client(enforce_csrf=False)
    c.post("/login/", {"username": people["r"], "password": PASSWORD})
    big = SimpleUploadedFile("大报告.pdf", b"%PDF" + b"0" * (1024 * 1024))
    small = SimpleUploadedFile("说明.txt", "这不是报告".encode())
    page = c.post("/office/import", {"year": "2019", "file": [big, small]})
    text = page.content.decode()
    assert page.status_code == 200 and "未导入 2 份" in text
    assert "大报告.pdf" in text and "超过每个文件的上限 1 MB" in text and "说明.txt" in text

    parts = [SimpleUploadedFile(f"报告{n}.pdf", b"%PDF" + b"0" * (1000 * 1024)) for n in range(5)]
    page = c.post("/office/import", {"year": "2019", "file": parts})
    assert page.status_code == 413 and "超过一次导入的上限 4 MB；请分几次导入" in page.content.decode()

    many = [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)]
    page = c.post("/office/import", {"year": "2019", "file": many})
    assert page.status_code == 413
    assert f"一次最多导入 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个文件；请分几次导入" in page.content.decode()


def test_the_import_limits_hold_at_their_bounds_with_the_csrf_check_on(people):
    """As a browser sends them (the CSRF check reads the form before the view): 501 files are refused
    with what to do, on the page and in the API, not with a bare 400; 400 files with long names that
    together make exactly the limit, as the page counts them, are taken, not refused as over it."""
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xlreport.server.config import import_limit

    c = client(raise_errors=False)
    c.get("/login/")
    c.post("/login/", {"username": people["r"], "password": PASSWORD, "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    token = c.cookies["csrftoken"].value
    files = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    page = c.post("/office/import", {"year": "2019", "csrfmiddlewaretoken": token,
                                     "file": [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(files + 1)]})
    assert page.status_code == 413 and f"一次最多导入 {files} 个文件；请分几次导入" in page.content.decode()
    api = c.post("/api/import", {"year": "2019", "file": [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(files + 1)]},
                 HTTP_X_CSRFTOKEN=token)
    assert api.status_code == 413 and api.json()["code"] == "too-many-files"

    total, n = import_limit(settings.XLREPORT_UPLOAD_LIMIT), 400
    sizes = [total // n + (1 if i < total % n else 0) for i in range(n)]
    page = c.post("/office/import", {"year": "2019", "csrfmiddlewaretoken": token, "file": [
        SimpleUploadedFile(f"某某市某某区人民政府办公室2019年度政府信息公开工作年度报告（第{i}份）.txt", b"x" * size)
        for i, size in enumerate(sizes)]})
    assert page.status_code == 200 and f"未导入 {n} 份" in page.content.decode()


def test_the_error_pages_are_chinese(people):
    c = client()
    for path in ("/nothing/", "/reports/99999/"):
        page = c.get(path, follow=True)
        text = page.content.decode()
        assert not english_words(text), english_words(text)
    missing = c.get("/nothing/")
    assert missing.status_code == 404 and "没有这个页面" in missing.content.decode()


def test_the_admin_site_logs_in_through_the_throttled_page_and_is_chinese(people):
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "zh-hans"
    c = client()
    assert c.get("/admin/login/?next=/admin/")["Location"].startswith("/login/?next=/admin/")
    assert c.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_office_page_and_the_log_export(people, clean_json):
    c = client(enforce_csrf=False)
    c.post("/login/", {"username": people["r"], "password": PASSWORD})
    page = c.get("/office/").content.decode()
    assert "导出操作记录" in page and not english_words(page, people["r"], people["a"], people["b"])
    log = c.get("/api/actions.csv")
    assert log.status_code == 200 and log.content.startswith("\ufeff时间".encode())


def test_a_bug_is_one_chinese_line_and_the_service_goes_on(people, monkeypatch, clean_json):
    from xlreport.server.desk import pages, service

    c = client(enforce_csrf=False, raise_errors=False)
    c.post("/login/", {"username": people["a"], "password": PASSWORD})
    monkeypatch.setattr(service, "workbook", lambda *args: 1 / 0)
    answer = c.get("/api/workbook?year=2020")
    assert answer.status_code == 500 and answer.json()["code"] == "internal" and "服务器内部错误" in answer.json()["error"]
    with open(clean_json, "rb") as f:
        where = c.post("/upload/", {"file": f})["Location"]
    monkeypatch.setattr(pages, "_tables", lambda report: 1 / 0)
    page = c.get(where)
    assert page.status_code == 500 and "服务器内部错误" in page.content.decode() and not english_words(page.content.decode())
    monkeypatch.undo()
    assert c.get(where).status_code == 200


def test_a_returned_report_shows_the_comment(people, clean_json):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from xlreport.server.desk.models import Report

    c = client(enforce_csrf=False)
    c.post("/login/", {"username": people["a"], "password": PASSWORD})
    with open(clean_json, "rb") as f:
        where = c.post("/upload/", {"file": f})["Location"]
    report_id = int(where.strip("/").split("/")[-1])
    assert c.post(where + "submit").status_code == 302
    Report.objects.filter(pk=report_id).update(status=Report.RETURNED, comment="表三的<b>说明</b>请补充",
                                               reviewed_at=timezone.now(),
                                               reviewed_by=User.objects.get(username=people["r"]))
    answer = c.get(f"/api/reports/{report_id}").json()
    assert answer["status"] == "已退回" and answer["state"] == "returned"  # data-model.md §6: status in Chinese
    assert answer["comment"] == "表三的<b>说明</b>请补充"
    page = c.get(where).content.decode()
    assert "审核意见" in page and "表三的&lt;b&gt;说明&lt;/b&gt;请补充" in page  # the comment is text, never markup
    home = c.get("/unit/").content.decode()
    assert "已退回" in home and "请按意见修改工作簿后重新上传" in home


def test_leftovers_of_a_killed_service_are_swept(tmp_path):
    import os
    import time

    from xlreport.server.storage import sweep

    (tmp_path / "tmp" / "tmpabc").mkdir(parents=True)
    (tmp_path / "tmp" / "tmpabc" / "报表.xlsx").write_bytes(b"half")
    (tmp_path / "files" / "ab").mkdir(parents=True)
    part = tmp_path / "files" / "ab" / ".part-x1"
    part.write_bytes(b"half")
    kept = tmp_path / "files" / "ab" / ("ab" + "0" * 62 + ".xlsx")
    kept.write_bytes(b"whole")
    fresh = tmp_path / "tmp" / "now-uploading"
    fresh.write_bytes(b"busy")
    old = time.time() - 7200
    for p in (tmp_path / "tmp" / "tmpabc", part, kept):
        os.utime(p, (old, old))
    assert sweep(tmp_path) == 2
    assert kept.exists() and fresh.exists() and not part.exists() and not (tmp_path / "tmp" / "tmpabc").exists()


def test_an_upload_of_another_year_is_kept_and_said_to_be_of_that_year(people, tmp_path, clean_json):
    """The desk collects 2020; a unit uploads a clean 2024 report: kept as 2024's, and the report's
    page, the unit's page and the API answer say it is not the 2020 report being collected."""
    import json

    from factories import consistent_data
    from xlreport import api
    from xlreport.model.formats import V2021
    from xlreport.model.report import Report
    from xlreport.server.desk.models import Unit

    data = consistent_data(V2021, seed=3)
    data.update({"meta.year": 2024, "meta.agency": Unit.objects.get(accounts__user__username=people["a"]).name})
    path = tmp_path / "2024年报表.json"
    api.export_json(Report(str(path), V2021, data), path)
    c = client(enforce_csrf=False)
    assert c.post("/login/", {"username": people["a"], "password": PASSWORD}).status_code == 302
    with open(path, "rb") as f:
        uploaded = c.post("/upload/", {"file": f})
    page = visible_text(c.get(uploaded["Location"]).content.decode())
    said = "这份文件是 2024 年度的报告（封面“报告年度”为 2024），而本服务现在收集的是 2020 年度的报告"
    assert "2024年度报告 · 第 1 版" in page and "检查通过" in page and said in page
    assert "请下载 2020 年度的工作簿" in page
    home = visible_text(c.get("/unit/").content.decode())
    assert "未报送" in home and said in home and "第 1 版（2024年报表.json）" in home
    with open(path, "rb") as f:
        answer = c.post("/api/reports", {"file": f})
    got = json.loads(answer.content)
    assert answer.status_code == 201 and got["year"] == 2024 and got["version"] == 2 and got["ok"] is True
    assert said in got["year_notice"] and got["notices"] == []
    with open(clean_json, "rb") as f:
        same_year = json.loads(c.post("/api/reports", {"file": f}).content)
    assert same_year["year"] == 2020 and same_year["year_notice"] == ""
    assert said not in visible_text(c.get(f"/reports/{same_year['id']}/").content.decode())
    assert said not in visible_text(c.get("/unit/").content.decode())  # the last upload is of 2020


def test_a_submit_that_had_to_log_in_again_says_it_was_not_done(people, clean_json):
    """提交 clicked after the session expired goes through 登录 (?next=) and comes back as a GET:
    the report is still a draft and the page must say so, not show 草稿 without a word."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    c = client()  # CSRF enforced, as in a browser: the token comes from the pages' forms
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    login = c.get("/login/").content.decode()
    assert c.post("/login/", {"username": people["a"], "password": PASSWORD,
                              "csrfmiddlewaretoken": token.search(login).group(1)}).status_code == 302
    home = c.get("/unit/").content.decode()
    with open(clean_json, "rb") as f:
        uploaded = c.post("/upload/", {"file": f, "csrfmiddlewaretoken": token.search(home).group(1)})
    page = c.get(uploaded["Location"]).content.decode()
    Session.objects.filter(session_key=c.session.session_key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    sent = c.post(uploaded["Location"] + "submit", {"csrfmiddlewaretoken": token.search(page).group(1)})
    assert sent.status_code == 302 and sent["Location"].startswith("/login/?next=")
    login = c.get(sent["Location"]).content.decode()
    back = c.post(sent["Location"], {"username": people["a"], "password": PASSWORD, "next": uploaded["Location"] + "submit",
                                     "csrfmiddlewaretoken": token.search(login).group(1)}, follow=True)
    shown = visible_text(back.content.decode())
    assert "草稿" in shown and "这一版还没有提交" in shown and "再点一次“提交”" in shown
    from xlreport.server.desk.models import Report

    report = Report.objects.get(pk=int(uploaded["Location"].strip("/").rsplit("/", 1)[1]))
    assert report.status == Report.DRAFT
    submitted = c.post(uploaded["Location"] + "submit", {"csrfmiddlewaretoken": token.search(back.content.decode()).group(1)},
                       follow=True)
    shown = visible_text(submitted.content.decode())
    assert "已提交。" in shown and "这一版还没有提交" not in shown
    assert "这一版还没有提交" not in visible_text(c.get(uploaded["Location"] + "submit", follow=True).content.decode())


def test_a_review_that_had_to_log_in_again_says_it_was_not_done(people, clean_json):
    """退回/通过 clicked after the reviewer's session expired goes through 登录 and comes back as a GET:
    the report is still 已提交 and the page must say the action (and its comment) did not go through."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from xlreport.server.desk.models import Report

    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    clerk = client()
    login = clerk.get("/login/").content.decode()
    clerk.post("/login/", {"username": people["a"], "password": PASSWORD, "csrfmiddlewaretoken": token.search(login).group(1)})
    home = clerk.get("/unit/").content.decode()
    with open(clean_json, "rb") as f:
        uploaded = clerk.post("/upload/", {"file": f, "csrfmiddlewaretoken": token.search(home).group(1)})
    page = clerk.get(uploaded["Location"]).content.decode()
    clerk.post(uploaded["Location"] + "submit", {"csrfmiddlewaretoken": token.search(page).group(1)})
    report = Report.objects.get(pk=int(uploaded["Location"].strip("/").rsplit("/", 1)[1]))
    assert report.status == Report.SUBMITTED

    c = client()
    login = c.get("/login/").content.decode()
    c.post("/login/", {"username": people["r"], "password": PASSWORD, "csrfmiddlewaretoken": token.search(login).group(1)})
    page = c.get(uploaded["Location"]).content.decode()
    Session.objects.filter(session_key=c.session.session_key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    sent = c.post(uploaded["Location"] + "review", {"verb": "return", "comment": "请补充五",
                                                    "csrfmiddlewaretoken": token.search(page).group(1)})
    assert sent.status_code == 302 and sent["Location"].startswith("/login/?next=")
    login = c.get(sent["Location"]).content.decode()
    back = c.post(sent["Location"], {"username": people["r"], "password": PASSWORD, "next": uploaded["Location"] + "review",
                                     "csrfmiddlewaretoken": token.search(login).group(1)}, follow=True)
    shown = visible_text(back.content.decode())
    assert "还没有退回或通过" in shown and "审核意见也没有保存" in shown
    report.refresh_from_db()
    assert report.status == Report.SUBMITTED
    returned = c.post(uploaded["Location"] + "review", {"verb": "return", "comment": "请补充五",
                                                        "csrfmiddlewaretoken": token.search(back.content.decode()).group(1)},
                      follow=True)
    shown = visible_text(returned.content.decode())
    assert "已退回。" in shown and "还没有退回或通过" not in shown


def test_the_service_writes_its_times_in_the_pages_time_zone(desk, monkeypatch):
    """On a server whose clock is UTC, what the service writes in local time (the audit's 生成时间,
    the package's 发布清单) is in 北京时间, as the pages show times."""
    import time

    from xlreport.server.run import local_time

    if not hasattr(time, "tzset"):
        pytest.skip("POSIX time zones only")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        assert datetime.datetime.now().astimezone().utcoffset() == datetime.timedelta(0)
        local_time()
        assert datetime.datetime.now().astimezone().utcoffset() == datetime.timedelta(hours=8)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_units_own_name_written_otherwise_is_never_another_agency(desk):
    """A unit's own name with a seal's note or a date after it, full-width or spaced, is its own;
    another roster unit's name, also a similar one (某市 for 某县, 教育局 for 教育体育局), is refused,
    and a short name that fits the unit and another (财政局) is refused saying why."""
    import secrets

    from xlreport.server.desk import service
    from xlreport.server.desk.models import Unit

    tag = f"{secrets.randbelow(10**8):08d}"
    county, city, edu, edu_sport = (Unit.objects.create(name=f"{n}{tag}") for n in
                                    ("某县财政局", "某市财政局", "某县教育局", "某县教育体育局"))
    press = Unit.objects.create(name=f"某县新闻中心{tag}（印务）")
    assert service.other_agency(press, f"某县 新闻中心{tag}（印务）") == ""  # its own brackets are its name
    for agency in (f"某县财政局{tag}（盖章）", f"某县财政局{tag} 2025年1月20日", f"某县 财政局{tag}（公章）",
                   f"某市某县财政局{tag}"):
        assert service.other_agency(county, agency) == "", agency
    assert service.other_agency(edu_sport, f"教育体育局{tag}") == ""
    for unit, agency, other in ((county, f"某市财政局{tag}", city), (city, f"某县财政局{tag}（盖章）", county),
                                (edu_sport, f"某县教育局{tag}", edu), (edu, f"某县教育体育局{tag}", edu_sport)):
        assert f"是名单中“{other.name}”的名称" in service.other_agency(unit, agency), agency
    assert "对不上" in service.other_agency(county, f"某县税务局{tag}")
    both = service.other_agency(county, f"财政局{tag}")
    assert f"可能是名单中“某县财政局{tag}”“某市财政局{tag}”中任何一个的名称" in both and "请把封面的机关名称改为" in both
