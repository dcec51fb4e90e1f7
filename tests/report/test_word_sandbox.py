"""Custom Word templates are code: what they may not do, and the limits of what they may (issue 10.13).

Every hostile template must end in a Chinese one-liner (InputError, exit 2) that names the problem
and the paragraph, quickly, with nothing written; a normal template must still render."""

from __future__ import annotations

import json
import re
import time
import zipfile

import pytest

from test_word_support import demo, make_docx, paragraphs
from xlreport.report import sandbox, docx as word
from xlreport.report.engine import environment
from xlreport.report.lint import lint_template
from xlreport.cli.main import main
from xlreport.errors import InputError


def refused(tmp_path, lines: list[str], lint: bool = False) -> str:
    """The message of rendering (or linting) a template made of `lines`; checks nothing was written."""
    tpl = make_docx(lines, tmp_path / "我的模板.docx")
    fmt, data = demo()
    started = time.monotonic()
    with pytest.raises(InputError) as exc:
        if lint:
            lint_template(tpl)
        else:
            word.render_report(data, fmt, tmp_path / "out.docx", template=tpl)
    assert time.monotonic() - started < 30  # refused, not run: the worst of them alone would take minutes
    message = exc.value.message
    assert "\n" not in message and message.startswith("模板“我的模板.docx”")
    assert not (tmp_path / "out.docx").exists() and not list(tmp_path.glob(".out*"))
    return message


@pytest.mark.parametrize("tag, words", [
    ("{% include 'other.docx' %}", "{% include %}"),
    ("{% import 'macros.docx' as m %}", "{% import %}"),
    ("{% from 'macros.docx' import f %}", "{% from … import %}"),
    ("{% extends 'base.docx' %}", "{% extends %}"),
])
def test_other_files_are_refused_naming_the_paragraph(tmp_path, tag, words):
    for lint in (True, False):
        message = refused(tmp_path, ["{{ title }}", f"引用：{tag}"], lint=lint)
        assert f"“{words}”不能使用" in message and "不能引用其他文件" in message
        assert "出错位置附近的文字：“引用：" in message


@pytest.mark.parametrize("markup, words", [
    ('{{ "</w:t></w:r><w:r><w:t>注入"|safe }}', "|safe"),
    ("{% filter safe %}{{ text.problems }}{% endfilter %}", "|safe"),
    ("{{ meta.email|urlize }}", "|urlize"),
    ("{% autoescape false %}{{ text.problems }}{% endautoescape %}", "{% autoescape %}"),
])
def test_raw_xml_cannot_get_into_the_document(tmp_path, markup, words):
    message = refused(tmp_path, ["{{ title }}", f"原文：{markup}"])
    assert words in message and "不能使用" in message and "原文：" in message


def test_without_the_lint_safe_does_not_exist_either(tmp_path):
    """The environment itself has no |safe: the document's XML cannot be broken from a template."""
    from jinja2 import TemplateAssertionError

    with pytest.raises(TemplateAssertionError):
        environment().from_string('{{ "<w:p/>"|safe }}')


@pytest.mark.parametrize("expression, words", [
    ("{{ 1/0 }}", "除数为 0"),
    ('{{ title + 1 }}', "数据类型不匹配"),
    ("{{ t3.new.total|int // 0 }}", "除数为 0"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "无限嵌套"),
])
def test_runtime_errors_are_template_messages(tmp_path, expression, words):
    message = refused(tmp_path, ["{{ title }}", f"计算：{expression}", "后文"])
    assert words in message and "出错位置附近的文字：“计算：" in message and "程序内部错误" not in message


