"""Title line breaks (GB/T 9704 7.3.1): between words, agency whole, balanced, 年度 whole."""

from __future__ import annotations

import pytest

from reportgen.render.metrics import width_em
from reportgen.render.title_breaks import agency_units, line_width_em, title_lines, title_words

AGENCIES = [
    "某某局",
    "商丘市工业和信息化局",
    "深圳市市场监督管理局",
    "某某省某某市发展和改革委员会",
    "遂宁市安居区人民政府",
    "某某自治区某某市某某县人民政府办公室",
    "中华人民共和国某某部某某司某某处某某办公室某某中心",
]


@pytest.mark.parametrize("agency", AGENCIES)
@pytest.mark.parametrize("suffix", ["年", "年度"])
def test_lines_fit_and_break_between_words(agency, suffix):
    title = f"{agency}2024{suffix}政府信息公开工作年度报告"
    lines = title_lines(title, agency)
    assert "".join("".join(line) for line in lines) == title
    limit = line_width_em()
    for line in lines:
        assert width_em("".join(line), "title") <= limit
    words = [w.text for w in title_words(title, agency)]
    boundaries, total = set(), 0
    for word in words:
        total += len(word)
        boundaries.add(total)
    offset = 0
    for line in lines[:-1]:
        offset += len("".join(line))
        assert offset in boundaries, (title, lines)
    # 年度 (and the year before it) is one word
    assert f"2024{suffix}" in words


@pytest.mark.parametrize("agency", AGENCIES[:6])
def test_agency_name_stays_whole_where_it_fits(agency):
    title = f"{agency}2024年度政府信息公开工作年度报告"
    lines = ["".join(line) for line in title_lines(title, agency)]
    assert any(agency in line for line in lines), lines


def test_lines_are_balanced_not_greedy():
    agency = "某某市某某区工业和信息化局"
    lines = [
        "".join(line) for line in title_lines(f"{agency}2024年政府信息公开工作年度报告", agency)
    ]
    # greedy filling would give 某某市某某区工业和信息化局2024年 / 政府信息公开工作年度报告
    widths = [width_em(line, "title") for line in lines]
    assert len(lines) == 2 and max(widths) - min(widths) < 2.5, lines


def test_agency_units_keep_words_after_place_names():
    rules = {"unit_ends": ["市", "区", "人民政府"], "not_before": {"市": ["场"]}}
    assert agency_units("深圳市市场监督管理局", rules) == ["深圳市", "市场监督管理局"]
    assert agency_units("遂宁市安居区人民政府", rules) == ["遂宁市", "安居区", "人民政府"]


def test_custom_title_without_the_agency_still_breaks_between_words():
    title = "关于某某市某某局2024年度政府信息公开工作年度报告的说明和补充"
    lines = title_lines(title, "某某局")
    assert "".join("".join(line) for line in lines) == title
    assert all(width_em("".join(line), "title") <= line_width_em() for line in lines)
