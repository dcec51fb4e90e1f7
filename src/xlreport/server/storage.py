"""Uploaded files, stored once each by content hash in the data folder.

`files/ab/abcdef….xlsx`: the SHA-256 of the bytes names the file, so the same upload twice is
stored once and a stored file is never overwritten. Every file is written to a temporary file
in the same folder, flushed to disk (fsync), then renamed into place, and the folder entry is
flushed too — all before the database row that names it is committed. A `kill -9` at any
moment therefore leaves either no row, or a row whose file is complete.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterable

CHUNK = 1024 * 1024


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder; NTFS journals the rename itself
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_chunks(path: Path, chunks: Iterable[bytes], mode: int = 0o600, replace: bool = False) -> None:
    """Write `chunks` to `path` atomically: a temporary file in the same folder, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".part-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if os.name != "nt":  # (a read-only file could not be removed on Windows)
            os.chmod(tmp, mode)
        if replace:
            os.replace(tmp, path)
        elif os.name == "nt":
            try:
                os.rename(tmp, path)  # Windows refuses to rename over an existing file
            except FileExistsError:  # content-addressed: it is the same bytes
                os.unlink(tmp)
        else:
            try:
                os.link(tmp, path)  # never over an existing file
            except FileExistsError:
                pass
            os.unlink(tmp)
        _fsync_dir(path.parent)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_atomic(path: Path, content: bytes, mode: int = 0o600) -> None:
    """A small file (the secret key, 账号.xlsx) written atomically; an existing file is kept."""
    _write_chunks(path, [content], mode)


def replace_atomic(path: Path, content: bytes, mode: int = 0o600) -> None:
    """Write `path` atomically, replacing it if it exists (used with --force only)."""
    _write_chunks(path, [content], mode, replace=True)


def sha256_of(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def blob_path(root: Path, sha: str, suffix: str) -> Path:
    """Where the file of hash `sha` lives (its suffix tells the readers what it is)."""
    return root / "files" / sha[:2] / f"{sha}{suffix}"


def store(root: Path, source: Path, sha: str, suffix: str) -> Path:
    """Copy `source` (already hashed: `sha`) into the store, durably; returns its stored path.
    A file already stored under that hash is kept as it is."""
    target = blob_path(root, sha, suffix)
    if target.exists():
        return target
    with open(source, "rb") as src:
        _write_chunks(target, iter(lambda: src.read(CHUNK), b""), mode=0o400)
    return target


def store_bytes(root: Path, content: bytes, suffix: str) -> tuple[str, Path]:
    """Keep `content` (a result the desk made) in the store, durably: its hash and stored path."""
    sha = hashlib.sha256(content).hexdigest()
    target = blob_path(root, sha, suffix)
    if not target.exists():
        _write_chunks(target, [content], mode=0o400)
    return sha, target


def sweep(root: Path, older_than: float = 3600) -> int:
    """Remove what a killed process left behind: temporary uploads (tmp/) and half-written
    files (files/**/.part-*) older than an hour. Returns how many were removed."""
    import shutil
    import time

    limit = time.time() - older_than
    removed = 0
    leftovers = [*(root / "tmp").glob("*"), *(root / "files").glob("*/.part-*")]
    for path in leftovers:
        try:
            if path.lstat().st_mtime >= limit:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed += 1
        except OSError:
            pass
    return removed
