"""Command line: `xlreport new / check / export / render / template / demo` (data-model.md §5).

`main(argv)` returns the exit code: 0 clean, 1 problems (errors) found,
2 cannot read / bad usage. Heavy libraries are imported inside the commands
that need them, so `xlreport check` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from .errors import XlreportError
from .messages import print_problems

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its messages and help headings in Chinese, and errors as XlreportError."""

    TRANSLATIONS = (
        (r"the following arguments are required: (.+)", "缺少必需的参数：{0}"),
        (r"unrecognized arguments: (.+)", "无法识别的参数：{0}"),
        (r"argument (\S+): invalid int value: '(.*)'", "参数 {0} 的值“{1}”不是整数"),
        (r"argument (\S+): invalid choice: '(.*)' \(choose from (.*)\)", "没有“{1}”这个命令，可用的命令：{2}"),
        (r"argument (\S+): expected one argument", "参数 {0} 后面缺少值"),
        (r"argument (\S+): ignored explicit argument '(.*)'", "参数 {0} 不接受值“{1}”"),
        (r"argument (\S+): not allowed with argument (\S+)", "参数 {0} 不能与 {1} 同时使用"),
    )
    HEADINGS = (("usage: ", "用法："), ("positional arguments:", "参数："), ("options:", "选项："),
                ("optional arguments:", "选项："))

    def __init__(self, *args, **kwargs):
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):  # argparse would print English and exit 2
        import re

        for pattern, chinese in self.TRANSLATIONS:
            m = re.fullmatch(pattern, message)
            if m:
                message = chinese.format(*(g.replace("'", "") for g in m.groups()))
                break
        command = self.prog.split()[-1] if " " in self.prog else ""
        raise XlreportError(f"命令用法有误：{message}。请运行 xlreport {command + ' ' if command else ''}--help 查看用法")

    def format_help(self) -> str:
        text = super().format_help()
        for english, chinese in self.HEADINGS:
            text = text.replace(english, chinese)
        return text

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", "用法：")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="xlreport", description="政府信息公开工作年度报告：工作簿、校验与 Word 报告")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ChineseArgumentParser)

    p = sub.add_parser("check", help="校验工作簿（.xlsx/.xlsm）或数据文件（.json）")
    p.add_argument("files", nargs="+", metavar="FILE", help="工作簿、数据文件或文件夹")
    p.add_argument("--previous", metavar="LAST", help="上一年度的工作簿或数据文件（用于跨年度校验）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出（供程序使用）")

    p = sub.add_parser("new", help="生成锁定的填报工作簿")
    p.add_argument("--year", type=int, required=True, help="报告年度，如 2024")
    p.add_argument("--agency", help="机关全称")
    p.add_argument("--data", metavar="F.json", help="用数据文件预先填写")
    p.add_argument("--previous", metavar="LAST", help="上一年度的工作簿或数据文件")
    p.add_argument("--macros", action="store_true", help="生成带“生成报告”按钮的 .xlsm（需要 Excel 与 xlwings）")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="输出的工作簿")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    p = sub.add_parser("export", help="把工作簿中的数据导出为数据文件（.json）")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", metavar="F.json", help="输出文件（省略则输出到屏幕）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    p = sub.add_parser("render", help="生成 Word 报告（-o 报告.html 则生成网页）")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT.docx|OUT.html")
    p.add_argument("--fragment", action="store_true", help="网页只写正文部分（粘贴到网站编辑器的源代码模式）")
    p.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 转换为 PDF")
    p.add_argument("--template", metavar="T.docx", help="自定义 Word 模板")
    p.add_argument("--previous", metavar="LAST", help="上一年度的工作簿或数据文件")
    p.add_argument("--force", action="store_true", help="有错误也生成，并覆盖已存在的文件")

    p = sub.add_parser("template", help="复制一份内置的 Word 模板，供修改样式后用 render --template 使用")
    p.add_argument("-o", "--output", required=True, metavar="T.docx")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    p = sub.add_parser("bundle", help="生成离线安装包（供没有网络的办公电脑安装，需联网生成）")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="输出文件夹（同时生成 DIR.zip）")
    p.add_argument("--platform", default="win_amd64", help="目标平台，默认 win_amd64（64 位 Windows）；"
                   "Linux 用 manylinux2014_x86_64")
    p.add_argument("--python", nargs="+", metavar="X.Y", default=None,
                   help="目标电脑上的 Python 版本，可写多个；默认 3.11 3.12 3.13 3.14")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件夹和 .zip")

    p = sub.add_parser("demo", help="用示例数据演示全过程")
    p.add_argument("-o", "--output", metavar="DIR", help="输出文件夹（默认新建 xlreport-demo）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if not args.command:
            build_parser().print_help()
            return EXIT_UNREADABLE
        return COMMANDS[args.command](args)
    except XlreportError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return EXIT_UNREADABLE
    except BrokenPipeError:  # the reader of our output went away (… | head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_UNREADABLE
    except Exception as exc:  # a bug: one line for the clerk, the traceback on request
        if os.environ.get("XLREPORT_DEBUG"):
            raise
        print(f"错误：程序内部错误（{type(exc).__name__}: {exc}），请把这条信息和文件发给维护人员；"
              f"设置环境变量 XLREPORT_DEBUG=1 可查看详情", file=sys.stderr)
        return EXIT_UNREADABLE


REPORT_SUFFIXES = (".json", ".xlsx", ".xlsm")


def expand_files(names: list[str]) -> list[str]:
    """Files as given; folders are searched (recursively) for data files and workbooks.
    A folder with none is kept as it is, and load_report then says so."""
    out: list[str] = []
    for name in names:
        p = Path(name)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in REPORT_SUFFIXES and f.is_file()
                           and not f.name.startswith(("~$", ".")))  # Excel's lock files, hidden files
            out += [str(f) for f in found] or [name]
        else:
            out.append(name)
    return out


