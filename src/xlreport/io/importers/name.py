"""The agency's name of a published report, from what a reviewer has (issue 17, item 3).

`find_agency` looks, in this order, at:

1. the title line in the text: 「<机关>2023年(度)政府信息公开(工作)年度报告」, also with the
   year first, the year in brackets after it, spaces anywhere, printed over two or three short
   lines (「洪泽区人民政府」 / 「2023年政府信息公开工作年度报告」), or quoted in the title of the notice
   that publishes it (「关于公布《…年度报告》的公告」);
2. the titles the file carries besides its text, in the order given: a web page's
   `<meta name="ArticleTitle">`, `<ucaptitle>` and `<title>`, a Word or PDF file's document title;
3. the file name as a browser or a download saves it
   (「平潭综合实验区2022年度政府信息公开工作年度报告.txt」, 「…报告_某某政府门户网站.html」).

A name is only ever a part of such a title: never a sentence (「根据《条例》…编制本机关2023年度…报告」),
an HTML comment, a metadata label (「名称沭阳县发展和改革局…」: the label is dropped), a contact
office, or a word added by the program (no 「人民政府」 is appended to a place name). Where no
source gives one, the name stays blank and a notice says so (「未能识别机关名称」).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

NOT_FOUND = "未能识别机关名称"

_TITLE_WORDS = r"(?:政府)?(?:信息|政务)公开(?:工作)?(?:年度?报告?|报告)"  # 年度报告, 年报, 工作报告
_YEAR = r"(?P<year>20\d\d)年度?"
_TITLES = (
    re.compile(rf"^(?P<agency>.*?){_YEAR}{_TITLE_WORDS}(?P<tail>.*)$"),
    re.compile(rf"^{_YEAR}(?P<agency>.+?){_TITLE_WORDS}(?P<tail>.*)$"),
    re.compile(rf"^(?P<agency>.+?){_TITLE_WORDS}[(（]{_YEAR}[)）](?P<tail>.*)$"),
    re.compile(rf"^(?P<agency>.+?)(?:政府)?(?:信息|政务)公开(?:工作)?{_YEAR}报告(?P<tail>.*)$"),  # 「某市政府信息公开工作2023年度报告」
)
# What may follow the title words on its line: nothing, a bracketed note (（全文）, （2023年）), a date.
_TAIL = re.compile(r"^(?:[(（][^()（）]{0,12}[)）])?(?:(?:发布(?:日期|时间)?[:：]?)?\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?)?$")
# A name is a run of Chinese characters (brackets and the middle dot of some names allowed).
_NAME = re.compile(r"^[\u3007\u4e00-\u9fff·()（）]{2,40}$")
# Words that make a line a sentence, a link text or a notice, never a name.
_NOT_A_NAME = ("根据", "依据", "按照", "本报告", "现将", "关于", "印发", "编制", "如下", "以下简称", "发布",
               "我局", "我委", "我办", "我市", "我区", "我县", "我镇", "我乡", "我省", "请与", "联系", "附件", "下载",
               "上一篇", "下一篇", "相关", "点击", "查看", "解读")
# Labels of a metadata table or a PDF's header fused with their value (「名称沭阳县…」, 「标题：…」).
_LABEL = re.compile(r"^(?:文件名称|信息名称|文章标题|名称|标题|题名|主题|发布机构|发文机关|发文单位|信息来源|来源|"
                    r"生成日期|公开日期|发布日期|索引号)[:：]?")
_COMMENT = re.compile(r"<!--.*?(?:-->|$)|<[^>]*>", re.DOTALL)
# A report published inside a notice: 「关于公布《某县某局2023年度…年度报告》的公告」, 「某县人民政府办公室关于印发
# 《某县2023年…报告》的通知」: the name is the quoted title's (the issuer may be another office).
_NOTICE = re.compile(r"^(?P<issuer>[\u4e00-\u9fff（）()]{0,30}?)关于(?:印发|公布|发布|公开|公示)?《(?P<title>[^《》]+)》的?(?:公告|通知|通告)$")
# A page's or file's title: the article's title joined to the site's name or a column name.
_SEPARATORS = re.compile(r"\s*[_|｜]+\s*|\s+[-—–]+\s+|—{2}|-{2,}")
_DUPLICATE = re.compile(r"\s*[(（]\d{1,3}[)）]$")  # 「…报告(1)」: a browser's second download
_PLACE_END = ("省", "市", "自治区", "自治州", "州", "盟")
_STOP = set("由是的和与报告据在为对向及了本")
# Words that are no agency's name on their own (「2023年政府信息公开工作年度报告」 has no agency).
_GENERIC = {"政府", "人民政府", "本机关", "本单位", "机关", "单位", "本级", "全市", "全区", "全县", "全省"}
MAX_LINES = 60  # the title is looked for before the body starts, in at most this many lines
MAX_TITLE_LINE = 40  # a line of a title printed over several lines is short


@dataclass(frozen=True)
class AgencyName:
    """What `find_agency` found.

    `name` is the agency as printed (None when no source gives one); `source` where it was found
    (「标题」, the label of a title passed in, or 「文件名」; "" when not found); `year` the year
    printed with it; `line` the index in `lines` of the title's last line (-1 when the name is not
    from the text); `notes` Chinese notes for the reader (how the name was completed or where
    it came from, or the notice that none was found); `notice` the report's title when the name was
    read from the title of a notice publishing it (「关于公布《…年度报告》的公告」: the page may hold
    the notice only, the report in an attachment), else ""."""

    name: str | None
    source: str = ""
    year: int | None = None
    line: int = -1
    notes: tuple[str, ...] = ()
    notice: str = ""


_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "O": "0", "o": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# A year in Chinese numerals (「二〇二三年度」, 「二○二三年」, 「二零二三年」, 「二O二三年」).
_CN_YEAR = re.compile(r"二[〇○零Oo][一二三四五六七八九〇○零Oo]{2}(?=\s*年)")


def arabic_year(text: str) -> str:
    """「二〇二三年」 → 「2023年」 (only a four-digit year written in Chinese numerals before 年)."""
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group()), text)


def _squeeze(text: str) -> str:
    """NFKC, markup and comments dropped, whitespace removed, quotes and brackets at the ends off,
    a year in Chinese numerals written in digits."""
    text = _COMMENT.sub("", unicodedata.normalize("NFKC", text))
    text = arabic_year(re.sub(r"\s+", "", text)).strip("#*《》“”\"'「」『』【】.。,，:：;；")  # also Markdown's # and ** marks
    return text


def title_parts(text: str) -> tuple[str, int] | None:
    """(agency, year) when `text` is a report title with an agency's name; None otherwise."""
    text = _LABEL.sub("", _squeeze(text))
    if not text:
        return None
    notice = _NOTICE.match(text)
    if notice:  # the issuer, if printed, is a name: not a sentence (「根据…」) or a link (「上一篇」, 「相关阅读」)
        issuer = notice.group("issuer")
        named = is_name(issuer, publisher=True)  # the 政务公开办 may issue the notice
        return title_parts(notice.group("title")) if not issuer or named else None
    for pattern in _TITLES:
        m = pattern.match(text)
        if not m or not _TAIL.match(m.group("tail")):
            continue
        agency = m.group("agency").strip("《》“”").removesuffix("关于")  # 「某县某局关于2023年度…报告」
        if agency.endswith("人民"):  # 「某市人民政府信息公开工作年度报告（2023年）」: 政府 is the name's
            agency += "政府"
        if is_name(agency):
            return agency, int(m.group("year"))
    return None


