"""The unit's pages in Chromium (Playwright, the system browser) against the real service:
登录, the unit's page, download, upload, the report's page with its marked cells, the downloads,
提交, 退出 — every visible word Chinese; the picture of the report's page."""

from __future__ import annotations

import os
import re

import pytest

import xlreport

pytestmark = pytest.mark.browser

ENGLISH = re.compile(r"[A-Za-z]{3,}")
ALLOWED = {"Excel", "WPS", "LibreOffice", "Word", "PDF", "xlsx", "xlsm", "json", "docx", "pdf", "html", "txt"}


@pytest.fixture
def browser():
    server_picture = pytest.importorskip("server_picture")  # tools/ (tests/conftest.py puts it on sys.path)
    if server_picture.chromium_path() is None:
        if os.environ.get("XLREPORT_NO_SKIPS"):
            pytest.fail("Chromium is required here (XLREPORT_NO_SKIPS) but missing")
        pytest.skip("Chromium is not installed; .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = server_picture.launch(p)
        yield launched
        launched.close()


def english(page, *allowed: str) -> set[str]:
    return {w for w in ENGLISH.findall(page.inner_text("body")) if w not in ALLOWED and w not in allowed}


def test_a_clerk_goes_through_the_pages(browser, tmp_path, new_service, clean_json, error_json):
    import server_picture

    service = new_service(tmp_path, None, "--year", "2020")
    user = service.unit_user()
    page = browser.new_page(locale="zh-CN", accept_downloads=True)
    server_picture.log_in(page, service.base, user, "wrong")
    assert "用户名或密码不正确" in page.inner_text(".message")
    assert not english(page)
    server_picture.log_in(page, service.base, user, service.passwords[user])
    page.wait_for_url(re.compile(r".*/unit/$"))
    assert "未报送" in page.inner_text(".status")
    assert not english(page, user)

    with page.expect_download() as download:
        page.click("a.button:has-text('下载今年的工作簿')")
    saved = tmp_path / "下载的工作簿.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "枣庄市峄城区科学技术局2020年政府信息公开工作年度报告（填报工作簿）.xlsx"
    assert xlreport.load(saved).data["meta.agency"] == "枣庄市峄城区科学技术局"

    server_picture.upload(page, error_json)
    assert "发现 2 处错误" in page.inner_text(".verdict")
    report = page.request.get(page.url.replace("/reports/", "/api/reports/").rstrip("/")).json()
    keys = {k for p in report["problems"] for k in p["keys"]}  # the row sum's cells and 自然人's balance
    assert page.locator("td.mark-error").count() == len(keys) > 2
    assert page.locator("#k-t3\\.new\\.natural_person.mark-error").count() == 1
    assert page.locator("button:has-text('提交')").is_disabled()
    page.locator("ol.problems a").first.click()
    assert page.url.endswith("#k-t3.new.natural_person")
    assert page.locator("td:target").get_attribute("id") == "k-t3.new.natural_person"
    assert not english(page, user)
    picture = server_picture.shoot_report(page, tmp_path / "report.png")
    assert picture.stat().st_size > 20_000

    page.goto(f"{service.base}/unit/")
    assert "已上传第 1 版，尚未提交" in page.inner_text(".status")
    server_picture.upload(page, clean_json)
    assert "检查通过" in page.inner_text(".verdict")
    with page.expect_download() as download:
        page.click("a.button:has-text('下载 Word 报告')")
    assert download.value.suggested_filename == "枣庄市峄城区科学技术局2020年政府信息公开工作年度报告.docx"
    page.click("button:has-text('提交')")
    assert "已提交" in page.inner_text("[role=status]")
    assert page.locator("button:has-text('提交')").count() == 0
    page.goto(f"{service.base}/unit/")
    assert "第 2 版已提交" in page.inner_text(".status")
    assert page.locator("table.list tbody tr").count() == 2
    assert not english(page, user)
    page.click("text=退出")
    page.wait_for_url(re.compile(r".*/login/$"))


def test_a_reviewer_lands_on_the_office_page(browser, tmp_path, new_service):
    import server_picture

    service = new_service(tmp_path)
    page = browser.new_page(locale="zh-CN")
    server_picture.log_in(page, service.base, "shenhe", service.passwords["shenhe"])
    page.wait_for_url(re.compile(r".*/office/$"))
    assert "导出操作记录" in page.inner_text("main")
    page.goto(f"{service.base}/unit/")
    assert "只供填报单位" in page.inner_text("main")


def test_files_over_the_limits_are_refused_in_the_page_before_they_are_sent(browser, tmp_path, new_service):
    """With --max-upload-mb 1: a 2 MB workbook, and an import of five 1 MB reports (over the
    import's 4 MB), are refused in Chinese in the page, and nothing is sent; within the limits the
    same forms send."""
    import server_picture

    service = new_service(tmp_path, None, "--max-upload-mb", "1")
    big = tmp_path / "很大的工作簿.xlsx"
    big.write_bytes(b"PK" + b"\0" * (2 * 1024 * 1024))
    reports = []
    for n in range(5):
        reports.append(tmp_path / f"报告{n}.txt")
        reports[-1].write_bytes("某局2019年政府信息公开工作年度报告\n".encode() + b" " * (1024 * 1024 - 100))
    sent: list[str] = []

    clerk = browser.new_page(locale="zh-CN")
    clerk.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    user = service.unit_user()
    server_picture.log_in(clerk, service.base, user, service.passwords[user])
    clerk.wait_for_url(re.compile(r".*/unit/$"))
    sent.clear()
    clerk.set_input_files("form.upload input[type=file]", str(big))
    clerk.click("button:has-text('上传并检查')")
    assert "“很大的工作簿.xlsx”有 2 MB，超过上传上限 1 MB" in clerk.inner_text("form.upload .upload-refused")
    assert sent == [] and clerk.url.endswith("/unit/")
    assert not english(clerk, user, "MB")

    office = browser.new_page(locale="zh-CN")
    office.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    server_picture.log_in(office, service.base, "shenhe", service.passwords["shenhe"])
    office.wait_for_url(re.compile(r".*/office/$"))
    sent.clear()
    form = "form[action='/office/import']"
    office.set_input_files(f"{form} input[type=file]", [str(p) for p in reports])
    office.click(f"{form} button:has-text('导入')")
    assert "一次导入的文件共 5 MB，超过一次导入的上限 4 MB；请分几次导入" in office.inner_text(f"{form} .upload-refused")
    assert sent == []
    office.set_input_files(f"{form} input[type=file]", [str(p) for p in reports[:3]])
    assert office.locator(f"{form} .upload-refused").count() == 0  # the message goes with the files
    office.click(f"{form} button:has-text('导入')")
    office.wait_for_url(re.compile(r".*/office/import$"))
    assert sent and "未导入 3 份" in office.inner_text("main")


def test_a_file_just_over_the_limit_is_never_said_to_be_as_large_as_the_limit(browser, tmp_path, new_service):
    """1 MB and one byte over a 1 MB limit: the page and the service say it in bytes, not
    「有 1 MB，超过上传上限 1 MB」."""
    import server_picture

    service = new_service(tmp_path, None, "--max-upload-mb", "1")
    big = tmp_path / "刚超过.xlsx"
    big.write_bytes(b"PK" + b"\0" * (1024 * 1024 - 1))
    clerk = browser.new_page(locale="zh-CN")
    user = service.unit_user()
    server_picture.log_in(clerk, service.base, user, service.passwords[user])
    clerk.wait_for_url(re.compile(r".*/unit/$"))
    clerk.set_input_files("form.upload input[type=file]", str(big))
    clerk.click("button:has-text('上传并检查')")
    said = "“刚超过.xlsx”有 1,048,577 字节（上限是 1,048,576 字节），超过上传上限 1 MB"
    assert said in clerk.inner_text("form.upload .upload-refused")
    answer = service.client(user).upload(big)
    assert answer.status == 413 and said in answer.json()["error"]
