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
