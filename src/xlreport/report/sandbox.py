"""The Jinja environment of the Word templates: a sandbox with limits.

A custom template (`render --template`) is code written by a clerk, and the
report must come out, or a Chinese reason, in bounded time and memory. Jinja's
`ImmutableSandboxedEnvironment` already refuses Python internals and changes
to lists and dicts; on top of it:

* no other files: `{% include %}`, `{% import %}`, `{% extends %}` are refused
  (there is no loader; `lint.lint` names them before rendering);
* no raw XML: the `safe` and `urlize` filters do not exist (everything printed
  is escaped, so nothing can break the document's XML; `{% autoescape false %}`
  is refused by the lint);
* sizes: every value that an operator (`*`, `**`, `+`, `%`, `~`), a filter or a
  method makes is measured by `weight` (characters and items, nested lists
  counted each time they occur, i.e. about the length of its text), before it
  is made wherever it could be huge (`'x' * 10**9`, `10 ** 10**9`,
  `'x'.center(10**9)`, `replace`, `join`, format widths), and after otherwise;
  integers are limited to MAX_BITS; `range` to MAX_RANGE items; a printed value
  and the output of one document part to MAX_OUTPUT characters and MAX_BREAKS line breaks
  (docxtpl's work after rendering grows with their square). So no single
  step allocates much more than MAX_SIZE, and values the template keeps (in a
  `namespace`) cannot grow past it;
* time: a template rendered under `time_limit` stops after that many seconds
  (a trace function watches the template's own code, which is where loops run).
  The limits on printed values and output apply there too, i.e. to custom
  templates only: the built-in template's output is bounded by the data.

Every refusal is a `Refused` with a Chinese reason; docx.py adds the template's
name and the paragraph.
"""

from __future__ import annotations

import contextvars
import functools
import math
import re
import string
import sys
import time
from contextlib import contextmanager
from typing import Any

from jinja2.compiler import CodeGenerator
from jinja2.environment import Template
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_SIZE = 10_000_000  # characters and items of a value the template makes, nested ones included
MAX_RANGE = 10_000  # items of range() (Jinja's own limit is 100,000)
MAX_BITS = 4_000  # an integer of about 1,200 digits; no report needs more
MAX_WIDTH = 1_000  # a width or precision in a format ("%5d", "{:>8}")
MAX_OUTPUT = 20_000_000  # characters of one rendered document part, or one printed value (built-in: ~0.2 MB)
# line breaks in one rendered document part: docxtpl turns each into a Word break after rendering, at a cost
# that grows with the square of their number (1,000,000 took 165 s, outside the time limit); a report has hundreds
MAX_BREAKS = 20_000
MAX_DEPTH = 100  # nesting of lists in lists
TIME_LIMIT = 20.0  # seconds for rendering a custom template (the built-in one: ~0.05 s)
TEMPLATE_FILE = "<template>"  # the file name of code compiled from a string: where template code runs

FORBIDDEN_FILTERS = {
    "safe": "“|safe”会把文字当作 Word 文档的内部代码写入，可能损坏文档",
    "urlize": "“|urlize”会写入网页链接代码，Word 文档中不能使用",
}


class Refused(SecurityError):
    """The template asked for something too big, too long, or not allowed; `reason` is Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- sizes -------------------------------------------------------------------------

CONTAINERS = (list, tuple, set, frozenset, dict)


def weight(value: Any, depth: int = 0, memo: dict | None = None) -> int:
    """Characters and items in `value`, nested containers included, each time they occur:
    about the length of its text (`str(value)`), and never less. [x] * 1000 weighs 1000 x."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if not isinstance(value, CONTAINERS):
        return 1
    if depth > MAX_DEPTH:
        raise Refused(f"列表嵌套过深（超过 {MAX_DEPTH} 层）")
    memo = {} if memo is None else memo
    key = id(value)
    if key not in memo:
        memo[key] = 0  # (a cycle counts once)
        items = [x for pair in value.items() for x in pair] if isinstance(value, dict) else value
        memo[key] = len(value) + sum(weight(x, depth + 1, memo) for x in items)
    return memo[key]


def _too_big(size: int, limit: int = MAX_SIZE) -> None:
    if size > limit:
        raise Refused(f"生成的文字或列表过长（{size:,} 个字符或项目，不能超过 {limit:,} 个）")


