"""The report as a web page: `xlreport render FILE -o 报告.html [--fragment]`.

For the 政府信息公开年报 column of a government site. Clerks paste the Word file
into the CMS editor and its tables break (merged cells lost, widths wrong,
numbers split into spans). This writes the same report as clean HTML:

* the same content as the Word report, from the same context
  (`context.make_context`: the same figures, the same generated sentences, the same
  cleaned user texts) and in the same order as the Word template
  (`tools/word_template._content`): title, opening paragraph, 一 with its
  sub-headings and the data paragraph, tables 二 三 四, 五, 六;
* the tables from the format declarations (`Table.cells`): one `<td>` per
  GridCell with its rowspan/colspan, labels from `GridCell.text`, column widths
  from the Word template's own widths (`layout.column_widths`), so the
  narrow group-label columns of table 三 print one character per line as in
  the published reports;
* every style inline on its element (`style="…"`, plus the `border`,
  `cellspacing` and `cellpadding` attributes for editors that drop styles):
  no `<style>` block, no external CSS, no scripts, no images. CMS editors
  (UEditor, KindEditor, TinyMCE, CKEditor) keep inline styles and rowspan/colspan.
  Inline styles are also the scoping: every element states its own font, size,
  line height, colour, margins and padding, so a site's own CSS (`td{padding:20px;
  font-size:30px}`, `p{text-indent:0}`) cannot change the look — an inline
  declaration wins over any selector without !important;
* on a phone each table scrolls sideways inside its own box (a `<div>` with
  `overflow-x:auto`): the table keeps a minimum width at which every figure and
  every one-character label fits its cell, and the page itself never scrolls
  sideways; printed, a heading stays with what follows it;
* user text escaped with `html.escape`: nothing a clerk types becomes markup.

`--fragment` writes only the article body (one `<div>`, without the title,
which goes into the CMS's own title field) for the editor's 源代码/HTML mode.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import Any

from xlreport.model.spec import Field, GridCell, ReportFormat, Table
from xlreport.report.layout import PERIOD_WORDS, column_widths, opening_sentence, vertical_columns

__all__ = ["HTML_SUFFIXES", "html_report", "render_html"]

HTML_SUFFIXES = (".html", ".htm")

FONT_BODY = "'仿宋_GB2312','仿宋',FangSong,STFangsong,serif"
FONT_TITLE = "'方正小标宋简体','华文中宋',STZhongsong,'宋体',SimSun,serif"
FONT_H1 = "'黑体',SimHei,'Microsoft YaHei',sans-serif"
FONT_H2 = "'楷体_GB2312','楷体',KaiTi,STKaiti,serif"
FONT_TABLE = "'宋体',SimSun,'Songti SC',serif"

KEEP_WITH_NEXT = "break-after:avoid;page-break-after:avoid;break-inside:avoid"  # printed: never last on a page
TABLE_PX = 13  # the tables' type size in px; a digit is about 0.6 of it wide
CELL_PAD_PX = 2
STYLE = {
    "article": f"max-width:800px;margin:0 auto;padding:0;font-family:{FONT_BODY};font-size:16px;line-height:1.8;"
               "color:#000;background:#fff;text-align:left",
    "title": f"font-family:{FONT_TITLE};font-size:26px;font-weight:normal;text-align:center;line-height:1.5;"
             f"margin:0.5em 0 1em 0;padding:0;color:#000;text-indent:0;{KEEP_WITH_NEXT}",
    "h1": f"font-family:{FONT_H1};font-size:16px;font-weight:bold;line-height:1.8;margin:1em 0 0.3em 0;padding:0;"
          f"text-indent:2em;color:#000;{KEEP_WITH_NEXT}",
    "h2": f"font-family:{FONT_H2};font-size:16px;font-weight:normal;line-height:1.8;margin:0.3em 0;padding:0;"
          f"text-indent:2em;color:#000;{KEEP_WITH_NEXT}",
    "p": f"font-family:{FONT_BODY};font-size:16px;line-height:1.8;margin:0.3em 0;padding:0;text-indent:2em;"
         "text-align:justify;color:#000",
    "wrap": "overflow-x:auto;max-width:100%;margin:0.5em 0 1em 0;padding:0",
    "table": f"border-collapse:collapse;border:1px solid #000;width:100%;table-layout:fixed;margin:0;"
             f"font-family:{FONT_TABLE};font-size:{TABLE_PX}px;line-height:1.4;color:#000;background:#fff",
    "cell": f"border:1px solid #000;padding:3px {CELL_PAD_PX}px;vertical-align:middle;font-family:{FONT_TABLE};"
            f"font-size:{TABLE_PX}px;line-height:1.4;color:#000;background:#fff;height:auto;"
            "word-break:normal;overflow-wrap:anywhere",
}
CELL_ALIGN = {"title": "left", "header": "center", "label": "left", "note": "left", "value": "center"}


def _text(value: Any) -> str:
    """User or generated text as HTML text: escaped, quotes included."""
    return escape(str(value), quote=True)


def _lookup(context: dict[str, Any], field: Field) -> str:
    node: Any = context
    for part in field.path:
        node = node[part]
    return str(node)


def _widths(table: Table) -> list[float]:
    """Column widths in per cent of the table: the Word template's widths (one source)."""
    twips = column_widths(table)
    total = sum(twips)
    return [round(100 * w / total, 2) for w in twips]


