"""HTML rendering: official labels, merged cells, every number, escaping, both formats."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reportgen.definition import get_format
from reportgen.render.html import fee_text, render_html, signature_offsets
from reportgen.render.metrics import width_em
from reportgen.validate import check_text
from reportgen.writer import dump_report

#: table 三 columns in order (总计 is computed)
APPLICATION_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
)

OVERVIEW = """\
2024年，本局坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，\
围绕中心工作，深入推进政务公开标准化规范化建设，以公开促落实、强监管、优服务，政府信息公开工作取得新成效。
（一）主动公开
全年通过门户网站主动公开政府信息1286条，其中政策文件42件、政策解读材料35篇，**一是**聚焦重点领域信息公开，\
**二是**强化政策解读，采用图文、视频等形式解读重要政策18次。本年新收政府信息公开申请\
{{ applications.new_received.total }}件。
（二）依申请公开。严格执行依申请公开受理、审查、答复等制度，依法按时答复，答复规范率100%。
（三）政府信息管理
1.健全信息发布审查机制
坚持“先审查、后公开”和“一事一审”原则，全年未发生失泄密事件。
（四）政府信息公开平台建设
持续优化门户网站政府信息公开专栏，及时更新机构职能、法规文件、规划计划等栏目内容。
（五）监督保障
将政务公开工作纳入年度绩效考核，组织业务培训2次，参训人员120人次，全年未发生责任追究情况。"""

PROBLEMS = """\
（一）存在的主要问题
一是政策解读形式还不够丰富；二是基层政务公开标准化建设有待深化。
（二）改进措施
下一步，本局将丰富解读形式，推动政务公开向基层延伸。上一年度报告所列问题均已整改。"""

OTHER = "本年度未收取信息处理费。办理人大代表建议15件、政协提案22件，办理结果均已公开。"


def application_rows(fmt_id: str) -> dict:
    """Table 三 rows that balance: 一 + 二 = （七）总计 + 四, column by column."""
    results = {
        "granted": [120, 8, 1, 0, 2, 3],
        "partial": [15, 2, 0, 0, 1, 0],
        "denied": {
            "state_secret": [1, 0, 0, 0, 0, 0],
            "law_prohibited": [2, 0, 0, 0, 0, 0],
            "security_stability": [0, 0, 0, 0, 0, 0],
            "third_party": [4, 1, 0, 0, 0, 0],
            "internal_affairs": [3, 0, 0, 0, 0, 0],
            "process_info": [5, 1, 0, 0, 0, 0],
            "enforcement_file": [2, 0, 0, 0, 0, 0],
            "admin_query": [6, 0, 0, 0, 0, 0],
        },
        "unable": {
            "not_held": [40, 3, 0, 1, 1, 0],
            "needs_creation": [7, 0, 0, 0, 0, 0],
            "still_unclear": [3, 0, 0, 0, 0, 0],
        },
        "not_processed": {
            "petition": [9, 0, 0, 0, 0, 0],
            "repeat": [11, 1, 0, 0, 0, 0],
            "publication": [1, 0, 0, 0, 0, 0],
            "mass_repeat": [0, 0, 0, 0, 0, 0],
            "confirm_reissue": [2, 0, 0, 0, 0, 0],
        },
    }
    if fmt_id == "v2021":
        results["other"] = {
            "no_correction": [5, 0, 0, 0, 0, 0],
            "fee_unpaid": [1, 0, 0, 0, 0, 0],
            "other": [4, 0, 0, 0, 0, 1],
        }
    else:
        results["other"] = [10, 0, 0, 0, 0, 1]
    leaves = []
    for value in results.values():
        leaves.extend(value.values() if isinstance(value, dict) else [value])
    total = [sum(row[i] for row in leaves) for i in range(len(APPLICATION_COLUMNS))]
    carried_over = [6, 1, 0, 0, 0, 0]
    carried_forward = [9, 1, 0, 0, 1, 0]
    new = [t + f - c for t, f, c in zip(total, carried_forward, carried_over, strict=True)]
    rows = {
        "new_received": new,
        "carried_over": carried_over,
        **results,
        "carried_forward": carried_forward,
    }
    return {k: _keyed(v) for k, v in rows.items()}


def _keyed(rows):
    """Row lists as the report file's column mappings."""
    if isinstance(rows, dict):
        return {k: _keyed(v) for k, v in rows.items()}
    return dict(zip(APPLICATION_COLUMNS, rows, strict=True))


