"""Render the report pictures of docs/word-report.md: python tools/report_pictures.py

* docs/report-page1.png, docs/report-table3.png: the first page of the demo report's PDF
  and the page that holds table 三's （三）不予公开 (the PDF that `render --pdf` makes:
  LibreOffice, groups of rows kept on one page);
* docs/report-phone.png: the demo report as a web page at a phone's width (375 px, headless
  Chromium), from its title straight to table 三 (the paragraphs between are left out of
  the picture's copy of the page), the table scrolling inside its box.

Needs LibreOffice, poppler-utils and Chromium. Look at the pictures before committing them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from xlreport.cli.demo import demo_document
from xlreport.io.jsonfile import parse_document
from xlreport.report.docx import render_report
from xlreport.report.pdf import convert_pdf, page_texts
from xlreport.report.webpage import html_report

DOCS = Path(__file__).resolve().parents[1] / "docs"
PHONE = (375, 1500)
CHROMIUM = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--hide-scrollbars"]


def pdf_pictures(fmt, data, tmp: Path) -> None:
    docx = render_report(data, fmt, tmp / "report.docx").path
    pdf = convert_pdf(docx, tmp / "report.pdf").path
    group = next(i for i, text in enumerate(page_texts(pdf)) if "不予公开" in text and "1.属于国家秘密" in text)
    for name, page in (("report-page1", 1), ("report-table3", group + 1)):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(DOCS / name)], check=True)
        print(f"wrote docs/{name}.png (page {page})")


def phone_picture(fmt, data, tmp: Path) -> None:
    exe = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if exe is None:
        raise SystemExit("Chromium is not installed")
    page, _ = html_report(data, fmt)
    heading = next(s.heading for s in fmt.sections if s.number == "三")
    page = re.sub(r"(</h1>).*?(<h2 [^>]*>" + re.escape(heading) + ")", r"\1\n\2", page, flags=re.DOTALL)
    path = tmp / "phone.html"
    path.write_text(page, "utf-8")
    shot = DOCS / "report-phone.png"
    with tempfile.TemporaryDirectory(prefix="xlreport-chromium-") as profile:
        subprocess.run([exe, *CHROMIUM, f"--user-data-dir={profile}", f"--window-size={PHONE[0]},{PHONE[1]}",
                        f"--screenshot={shot}", path.as_uri()], check=True, capture_output=True,
                       env={**os.environ, "HOME": profile})
    print(f"wrote docs/{shot.name} ({PHONE[0]} px wide)")


def main() -> None:
    fmt, data, _ = parse_document(demo_document(), "demo")
    with tempfile.TemporaryDirectory() as tmp:
        pdf_pictures(fmt, data, Path(tmp))
        phone_picture(fmt, data, Path(tmp))


if __name__ == "__main__":
    main()
