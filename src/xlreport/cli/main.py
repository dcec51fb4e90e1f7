"""Command line: `xlreport new / check / export / import / render / template / demo / audit` (data-model.md §5).

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
from typing import TYPE_CHECKING, Sequence

from xlreport.errors import XlreportError, reason, shown
from xlreport.cli.console import print_problems

if TYPE_CHECKING:
    from xlreport.io.files import Found

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
    parser.add_argument("--version", action="store_true", help="显示版本号并退出")
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

    p = sub.add_parser("import", help="读取已发布的报告（网页、Word、PDF、文本），写成数据文件（.json）")
    p.add_argument("files", nargs="+", metavar="FILE", help="已发布的报告（.html/.htm/.docx/.pdf/.txt/.md/.doc/.wps）或文件夹")
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="OUT.json", help="输出文件（只导入一个文件时；省略则输出到屏幕）")
    out.add_argument("--out-dir", metavar="DIR", help="输出文件夹：每个报告写成同名的 .json")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.add_argument("--explain", action="store_true", help="列出未能识别或按推断读入的内容")

    p = sub.add_parser("render", help="生成 Word 报告（-o 报告.html 则生成网页）")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT.docx|OUT.html")
    p.add_argument("--fragment", action="store_true", help="网页只写正文部分（粘贴到网站编辑器的源代码模式）")
    p.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 转换为 PDF")
    p.add_argument("--template", metavar="T.docx", help="自定义 Word 模板")
    p.add_argument("--previous", metavar="LAST", help="上一年度的工作簿或数据文件")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.add_argument("--ignore-errors", action="store_true",
                   help="数据有错误也生成报告（照原样印出数字；仍以退出码 1 结束）")

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

    p = sub.add_parser("audit", help="审查一批报告：写成一个审查结果工作簿（汇总、问题清单、逐年对比、未报送、合计）")
    p.add_argument("files", nargs="+", metavar="DIR|FILE", help="报告所在的文件夹，或报告文件（工作簿、数据文件、已发布的报告）")
    p.add_argument("-o", "--output", metavar="审查结果.xlsx", help="输出的工作簿（只用 --json 时可省略）")
    p.add_argument("--roster", metavar="名单.xlsx|.txt", help="应报送单位名单：.xlsx 第一列，或 .txt 每行一个单位")
    p.add_argument("--year", type=int, metavar="Y", help="审查的报告年度（默认：读到的最近年度；其他年度的报告只用于逐年对比）")
    p.add_argument("--previous-dir", action="append", default=[], metavar="DIR",
                   help="上一年度报告所在的文件夹（只用于逐年对比，不列入汇总和合计）")
    p.add_argument("--json", action="store_true", help="同时把审查结果以 JSON 输出到屏幕（供程序使用）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    p = sub.add_parser("demo", help="用示例数据演示全过程")
    p.add_argument("-o", "--output", metavar="DIR", help="输出文件夹（默认新建 xlreport-demo）")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _printable_streams()
    try:
        args = build_parser().parse_args(argv)
        if args.version:
            from xlreport import __version__

            print(f"xlreport {__version__}")
            return EXIT_OK
        if not args.command:
            build_parser().print_help()
            return EXIT_UNREADABLE
        return COMMANDS[args.command](args)
    except XlreportError as exc:
        print(f"错误：{shown(exc.message)}", file=sys.stderr)
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
    except BrokenPipeError:  # the reader of our output went away (… | head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_UNREADABLE
    except Exception as exc:  # a bug: one line for the clerk, the traceback on request
        if os.environ.get("XLREPORT_DEBUG"):
            raise
        print(shown(f"错误：程序内部错误（{type(exc).__name__}: {exc}），请把这条信息和文件发给维护人员；"
                    f"设置环境变量 XLREPORT_DEBUG=1 可查看详情"), file=sys.stderr)
        return EXIT_UNREADABLE


def _printable_streams() -> None:
    """Whatever a message holds (a file name that is not UTF-8), printing it must not fail."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):  # not a text file, or already in use
            pass


MAX_WORKERS = 8  # more processes than this only wait on the disk
POOL_FROM = 16  # smaller batches are checked in this process: a pool costs more than it saves


