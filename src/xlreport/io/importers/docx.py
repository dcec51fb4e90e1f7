"""Word and WPS .docx -> Document, read straight from the WordprocessingML.

python-docx does not expose merged-cell geometry directly (a vMerge
continuation looks like another cell), so the body XML is walked with lxml
(installed with python-docx): w:gridBefore, w:gridSpan and w:vMerge
restart/continue give each cell's grid position and spans; runs are joined
(Word and WPS split a word or number across runs freely), the paragraphs of a
cell joined with "\\n". A text box is read inline with the paragraph that
anchors it; tracked deletions, fallback copies (mc:Fallback) and field
instructions are not text.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from xlreport.errors import DamagedFile, TooLarge, UnsupportedType, read_error
from xlreport.io.guards import MAX_MEMBERS, MAX_RATIO, MAX_UNCOMPRESSED
from xlreport.io.importers.document import Cell, Document, Paragraph, Table
from xlreport.io.importers.normalize import SUBSCRIPT, SUPERSCRIPT, clean

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
DC = "http://purl.org/dc/elements/1.1/"
MAX_PART = 30 * 1024 * 1024     # document.xml of a report is well under 1 MB
MAX_GRID = 1000                 # columns/rows a report table cannot reach


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def open_package(p: Path) -> zipfile.ZipFile:
    """The .docx as a zip, after the size guards of the workbook reader (zip bombs)."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise read_error(p, exc) from None
    if not head:
        raise DamagedFile(f"“{p.name}”是空文件，不是 Word 文档")
    if not head.startswith(b"PK"):
        raise DamagedFile(f"“{p.name}”不是 .docx 格式的 Word 文档，请在 Word 或 WPS 中“另存为”.docx 后再导入")
    try:
        z = zipfile.ZipFile(p)
        infos = z.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):  # zip version, method
        raise DamagedFile(f"“{p.name}”已损坏（不完整的 .docx 文件），请重新保存或从原件再导入") from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if len(infos) > MAX_MEMBERS or total > MAX_UNCOMPRESSED * 4 or total / packed > MAX_RATIO:
        z.close()
        raise TooLarge(f"“{p.name}”解压后有 {total // 1024 // 1024} MB、{len(infos)} 个部件，异常（可能是恶意构造的文件：压缩炸弹），拒绝读取")
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        z.close()
        if "xl/workbook.xml" in names:
            raise UnsupportedType(f"“{p.name}”是 Excel 工作簿，不是 Word 文档；工作簿请用 xlreport check 检查")
        raise DamagedFile(f"“{p.name}”不是 Word 文档（缺少正文部件），请检查文件")
    if z.getinfo("word/document.xml").file_size > MAX_PART:
        z.close()
        raise TooLarge(f"“{p.name}”的正文超过 30 MB，不像年度报告，拒绝读取")
    return z


def _xml(z: zipfile.ZipFile, name: str, p: Path):
    from lxml import etree
    try:
        data = z.read(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):  # zip version, method
        raise DamagedFile(f"“{p.name}”已损坏（部件 {name} 无法解压），请重新保存后再导入") from None
    try:
        return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError:
        raise DamagedFile(f"“{p.name}”已损坏（部件 {name} 不是有效的 XML），请重新保存后再导入") from None


def read_docx(path: str | Path) -> Document:
    p = Path(path)
    with open_package(p) as z:
        doc = _xml(z, "word/document.xml", p)
        styles_xml = _xml(z, "word/styles.xml", p)
        styles = _style_names(styles_xml)
        numbering = _Numbering(_xml(z, "word/numbering.xml", p), styles_xml)
        core = _xml(z, "docProps/core.xml", p)
    body = doc.find(_w("body")) if doc is not None else None
    if body is None:
        raise DamagedFile(f"“{p.name}”不是有效的 Word 文档（没有正文），请检查文件")
    blocks: list[Paragraph | Table] = []
    for el in _flatten(body):
        if el.tag == _w("p"):
            text = clean(numbering.label(el) + " ".join(_para_lines(el)))
            if text:
                blocks.append(Paragraph(text, style=_para_style(el, styles)))
        elif el.tag == _w("tbl"):
            blocks.append(_table(el, sum(isinstance(b, Table) for b in blocks) + 1, numbering))
    title = ""
    if core is not None:
        t = core.find(f"{{{DC}}}title")
        title = clean(t.text or "") if t is not None else ""
    return Document(path=str(p), kind="docx", blocks=tuple(blocks), title=title,
                    titles=(("Word 文档属性中的标题", title),) if title else ())