def report_data(year: int = 2024, **changes) -> dict:
    """A realistic report file's data with non-zero figures in every table."""
    fmt_id = "v2021" if year >= 2021 else "v2019"
    if fmt_id == "v2021":
        proactive = {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_docs": {"issued": 12, "repealed": 3, "in_force": 86},
            "licensing": {"decisions": 5321},
            "penalty": {"decisions": 412},
            "coercion": {"decisions": 37},
            "fees": {"amount": Decimal("20.3")},
        }
    else:
        proactive = {
            "regulations": {"new_made": 0, "new_published": 0, "published_total": 0},
            "normative_docs": {"new_made": 26, "new_published": 26, "published_total": 102},
            "licensing": {"previous_items": 583, "change": -46, "decisions": 145750},
            "other_services": {"previous_items": 570, "change": 12, "decisions": 3302},
            "penalty": {"previous_items": 3024, "change": -8, "decisions": 2165},
            "coercion": {"previous_items": 126, "change": 0, "decisions": 41},
            "fees": {"previous_items": 9, "change": -1},
            "procurement": {"projects": 31, "amount": 251000, "unit": "元"},
        }
    data = {
        "year": year,
        "agency": "某某市生态环境局",
        "published": dt.date(year + 1, 1, 20),
        "sections": {"overview": OVERVIEW, "problems": PROBLEMS, "other_matters": OTHER},
        "proactive": proactive,
        "applications": application_rows(fmt_id),
        "appeals": {
            "review": {"upheld": 3, "corrected": 1, "other": 0, "pending": 1},
            "lit_direct": {"upheld": 2, "corrected": 0, "other": 1, "pending": 0},
            "lit_after_review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 1},
        },
    }
    data.update(changes)
    return data


def report_yaml(year: int = 2024, **changes) -> str:
    data = report_data(year, **changes)
    return dump_report(get_format("v2021" if year >= 2021 else "v2019"), data)


def load(year: int = 2024, **changes):
    outcome = check_text(report_yaml(year, **changes), f"report{year}.yaml")
    assert outcome.ok, [p.format() for p in outcome.errors]
    return outcome.report


# ------------------------------------------------------------------ a small DOM


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None):
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def find(self, tag: str, **attrs) -> Element:
        for el in self.iter(tag):
            if all(el.attrs.get(k.rstrip("_")) == v for k, v in attrs.items()):
                return el
        raise AssertionError(f"no <{tag} {attrs}>")


VOID = {"meta", "br", "col", "link", "img", "input", "hr"}


class DomBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        el = Element(tag, dict(attrs), self.current)
        self.current.children.append(el)
        if tag not in VOID:
            self.current = el

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"unbalanced </{tag}>"
        self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = DomBuilder()
    builder.feed(html)
    builder.close()
    assert builder.current is builder.root, "unclosed elements"
    return builder.root


def grid(table: Element, width: int | None = None) -> list[list[tuple[Element, int, int]]]:
    """Place every cell of a table on its grid: (cell, row, column) per grid row.

    With ``width``, also check that the cells tile the grid exactly (no gap, no overlap).
    """
    rows = list(table.iter("tr"))
    taken: set[tuple[int, int]] = set()
    placed: list[list[tuple[Element, int, int]]] = []
    for r, tr in enumerate(rows):
        c = 0
        line = []
        for cell in (el for el in tr.children if isinstance(el, Element)):
            while (r, c) in taken:
                c += 1
            rs, cs = int(cell.attrs.get("rowspan") or 1), int(cell.attrs.get("colspan") or 1)
            for dr in range(rs):
                for dc in range(cs):
                    assert (r + dr, c + dc) not in taken, "overlapping cells"
                    taken.add((r + dr, c + dc))
            line.append((cell, r, c))
            c += cs
        placed.append(line)
    if width is not None:
        assert taken == {(r, c) for r in range(len(rows)) for c in range(width)}
    return placed


