#!/usr/bin/env python3
"""Generate templates/report.docx (the Word template of the report) from the format declarations.

    python tools/make_docx_template.py            # write templates/report.docx
    python tools/make_docx_template.py --check    # exit 1 if the committed file is out of date
    python tools/make_docx_template.py -o X.docx  # write elsewhere

The work is done by `tools/word_template.py`'s `build_template`; see its docstring
for what comes from where. Commit the regenerated file together with any change
to the formats or to word_template.py (tests/report/test_word_template.py enforces it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

sys.path.insert(0, str(ROOT / "tools"))
from word_template import build_template, repo_template_path, template_parts  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成 Word 报告模板 templates/report.docx")
    parser.add_argument("-o", "--output", type=Path, default=repo_template_path(), help="输出文件")
    parser.add_argument("--check", action="store_true", help="只检查已提交的模板是否与生成结果一致")
    args = parser.parse_args(argv)
    data = build_template()
    if args.check:
        if not args.output.exists():
            print(f"{args.output} 不存在，请运行 python tools/make_docx_template.py 生成", file=sys.stderr)
            return 1
        if template_parts(args.output) != template_parts(data):
            print(f"{args.output} 与格式声明不一致，请运行 python tools/make_docx_template.py 重新生成并提交",
                  file=sys.stderr)
            return 1
        print(f"{args.output} 是最新的")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"已生成 {args.output}（{len(data)} 字节）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