def _notice_title(line: str) -> str:
    """The report's title quoted in a notice's title whose (last) line is `line` (「…《title》的公告」),
    else ""."""
    m = re.search(r"([^《》]+)》的?(?:公告|通知|通告)$", _squeeze(line))
    return m.group(1) if m else ""


# The office that publishes the reports (政务公开办, in a by-line or 落款 under a title without a name), not
# the agency whose report it is: 「淮安市政务公开办公室」 under 「2024年政府信息公开工作年度报告」 names no agency.
_PUBLISHER = re.compile(r"(?:政务|信息)公开(?:工作)?(?:领导小组)?办(?:公室)?$")


def is_name(text: str, publisher: bool = False) -> bool:
    """Whether `text` can be an agency's name: Chinese characters only, not a sentence's words, not
    the office that publishes the reports (政务公开办; `publisher`: that office's name is accepted)."""
    return bool(_NAME.match(text)) and not any(w in text for w in _NOT_A_NAME) \
        and len(text.strip("()（）·")) >= 2 and text not in _GENERIC and (publisher or not _PUBLISHER.search(text))


def _body_start(lines: Sequence[str]) -> int:
    """Index of the first line of the body: the heading 「一、…」, or MAX_LINES."""
    for i, line in enumerate(lines[:MAX_LINES]):
        if re.match(r"^一\s*[、.．,，]", unicodedata.normalize("NFKC", line).strip()):
            return i
    return min(len(lines), MAX_LINES)