# Group labels in the one-character columns (三、本年度办理结果, （三）不予公开 …) read one
# character per line, as in the published reports and the Word report: set vertically,
# each character upright, so that no width of the page can make them two characters wide.
VERTICAL = "writing-mode:vertical-rl;text-orientation:upright;letter-spacing:0"


def _figure(cell: GridCell, fmt: ReportFormat, context: dict[str, Any]) -> str:
    """What a value cell prints."""
    assert cell.key is not None, "a value cell has a key (spec.matrix_cells, sub_tables)"
    field = fmt.field(cell.key)
    text = _lookup(context, field)
    if field.unit_key:  # V2019 采购总金额: 「251000元」
        text += _lookup(context, fmt.field(field.unit_key))
    return text


def _cell(cell: GridCell, fmt: ReportFormat, context: dict[str, Any], widths: list[float],
          vertical: bool = False) -> str:
    if cell.role == "value":
        content = _text(_figure(cell, fmt, context))
        extra = ";white-space:nowrap"  # a figure is never broken over lines
    else:
        content = "<br>".join(_text(line) for line in cell.text.split("\n"))
        extra = f";{VERTICAL}" if vertical else ""
    tag = "th" if cell.role in ("header", "note") else "td"
    width = sum(widths[cell.col:cell.col + cell.colspan])
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    style = f"{STYLE['cell']};text-align:{CELL_ALIGN[cell.role]};font-weight:normal;width:{width:g}%{extra}"
    return f'<{tag}{attrs} style="{style}">{content}</{tag}>'


def table_html(table: Table, fmt: ReportFormat, context: dict[str, Any]) -> str:
    """One official table: its grid cells row by row, merges as rowspan/colspan."""
    widths = _widths(table)
    vertical = vertical_columns(table)
    rows: dict[int, list[GridCell]] = {r: [] for r in range(table.n_rows)}
    for cell in table.cells:
        rows[cell.row].append(cell)
    cols = "".join(f'<col style="width:{w:g}%">' for w in widths)
    least = _min_width(table, fmt, context, widths, vertical)
    out = [f'<div style="{STYLE["wrap"]}">',
           (f'<table border="1" cellspacing="0" cellpadding="3" data-table="{table.id}" '
            f'style="{STYLE["table"]};min-width:{least}px">'),
           f"<colgroup>{cols}</colgroup>", "<tbody>"]
    for r in range(table.n_rows):
        cells = "".join(_cell(c, fmt, context, widths, c.col in vertical and c.colspan == 1)
                        for c in sorted(rows[r], key=lambda c: c.col))
        out.append(f"<tr>{cells}</tr>")
    out += ["</tbody>", "</table>", "</div>"]
    return "\n".join(out)


