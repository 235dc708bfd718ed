"""Split a published report into its six sections and read the title block.

A section starts at a line that carries its official number (``一、`` … ``六、``) and reads
like its official heading (agencies lengthen or reword them: ``四、被申请行政复议、提起
行政诉讼情况``).  Headings must come in order, so ``三、本年度办理结果`` inside table 三
is never taken for section 三, and unnumbered subheadings inside section 一 (seed 000)
stay text.  The text keeps the published characters (traditional stays traditional);
site furniture (分享到, 扫一扫在手机打开当前页, 相关阅读 …) is dropped.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from reportgen.definition import Format
from reportgen.importer.labels import key, number_of, simplified
from reportgen.importer.result import Finding, ImportResult
from reportgen.importer.sources import Line
from reportgen.importer.tables import CACHED_TEXT
from reportgen.importer.title import TitleBlock, clean_agency, field_agency

_HEADING_SIMILARITY = 0.45
_DATE = re.compile(
    r"^\s*([0-9０-９]{4})\s*年\s*([0-9０-９]{1,2})\s*月\s*([0-9０-９]{1,2})\s*日\s*$"
)
_WEB_DATE = re.compile(r"发布(?:时间|日期)\s*[:：]\s*(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})")
#: Page furniture of government sites and encyclopaedia copies (matched on simplified text).
_FURNITURE = re.compile(
    r"^(无障碍(?:版|浏览)?|扫一扫在手机(?:上)?打开当前页|打印本页|关闭窗口|【?打印】?|【?关闭】?"
    r"|相关(?:附件|阅读|链接|词条|文章)[:：]?|热门词条|联络我们|联系我们|基本介绍|分享到[:：]?"
    r"|[•·]\s*(?:中文名|类型)[:：].*|.*(?:浏览次数|字体[:：]|分享到).*|来源[:：].*"
    r"|\[image:.*\]|政府信息公开|信息公开|首页.*|当前位置.*|发布(?:时间|日期)[:：].*)$"
)
_SECTION_NUMBER = re.compile(r"^\s*([一二三四五六])\s*[、.]")
_MARKUP = re.compile(r"^[#>\s*]+|\*+$")


@dataclass
class Heading:
    section: str
    index: int  # line index
    text: str


def plain(text: str) -> str:
    """Text without markdown heading/emphasis marks around it."""
    return _MARKUP.sub("", text).strip()


def is_furniture(text: str) -> bool:
    t = unicodedata.normalize("NFKC", text).strip()
    if not t:
        return True
    if any(ord(ch) > 0x2E7F for ch in t):
        t = simplified(t)
    return bool(_FURNITURE.match(t.replace(" ", "")))


def _similar(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@functools.lru_cache(maxsize=65536)
def _numbered(line_text: str) -> tuple[str, str | None]:
    """A line's text as a heading (marks removed) and its section number (None: no heading).

    Looked up by text: most lines of a report (labels, numbers) recur from report to report.
    """
    text = plain(line_text)
    if not text or len(text) > 40:
        return text, None
    m = _SECTION_NUMBER.match(unicodedata.normalize("NFKC", text))
    return text, (m.group(1) if m else None)


def find_headings(lines: list[Line], fmt: Format) -> dict[str, Heading]:
    """The line where each of the six sections starts (those found)."""
    numbers = {s.key: number_of(s.label) for s in fmt.sections}
    bodies = {s.key: key(s.label)[len(numbers[s.key]) :] for s in fmt.sections}
    order = [s.key for s in fmt.sections]
    found: dict[str, Heading] = {}
    position = 0
    for i, line in enumerate(lines):
        if line.structured and len(line.cells) > 2:
            continue
        text = line.text
        text, number = (_numbered if len(text) <= CACHED_TEXT else _numbered.__wrapped__)(text)
        if number is None:
            continue
        for rank in range(position, len(order)):
            section = order[rank]
            if numbers[section] != number:
                continue
            body = key(text)[len(number) :]
            wanted = bodies[section]
            if body == wanted or wanted in body or _similar(body, wanted) >= _HEADING_SIMILARITY:
                found[section] = Heading(section, i, text)
                position = rank + 1
            break
    return found


def web_date(lines: list[Line], limit: int) -> dt.date | None:
    for line in lines[:limit]:
        m = _WEB_DATE.search(unicodedata.normalize("NFKC", line.text))
        if m:
            try:
                return dt.date(*(int(g) for g in m.groups()))
            except ValueError:
                return None
    return None


def signature(
    paragraphs: list[str], agency: str | None
) -> tuple[list[str], dt.date | None, str | None]:
    """Split the closing signature (机关名称, 日期) off the last section's paragraphs.

    Returns the paragraphs left, the date and the signing agency's line (or None).
    """
    date = None
    signer = None
    out = list(paragraphs)
    while out and is_furniture(out[-1]):
        out.pop()
    if out:
        m = _DATE.match(unicodedata.normalize("NFKC", out[-1]))
        if m:
            try:
                date = dt.date(*(int(g) for g in m.groups()))
                out.pop()
            except ValueError:
                date = None
    if date and out and _is_signature(out[-1], agency):
        signer = out.pop()
    elif out and agency and key(out[-1]) == key(agency):
        signer = out.pop()  # signed without a date
    return out, date, signer


def _is_signature(text: str, agency: str | None) -> bool:
    """The agency's name above the date: the agency itself, or a short line, no sentence."""
    if agency and key(text) and key(text) in key(agency):
        return True
    return len(text.strip()) <= 30 and not re.search(r"[。；;，,]", text)


