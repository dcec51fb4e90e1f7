"""The Django settings, built in code at start from the data folder and the database URL.

There is no settings module to edit: `setup(data, database, …)` configures Django once per
process. SQLite in the data folder is the default (WAL mode, full sync, writers queued with
BEGIN IMMEDIATE); `postgresql://user:password@host:port/name` uses PostgreSQL through
psycopg 3 (also the route to PostgreSQL-compatible databases such as KingbaseES).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from xlreport.errors import UsageError

PASSWORD_HASHERS = [  # the names only: server/hashers.py imports Django, which setup() configures first
    "xlreport.server.hashers.DeskArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # accounts made before 0.2's Argon2id
]

DEFAULT_DATA = "xlreport-data"
DEFAULT_UPLOAD_LIMIT = 50 * 1024 * 1024  # bytes (docs/server.md)
IMPORT_FILES = 500  # files one import of last year's reports may carry (docs/server.md)
ENVELOPE = 64 * 1024 * 1024  # waitress's margin over the largest body a form sends (multipart headers)
SESSION_HOURS = 8  # a session ends after 8 hours, or when the browser is closed
SQLITE_NAME = "xlreport.sqlite3"


def import_limit(upload_limit: int) -> int:
    """The most one import of last year's reports may carry in all (each file at most `upload_limit`)."""
    return 4 * upload_limit


def body_limit(upload_limit: int) -> int:
    """The largest request body waitress takes; beyond it waitress answers by itself, in English, so
    every form checks its files against the limits above first (in the page and in the view)."""
    return import_limit(upload_limit) + ENVELOPE


@dataclass(frozen=True)
class Options:
    """What `xlreport serve` / `accounts` were told: the data folder and the database."""

    data: Path
    database: str | None = None  # None: SQLite in the data folder
    upload_limit: int = DEFAULT_UPLOAD_LIMIT
    year: int | None = None  # the reporting year shown to the units; None: from today's date
    https: bool = False  # behind the office's HTTPS reverse proxy on this machine: secure cookies
    origins: tuple[str, ...] = ()  # the addresses people type (for the CSRF origin check behind a proxy)


def database_settings(options: Options) -> dict[str, Any]:
    """Django's DATABASES["default"] for SQLite in the data folder or a postgresql:// URL."""
    if not options.database:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(options.data / SQLITE_NAME),
            "OPTIONS": {
                # WAL: readers never wait for the writer, and a committed row survives kill -9.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                "transaction_mode": "IMMEDIATE",  # writers queue instead of failing with 'database is locked'
                "timeout": 30,
            },
        }
    url = urlsplit(options.database)
    if url.scheme not in ("postgresql", "postgres"):
        raise UsageError(f"--database 应是 postgresql://用户名:密码@主机:端口/数据库名，而不是“{options.database}”；"
                         f"不写 --database 则使用数据文件夹中的 SQLite")
    name = unquote(url.path.lstrip("/"))
    if not name:
        raise UsageError("--database 中缺少数据库名：应为 postgresql://用户名:密码@主机:端口/数据库名")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": url.hostname or "",
        "PORT": str(url.port or ""),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"connect_timeout": 10},
    }


def secret_key(data: Path) -> str:
    """The key that signs sessions and CSRF tokens: made once, kept in the data folder (owner only)."""
    path = data / "secret_key"
    if path.exists():
        return path.read_text("ascii").strip()
    from xlreport.server.storage import write_atomic

    key = secrets.token_urlsafe(48)
    write_atomic(path, key.encode("ascii"), mode=0o600)
    return path.read_text("ascii").strip()  # another process may have won the race: use what is there


