"""The web page on a phone, a tablet and a desktop (issue 19.5), laid out by headless Chromium
at 375, 768 and 1280 px: no figure or label overflows its cell, the page never scrolls
sideways (each table scrolls inside its own box), and a CMS's own CSS does not change the look."""

from __future__ import annotations

import json

import lxml.html
import pytest
from test_webpage import run_chromium
from test_word_support import distinct

from xlreport.model.formats import V2019, V2021
from xlreport.report.webpage import html_report

WIDTHS = (375, 768, 1280)
# What a site's stylesheet may say about tables and text.
CMS_CSS = ("<style>table{width:100%!important;font-size:18px} td,th{padding:20px;font-size:30px;"
           "line-height:3;border:none} p{text-indent:0;font-size:22px;margin:2em 0} h2,h3{font-size:28px;color:red}"
           "</style>")

MEASURE = """<script>
(function () {
  var cells = [], wraps = [];
  document.querySelectorAll("table[data-table]").forEach(function (t) {
    var w = t.parentElement, ws = getComputedStyle(w);
    wraps.push({id: t.getAttribute("data-table"), overflow: ws.overflowX, wrap: w.clientWidth,
                table: t.getBoundingClientRect().width});
    t.querySelectorAll("td,th").forEach(function (c) {
      var s = getComputedStyle(c);
      cells.push({text: c.textContent, over: c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1,
                  w: Math.round(c.getBoundingClientRect().width), h: Math.round(c.getBoundingClientRect().height),
                  font: s.fontSize, pad: s.paddingLeft + " " + s.paddingTop, border: s.borderTopWidth});
    });
  });
  var text = [];
  document.querySelectorAll("p,h2,h3").forEach(function (e) {
    var s = getComputedStyle(e); text.push([e.tagName, s.fontSize, s.textIndent, s.color, s.marginTop]); });
  var out = document.createElement("pre"); out.id = "geometry";
  out.textContent = JSON.stringify({page: document.documentElement.scrollWidth, view: window.innerWidth,
                                    cells: cells, wraps: wraps, text: text});
  document.body.appendChild(out);
})();
</script>"""


def four_digit_data(fmt):
    data = distinct(fmt, start=1000)  # four-digit figures; the totals have five and six
    return data


def measure(tmp_path, page: str, width: int, name: str) -> dict:
    path = tmp_path / f"{name}-{width}.html"
    path.write_text(page.replace("</body>", MEASURE + "\n</body>"), "utf-8")
    dom = run_chromium(f"--window-size={width},4000", "--dump-dom", path.as_uri())
    return json.loads(lxml.html.fromstring(dom).get_element_by_id("geometry").text_content())


@pytest.mark.browser
@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_page_fits_every_screen_and_survives_a_cms_stylesheet(tmp_path, fmt):
    page, _ = html_report(four_digit_data(fmt), fmt)
    cms = page.replace("</head>", CMS_CSS + "\n</head>")
    for width in WIDTHS:
        plain = measure(tmp_path, page, width, "plain")
        assert plain["page"] <= plain["view"], (width, "the page scrolls sideways")
        over = [c["text"] for c in plain["cells"] if c["over"]]
        assert over == [], (width, over)
        assert {w["overflow"] for w in plain["wraps"]} == {"auto"}
        if width == 375:  # on a phone the wide tables scroll inside their boxes
            assert any(w["table"] > w["wrap"] for w in plain["wraps"])
        styled = measure(tmp_path, cms, width, "cms")
        assert styled["cells"] == plain["cells"], (width, "the CMS stylesheet changed the tables")
        assert styled["text"] == plain["text"], (width, "the CMS stylesheet changed the text")


def test_headings_keep_with_the_text_that_follows_in_print():
    fmt = V2021
    page, _ = html_report(distinct(fmt), fmt)
    tree = lxml.html.fromstring(page)
    for el in tree.iter("h1", "h2", "h3"):
        style = el.get("style")
        assert "break-after:avoid" in style and "page-break-after:avoid" in style