def _flatten(parent):
    """Block-level children, looking through content controls (w:sdt) and custom XML wrappers."""
    for el in parent:
        if el.tag in (_w("sdt"),):
            content = el.find(_w("sdtContent"))
            if content is not None:
                yield from _flatten(content)
        elif el.tag in (_w("customXml"), _w("sdtContent")):
            yield from _flatten(el)
        else:
            yield el


def _style_names(styles) -> dict[str, str]:
    out: dict[str, str] = {}
    if styles is None:
        return out
    for st in styles.iter(_w("style")):
        sid = st.get(_w("styleId"))
        name = st.find(_w("name"))
        if sid and name is not None:
            out[sid] = name.get(_w("val")) or sid
    return out


def _para_style(p, styles: dict[str, str]) -> str:
    ps = p.find(f"{_w('pPr')}/{_w('pStyle')}")
    if ps is None:
        return ""
    sid = ps.get(_w("val")) or ""
    return styles.get(sid, sid)


def _para_lines(p) -> list[str]:
    """A paragraph's text split at manual line breaks (w:br, w:cr)."""
    lines = [""]
    for el in p.iter():
        tag = el.tag
        if tag == _w("t"):
            if not _skipped(el, p):
                lines[-1] += _run_text(el)
        elif tag == _w("tab"):
            if not _skipped(el, p) and el.getparent() is not None and el.getparent().tag == _w("r"):
                lines[-1] += " "
        elif tag in (_w("br"), _w("cr")):
            if not _skipped(el, p) and el.get(_w("type")) in (None, "textWrapping"):
                lines.append("")
        elif tag in (_w("noBreakHyphen"),):
            lines[-1] += "-"
    return lines


def _on(prop) -> bool:
    return prop is not None and prop.get(_w("val")) not in ("0", "false", "off")


def _run_text(t) -> str:
    """A w:t's text as shown: none where its run is hidden (w:vanish), the digits of a superscript or
    subscript run as such (a note's number after a figure is not part of it)."""
    run = t.getparent()
    props = run.find(_w("rPr")) if run is not None else None
    if props is None:
        return t.text or ""
    if _on(props.find(_w("vanish"))):
        return ""
    align = props.find(_w("vertAlign"))
    shift = align.get(_w("val")) if align is not None else None
    table = SUPERSCRIPT if shift == "superscript" else SUBSCRIPT if shift == "subscript" else None
    return (t.text or "").translate(table) if table else t.text or ""


def _skipped(el, stop) -> bool:
    """Inside a tracked deletion or move, or in the fallback copy of a text box or drawing (mc:Fallback)."""
    anc = el.getparent()
    while anc is not None and anc is not stop:
        if anc.tag in (_w("del"), f"{{{MC}}}Fallback", _w("moveFrom")):
            return True
        anc = anc.getparent()
    return False


def _nested_in_p(el, stop) -> bool:
    anc = el.getparent()
    while anc is not None and anc is not stop:
        if anc.tag == _w("p"):
            return True
        anc = anc.getparent()
    return False


def _int(el, default: int = 1) -> int:
    if el is None:
        return default
    try:
        return max(0, min(int(el.get(_w("val")) or default), MAX_GRID))
    except ValueError:
        return default


def _cell_text(tc, numbering: "_Numbering") -> str:
    paras = []
    for el in tc.iter(_w("p")):
        # a text box's paragraphs are read with the paragraph that anchors it (inline), once
        if _skipped(el, tc) or _nested_in_p(el, tc):
            continue
        lines = _para_lines(el)
        lines[0] = numbering.label(el) + lines[0]
        for line in lines:
            t = clean(line)
            if t:
                paras.append(t)
    return "\n".join(paras)


def _table(tbl, index: int, numbering: "_Numbering") -> Table:
    # anchors: [row, col, rowspan, colspan, text]
    anchors: list[list] = []
    open_at: dict[int, list] = {}   # grid column -> the anchor a vMerge continue below would extend
    rows = [el for el in _flatten(tbl) if el.tag == _w("tr")]
    n_cols = 0
    for r, tr in enumerate(rows[:MAX_GRID]):
        trpr = tr.find(_w("trPr"))
        col = _int(trpr.find(_w("gridBefore")), 0) if trpr is not None else 0
        for tc in (el for el in _flatten(tr) if el.tag == _w("tc")):
            pr = tc.find(_w("tcPr"))
            span = max(1, _int(pr.find(_w("gridSpan")) if pr is not None else None))
            vm = pr.find(_w("vMerge")) if pr is not None else None
            text = _cell_text(tc, numbering)
            above = open_at.get(col)
            if vm is not None and vm.get(_w("val")) in (None, "continue") and above is not None \
                    and above[0] + above[2] == r and above[3] == span:
                above[2] += 1
                if text:
                    above[4] = f"{above[4]}\n{text}" if above[4] else text
            else:
                a = [r, col, 1, span, text]
                anchors.append(a)
                for k in range(col, col + span):
                    open_at[k] = a
            col += span
        n_cols = max(n_cols, col)
    cells = tuple(Cell(t, r, c, rs, cs) for r, c, rs, cs, t in anchors)
    return Table(index=index, cells=cells, n_rows=min(len(rows), MAX_GRID), n_cols=max(1, n_cols))


