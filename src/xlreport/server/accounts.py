"""`xlreport accounts`: one account per roster unit and the reviewers' accounts, written to 账号.xlsx.

A later run adds the units new on the roster and never changes an existing password;
`--reset UNIT` issues a new one. Passwords are random, shown only in 账号.xlsx, stored hashed
(Django's salted PBKDF2).
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from xlreport.errors import OutputError, UsageError
from xlreport.server.config import Options, migrate, setup

ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I
REVIEWER_UNIT = "政务公开办（审核）"
KEPT = "（已有账号，密码未变）"


def new_password(length: int = 12) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


@dataclass
class Row:
    unit: str
    username: str
    password: str  # the initial password, or KEPT


def _account(username: str, role: str, unit, rows: list[Row], label: str, staff: bool = False) -> None:
    from django.contrib.auth.models import User

    from xlreport.server.desk.models import Account, Action

    user = User.objects.filter(username=username).first()
    if user is not None:
        rows.append(Row(label, username, KEPT))
        return
    password = new_password()
    user = User.objects.create_user(username=username, password=password, is_staff=staff, is_superuser=staff)
    Account.objects.create(user=user, role=role, unit=unit)
    Action.objects.create(username=username, unit=unit, verb="account-created", detail=label)
    rows.append(Row(label, username, password))


def unit_username(number: int) -> str:
    return f"dw{number:04d}"


def make_accounts(options: Options, roster: Sequence[str], reviewers: Sequence[str] = (),
                  admins: Sequence[str] = (), reset: Sequence[str] = ()) -> list[Row]:
    """Create what is missing, reset what is asked; the rows of 账号.xlsx in roster order."""
    setup(options)
    migrate()
    from django.db import transaction

    from xlreport.server.desk.models import Account, Action, Unit

    rows: list[Row] = []
    with transaction.atomic():
        for name in reset:
            account = Account.objects.select_related("user").filter(unit__name=name, role=Account.UNIT).first() \
                or Account.objects.select_related("user").filter(user__username=name).first()
            if account is None:
                raise UsageError(f"--reset：没有“{name}”这个单位或用户名的账号；请核对名称（应与名单一致）")
        for name in roster:
            unit, _ = Unit.objects.get_or_create(name=name)
            username = unit_username(unit.pk)
            _account(username, Account.UNIT, unit, rows, name)
        for name in reviewers:
            _account(name, Account.REVIEWER, None, rows, REVIEWER_UNIT)
        for name in admins:
            _account(name, Account.REVIEWER, None, rows, REVIEWER_UNIT + "（管理后台）", staff=True)
        for name in reset:
            account = Account.objects.select_related("user", "unit").filter(unit__name=name, role=Account.UNIT).first() \
                or Account.objects.select_related("user", "unit").get(user__username=name)
            password = new_password()
            account.user.set_password(password)
            account.user.save()
            label = account.unit.name if account.unit else REVIEWER_UNIT
            Action.objects.create(username=account.user.username, unit=account.unit, verb="password-reset", detail=label)
            for row in rows:
                if row.username == account.user.username:
                    row.password = password
                    break
            else:
                rows.append(Row(label, account.user.username, password))
    return rows


def write_sheet(rows: list[Row], output: Path, force: bool = False) -> Path:
    """账号.xlsx: 单位, 用户名, 初始密码 (atomically; never over an existing file without force)."""
    import xlsxwriter

    from xlreport.server.storage import replace_atomic, write_atomic

    if output.suffix.lower() != ".xlsx":
        raise OutputError(f"账号表应以 .xlsx 结尾，而不是“{output.name}”")
    if output.exists() and not force:
        raise OutputError(f"“{output}”已存在；加 --force 覆盖，或换一个文件名（其中的密码只在这个文件里）")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("账号")
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    for col, (title, width) in enumerate((("单位", 40), ("用户名", 14), ("初始密码", 24))):
        sheet.write_string(0, col, title, bold)
        sheet.set_column(col, col, width, text)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate((row.unit, row.username, row.password)):
            sheet.write_string(r, col, value)
    sheet.freeze_panes(1, 0)
    book.close()
    (replace_atomic if force else write_atomic)(output, buffer.getvalue())
    return output


def import_previous(options: Options, folder: Path, year: int):
    """`xlreport accounts --import FOLDER --year Y`: last year's published reports loaded for the
    units they name (server.desk.review.import_folder); what was loaded and what not, with why."""
    setup(options)
    migrate()
    from xlreport.server.desk.review import import_folder
    from xlreport.server.desk.service import Refused

    (Path(options.data) / "tmp").mkdir(parents=True, exist_ok=True)
    try:
        return import_folder(folder, year)
    except Refused as exc:
        raise UsageError(exc.message) from None