def _sized(value: Any) -> Any:
    """`value`, if it is not too big (checked after it was made)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > MAX_BITS:
            raise Refused("计算结果的数值过大")
    else:
        _too_big(weight(value))
    return value


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text_weight(values) -> int:
    """What these values weigh as text (they are about to be joined or formatted)."""
    return sum(weight(v) for v in values)


PERCENT_SPEC = re.compile(r"%%|%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent_format(text: str, args: Any) -> None:
    """'%0999999999d' % 1 would make a gigabyte: widths and precisions are limited."""
    for m in PERCENT_SPEC.finditer(text):
        for part in m.groups():
            if part == "*" or (part and int(part) > MAX_WIDTH):
                raise Refused(f"格式“{m.group(0)}”中的宽度过大（不能超过 {MAX_WIDTH}）")
    _too_big(len(text) + weight(args))


def _check_brace_format(text: str, args: tuple, kwargs: dict) -> None:
    """'{:>999999999}'.format(1) likewise; nested widths ('{:{w}}') are refused."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return  # malformed: format() itself says so
    for _, name, spec, _ in fields:
        if spec and ("{" in spec or any(int(d) > MAX_WIDTH for d in re.findall(r"\d+", spec))):
            raise Refused(f"格式“{{{name or ''}:{spec}}}”中的宽度过大（不能超过 {MAX_WIDTH}）")
    _too_big(len(text) * (1 + len(fields)) + _text_weight(args) + _text_weight(kwargs.values()))


def limited_range(*args: Any) -> range:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise Refused(f"range() 的项目过多（{len(rng):,} 个，不能超过 {MAX_RANGE:,} 个）")
    return rng


