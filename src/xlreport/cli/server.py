"""`xlreport serve` and `xlreport accounts`: the submission desk (docs/server.md).

Both need the optional extra `xlreport[server]` (Django, waitress, whitenoise, psycopg); without
it they say so in Chinese.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from xlreport import api
from xlreport.errors import MissingProgram, UsageError, shown


def add_parsers(sub, wanted=lambda name: True) -> None:
    if wanted("serve"):
        _serve_parser(sub)
    if wanted("accounts"):
        _accounts_parser(sub)


def _serve_parser(sub) -> None:
    p = sub.add_parser("serve", help="启动报送服务：各单位在浏览器中下载工作簿、上传、检查、提交（需 xlreport[server]）")
    _data_options(p)
    p.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1（只本机可访问）；对内网开放请明确写出，如 0.0.0.0")
    p.add_argument("--port", type=int, default=8000, help="端口，默认 8000")
    p.add_argument("--threads", type=int, default=8, help="同时处理的请求数，默认 8")
    p.add_argument("--max-upload-mb", type=int, default=50, metavar="MB", help="上传文件的大小上限（MB），默认 50")
    p.add_argument("--year", type=int, metavar="Y", help="各单位当前填报的年度（默认：7 月前为上一年，7 月起为今年）")
    p.add_argument("--https", action="store_true", help="服务在 HTTPS 反向代理之后：Cookie 只经 HTTPS 发送")
    p.add_argument("--origin", action="append", default=[], metavar="URL",
                   help="各单位访问的地址（反向代理的 https://…），可写多个；用于跨站请求伪造（CSRF）检查")
    p.add_argument("--backup", metavar="DIR", help="不启动服务，而是把数据文件夹备份到 DIR（服务运行时也可以做）")


def _accounts_parser(sub) -> None:
    p = sub.add_parser("accounts", help="按名单为各单位和审核人员创建账号，写出 账号.xlsx（需 xlreport[server]）")
    _data_options(p)
    p.add_argument("--roster", metavar="名单.xlsx|.txt", help="应报送单位名单：.xlsx 第一列，或 .txt 每行一个单位")
    p.add_argument("--reviewer", action="append", default=[], metavar="NAME", help="审核人员的用户名，可写多次")
    p.add_argument("--admin", action="append", default=[], metavar="NAME",
                   help="可进入管理后台（/admin/）的审核人员用户名，可写多次")
    p.add_argument("--reset", action="append", default=[], metavar="UNIT", help="为该单位（或用户名）重新生成密码，可写多次")
    p.add_argument("-o", "--output", metavar="账号.xlsx", help="写出的账号表（单位、用户名、初始密码）；创建或重置账号时必填")
    p.add_argument("--force", action="store_true", help="覆盖已存在的账号表")
    p.add_argument("--import", dest="import_folder", metavar="FOLDER",
                   help="导入上年已发布的报告（网页、Word、PDF、文本、工作簿均可），按报告中的机关名称对应名单中的单位")
    p.add_argument("--year", type=int, metavar="Y", help="与 --import 一起用：导入的报告所属年度")


def _data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", help="数据文件夹（上传的文件、SQLite 数据库、密钥），默认 ./xlreport-data")
    p.add_argument("--database", metavar="URL", help="使用 PostgreSQL：postgresql://用户名:密码@主机:端口/数据库名（默认 SQLite）")


def _options(args, **extra):
    try:
        import django  # noqa: F401
        import waitress  # noqa: F401
        import whitenoise  # noqa: F401
    except ImportError:
        raise MissingProgram("报送服务需要额外的组件：请运行 pip install \"xlreport[server]\"（离线安装包用 "
                             "xlreport bundle --server 生成）") from None
    if args.database and args.database.startswith("postgres"):
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise MissingProgram("使用 PostgreSQL 需要 psycopg：请运行 pip install \"xlreport[server]\"") from None
    from xlreport.server.config import Options, data_folder

    return Options(data=data_folder(args.data), database=args.database, **extra)


def cmd_serve(args) -> int:
    from xlreport.server.run import backup, serve

    if args.max_upload_mb < 1:
        raise UsageError("--max-upload-mb 至少为 1")
    options = _options(args, upload_limit=args.max_upload_mb * 1024 * 1024, year=args.year, https=args.https,
                       origins=tuple(args.origin))
    if args.backup:
        for line in backup(options, Path(args.backup)):
            print(line)
        return 0
    return serve(options, host=args.host, port=args.port, threads=max(1, args.threads))


def cmd_accounts(args) -> int:
    from xlreport.server.accounts import KEPT, import_previous, make_accounts, write_sheet

    makes = bool(args.roster or args.reviewer or args.admin or args.reset)
    if not (makes or args.import_folder):
        raise UsageError("命令用法有误：请用 --roster 名单.xlsx 给出单位名单，或用 --reviewer/--reset/--import。"
                         "请运行 xlreport accounts --help 查看用法")
    if args.import_folder and args.year is None:
        raise UsageError("--import 需要同时用 --year 给出这些报告的年度，如 --year 2023")
    if args.year is not None and not args.import_folder:
        raise UsageError("--year 只与 --import 一起使用")
    if makes and not args.output:
        raise UsageError("创建或重置账号时请用 -o 账号.xlsx 指定账号表（初始密码只写在这个文件里）")
    if args.import_folder and not Path(args.import_folder).is_dir():
        raise UsageError(f"找不到文件夹“{shown(args.import_folder)}”，请检查 --import 的路径")
    options = _options(args)
    if makes:
        output = Path(args.output)
        if output.exists() and not args.force:  # refused before any account is made
            raise UsageError(f"“{shown(output)}”已存在；加 --force 覆盖，或换一个文件名（其中的密码只在这个文件里）")
        roster = api.read_roster(args.roster) if args.roster else []
        rows = make_accounts(options, roster, reviewers=args.reviewer, admins=args.admin, reset=args.reset)
        written = write_sheet(rows, output, force=args.force)
        new = sum(1 for r in rows if r.password != KEPT)
        print(f"已写出账号表：{shown(written)}（{len(rows)} 个账号，其中新密码 {new} 个）。"
              f"初始密码只在这个文件里，请妥善保管、分发给各单位后删除")
    if args.import_folder:
        done = import_previous(options, Path(args.import_folder), args.year)
        for line in done.lines():
            print(line)
        print(f"导入 {args.year} 年度报告：已导入 {len(done.loaded)} 份，未导入 {len(done.not_loaded)} 份"
              + ("（见上，请逐一处理）" if done.not_loaded else ""))
        if not done.loaded:
            return 2
    return 0
