"""`xlreport demo`: the whole chain on the built-in sample (a real 2020 report's figures)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .checks import check
from .cli import print_problems
from .data import parse_document
from .errors import OutputError

import json


def demo_document() -> dict:
    return json.loads(resources.files("xlreport").joinpath("data/demo_2020.json").read_text("utf-8"))


def fresh_dir(base: str = "xlreport-demo") -> Path:
    """A new folder, so a second run never overwrites the first one's files."""
    path, n = Path(base), 1
    while path.exists():
        n += 1
        path = Path(f"{base}-{n}")
    return path


def run_demo(output: str | None) -> int:
    folder = Path(output) if output else fresh_dir()
    if folder.exists() and any(folder.iterdir()):
        raise OutputError(f"文件夹“{folder}”不是空的，演示不会覆盖其中的文件；请换一个文件夹，或不加 -o 自动新建")
    folder.mkdir(parents=True, exist_ok=True)
    doc = demo_document()
    fmt, data, problems = parse_document(doc, "demo")
    json_path = folder / f"demo-{data['meta.year']}.json"
    json_path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"示例：{data['meta.agency']}{data['meta.year']}年政府信息公开工作年度报告（{fmt.version} 版格式）")
    print(f"数据文件：{json_path}")
    problems += check(data, fmt)
    print_problems(str(json_path), problems)
    return 0
