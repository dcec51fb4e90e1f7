"""Many files at once: which files a folder holds (every one checked or listed with its
reason), and running one function over them in a process pool that nothing outlives.

Used by `xlreport.api.check_files` and by the audit. The function given to `run_many`
must be a top-level function (it is sent to the worker processes) and return plain data.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence, TypeVar

from xlreport.io.files import IGNORED_WHAT, READABLE, Found, not_readable_reason, walk

T = TypeVar("T")

MAX_WORKERS = 8  # more processes than this only wait on the disk
POOL_FROM = 16  # smaller batches run in this process: a pool costs more than it saves


def find_reports(names: Sequence[str | os.PathLike]) -> Found:
    """Every path to report on, in order: files as given, folders walked (files.walk).
    Entries with a reason are not read; a folder with nothing to read is one such entry."""
    out = Found()
    for name in (os.fspath(n) for n in names):
        if os.path.isdir(name):
            found = walk(name)
            out.ignored += found.ignored
            skipped = f"（另有 {found.ignored} 个文件按约定不检查：{IGNORED_WHAT}）" if found.ignored else ""
            out.entries += found.entries or [(name, f"“{name}”是一个文件夹，其中没有可检查的数据文件（.json）、"
                                                    f"工作簿（.xlsx/.xlsm）或已发布的报告{skipped}")]
        elif os.path.isfile(name) and Path(name).suffix.lower() not in READABLE:
            out.entries.append((name, not_readable_reason(name)))
        else:  # a report file, or a path that does not exist: the reader says so
            out.entries.append((name, None))
    return out


def find_published(names: Sequence[str | os.PathLike]) -> Found:
    """As find_reports, for `import`: a file that is not a published report (a workbook, a data
    file) gets its reason."""
    from xlreport.io.files import PUBLISHED

    found = find_reports(names)
    found.entries = [(name, _not_published(name) if os.path.isfile(name) and Path(name).suffix.lower() not in
                      (*PUBLISHED, *KEEP_REASON) else why) for name, why in found.entries]
    return found


KEEP_REASON = (".ofd",)  # its own reason says what to do (find the web, Word or PDF version)


def _not_published(name: str) -> str:
    from xlreport.io.files import PUBLISHED, READABLE

    p = Path(name)
    already = "；数据文件和工作簿无需导入，可直接用于 check、render、audit" if p.suffix.lower() in READABLE else ""
    return f"“{p.name}”不是已发布的报告：只能导入 {'、'.join(PUBLISHED)} 文件{already}"


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived during a batch. A BaseException, so that no `except
    Exception` swallows it on its way out; the pool is terminated on the way."""

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


def run_many(work: Callable[[str], T], files: Sequence[str],
             progress: Callable[[int, int], None] | None = None) -> list[T]:
    """`work(file)` for every file, results in order; large batches use up to MAX_WORKERS
    processes. However the batch ends — done, an exception, Ctrl-C, SIGTERM or SIGHUP
    (raised as Stopped) — no worker outlives it."""
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
