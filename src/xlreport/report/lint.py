"""Checking a clerk's own Word template before it is used: `xlreport lint-template`, and
`render --template` (which refuses a template that fails these checks).

* syntax errors of the template markup, said in Chinese with the text near the
  error (`syntax_message`, `where`; docx.py uses them for errors while rendering);
* what a template must not do: other files, unescaped output (see sandbox.py);
* variables that no version's context has (compared with the context of an
  empty report of every format, context.py), with the closest existing name.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from xlreport.errors import TemplateError
from xlreport.report.context import build_context
from xlreport.report.engine import environment, open_template, template_source

__all__ = ["lint_template", "lint", "syntax_message", "where"]


JINJA_ERRORS = (  # Jinja's English messages, said in Chinese
    (r"Unexpected end of template.*?expected '(\w+)'", "缺少结束标记 {{% {0} %}}"),
    (r"[Uu]nexpected end of template.*", "模板结尾缺少结束标记（如 {{% endif %}}、{{% endfor %}}）"),
    (r"Encountered unknown tag '(\w+)'.*", "不认识的标记“{0}”（可能缺少与之配对的开始标记，或拼错了）"),
    (r"expected token '([^']+)', got '([^']+)'", "标记中出现了多余的“{1}”"),
    (r"unexpected '([^']+)'", "标记中出现了多余的“{0}”"),
    (r"expected name or number", "“.”后面缺少变量名"),
    (r"No filter named '(\w+)'", "不认识的过滤器“|{0}”"),
    (r"No test named '(\w+)'", "不认识的判断“is {0}”"),
)


def _chinese_detail(detail: str) -> str:
    for pattern, chinese in JINJA_ERRORS:
        m = re.match(pattern, detail, re.S)
        if m:
            return chinese.format(*m.groups())
    return "标记不完整或拼写有误"


def _near(source: str | None, lineno: int | None) -> str:
    """「，出错位置附近的文字：“…”」: the text of the paragraph on line `lineno` of `source`."""
    import html

    if not source or not lineno:
        return ""
    lines = source.splitlines()
    for i in (lineno - 1, lineno - 2, lineno):  # the paragraph of the error, else its neighbours
        if 0 <= i < len(lines):
            text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", lines[i]))).strip()
            if text:
                return f"，出错位置附近的文字：“{text[:60]}”"
    return ""


def syntax_message(exc, name: str, source: str | None = None) -> str:
    detail = _chinese_detail(getattr(exc, "message", None) or str(exc))
    near = _near(source or getattr(exc, "xlreport_source", None), getattr(exc, "lineno", None))
    return f"模板“{name}”中的模板标记有语法错误（{detail}{near}），请检查 {{{{ }}}} 和 {{% %}} 是否成对、完整"


def _forbidden(ast, name: str, source: str) -> None:
    """Refuse what a Word template must not do: other files, unescaped output (see sandbox.py)."""
    from jinja2 import nodes

    from xlreport.report.sandbox import FORBIDDEN_FILTERS

    found: list[tuple[int, str]] = []
    tags = ((nodes.Include, "{% include %}"), (nodes.Import, "{% import %}"),
            (nodes.FromImport, "{% from … import %}"), (nodes.Extends, "{% extends %}"))
    for node_type, tag in tags:
        found += [(n.lineno, f"的“{tag}”不能使用：模板不能引用其他文件，请把需要的内容直接写在模板中")
                  for n in ast.find_all(node_type)]
    found += [(n.lineno, f"的{FORBIDDEN_FILTERS[n.name]}，不能使用") for n in ast.find_all(nodes.Filter)
              if n.name in FORBIDDEN_FILTERS]
    found += [(n.lineno, "的“{% autoescape %}”不能使用：关闭转义后，文字中的 < 和 & 会损坏文档")
              for n in ast.find_all(nodes.EvalContextModifier) if any(o.key == "autoescape" for o in n.options)]
    if found:
        lineno, reason = min(found)
        raise TemplateError(f"模板“{name}”中{reason}{where(source, lineno)}，未生成报告")


def where(source: str | None, lineno: int | None) -> str:
    """「（出错位置附近的文字：“…”）」, or "" when the paragraph is not known."""
    near = _near(source, lineno)
    return f"（{near.removeprefix('，')}）" if near else ""


@lru_cache(maxsize=None)
def _sample_contexts() -> tuple[dict[str, Any], ...]:
    from xlreport.model.formats import FORMATS

    return tuple(build_context({}, fmt) for fmt in FORMATS.values())


_MISSING = object()


def _lookup(obj: Any, name: str) -> Any:
    """Jinja's attribute lookup: attribute first, then item."""
    if not name.startswith("_"):
        try:
            return getattr(obj, name)
        except AttributeError:
            pass
    try:
        return obj[name]
    except (KeyError, TypeError, IndexError):
        return _MISSING


