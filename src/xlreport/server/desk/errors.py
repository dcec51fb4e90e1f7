"""Refusals in Chinese: the CSRF failure and the 400/403/404/500 answers, JSON under /api/, pages elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from xlreport.server.desk.access import refusal

MESSAGES = {
    400: "请求有误，请返回上一页重试",
    403: "没有权限访问这个页面",
    404: "没有这个页面：地址有误，或这份报告不是本单位的",
    500: "服务器内部错误，请稍后重试；如果反复出现，请联系政务公开办",
}
CSRF = "页面已过期或缺少安全令牌（CSRF），请刷新页面后重试；程序调用请在 X-CSRFToken 请求头中带上 csrftoken"


def _answer(request: HttpRequest, status: int, message: str, code: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return refusal(status, message, code)
    from django.template import loader

    try:
        page = loader.render_to_string("desk/error.html", {"status_code": status, "message": message})
    except Exception:  # the 500 page must not fail in turn
        page = f"<!doctype html><meta charset=utf-8><title>出错了</title><p>{message}</p>"
    return HttpResponse(page, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _answer(request, 403, CSRF, "csrf")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.core.exceptions import TooManyFilesSent

    if isinstance(exception, TooManyFilesSent):  # the CSRF check reads the form before the view does
        from xlreport.server.desk.endpoints import too_many_files

        refused = too_many_files()
        return _answer(request, refused.status, refused.message, refused.code)
    return _answer(request, 400, MESSAGES[400], "bad-request")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 403, MESSAGES[403], "forbidden")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 404, MESSAGES[404], "not-found")


def server_error(request: HttpRequest) -> HttpResponse:
    return _answer(request, 500, MESSAGES[500], "internal")
