"""`xlreport demo`: the whole chain on the built-in sample (a real 2020 report's figures).

data file → locked workbook (filled) → check → Word report → PDF (when
LibreOffice is installed). Everything goes into a new folder.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from xlreport.cli.console import print_problems
from xlreport.io.jsonfile import parse_document
from xlreport.model.report import Report
from xlreport.errors import OutputError, reason


def demo_document() -> dict:
    return json.loads(resources.files("xlreport").joinpath("data/demo_2020.json").read_text("utf-8"))


def fresh_dir(base: str = "xlreport-demo") -> Path:
    """A new folder, so a second run never overwrites the first one's files."""
    from xlreport.io.files import free_name

    return free_name(Path(base))


def run_demo(output: str | None) -> int:
    """The whole chain, through the Python API as any script would use it; prints each step."""
    from xlreport import api
    from xlreport.io.office import find_soffice

    folder = Path(output) if output else fresh_dir()
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"“{folder}”是一个文件，不是文件夹；请用 -o 给出一个新文件夹的名字")
    if folder.exists() and any(folder.iterdir()):
        raise OutputError(f"文件夹“{folder}”不是空的，演示不会覆盖其中的文件；请换一个文件夹，或不加 -o 自动新建")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建文件夹“{folder}”（{reason(exc, '写入')}），请用 -o 换一个位置") from None
    fmt, data, _ = parse_document(demo_document(), "demo")
    year, agency = data["meta.year"], data["meta.agency"]
    print(f"示例：{agency}{year}年政府信息公开工作年度报告（{fmt.version} 版格式）")
    json_path = api.export_json(Report("demo", fmt, data), folder / f"demo-{year}.json")
    print(f"1. 数据文件：{json_path.path}")
    book = api.new_workbook(folder / f"demo-{year}.xlsx", year, data=json_path.path)
    print(f"2. 填好的工作簿：{book.path}")
    result = api.check(book.path)  # read back, as a clerk's workbook would be
    print("3. 校验：")
    print_problems(str(book.path), result.problems)
    if not result.ok:
        return 1
    pdf = find_soffice() is not None
    rendered = api.render_docx(result.report, folder / f"{agency}{year}年政府信息公开工作年度报告.docx", pdf=pdf)
    print(f"4. Word 报告：{rendered.path}")
    print(f"5. PDF：{rendered.pdf}" if pdf else "5. 未安装 LibreOffice，跳过 PDF")
    for notice in rendered.pdf_notices:  # the fonts that stood in for the 公文 fonts
        print(f"   提示：{notice}")
    print(f"完成。打开“{book.path.name}”试着改一个数字，看“校验”表的变化；或运行 xlreport check \"{book.path}\"")
    return 0
