"""Command line: `xlreport new / upgrade / check / export / import / render / template / audit / bundle / demo`
(data-model.md §5).

`main(argv)` returns the exit code: 0 clean, 1 problems (errors) found,
2 cannot read / bad usage. Heavy libraries are imported inside the commands
that need them, so `xlreport check` stays fast.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from xlreport import api
from xlreport.batch import Stopped
from xlreport.cli.console import in_cli_terms, print_batch, print_notices, print_problems, progress_bar
from xlreport.errors import UsageError, XlreportError, reason, shown
from xlreport.model.spec import key_table

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, the width read without shutil (which argparse imports for it,
    and which `xlreport check` does not otherwise need at start)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size tells it: $COLUMNS, the terminal, or 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


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
        kwargs.setdefault("formatter_class", _Formatter)
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
        raise UsageError(f"命令用法有误：{message}。请运行 xlreport {command + ' ' if command else ''}--help 查看用法")

    def format_help(self) -> str:
        text = super().format_help()
        for english, chinese in self.HEADINGS:
            text = text.replace(english, chinese)
        return text

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", "用法：")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or with `only` the parser of that one command (what
    `main` builds to run it: the others are not built at every start)."""

    def wanted(name: str) -> bool:
        return only is None or name == only

    parser = ChineseArgumentParser(prog="xlreport", description="政府信息公开工作年度报告：工作簿、校验与 Word 报告")
    parser.add_argument("--version", action="store_true", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ChineseArgumentParser)

    if wanted("check"):
        p = sub.add_parser("check", help="校验工作簿（.xlsx/.xlsm）、数据文件（.json）或已发布的报告（网页、Word、PDF、文本）")
        p.add_argument("files", nargs="+", metavar="FILE", help="工作簿、数据文件、已发布的报告，或它们所在的文件夹")
        p.add_argument("--previous", metavar="LAST", help="上一年度的工作簿或数据文件（用于跨年度校验）")
        p.add_argument("--json", action="store_true", help="以 JSON 输出（供程序使用）")
        p.add_argument("--all", action="store_true", help="逐格列出未填写的格（默认一个表超过 5 格时合并为一行）")

    if wanted("new"):
        p = sub.add_parser("new", help="生成锁定的填报工作簿")
        p.add_argument("--year", type=int, required=True, help="报告年度，如 2024")
        p.add_argument("--agency", help="机关全称")
        p.add_argument("--data", metavar="F.json", help="用数据文件预先填写")
        p.add_argument("--previous", metavar="LAST", help="上一年度的工作簿或数据文件")
        p.add_argument("--macros", action="store_true", help="生成带“生成报告”按钮的 .xlsm（需要 Excel 与 xlwings）")
        p.add_argument("-o", "--output", required=True, metavar="OUT", help="输出的工作簿")
        p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    if wanted("upgrade"):
        p = sub.add_parser("upgrade", help="把旧版 xlreport 生成的已填工作簿转入当前版式（数字、文字和封面全部带过去）")
        p.add_argument("file", metavar="OLD.xlsx", help="旧版工作簿（.xlsx 或 .xlsm）")
        p.add_argument("-o", "--output", required=True, metavar="NEW.xlsx", help="新工作簿（原为 .xlsm 的仍为 .xlsm）")
        p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    if wanted("export"):
        p = sub.add_parser("export", help="把工作簿中的数据导出为数据文件（.json）")
        p.add_argument("file", metavar="FILE", help="工作簿、数据文件或已发布的报告")
        p.add_argument("-o", "--output", metavar="F.json", help="输出文件（省略则输出到屏幕）")
        p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    if wanted("import"):
        p = sub.add_parser("import", help="读取已发布的报告（网页、Word、PDF、文本），写成数据文件（.json）")
        p.add_argument("files", nargs="+", metavar="FILE", help="已发布的报告（.html/.htm/.docx/.pdf/.txt/.md/.doc/.wps）或文件夹")
        out = p.add_mutually_exclusive_group()
        out.add_argument("-o", "--output", metavar="OUT.json", help="输出文件（只导入一个文件时；省略则输出到屏幕）")
        out.add_argument("--out-dir", metavar="DIR", help="输出文件夹：每个报告写成同名的 .json")
        p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
        p.add_argument("--explain", action="store_true", help="列出未能识别或按推断读入的内容")

    if wanted("render"):
        p = sub.add_parser("render", help="生成 Word 报告（-o 报告.html 则生成网页）")
        p.add_argument("file", metavar="FILE", help="工作簿、数据文件或已发布的报告")
        p.add_argument("-o", "--output", required=True, metavar="OUT.docx|OUT.html", help="输出的 Word 报告（.docx）或网页（.html）")
        p.add_argument("--fragment", action="store_true", help="网页只写正文部分（粘贴到网站编辑器的源代码模式）")
        p.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 转换为 PDF")
        p.add_argument("--template", metavar="T.docx", help="自定义 Word 模板")
        p.add_argument("--previous", metavar="LAST", help="上一年度的工作簿或数据文件")
        p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
        p.add_argument("--ignore-errors", action="store_true",
                       help="数据有错误也生成报告（照原样印出数字；仍以退出码 1 结束）")
        p.add_argument("--all", action="store_true", help="逐格列出未填写的格（默认一个表超过 5 格时合并为一行）")

    if wanted("template"):
        p = sub.add_parser("template", help="复制一份内置的 Word 模板，供修改样式后用 render --template 使用")
        p.add_argument("-o", "--output", required=True, metavar="T.docx", help="复制到的文件（.docx）")
        p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    if wanted("bundle"):
        p = sub.add_parser("bundle", help="生成离线安装包（供没有网络的办公电脑安装，需联网生成）")
        p.add_argument("-o", "--output", required=True, metavar="DIR", help="输出文件夹（同时生成 DIR.zip）")
        p.add_argument("--platform", default="win_amd64", help="目标平台，默认 win_amd64（64 位 Windows）；"
                       "Linux 用 manylinux2014_x86_64")
        p.add_argument("--python", nargs="+", metavar="X.Y", default=None,
                       help="目标电脑上的 Python 版本，可写多个；默认 3.11 3.12 3.13 3.14")
        p.add_argument("--server", action="store_true", help="同时包含报送服务（xlreport serve）所需的组件，供服务器离线安装")
        p.add_argument("--force", action="store_true", help="覆盖已存在的文件夹和 .zip")

    if wanted("audit"):
        p = sub.add_parser("audit", help="审查一批报告：写成一个审查结果工作簿（汇总、问题清单、逐年对比、未报送、合计）")
        p.add_argument("files", nargs="+", metavar="DIR|FILE", help="报告所在的文件夹，或报告文件（工作簿、数据文件、已发布的报告）")
        p.add_argument("-o", "--output", metavar="审查结果.xlsx", help="输出的工作簿（只用 --json 时可省略）")
        p.add_argument("--roster", metavar="名单.xlsx|.txt", help="应报送单位名单：.xlsx 第一列，或 .txt 每行一个单位")
        p.add_argument("--year", type=int, metavar="Y", help="审查的报告年度（默认：读到的最近年度；其他年度的报告只用于逐年对比）")
        p.add_argument("--previous-dir", action="append", default=[], metavar="DIR",
                       help="上一年度报告所在的文件夹（只用于逐年对比，不列入汇总和合计）")
        p.add_argument("--json", action="store_true", help="同时把审查结果以 JSON 输出到屏幕（供程序使用）")
        p.add_argument("--feedback", metavar="DIR", help="同时为每个被审查单位写一份审查意见（Word 文件）到该文件夹")
        p.add_argument("--signer", metavar="名称", help="审查意见的落款（如 某县人民政府办公室）")
        p.add_argument("--unit", metavar="单位", help="在屏幕上列出该单位读到的全部年度（结论、错误、警告和主要数字）")
        p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    if wanted("demo"):
        p = sub.add_parser("demo", help="用示例数据演示全过程")
        p.add_argument("-o", "--output", metavar="DIR", help="输出文件夹（默认新建 xlreport-demo）")

    from xlreport.cli.server import add_parsers

    add_parsers(sub, wanted)  # serve, accounts: the submission desk
    if only is not None and only not in sub.choices:  # not a command: the message lists them all
        return build_parser()
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _printable_streams()
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(argv[0] if argv and not argv[0].startswith("-") else None).parse_args(argv)
        if args.version:
            from xlreport.model._version import __version__

            print(f"xlreport {__version__}")
            return EXIT_OK
        if not args.command:
            build_parser().print_help()
            return EXIT_UNREADABLE
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, not in Python's own English message at exit
        return code
    except BrokenPipeError:  # the reader of our output went away (… | head): stop quietly, like other tools
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # stdout is not a file
            pass
        return EXIT_UNREADABLE
    except XlreportError as exc:
        print(f"错误：{shown(in_cli_terms(exc.message))}", file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as exc:  # a file the commands did not expect to fail (disk full, no permission)
        if os.environ.get("XLREPORT_DEBUG"):
            raise
        where = f"“{shown(exc.filename)}”" if exc.filename else "文件"
        print(f"错误：读写{where}失败（{reason(exc)}），请检查磁盘空间和文件夹权限后重试", file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return EXIT_UNREADABLE
    except Stopped as exc:
        print(f"已停止：收到终止信号（{exc.name}），校验未完成；所有工作进程均已结束。", file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception:  # a bug: one line for the clerk, the traceback on request
        if os.environ.get("XLREPORT_DEBUG"):
            raise
        print("错误：程序内部错误，请把这条信息和文件发给维护人员；设置环境变量 XLREPORT_DEBUG=1 后重新运行可查看详情",
              file=sys.stderr)
        return EXIT_UNREADABLE


def _printable_streams() -> None:
    """Whatever a message holds (a file name that is not UTF-8), printing it must not fail."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if isinstance(stream, io.TextIOWrapper):  # what sys.stdout is, unless replaced
                stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):  # not a text file, or already in use
            pass


def _no_empty_names(names, command: str) -> None:
    if "" in names:  # "" would mean the current folder, searched recursively
        raise UsageError(f"命令用法有误：文件名为空（\"\"）；要{'检查' if command == 'check' else '审查'}当前文件夹请写 .。"
                            f"请运行 xlreport {command} --help 查看用法")


def cmd_check(args) -> int:
    _no_empty_names([*args.files, args.previous], "check")
    # read once; an unreadable LAST stops everything: it would fail every file
    last = api.load(args.previous) if args.previous else None
    single = len(args.files) == 1 and os.path.isfile(args.files[0])
    show = sys.stderr.isatty() and not args.json and not single
    try:
        batch = api.check_files(args.files, last, progress_bar if show else None)
    finally:  # also when stopped: the next line must not continue the progress bar
        if show:
            print(file=sys.stderr)
    results = batch.results
    one = len(args.files) == 1 and len(results) == 1 and results[0].file == shown(args.files[0])
    if one and results[0].error is not None:  # one file (or an empty folder) that cannot be checked
        if args.json:  # programs get the list on stdout too
            print(json.dumps([results[0].to_dict()], ensure_ascii=False, indent=1))
        raise XlreportError(results[0].error)
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1, allow_nan=False))
    elif one and not batch.ignored:
        r = results[0]
        print_notices(r.notices)
        print_problems(r.file, r.problems, every=getattr(args, "all", False))
        if r.notes:
            print(f"（从已发布的报告读入，有 {len(r.notes)} 条读入说明，可用 xlreport import {r.file} --explain 查看）",
                  file=sys.stderr)
    else:
        print_batch(results, batch.ignored)
    if any(r.error is not None for r in results):
        return EXIT_UNREADABLE
    return EXIT_OK if batch.ok else EXIT_PROBLEMS


def cmd_new(args) -> int:
    written = api.new_workbook(args.output, args.year, agency=args.agency, data=args.data, previous=args.previous,
                               macros=args.macros, force=args.force)
    print_notices(written.notices, sys.stderr)
    fmt = api.formats()["2019" if args.year <= 2020 else "2021"]
    print(f"已生成工作簿：{shown(written.path)}（{fmt.version} 版格式，{args.year} 年度）")
    return EXIT_OK


def cmd_upgrade(args) -> int:
    old, new = Path(args.file).suffix.lower(), Path(args.output).suffix.lower()
    if old in (".xlsx", ".xlsm") and new != old:
        raise UsageError(f"新工作簿应与旧工作簿同为 {old} 文件（{'带宏' if old == '.xlsm' else '不带宏'}），而不是“{Path(args.output).name}”")
    written = api.upgrade_workbook(args.file, args.output, force=args.force)
    print_notices(written.notices, sys.stderr)
    print(f"已转入当前版式：{shown(written.path)}（原工作簿“{shown(args.file)}”未改动）")
    return EXIT_OK


def cmd_export(args) -> int:
    out = api.export_json(args.file, args.output, force=args.force)
    if isinstance(out, str):
        sys.stdout.write(out)
        _on_screen_only()
    else:
        print_notices(out.notices, sys.stderr)
        print(f"已导出数据文件：{shown(out.path)}", file=sys.stderr)
    return EXIT_OK


def cmd_import(args) -> int:
    from xlreport.batch import find_published
    from xlreport.io.files import check_target, not_an_input
    from xlreport.io.jsonfile import dumps, source_of

    if args.out_dir:
        if not Path(args.out_dir).is_dir():
            raise XlreportError(f"输出文件夹“{args.out_dir}”不存在，请先创建")
        _refuse_named(args.files, find_published(args.files).entries)
        show = sys.stderr.isatty()
        try:
            batch = api.import_files(args.files, args.out_dir, force=args.force, progress=progress_bar if show else None)
        finally:
            if show:
                print(file=sys.stderr)
        if not any(r.output for r in batch) and not any(r.error and not r.not_checked for r in batch):
            _print_not_imported(batch)
            raise XlreportError("没有找到可导入的已发布报告（.html/.docx/.pdf/.doc/.wps/.txt）")
        read = [r for r in batch if not r.not_checked]
        if len(read) == 1 and read[0].error is not None:  # one report, and it cannot be read
            _print_not_imported(batch)
            raise XlreportError(read[0].error)
        failed = 0
        for r in batch:
            if r.not_checked:
                print(f"{r.file}: 未导入：{r.error}", file=sys.stderr)
            elif r.error is not None:
                failed += 1
                print(f"{r.file}: 无法导入：{r.error}", file=sys.stderr)
            else:
                print_notices(r.notices, sys.stderr)
                print(f"已导入：{r.file} → {shown(r.output or '')}（{r.format} 版格式，{_values_in(r.output)} 个数值，"
                      f"{len(r.notes)} 条读入说明）", file=sys.stderr)
                if r.report is not None:
                    _explain(r.report, args.explain)
        return EXIT_UNREADABLE if failed or any(r.not_checked for r in batch) else EXIT_OK
    found = find_published(args.files)
    _refuse_named(args.files, found.entries)
    for name, why in found.entries:  # nothing left out without a word
        if why is not None:
            print(f"{shown(name)}: 未导入：{shown(why)}", file=sys.stderr)
    files = [name for name, why in found.entries if why is None]
    if not files:
        raise XlreportError("没有找到可导入的已发布报告（.html/.docx/.pdf/.doc/.wps/.txt）")
    if len(files) > 1:
        raise XlreportError("导入多个文件时请用 --out-dir 文件夹 指定输出位置（每个报告写成同名的 .json）")
    if args.output:
        not_an_input(args.output, files)  # refuse before reading anything, with or without --force
        check_target(args.output, args.force)
    report = api.load(files[0])
    if args.output:
        written = api.export_json(report, args.output, force=args.force)
        print_notices(written.notices, sys.stderr)
        print(f"已导入：{files[0]} → {shown(written.path)}（{report.fmt.version} 版格式，{_values_in(written.path)} 个数值，"
              f"{len(report.notes)} 条读入说明）", file=sys.stderr)
    else:
        sys.stdout.write(dumps(report.data, report.fmt, source_of(report)))
        _on_screen_only()
    _explain(report, args.explain)
    return EXIT_UNREADABLE if len(found.entries) > 1 else EXIT_OK


def _on_screen_only() -> None:
    """Without -o the data file goes to standard output (for a pipe or a redirection); at a
    terminal, a person probably forgot -o: say that nothing was saved."""
    if sys.stdout.isatty():
        sys.stdout.flush()
        print("（以上是数据文件的内容，没有给 -o，只显示在屏幕上、未保存；要保存请加 -o 文件名.json）", file=sys.stderr)


def _refuse_named(named: Sequence[str], entries: list[tuple[str, str | None]]) -> None:
    """A file named on the command line that is not a published report: the person meant it."""
    for name, why in entries:
        if why is not None and name in named:
            raise XlreportError(why)


def _print_not_imported(batch: api.BatchResult) -> None:
    for r in batch:
        if r.not_checked:
            print(f"{r.file}: 未导入：{r.error}", file=sys.stderr)


def _values_in(path) -> int:
    """How many table values a data file written by import holds."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return sum(1 for k, v in (doc.get("values") or {}).items() if v is not None and key_table(k) in ("t2", "t3", "t4"))


def _explain(report, explain: bool) -> None:
    for p in report.problems:
        print(f"  注意：{p.message}", file=sys.stderr)
    if explain:  # per table what was found, then each note with the stage that wrote it
        from xlreport.io.importers.match import explain as explained

        for line in explained(report):
            print(f"  说明：{line}", file=sys.stderr)
    elif report.notes:
        print(f"  有 {len(report.notes)} 条读入说明，加 --explain 查看", file=sys.stderr)


def cmd_render(args) -> int:
    target = Path(args.output)
    page = target.suffix.lower() in (".html", ".htm")
    if args.fragment and not page:
        raise UsageError(f"--fragment 只用于网页：输出文件应以 .html 结尾，而不是“{target.name}”")
    if page and args.pdf:
        raise UsageError("--pdf 只用于 Word 报告（.docx）；网页请在浏览器中打印为 PDF，或另行生成 .docx 再加 --pdf")
    if page and args.template:
        raise UsageError("--template 是 Word 模板，只用于 Word 报告（.docx）；网页的版式是固定的")
    if page:
        rendered = api.render_html(args.file, target, fragment=args.fragment, previous=args.previous,
                                   force=args.force, ignore_errors=args.ignore_errors)
    else:
        rendered = api.render_docx(args.file, target, template=args.template, previous=args.previous, pdf=args.pdf,
                                   force=args.force, ignore_errors=args.ignore_errors)
    result, name = rendered.result, str(args.file)
    print_notices(result.notices)
    if result.problems:
        print_problems(name, result.problems, every=getattr(args, "all", False))
    if rendered.path is None:  # blocked
        print(f"{name}：数据有错误，未生成报告。请改正后重新生成，"
              f"或加 --ignore-errors 照原样生成（报告中将照原样印出这些数字）")
        return EXIT_PROBLEMS
    for notice in rendered.notices[len(result.notices):]:  # what rendering removed or changed
        print(f"警告：{notice}")
    print_notices(rendered.renamed, sys.stderr)
    if page and args.fragment:
        print(f"已生成网页正文：{Path(rendered.path).resolve()}（标题请填入网站的标题栏：{api.report_title(result.report)}）")
    elif page:
        print(f"已生成网页：{Path(rendered.path).resolve()}")
    else:
        print(f"已生成 Word 报告：{Path(rendered.path).resolve()}")
        if rendered.pdf:
            for notice in rendered.pdf_notices:
                print(f"提示：{notice}")
            print(f"已生成 PDF：{Path(rendered.pdf).resolve()}")
    if result.errors:
        what = "网页" if page else "报告"
        print(f"{name}：数据有错误（--ignore-errors），{what}中照原样印出了这些数字，请改正后重新生成")
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_template(args) -> int:
    written = api.copy_template(args.output, force=args.force).path
    print(f"已复制内置模板：{shown(written)}。在 Word 或 WPS 中修改样式、加入发文机关署名等，"
          f"不要改动 {{{{ }}}} 和 {{% %}} 标记；然后用 xlreport render 文件 -o 报告.docx --template {written}")
    return EXIT_OK


def cmd_bundle(args) -> int:
    result = api.bundle(args.output, platform=args.platform, pythons=args.python, force=args.force, progress=print,
                        server=args.server)
    size = sum(p.stat().st_size for p in result.folder.rglob("*") if p.is_file())
    print(f"已生成离线安装包：{result.folder.resolve()}（{len(result.wheels)} 个程序包，{size / 2**20:.1f} MB，"
          f"用时 {result.seconds:.0f} 秒）和 {result.zip.resolve()}")
    return EXIT_OK


def cmd_audit(args) -> int:
    _no_empty_names([*args.files, *args.previous_dir], "audit")
    if not args.output and not args.json and not args.feedback:
        raise UsageError("命令用法有误：请用 -o 审查结果.xlsx 指定输出的工作簿（或加 --json 输出到屏幕，"
                         "或用 --feedback 文件夹 写审查意见）。请运行 xlreport audit --help 查看用法")
    if args.signer is not None and not args.feedback:
        raise UsageError("命令用法有误：--signer 是审查意见的落款，只和 --feedback 一起使用")
    show = sys.stderr.isatty()
    try:
        audited = api.audit(args.files, output=args.output, roster=args.roster, year=args.year,
                            previous_dirs=args.previous_dir, force=args.force,
                            progress=progress_bar if show else None, feedback=args.feedback, signer=args.signer)
    finally:
        if show:
            print(file=sys.stderr)
    result = audited.result
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1, allow_nan=False))
    year = f" {result.year} 年度" if result.year else ""
    others = f"另有 {len(result.comparison_only)} 个报告只用于逐年对比；" if result.comparison_only else ""
    summary = (f"审查{year}的报告 {result.counts_text()}；{others}"
               f"逐年对比 {len(result.pairs)} 对；{len(result.not_read)} 个文件未读取"
               + (f"；{len(result.not_reports)} 个文件不是报告" if result.not_reports else ""))
    if audited.path is not None:
        summary += f"。已生成审查结果：{shown(audited.path)}"
    if args.feedback:
        summary += f"。已写审查意见 {len(audited.feedback)} 份：{shown(args.feedback)}"
    print(summary, file=sys.stderr if args.json else sys.stdout)
    if args.unit is not None:
        print_series(result, args.unit, sys.stderr if args.json else sys.stdout)
    for item in result.not_read:
        print(f"  未读取：{item.file}：{item.reason}", file=sys.stderr)
    for item in result.not_reports:
        print(f"  不是报告：{item.file}：{item.reason}", file=sys.stderr)
    for skip in result.skipped:
        print(f"  不读取：{skip.file}：{skip.reason}", file=sys.stderr)
    return result.exit_code


def print_series(result, unit: str, out) -> None:
    """`audit --unit NAME`: the unit's whole series, one line a year (to stdout; with --json to stderr)."""
    from xlreport.audit.book import FIGURE_LABELS
    from xlreport.audit.figures import COMPARED
    from xlreport.model.report import number_text

    entries = result.series_of(unit)
    if not entries:
        print(f"读到的报告中没有“{shown(unit)}”的报告（或有多个单位与之对应），请核对单位名称", file=sys.stderr)
        return
    print(f"{entries[0].unit} 历年（{len(entries)} 份报告）：", file=out)
    for e in entries:
        figures = "，".join(f"{FIGURE_LABELS[k]} {number_text(e.figures[k])}" for k in COMPARED
                           if e.figures.get(k) is not None)
        review = "" if e.under_review else "（只用于对比）"
        print(f"  {e.year or '年度未知'} 年{review}：{e.verdict}，错误 {e.errors}，警告 {e.warnings}；{figures}；{e.file}",
              file=out)


def cmd_demo(args) -> int:
    from xlreport.cli.demo import run_demo

    return run_demo(args.output)


COMMANDS = {"check": cmd_check, "new": cmd_new, "upgrade": cmd_upgrade, "export": cmd_export, "import": cmd_import, "render": cmd_render,
            "template": cmd_template, "demo": cmd_demo, "bundle": cmd_bundle, "audit": cmd_audit,
            "serve": lambda args: _server("cmd_serve", args), "accounts": lambda args: _server("cmd_accounts", args)}


def _server(name: str, args) -> int:
    from xlreport.cli import server

    return getattr(server, name)(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
