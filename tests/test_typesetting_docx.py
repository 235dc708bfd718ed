"""DOCX typesetting details: font table, languages, space after tables, 无。, the notice."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from test_render_docx import full_data, load, open_docx

from reportgen.cli import main
from reportgen.render.docx import render_docx
from reportgen.render.layout_rules import layout_rules


@pytest.fixture(scope="module")
def report():
    return load(full_data(2024))


@pytest.fixture(scope="module")
def docx(report):
    return render_docx(report)


def _part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(BytesIO(data)) as zf:
        return zf.read(name).decode("utf-8")


def test_every_font_has_a_font_table_entry_with_alternate_and_charset(docx):
    from xml.etree import ElementTree as ET

    table = ET.fromstring(_part(docx, "word/fontTable.xml"))
    entries = {f.get(qn("w:name")): f for f in table.findall(qn("w:font"))}
    styles = _part(docx, "word/styles.xml")
    used = set()
    for element in ET.fromstring(styles).iter(qn("w:rFonts")):
        used.add(element.get(qn("w:eastAsia")))
    assert used <= set(entries), used - set(entries)
    stock = {spec["alt"] for spec in layout_rules()["docx_fonts"].values()}
    for name in used:
        entry = entries[name]
        assert entry.find(qn("w:charset")).get(qn("w:val")) == "86"  # GB2312
        assert len(entry.find(qn("w:panose1")).get(qn("w:val"))) == 20
        alt = entry.find(qn("w:altName"))
        assert name in stock or alt.get(qn("w:val")) in stock, name
    assert 'Target="fontTable.xml"' in _part(docx, "word/_rels/document.xml.rels")


def test_latin_text_is_english_and_east_asian_text_chinese(docx):
    styles = _part(docx, "word/styles.xml")
    assert '<w:lang w:val="en-US" w:eastAsia="zh-CN"' in styles


def test_a_heading_after_a_table_has_space_above(docx):
    document = open_docx(docx)
    body = document.element.body
    for table in body.iter(qn("w:tbl")):
        following = table.getnext()
        if following is None or following.tag != qn("w:p"):
            continue
        spacing = following.pPr.find(qn("w:spacing"))
        assert spacing is not None and int(spacing.get(qn("w:before"))) > 0


def test_an_empty_section_prints_none():
    data = full_data(2024)
    data["sections"] = dict(data["sections"], other_matters="")
    report = load(data)
    document = open_docx(render_docx(report))
    texts = [p.text for p in document.paragraphs]
    label = report.format.section("other_matters").label
    assert texts[texts.index(label) + 1] == layout_rules()["empty_section"]


def test_build_names_substitute_fonts_once(tmp_path, capsys):
    from test_render_html import report_yaml

    from reportgen.render.fonts import load_font_map, resolve

    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    first.write_text(report_yaml(2024), encoding="utf-8")
    second.write_text(report_yaml(2023), encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["build", str(first), str(second), "--to", "pdf", "-o", str(tmp_path / "out")])
    _, err = capsys.readouterr()
    font_map = load_font_map()
    fallbacks = [resolve(font_map, role) for role in font_map.roles]
    if all(r.preferred for r in fallbacks):
        assert "开源替代字体" not in err
        return
    assert err.count("开源替代字体") == 1
    for r in fallbacks:
        if not r.preferred and r.family:
            assert r.family in err
    assert "fonts.yaml" in err and Path(tmp_path / "out" / "a.pdf").is_file()
