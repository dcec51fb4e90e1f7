"""`xlreport serve`: migrations, then waitress on 127.0.0.1 (or --host) and the worker thread of the
reviewer's jobs (desk/jobs.py); Ctrl-C / SIGTERM stop it cleanly. `xlreport serve --backup DIR`: a consistent copy of the data folder while the service runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable

from xlreport.errors import OutputError, UsageError
from xlreport.server.config import SQLITE_NAME, Options, body_limit, migrate, private, setup

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def local_time() -> None:
    """The service's clock is the pages' (TIME_ZONE, 北京时间) for what it writes too — the audit's
    生成时间, the package's 发布清单 — also on a server whose system clock is set to UTC."""
    import time

    from django.conf import settings

    if hasattr(time, "tzset"):  # POSIX; a Windows server in China keeps China's time already
        os.environ["TZ"] = settings.TIME_ZONE
        time.tzset()


def make_server(options: Options, host: str, port: int, threads: int) -> Any:
    """The configured WSGI app in a waitress server (bound, not yet serving)."""
    setup(options)
    local_time()
    migrate()
    from xlreport.server.storage import sweep

    sweep(options.data)  # what a killed service left behind (never a stored file)
    from django.core.wsgi import get_wsgi_application
    from waitress.server import create_server

    app = get_wsgi_application()
    # Behind the office's HTTPS proxy on this machine: its X-Forwarded-Proto/-For are believed
    # (the scheme for secure cookies and the CSRF check, the clerk's address for the log).
    proxy = {"trusted_proxy": "127.0.0.1", "trusted_proxy_count": 1,
             "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"}} if options.https else {}
    server = create_server(app, host=host, port=port, threads=threads, ident="xlreport", **proxy,
                           # the pages and views refuse bodies over the limits with the limit said in Chinese;
                           # waitress itself only stops bodies no upload form sends
                           max_request_body_size=body_limit(options.upload_limit),
                           clear_untrusted_proxy_headers=True, channel_timeout=120)
    from xlreport.server.desk.jobs import start_worker

    start_worker()  # the reviewer's outputs, one at a time; what a stopped service left running first
    return server


def serve(options: Options, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
          say: Callable[[str], None] = print) -> int:
    """Serve until Ctrl-C or SIGTERM; returns the exit code (0)."""
    if not 0 <= port <= 65535:
        raise UsageError(f"--port 应在 0–65535 之间，而不是 {port}")
    try:
        server = make_server(options, host, port, threads)
    except OSError as exc:
        raise UsageError(f"无法在 {host}:{port} 上启动服务（{exc.strerror or exc}）：端口可能已被占用，请换一个 --port") from None

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, stop)
    shown = f"[{host}]" if ":" in host else host
    say(f"报送服务已启动：http://{shown}:{server.effective_port}/")
    say(f"数据文件夹：{options.data}；数据库：{'PostgreSQL' if options.database else 'SQLite（数据文件夹中）'}")
    from xlreport.server.desk.service import reporting_year

    year = reporting_year()
    say(f"收取 {year} 年度的报告（{'--year 指定' if options.year else '按今天的日期；要收取其他年度请用 --year'}）")
    if host not in LOOPBACK:
        say("注意：服务对网络开放，请确保只在政务外网内可访问，并通过 HTTPS 反向代理提供给各单位")
    say("按 Ctrl-C 停止服务")
    sys.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        from xlreport.server.desk.jobs import stop_worker

        stop_worker()
        from django.db import connections

        connections.close_all()
    say("报送服务已停止")
    return 0


def backup(options: Options, target: Path) -> list[str]:
    """A consistent copy of the data folder while the service runs: the SQLite database through
    its online backup (a snapshot), then the stored files (every file a row names was written
    before its row, so the snapshot's files are all there). Returns what was done, in Chinese."""
    data = options.data
    if target.exists() and any(target.iterdir()):
        raise OutputError(f"备份文件夹“{target}”不是空的；请给出一个新的文件夹（备份不会覆盖已有文件）")
    if target.resolve() == data.resolve() or data.resolve() in target.resolve().parents:
        raise OutputError("备份文件夹不能在数据文件夹之内；请放到另一块磁盘或另一个文件夹")
    if not (data / "secret_key").exists():
        raise UsageError(f"“{data}”不是报送服务的数据文件夹（其中没有 secret_key）；请用 --data 指定")
    target.mkdir(parents=True, exist_ok=True)
    done = []
    if not options.database:
        source = sqlite3.connect(data / SQLITE_NAME)
        private(target / SQLITE_NAME)
        copy = sqlite3.connect(target / SQLITE_NAME)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        done.append(f"数据库已备份：{target / SQLITE_NAME}")
    else:
        done.append("数据库在 PostgreSQL 中：请另用 pg_dump 备份（见 docs/server.md）；已备份上传的文件和密钥")
    shutil.copy2(data / "secret_key", target / "secret_key")
    count = 0
    for path in sorted((data / "files").rglob("*")):
        if path.is_file() and not path.name.startswith(".part-"):
            out = target / path.relative_to(data)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, out)
            count += 1
    (target / "tmp").mkdir(exist_ok=True)
    done.append(f"上传的文件已备份：{count} 个")
    return done