# --- binary operators --------------------------------------------------------


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse, before computing it, a result that would be too big."""
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes, list, tuple)) and _whole(n) is not None:
                _too_big(weight(seq) * max(n, 0))
        a, b = _whole(left), _whole(right)
        if a is not None and b is not None and a.bit_length() + b.bit_length() > MAX_BITS:
            raise Refused("乘法结果的数值过大")
    elif operator == "**":
        base, exp = _whole(left), _whole(right)
        if base is not None and exp is not None and exp > 0 and abs(base) > 1:
            if exp * math.log2(abs(base)) > MAX_BITS:
                raise Refused("乘方结果的数值过大")
        elif isinstance(left, (int, float)) and isinstance(right, (int, float)) and abs(right) > 10**6:
            raise Refused("乘方的指数过大")
    elif operator == "+":
        if isinstance(left, (str, bytes, list, tuple)) and isinstance(right, (str, bytes, list, tuple)):
            _too_big(weight(left) + weight(right))
    elif operator == "%" and isinstance(left, str):
        _check_percent_format(left, right)


# --- calls of methods and filters ---------------------------------------------


def _check_str_method(owner: str, name: str, args: tuple, kwargs: dict) -> tuple:
    """Methods of a string that can make it much longer; returns the arguments to use."""
    arg = args[0] if args else None
    if name in ("center", "ljust", "rjust", "zfill") and (width := _whole(arg)) is not None:
        _too_big(width)
    elif name == "expandtabs":
        size = _whole(arg if arg is not None else kwargs.get("tabsize", 8)) or 0
        _too_big(len(owner) + owner.count("\t") * size)
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        _too_big(_replaced_length(owner, args[0], args[1]))
    elif name in ("format", "format_map"):
        _check_brace_format(owner, args, kwargs)
    elif name == "join" and args:
        items = list(args[0])  # an iterator is read once, here
        _too_big(_text_weight(items) + len(owner) * len(items))
        return (items, *args[1:])
    elif name in ("translate", "maketrans"):
        raise Refused(f"模板中不能使用 .{name}()")
    return args


def _replaced_length(text: str, old: str, new: str) -> int:
    count = text.count(old) if old else len(text) + 1
    return len(text) + count * max(len(new) - len(old), 0)


# Filters that turn a value into its text: it must not weigh too much as text.
AS_TEXT = ("string", "pprint", "tojson", "urlencode", "xmlattr", "escape", "e", "forceescape", "format")


def _guard_filter(name: str, func):
    """`func` (a built-in filter) with its size checks."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0  # context/environment first

    @functools.wraps(func)  # keeps jinja_pass_arg: Jinja still passes what the filter needs
    def guarded(*args: Any, **kwargs: Any) -> Any:
        arglist = list(args)
        value, rest = (arglist[skip], arglist[skip + 1:]) if len(arglist) > skip else (None, [])

        def option(index: int, key: str, default: Any) -> Any:
            return rest[index] if len(rest) > index else kwargs.get(key, default)

        if name in AS_TEXT:
            _too_big(weight(value) + _text_weight(rest) + _text_weight(kwargs.values()))
        if name == "center":
            _too_big(_whole(option(0, "width", 80)) or 0)
        elif name == "indent":
            width = option(0, "width", 4)
            per_line = len(width) if isinstance(width, str) else (_whole(width) or 0)
            _too_big(weight(value) + (str(value).count("\n") + 1) * per_line)
        elif name == "replace" and len(rest) >= 2:
            _too_big(_replaced_length(str(value), str(rest[0]), str(rest[1])))
        elif name == "format" and isinstance(value, str):
            _check_percent_format(value, rest)
        elif name == "join" and value is not None:
            items = list(value)  # an iterator is read once, here
            _too_big(_text_weight(items) + weight(option(0, "d", "")) * len(items))
            arglist[skip] = items
        elif name == "wordwrap":
            width = _whole(option(0, "width", 79)) or 79
            wrap = option(3, "wrapstring", None)
            _too_big(weight(value) + (weight(value) // max(width, 1) + 1) * len(str(wrap or "\n")))
        elif name in ("batch", "slice"):
            count = _whole(option(0, "linecount" if name == "batch" else "slices", 0)) or 0
            if count > MAX_RANGE:
                raise Refused(f"“|{name}”的数目过大（不能超过 {MAX_RANGE:,}）")
        elif name == "sum" and not isinstance(option(1, "start", 0), (int, float)):
            raise Refused("“|sum”只能对数字求和")
        return _sized(func(*arglist, **kwargs))

    return guarded


# --- the environment -----------------------------------------------------------


class _Output:
    """Jinja's `concat` with a limit: every rendered part and block goes through it."""

    def __call__(self, pieces) -> str:
        if _DEADLINE.get() is None:  # the built-in template: its output is bounded by the data
            return "".join(pieces)
        out = []
        size = 0
        for piece in pieces:
            size += len(piece)
            if size > MAX_OUTPUT:
                raise Refused(f"生成的内容过长（超过 {MAX_OUTPUT:,} 个字符），可能是循环次数过多")
            out.append(piece)
        text = "".join(out)
        if text.count("\n") > MAX_BREAKS:
            raise Refused(f"生成的内容换行过多（超过 {MAX_BREAKS:,} 处），可能是循环次数过多或把换行重复了太多次")
        return text


class _CodeGenerator(CodeGenerator):
    def visit_Concat(self, node, frame):
        """`a ~ b ~ c`: Jinja's own code, with the parts weighed before they are joined."""
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.joined({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


# (deadline on time.monotonic(), seconds allowed) of the renders in this thread, or None
_DEADLINE: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "xlreport_template_deadline", default=None)


class LimitedTemplate(Template):
    """A template whose rendering stops at the deadline set by `time_limit`."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        limit = _DEADLINE.get()
        if limit is None:
            return super().render(*args, **kwargs)
        previous = sys.gettrace()
        sys.settrace(_tracer(*limit))
        try:
            return super().render(*args, **kwargs)
        finally:
            sys.settrace(previous)


def _tracer(deadline: float, seconds: float):
    """A trace function that stops template code running past `deadline`. Only the template's
    own frames (its loops) are traced line by line; other frames cost one call each."""

    def local(frame, event, arg):
        if event == "line" and time.monotonic() > deadline:
            raise Refused(f"生成报告用时超过 {seconds:g} 秒，已停止（可能是循环次数过多或嵌套过深）")
        return local

    def global_(frame, event, arg):
        if frame.f_code.co_filename == TEMPLATE_FILE:
            return local(frame, "line", arg)
        return None

    return global_


@contextmanager
def time_limit(seconds: float | None):
    """Templates rendered inside this block (in this thread) stop after `seconds`, and their printed
    values and output are limited (None: neither, for the built-in template)."""
    token = _DEADLINE.set(None if seconds is None else (time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


class TemplateEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox with limits (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _CodeGenerator
    template_class = LimitedTemplate
    concat = _Output()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(finalize=self.finalize_value, **kwargs)
        self.globals["range"] = limited_range
        self.globals.pop("lipsum", None)  # placeholder text, of any length: no use in a report
        for name in FORBIDDEN_FILTERS:
            self.filters.pop(name, None)
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}

    @staticmethod
    def joined(join, parts: tuple) -> str:
        _too_big(_text_weight(parts))
        return join(parts)

    @staticmethod
    def finalize_value(value: Any) -> Any:
        """Every printed value ({{ … }}) of a custom template, before it becomes text."""
        if _DEADLINE.get() is not None:
            _too_big(weight(value), MAX_OUTPUT)
        return value

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return _sized(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
        target = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        owner = getattr(target, "__self__", None)
        if isinstance(owner, str):
            args = _check_str_method(owner, getattr(target, "__name__", ""), args, kwargs)
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def get_template(self, *args: Any, **kwargs: Any):
        raise Refused("模板不能引用其他文件（{% include %}、{% import %}、{% extends %}），请把内容直接写在模板中")

    select_template = get_or_select_template = get_template
