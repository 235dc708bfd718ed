"""PDF rendering: GB/T 9704 page, text per page, fonts embedded without tofu, metadata."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_render_html import load, parse, report_data

from reportgen.definition import get_format
from reportgen.render.html import render_html
from reportgen.render.pdf import render_pdf
from reportgen.validate import check_text
from reportgen.writer import dump_report

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)


@pytest.fixture(scope="module", params=[2024, 2020], ids=["v2021", "v2019"])
def rendered(request):
    report = load(request.param)
    data = render_pdf(report)
    return report, data, PdfReader(io.BytesIO(data))


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def text_runs(page) -> list[tuple[float, float, float, str]]:
    """(x, y, size, text) of each text run, in PDF points from the bottom left."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((x, y, size * abs(cm[0]), text))

    page.extract_text(visitor_text=visit)
    return runs


def test_every_page_is_a4(rendered):
    _, _, reader = rendered
    assert len(reader.pages) >= 3
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width == pytest.approx(A4[0], abs=0.5) and height == pytest.approx(A4[1], abs=0.5)


def test_metadata_language_and_dates(rendered):
    report, _, reader = rendered
    meta = reader.metadata
    assert meta.title == report.title
    assert meta.author == report.agency
    assert meta["/CreationDate"] == meta["/ModDate"] == f"D:{report.year + 1}0120"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_bookmarks_are_the_six_sections(rendered):
    report, _, reader = rendered
    titles = [item.title for item in reader.outline]
    assert titles == [s.label for s in report.format.sections]


def test_text_flows_in_order_with_page_numbers(rendered):
    report, _, reader = rendered
    texts = page_texts(reader)
    assert texts[0].startswith(f"{report.agency}{report.year}年\n政府信息公开工作年度报告")
    joined = "\n".join(texts)
    positions = [joined.index(s.label) for s in report.format.sections]
    assert positions == sorted(positions)
    for number, text in enumerate(texts, start=1):
        assert re.search(rf"—\s*{number}\s*—\s*$", text), text[-40:]
    assert joined.rstrip().endswith(
        f"{report.agency}\n{report.year + 1}年1月20日\n— {len(texts)} —"
    )


def test_page_numbers_outside_and_margins_mirrored(rendered):
    _, _, reader = rendered
    for number, page in enumerate(reader.pages, start=1):
        runs = text_runs(page)
        folio = next(r for r in runs if re.fullmatch(rf"—\s*{number}\s*—", r[3].strip()))
        assert folio[2] == pytest.approx(14, abs=0.1)  # 4号
        assert folio[1] < 35 * MM  # below the type area
        body = [r for r in runs if r[2] == pytest.approx(16, abs=0.1)]
        margin = 28 * MM if number % 2 else 26 * MM
        if body:  # a page may hold only a table
            left = min(r[0] for r in body)
            # a line starts at the margin, or 2 字 in when every 16 pt line is indented
            assert min(abs(left - margin), abs(left - margin - 32)) < 1, (number, left)
        if number % 2:  # odd: number on the right, binding margin 28 mm on the left
            assert folio[0] > A4[0] / 2
        else:
            assert folio[0] < A4[0] / 2
        top = max(r[1] for r in runs)
        assert top <= A4[1] - 37 * MM + 1


def test_title_and_body_sizes(rendered):
    report, _, reader = rendered
    runs = text_runs(reader.pages[0])
    title = [r for r in runs if r[3].strip() and r[3].strip() in report.title]
    assert title and all(r[2] == pytest.approx(22, abs=0.1) for r in title)
    body = next(r for r in runs if "本局坚持" in r[3])
    assert body[2] == pytest.approx(16, abs=0.1)


def test_table_three_on_one_page_with_its_labels(rendered):
    report, _, reader = rendered
    table = report.format.tables["applications"]
    labels = [
        lc.node.label
        for block in table.blocks
        for row in table.body_rows(block)
        for lc in row.labels
    ]
    texts = [t.replace("\n", "") for t in page_texts(reader)]
    page = next(i for i, t in enumerate(texts) if "三、本年度办理结果" in t.replace(" ", ""))
    for label in labels:
        assert label.replace(" ", "") in texts[page].replace(" ", ""), label


def test_numbers_are_printed(rendered):
    report, _, reader = rendered
    joined = " ".join(page_texts(reader))
    total = report.values["applications.results_total.total"]
    assert str(total) in joined
    assert str(report.values["appeals.review.total"]) in joined