def _from_text(lines: Sequence[str]) -> tuple[str, int, int] | None:
    """(agency, year, index of the title's last line): the title nearest before the body."""
    found = None
    i, end = 0, _body_start(lines)
    while i < end:
        step = 1
        for n in (1, 2, 3):  # the title on one line, or over two or three short ones
            group = lines[i:i + n]
            if len(group) < n or n > 1 and any(len(_squeeze(x)) > MAX_TITLE_LINE or not _squeeze(x) for x in group):
                break
            if n > 1 and (title_parts(group[-1]) is not None or any(_LABEL.match(_squeeze(x)) for x in group)):
                break  # a whole title on the last line, or a metadata line (「发布机构：某县教育局」) before it
            parts = title_parts("".join(group))
            if parts is not None:
                found, step = (parts[0], parts[1], i + n - 1), n  # its lines are not read again
                break
        i += step
    return found or _name_below_title(lines, end)


# The end of an agency's name printed on its own line under a title without one (the 落款 of a PDF).
_AGENCY_END = re.compile(r"(?:人民政府|政府|办公室|办公厅|委员会|局|厅|委|办|署|中心|院|街道办事处|街道|镇|乡)$")


def _name_below_title(lines: Sequence[str], end: int) -> tuple[str, int, int] | None:
    """「2023年度政府信息公开工作年度报告」 / 「某县教育局」: a title without a name, and the name on
    one of the two lines under it (a PDF's cover or by-line), before the body."""
    for i in range(end):
        m = re.match(rf"^{_YEAR}{_TITLE_WORDS}$", _LABEL.sub("", _squeeze(lines[i])))
        if not m:
            continue
        for j in range(i + 1, min(i + 3, end)):
            below = _squeeze(lines[j])
            if is_name(below) and _AGENCY_END.search(below) and len(below) <= MAX_TITLE_LINE:
                return below, int(m.group("year")), j
    return None


def _candidates(title: str) -> list[str]:
    """The parts of a page's or file's title that may be the report's title."""
    title = re.sub(r"^Microsoft\s+Word\s*-\s*", "", title.strip(), flags=re.IGNORECASE)
    title = _DUPLICATE.sub("", re.sub(r"\.(?:docx?|wps|pdf|txt|md|s?html?)$", "", title, flags=re.IGNORECASE))
    parts = [*_SEPARATORS.split(title), *re.split(r"(?<=报告)\s*[-—–_|｜]+\s*", title)]  # 「…报告-某市人民政府」
    return list(dict.fromkeys(p for p in [title, *parts] if p))