def check_one(name: str, last=None) -> dict:
    """Check one file (against last year's report, already loaded); the result is plain
    data (it crosses process boundaries)."""
    from .checks import check
    from .data import attach_previous, load_report

    try:
        report = load_report(name)
        if last is not None:
            attach_previous(report, last)
    except XlreportError as exc:
        return {"file": name, "format": None, "error": exc.message, "problems": []}
    except Exception as exc:  # one broken file must not stop a batch
        return {"file": name, "format": None, "error": f"无法读取（{type(exc).__name__}: {exc}）", "problems": []}
    try:
        problems = report.problems + check(report.data, report.fmt, report.cells)
    except Exception as exc:  # a bug must not stop a batch either; say which file
        return {"file": name, "format": report.fmt.version, "error": f"程序内部错误（{type(exc).__name__}: {exc}），"
                f"请把这个文件发给维护人员", "problems": []}
    return {"file": name, "format": report.fmt.version, "problems": [p.to_dict() for p in problems]}


def check_many(files: list[str], last=None, progress=None) -> list[dict]:
    """Check files in order; large batches use every core."""
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < 16 or workers == 1:
        results = []
        for i, name in enumerate(files):
            results.append(check_one(name, last))
            if progress:
                progress(i + 1, len(files))
        return results
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    results = []
    with ProcessPoolExecutor(workers) as pool:
        for i, result in enumerate(pool.map(partial(check_one, last=last), files, chunksize=16)):
            results.append(result)
            if progress:
                progress(i + 1, len(files))
    return results


def cmd_check(args) -> int:
    last = None
    if args.previous:  # read once; an unreadable LAST stops everything: it would fail every file
        from .data import load_report

        last = load_report(args.previous)
    files = expand_files(args.files)
    if files == args.files[:1] and len(args.files) == 1:  # one file (or an empty folder) as given
        result = check_one(files[0], last)
        if "error" in result:
            if args.json:  # programs get the list on stdout too
                print(json.dumps([result], ensure_ascii=False, indent=1))
            raise XlreportError(result["error"])
        results = [result]
    else:
        show = sys.stderr.isatty() and not args.json
        results = check_many(files, last, progress_bar if show else None)
        if show:
            print(file=sys.stderr)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1, allow_nan=False))
    elif len(results) == 1:
        print_problems(results[0]["file"], results[0]["problems"])
    else:
        print_batch(results)
    if any("error" in r for r in results):
        return EXIT_UNREADABLE
    if any(p["severity"] == "error" for r in results for p in r["problems"]):
        return EXIT_PROBLEMS
    return EXIT_OK


def progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    print(f"\r校验中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="", file=sys.stderr, flush=True)


def print_batch(results: list[dict]) -> None:
    """One line per file, then the totals (for supervisors checking many reports)."""
    passed = failed = unreadable = 0
    for r in results:
        if "error" in r:
            unreadable += 1
            print(f"{r['file']}: 无法读取：{r['error']}")
            continue
        errors = [p for p in r["problems"] if p["severity"] == "error"]
        warnings = len(r["problems"]) - len(errors)
        if errors:
            failed += 1
            print(f"{r['file']}: 未通过（{len(errors)} 个错误，{warnings} 个警告）首个错误：{errors[0]['message']}")
        else:
            passed += 1
            print(f"{r['file']}: 通过（0 个错误，{warnings} 个警告）")
    print(f"共 {len(results)} 个文件：{passed} 个通过，{failed} 个未通过，{unreadable} 个无法读取")


def cmd_new(args) -> int:
    from .checks import FIRST_YEAR, LAST_YEAR, evaluate, year_not_covered
    from .data import load_report, prefill_from_previous
    from .files import warn
    from .formats import format_for_year
    from .workbook import write_workbook

    if not FIRST_YEAR <= args.year <= LAST_YEAR:
        raise XlreportError(f"报告年度{year_not_covered(args.year)}")
    fmt = format_for_year(args.year)
    out = Path(args.output)
    want = ".xlsm" if args.macros else ".xlsx"
    if out.suffix.lower() != want:
        hint = "带宏的工作簿（--macros）" if args.macros else "不带宏的工作簿"
        raise XlreportError(f"输出文件应以 {want} 结尾（{hint}），而不是“{out.name}”")
    data: dict = {}
    if args.data:
        source = load_report(args.data)
        if source.fmt is not fmt:
            raise XlreportError(f"数据文件“{Path(args.data).name}”是 {source.fmt.version} 版格式，"
                                f"而 {args.year} 年度应使用 {fmt.version} 版格式，不能直接填入")
        if source.problems:
            keys = "、".join(k for p in source.problems for k in p.keys)
            raise XlreportError(f"数据文件“{Path(args.data).name}”中有约定以外的项目：{keys}；请改正后再生成")
        their_year = source.data.get("meta.year")
        if isinstance(their_year, int) and their_year != args.year:
            raise XlreportError(f"数据文件“{Path(args.data).name}”是 {their_year} 年度的数据，与 --year {args.year} 不一致；"
                                f"请核对年度（上一年的报告请用 --previous）")
        data.update(source.data)
        computed = evaluate({k: v for k, v in data.items() if not (fmt.has(k) and fmt.field(k).derived)},
                            fmt).numbers
        for f in fmt.value_fields:  # published totals become formulas: say where they disagree
            given = data.get(f.key)
            if f.derived and isinstance(given, (int, float)) and computed.get(f.key) not in (None, given):
                warn(f"数据文件中{f.where}为 {given}，与各项之和 {computed[f.key]} 不一致；"
                     f"工作簿中该格由公式计算，显示 {computed[f.key]}")
    data["meta.year"] = args.year
    if args.agency:
        data["meta.agency"] = args.agency
    if args.previous:
        prefill_from_previous(data, fmt, load_report(args.previous))
    vba = None
    if args.macros:
        from .macros import MacroParts

        vba = MacroParts()
    written = write_workbook(out, fmt, data, force=args.force, vba=vba)
    print(f"已生成工作簿：{written}（{fmt.version} 版格式，{args.year} 年度）")
    return EXIT_OK


def cmd_export(args) -> int:
    from .data import dumps, load_report, write_json

    report = load_report(args.file)
    if report.problems:  # unknown keys in a JSON input would be lost: say so
        keys = "、".join(k for p in report.problems for k in p.keys)
        raise XlreportError(f"“{Path(args.file).name}”中有约定以外的项目：{keys}；请改正后再导出")
    if args.output:
        written = write_json(args.output, report.data, report.fmt, force=args.force)
        print(f"已导出数据文件：{written}", file=sys.stderr)
    else:
        sys.stdout.write(dumps(report.data, report.fmt))
    return EXIT_OK


def cmd_render(args) -> int:
    from .word import render_file

    return render_file(args.file, args.output, pdf=args.pdf, template=args.template, force=args.force,
                       previous=args.previous, fragment=args.fragment)


def cmd_template(args) -> int:
    from .files import warn, write_bytes_atomic
    from .word import default_template

    out = Path(args.output)
    if out.suffix.lower() != ".docx":
        raise XlreportError(f"模板文件应以 .docx 结尾，而不是“{out.name}”")
    written = write_bytes_atomic(out, default_template().read_bytes(), args.force, notify=warn)
    print(f"已复制内置模板：{written}。在 Word 或 WPS 中修改样式、加入发文机关署名等，"
          f"不要改动 {{{{ }}}} 和 {{% %}} 标记；然后用 xlreport render 文件 -o 报告.docx --template {written}")
    return EXIT_OK


def cmd_bundle(args) -> int:
    from .bundle import DEFAULT_PYTHONS, make_bundle

    result = make_bundle(args.output, platform=args.platform, pythons=args.python or DEFAULT_PYTHONS, force=args.force)
    size = sum(p.stat().st_size for p in result.folder.rglob("*") if p.is_file())
    print(f"已生成离线安装包：{result.folder.resolve()}（{len(result.wheels)} 个程序包，{size / 2**20:.1f} MB，"
          f"用时 {result.seconds:.0f} 秒）和 {result.zip.resolve()}")
    return EXIT_OK


def cmd_demo(args) -> int:
    from .demo import run_demo

    return run_demo(args.output)


COMMANDS = {"check": cmd_check, "new": cmd_new, "export": cmd_export, "render": cmd_render,
            "template": cmd_template, "demo": cmd_demo, "bundle": cmd_bundle}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
