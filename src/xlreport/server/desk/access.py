"""Who may do what: the logged-in account, its role, its unit's reports; JSON answers and refusals.

A unit sees and acts on its own reports only (another unit's id: 404, as if it did not exist);
a unit never reaches a reviewer's endpoint (403).
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any, Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from xlreport.server.desk.models import Account, Report
from xlreport.server.desk.service import Refused

log = logging.getLogger("xlreport.server")

NOT_LOGGED_IN = "请先登录（登录已过期或尚未登录）"
NOT_YOURS = "没有这份报告：编号不存在，或不是本单位的报告"
REVIEWERS_ONLY = "只有政务公开办的审核人员可以使用这项功能"
UNITS_ONLY = "只有填报单位的账号可以使用这项功能"


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def account_of(request: HttpRequest) -> Account | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return Account.objects.select_related("unit").filter(user=user).first()


def refusal(status: int, message: str, code: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, "code": code, **extra}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def answer(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def endpoint(methods: tuple[str, ...], role: str | None = None, login: bool = True) -> Callable:
    """An API view: its methods (405 otherwise), login (401), role (403); `Refused` and any
    unexpected error become a JSON answer with a Chinese message, and the service stays up."""

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            started = time.perf_counter()
            if request.method not in methods:
                return refusal(405, f"这个地址只接受 {'、'.join(methods)} 请求", "method")
            account = None
            if login:
                account = account_of(request)
                if account is None:
                    return refusal(401, NOT_LOGGED_IN, "login")
                if role is not None and account.role != role:
                    return refusal(403, REVIEWERS_ONLY if role == Account.REVIEWER else UNITS_ONLY, "forbidden")
            try:
                response = view(request, account, *args, **kwargs) if login else view(request, *args, **kwargs)
            except Refused as exc:
                response = refusal(exc.status, exc.message, exc.code, **exc.extra)
            except Exception:  # a bug: logged with its traceback; the clerk gets one Chinese line
                log.exception("internal error in %s", request.path)
                response = refusal(500, "服务器内部错误，请稍后重试；如果反复出现，请联系政务公开办", "internal")
            response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
            return response

        return run

    return wrap


def own_report(account: Account, report_id: int) -> Report:
    """A report the account may see: its unit's (any version), or any for a reviewer."""
    reports = Report.objects.select_related("unit", "file", "uploaded_by")
    if account.role != Account.REVIEWER:
        reports = reports.filter(unit=account.unit)
    found = reports.filter(pk=report_id).first()
    if found is None:
        raise Refused(404, NOT_YOURS, "not-found")
    return found
