"""Who published a report and for which year: title first, then what else the page says.

Published pages wrap the title in site furniture (``标题:``, ``当前位置:首页 > …``,
``无障碍版``, ``政府信息公开``, a flip-book's ``Page 8 - ``, HTML tags, a mirror's pinyin
glosses), break it over lines (``某局2021年`` / ``政府信息公开工作年度报告``), space it
(``2024 年``), put the year first (``2022年上海市某某室政府信息公开工作年度报告``), or leave it
out and name the agency only in a sentence (``现公布区统计局2023年政府信息公开工作年度报告``,
``本年度报告由某局根据…``, ``2023年，某局出台…``).  The reader tries, in order:

agency: the title → a line holding only an agency name at the top → a sentence of the
preface that names the report → a sentence of section 一 → (later, by :mod:`.sections`) the
signature → the page's 发布机构 / 来源 field;

year: the title → the 统计期限 sentence → a sentence naming the report → ``2024年度`` → the
first year the text speaks of.

Each answer carries where it came from (``--json``: ``agency_from``, ``year_from``).  A name
is only taken when it reads like one: short, no sentence punctuation, not ``我局`` or
``本机关``, ending like an agency (局, 委, 办公室, 人民政府, 街道办事处, 镇 …).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reportgen.importer.sources import Line

#: Years a report of the supported formats can be for (2019 is refused later, politely).
_YEARS = r"(?:19|20)\d{2}"
_TAG = re.compile(r"<[^>]*>|&nbsp;|&#\d+;")
#: ``機(jī)關(guān)``: pinyin glosses a mirror site put after each character.
_PINYIN = re.compile(r"\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")
_SPACE = re.compile(r"[\s\u3000]+")
_PAGE_VIEWER = re.compile(r"^(?:Page\s*\d+\s*[-–—]\s*|P\.\s*\d+\s*)", re.I)
#: Furniture in front of a title or a name (matched on the text without spaces).
_PREFIX = re.compile(
    r"^(?:标题|名称|题名|文章标题|来源|发布机构|发文机关|信息来源|当前位置|您当前的位置|您的位置"
    r"|位置)[:：]|^(?:无障碍(?:版|浏览)?|首页|政府信息公开|政务公开|信息公开|政府信息公开年报"
    r"|年度报告|【[^】]*】|\[[^\]]*\]|[>»＞/|｜·•\-—_]+)"
)
_OPEN = r"(?:政府信息公开|政务公开|信息公开|政府信息公開|信息公開)"
#: A title: the year, the words of the report's kind, and 报 somewhere after them.
_TITLE = re.compile(rf"^(?P<pre>.*?)(?P<year>{_YEARS})年度?(?P<mid>.*?){_OPEN}.*?[报報]")
#: A flip-book title: ``2020年报_审计局``.
_SHORT_TITLE = re.compile(rf"^(?P<year>{_YEARS})年(?:度)?年?报[_\-—\s:：]*(?P<post>.+)$")
#: A preface sentence naming the report: ``现公布区统计局2023年政府信息公开工作年度报告``.
_SENTENCE_AGENCY_FIRST = re.compile(
    rf"(?:现将|现公布|公布|发布|结合|编制|向社会公布|特向社会公布)(?P<agency>[^，,。；;：:（(《》\s]{{2,30}}?)"
    rf"(?P<year>{_YEARS})年度?{_OPEN}"
)
_SENTENCE_YEAR_FIRST = re.compile(
    rf"(?:现将|现公布|公布|发布|结合|编制|向社会公布)(?P<year>{_YEARS})年度?"
    rf"(?P<agency>[^，,。；;：:（(《》\s]{{2,30}}?){_OPEN}"
)
_BY_AGENCY = re.compile(
    r"(?:报告|年报|報告|年報)由(?P<agency>[^，,。；;：:（(《》\s]{2,30}?)"
    r"(?:根据|依据|按照|编制|根據|依據|編制)"
)
#: Endings of agency names (the last characters of 某某局, 某某街道办事处 …).
_SUFFIX = (
    r"(?:街道办事处|办事处|人民政府|政府|办公室|办公厅|委员会|管理局|服务局|局|委|办|室|厅|中心|院"
    r"|所|站|馆|处|镇|乡|街道|街|会|队|署|区|县|市|旗|州|盟|辦公室|辦公廳|委員會|辦事處|廳|館|會|隊)"
)
_AGENCY_LIKE = re.compile(rf"^[^\d，,。；;：:！？!?（）()《》“”\"'、\s]{{1,30}}{_SUFFIX}$")
#: ``2023年，某局出台…`` / ``，某街道办事处认真贯彻…``: an agency as a sentence's subject.
_SUBJECT = re.compile(
    rf"(?:^|[，,。；;：:]|{_YEARS}年[，,]?)(?P<agency>[\u4e00-\u9fff]{{2,24}}?{_SUFFIX})"
    r"(?=高度重视|认真|全面|坚持|深入|严格|始终|紧紧|积极|切实|持续|不断|出台|进一步|扎实|围绕|按照"
    r"|共|全年|以|在|把|将|主动|紧扣|聚焦)"
)
_NOT_A_NAME = re.compile(
    r"^(?:我|本|该|全|各|根据|为|现|按照|关于|对|在|以|其|上级|区委|市委|县委|根據|為|現)"
)
_STAT_PERIOD = re.compile(rf"统计期限[^。]{{0,16}}?(?P<year>{_YEARS})\s*年\s*0?1\s*月\s*0?1\s*日")
_YEAR_DU = re.compile(rf"(?P<year>{_YEARS})年度")
_ANY_YEAR = re.compile(rf"(?P<year>{_YEARS})年")
_FIELD = re.compile(
    r"(?P<field>发布机构|发文机关|来源|信息来源)\s*[:：]\s*(?P<agency>[^\s:：|]{2,30})"
)


@dataclass
class TitleBlock:
    agency: str | None
    year: int | None
    title_index: int | None
    agency_from: str | None = None
    year_from: str | None = None


def squeeze(text: str) -> str:
    """A line as a title reader sees it: no tags, glosses, page-viewer text or spaces."""
    if "<" in text or "&" in text:
        text = _TAG.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    if "(" in text:
        text = _PINYIN.sub("", text)
    text = _PAGE_VIEWER.sub("", text.strip())
    return _SPACE.sub("", text).strip("#*> ")


def clean_agency(text: str | None) -> str | None:
    """``text`` without site furniture around it, if what is left reads like a name."""
    if not text:
        return None
    text = squeeze(text)
    if text.count(">") + text.count("»") >= 1:
        text = re.split(r"[>»]", text)[-1]
    previous = None
    while previous != text:
        previous = text
        text = _PREFIX.sub("", text).strip("《》〈〉“”\"'·:：,，.。_-—")
    text = re.sub(r"(?:关于)?$", "", text)
    if not _AGENCY_LIKE.match(text) or _NOT_A_NAME.match(text):
        return None
    return text


def _furniture_line(text: str) -> bool:
    return text.count(">") + text.count("»") >= 2 or text.startswith(("首页", "当前位置"))


def read_title(lines: list[Line], limit: int) -> TitleBlock:
    """Agency and year of a report, each with where it was found."""
    head = [squeeze(line.text) for line in lines[:limit]]
    block = TitleBlock(None, None, None)
    for i, text in enumerate(head):
        if _furniture_line(text):
            text = re.split(r"[>»]", text)[-1]  # a breadcrumb: only its end may be a title
        if not text or len(text) > 90:
            continue
        joined, last = text, i
        while not re.search("[报報]", joined[-12:]) and last + 1 < len(head) and len(joined) < 60:
            if not (re.search(_YEARS + "年", joined) or re.search(_OPEN, joined)):
                break
            last += 1
            joined += head[last]
        m = _TITLE.match(joined)
        short = _SHORT_TITLE.match(joined)
        if m and len(joined) <= 90:
            block.year, block.year_from = int(m["year"]), "标题"
            block.title_index = last
            agency = clean_agency(m["pre"]) or clean_agency(m["mid"])
            if agency:
                block.agency, block.agency_from = agency, "标题"
            elif i > 0:
                block.agency = _line_above(head, i)
                block.agency_from = "标题上一行" if block.agency else None
            break
        if short:
            block.year, block.year_from = int(short["year"]), "标题"
            block.title_index = i
            agency = clean_agency(short["post"])
            if agency:
                block.agency, block.agency_from = agency, "标题"
            break
        if re.fullmatch(rf"{_OPEN}(?:工作)?(?:年度)?报告", joined) and i > 0:
            # ``某局`` / ``政府信息公开工作年度报告``: a title without a year.
            block.title_index = i
            block.agency = _line_above(head, i)
            block.agency_from = "标题上一行" if block.agency else None
            break
    if block.agency is None:
        _agency_from_text(head, block)
    if block.year is None:
        _year_from_text(head, block)
    return block


def _line_above(head: list[str], i: int) -> str | None:
    for text in reversed(head[max(0, i - 3) : i]):
        agency = clean_agency(text)
        if agency:
            return agency
    return None


def _agency_from_text(head: list[str], block: TitleBlock) -> None:
    """No name in a title: a name line at the top, a sentence naming the report, a subject."""
    for text in head[:4]:
        if len(text) <= 24:
            agency = clean_agency(text)
            if agency:
                block.agency, block.agency_from = agency, "开头的机关名称"
                return
    for text in head:
        for pattern in (_SENTENCE_AGENCY_FIRST, _SENTENCE_YEAR_FIRST, _BY_AGENCY):
            for m in pattern.finditer(text):
                agency = clean_agency(m["agency"])
                if agency:
                    block.agency, block.agency_from = agency, "正文"
                    if block.year is None and "year" in m.groupdict():
                        block.year, block.year_from = int(m["year"]), "正文"
                    return
    for text in head:
        for m in _SUBJECT.finditer(text):
            agency = clean_agency(m["agency"])
            if agency:
                block.agency, block.agency_from = agency, "正文"
                return


def _year_from_text(head: list[str], block: TitleBlock) -> None:
    for text in head:
        m = _STAT_PERIOD.search(text)
        if m:
            block.year, block.year_from = int(m["year"]), "统计期限"
            return
    for text in head:
        for pattern in (_SENTENCE_AGENCY_FIRST, _SENTENCE_YEAR_FIRST):
            m = pattern.search(text)
            if m:
                block.year, block.year_from = int(m["year"]), "正文"
                return
    for pattern in (_YEAR_DU, _ANY_YEAR):
        for text in head:
            m = pattern.search(text)
            if m:
                block.year, block.year_from = int(m["year"]), "正文"
                return


def field_agency(lines: list[Line], limit: int) -> tuple[str | None, str | None]:
    """The page's 发布机构 (or 来源) field: (name, field), the last fallback for the agency."""
    found: dict[str, str] = {}
    for line in lines[:limit]:
        for m in _FIELD.finditer(unicodedata.normalize("NFKC", _TAG.sub(" ", line.text))):
            agency = clean_agency(m["agency"])
            if agency:
                found.setdefault(m["field"], agency)
    for field in ("发布机构", "发文机关", "信息来源", "来源"):
        if field in found:
            return found[field], field
    return None, None