def _unknown_variables(ast) -> list[tuple[str, list[str]]]:
    """(unknown dotted name, suggestions) for every variable no version's context has."""
    import difflib

    from jinja2 import meta, nodes

    contexts = _sample_contexts()
    top = meta.find_undeclared_variables(ast)
    unknown: dict[str, list[str]] = {}
    for name in sorted(top):
        if not any(name in c for c in contexts):
            keys = sorted({k for c in contexts for k in c})
            unknown[name] = difflib.get_close_matches(name, keys, n=1)
    assigned = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    outer: list[list[str]] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        chain: list[str] = []
        current = node
        dynamic = False
        while isinstance(current, (nodes.Getattr, nodes.Getitem)):
            if isinstance(current, nodes.Getattr):
                chain.append(current.attr)
            elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
                chain.append(current.arg.value)
            else:
                dynamic = True
                break
            current = current.node
        if dynamic or not isinstance(current, nodes.Name):
            continue
        if current.name not in top or current.name in assigned or current.name in unknown:
            continue
        outer.append([current.name, *reversed(chain)])
    for path in outer:
        for depth in range(2, len(path) + 1):
            prefix = path[:depth]
            resolved = False
            options: set[str] = set()
            for c in contexts:
                obj: Any = c
                for part in prefix[:-1]:
                    obj = _lookup(obj, part)
                    if obj is _MISSING:
                        break
                if obj is _MISSING:
                    continue
                if _lookup(obj, prefix[-1]) is not _MISSING:
                    resolved = True
                    break
                if isinstance(obj, dict):
                    options.update(obj)
                elif hasattr(obj, "__dict__"):
                    options.update(k for k in vars(obj) if not k.startswith("_"))
            if not resolved:
                dotted = ".".join(prefix)
                if dotted not in unknown:
                    close = difflib.get_close_matches(prefix[-1], sorted(options), n=1)
                    unknown[dotted] = [".".join([*prefix[:-1], match]) for match in close]
                break
    return sorted(unknown.items())


def lint(tpl, name: str) -> list[tuple[str, list[str]]]:
    from jinja2 import TemplateSyntaxError

    env = environment()
    source = template_source(tpl)
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateError(syntax_message(exc, name, source)) from None
    _forbidden(ast, name, source)
    return _unknown_variables(ast)


def lint_template(path: str | os.PathLike) -> list[str]:
    """Chinese messages for a custom template: one per unknown variable ([] = usable).

    Raises InputError if the file is not a Word document, its template markup
    has a syntax error, or it uses what a Word template may not (other files,
    unescaped output: see sandbox.py).
    """
    p = Path(path)
    tpl = open_template(p)
    messages = []
    for dotted, close in lint(tpl, p.name):
        hint = f"，是否应为“{{{{ {close[0]} }}}}”？" if close else "，请核对拼写"
        messages.append(f"模板“{p.name}”中的变量“{{{{ {dotted} }}}}”不存在{hint}"
                        "（可用的变量见 xlreport 的说明文档 docs/word-report.md 中“Template variables”一节）")
    return messages
