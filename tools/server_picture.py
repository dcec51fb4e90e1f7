"""docs/server-report.png: the desk's report page, as a clerk sees it after uploading a report
with errors (problem cells marked, the problems listed).

    python tools/server_picture.py [docs/server-report.png]

Starts `xlreport serve` on a temporary data folder (127.0.0.1, a free port), makes the accounts,
logs in as the unit in the system Chromium through Playwright (never downloads a browser),
uploads the demo data with 表三's 自然人 新收 7 too high, and takes the picture.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def launch(playwright: Any) -> Any:
    """The system Chromium (Playwright's own browsers are never downloaded)."""
    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)


def wrong_demo(folder: Path) -> Path:
    """The demo's data with 表三's 自然人 新收 7 too high (two errors)."""
    doc = json.loads(resources.files("xlreport").joinpath("data/demo_2020.json").read_text("utf-8"))
    doc["values"]["t3.new.natural_person"] += 7
    path = folder / "2020年报表-有误.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def upload(page: Any, path: Path) -> None:
    """On the unit's page: choose the file, 上传并检查; waits for the report's page."""
    page.set_input_files("input[type=file]", str(path))
    page.click("text=上传并检查")
    page.wait_for_url(re.compile(r".*/reports/\d+/$"))


def shoot_report(page: Any, out: Path) -> Path:
    """The top of the report's page: the verdict, the problems and the first tables."""
    page.set_viewport_size({"width": 1100, "height": 1500})
    page.locator("#k-t3\\.new\\.natural_person").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(out), full_page=False)
    return out


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "名单.txt").write_text("枣庄市峄城区科学技术局\n", "utf-8")
        xl = [sys.executable, "-m", "xlreport"]
        subprocess.run(xl + ["accounts", "--data", str(folder / "data"), "--roster", str(folder / "名单.txt"),
                             "-o", str(folder / "账号.xlsx")], check=True, capture_output=True)
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(str(folder / "账号.xlsx")).get_sheet_by_index(0).to_python()
        username, password = rows[1][1], rows[1][2]
        server = subprocess.Popen(xl + ["serve", "--data", str(folder / "data"), "--port", "0", "--year", "2020"],
                                  stdout=subprocess.PIPE, text=True, encoding="utf-8")
        try:
            assert server.stdout is not None
            found = re.search(r"(http://127\.0\.0\.1:\d+)", server.stdout.readline())
            assert found, "the service did not start"
            with sync_playwright() as p:
                browser = launch(p)
                page = browser.new_page(locale="zh-CN")
                log_in(page, found.group(1), username, password)
                upload(page, wrong_demo(folder))
                shoot_report(page, out)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "server-report.png")