# ------------------------------------------------------------------ tests


@pytest.fixture(scope="module", params=[2024, 2020], ids=["v2021", "v2019"])
def rendered(request):
    report = load(request.param)
    html = render_html(report)
    return report, html, parse(html)


def test_page_is_standalone_chinese_document(rendered):
    report, html, dom = rendered
    root = dom.find("html")
    assert root.attrs["lang"] == "zh-CN"
    assert dom.find("title").text() == f"{report.agency}{report.year}年政府信息公开工作年度报告"
    assert dom.find("h1").text() == report.title
    assert dom.find("meta", name="author").attrs["content"] == report.agency
    # no external requests: no links, scripts, images or url() pointing anywhere
    assert not list(dom.iter("link")) and not list(dom.iter("script"))
    assert not re.search(r"(?:src|href)=|url\((?!data:)|@import", html)
    assert dom.find("meta", name="viewport")


def test_six_sections_with_official_headings_in_order(rendered):
    report, _, dom = rendered
    headings = [h.text() for h in dom.iter("h2")]
    assert headings == [s.label for s in report.format.sections]


@pytest.mark.parametrize("key", ["proactive", "applications", "appeals"])
def test_table_labels_spans_and_numbers_follow_the_definition(rendered, key):
    report, _, dom = rendered
    table_def = report.format.tables[key]
    table = dom.find("table", id=f"table-{key}")
    assert table.find("caption").text() == f"{table_def.name} {table_def.caption}"
    placed = grid(table, table_def.grid_width)
    expected_rows = []
    for block in table_def.blocks:
        for row in table_def.header_rows(block):
            expected_rows.append([(h.label, h.rowspan, h.colspan) for h in row])
        for row in table_def.body_rows(block):
            labels = [(lc.node.label, lc.rowspan, lc.colspan) for lc in row.labels]
            values = [(str(report.values[c.path]), 1, row.span) for c in row.cells]
            expected_rows.append(labels + values)
    actual_rows = [
        [
            (cell.text(), int(cell.attrs.get("rowspan") or 1), int(cell.attrs.get("colspan") or 1))
            for cell, _, _ in line
        ]
        for line in placed
    ]
    if key == "proactive" and report.format.id == "v2019":
        # the procurement amount carries its unit
        expected_rows = [
            [(t + "元", rs, cs) if t == "251000" else (t, rs, cs) for t, rs, cs in row]
            for row in expected_rows
        ]
    assert actual_rows == expected_rows


def test_table_three_structure(rendered):
    report, _, dom = rendered
    table = dom.find("table", id="table-applications")
    head = table.find("thead")
    head_rows = list(head.iter("tr"))
    assert len(head_rows) == 3
    corner = next(head_rows[0].iter("th"))
    assert (corner.attrs["colspan"], corner.attrs["rowspan"]) == ("3", "3")
    block = next(th for th in table.iter("th") if th.text() == "三、本年度办理结果")
    assert block.attrs["rowspan"] == ("22" if report.format.id == "v2021" else "20")
    body_rows = list(table.find("tbody").iter("tr"))
    assert len(body_rows) == (25 if report.format.id == "v2021" else 23)
    values = [td for td in table.iter("td")]
    assert len(values) == len(body_rows) * 7
    # the first row: 一、本年新收 with its total computed
    first = body_rows[0]
    assert next(first.iter("th")).attrs["colspan"] == "3"
    numbers = [td.text() for td in first.iter("td")]
    expected = [
        str(report.values[f"applications.new_received.{k}"])
        for k in (
            "natural_person",
            "commercial",
            "research",
            "social_welfare",
            "legal_service",
            "other_org",
            "total",
        )
    ]
    assert numbers == expected


