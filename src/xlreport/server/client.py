"""A small client of the desk's HTTP API (standard library only): a session cookie, the CSRF
token, JSON and multipart uploads. Used by the tests, bench/serve.py and scripts:

    from xlreport.server.client import Client
    c = Client("http://127.0.0.1:8000")
    c.login("dw0001", "…")
    answer = c.upload("2024年报表.xlsx")
    print(answer.status, answer.json()["errors"])
"""

from __future__ import annotations

import http.cookiejar
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def server_ms(self) -> float | None:
        """The server's own time for the request (its Server-Timing header)."""
        value = self.headers.get("server-timing", "")
        return float(value.split("dur=")[1]) if "dur=" in value else None


class Client:
    def __init__(self, base: str, timeout: float = 120):
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies),
                                                  _NoRedirect())

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None,
                csrf: bool = True, headers: dict[str, str] | None = None) -> Answer:
        headers = dict(headers or {})
        if content_type:
            headers["Content-Type"] = content_type
        if method != "GET" and csrf:
            if self.cookie("csrftoken") is None:
                self.request("GET", "/api/csrf")
            headers["X-CSRFToken"] = self.cookie("csrftoken") or ""
            headers.setdefault("Referer", self.base + "/")
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                return Answer(response.status, response.read(), {k.lower(): v for k, v in response.headers.items()})
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read(), {k.lower(): v for k, v in exc.headers.items()})

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post_json(self, path: str, data: Any = None, csrf: bool = True) -> Answer:
        return self.request("POST", path, json.dumps(data or {}).encode("utf-8"), "application/json", csrf=csrf)

    def login(self, username: str, password: str) -> Answer:
        return self.post_json("/api/login", {"username": username, "password": password})

    def upload(self, path: str | Path | None = None, content: bytes | None = None, filename: str | None = None,
               csrf: bool = True) -> Answer:
        """POST /api/reports with the file as multipart field `file`."""
        if content is None:
            content = Path(path or "").read_bytes()
        name = filename or Path(path or "upload.bin").name
        boundary = "----xlreport" + secrets.token_hex(12)
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode("utf-8")
        body = head + content + f"\r\n--{boundary}--\r\n".encode("ascii")
        return self.request("POST", "/api/reports", body, f"multipart/form-data; boundary={boundary}", csrf=csrf)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # the pages' redirects are answers too
        return None