def file_title(file_name: str) -> str:
    """A file's name without its folder and suffix(es) (「….txt」, 「….pdf.html」)."""
    name = PurePath(file_name.replace("\\", "/")).name
    while re.search(r"\.[A-Za-z]{2,5}$", name):
        name = name[:name.rindex(".")]
    return name


def complete_with_place(name: str, text: str) -> str:
    """洪泽区人民政府 in the title, 淮安市洪泽区人民政府办公室 in the text → 淮安市洪泽区人民政府:
    the name with the place printed before it in `text` (a 省/市/州 …), never a word of the program's."""
    best = name
    for m in re.finditer(re.escape(name), text):
        i = j = m.start()
        while j > 0 and "\u4e00" <= text[j - 1] <= "\u9fff" and text[j - 1] not in _STOP and i - j < 8:
            j -= 1
        prefix = text[j:i]
        if prefix and prefix.endswith(_PLACE_END) and len(prefix) + len(name) > len(best) and is_name(prefix + name):
            best = prefix + name
    return best


def find_agency(lines: Sequence[str], titles: Sequence[tuple[str, str]] = (), file_name: str = "") -> AgencyName:
    """The agency's name of a published report and where it was found.

    `lines`: the document's text paragraphs in reading order (tables left out);
    `titles`: (where, text) of the titles the file carries besides its text, best first — e.g.
    ("网页标题", <title>), ("网页 ArticleTitle", …), ("Word 文档属性中的标题", core title);
    `file_name`: the file's name (its folder and suffix are dropped)."""
    in_text = _from_text(lines)
    if in_text is not None:
        agency, year, at = in_text
        after = "".join(lines[at + 1:at + 9])
        full = complete_with_place(agency, after)
        notes = (f"机关名称按标题“{agency}”和正文补全为“{full}”，请核对",) if full != agency else ()
        return AgencyName(full, "标题", year, at, notes, _notice_title(lines[at]))
    for where, title in (*titles, ("文件名", file_title(file_name) if file_name else "")):
        for part in _candidates(title or ""):
            parts = title_parts(part)
            if parts is not None:
                note = (f"正文中没有报告标题，机关名称“{parts[0]}”取自{where}“{title.strip()}”，请核对",)
                return AgencyName(parts[0], where, parts[1], -1, note, _notice_title(part))
    notice = (f"{NOT_FOUND}：正文开头、网页或文档的标题和文件名中都没有“机关名称+年度+政府信息公开工作年度报告”"
              f"这样的标题，机关全称留空；请核对报告的来源，并在报告标题中写明机关全称（如“××市××局2024年政府信息公开工作年度报告”）")
    return AgencyName(None, "", None, -1, (notice,))


def agency_kind(agency: str) -> tuple[str | None, bool | None]:
    """(meta.agency_kind, meta.can_make_rules) inferred from the name — always to be said as inferred.

    条例 / 立法法 第九十三条: 规章 are made by 国务院部门 and by the 人民政府 of 省、自治区、
    直辖市 and 设区的市、自治州 — so a government whose name stops at 市 or 州 (no 区/县
    below it) or at 省/自治区 may make them; a district, county or town may not. A report
    titled by a place alone (「宿迁市2023年…报告」) is that place's government's.
    A 县级市 cannot be told from a 设区的市 by its name: the note says it is inferred.
    """
    if not agency:
        return None, None
    place = agency.removesuffix("人民政府")
    if agency.endswith("人民政府") or re.search(r"(省|自治区|市|自治州|州|盟|区|县|旗|乡|镇|街道)$", agency):
        lower = re.search(r"(区|县|旗|乡|镇|街道|办事处)$", place)
        upper = re.search(r"(省|自治区|市|自治州|州|盟)$", place)
        return "government", bool(upper and not lower)
    if re.search(r"(局|厅|委员会|委|办公室|办|署|中心|院)$", agency):
        return "department", False
    return "other", False
