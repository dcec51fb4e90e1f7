"""The reviewer's pages in Chromium (Playwright, the system browser) against the real service, on
SQLite and PostgreSQL: the counts and the roster with its filter and sorting, 退回 with a comment
(the unit sees it), 通过, the outputs (审查结果, 发布包: 生成, the status, 下载 when done) and the import
of last year's published reports — every visible word Chinese."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from desk_helpers import UNITS
from test_server_browser import browser, english  # noqa: F401 (the fixture)
from test_server_review import data_file


def roster_units(page) -> list[str]:
    return [page.locator("#roster tbody tr").nth(i).locator("td").first.inner_text()
            for i in range(page.locator("#roster tbody tr").count())]


def generated(page, name: str):
    """Click 生成<name>, see its status, wait (the page reloads itself) for 下载 and click it: the download."""
    page.click(f"form.job-start button:has-text('生成{name}')")
    page.wait_for_url(re.compile(r".*/office/\?year=2020$"))
    assert f"已开始生成2020年度{name}" in page.inner_text("[role=status]")
    row = page.locator("#job-list tbody tr", has_text=name).first
    assert row.locator("td.job-status").inner_text().startswith(("已排队", "正在生成", "已完成"))
    link = row.locator("a.download")
    link.wait_for(timeout=600_000)  # a loaded machine and LibreOffice: generous, never a timing claim
    with page.expect_download() as download:
        link.click()
    return download.value


@pytest.mark.browser
@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_reviewer_goes_through_the_season(browser, tmp_path, new_service, db, request):  # noqa: F811
    import server_picture

    database = None if db == "sqlite" else request.getfixturevalue("postgres_database_once")
    service = new_service(tmp_path, database, "--year", "2020")
    a, b = UNITS
    clerk = service.client(service.unit_user(0))
    first = clerk.upload(data_file(tmp_path, "a.json", a, 2020)).json()
    assert clerk.post_json(f"/api/reports/{first['id']}/submit").status == 200

    page = browser.new_page(locale="zh-CN", accept_downloads=True)
    server_picture.log_in(page, service.base, "shenhe", service.passwords["shenhe"])
    page.wait_for_url(re.compile(r".*/office/$"))
    assert page.inner_text("#counts") == "已提交 1 / 2，已通过 0，已退回 0，未报送 1"
    assert not english(page, "shenhe", "CSV")
    page.select_option("select[name=status]", "未报送")
    page.click("button:has-text('筛选')")
    assert roster_units(page) == [b]
    page.select_option("select[name=status]", "")
    page.select_option("select[name=sort]", "status")
    page.click("button:has-text('筛选')")
    assert roster_units(page) == [b, a]  # 未报送 before 已提交

    # 退回: the comment is needed, then the unit sees it
    page.click("#roster a:has-text('审核')")
    page.wait_for_url(re.compile(rf".*/reports/{first['id']}/$"))
    page.click("button:has-text('退回')")
    assert "请填写审核意见" in page.inner_text("[role=status]")
    page.fill("textarea[name=comment]", "请补充第五部分的说明")
    page.click("button:has-text('退回')")
    assert "已退回" in page.inner_text("[role=status]")
    assert "请补充第五部分的说明" in page.inner_text(".history")
    assert not english(page, "shenhe", "CSV")
    unit_page = browser.new_page(locale="zh-CN")
    server_picture.log_in(unit_page, service.base, service.unit_user(0), service.passwords[service.unit_user(0)])
    unit_page.wait_for_url(re.compile(r".*/unit/$"))
    assert "已退回" in unit_page.inner_text(".status") and "请补充第五部分的说明" in unit_page.inner_text(".status")

    # a new version, 通过
    second = clerk.upload(data_file(tmp_path, "a2.json", a, 2020)).json()
    assert clerk.post_json(f"/api/reports/{second['id']}/submit").status == 200
    page.goto(f"{service.base}/reports/{second['id']}/")
    page.click("button:has-text('通过')")
    assert "已通过" in page.inner_text("[role=status]")
    history = page.inner_text(".history")
    assert "已退回" in history and "已通过" in history
    page.goto(f"{service.base}/office/")
    assert page.inner_text("#counts") == "已提交 1 / 2，已通过 1，已退回 0，未报送 1"

    # the outputs of the season: 生成 queues a job; the page says what is happening (it reloads itself
    # while a job waits or runs) and offers 下载 when the job is done
    download = generated(page, "审查结果")
    assert download.suggested_filename == "2020年政府信息公开工作年度报告审查结果.xlsx"
    assert not english(page, "shenhe", "CSV")
    download = generated(page, "发布包")
    saved = tmp_path / "发布包.zip"
    download.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as z:
        names = set(z.namelist())
    assert {f"{a}2020年政府信息公开工作年度报告.docx", f"{a}2020年政府信息公开工作年度报告.html"} <= names
    assert all(n.startswith(f"{a}2020年政府信息公开工作年度报告.") for n in names)

    # last year's published reports: one matched, one listed as not matched
    page.fill("form.upload input[name=year]", "2019")
    page.set_input_files("form.upload input[type=file]", [str(data_file(tmp_path, "财政局.json", b, 2019)),
                                                         str(data_file(tmp_path, "别的局.json", "某某不在名单局", 2019))])
    page.click("button:has-text('导入')")
    assert "已导入 1 份，未导入 1 份" in page.inner_text("main")
    assert f"财政局.json → {b}" in page.inner_text("ul.loaded")
    assert "别的局.json" in page.inner_text("ul.not-loaded")
    assert not english(page, "shenhe", "xlreport", "accounts")