def _min_width(table: Table, fmt: ReportFormat, context: dict[str, Any], widths: list[float],
               vertical: set[int]) -> int:
    """The least width (px) at which every figure fits its column on one line and every
    one-character label column holds its character: the table scrolls below it."""
    need: dict[int, float] = {}
    for cell in table.cells:
        if cell.role == "value":
            px = sum(TABLE_PX if ord(ch) > 0x2000 else 0.62 * TABLE_PX for ch in _figure(cell, fmt, context))
        elif cell.col in vertical and cell.colspan == 1:
            px = TABLE_PX
        else:
            continue
        px += 2 * CELL_PAD_PX + 4  # padding, border, rounding
        need[cell.col] = max(need.get(cell.col, 0), px / (sum(widths[cell.col:cell.col + cell.colspan]) / 100))
    return int(max(need.values(), default=0)) + 1


def _p(text: str) -> str:
    return f'<p style="{STYLE["p"]}">{_text(text)}</p>'


def _lines(text) -> list[str]:
    return [_p(line) for line in text.paragraphs]


def body_html(context: dict[str, Any], fmt: ReportFormat) -> list[str]:
    """The article body, in the order of the Word template (tools/word_template._content)."""

    year = context["meta"]["year"]
    start, since, until = PERIOD_WORDS
    out = [_p(f"{opening_sentence(fmt)}{start}{year}{since}{year}{until}{context['sentences']['contact']}")]
    text, sentences = context["text"], context["sentences"]

    # the outline as the format declares it (ReportFormat.outline)
    for section, subs in fmt.outline:
        out.append(f'<h2 style="{STYLE["h1"]}">{_text(section.heading)}</h2>')
        if section.number == "四":
            out.append(_p(sentences["review"]))
        if section.number == "六" and sentences["fee"]:
            out.append(_p(sentences["fee"]))
        own = fmt.section_text(section)
        if own:
            out += _lines(text[own.name])
        for t in subs:
            assert own is not None, "sub-headings hang below their section's own text (一's overview)"
            sub = getattr(text[own.name], t.name)
            if sub.show_heading:
                out.append(f'<h3 style="{STYLE["h2"]}">{_text(t.label)}</h3>')
            if t.key == "text.overview.on_request":
                out.append(_p(sentences["on_request"]))
            out += _lines(sub)
        if section.table:
            out.append(table_html(fmt.table(section.table), fmt, context))
    return out


def html_report(data: dict[str, Any], fmt: ReportFormat, fragment: bool = False,
                numbers: dict[str, float | int | None] | None = None) -> tuple[str, list[str]]:
    """The web page (or, with `fragment`, the article body) and the warnings of the context
    (`numbers`: as for `context.make_context`)."""
    from xlreport.model._version import __version__
    from xlreport.report.context import make_context

    context, warnings = make_context(data, fmt, numbers)
    body = "\n".join(body_html(context, fmt))
    if fragment:
        return f'<div style="{STYLE["article"]}">\n{body}\n</div>\n', warnings
    meta = context["meta"]
    title = (f'<h1 style="{STYLE["title"]}">{_text(meta["agency"])}<br>'
             f'{_text(meta["year"])}年政府信息公开工作年度报告</h1>')
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="xlreport {_text(__version__)}">\n'
        f"<title>{_text(context['title'])}</title>\n</head>\n"
        '<body style="margin:0;padding:16px;background:#fff">\n'
        f'<article style="{STYLE["article"]}">\n{title}\n{body}\n</article>\n</body>\n</html>\n'
    )
    return page, warnings


def render_html(data: dict[str, Any], fmt: ReportFormat, output: str | os.PathLike, force: bool = False,
                fragment: bool = False, numbers: dict[str, float | int | None] | None = None):
    """Write the web page of `data` to `output` (atomically; no overwrite without force)."""
    from xlreport.io.files import write_bytes_atomic
    from xlreport.report.docx import RenderResult

    target = Path(output)
    text, warnings = html_report(data, fmt, fragment, numbers)
    path = write_bytes_atomic(target, text.encode("utf-8"), force)
    return RenderResult(path, [w.replace("无法写入 Word 的", "无法写入报告的") for w in warnings])
