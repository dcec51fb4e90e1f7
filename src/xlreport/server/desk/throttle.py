"""Login throttling: 10 wrong passwords for one user name within 15 minutes lock it for 15 minutes.

While locked, no password is even tried (a right one neither), so guessing gains nothing; the
lock ends by itself, or the office issues a new password (`xlreport accounts --reset`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from xlreport.server.desk.models import LoginThrottle

LIMIT = 10
WINDOW = datetime.timedelta(minutes=15)
LOCK = datetime.timedelta(minutes=15)


def now() -> datetime.datetime:
    """The clock (tests move it)."""
    return timezone.now()


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def locked_message(until: datetime.datetime) -> str:
    return (f"密码连续输错 {LIMIT} 次，账号已锁定 15 分钟，请于 {_local(until)} 后再试；"
            f"忘记密码请联系政务公开办重置")


def locked_until(username: str) -> datetime.datetime | None:
    """When the lock of `username` ends, or None when it may log in."""
    row = LoginThrottle.objects.filter(username=username).first()
    if row is not None and row.locked_until is not None and row.locked_until > now():
        return row.locked_until
    return None


def failed(username: str) -> tuple[int, datetime.datetime | None]:
    """Record a wrong password: (tries left before the lock, the lock's end when it is now locked)."""
    moment = now()
    with transaction.atomic():
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username[:150])
        if row.window_start is None or moment - row.window_start > WINDOW:
            row.failures, row.window_start = 0, moment
        row.failures += 1
        until = None
        if row.failures >= LIMIT:
            row.locked_until = until = moment + LOCK
            row.failures, row.window_start = 0, None
        row.save()
        return LIMIT - row.failures if until is None else 0, until


def succeeded(username: str) -> None:
    LoginThrottle.objects.filter(username=username).update(failures=0, window_start=None, locked_until=None)
