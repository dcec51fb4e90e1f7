"""The Word report: `xlreport render FILE -o OUT.docx [--template T.docx] [--force]`.

A docxtpl (Jinja2) template is filled with the context of context.py. The
default template is `templates/report.docx`, generated from the format
declarations by `tools/make_docx_template.py` (see tools/word_template.py).
A custom template is linted first (lint.py). The PDF is pdf.py's.

One template, both versions
    The template holds both versions: parts that differ (tables 二 and 三) sit
    in `{%p if fmt == "2019" %}` … `{%p elif fmt == "2021" %}` … `{%p endif %}`
    blocks, everything else is written once. A clerk who restyles the report
    (organisation header, signature block, fonts) does it once, and a report
    of either year comes out the same way. See tools/word_template.py.

User text is data, never template code: the template is rendered in the
sandbox of sandbox.py (limits on sizes, range and time; no other files, no
unescaped output) with autoescape and StrictUndefined (engine.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlreport.errors import OutputError, TemplateError
from xlreport.io.files import check_target, write_atomic
from xlreport.model.spec import ReportFormat
from xlreport.report.context import make_context
from xlreport.report.engine import environment, open_template
from xlreport.report.lint import lint, syntax_message, where

__all__ = ["RenderResult", "render_report", "default_template"]


@dataclass
class RenderResult:
    """Where the report was written, and the warnings of the rendering (Chinese)."""

    path: Path
    warnings: list[str] = field(default_factory=list)

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)


def default_template() -> Path:
    """templates/report.docx, shipped as xlreport.templates (repo path while not installed)."""
    try:
        from importlib.resources import files

        candidate = files("xlreport.templates") / "report.docx"
        if candidate.is_file():
            return Path(str(candidate))
    except (ImportError, ModuleNotFoundError, TypeError, FileNotFoundError, NotADirectoryError):
        pass
    return Path(__file__).resolve().parents[3] / "templates" / "report.docx"


def render_report(data: dict[str, Any], fmt: ReportFormat, output: str | os.PathLike,
                  template: str | os.PathLike | None = None, force: bool = False,
                  numbers: dict[str, float | int | None] | None = None) -> RenderResult:
    """Render the Word report of `data` to `output` (atomically; no overwrite without force).

    A custom `template` is linted first: unknown variables or template syntax
    errors raise InputError with a Chinese one-liner. Returns the path and the
    warnings (e.g. control characters that were removed). `numbers`: the figures the
    check computed (`CheckResult.numbers`), else computed here.
    """
    target = Path(output)
    if target.suffix.lower() != ".docx":
        raise OutputError(f"输出文件“{target.name}”应以 .docx（Word 文档）或 .html（网页）结尾")
    check_target(target, force)
    custom = template is not None
    template_path = Path(template) if template is not None else default_template()
    if not custom and not template_path.exists():
        raise TemplateError(f"找不到内置的 Word 模板“{template_path}”，请重新安装 xlreport")
    tpl = open_template(template_path)
    if custom:
        unknown = lint(tpl, template_path.name)
        if unknown:
            names = "、".join(f"{{{{ {d} }}}}" for d, _ in unknown)
            raise TemplateError(f"模板“{template_path.name}”中有不存在的变量：{names}，未生成报告"
                             f"（请核对拼写，可用的变量见 xlreport 的说明文档 docs/word-report.md 中“Template variables”一节；xlreport 只检查不改动模板）")
    context, warnings = make_context(data, fmt, numbers)
    _render(tpl, context, template_path.name, fmt.version, custom)
    _properties(tpl.docx, context)
    path = write_atomic(target, tpl.save, force)
    return RenderResult(path, warnings)


# What a template's own code can raise while it runs, said in Chinese (the first match counts).
RUNTIME_ERRORS = (
    (ZeroDivisionError, "除数为 0"),
    (RecursionError, "宏调用自身，无限嵌套"),
    (MemoryError, "内存不足"),
    (OverflowError, "数值过大"),
    (TypeError, "数据类型不匹配（例如文字与数字相加，或对文字做算术）"),
    (ValueError, "数值无效"),
    (ArithmeticError, "计算出错"),
    (AssertionError, "参数不合要求（例如长度或个数为负数）"),
    (LookupError, "找不到该项，或序号超出范围"),
    (AttributeError, "没有这一项"),
)
# Jinja's English messages of a template that runs, said in Chinese (no match: the fallback given)
JINJA_RUNTIME = (
    (r"'([^']+)' is undefined", "“{0}”未定义"),
    (r".*has no attribute '([^']+)'", "没有“{0}”这一项"),
    (r".*has no element (\S+)", "没有第 {0} 项"),
    (r"access to attribute '([^']+)' of .*", "不允许访问内部属性“{0}”"),
)


def _runtime_detail(message: str | None, fallback: str) -> str:
    import re

    for pattern, chinese in JINJA_RUNTIME:
        m = re.match(pattern, message or "", re.S)
        if m:
            return chinese.format(*m.groups())
    return fallback


def _template_line(exc: BaseException) -> int | None:
    """The line of the template's own code where `exc` arose (None: not in template code)."""
    from xlreport.report.sandbox import TEMPLATE_FILE

    lineno = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == TEMPLATE_FILE:
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _render(tpl, context: dict[str, Any], name: str, version: str, custom: bool = True) -> None:
    """Render `tpl` (in place); every problem of the template becomes an InputError in Chinese.

    A custom template's rendering is limited in time (sandbox.TIME_LIMIT); sizes are
    limited for every template (sandbox.py)."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    from xlreport.report import sandbox

    try:
        with sandbox.time_limit(sandbox.TIME_LIMIT if custom else None):
            tpl.render(context, environment(), autoescape=True)
    except TemplateSyntaxError as exc:
        raise TemplateError(syntax_message(exc, name)) from None
    except Exception as exc:
        near = where(getattr(exc, "xlreport_source", None), getattr(exc, "lineno", None) or _template_line(exc))
        if isinstance(exc, UndefinedError):
            detail = _runtime_detail(exc.message, "不存在的变量或项目")
            raise TemplateError(f"模板“{name}”用到了 {version} 版格式没有的内容（{detail}）{near}，未生成报告；"
                             f"只属于某一版格式的部分请用 {{% if fmt == \"2021\" %}} … {{% endif %}} 括起来") from None
        if isinstance(exc, sandbox.Refused):
            raise TemplateError(f"模板“{name}”无法生成报告：{exc.reason}{near}，未生成报告") from None
        if isinstance(exc, SecurityError):
            raise TemplateError(f"模板“{name}”中有不允许的表达式（{_runtime_detail(str(exc), '不安全的操作')}）{near}，"
                                f"未生成报告") from None
        if isinstance(exc, JinjaError):
            raise TemplateError(f"模板“{name}”无法生成报告（{_runtime_detail(str(exc), '模板标记的用法有误')}）{near}") from None
        if _template_line(exc) is None:
            raise  # not the template's doing: a bug, reported as such by the CLI
        what = next((text for kind, text in RUNTIME_ERRORS if isinstance(exc, kind)), "程序出错")
        raise TemplateError(f"模板“{name}”中的模板标记运行出错：{what}{near}，未生成报告；"
                         f"请检查该处 {{{{ }}}} 和 {{% %}} 中的计算") from None


CORE_PROPERTY_MAX = 255  # characters python-docx accepts in a core property (the text keeps the name whole)


def _property(value: Any) -> str:
    """`value` as a core property: cut to CORE_PROPERTY_MAX characters, the cut marked with …"""
    text = "" if value is None else str(value)
    return text if len(text) <= CORE_PROPERTY_MAX else text[:CORE_PROPERTY_MAX - 1] + "…"


def _properties(doc, context: dict[str, Any]) -> None:
    """The finished report's document properties (docProps/core.xml; LibreOffice
    carries title and author into the PDF): its title, the agency as author, the
    time of rendering — nothing left of the template's description or date."""
    import datetime as dt

    props = doc.core_properties
    agency = _property(context["meta"]["agency"])
    props.title = _property(context["title"])
    props.author = props.last_modified_by = agency
    props.created = props.modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.comments = props.keywords = props.subject = props.category = ""
    props.revision = 1