def _font_programs(reader: PdfReader):
    """(name, unicode text by glyph id, glyph ids present in the embedded program)."""
    from fontTools.ttLib import TTFont

    seen = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            name = str(font["/BaseFont"])
            if name in seen:
                continue
            cid_font = font["/DescendantFonts"][0].get_object()
            descriptor = cid_font["/FontDescriptor"].get_object()
            key = next(k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor)
            stream = descriptor[key].get_object()
            program = stream.get_data()
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            pairs = [
                pair
                for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S)
                for pair in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block)
            ]
            to_unicode = {int(g, 16): bytes.fromhex(t).decode("utf-16-be") for g, t in pairs}
            if stream.get("/Subtype") == "/CIDFontType0C":
                from fontTools.cffLib import CFFFontSet

                cff = CFFFontSet()
                cff.decompile(io.BytesIO(program), None)
                present = {int(n[3:]) for n in cff[cff.fontNames[0]].charset if n.startswith("cid")}
            else:
                tt = TTFont(io.BytesIO(program))
                order = tt.getGlyphOrder()
                if "glyf" in tt:
                    glyf = tt["glyf"]
                    present = {i for i, n in enumerate(order) if glyf[n].numberOfContours != 0}
                else:
                    present = set(range(len(order)))
            seen[name] = (to_unicode, present, descriptor)
    return seen


def visible_text(html: str) -> str:
    dom = parse(html)
    body = dom.find("main")
    for caption in body.iter("caption"):
        caption.children = []  # captions are for screen readers; print hides them
    return body.text()


def test_fonts_embedded_subset_and_cover_every_character(rendered):
    report, _, reader = rendered
    fonts = _font_programs(reader)
    assert fonts
    covered: set[str] = set()
    for name, (to_unicode, present, _) in fonts.items():
        assert re.fullmatch(r"/[A-Z]{6}\+.+", name), f"{name} is not a subset"
        for gid, text in to_unicode.items():
            if gid != 0 and gid in present:
                covered.update(text)
    needed = {ch for ch in visible_text(render_html(report)) if not ch.isspace()}
    missing = needed - covered
    assert not missing, f"no embedded glyph for {sorted(missing)}"


def test_same_input_same_bytes(rendered):
    report, data, _ = rendered
    assert render_pdf(report) == data


def test_pdf_stays_small(rendered):
    _, data, _ = rendered
    assert len(data) < 250_000


def test_draft_mark_on_every_page_and_problems_at_the_end():
    data = report_data()
    data["applications"]["carried_forward"]["natural_person"] = 99
    outcome = check_text(dump_report(get_format("v2021"), data), "bad.yaml")
    assert outcome.errors
    reader = PdfReader(io.BytesIO(render_pdf(outcome.report, outcome.problems, draft=True)))
    texts = page_texts(reader)
    for text in texts:
        assert "草稿（未通过校验）" in text
    assert outcome.errors[0].message.split("：")[0] in texts[-1]
    assert "校验发现的问题" in texts[-1]


def test_rendering_makes_no_requests_outside_the_templates(tmp_path: Path):
    (tmp_path / "report.html.j2").write_text(
        '{% extends "default/report.html.j2" %}{% block letterhead %}'
        '<img src="http://127.0.0.1:9/logo.png"><img src="file:///etc/hostname">'
        '<img src="logo.svg">{% endblock %}',
        encoding="utf-8",
    )
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8"
    )
    from reportgen.render.pdf import _fetcher_class, builtin_template_dir

    fetcher = _fetcher_class()([tmp_path, builtin_template_dir()])
    with pytest.raises(ValueError):
        fetcher.fetch("http://127.0.0.1:9/logo.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/hostname")
    assert fetcher.fetch((tmp_path / "logo.svg").as_uri()).read().startswith(b"<svg")
    # and a template that tries still renders, without the refused resources
    data = render_pdf(load(), template_dir=tmp_path)
    assert PdfReader(io.BytesIO(data)).pages


def test_fee_precision_in_pdf():
    data = report_data()
    data["proactive"]["fees"] = {"amount": Decimal("20.3"), "precision": 4}
    report = load(proactive=data["proactive"])
    text = " ".join(page_texts(PdfReader(io.BytesIO(render_pdf(report)))))
    assert "20.3000" in text
    assert "保留4位小数" in text
