"""Render the workbook pictures of docs/workbook.md: python tools/workbook_pictures.py

Builds the demo workbook with one planted mistake (so the red cells and the
校验 verdict show), lets LibreOffice print it to PDF and turns the 表三 and 校验
pages into PNG files under docs/. Needs LibreOffice and poppler-utils.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from xlreport.io.jsonfile import parse_document
from xlreport.cli.demo import demo_document
from xlreport.io.office import convert
from xlreport.workbook.writer import write_workbook

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    fmt, data, _ = parse_document(demo_document(), "demo")
    data["t3.new.natural_person"] = 3  # three applications that the results rows do not account for
    data["t3.granted.natural_person"] = 2
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "workbook.xlsx"
        write_workbook(book, fmt, data)
        pdf = convert(book, "pdf", tmp)
        pages = {"workbook-t3": 4, "workbook-checks": 8}
        for name, page in pages.items():
            subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile",
                            str(pdf), str(DOCS / name)], check=True)
            print(f"wrote docs/{name}.png")


if __name__ == "__main__":
    main()