_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f]) +| +(?=[^\x00-\x7f])")


def paragraphs(lines: list[Line], kind: str) -> list[str]:
    """The paragraphs of a run of narrative lines, as published.

    PDF lines are wrapped: a line joins the previous one unless it is indented (a new
    paragraph) or the previous one ended a sentence list item; spaces that PDF layout puts
    next to Chinese characters are dropped.
    """
    out: list[str] = []
    if kind != "pdf":
        for line in lines:
            text = line.text.strip()
            if text and not is_furniture(text):
                out.append(text)
        return out
    for line in lines:
        text = _CJK_GAP.sub("", re.sub(r" {2,}", " ", line.text.strip()))
        if not text or is_furniture(text):
            continue
        if out and not line.indented:
            out[-1] += text
        else:
            out.append(text)
    return out


# --------------------------------------------------------------------------- import


def read_sections(
    result: ImportResult,
    lines: list[Line],
    headings: dict[str, Heading],
    title: TitleBlock,
    kind: str,
    table_start: int,
) -> None:
    """Fill ``result`` with the section texts, the preface and the signature date.

    Sections 二, 三 and 四 are tables and bring no text; section 一 stops where the tables
    start when section 二 has no heading.  The signature is taken off the last text
    section; without one, the web page's 发布时间 gives the date, and the report file says so.
    """
    fmt = result.format
    positions = sorted((h.index, h.section) for h in headings.values())
    result.sections_found = {
        s.key: (headings[s.key].text if s.key in headings else None) for s in fmt.sections
    }
    texts: dict[str, list[str]] = {}
    for n, (begin, section) in enumerate(positions):
        stop = positions[n + 1][0] if n + 1 < len(positions) else len(lines)
        if section in ("proactive", "applications", "appeals"):
            continue
        if section == "overview":
            stop = min(stop, table_start) if table_start > begin else stop
        body = lines[begin + 1 : stop]
        paras = paragraphs(body, kind)
        heading_key = key(headings[section].text)
        while paras and key(paras[0]) == heading_key:
            paras.pop(0)  # the heading repeated (seed 003)
        texts[section] = paras
    # Preface: between the title block and section 一.
    first = positions[0][0] if positions else table_start
    begin = (title.title_index or -1) + 1
    preface = [p for p in paragraphs(lines[begin:first], kind) if not _is_title(p, result.agency)]
    last_text = next(
        (s for _, s in reversed(positions) if s in ("other_matters", "problems", "overview")), None
    )
    published = signer = None
    if last_text:
        texts[last_text], published, signer = signature(texts[last_text], result.agency)
    if not result.agency:
        _agency_fallback(result, lines, signer)
    if published:
        result.published, result.published_from = published, "落款"
    else:
        web = web_date(lines, min(len(lines), 12))
        if web:
            result.published, result.published_from = web, "发布时间"
    sections: dict[str, str] = {}
    if preface:
        sections["preface"] = "\n".join(preface)
    for s in fmt.text_sections:
        sections[s.key] = "\n".join(texts.get(s.key, []))
        if s.key not in headings:
            result.findings.append(Finding("warning", f"原文中找不到“{s.label}”这一部分"))
    for s in fmt.sections:
        if s.kind == "table" and s.key not in headings:
            result.findings.append(Finding("info", f"原文中找不到标题“{s.label}”"))
    result.sections = sections
    result.data["sections"] = sections
    if result.published:
        result.data["published"] = result.published


def _agency_fallback(result: ImportResult, lines: list[Line], signer: str | None) -> None:
    """No agency in the title or the text: the signature, then the page's 发布机构 field."""
    agency, where = clean_agency(signer), "落款"
    if not agency:
        agency, where = field_agency(lines, min(len(lines), 15))
    if agency:
        result.agency, result.agency_from = agency, where
        result.data["agency"] = agency
    else:
        result.findings.append(Finding("warning", "标题和正文中找不到机关名称"))


def _is_title(text: str, agency: str) -> bool:
    """A repeat of the title (or the agency's name) above the preface, not preface text."""
    k = key(text)
    return bool(agency) and k and (k in key(agency) or ("年度报告" in k and len(k) < 40))