# ---------------------------------------------------------------- automatic numbering

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _chinese(n: int, digits: str = _CN_DIGITS, ten: str = "十") -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (Word's chineseCounting)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return ten + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + ten + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    return digits[n // 100] + "百" + ("" if rest == 0 else (digits[0] + digits[rest] if rest < 10 else _chinese(rest, digits, ten)
                                                            if rest >= 20 else digits[1] + _chinese(rest, digits, ten)))


def _roman(n: int) -> str:
    out = ""
    for v, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                   (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += sym
            n -= v
    return out


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "taiwaneseCounting",
               "japaneseCounting", "ideographDigital"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾")
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _Numbering:
    """Word's automatic list numbers (「一、」「（一）」「1.」 typed by Word, not in the text runs).

    Counters per abstract list and level, in document order; a level restarts
    when a higher level advances. Bullets and numbering without a format are
    left out; numbering through a paragraph style is followed.
    """

    def __init__(self, numbering, styles):
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}   # abstractNumId -> ilvl -> (start, fmt, text)
        self.nums: dict[str, str] = {}                                   # numId -> abstractNumId
        self.starts: dict[tuple[str, int], int] = {}                     # (numId, ilvl) -> startOverride
        self.style_num: dict[str, tuple[str, int]] = {}                  # styleId -> (numId, ilvl)
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            for a in numbering.iter(_w("abstractNum")):
                lv = {}
                for lvl in a.iter(_w("lvl")):
                    start = _int(lvl.find(_w("start")), 1)
                    fmt = lvl.find(_w("numFmt"))
                    text = lvl.find(_w("lvlText"))
                    lv[_int_attr(lvl, "ilvl")] = (start, fmt.get(_w("val")) if fmt is not None else "decimal",
                                                  text.get(_w("val")) if text is not None else "")
                self.levels[a.get(_w("abstractNumId")) or ""] = lv
            for num in numbering.iter(_w("num")):
                nid = num.get(_w("numId")) or ""
                ab = num.find(_w("abstractNumId"))
                self.nums[nid] = ab.get(_w("val")) if ab is not None else ""
                for ov in num.iter(_w("lvlOverride")):
                    so = ov.find(_w("startOverride"))
                    if so is not None:
                        self.starts[(nid, _int_attr(ov, "ilvl"))] = _int(so, 1)
        if styles is not None:
            for st in styles.iter(_w("style")):
                np_ = st.find(f"{_w('pPr')}/{_w('numPr')}")
                if np_ is not None and np_.find(_w("numId")) is not None:
                    self.style_num[st.get(_w("styleId")) or ""] = (
                        np_.find(_w("numId")).get(_w("val")) or "", _int(np_.find(_w("ilvl")), 0))

    def label(self, p) -> str:
        if not self.nums:
            return ""
        ppr = p.find(_w("pPr"))
        if ppr is None:
            return ""
        num_pr = ppr.find(_w("numPr"))
        nid, ilvl = None, 0
        if num_pr is not None and num_pr.find(_w("numId")) is not None:
            nid = num_pr.find(_w("numId")).get(_w("val"))
            ilvl = _int(num_pr.find(_w("ilvl")), 0)
        else:
            ps = ppr.find(_w("pStyle"))
            if ps is not None and ps.get(_w("val")) in self.style_num:
                nid, ilvl = self.style_num[ps.get(_w("val"))]
        if not nid or nid == "0" or nid not in self.nums:
            return ""
        aid = self.nums[nid]
        levels = self.levels.get(aid, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(aid, {})
        start = self.starts.get((nid, ilvl), levels[ilvl][0])
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""

        def level_value(m):
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            value = counters.get(k, self.starts.get((nid, k), levels[k][0]))
            return _format(value, levels[k][1])
        return re.sub(r"%([1-9])", level_value, text)


def _int_attr(el, name: str, default: int = 0) -> int:
    try:
        return int(el.get(_w(name)) or default)
    except ValueError:
        return default