@pytest.mark.parametrize("expression", [
    "{{ 10**(10**9) }}",
    "{{ 'x'*10**9 }}",
    "{{ [1]*10**9 }}",
    "{{ range(10**9)|list }}",
    "{{ range(20000)|length }}",  # Jinja's own limit is 100,000; ours is lower
    "{{ 'x'.center(10**9) }}",
    "{{ 'x'|center(1000000000) }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ '%0999999999d'|format(1) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ 'ab'|replace('a', 'x'*900000)|replace('x', 'y'*900000) }}",
    "{{ ['x'*9000000, 'y', 'z']|join('-'*9000000) }}",
    "{{ ['x'*9000000]*100 }}",
    "{% set x = 'x'*9000000 %}{{ [x, x, x] }}",  # printed: 27,000,000 characters
    "{% set x = 'x'*9000000 %}{{ [x, x]|string }}",
    "{% set x = 'x'*9000000 %}{{ '%s%s' % (x, x) }}",
    "{% set x = 'x'*9000000 %}{{ '{}{}'.format(x, x) }}",
    "{% set x = 'x'*9000000 %}{{ x ~ x }}",
    "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% set ns = namespace(n=3) %}{% for i in range(60) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
    "{% for i in range(10000) %}{{ 'x' * 100000 }}{% endfor %}",
    "{{ (range(10000)|list)|batch(10**9, 'x')|list }}",
])
def test_huge_values_are_refused_quickly(tmp_path, expression):
    message = refused(tmp_path, ["{{ title }}", f"大数：{expression}"])
    assert "无法生成报告" in message and re.search("过大|过长|过多", message), message


def test_rendering_is_limited_in_time(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 1.0)
    started = time.monotonic()
    message = refused(tmp_path, ["{{ title }}", "循环：{% for a in range(10000) %}{% for b in range(10000) %}"
                                 "{% endfor %}{% endfor %}"])
    assert time.monotonic() - started < 30  # the loops alone would take minutes; a loaded machine is slower, not that slow
    assert "用时超过 1 秒" in message and "出错位置附近的文字：“循环：" in message


def test_a_template_that_computes_still_renders(tmp_path):
    """The limits leave ordinary template code alone."""
    lines = ["{{ title }}",
             "合计{{ t3.new.total|int + t3.carried_over.total|int }}件，"
             "比例{{ '%.1f'|format(50 / 4) }}%，{{ '{:,}'.format(1234567) }}，{{ 'a' ~ 'b' }}",
             "{% for i in range(3) %}{{ i }}{% endfor %}{{ '-' * 3 }}{{ 2 ** 10 }}{{ [1, 2]|join('、') }}",
             "{{ text.problems|replace('。', '；') }}"]
    tpl = make_docx(lines, tmp_path / "t.docx")
    fmt, data = demo()
    out = word.render_report(data, fmt, tmp_path / "out.docx", template=tpl).path
    texts = [t for _, t in paragraphs(out)]
    assert texts[1] == "合计0件，比例12.5%，1,234,567，ab"
    assert texts[2] == "012---1024" + "1、2"
    assert texts[3] == data["text.problems"].replace("。", "；")
    with zipfile.ZipFile(out) as z:
        assert "注入" not in z.read("word/document.xml").decode()


def test_cli_template_runtime_error_exit_2(tmp_path, capsys):
    from xlreport.cli.demo import demo_document

    tpl = make_docx(["{{ title }}", "分母：{{ 1/0 }}"], tmp_path / "t.docx")
    src = tmp_path / "demo.json"
    src.write_text(json.dumps(demo_document(), ensure_ascii=False), encoding="utf-8")
    assert main(["render", str(src), "-o", str(tmp_path / "out.docx"), "--template", str(tpl)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：模板“t.docx”") and "除数为 0" in err and "分母：" in err
    assert "Traceback" not in err and "程序内部错误" not in err
    assert not (tmp_path / "out.docx").exists()


def test_output_limits_bind_custom_templates_only(tmp_path, monkeypatch):
    """The built-in template's output is bounded by the data (which has its own limits); the same
    template given with --template is held to the limits of custom templates."""
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 5_000)
    fmt, data = demo()
    word.render_report(data, fmt, tmp_path / "built-in.docx")
    custom = tmp_path / "copy.docx"
    custom.write_bytes(word.default_template().read_bytes())
    with pytest.raises(InputError) as exc:
        word.render_report(data, fmt, tmp_path / "out.docx", template=custom)
    assert "生成的内容过长（超过 5,000 个字符）" in exc.value.message
    assert not (tmp_path / "out.docx").exists()
