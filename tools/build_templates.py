"""Rebuild the committed templates: `python tools/build_templates.py [FOLDER]`.

templates/report.xlsx is the blank workbook of the current format (V2021),
templates/report.xlsm the same with the macros (macros.py): its VBA project
is rebuilt from vba/src/*.bas and the installed xlwings' standalone module, so
run this again after changing either (e.g. after moving the xlwings pin).
Both are byte-for-byte reproducible; a test fails when the committed files no
longer match the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xlreport.model.formats import V2021

TEMPLATE_FORMAT = V2021


def build(folder: Path) -> list[Path]:
    from xlreport.workbook.macros import MacroParts
    from xlreport.workbook.writer import write_workbook

    folder.mkdir(parents=True, exist_ok=True)
    out = [write_workbook(folder / "report.xlsx", TEMPLATE_FORMAT, {}, force=True),
           write_workbook(folder / "report.xlsm", TEMPLATE_FORMAT, {}, force=True, vba=MacroParts())]
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "templates"
    for path in build(folder):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