def test_table_four_three_header_rows_fifteen_values(rendered):
    _, _, dom = rendered
    table = dom.find("table", id="table-appeals")
    assert len(list(table.find("thead").iter("tr"))) == 3
    cells = list(table.iter("td"))
    assert len(cells) == 15
    assert [c.text() for c in cells][:5] == ["3", "1", "0", "1", "5"]


def test_zero_is_printed_never_blank(rendered):
    _, _, dom = rendered
    for td in dom.iter("td"):
        assert td.text().strip() not in ("", "/", "-", "—")
    regulations = [td.text() for td in dom.iter("td") if "regulations" in td.attrs["data-cell"]]
    assert regulations == ["0", "0", "0"]


def test_value_cells_are_associated_with_their_headers(rendered):
    _, _, dom = rendered
    ids = {el.attrs["id"]: el for el in dom.iter() if "id" in el.attrs}
    for th in dom.iter("th"):
        assert th.attrs.get("scope") in ("col", "colgroup", "row", "rowgroup")
    for td in dom.iter("td"):
        refs = td.attrs["headers"].split()
        assert refs and all(ids[r].tag == "th" for r in refs)
    # 表三 (三)1.属于国家秘密 / 法人或其他组织 / 商业企业
    td = next(
        td
        for td in dom.iter("td")
        if td.attrs["data-cell"] == "applications.denied.state_secret.commercial"
    )
    names = [ids[r].text() for r in td.attrs["headers"].split()]
    assert names == [
        "申请人情况",
        "法人或其他组织",
        "商业企业",
        "三、本年度办理结果",
        "（三）不予公开",
        "1.属于国家秘密",
    ]


def test_narrative_paragraphs_headings_and_placeholders(rendered):
    report, _, dom = rendered
    section = dom.find("section", id="overview")
    assert [h.text() for h in section.iter("h3")] == [
        "（一）主动公开",
        "（三）政府信息管理",
        "（四）政府信息公开平台建设",
        "（五）监督保障",
    ]
    assert [h.text() for h in section.iter("h4")] == ["1.健全信息发布审查机制"]
    total = report.values["applications.new_received.total"]
    assert any(f"本年新收政府信息公开申请{total}件" in p.text() for p in section.iter("p"))
    assert [s.text() for s in section.iter("strong")] == ["一是", "二是"]
    lead = section.find("span", class_="lead")
    assert lead.text() == "（二）依申请公开。"
    assert dom.find("section", id="other_matters").find("p").text() == OTHER


def test_signature_has_agency_and_date(rendered):
    report, _, dom = rendered
    signature = dom.find("div", class_="signature")
    lines = [p.text() for p in signature.iter("p")]
    assert lines == [report.agency, f"{report.year + 1}年1月20日"]


def test_signature_without_published_date_still_names_agency():
    report = load(2024, published=None)
    dom = parse(render_html(report))
    lines = [p.text() for p in dom.find("div", class_="signature").iter("p")]
    assert lines == [report.agency]


def test_signature_offsets_follow_gbt_9704():
    date = "2025年1月20日"
    date_width = width_em(date, "body")
    # name 右空二字; the date starts two characters right of the name's start
    name_pad, date_pad = signature_offsets("某某市生态环境局", date)
    assert name_pad == 2.0
    assert 8 + name_pad - (date_pad + date_width) == pytest.approx(2.0, abs=0.01)
    # a short name: the date keeps 2 字 and the name moves left
    name_pad, date_pad = signature_offsets("某某局", date)
    assert date_pad == 2.0
    assert 3 + name_pad - (date_pad + date_width) == pytest.approx(2.0, abs=0.01)


def test_narrative_is_escaped():
    sections = dict(report_data()["sections"])
    sections["other_matters"] = '<script>alert("x")</script><b onmouseover=1>无</b>。'
    report = load(sections=sections)
    html = render_html(report)
    assert "<script>" not in html and "<b onmouseover" not in html
    assert "&lt;script&gt;" in html