def expand_files(names: list[str]) -> Found:
    """Every path to report on, in order: files as given, folders walked (files.walk).
    Entries with a reason are not checked; a folder with nothing to check is one such entry."""
    from xlreport.io.files import IGNORED_WHAT, READABLE, Found, not_readable_reason, walk

    out = Found()
    for name in names:
        if os.path.isdir(name):
            found = walk(name)
            out.ignored += found.ignored
            skipped = f"（另有 {found.ignored} 个文件按约定不检查：{IGNORED_WHAT}）" if found.ignored else ""
            out.entries += found.entries or [(name, f"“{name}”是一个文件夹，其中没有可检查的数据文件（.json）"
                                                    f"或工作簿（.xlsx/.xlsm）{skipped}")]
        elif os.path.isfile(name) and Path(name).suffix.lower() not in READABLE:
            out.entries.append((name, not_readable_reason(name)))
        else:  # a report file, or a path that does not exist: load_report says so
            out.entries.append((name, None))
    return out


def check_one(name: str, last=None) -> dict:
    """Check one file (against last year's report, already loaded); the result is plain
    data (it crosses process boundaries). `warnings` says what the person must know
    besides the problems (e.g. last year's report is another agency's)."""
    from xlreport.checks import check
    from xlreport.io.previous import attach_previous
    from xlreport.io.readers import load_report

    file = shown(name)  # printable and valid in JSON, whatever the name's encoding
    warnings: list[str] = []
    try:
        report = load_report(name)
        if last is not None:
            warnings = attach_previous(report, last)
    except XlreportError as exc:
        return {"file": file, "format": None, "error": shown(exc.message), "problems": []}
    except OSError as exc:
        return {"file": file, "format": None, "error": f"无法读取（{reason(exc, '读取')}）", "problems": []}
    except Exception as exc:  # one broken file must not stop a batch
        return {"file": file, "format": None, "error": shown(f"无法读取（{type(exc).__name__}: {exc}）"),
                "problems": []}
    try:
        problems = report.problems + check(report.data, report.fmt, report.cells)
    except Exception as exc:  # a bug must not stop a batch either; say which file
        return {"file": file, "format": report.fmt.version, "error": shown(f"程序内部错误（{type(exc).__name__}: {exc}），"
                f"请把这个文件发给维护人员"), "problems": [], "warnings": warnings}
    result = {"file": file, "format": report.fmt.version, "problems": [p.to_dict() for p in problems],
              "warnings": warnings}
    if report.notes:  # a published report: what the importer could not read or inferred
        result["notes"] = list(report.notes)
    return result


def not_checked(name: str, reason: str) -> dict:
    return {"file": shown(name), "format": None, "error": shown(reason), "problems": []}


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived during a batch. A BaseException, so that no `except
    Exception` swallows it on its way to main(); the pool is terminated on the way."""

    def __init__(self, signum: int):
        import signal

        super().__init__(signum)
        self.name = signal.Signals(signum).name


def _raise_stopped(signum, frame):
    raise Stopped(signum)


def _worker_init() -> None:
    """In a pool worker: the parent handles Ctrl-C and stop signals, and terminates us."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def check_many(files: list[str], last=None, progress=None, work=None) -> list[dict]:
    """Check files in order; large batches use up to MAX_WORKERS processes. However the
    batch ends — done, an exception, Ctrl-C, SIGTERM or SIGHUP — no worker outlives it.
    `work(name)` replaces check_one (a top-level function: it is sent to the workers)."""
    from functools import partial

    work = work or partial(check_one, last=last)
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(files) < POOL_FROM or workers == 1:
        results = []
        for i, name in enumerate(files):
            results.append(work(name))
            if progress:
                progress(i + 1, len(files))
        return results
    import multiprocessing
    import signal
    import threading

    stops = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    main_thread = threading.current_thread() is threading.main_thread()  # only it may set handlers
    before = {s: signal.signal(s, _raise_stopped) for s in stops} if main_thread else {}
    try:
        results = []
        with multiprocessing.Pool(workers, initializer=_worker_init) as pool:  # leaving it terminates the workers
            for i, result in enumerate(pool.imap(work, files, chunksize=16)):
                results.append(result)
                if progress:
                    progress(i + 1, len(files))
        return results
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def cmd_check(args) -> int:
    if "" in args.files or args.previous == "":  # "" would mean the current folder, searched recursively
        raise XlreportError("命令用法有误：文件名为空（\"\"）；要检查当前文件夹请写 .。请运行 xlreport check --help 查看用法")
    last = None
    if args.previous:  # read once; an unreadable LAST stops everything: it would fail every file
        from xlreport.io.readers import load_report

        last = load_report(args.previous)
    found = expand_files(args.files)
    entries = found.entries
    if len(args.files) == 1 and [name for name, _ in entries] == args.files:  # one file (or an empty folder)
        name, reason = entries[0]
        result = not_checked(name, reason) if reason else check_one(name, last)
        if "error" in result:
            if args.json:  # programs get the list on stdout too
                print(json.dumps([result], ensure_ascii=False, indent=1))
            raise XlreportError(result["error"])
        results = [result]
    else:
        show = sys.stderr.isatty() and not args.json
        to_check = [name for name, reason in entries if reason is None]
        try:
            checked = iter(check_many(to_check, last, progress_bar if show else None))
        finally:  # also when stopped: the next line must not continue the progress bar
            if show:
                print(file=sys.stderr)
        results = [not_checked(name, reason) if reason else next(checked) for name, reason in entries]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1, allow_nan=False))
    elif len(results) == 1 and "error" not in results[0] and not found.ignored:
        print_warnings(results)
        print_problems(results[0]["file"], results[0]["problems"])
        if results[0].get("notes"):
            print(f"（从已发布的报告读入，有 {len(results[0]['notes'])} 条读入说明，"
                  f"可用 xlreport import {results[0]['file']} --explain 查看）", file=sys.stderr)
    else:
        print_batch(results, {name for name, reason in entries if reason}, found.ignored)
    if any("error" in r for r in results):
        return EXIT_UNREADABLE
    if any(p["severity"] == "error" for r in results for p in r["problems"]):
        return EXIT_PROBLEMS
    return EXIT_OK


def progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    print(f"\r校验中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="", file=sys.stderr, flush=True)


def print_warnings(results: list[dict]) -> None:
    """Each distinct warning once (the same one may hold for every file of a batch)."""
    for warning in dict.fromkeys(w for r in results for w in r.get("warnings", ())):
        print(f"注意：{warning}")


def print_batch(results: list[dict], skipped: set[str] = frozenset(), ignored: int = 0) -> None:
    """One line per file, then the totals (for supervisors checking many reports).
    `skipped`: the files not checked for their kind (or folders that could not be
    opened); `ignored`: how many files were left out on purpose (files.ignored_on_purpose)."""
    passed = failed = unreadable = not_checked = 0
    for r in results:
        if "error" in r:
            if r["file"] in skipped:
                not_checked += 1
                print(f"{r['file']}: 未检查：{r['error']}")
            else:
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
    print_warnings(results)
    print(f"共 {len(results)} 个文件：{passed} 个通过，{failed} 个未通过，{unreadable} 个无法读取，{not_checked} 个未检查")
    if ignored:
        from xlreport.io.files import IGNORED_WHAT

        print(f"另有 {ignored} 个文件按约定不检查：{IGNORED_WHAT}")


def cmd_new(args) -> int:
    from xlreport.model.formats import FIRST_YEAR
    from xlreport.checks.cover import LAST_YEAR, year_not_covered
    from xlreport.checks.values import evaluate
    from xlreport.io.readers import load_report
    from xlreport.io.previous import prefill_from_previous
    from xlreport.io.files import warn
    from xlreport.model.formats import format_for_year
    from xlreport.workbook.book import write_workbook

    if not FIRST_YEAR <= args.year <= LAST_YEAR:
        raise XlreportError(f"报告年度{year_not_covered(args.year)}")
    fmt = format_for_year(args.year)
    out = output_name("new --macros" if args.macros else "new", args.output, args.data, args.previous)
    data: dict = {}
    if args.data:
        source = load_report(args.data)
        if source.fmt is not fmt:
            raise XlreportError(f"数据文件“{Path(args.data).name}”是 {source.fmt.version} 版格式，"
                                f"而 {args.year} 年度应使用 {fmt.version} 版格式，不能直接填入")
        unknown = [p for p in source.problems if p.rule == "unknown-key"]  # not format-version of an import
        if unknown:
            keys = "、".join(k for p in unknown for k in p.keys)
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
        for warning in prefill_from_previous(data, fmt, load_report(args.previous), args.output):
            warn(warning)
    vba = None
    if args.macros:
        from xlreport.workbook.macros import MacroParts

        vba = MacroParts()
    written = write_workbook(out, fmt, data, force=args.force, vba=vba)
    print(f"已生成工作簿：{shown(written)}（{fmt.version} 版格式，{args.year} 年度）")
    return EXIT_OK


def cmd_export(args) -> int:
    from xlreport.io.jsonfile import dumps, write_json
    from xlreport.io.readers import load_report

    if args.output:
        output_name("export", args.output, args.file)
    report = load_report(args.file)
    unknown = [p for p in report.problems if p.rule == "unknown-key"]
    if unknown:  # unknown keys in a JSON input would be lost: say so
        keys = "、".join(k for p in unknown for k in p.keys)
        raise XlreportError(f"“{Path(args.file).name}”中有约定以外的项目：{keys}；请改正后再导出")
    if args.output:
        written = write_json(args.output, report.data, report.fmt, force=args.force)
        print(f"已导出数据文件：{shown(written)}", file=sys.stderr)
    else:
        sys.stdout.write(dumps(report.data, report.fmt))
    return EXIT_OK


def cmd_import(args) -> int:
    from xlreport.io.files import PUBLISHED
    from xlreport.io.jsonfile import dumps, write_json
    from xlreport.io.readers import load_report
    from xlreport.io.files import check_target

    found = expand_files(args.files)
    files, not_imported = [], []
    for name, why in found.entries:
        if why is None and Path(name).suffix.lower() not in PUBLISHED:
            why = f"“{Path(name).name}”不是已发布的报告：可导入 {'、'.join(PUBLISHED)} 文件"
        if why is None:
            files.append(name)
        elif name in args.files:  # named: the person meant it
            raise XlreportError(why)
        else:
            not_imported.append((name, why))
    for name, why in not_imported:  # nothing left out without a word
        print(f"{shown(name)}: 未导入：{shown(why)}", file=sys.stderr)
    if not files:
        raise XlreportError("没有找到可导入的已发布报告（.html/.docx/.pdf/.doc/.wps/.txt）")
    if len(files) > 1 and not args.out_dir:
        raise XlreportError("导入多个文件时请用 --out-dir 文件夹 指定输出位置（每个报告写成同名的 .json）")
    if args.out_dir and not Path(args.out_dir).is_dir():
        raise XlreportError(f"输出文件夹“{args.out_dir}”不存在，请先创建")
    targets = {}
    if args.out_dir:
        for name in files:
            target = Path(args.out_dir) / (Path(name).stem + ".json")
            if target in targets.values():
                raise XlreportError(f"“{Path(name).name}”与另一个文件同名，输出都会是“{target.name}”；请分开导入")
            targets[name] = target
    elif args.output:
        targets[files[0]] = Path(args.output)
    for target in targets.values():  # refuse before reading anything: nothing half-done
        check_target(target, args.force)
    failed = 0
    for name in files:
        try:
            report = load_report(name)
        except XlreportError as exc:
            if len(files) == 1:
                raise
            failed += 1
            print(f"{name}: 无法导入：{exc.message}", file=sys.stderr)
            continue
        n_values = sum(1 for k, v in report.data.items() if v is not None and k.startswith(("t2.", "t3.", "t4.")))
        if name in targets:
            written = write_json(targets[name], report.data, report.fmt, force=args.force)
            print(f"已导入：{name} → {written}（{report.fmt.version} 版格式，{n_values} 个数值，"
                  f"{len(report.notes)} 条读入说明）", file=sys.stderr)
        else:
            sys.stdout.write(dumps(report.data, report.fmt))
        for p in report.problems:
            print(f"  注意：{p.message}", file=sys.stderr)
        if args.explain:
            for note in report.notes:
                print(f"  说明：{note}", file=sys.stderr)
        elif report.notes:
            print(f"  有 {len(report.notes)} 条读入说明，加 --explain 查看", file=sys.stderr)
    return EXIT_UNREADABLE if failed or not_imported else EXIT_OK


def cmd_render(args) -> int:
    from xlreport.report.docx import render_file

    output_name("render", args.output, args.file, args.template, args.previous)
    return render_file(args.file, args.output, pdf=args.pdf, template=args.template, force=args.force,
                       previous=args.previous, ignore_errors=args.ignore_errors, fragment=args.fragment)


def cmd_template(args) -> int:
    from xlreport.io.files import warn, write_bytes_atomic
    from xlreport.report.docx import default_template

    out = output_name("template", args.output, default_template())
    written = write_bytes_atomic(out, default_template().read_bytes(), args.force, notify=warn)
    print(f"已复制内置模板：{shown(written)}。在 Word 或 WPS 中修改样式、加入发文机关署名等，"
          f"不要改动 {{{{ }}}} 和 {{% %}} 标记；然后用 xlreport render 文件 -o 报告.docx --template {written}")
    return EXIT_OK


# What each writing command writes: the extensions its output may have, and what it is.
# An output named otherwise is refused before anything is read (`export wb.xlsx -o
# wb.xlsx --force` would replace the workbook with JSON). A new output kind (say
# render to .html) is one more entry here.
OUTPUT_KINDS = {
    "new": ((".xlsx",), "不带宏的工作簿"),
    "new --macros": ((".xlsm",), "带宏的工作簿（--macros）"),
    "export": ((".json",), "数据文件"),
    "render": ((".docx", ".html", ".htm"), "Word 报告或网页"),
    "template": ((".docx",), "Word 模板"),
    "audit": ((".xlsx",), "审查结果工作簿"),
}


def output_name(kind: str, output: str, *inputs) -> Path:
    """The output path, refused if its extension does not fit `kind` or it is one of the inputs."""
    from xlreport.io.files import check_output

    suffixes, what = OUTPUT_KINDS[kind]
    return check_output(output, suffixes, what, inputs)


def cmd_bundle(args) -> int:
    from xlreport.bundle import DEFAULT_PYTHONS, make_bundle

    result = make_bundle(args.output, platform=args.platform, pythons=args.python or DEFAULT_PYTHONS, force=args.force)
    size = sum(p.stat().st_size for p in result.folder.rglob("*") if p.is_file())
    print(f"已生成离线安装包：{result.folder.resolve()}（{len(result.wheels)} 个程序包，{size / 2**20:.1f} MB，"
          f"用时 {result.seconds:.0f} 秒）和 {result.zip.resolve()}")
    return EXIT_OK


def cmd_audit(args) -> int:
    from xlreport.audit.gather import as_json, audit, exit_code

    if "" in args.files or "" in args.previous_dir:
        raise XlreportError("命令用法有误：文件名为空（\"\"）；要审查当前文件夹请写 .。请运行 xlreport audit --help 查看用法")
    if not args.output and not args.json:
        raise XlreportError("命令用法有误：请用 -o 审查结果.xlsx 指定输出的工作簿（或加 --json 输出到屏幕）。"
                            "请运行 xlreport audit --help 查看用法")
    if args.output:
        from xlreport.io.files import check_target

        output_name("audit", args.output, args.roster)
        check_target(args.output, args.force)  # refused before the long part, not after
    show = sys.stderr.isatty()
    try:
        result = audit(args.files, roster=args.roster, year=args.year, previous_dirs=tuple(args.previous_dir),
                       output=args.output, progress=progress_bar if show else None)
    finally:
        if show:
            print(file=sys.stderr)
    if not result["reports"] and not result["comparison_only"]:
        for item in result["not_read"]:
            print(f"{item['file']}: 未读取：{item['reason']}", file=sys.stderr)
        raise XlreportError("没有读到任何报告，未生成审查结果；请检查文件夹和文件（见上面列出的原因）")
    if not result["reports"]:
        raise XlreportError(f"读到的 {len(result['comparison_only'])} 个报告中没有 {args.year} 年度的，未生成审查结果；"
                            f"请核对 --year")
    if args.output:
        from xlreport.audit.book import write_audit

        written = write_audit(args.output, result, force=args.force)
    if args.json:
        print(json.dumps(as_json(result), ensure_ascii=False, indent=1, allow_nan=False))
    reports = result["reports"]
    failed = sum(1 for r in reports if r["errors"])
    summary = (f"共读取 {len(reports)} 个报告：{failed} 个未通过，{len(reports) - failed} 个通过或仅有警告；"
               f"逐年对比 {len(result['pairs'])} 对；{len(result['not_read'])} 个文件未读取")
    if args.output:
        summary += f"。已生成审查结果：{shown(written)}"
    print(summary, file=sys.stderr if args.json else sys.stdout)
    for item in result["not_read"]:
        print(f"  未读取：{item['file']}：{item['reason']}", file=sys.stderr)
    return exit_code(result)


def cmd_demo(args) -> int:
    from xlreport.cli.demo import run_demo

    return run_demo(args.output)


COMMANDS = {"check": cmd_check, "new": cmd_new, "export": cmd_export, "import": cmd_import, "render": cmd_render,
            "template": cmd_template, "demo": cmd_demo, "bundle": cmd_bundle, "audit": cmd_audit}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