def build_settings(options: Options) -> dict[str, Any]:
    """Every Django setting the desk needs, as keyword arguments of settings.configure."""
    Path(__file__).parent
    return {
        "DEBUG": False,
        "SECRET_KEY": secret_key(options.data),
        "ALLOWED_HOSTS": ["*"],  # an intranet service reached by IP or any name; the proxy filters hosts
        "INSTALLED_APPS": [
            "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
            "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
            "xlreport.server.desk.apps.DeskConfig",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        "ROOT_URLCONF": "xlreport.server.urls",
        "TEMPLATES": [{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]},
        }],
        "DATABASES": {"default": database_settings(options)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "PASSWORD_HASHERS": PASSWORD_HASHERS,  # Argon2id (server/hashers.py)
        "LANGUAGE_CODE": "zh-hans",
        "USE_I18N": True,
        "TIME_ZONE": "Asia/Shanghai",
        "USE_TZ": True,
        "STATIC_URL": "/static/",
        "STATIC_ROOT": None,
        "WHITENOISE_USE_FINDERS": True,  # the app's static files served as installed, no collectstatic
        "LOGIN_URL": "/login/",
        "SESSION_COOKIE_AGE": SESSION_HOURS * 3600,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": options.https,
        "CSRF_COOKIE_SECURE": options.https,
        "CSRF_TRUSTED_ORIGINS": list(options.origins),
        "CSRF_FAILURE_VIEW": "xlreport.server.desk.errors.csrf_failure",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        # Uploads over 2.5 MB go to a temporary file; the limit itself is checked by the view.
        "FILE_UPLOAD_TEMP_DIR": str(options.data / "tmp"),
        "FILE_UPLOAD_PERMISSIONS": 0o600,
        "XLREPORT_DATA": options.data,
        "XLREPORT_UPLOAD_LIMIT": options.upload_limit,
        "DATA_UPLOAD_MAX_NUMBER_FILES": IMPORT_FILES,
        "XLREPORT_YEAR": options.year,
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"console": {"class": "logging.StreamHandler"}},
            "loggers": {
                "django": {"handlers": ["console"], "level": "ERROR"},
                "xlreport.server": {"handlers": ["console"], "level": "ERROR"},
                # "Task queue depth is N": requests waiting for a thread, normal under a burst
                "waitress.queue": {"handlers": ["console"], "level": "ERROR", "propagate": False},
            },
        },
    }


_configured: Options | None = None


def setup(options: Options) -> None:
    """Configure Django for `options` (once per process) and create the data folder."""
    global _configured
    import django
    from django.conf import settings

    if _configured is not None:
        if _configured != options:
            raise RuntimeError("the desk is already configured in this process with other options")
        return
    database_settings(options)  # a wrong --database is refused before anything is created
    data = options.data
    if data.exists() and not data.is_dir():
        raise UsageError(f"数据文件夹“{data}”是一个文件，不是文件夹；请用 --data 给出一个文件夹")
    for sub in ("", "files", "tmp"):
        (data / sub).mkdir(parents=True, exist_ok=True)
    if not options.database:
        private(data / SQLITE_NAME)
    settings.configure(**build_settings(options))
    django.setup()
    _configured = options


def private(path: Path) -> None:
    """The SQLite file readable by the service's user alone, like the secret key: it holds the
    password hashes and every report. SQLite gives its -wal and -shm files the same mode. An
    empty file is an empty database."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if os.name != "nt":  # on Windows the folder's ACL decides; chmod there only sets read-only
        os.chmod(path, 0o600)


def migrate() -> None:
    """Create or update the tables (run at every start; nothing to do when up to date)."""
    from django.core.management import call_command
    from django.db.utils import OperationalError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except OperationalError as exc:  # PostgreSQL unreachable, wrong password, a locked or read-only SQLite file
        where = "PostgreSQL 数据库" if _configured and _configured.database else "数据文件夹中的 SQLite 数据库"
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"无法打开{where}（{detail}）；请检查 --database 的地址、用户名和密码，"
                         f"以及数据库服务是否已启动、数据文件夹是否可写") from None


def data_folder(value: str | os.PathLike | None) -> Path:
    """--data as an absolute folder (default ./xlreport-data)."""
    return Path(value or DEFAULT_DATA).resolve()