def test_preface_comes_before_section_one():
    sections = dict(report_data()["sections"])
    sections["preface"] = "本报告根据《中华人民共和国政府信息公开条例》编制。"
    dom = parse(render_html(load(sections=sections)))
    main = dom.find("main")
    order = [el for el in main.iter() if el.tag in ("p", "h2")]
    assert order[0].text() == sections["preface"] and order[1].text() == "一、总体情况"


def test_fee_precision_header_and_padding():
    data = report_data()
    data["proactive"]["fees"] = {"amount": Decimal("20.3"), "precision": 4}
    report = load(proactive=data["proactive"])
    dom = parse(render_html(report))
    table = dom.find("table", id="table-proactive")
    label = get_format("v2021").tables["proactive"].blocks[3].columns[0]
    assert label.extra["variants"]["precision"][4] in [th.text() for th in table.iter("th")]
    assert label.label not in [th.text() for th in table.iter("th")]
    fee = next(td for td in table.iter("td") if td.attrs["data-cell"].startswith("proactive.fees"))
    assert fee.text() == "20.3000"


def test_fee_text_pads_but_never_rounds():
    assert fee_text(Decimal("1.5"), 4) == "1.5000"
    assert fee_text(Decimal("1.23456"), 4) == "1.23456"
    assert fee_text(3, 2) == "3.00"
    assert fee_text(Decimal("20.30"), None) == "20.30"


def test_draft_marks_page_and_lists_problems():
    data = report_data()
    data["applications"]["carried_forward"]["natural_person"] = 99
    outcome = check_text(dump_report(get_format("v2021"), data), "bad.yaml")
    assert not outcome.ok
    dom = parse(render_html(outcome.report, outcome.problems, draft=True))
    assert dom.find("div", class_="draft-mark").text() == "草稿（未通过校验）"
    items = list(dom.find("section", class_="draft-problems").iter("li"))
    assert len(items) == len(outcome.problems)
    assert outcome.errors[0].message in items[0].text() or any(
        outcome.errors[0].message in li.text() for li in items
    )


def test_output_is_deterministic():
    assert render_html(load()) == render_html(load())


def test_user_template_extends_builtin(tmp_path: Path):
    (tmp_path / "report.html.j2").write_text(
        '{% extends "default/report.html.j2" %}'
        '{% block letterhead %}<div class="letterhead"><img alt="logo" '
        'src="{{ asset("logo.svg") }}">{{ agency }}</div>{% endblock %}',
        encoding="utf-8",
    )
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (tmp_path / "fonts.yaml").write_text("body: [Some Agency Font]\n", encoding="utf-8")
    html = render_html(load(), template_dir=tmp_path)
    dom = parse(html)
    letterhead = dom.find("div", class_="letterhead")
    assert letterhead.text() == "某某市生态环境局"
    assert letterhead.find("img").attrs["src"].startswith("data:image/svg+xml;base64,")
    assert '"Some Agency Font", "仿宋_GB2312"' in html
    assert next(h.text() for h in dom.iter("h2")) == "一、总体情况"


def test_user_template_is_sandboxed(tmp_path: Path):
    from reportgen.errors import RenderError

    (tmp_path / "report.html.j2").write_text(
        "{{ title.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8"
    )
    with pytest.raises(RenderError):
        render_html(load(), template_dir=tmp_path)
    (tmp_path / "report.html.j2").write_text('{{ asset("../../etc/passwd") }}')
    with pytest.raises(RenderError):
        render_html(load(), template_dir=tmp_path)


def test_user_stylesheet_replaces_and_extends_the_builtin(tmp_path: Path):
    (tmp_path / "print.css").write_text(
        '{% include "default/print.css" %}\n.letterhead { color: #c00; }\n', encoding="utf-8"
    )
    html = render_html(load(), template_dir=tmp_path)
    style = html.split('<style media="print">', 1)[1].split("</style>", 1)[0]
    assert "size: A4;" in style and ".letterhead { color: #c00; }" in style
